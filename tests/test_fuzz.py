"""Property-based fuzzing of the update path: generated Telegram updates -> Turn -> core -> Reply.

Every update either is ignored (not a private chat) or gets a non-empty reply whose HTML is well
formed for Telegram; nothing raises. The NLU answers are generated too (any topic, any confidence,
or Rasa down).
"""

from __future__ import annotations

import asyncio
import html.parser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.adapters.telegram import to_staff_turn, to_turn
from bot.content import load_content
from bot.core import Conversation
from bot.handover.cases import CaseStore
from bot.handover.desk import Desk, HandoverConfig
from bot.handover.staff import Role, StaffMember
from bot.langdetect import LanguageDetector
from bot.nlu import UNKNOWN, Parse
from bot.store import MemoryStore, RedisStore
from bot.types import Kind, Turn

from conftest import ROOT

CONTENT = load_content(ROOT / "content")
DETECTOR = LanguageDetector()
TOPICS = sorted(CONTENT.topics) + ["out_of_scope", "no.such.topic"]
ALLOWED_TAGS = {"a"}

odd_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50).map(lambda t: t * 120),
    st.sampled_from(["", " ", "\u200b\u202e\u2066", "<b>x</b>", "&amp;", "/start", "/language",
                     "/help extra", "/unknown", "/start@lotse_test_bot", "🙂" * 50, "\x00\x01",
                     "ausbildung ne kadar sürer", "وين بلاقي Deutschkurs بغلادبيك",
                     "ich will nicht mehr leben", "[x](javascript:alert(1))"]),
)
language_codes = st.one_of(st.none(), st.sampled_from(["de", "tr", "ar", "fa", "uk", "pt-br",
                                                        "zh-hans", "", "xx-YY-zz"]))
chat_types = st.sampled_from(["private", "private", "private", "group", "supergroup", "channel"])
message_kinds = st.sampled_from(["text", "sticker", "photo", "voice", "location", "document",
                                 "contact", "dice", "nothing"])


@st.composite
def updates(draw: st.DrawFn) -> dict:
    user_id = draw(st.integers(min_value=1, max_value=2**40))
    user = {"id": user_id, "is_bot": False, "first_name": draw(st.text(min_size=1, max_size=20))}
    code = draw(language_codes)
    if code is not None:
        user["language_code"] = code
    chat = {"id": user_id, "type": draw(chat_types)}
    if draw(st.booleans()) and chat["type"] == "private":
        data = draw(st.one_of(st.sampled_from(["l:tr", "l:de-simple", "lp", "m", "t:training.pay",
                                                "c:Marl:counselling.offices", "c:Nowhere:x",
                                                "t:nope", "l:xx", "t:handover.human",
                                                "t:handover.peer", "ho:a:training.pay", "ho:a:-",
                                                "ho:c:Marl", "ho:c:Atlantis", "ho:x", "ho:end",
                                                "ho:share", "r:1:5", "r:x:9", "ag:parent",
                                                "ag:u16", "ag:-", "pv:ok", "del:no"]),
                                st.text(max_size=64)))
        return {"update_id": 1, "callback_query": {
            "id": "1", "from": user, "chat_instance": "1", "data": data,
            "message": {"message_id": 1, "date": 0, "chat": chat, "text": "…"}}}
    message: dict = {"message_id": 1, "date": 0, "chat": chat, "from": user}
    kind = draw(message_kinds)
    if kind == "text":
        message["text"] = draw(odd_text)
    elif kind == "sticker":
        message["sticker"] = {"file_id": "s", "file_unique_id": "s", "type": "regular",
                              "width": 1, "height": 1, "is_animated": False, "is_video": False}
    elif kind == "photo":
        message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        if draw(st.booleans()):
            message["caption"] = draw(odd_text)
    elif kind == "voice":
        message["voice"] = {"file_id": "v", "file_unique_id": "v", "duration": 1}
    elif kind == "location":
        message["location"] = {"latitude": 51.5, "longitude": 7.1}
    elif kind == "document":
        message["document"] = {"file_id": "d", "file_unique_id": "d"}
    elif kind == "contact":
        message["contact"] = {"phone_number": "0", "first_name": "x"}
    elif kind == "dice":
        message["dice"] = {"emoji": "🎲", "value": 3}
    key = draw(st.sampled_from(["message", "edited_message", "channel_post"]))
    if key == "edited_message":
        message["edit_date"] = 1
    return {"update_id": 1, key: message}


