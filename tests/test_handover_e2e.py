"""Handover end to end: the real bot process, the Bot API stand-in, real Redis and real Rasa.

Users write privately; counsellors and peers work in two forum supergroups of the stand-in.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis

from bot import i18n
from bot.adapters.telegram import pseudonym
from bot.content import load_content
from bot.i18n import staff_text
from bot.render import render

from botapi import (
    TOKEN,
    BotApiStandIn,
    Call,
    button_press,
    group_button,
    group_message,
    private_message,
)
from botproc import BotProcess
from conftest import ROOT, RedisServer, ui

pytestmark = pytest.mark.e2e
CONTENT = load_content(ROOT / "content")

COUNSELLORS = -1001000000001
PEERS = -1001000000002
AYSE, JONAS, MERT, STRANGER = 7300001, 7300002, 7300101, 7300999
TOKEN_SECRET = TOKEN  # no PSEUDONYM_KEY in tests: the bot token keys the pseudonyms
STAFF_FILE = """
staff:
  - {id: 7300001, role: counsellor, name: Ayşe, languages: [tr, de], cities: [Gelsenkirchen]}
  - {id: 7300002, role: counsellor, name: Jonas, languages: [de, en]}
  - {id: 7300101, role: peer, name: Mert, languages: [tr, de, en], cities: [Bottrop]}
"""


def text_of(call: Call) -> str:
    return str(call.params.get("text", ""))


def buttons_of(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def closed_window() -> str:
    """Office hours that exclude the present moment (for the out-of-hours test)."""
    hour = dt.datetime.now(ZoneInfo("Europe/Berlin")).hour
    start = (hour + 2) % 24
    return f"Mo-So {start:02d}:00-{start + 1:02d}:00"


@pytest.fixture
def staff_env(bot_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    staff = tmp_path / "staff.yml"
    staff.write_text(STAFF_FILE, encoding="utf-8")
    return {**bot_env, "COUNSELLOR_CHAT_ID": str(COUNSELLORS), "PEER_CHAT_ID": str(PEERS),
            "STAFF_FILE": str(staff), "COUNSELLOR_HOURS": "24/7", "PEER_HOURS": "24/7"}


def start_bot(api: BotApiStandIn, env: dict[str, str], tmp_path: Path) -> BotProcess:
    process = BotProcess(api, env, tmp_path / "bot.log")
    process.start()
    return process


@pytest.fixture
def bot(api: BotApiStandIn, staff_env: dict[str, str], tmp_path: Path) -> Iterator[BotProcess]:
    process = start_bot(api, staff_env, tmp_path)
    yield process
    assert process.stop() == 0, process.log()[-3000:]


def open_topic(api: BotApiStandIn, group: int, index: int = 0) -> tuple[int, str]:
    """Wait for the bot to open the index-th forum topic in `group`; its thread id and name."""
    api.wait_for(lambda c: len(api.made("createForumTopic", group)) > index)
    call = api.made("createForumTopic", group)[index]
    return int(call.params["_thread"]), str(call.params["name"])


def case_id_of(topic_name: str) -> str:
    """The case number from a topic name such as "#12 · TR · …"."""
    return topic_name.split()[0].lstrip("#")


def ask_for_person(api: BotApiStandIn, user: int, question: str, city: str,
                   lang: str = "de") -> tuple[int, str]:
    """The user asks a question, taps "Talk to a person" under the answer and picks a city;
    the case topic's thread and the case number."""
    sent = len(api.sent(user))
    api.push(private_message(user, question, language_code=lang))
    api.wait_sent(user, sent + 1)
    api.push(button_press(user, "t:handover.human", language_code=lang))
    api.wait_sent(user, sent + 2)
    api.push(button_press(user, f"ho:c:{city}", language_code=lang))
    thread, name = open_topic(api, COUNSELLORS, len(api.made("createForumTopic", COUNSELLORS)))
    return thread, case_id_of(name)


