"""Console channel: chat with the same core in a terminal, and answer single questions (`ask`)."""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.app import Services
from bot.types import Kind, Reply, Turn

CONSOLE_USER = "console"
ANCHOR = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
TAG = re.compile(r"<[^>]+>")


def plain(reply_html: str) -> str:
    """Telegram HTML as terminal text: links as 'label (url)'."""
    text = ANCHOR.sub(lambda m: f"{TAG.sub('', m.group(2))} ({m.group(1)})", reply_html)
    return html.unescape(TAG.sub("", text))


def show(reply: Reply, out: TextIO) -> list[str]:
    """Print a reply with numbered buttons; return the buttons' callback data by number."""
    if reply.silent:
        return []
    out.write(plain(reply.text) + "\n")
    if reply.document is not None:
        out.write(reply.document[1].decode() + "\n")
    data: list[str] = []
    for row in reply.buttons:
        for button in row:
            data.append(button.data)
            out.write(f"  [{len(data)}] {button.label}\n")
    out.flush()
    return data


async def chat(services: Services, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout,
               client_lang: str | None = None) -> None:
    """Interactive chat: type a question, a /command, or a button's number. Ends on EOF."""
    core = services.core
    buttons = show(await core.handle(Turn(CONSOLE_USER, Kind.COMMAND, command="start",
                                          client_lang=client_lang)), out)
    for line in _lines(stdin, out):
        if not line:
            continue
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            turn = Turn(CONSOLE_USER, Kind.BUTTON, button=buttons[int(line) - 1])
        elif line.startswith("/"):
            turn = Turn(CONSOLE_USER, Kind.COMMAND, command=line[1:].split()[0].lower())
        else:
            turn = Turn(CONSOLE_USER, Kind.TEXT, text=line, client_lang=client_lang)
        buttons = show(await core.handle(turn), out)


def _lines(stdin: TextIO, out: TextIO) -> Iterable[str]:
    while True:
        if stdin.isatty():
            out.write("> ")
            out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n")
            return
        yield line.strip()


async def ask(services: Services, questions: Iterable[str], lang: str | None, as_json: bool,
              out: TextIO = sys.stdout) -> None:
    """Answer each question on its own (no conversation state carried between them)."""
    for index, question in enumerate(questions):
        question = question.rstrip("\n")
        if not question.strip():
            continue
        turn = Turn(f"ask-{index}", Kind.TEXT, text=question, lang=lang)
        reply = await services.core.handle(turn)
        if as_json:
            out.write(json.dumps({
                "text": question,
                "lang": reply.lang,
                "topic": reply.topic,
                "confidence": reply.confidence,
                "reply": reply.text,
                "buttons": [b.label for row in reply.buttons for b in row],
                "handover": reply.handover,
            }, ensure_ascii=False) + "\n")
        else:
            out.write(plain(reply.text) + "\n\n")
        out.flush()