parses = st.one_of(
    st.just(UNKNOWN),
    st.builds(lambda intent, conf, city, occ: Parse(
        intent, conf, ((intent, conf), ("training.pay", conf / 2)),
        {k: v for k, v in (("city", city), ("occupation", occ)) if v}),
        st.sampled_from(TOPICS), st.floats(min_value=0, max_value=1),
        st.sampled_from([None, "Marl", "Bottrop", "Atlantis"]),
        st.sampled_from([None, "koch", "chemikant", "astronaut"])),
)


class GeneratedNLU:
    def __init__(self, parse: Parse) -> None:
        self.answer = parse

    async def parse(self, text: str) -> Parse:
        return self.answer


class TagChecker(html.parser.HTMLParser):
    def __init__(self, allowed: frozenset[str] | set[str] = ALLOWED_TAGS) -> None:
        super().__init__()
        self.allowed = allowed
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in self.allowed, tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag


FUZZ_RUNS = 3000


@settings(max_examples=FUZZ_RUNS, deadline=None, suppress_health_check=list(HealthCheck))
@given(update=updates(), parse=parses)
def test_every_update_gets_a_wellformed_reply_or_is_ignored(update: dict, parse: Parse) -> None:
    turn = to_turn(Update.de_json(update, None), "fuzz-key")
    if turn is None:
        message = update.get("message") or update.get("edited_message") or {}
        assert "channel_post" in update or message.get("chat", {}).get("type") != "private"
        return
    core = Conversation(CONTENT, MemoryStore(), GeneratedNLU(parse), DETECTOR)
    reply = asyncio.run(core.handle(turn))
    assert reply.text.strip() or reply.silent
    assert len(reply.text) <= 4096
    checker = TagChecker()
    checker.feed(reply.text)
    checker.close()
    assert not checker.open
    for row in reply.buttons:
        for button in row:
            assert button.label.strip()
            assert len(button.data.encode()) <= 64


STAFF_GROUP = -1001000000001
STAFF_TAGS = {"a", "b"}  # staff texts and the name line above relayed staff replies
STAFF_FUZZ_RUNS = 1000


@st.composite
def staff_updates(draw: st.DrawFn) -> dict:
    """Anything that can happen in a staff group: topics, commands, buttons, media, service
    messages, anonymous admins, strangers."""
    user_id = draw(st.sampled_from([9001, 9101, 9999, 1087968824]))
    user = {"id": user_id, "is_bot": False, "first_name": "S"}
    chat = {"id": STAFF_GROUP, "type": "supergroup", "title": "t", "is_forum": True}
    thread = draw(st.sampled_from([0, 501, 502, 777]))
    if draw(st.booleans()):
        data = draw(st.one_of(st.sampled_from(
            ["s:take:1", "s:rel:1", "s:toc:1", "s:top:1", "s:close:1", "s:block:1", "s:take:999",
             "s:take:x", "s:", "s:close:"]), st.text(max_size=64)))
        message = {"message_id": 1, "date": 0, "chat": chat, "text": "…"}
        if thread:
            message.update(message_thread_id=thread, is_topic_message=True)
        return {"update_id": 1, "callback_query": {"id": "1", "from": user, "chat_instance": "1",
                                                   "data": data, "message": message}}
    message = {"message_id": 1, "date": 0, "chat": chat, "from": user}
    if thread:
        message.update(message_thread_id=thread, is_topic_message=True)
    kind = draw(st.sampled_from(["command", "text", "photo", "sticker", "topic_created"]))
    if kind == "command":
        message["text"] = "/" + draw(st.sampled_from(
            ["take", "release", "counsellor", "peer", "note", "close", "block", "cases",
             "profile", "staff", "help", "nonsense", "take@lotse_bot"])) + draw(
            st.sampled_from(["", " ", " Ayşe | tr, de | Marl", " off", " |", " x|zz|"]))
    elif kind == "text":
        message["text"] = draw(odd_text)
    elif kind == "photo":
        message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        message["caption"] = draw(odd_text)
    elif kind == "sticker":
        message["sticker"] = {"file_id": "s", "file_unique_id": "s", "type": "regular",
                              "width": 1, "height": 1, "is_animated": False, "is_video": False}
    else:
        message["forum_topic_created"] = {"name": "x", "icon_color": 1}
    return {"update_id": 1, "message": message}