def take(api: BotApiStandIn, thread: int, case_id: str, user: int, staff: int = JONAS,
         name: str = "Jonas") -> None:
    """A counsellor takes the case with the card's button; the user is told who answers."""
    api.push(group_button(COUNSELLORS, thread, staff, f"s:take:{case_id}", name=name))
    to_user(api, user, name)


def in_topic(api: BotApiStandIn, group: int, thread: int, contains: str) -> Call:
    return api.wait_call("sendMessage", lambda c: int(c.params["chat_id"]) == group
                         and int(c.params.get("message_thread_id") or 0) == thread
                         and contains in text_of(c))


def to_user(api: BotApiStandIn, chat: int, contains: str) -> Call:
    return api.wait_call("sendMessage", lambda c: int(c.params["chat_id"]) == chat
                         and contains in text_of(c))


def test_turkish_parent_reaches_a_turkish_speaking_counsellor(api: BotApiStandIn,
                                                               bot: BotProcess) -> None:
    parent = 734512201
    api.push(private_message(parent, "/start", language_code="tr"))
    api.wait_sent(parent, 1)
    api.push(button_press(parent, "pv:ok", language_code="tr"))
    assert "ag:parent" in buttons_of(api.wait_sent(parent, 2)[1])
    api.push(button_press(parent, "ag:parent", language_code="tr"))
    api.wait_sent(parent, 3)
    api.push(private_message(parent, "Çıraklık ne kadar sürer?", language_code="tr"))
    answer = api.wait_sent(parent, 4)[3]
    duration, _ = CONTENT.topics["training.duration"].text("tr")
    assert render(duration.splitlines()[0], "tr") in text_of(answer)
    assert "t:handover.human" in buttons_of(answer)

    # "Talk to a person" under the answer: the topic is known, so only the city is asked.
    api.push(button_press(parent, "t:handover.human", language_code="tr"))
    question = api.wait_sent(parent, 5)[4]
    intro, _ = CONTENT.topics["handover.human"].text("tr", "parent")
    assert text_of(question).startswith(render(intro.splitlines()[0], "tr"))
    assert text_of(question).endswith(ui("handover.ask_city", "tr"))
    api.push(button_press(parent, "ho:c:Gelsenkirchen", language_code="tr"))

    thread, name = open_topic(api, COUNSELLORS)
    assert name.startswith("#") and "TR" in name and "Gelsenkirchen" in name
    assert "Ausbildung" in name  # the topic's German title
    card = in_topic(api, COUNSELLORS, thread, "Fall #")
    assert "Türkisch" in text_of(card) and "Elternteil" in text_of(card)
    assert "Çıraklık ne kadar sürer?" in text_of(card)  # last messages, original language
    assert f"tg://user?id={AYSE}" in text_of(card)  # she speaks Turkish: asked first
    assert f"tg://user?id={JONAS}" not in text_of(card)
    assert str(parent) not in text_of(card) and "Test" not in text_of(card)  # pseudonymous
    status = to_user(api, parent, ui("handover.opened_counsellor", "tr"))
    assert "ho:end" in buttons_of(status)
    case_id = case_id_of(name)

    api.push(group_button(COUNSELLORS, thread, AYSE, f"s:take:{case_id}", name="Ayşe"))
    who = i18n.strings("tr")("role.counsellor", name="Ayşe")
    to_user(api, parent, ui("handover.claimed", "tr", who=who))

    api.push(group_message(COUNSELLORS, thread, AYSE, "Ayşe", "Merhaba! Genelde 3 yıl sürer."))
    reply = to_user(api, parent, "Genelde 3 yıl sürer.")
    assert render(who, "tr") in text_of(reply)

    photo = [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]
    api.push(private_message(parent, None, language_code="tr", photo=photo,
                             caption="Okul karnesi"))
    copied = api.wait_call("copyMessage", lambda c: int(c.params["chat_id"]) == COUNSELLORS)
    assert int(copied.params["message_thread_id"]) == thread
    assert int(copied.params["from_chat_id"]) == parent
    api.push(private_message(parent, "Teşekkürler, bir sorum daha var", language_code="tr"))
    in_topic(api, COUNSELLORS, thread, "bir sorum daha var")

    api.push(group_message(COUNSELLORS, thread, AYSE, "Ayşe", "/note Mutter wirkt besorgt"))
    in_topic(api, COUNSELLORS, thread, staff_text("staff.note_kept"))
    api.push(group_message(COUNSELLORS, thread, AYSE, "Ayşe", "/close"))
    closing = to_user(api, parent, ui("handover.closed_by_staff", "tr", name="Ayşe"))
    assert f"r:{case_id}:5" in buttons_of(closing)
    api.wait_call("closeForumTopic", lambda c: int(c.params["message_thread_id"]) == thread)
    api.push(button_press(parent, f"r:{case_id}:5", language_code="tr"))
    to_user(api, parent, ui("handover.rated", "tr"))
    in_topic(api, COUNSELLORS, thread, "5/5")

    # The note never reached the parent; after closing, the bot answers again.
    assert not [c for c in api.sent(parent) if "besorgt" in text_of(c)]
    relayed_before = len(api.sent(COUNSELLORS))
    api.push(private_message(parent, "Ausbildung ne kadar sürer?", language_code="tr"))
    answer = to_user(api, parent, "📚")
    assert answer.params["parse_mode"] == "HTML"
    assert len([c for c in api.sent(COUNSELLORS) if "Ausbildung ne kadar" in text_of(c)]) == 0
    assert len(api.sent(COUNSELLORS)) == relayed_before
    # Asking for a person again within 7 days reopens the same case with the same counsellor.
    api.push(button_press(parent, "t:handover.human", language_code="tr"))
    api.wait_call("reopenForumTopic", lambda c: int(c.params["message_thread_id"]) == thread)
    reopened = to_user(api, parent, ui("handover.reopened", "tr"))
    assert ui("handover.claimed", "tr", who=who) in text_of(reopened)
    in_topic(api, COUNSELLORS, thread, staff_text("staff.reopened", id=case_id, person="").strip())
    assert len(api.made("createForumTopic")) == 1
    # Logs: no message text, no Telegram ids of the parent or the staff.
    log = bot.log()
    for secret in ("Çıraklık", "Okul karnesi", "Genelde 3 yıl", "besorgt", str(parent),
                   str(AYSE), "Ayşe"):
        assert secret not in log, secret


