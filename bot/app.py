"""Compose the services the adapters share: store, NLU client, language detector, core."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from bot import spelling
from bot.content import load_content
from bot.core import Conversation, CoreConfig
from bot.handover.cases import CaseStore
from bot.handover.desk import Desk, HandoverConfig
from bot.handover.hours import OfficeHours
from bot.handover.messenger import Messenger
from bot.handover.staff import load_staff_file
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
    desk: Desk | None = None

    async def close(self) -> None:
        await self.nlu.close()
        await self.store.close()
        if self.desk is not None:
            await self.desk.cases.close()


def open_desk(settings: Settings, store: Store, content, messenger: Messenger) -> Desk:  # type: ignore[no-untyped-def]
    """The handover desk, when the counsellors' group is configured."""
    config = HandoverConfig(
        counsellor_chat=settings.counsellor_chat_id or 0,
        peer_chat=settings.peer_chat_id,
        counsellor_hours=OfficeHours(settings.counsellor_hours, settings.holiday_region or None),
        peer_hours=OfficeHours(settings.peer_hours, settings.holiday_region or None),
        reannounce_seconds=settings.reannounce_minutes * 60,
        idle_close_days=settings.case_idle_days,
        retention_days=settings.case_retention_days,
    )
    cases = CaseStore(settings.redis_url, reopen_days=settings.case_reopen_days,
                      blocked_days=settings.blocked_days)
    return Desk(config, cases, store, content, messenger, load_staff_file(settings.staff_file))


async def open_services(settings: Settings, *, memory_store: bool = False,
                        messenger: Messenger | None = None) -> Services:
    """Open I/O once per process (called from the adapters' start-up hooks)."""
    content = load_content(settings.content_dir)
    if content.problems:
        log.warning("content_problems", count=len(content.problems))
    store: Store = (
        MemoryStore() if memory_store
        else RedisStore(settings.redis_url, settings.profile_ttl_days,
                        snippet_ttl_days=settings.snippet_ttl_days)
    )
    desk = None
    if settings.counsellor_chat_id and messenger is not None and not memory_store:
        desk = open_desk(settings, store, content, messenger)
    nlu = RasaClient(settings.rasa_url, settings.rasa_timeout)
    detector = LanguageDetector()
    detector.warm_up()
    spelling.warm_up()
    core = Conversation(
        content, store, nlu, detector,
        CoreConfig(nlu_threshold=settings.nlu_threshold, nlu_margin=settings.nlu_margin,
                   max_text_chars=settings.max_text_chars),
        desk=desk,
    )
    if not await nlu.ready():
        log.warning("rasa_not_ready", hint="answers fall back to the topic menu until it is up")
    return Services(settings=settings, store=store, nlu=nlu, core=core, desk=desk)
