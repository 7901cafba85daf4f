"""Real components for the tests: their own redis-server, the real Rasa server, the content."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import i18n
from bot.render import render

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A throwaway redis-server (AOF on) that tests may also stop and start again."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (apt-get install -y redis-server); "
                        "the store tests need a real Redis")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(b"FLUSHALL\r\n")
            conn.recv(16)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    if redis_server.process is None:
        redis_server.start()
    redis_server.flush()
    return redis_server.url


@pytest.fixture(scope="session")
def rasa_url() -> str:
    """The real Rasa server with the trained model; started by `make test` (or here if needed)."""
    url = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    try:
        httpx.get(f"{url}/status", timeout=2).raise_for_status()
    except httpx.HTTPError:
        result = subprocess.run([str(ROOT / "scripts" / "nlu-up.sh")], env={**os.environ,
                                "RASA_URL": url}, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"Rasa is not running at {url} and could not be started "
                        f"(run `make nlu-up`): {result.stderr.strip()[-500:]}")
    return url


@pytest.fixture
def bot_env(redis_url: str, rasa_url: str) -> dict[str, str]:
    """Environment for a real bot process: test Redis, real Rasa, no token from the developer."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "WEBHOOK_", "PSEUDONYM_", "COUNSELLOR_", "PEER_",
                                "STAFF_"))}
    # A generous Rasa timeout: a busy CI machine must not turn answers into fallbacks.
    env.update(REDIS_URL=redis_url, RASA_URL=rasa_url, LOG_LEVEL="INFO", PYTHONUNBUFFERED="1",
               RASA_TIMEOUT="5")
    return env


def ui(key: str, lang: str, **params: object) -> str:
    """An interface string as the user receives it (HTML)."""
    return render(i18n.strings(lang)(key, **params), lang)


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    """The Bot API stand-in, serving on a free local port for one test."""
    from botapi import BotApiStandIn

    stand_in = BotApiStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()
