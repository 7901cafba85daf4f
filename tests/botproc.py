"""Run the real bot (`python -m bot run`) as a child process against the Bot API stand-in."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from botapi import BotApiStandIn

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    def __init__(self, api: BotApiStandIn, env: dict[str, str], log_path: Path) -> None:
        self.api = api
        self.env = {**env, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        """Start the bot and wait until it polls for updates."""
        assert self.process is None
        polls = self.api.polls
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT,
        )
        # Ready when this process polls: start-up (getMe, setMyCommands, deleteWebhook) is over.
        self.api.wait_polls(more_than=polls, timeout=timeout)

    def stop(self) -> int:
        if self.process is None:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")