def test_killing_the_bot_mid_case_loses_no_message(api: BotApiStandIn,
                                                    staff_env: dict[str, str],
                                                    tmp_path: Path) -> None:
    user = 202
    bot = start_bot(api, staff_env, tmp_path)
    thread, case_id = ask_for_person(api, user, "Wie lange dauert eine Ausbildung?", "Marl")
    take(api, thread, case_id, user)

    assert bot.process is not None
    bot.process.send_signal(signal.SIGKILL)  # a crash, not a clean shutdown
    bot.process.wait()
    bot.process = None
    # Both sides write while the bot is down; Telegram keeps the updates.
    api.push(private_message(user, "Bin ich noch verbunden?", language_code="de"))
    staff_update = group_message(COUNSELLORS, thread, JONAS, "Jonas", "Ja, ich bin noch da.")
    staff_id = api.push(staff_update)
    bot.start()
    try:
        in_topic(api, COUNSELLORS, thread, "Bin ich noch verbunden?")
        to_user(api, user, "Ja, ich bin noch da.")
        # Telegram delivers the staff update a second time (e.g. a webhook retry): relayed once.
        api.push_raw({"update_id": staff_id, **staff_update})
        api.push(private_message(user, "Danke", language_code="de"))
        in_topic(api, COUNSELLORS, thread, "Danke")
        assert len([c for c in api.sent(user) if "noch da" in text_of(c)]) == 1
        assert len([c for c in api.sent(COUNSELLORS) if "noch verbunden" in text_of(c)]) == 1
    finally:
        assert bot.stop() == 0, bot.log()[-3000:]


