"""What a feature needs to know about the current turn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from bot import i18n
from bot.content import Content
from bot.store import Profile, Session, Store
from bot.types import Turn


@dataclass
class Context:
    turn: Turn
    lang: str
    profile: Profile
    session: Session
    content: Content
    store: Store
    today: dt.date

    @cached_property
    def _(self) -> i18n.Strings:
        return i18n.strings(self.lang)
