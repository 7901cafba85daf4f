"""End to end: the real `python -m bot run` process, Bot API stand-in, real Redis, real Rasa."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import i18n
from bot.content import load_content
from bot.render import render

from botapi import BotApiStandIn, button_press, private_message
from botproc import BotProcess
from conftest import ROOT, free_port, ui

pytestmark = pytest.mark.e2e
CONTENT = load_content(ROOT / "content")


def answer_start(topic: str, lang: str) -> str:
    """The first line of a topic's answer as the user receives it (HTML)."""
    text, text_lang = CONTENT.topics[topic].text(lang)
    return render(text.splitlines()[0], text_lang)


@pytest.fixture
def bot(api: BotApiStandIn, bot_env: dict[str, str], tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(api, bot_env, tmp_path / "bot.log")
    process.start()
    yield process
    assert process.stop() == 0, process.log()[-3000:]


def test_turkish_user_gets_turkish_answers(api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(private_message(101, "/start", language_code="tr"))
    greeting = api.wait_sent(101, 1)[0].params
    assert answer_start("meta.greet", "tr") in greeting["text"]
    assert greeting["parse_mode"] == "HTML"

    api.push(private_message(101, "Çıraklık ne kadar sürer?", language_code="tr"))
    answer = api.wait_sent(101, 2)[1].params
    assert answer_start("training.duration", "tr") in answer["text"]
    assert ui("answer.sources", "tr") in answer["text"]
    labels = [b["text"] for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    assert i18n.strings("tr")("button.talk_to_person") in labels


def test_german_user_asks_about_pay(api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(private_message(102, "Was verdienen Azubis?", language_code="de"))
    answer = api.wait_sent(102, 1)[0].params["text"]
    assert answer_start("training.pay", "de") in answer
    # The minimum depends on the year training started: all three years are given.
    for amount in ("649 €", "682 €", "724 €"):
        assert amount in answer
    assert 'href="https://bibb.de/de/199658.php"' in answer or "bibb.de" in answer


def test_sticker_and_giant_text_get_short_polite_replies(api: BotApiStandIn,
                                                         bot: BotProcess) -> None:
    sticker = {"file_id": "CAAC", "file_unique_id": "u1", "type": "regular", "width": 512,
               "height": 512, "is_animated": False, "is_video": False}
    api.push(private_message(103, None, language_code="de", sticker=sticker))
    first = api.wait_sent(103, 1)[0].params["text"]
    assert first == ui("input.not_text", "de")

    api.push(private_message(103, "Ausbildung " * 600, language_code="de"))  # 6,600 characters
    second = api.wait_sent(103, 2)[1].params["text"]
    assert second == ui("input.too_long", "de", limit=1500)
    assert len(second) < 300

    api.push(private_message(103, "Hallo", language_code="de"))  # still alive and answering
    assert api.wait_sent(103, 3)[2].params["text"].strip()
    assert "Traceback" not in bot.log()


def test_photo_voice_location_and_edit_never_crash_or_send_empty(api: BotApiStandIn,
                                                                 bot: BotProcess) -> None:
    photo = [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]
    voice = {"file_id": "v", "file_unique_id": "v1", "duration": 3}
    location = {"latitude": 51.57, "longitude": 7.05}
    for extra in ({"photo": photo}, {"voice": voice}, {"location": location}):
        api.push(private_message(104, None, language_code="en", **extra))
    sent = api.wait_sent(104, 3)
    assert all(c.params["text"] == ui("input.not_text", "en") for c in sent)

    edited = private_message(104, "How long does an apprenticeship take?", language_code="en")
    api.push({"edited_message": {**edited["message"], "edit_date": 1}})
    answer = api.wait_sent(104, 4)[3].params["text"]
    assert answer_start("training.duration", "en") in answer
    # A channel post is not a conversation: no reply, no crash.
    api.push({"channel_post": {"message_id": 5, "date": 1, "text": "hi",
                               "chat": {"id": -100123, "type": "channel", "title": "c"}}})
    api.push(private_message(104, "hi", language_code="en"))
    api.wait_sent(104, 5)
    assert not api.sent(-100123)


def test_unknown_client_language_gets_german_and_picker_and_choice_survives_restart(
        api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(private_message(105, "/start", language_code="pt-br"))
    greeting = api.wait_sent(105, 1)[0].params
    assert answer_start("meta.greet", "de") in greeting["text"]
    buttons = [b for row in greeting["reply_markup"]["inline_keyboard"] for b in row]
    names = {b["text"] for b in buttons}
    assert {"Türkçe", "العربية", "Русский", "Українська", "Polski", "فارسی"} <= names
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)

    api.push(button_press(105, "l:ar", language_code="pt-br"))
    chosen = api.wait_sent(105, 2)[1].params["text"]
    assert chosen == ui("language.chosen", "ar", language="العربية")

    assert bot.stop() == 0
    bot.start()
    api.push(private_message(105, "/help", language_code="pt-br"))
    helped = api.wait_sent(105, 3)[2].params["text"]
    assert answer_start("meta.help", "ar") in helped


def test_commands_are_set_per_language(api: BotApiStandIn, bot: BotProcess) -> None:
    calls = api.wait_for(lambda c: c.method == "setMyCommands"
                         and c.params.get("language_code") == "tr")
    commands = calls[0].params["commands"]
    if isinstance(commands, str):
        commands = json.loads(commands)
    assert {"command": "language", "description": i18n.strings("tr")("commands.language")} \
        in commands


def test_duplicate_delivery_is_answered_once(api: BotApiStandIn, bot: BotProcess) -> None:
    update = {"update_id": 5000, **private_message(106, "Hallo", language_code="de")}
    api.push_raw(update)
    api.wait_sent(106, 1)
    # Redelivered (as after a crash before the offset was confirmed, or by a second replica).
    api.push_raw(dict(update))
    api.push(private_message(106, "Was verdienen Azubis?", language_code="de"))
    sent = api.wait_sent(106, 2)
    assert answer_start("training.pay", "de") in sent[1].params["text"]
    assert len(api.sent(106)) == 2


def test_telegram_429_is_retried_and_400_is_not_fatal(api: BotApiStandIn,
                                                      bot: BotProcess) -> None:
    api.failures["sendMessage"] = [
        {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
         "parameters": {"retry_after": 1}},
    ]
    api.push(private_message(107, "Hallo", language_code="de"))
    assert api.wait_sent(107, 1)[0].params["text"].strip()
    assert any(c.method == "sendMessage!failed" for c in api.calls)

    api.failures["sendMessage"] = [
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
    ]
    api.push(private_message(107, "Hallo", language_code="de"))
    api.push(private_message(107, "Was verdienen Azubis?", language_code="de"))
    sent = api.wait_sent(107, 2)
    assert answer_start("training.pay", "de") in sent[-1].params["text"]


def test_rasa_down_still_answers_with_menu(api: BotApiStandIn, bot_env: dict[str, str],
                                           tmp_path: Path) -> None:
    env = {**bot_env, "RASA_URL": f"http://127.0.0.1:{free_port()}"}
    process = BotProcess(api, env, tmp_path / "bot.log")
    process.start()
    try:
        api.push(private_message(108, "Wie lange dauert eine Ausbildung?", language_code="de"))
        reply = api.wait_sent(108, 1)[0].params
        assert reply["text"] == ui("fallback.not_understood", "de")
        buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
        data = {b["callback_data"] for b in buttons}
        assert {"t:handover.human", "t:training.dual_system"} <= data
        # The menu still works without Rasa.
        api.push(button_press(108, "t:training.duration"))
        assert answer_start("training.duration", "de") in api.wait_sent(108, 2)[1].params["text"]
        assert "rasa_unavailable" in process.log()
        # A crisis message is recognised by the phrase layer without Rasa.
        api.push(private_message(108, "Ich will nicht mehr leben", language_code="de"))
        crisis = api.wait_sent(108, 3)[2].params["text"]
        assert answer_start("safety.crisis", "de") in crisis and "116 111" in crisis
    finally:
        assert process.stop() == 0


def test_logs_hold_no_message_text_and_no_telegram_ids(api: BotApiStandIn,
                                                       bot: BotProcess) -> None:
    api.push(private_message(987654321, "Mein Name ist Ayşe und ich suche Ausbildung",
                             language_code="de"))
    api.wait_sent(987654321, 1)
    log = bot.log()
    assert "turn_answered" in log
    assert "987654321" not in log
    assert "Ayşe" not in log


def test_city_from_message_names_that_citys_offices(api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(private_message(109, "wo gibt es beratung in gelsenkirschen", language_code="de"))
    text = api.wait_sent(109, 1)[0].params["text"]
    assert ui("directory.offices_for", "de", city="Gelsenkirchen") in text
    assert '">Agentur für Arbeit Gelsenkirchen</a>' in text


def test_office_question_without_city_asks_for_it(api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(private_message(110, "Wo finde ich eine Beratungsstelle?", language_code="de"))
    reply = api.wait_sent(110, 1)[0].params
    assert ui("directory.which_city", "de") in reply["text"]
    data = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    marl = next(d for d in data if d.startswith("c:Marl:"))
    api.push(button_press(110, marl))
    text = api.wait_sent(110, 2)[1].params["text"]
    assert ui("directory.offices_for", "de", city="Marl") in text
    assert '">Agentur für Arbeit Recklinghausen</a>' in text


def test_named_occupation_gets_its_profile(api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(private_message(111, "was macht man als chemikantin?", language_code="de"))
    text = api.wait_sent(111, 1)[0].params["text"]
    profile_text, _ = CONTENT.occupations["chemikant"].profile.text("de")
    assert render(profile_text.splitlines()[0], "de") in text


def test_unclear_message_gets_choices_then_a_person(api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(private_message(112, "geld", language_code="de"))
    first = api.wait_sent(112, 1)[0].params
    assert first["text"] in (ui("fallback.did_you_mean", "de"),
                             ui("fallback.not_understood", "de"))
    api.push(private_message(112, "geld", language_code="de"))  # said again: still unclear
    second = api.wait_sent(112, 2)[1].params
    assert ui("fallback.offer_person", "de") in second["text"]
    assert second["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "t:handover.human"


def test_webhook_mode_answers_and_rejects_wrong_secret(api: BotApiStandIn, bot_env: dict[str, str],
                                                       tmp_path: Path) -> None:
    port = free_port()
    env = {**bot_env, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url,
           "WEBHOOK_URL": "https://lotse.example.org", "WEBHOOK_LISTEN": "127.0.0.1",
           "WEBHOOK_PORT": str(port), "WEBHOOK_SECRET": "s3cret-token"}
    log = (tmp_path / "webhook.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--webhook"], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        registered = api.wait_for(lambda c: c.method == "setWebhook", timeout=60)[0].params
        assert registered["url"] == "https://lotse.example.org/telegram"
        assert registered["secret_token"] == "s3cret-token"
        update = {"update_id": 77, **private_message(113, "Was verdienen Azubis?")}
        url = f"http://127.0.0.1:{port}/telegram"
        for _ in range(50):  # the server starts right after setWebhook
            try:
                wrong = httpx.post(url, json=update,
                                   headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                break
            except httpx.ConnectError:
                time.sleep(0.2)
        assert wrong.status_code == 403
        right = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token":
                                                       "s3cret-token"})
        assert right.status_code == 200
        text = api.wait_sent(113, 1)[0].params["text"]
        assert answer_start("training.pay", "de") in text
        assert len(api.sent(113)) == 1  # the rejected delivery was not processed
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0


def test_flooding_user_is_limited_with_one_notice_others_unaffected(api: BotApiStandIn,
                                                                    bot: BotProcess) -> None:
    for i in range(14):
        api.push(private_message(114, f"Hallo {i}", language_code="de"))
    api.push(private_message(115, "Was verdienen Azubis?", language_code="de"))
    assert answer_start("training.pay", "de") in api.wait_sent(115, 1)[0].params["text"]
    notice = ui("rate.limited", "de")
    api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("text") == notice)
    time.sleep(2)  # let the bot finish the flood
    sent = [c.params["text"] for c in api.sent(114)]
    assert sent.count(notice) == 1
    assert len(sent) < 14


def test_mydata_sends_the_stored_data_as_a_json_file(api: BotApiStandIn, bot: BotProcess) -> None:
    api.push(button_press(116, "l:pl", language_code="pl"))
    api.wait_sent(116, 1)
    api.push(private_message(116, "/mydata", language_code="pl"))
    call = api.wait_for(lambda c: c.method == "sendDocument")[0].params
    assert call["document"]["filename"] == "lotse-my-data.json"
    assert json.loads(call["document"]["content"])["profile"]["lang"] == "pl"
    assert call["caption"] == ui("mydata.caption", "pl")