def test_out_of_hours_notice_only_for_handover(api: BotApiStandIn, staff_env: dict[str, str],
                                               tmp_path: Path) -> None:
    env = {**staff_env, "COUNSELLOR_HOURS": closed_window(), "PEER_HOURS": closed_window()}
    bot = start_bot(api, env, tmp_path)
    try:
        user = 203
        api.push(private_message(user, "How long does an apprenticeship take?",
                                 language_code="en"))
        answer = api.wait_sent(user, 1)[0]
        opening = ui("handover.out_of_hours", "en", when="").split("{")[0][:30]
        assert opening not in text_of(answer)  # never on top of a normal answer
        api.push(button_press(user, "t:handover.human", language_code="en"))
        api.wait_sent(user, 2)
        api.push(button_press(user, "ho:c:Bottrop", language_code="en"))
        status = to_user(api, user, ui("handover.opened_counsellor", "en"))
        assert opening in text_of(status)
        # The next opening is named as a weekday and time in the user's locale.
        assert any(day in text_of(status) for day in (
            "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
        open_topic(api, COUNSELLORS)  # the case is still opened for when staff return
    finally:
        assert bot.stop() == 0, bot.log()[-3000:]


def test_peer_case_is_taken_over_by_a_counsellor(api: BotApiStandIn, bot: BotProcess) -> None:
    user = 204
    api.push(button_press(user, "ag:16_17", language_code="de"))
    api.wait_sent(user, 1)
    api.push(button_press(user, "t:handover.peer"))
    about = api.wait_sent(user, 2)[1]
    assert text_of(about).endswith(ui("handover.ask_about", "de"))
    assert "Migrationsgeschichte" in text_of(about)  # who peers are, from the content
    api.push(button_press(user, "ho:a:training.find_place"))
    api.wait_sent(user, 3)
    api.push(button_press(user, "ho:c:Bottrop"))
    peer_thread, name = open_topic(api, PEERS)
    case_id = case_id_of(name)
    card = in_topic(api, PEERS, peer_thread, "Fall #")
    assert f"tg://user?id={MERT}" in text_of(card) and "16–17" in text_of(card)
    to_user(api, user, ui("handover.opened_peer", "de"))
    # Counsellors see every peer case in their group and can take it over from there.
    notice = api.wait_call("sendMessage", lambda c: int(c.params["chat_id"]) == COUNSELLORS
                           and f"#{case_id}" in text_of(c))
    assert f"s:take:{case_id}" in buttons_of(notice)
    api.push(group_message(PEERS, peer_thread, MERT, "Mert", "Hi! Wo suchst du schon?"))
    to_user(api, user, "Wo suchst du schon?")

    api.push(group_button(COUNSELLORS, 0, JONAS, f"s:take:{case_id}", name="Jonas"))
    counsellor_thread, _ = open_topic(api, COUNSELLORS)
    in_topic(api, COUNSELLORS, counsellor_thread, "Jonas")
    in_topic(api, PEERS, peer_thread, f"#{case_id}")  # the peers are told where it went
    api.wait_call("closeForumTopic", lambda c: int(c.params["chat_id"]) == PEERS)
    to_user(api, user, ui("handover.transferred_counsellor", "de"))
    to_user(api, user, i18n.strings("de")("role.counsellor", name="Jonas"))

    # The old peer topic no longer reaches the user; the new one does.
    api.push(group_message(PEERS, peer_thread, MERT, "Mert", "Noch da?"))
    in_topic(api, PEERS, peer_thread, staff_text("staff.case_moved", id=case_id))
    api.push(group_message(COUNSELLORS, counsellor_thread, JONAS, "Jonas", "Ich übernehme."))
    to_user(api, user, "Ich übernehme.")
    assert not [c for c in api.sent(user) if "Noch da?" in text_of(c)]


def test_nobody_outside_the_staff_groups_can_act_on_a_case(api: BotApiStandIn,
                                                           bot: BotProcess) -> None:
    user, intruder = 205, 206
    thread, case_id = ask_for_person(api, user, "Wie finde ich einen Ausbildungsplatz?",
                                     "Herten")
    to_user(api, user, ui("handover.opened_counsellor", "de"))

    # A private user tries staff commands and a forged staff button.
    api.push(private_message(intruder, f"/take {case_id}"))
    api.push(button_press(intruder, f"s:close:{case_id}"))
    api.push(private_message(intruder, "Hallo"))
    api.wait_sent(intruder, 3)
    # A group member without a staff profile writes in the topic: nothing is relayed.
    api.push(group_message(COUNSELLORS, thread, STRANGER, "X", "Gib mir deine Adresse"))
    in_topic(api, COUNSELLORS, thread, staff_text("staff.need_profile")[:40])
    api.push(group_button(COUNSELLORS, thread, STRANGER, f"s:close:{case_id}", name="X"))
    api.wait_for(lambda c: len([x for x in api.sent(COUNSELLORS) if staff_text(
        "staff.need_profile")[:40] in text_of(x)]) >= 2)
    # Another user's messages never land in this case.
    api.push(private_message(intruder, "Ich will auch reden"))
    api.wait_sent(intruder, 4)

    api.push(private_message(user, "Sind Sie da?"))
    in_topic(api, COUNSELLORS, thread, "Sind Sie da?")
    assert not [c for c in api.sent(user) if "Adresse" in text_of(c)]
    assert not [c for c in api.sent(COUNSELLORS) if "auch reden" in text_of(c)]
    assert not api.made("closeForumTopic")
    assert not [c for c in api.sent(user) if ui("handover.closed_by_user", "de") in text_of(c)]


def test_crisis_opens_an_urgent_case_for_counsellors_only_and_block_works(
        api: BotApiStandIn, bot: BotProcess) -> None:
    user = 207
    api.push(button_press(user, "ag:16_17", language_code="de"))
    api.wait_sent(user, 1)
    api.push(private_message(user, "Mein Vater schlägt mich jeden Tag"))
    helplines = api.wait_sent(user, 2)[1]
    assert "116 111" in text_of(helplines)
    assert ui("handover.urgent_soon", "de") in text_of(helplines)
    thread, name = open_topic(api, COUNSELLORS)
    assert "🔴" in name
    card = in_topic(api, COUNSELLORS, thread, "DRINGEND")
    assert "Vater schlägt mich" in text_of(card)
    api.wait_call("sendMessage", lambda c: int(c.params["chat_id"]) == COUNSELLORS
                  and not c.params.get("message_thread_id") and "DRINGEND" in text_of(c))
    assert not api.made("createForumTopic", PEERS) and not api.sent(PEERS)
    # A peer cannot take it even with the button.
    api.push(group_button(COUNSELLORS, thread, MERT, f"s:take:{case_id_of(name)}", name="Mert"))
    in_topic(api, COUNSELLORS, thread, staff_text("staff.peer_not_allowed"))
    assert not [c for c in api.sent(user) if "Mert" in text_of(c)]

    api.push(group_message(COUNSELLORS, thread, JONAS, "Jonas", "/block"))
    to_user(api, user, ui("handover.blocked", "de")[:40])
    api.push(button_press(user, "t:handover.human"))
    blocked = api.wait_sent(user, 4)[3]
    assert text_of(blocked) == ui("handover.blocked", "de")
    assert len(api.made("createForumTopic")) == 1


def test_unclaimed_case_is_reannounced_idle_case_closed_and_anonymised_later(
        api: BotApiStandIn, staff_env: dict[str, str], tmp_path: Path) -> None:
    env = {**staff_env, "REANNOUNCE_MINUTES": "0.02", "CASE_IDLE_DAYS": "0.00006",
           "CASE_RETENTION_DAYS": "0.00006", "SWEEP_SECONDS": "0.5"}
    bot = start_bot(api, env, tmp_path)
    try:
        user = 208
        thread, case_id = ask_for_person(api, user, "Was verdienen Azubis?", "Dorsten")
        api.wait_call("sendMessage", lambda c: int(c.params["chat_id"]) == COUNSELLORS
                      and "⏰" in text_of(c) and f"#{case_id}" in text_of(c))
        # About 5 s without messages: closed with a notice to both sides, rating offered.
        closing = to_user(api, user, ui("handover.closed_idle", "de", days="6e-05")[:30])
        assert f"r:{case_id}:3" in buttons_of(closing)
        in_topic(api, COUNSELLORS, thread, staff_text("staff.closed_idle", id=case_id))
        # Then the retention time passes: the topic is deleted, the user's data shows no case.
        api.wait_call("deleteForumTopic", lambda c: int(c.params["message_thread_id"]) == thread)
        api.push(private_message(user, "/mydata"))
        export = api.wait_call("sendDocument", lambda c: int(c.params["chat_id"]) == user)
        data = json.loads(export.params["document"]["content"])
        assert data["conversations_with_people"] == []  # anonymised: no longer the user's
        assert "Was verdienen Azubis?" in data["recent_messages"]  # snippets live 30 days
    finally:
        assert bot.stop() == 0, bot.log()[-3000:]


def test_delete_closes_the_open_case_and_removes_its_topic(api: BotApiStandIn,
                                                           bot: BotProcess) -> None:
    user = 209
    thread, _ = ask_for_person(api, user, "Wie lange dauert eine Ausbildung?", "Gladbeck")
    api.push(private_message(user, "/delete"))
    to_user(api, user, ui("delete.confirm", "de"))
    api.push(button_press(user, "del:yes"))
    to_user(api, user, ui("delete.done", "de"))
    api.wait_call("deleteForumTopic", lambda c: int(c.params["message_thread_id"]) == thread)
    count = len(api.sent(user))
    api.push(private_message(user, "Noch eine Frage"))
    api.wait_sent(user, count + 1)  # the bot answers itself: no case any more
    assert not [c for c in api.sent(COUNSELLORS) if "Noch eine Frage" in text_of(c)]


def test_redis_killed_and_restarted_under_the_running_bot_loses_nothing(
        api: BotApiStandIn, bot: BotProcess, redis_server: RedisServer) -> None:
    user, other = 210, 211
    thread, case_id = ask_for_person(api, user, "Wie lange dauert eine Ausbildung?", "Bottrop")
    take(api, thread, case_id, user)

    redis_server.stop()  # the bot keeps running
    api.push(private_message(user, "Hallo, ist jemand da?"))
    api.push(private_message(other, "Was verdienen Azubis?"))
    to_user(api, user, ui("error.store_unavailable", "de"))
    to_user(api, other, ui("error.store_unavailable", "de"))
    api.push(group_message(COUNSELLORS, thread, JONAS, "Jonas", "Ja, ich bin hier."))
    in_topic(api, COUNSELLORS, thread, staff_text("staff.store_unavailable"))

    redis_server.start()  # AOF: the case is still there
    in_topic(api, COUNSELLORS, thread, "Hallo, ist jemand da?")
    to_user(api, user, "Ja, ich bin hier.")
    to_user(api, other, "649")  # the postponed question gets its real answer
    assert len([c for c in api.sent(user) if "ich bin hier" in text_of(c)]) == 1
    assert len([c for c in api.sent(user)
                if text_of(c) == ui("error.store_unavailable", "de")]) == 1


def test_user_who_blocked_the_bot_is_marked_inactive_and_the_case_closed(
        api: BotApiStandIn, bot: BotProcess, redis_url: str) -> None:
    user = 212
    thread, case_id = ask_for_person(api, user, "Wie lange dauert eine Ausbildung?", "Marl")
    to_user(api, user, ui("handover.opened_counsellor", "de"))
    take(api, thread, case_id, user)
    api.failures["sendMessage"] = [{"ok": False, "error_code": 403,
                                    "description": "Forbidden: bot was blocked by the user"}]
    api.push(group_message(COUNSELLORS, thread, JONAS, "Jonas", "Hallo!"))
    in_topic(api, COUNSELLORS, thread, staff_text("staff.closed_gone", id=case_id))
    profile = redis.Redis.from_url(redis_url, decode_responses=True).hgetall(
        f"lotse:profile:{pseudonym(TOKEN_SECRET, user)}")
    assert profile.get("inactive") == "1"
