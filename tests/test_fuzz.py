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

from bot.adapters.telegram import to_turn
from bot.content import load_content
from bot.core import Conversation
from bot.langdetect import LanguageDetector
from bot.nlu import UNKNOWN, Parse
from bot.store import MemoryStore

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
                                                "t:nope", "l:xx"]), st.text(max_size=64)))
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
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in ALLOWED_TAGS, tag
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
