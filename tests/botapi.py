"""A local stand-in of the Telegram Bot API: serves getMe/getUpdates, records every other call.

The real bot process talks HTTP to it through python-telegram-bot's `base_url`, so the bot's
real network code runs. Tests queue updates and wait for the calls the bot makes.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Lotse", "username": "lotse_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


TOKEN = "123456:TEST-token"


class BotApiStandIn:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.polls = 0  # getUpdates requests served (not recorded as calls: there are many)
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._thread_ids = itertools.count(501)
        self._cond = threading.Condition()
        # method -> list of canned error responses to return before succeeding
        self.failures: dict[str, list[dict[str, Any]]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what tests do -------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        with self._cond:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._cond.notify_all()
            return update_id

    def push_raw(self, update: dict[str, Any]) -> None:
        """Queue an update with its own update_id (to deliver the same update twice)."""
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()

    def made(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Every call of one method (optionally to one chat)."""
        with self._cond:
            return [c for c in self.calls if c.method == method
                    and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)]

    def wait_call(self, method: str, predicate=lambda c: True,  # type: ignore[no-untyped-def]
                  timeout: float = 20.0) -> Call:
        """The first call of `method` matching `predicate` (waits for it)."""
        return self.wait_for(lambda c: c.method == method and predicate(c), timeout)[0]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == "sendMessage"
                    and (chat_id is None or int(c.params["chat_id"]) == chat_id)]

    def wait_for(self, predicate, timeout: float = 20.0) -> list[Call]:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if predicate(c)]
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [c.method for c in self.calls]
                    raise AssertionError(f"no matching Bot API call within {timeout}s; "
                                         f"calls so far: {methods}")
                self._cond.wait(remaining)

    def wait_polls(self, more_than: int, timeout: float = 60.0) -> None:
        """Wait until the bot polls for updates (more than `more_than` polls in all)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.polls <= more_than:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"the bot did not poll for updates within {timeout}s")
                self._cond.wait(remaining)

    def wait_sent(self, chat_id: int, count: int, timeout: float = 20.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            sent = self.sent(chat_id)
            if len(sent) >= count:
                return sent
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages to {chat_id}, got {len(sent)}: "
                                     f"{[c.params.get('text', '')[:60] for c in sent]}")
            with self._cond:
                self._cond.wait(0.2)

    # --- the HTTP side -------------------------------------------------------------------
    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            failures = self.failures.get(method)
            if failures:
                failure = failures.pop(0)
                self.calls.append(Call(f"{method}!failed", params))
                self._cond.notify_all()
                return failure
        if method == "getUpdates":
            with self._cond:
                self.polls += 1
                self._cond.notify_all()
            return {"ok": True, "result": self._get_updates(params)}
        if method == "createForumTopic":
            with self._cond:
                thread = next(self._thread_ids)
                self.calls.append(Call(method, {**params, "_thread": thread}))
                self._cond.notify_all()
            return {"ok": True, "result": {"message_thread_id": thread,
                                           "name": params.get("name", ""), "icon_color": 7322096}}
        with self._cond:
            self.calls.append(Call(method, params))
            self._cond.notify_all()
        if method == "getMe":
            return {"ok": True, "result": BOT_USER}
        if method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"):
            chat_id = int(params.get("chat_id", 0))
            result = {
                "message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER, "text": params.get("text", ""),
            }
            if params.get("message_thread_id"):
                result.update(message_thread_id=int(params["message_thread_id"]),
                              is_topic_message=True)
            return {"ok": True, "result": result}
        if method == "copyMessage":
            return {"ok": True, "result": {"message_id": next(self._message_ids)}}
        if method == "getChat":
            chat_id = int(params.get("chat_id", 0))
            return {"ok": True, "result": {"id": chat_id, "type": "private",
                                           "first_name": "Test", "username": f"user{chat_id}",
                                           "accent_color_id": 0, "max_reaction_count": 11,
                                           "accepted_gift_types": {
                                               "unlimited_gifts": False, "limited_gifts": False,
                                               "unique_gifts": False,
                                               "premium_subscription": False}}}
        return {"ok": True, "result": True}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        wait = min(float(params.get("timeout", 0) or 0), 1.0)
        deadline = time.monotonic() + wait
        with self._cond:
            # Confirmed updates (below offset) are gone, as on Telegram.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self._updates[:100])

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:  # noqa: N802
                self._serve()

            def do_GET(self) -> None:  # noqa: N802
                self._serve()

            def _serve(self) -> None:
                path = self.path.split("?")[0]
                prefix = f"/bot{stand_in.token}/"
                if not path.startswith(prefix):
                    self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = path[len(prefix):]
                params = self._params()
                answer = stand_in._answer(method, params)
                self._send(200 if answer.get("ok") else int(answer.get("error_code", 400)), answer)

            def _params(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if "application/json" in kind:
                    return json.loads(body or b"{}")
                if "multipart/form-data" in kind:
                    message = BytesParser(policy=HTTP).parsebytes(
                        f"Content-Type: {kind}\r\n\r\n".encode() + body)
                    params: dict[str, Any] = {}
                    for part in message.iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        payload = part.get_payload(decode=True) or b""
                        if part.get_filename():
                            params[name] = {"filename": part.get_filename(),
                                            "bytes": len(payload), "content": payload}
                        else:
                            params[name] = _maybe_json(payload.decode())
                    return params
                return {k: _maybe_json(v) for k, v in parse_qsl(body.decode())}

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _with_text(message: dict[str, Any], text: str | None,
               extra: dict[str, Any]) -> dict[str, Any]:
    """Add text (marking a leading /command as Telegram does) and any other fields."""
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
    message.update(extra)
    return message


def private_message(chat_id: int, text: str | None = None, language_code: str | None = "de",
                    **extra: Any) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Test"}
    if language_code:
        user["language_code"] = language_code
    message: dict[str, Any] = {
        "message_id": int(time.time() * 1000) % 1_000_000, "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Test"}, "from": user,
    }
    return {"message": _with_text(message, text, extra)}


def button_press(chat_id: int, data: str, language_code: str | None = "de") -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Test"}
    if language_code:
        user["language_code"] = language_code
    return {"callback_query": {
        "id": str(int(time.time() * 1e6)), "from": user, "chat_instance": "1", "data": data,
        "message": {"message_id": 1, "date": int(time.time()), "text": "…",
                    "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER},
    }}


def _group_chat(group_id: int) -> dict[str, Any]:
    return {"id": group_id, "type": "supergroup", "title": "Lotse Team", "is_forum": True}


def _staff_user(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "de"}


def group_message(group_id: int, thread: int, user_id: int, name: str = "Staff",
                  text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A message in a staff supergroup's forum topic (thread 0: the General topic)."""
    message: dict[str, Any] = {
        "message_id": int(time.time() * 1000) % 1_000_000, "date": int(time.time()),
        "chat": _group_chat(group_id), "from": _staff_user(user_id, name),
    }
    if thread:
        message.update(message_thread_id=thread, is_topic_message=True)
    return {"message": _with_text(message, text, extra)}


def group_button(group_id: int, thread: int, user_id: int, data: str,
                 name: str = "Staff") -> dict[str, Any]:
    """A staff member pressing an inline button under a bot message in a forum topic."""
    message: dict[str, Any] = {"message_id": 1, "date": int(time.time()), "text": "…",
                               "chat": _group_chat(group_id), "from": BOT_USER}
    if thread:
        message.update(message_thread_id=thread, is_topic_message=True)
    return {"callback_query": {"id": str(int(time.time() * 1e6)),
                               "from": _staff_user(user_id, name), "chat_instance": "2",
                               "data": data, "message": message}}
