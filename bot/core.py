"""The conversation core: a plain Turn in, a plain Reply out. Channel adapters drive it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace

import structlog

from bot import i18n
from bot.content import Content
from bot.features import answers, handover, languages, privacy
from bot.features.context import Context
from bot.handover.desk import Desk
from bot.langdetect import LanguageDetector
from bot.nlu import RasaClient
from bot.render import clean_user_text, render
from bot.safety import CRISIS_TOPIC
from bot.spelling import for_understanding
from bot.store import Profile, Session, Store, StoreUnavailable
from bot.types import Kind, Reply, Turn

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CoreConfig:
    # Per user: at most this many messages in 10 seconds and in a minute; others are dropped
    # after one friendly notice, so one flooding user cannot slow down everyone else.
    burst_limit: int = 6
    minute_limit: int = 20
    nlu_threshold: float = 0.5
    # Two topics almost equally likely ("Geld": pay or support?) is unsure too: ask.
    nlu_margin: float = 0.1
    # Recall matters more than precision for crisis messages: a lower bar than for other topics.
    crisis_threshold: float = 0.2
    max_text_chars: int = 1500
    topics_kept: int = 5  # recent topics remembered for the case card


class Conversation:
    """Decides what to say. Rasa only understands; every decision is made here."""

    def __init__(
        self,
        content: Content,
        store: Store,
        nlu: RasaClient,
        detector: LanguageDetector,
        config: CoreConfig = CoreConfig(),
        desk: Desk | None = None,
    ) -> None:
        self.content = content
        self.store = store
        self.nlu = nlu
        self.detector = detector
        self.config = config
        self.desk = desk  # None: no staff groups configured, handover explains the offices

    async def handle(self, turn: Turn) -> Reply:
        """Answer one turn; a store outage becomes a short apology, never a crash."""
        try:
            return await self._handle(turn)
        except StoreUnavailable as exc:
            log.error("store_unavailable", error=str(exc), user=turn.user)
            lang = i18n.normalise(turn.client_lang) or i18n.DEFAULT_LANGUAGE
            s = i18n.strings(lang)
            # The adapter keeps the turn and handles it again when the store is back.
            return Reply(text=s("error.store_unavailable"), lang=lang, topic="error",
                         actions=("retry",))

    async def _handle(self, turn: Turn) -> Reply:
        profile = await self.store.profile(turn.user)
        session = await self.store.session(turn.user)
        client = i18n.normalise(turn.client_lang)
        # Buttons count only per minute: tapping through a menu fast is not a flood.
        count = await self.store.count_message(turn.user, time.time(),
                                               burst=turn.kind is not Kind.BUTTON)
        if count.burst > self.config.burst_limit or count.minute > self.config.minute_limit:
            lang = profile.lang or session.last_lang or client or i18n.DEFAULT_LANGUAGE
            log.info("rate_limited", user=turn.user)
            if await self.store.first_rate_notice(turn.user):
                s = i18n.strings(lang)
                return Reply(text=render(s("rate.limited"), lang), lang=lang, topic="rate_limited")
            return Reply(text="", lang=lang, topic="rate_limited", silent=True)
        if profile.inactive:
            await self.store.update_profile(turn.user, inactive="")  # back after blocking us

        if self.desk is not None and turn.kind is not Kind.BUTTON:
            case = await self.desk.cases.active_for(turn.user)
            if case is not None:
                ctx = self._context(turn, case.lang, profile, session)
                reply = await handover.in_case(ctx, self.desk, case)
                if reply is not None:
                    return reply
        if turn.kind is Kind.COMMAND:
            return await self._command(turn, profile, session, client)
        if turn.kind is Kind.BUTTON:
            lang = profile.lang or client or i18n.DEFAULT_LANGUAGE
            return await self._button(turn, self._context(turn, lang, profile, session))
        lang = profile.lang or session.last_lang or client or i18n.DEFAULT_LANGUAGE
        if turn.kind is Kind.OTHER:
            return answers.not_text(self._context(turn, lang, profile, session))
        return await self._text(turn, profile, session, client)

    def _context(self, turn: Turn, lang: str, profile: Profile, session: Session) -> Context:
        return Context(turn=turn, lang=lang, profile=profile, session=session,
                       content=self.content, store=self.store, today=dt.date.today())

    async def _crisis(self, ctx: Context, confidence: float) -> Reply:
        """Helplines at once, in the user's language, and an urgent case for a counsellor."""
        log.warning("crisis_detected", user=ctx.turn.user, lang=ctx.lang)
        await self.store.update_session(ctx.turn.user, misses=0, last_lang=ctx.lang)
        reply = answers.topic_reply(ctx, CRISIS_TOPIC)
        reply = await handover.urgent(ctx, self.desk, reply)
        return replace(reply, handover=True, actions=("handover.urgent",),
                       confidence=round(confidence, 4))

    async def _command(self, turn: Turn, profile: Profile, session: Session,
                       client: str | None) -> Reply:
        lang = profile.lang or client or i18n.DEFAULT_LANGUAGE
        ctx = self._context(turn, lang, profile, session)
        if turn.command == "start":
            return await languages.start(ctx, client)
        if turn.command == "language":
            return languages.picker(ctx)
        if turn.command == "help":
            return answers.topic_reply(ctx, "meta.help")
        if turn.command == "menu":
            return answers.menu(ctx)
        if turn.command == "privacy":
            return answers.topic_reply(ctx, "meta.privacy")
        if turn.command == "delete":
            return privacy.confirm_delete(ctx)
        if turn.command == "mydata":
            return await privacy.export(ctx, self.desk)
        if turn.command == "end":
            return Reply(text=render(ctx._("handover.no_case"), ctx.lang), lang=lang,
                         topic="menu", buttons=answers.menu_buttons(ctx))
        if turn.command in {"person", "human"}:
            return await handover.begin(ctx, self.desk, handover.Role.COUNSELLOR)
        return answers.unknown_command(ctx)

    async def _button(self, turn: Turn, ctx: Context) -> Reply:
        kind, _, value = turn.button.partition(":")
        if kind == "l" and value in i18n.LANGUAGES:
            return await languages.choose(ctx, value)
        if kind == "lp":
            return languages.picker(ctx)
        if kind == "pv":
            return await privacy.acknowledge(ctx)
        if kind == "del":
            return await privacy.delete(ctx, confirmed=value == "yes", desk=self.desk)
        if kind in {"ho", "r"}:
            return await handover.button(ctx, self.desk, turn.button)
        if kind == "ag":
            return await handover.choose_age(ctx, value)
        if kind == "t" and value in handover.ROLE_OF_TOPIC:
            return await handover.begin(ctx, self.desk, handover.ROLE_OF_TOPIC[value])
        if kind == "t" and self.content.topic(value):
            return answers.topic_reply(ctx, value)
        if kind == "c" and self.content.directory is not None:
            city, _, topic_id = value.partition(":")
            city = self.content.directory.canonical_city(city) or ""
            if city and self.content.topic(topic_id):
                await self.store.update_profile(turn.user, city=city)
                return answers.topic_reply(ctx, topic_id, city=city)
        return answers.menu(ctx)

    async def _text(self, turn: Turn, profile: Profile, session: Session,
                    client: str | None) -> Reply:
        text = clean_user_text(turn.text)
        detected = self.detector.detect(text) if text else None
        if detected == "de" and profile.lang == "de-simple":
            detected = "de-simple"
        lang = (turn.lang or detected or session.last_lang or profile.lang or client
                or i18n.DEFAULT_LANGUAGE)
        ctx = self._context(turn, lang, profile, session)
        if not text:
            return answers.not_text(ctx)
        if self.desk is not None:
            # Kept briefly so that a person taking a case sees what the user asked.
            await self.store.remember_message(turn.user, text)
        # Russian typed in Latin letters or Polish without diacritics is understood far better
        # spelt the way the encoder learnt the language; staff and the kept fallback messages
        # get the text as typed.
        reading = for_understanding(text, detected or lang)
        if self.content.crisis.match(text) or self.content.crisis.match(reading):
            # The phrase layer answers at once, also when Rasa is down or the text is long.
            return await self._crisis(ctx, confidence=1.0)
        if len(text) > self.config.max_text_chars:
            return answers.too_long(ctx, self.config.max_text_chars)

        parse = await self.nlu.parse(reading)
        if parse.intent == CRISIS_TOPIC and parse.confidence >= self.config.crisis_threshold:
            return await self._crisis(ctx, confidence=parse.confidence)
        city = self.content.directory.canonical_city(parse.entities.get("city")) if (
            self.content.directory) else None
        if city:
            await self.store.update_profile(turn.user, city=city)
        confident = (parse.available and parse.confidence >= self.config.nlu_threshold
                     and parse.lead >= self.config.nlu_margin)
        topic = self.content.topic(parse.intent or "")
        if not confident and parse.entities.get("occupation") in self.content.occupations:
            # "Chemikant?" alone is unclear as a sentence but clear as a question.
            confident, topic = True, self.content.topic("careers.occupation")
        if confident and topic is not None and topic.id in handover.ROLE_OF_TOPIC:
            await self.store.update_session(turn.user, misses=0, last_lang=lang)
            return _with_confidence(
                await handover.begin(ctx, self.desk, handover.ROLE_OF_TOPIC[topic.id]),
                parse.confidence)
        if confident and topic is not None:
            topics = [t for t in session.topics if t != topic.id][-(self.config.topics_kept - 1):]
            await self.store.update_session(turn.user, misses=0, last_lang=lang,
                                            topics=",".join([*topics, topic.id]))
            reply = answers.topic_reply(ctx, topic.id, city=city,
                                        occupation=parse.entities.get("occupation"))
            return _with_confidence(reply, parse.confidence)

        misses = session.misses + 1
        await self.store.update_session(turn.user, misses=misses, last_lang=lang)
        await self.store.log_unanswered(text, lang, ctx.today.isoformat())
        if not parse.available:
            log.warning("answered_without_nlu", user=turn.user)
        reply = answers.fallback(ctx, parse, misses=misses,
                                 out_of_scope=confident and parse.intent == "out_of_scope")
        return _with_confidence(reply, parse.confidence)


def _with_confidence(reply: Reply, confidence: float) -> Reply:
    return replace(reply, confidence=round(confidence, 4))
