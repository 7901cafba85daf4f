"""The Rasa client against the real Rasa server, against no server, and against a slow one."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.nlu import UNKNOWN, RasaClient

from conftest import free_port


async def test_parse_against_real_rasa(rasa_url: str) -> None:
    client = RasaClient(rasa_url, timeout=5)
    parse = await client.parse("Wie lange dauert eine Ausbildung?")
    await client.close()
    assert parse.intent == "training.duration"
    assert parse.confidence > 0.5
    assert parse.ranking[0][0] == "training.duration"


async def test_city_entity_is_normalised(rasa_url: str) -> None:
    client = RasaClient(rasa_url, timeout=5)
    parse = await client.parse("wo gibt es beratung in gelsenkirschen")
    await client.close()
    assert parse.entities.get("city") == "Gelsenkirchen"


async def test_rasa_stopped_gives_unknown() -> None:
    client = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    assert await client.parse("hallo") == UNKNOWN
    assert await client.ready() is False
    await client.close()


async def test_slow_rasa_times_out_to_unknown() -> None:
    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            time.sleep(2)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = RasaClient(f"http://127.0.0.1:{server.server_address[1]}", timeout=0.3)
    started = asyncio.get_running_loop().time()
    assert await client.parse("hallo") == UNKNOWN
    assert asyncio.get_running_loop().time() - started < 1.5
    await client.close()
    server.shutdown()


async def test_occupation_entity_is_normalised(rasa_url: str) -> None:
    client = RasaClient(rasa_url, timeout=5)
    parse = await client.parse("was macht man als chemikantin?")
    await client.close()
    assert parse.intent == "careers.occupation"
    assert parse.entities.get("occupation") == "chemikant"
