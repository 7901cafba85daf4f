"""The plain objects the conversation core works with; no channel types here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    OTHER = "other"  # stickers, photos, voice, locations ... anything without text


@dataclass(frozen=True)
class Turn:
    """One thing a user did: wrote text, sent a command, pressed a button or sent other content."""

    user: str  # pseudonym, never the Telegram id
    kind: Kind
    text: str = ""
    command: str = ""  # without the slash
    button: str = ""  # callback data
    client_lang: str | None = None  # Telegram's language_code
    content_type: str = ""  # for Kind.OTHER: sticker, photo, voice ...
    lang: str | None = None  # an explicit answer language (`ask --lang`), overrides detection
    # Where the message came from, only to relay it into a case and to deliver staff replies;
    # the core never shows or logs these.
    chat: int = 0
    message_id: int = 0
    edited: bool = False


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes (Telegram's limit)


@dataclass(frozen=True)
class Reply:
    """What the user gets: HTML text and button rows, plus facts about the answer for tools."""

    text: str
    lang: str
    topic: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    confidence: float | None = None
    handover: bool = False
    actions: tuple[str, ...] = field(default_factory=tuple)
    silent: bool = False  # nothing is sent (e.g. a flood after the one rate-limit notice)
    document: tuple[str, bytes] | None = None  # (file name, content) sent with `text` as caption

    def button_labels(self) -> list[str]:
        return [b.label for row in self.buttons for b in row]


@dataclass(frozen=True)
class StaffTurn:
    """Something a staff member did in a staff group: wrote in a case topic or pressed a button."""

    group: int  # the staff group's chat id
    thread: int  # forum topic id; 0 for the group's General topic
    actor: int  # the staff member's Telegram user id (0: anonymous admin or a channel)
    kind: Kind
    text: str = ""  # message text or media caption
    command: str = ""
    args: str = ""  # what follows the command
    button: str = ""
    content_type: str = ""  # for Kind.OTHER
    message_id: int = 0
