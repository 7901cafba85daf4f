"""Compose the services the adapters share: store, NLU client, language detector, core."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from bot.content import load_content
from bot.core import Conversation, CoreConfig
from bot.langdetect import LanguageDetector
from bot.nlu import RasaClient
from bot.settings import Settings
from bot.store import MemoryStore, RedisStore, Store

log = structlog.get_logger(__name__)


@dataclass
class Services:
    settings: Settings
    store: Store
    nlu: RasaClient
    core: Conversation

    async def close(self) -> None:
        await self.nlu.close()
        await self.store.close()


async def open_services(settings: Settings, *, memory_store: bool = False) -> Services:
    """Open I/O once per process (called from the adapters' start-up hooks)."""
    content = load_content(settings.content_dir)
    if content.problems:
        log.warning("content_problems", count=len(content.problems))
    store: Store = (
        MemoryStore() if memory_store
        else RedisStore(settings.redis_url, settings.profile_ttl_days)
    )
    nlu = RasaClient(settings.rasa_url, settings.rasa_timeout)
    detector = LanguageDetector()
    detector.warm_up()
    core = Conversation(
        content, store, nlu, detector,
        CoreConfig(nlu_threshold=settings.nlu_threshold, max_text_chars=settings.max_text_chars),
    )
    if not await nlu.ready():
        log.warning("rasa_not_ready", hint="answers fall back to the topic menu until it is up")
    return Services(settings=settings, store=store, nlu=nlu, core=core)
