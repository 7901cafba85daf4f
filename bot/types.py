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