class TelegramSink:
    """Accepts what the desk sends to Telegram (the fuzz checks the desk, not Telegram)."""

    def __init__(self) -> None:
        self.count = 0

    async def send(self, chat: int, text: str, *, thread: int = 0, buttons=()) -> int:  # type: ignore[no-untyped-def]
        checker = TagChecker(STAFF_TAGS)
        checker.feed(text)
        checker.close()
        assert text.strip() and not checker.open
        self.count += 1
        return self.count

    async def copy(self, *args, **kwargs) -> int:  # type: ignore[no-untyped-def]
        self.count += 1
        return self.count

    async def create_topic(self, chat: int, name: str) -> int:
        assert 0 < len(name) <= 128
        self.count += 1
        return 500 + self.count

    async def edit_topic(self, *args) -> None:  # type: ignore[no-untyped-def]
        return None

    close_topic = reopen_topic = delete_topic = edit_topic

    async def contact(self, user_chat: int) -> str:
        return "x"


def test_staff_group_updates_never_crash_the_desk(redis_url: str) -> None:
    """Generated staff-group updates against a real open case in Redis: no exception, every
    reply non-empty with well-formed HTML and short callback data."""
    loop = asyncio.new_event_loop()
    store = RedisStore(redis_url, profile_ttl_days=1)
    desk = Desk(HandoverConfig(counsellor_chat=STAFF_GROUP, peer_chat=-1001000000002),
                CaseStore(redis_url), store, CONTENT, TelegramSink(),
                {9001: StaffMember(9001, Role.COUNSELLOR, "Ayşe", ("tr",)),
                 9101: StaffMember(9101, Role.PEER, "Mert", ("tr",))})
    core = Conversation(CONTENT, store, GeneratedNLU(UNKNOWN), DETECTOR, desk=desk)
    # One real urgent case (topic 501) for the staff updates to act on.
    loop.run_until_complete(core.handle(Turn(user="fuzz-user", kind=Kind.TEXT,
                                             text="Mein Vater schlägt mich", chat=42,
                                             message_id=1)))
    tried = []

    @settings(max_examples=STAFF_FUZZ_RUNS, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(update=staff_updates())
    def check(update: dict) -> None:
        tried.append(1)
        turn = to_staff_turn(Update.de_json(update, None), {STAFF_GROUP})
        if turn is None:
            return
        reply = loop.run_until_complete(desk.staff_turn(turn))
        if reply is not None:
            assert reply.text.strip()
            checker = TagChecker(STAFF_TAGS)
            checker.feed(reply.text)
            checker.close()
            assert not checker.open
            for row in reply.buttons:
                assert all(len(b.data.encode()) <= 64 for b in row)

    try:
        check()
    finally:
        loop.run_until_complete(desk.cases.close())
        loop.run_until_complete(store.close())
        loop.close()
    assert len(tried) >= STAFF_FUZZ_RUNS
