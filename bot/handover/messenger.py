"""What handover needs from a chat platform; the Telegram adapter implements it."""

from __future__ import annotations

from typing import Protocol

from bot.types import Button

Rows = tuple[tuple[Button, ...], ...]


class RecipientBlocked(Exception):
    """The user blocked the bot (Telegram 403): nothing can reach them any more."""


class Messenger(Protocol):
    async def send(self, chat: int, text: str, *, thread: int = 0,
                   buttons: Rows = ()) -> int | None:
        """Send HTML text; the new message id, None when it could not be sent."""

    async def copy(self, chat: int, from_chat: int, message_id: int, *, thread: int = 0,
                   caption: str | None = None) -> int | None:
        """Re-send a message (photo, voice, document ...) without "forwarded from"."""

    async def create_topic(self, chat: int, name: str) -> int | None:
        """Open a forum topic; its thread id."""

    async def edit_topic(self, chat: int, thread: int, name: str) -> None: ...
    async def close_topic(self, chat: int, thread: int) -> None: ...
    async def reopen_topic(self, chat: int, thread: int) -> None: ...
    async def delete_topic(self, chat: int, thread: int) -> None: ...

    async def contact(self, user_chat: int) -> str | None:
        """An HTML mention with the user's Telegram name, only asked for after their consent."""
