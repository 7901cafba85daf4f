"""The conversation core with plain objects: content from content/, memory store, scripted NLU."""

from __future__ import annotations

import pytest

from bot import i18n
from bot.content import load_content
from bot.core import Conversation, CoreConfig
from bot.langdetect import LanguageDetector
from bot.nlu import UNKNOWN, Parse
from bot.render import render
from bot.store import MemoryStore, StoreUnavailable
from bot.types import Kind, Turn

from conftest import ROOT

CONTENT = load_content(ROOT / "content")
DETECTOR = LanguageDetector()


class ScriptedNLU:
    """Stands in for the Rasa server's answer (the Rasa client has its own tests against Rasa)."""

    def __init__(self, parse: Parse = UNKNOWN) -> None:
        self.next = parse
        self.texts: list[str] = []

    async def parse(self, text: str) -> Parse:
        self.texts.append(text)
        return self.next


def core(nlu: ScriptedNLU | None = None, store: MemoryStore | None = None) -> Conversation:
    return Conversation(CONTENT, store or MemoryStore(), nlu or ScriptedNLU(), DETECTOR,
                        CoreConfig(nlu_threshold=0.45, max_text_chars=1500))


def first_line(topic: str, lang: str) -> str:
    text, text_lang = CONTENT.topics[topic].text(lang)
    return render(text.splitlines()[0], text_lang)


def text_turn(text: str, client: str | None = "de", user: str = "u1") -> Turn:
    return Turn(user, Kind.TEXT, text=text, client_lang=client)


async def test_confident_parse_answers_the_topic_in_the_message_language() -> None:
    nlu = ScriptedNLU(Parse("training.duration", 0.93, (("training.duration", 0.93),)))
    reply = await core(nlu).handle(text_turn("Çıraklık ne kadar sürer?", client="de"))
    assert reply.topic == "training.duration"
    assert reply.lang == "tr"
    assert first_line("training.duration", "tr") in reply.text
    assert i18n.strings("tr")("answer.sources") in reply.text
    assert reply.confidence == pytest.approx(0.93)


async def test_answers_carry_sources_and_checked_on_date() -> None:
    nlu = ScriptedNLU(Parse("training.pay", 0.9))
    reply = await core(nlu).handle(text_turn("Was verdienen Azubis?"))
    topic = CONTENT.topics["training.pay"]
    assert topic.sources[0].url in reply.text
    assert i18n.strings("de").date(topic.checked_on) in reply.text


async def test_latin_script_russian_is_understood_in_cyrillic() -> None:
    nlu = ScriptedNLU(Parse("training.duration", 0.9))
    reply = await core(nlu).handle(text_turn("kak dolgo dlitsya ausbildung", client="de"))
    assert nlu.texts == ["как долго длится ausbildung"]
    assert reply.lang == "ru"
    # Its crisis phrases too, also when Rasa cannot be asked ("zhit ne hochu" is not listed).
    nlu = ScriptedNLU(UNKNOWN)
    assert (await core(nlu).handle(text_turn("zhit ne hochu", client="ru"))).topic == (
        "safety.crisis")


async def test_rasa_unavailable_gives_menu_and_person() -> None:
    reply = await core(ScriptedNLU(UNKNOWN)).handle(text_turn("Wie lange dauert das?"))
    assert reply.topic == "fallback"
    assert reply.text == render(i18n.strings("de")("fallback.not_understood"), "de")
    data = {b.data for row in reply.buttons for b in row}
    assert "t:handover.human" in data
    assert {f"t:{t}" for t in CONTENT.menu} <= data


async def test_two_equally_likely_topics_are_asked_not_guessed() -> None:
    ranking = (("training.money_support", 0.62), ("training.pay", 0.57), ("meta.greet", 0.01))
    conversation = core(ScriptedNLU(Parse("training.money_support", 0.62, ranking)))
    reply = await conversation.handle(text_turn("geld"))
    assert reply.topic == "fallback"
    data = [b.data for row in reply.buttons for b in row]
    assert data[:2] == ["t:training.money_support", "t:training.pay"]
    clear = (("training.money_support", 0.62), ("training.pay", 0.3))
    conversation = core(ScriptedNLU(Parse("training.money_support", 0.62, clear)))
    assert (await conversation.handle(text_turn("geld vom amt"))).topic == "training.money_support"


async def test_low_confidence_suggests_likely_topics_then_offers_a_person() -> None:
    ranking = (("training.pay", 0.3), ("training.money_support", 0.25), ("meta.greet", 0.2))
    nlu = ScriptedNLU(Parse("training.pay", 0.3, ranking))
    conversation = core(nlu)
    first = await conversation.handle(text_turn("geld ausbildung hilfe"))
    assert first.topic == "fallback"
    assert first.text == render(i18n.strings("de")("fallback.did_you_mean"), "de")
    data = [b.data for row in first.buttons for b in row]
    assert data[:2] == ["t:training.pay", "t:training.money_support"]
    assert "t:meta.greet" not in data

    second = await conversation.handle(text_turn("geld ausbildung hilfe bitte"))
    assert i18n.strings("de")("fallback.offer_person") in second.text
    assert second.buttons[0][0].data == "t:handover.human"

    nlu.next = Parse("training.pay", 0.9)
    answered = await conversation.handle(text_turn("Was verdienen Azubis?"))
    assert answered.topic == "training.pay"
    third_miss = await conversation.handle(text_turn("hmm"))  # the count starts again
    assert i18n.strings("de")("fallback.offer_person") not in third_miss.text


async def test_out_of_scope_says_what_the_bot_can_do() -> None:
    nlu = ScriptedNLU(Parse("out_of_scope", 0.95))
    reply = await core(nlu).handle(text_turn("Wie wird das Wetter morgen?"))
    assert reply.topic == "fallback"
    assert reply.text.startswith(render(i18n.strings("de")("fallback.out_of_scope"), "de"))


async def test_unanswered_questions_are_kept_without_user() -> None:
    store = MemoryStore()
    await core(ScriptedNLU(UNKNOWN), store).handle(text_turn("Wo ist der Bahnhof?", user="x9"))
    assert len(store.unanswered) == 1
    day, lang, text = store.unanswered[0]
    assert (lang, text) == ("de", "Wo ist der Bahnhof?")
    assert "x9" not in repr(store.unanswered)


async def test_handover_without_staff_groups_says_so_and_names_offices() -> None:
    nlu = ScriptedNLU(Parse("handover.human", 0.97))
    reply = await core(nlu).handle(text_turn("Ich will mit einem Menschen sprechen"))
    assert reply.handover is True and reply.topic == "handover.human"
    assert reply.actions == ("handover.unavailable",)
    assert i18n.strings("de")("handover.unavailable") in reply.text
    # No city known yet: the city buttons lead to that city's counselling offices.
    assert any(b.data.startswith("c:") for row in reply.buttons for b in row)


async def test_start_uses_client_language_and_stores_it() -> None:
    store = MemoryStore()
    reply = await core(store=store).handle(Turn("u2", Kind.COMMAND, command="start",
                                                client_lang="tr"))
    assert reply.lang == "tr"
    assert first_line("meta.greet", "tr") in reply.text
    assert (await store.profile("u2")).lang == "tr"


async def test_start_with_unsupported_language_shows_german_and_picker() -> None:
    reply = await core().handle(Turn("u3", Kind.COMMAND, command="start", client_lang="pt-br"))
    assert reply.lang == "de"
    labels = reply.button_labels()
    assert labels[0] == i18n.strings("de")("button.ok")  # the privacy notice's OK
    assert labels[1:] == [i18n.language_name(code) for code in i18n.LANGUAGES]
    assert "Einfache Sprache" in labels and "Türkçe" in labels and "العربية" in labels


async def test_picking_plain_german_answers_german_messages_in_plain_german() -> None:
    store = MemoryStore()
    conversation = core(ScriptedNLU(Parse("training.duration", 0.9)), store)
    await conversation.handle(Turn("u4", Kind.BUTTON, button="l:de-simple"))
    reply = await conversation.handle(text_turn("Wie lange dauert eine Ausbildung?", user="u4"))
    assert reply.lang == "de-simple"
    assert first_line("training.duration", "de-simple") in reply.text


async def test_short_message_falls_back_to_stored_language() -> None:
    store = MemoryStore()
    await store.update_profile("u5", lang="uk")
    reply = await core(ScriptedNLU(Parse("meta.thanks", 0.9)), store).handle(
        text_turn("ok", client="de", user="u5"))
    assert reply.lang == "uk"


async def test_not_text_and_too_long_and_empty_text_are_never_empty() -> None:
    conversation = core()
    for turn in (Turn("u6", Kind.OTHER, content_type="sticker", client_lang="fa"),
                 text_turn("x" * 5000, client="fa"),
                 text_turn("\u200b\u202e\u2066", client="fa")):
        reply = await conversation.handle(turn)
        assert reply.text.strip()
        assert reply.buttons


async def test_explicit_language_overrides_detection() -> None:
    nlu = ScriptedNLU(Parse("training.pay", 0.9))
    reply = await core(nlu).handle(Turn("u7", Kind.TEXT, text="Was verdienen Azubis?", lang="ru"))
    assert reply.lang == "ru"
    assert first_line("training.pay", "ru") in reply.text


async def test_store_outage_gives_an_apology() -> None:
    class BrokenStore(MemoryStore):
        async def profile(self, user: str):  # type: ignore[no-untyped-def]
            raise StoreUnavailable("ConnectionError")

    reply = await core(store=BrokenStore()).handle(text_turn("Hallo", client="tr"))
    assert reply.text == i18n.strings("tr")("error.store_unavailable")


def test_every_button_fits_telegram_callback_limit() -> None:
    datas = {f"t:{t}" for t in CONTENT.topics} | {f"l:{c}" for c in i18n.LANGUAGES}
    datas |= {"lp", "m"}
    assert max(len(d.encode()) for d in datas) <= 64


async def test_offices_for_the_city_named_in_the_message() -> None:
    store = MemoryStore()
    nlu = ScriptedNLU(Parse("counselling.offices", 0.9, entities={"city": "Bottrop"}))
    reply = await core(nlu, store).handle(text_turn("Beratung in Bottrop?", user="c1"))
    # Offices are linked by their name; Gelsenkirchen's Agentur serves Gelsenkirchen and Bottrop.
    assert '">Agentur für Arbeit Gelsenkirchen</a>' in reply.text
    assert '">Agentur für Arbeit Recklinghausen</a>' not in reply.text
    assert (await store.profile("c1")).city == "Bottrop"


async def test_offices_ask_for_the_city_then_answer_for_the_pressed_one() -> None:
    store = MemoryStore()
    conversation = core(ScriptedNLU(Parse("counselling.offices", 0.9)), store)
    asked = await conversation.handle(text_turn("Wo gibt es Beratung?", user="c2"))
    assert i18n.strings("de")("directory.which_city") in asked.text
    city_data = [b.data for row in asked.buttons for b in row if b.data.startswith("c:")]
    assert len(city_data) == 12 and all(len(d.encode()) <= 64 for d in city_data)

    marl = await conversation.handle(Turn("c2", Kind.BUTTON, button="c:Marl:counselling.offices"))
    assert '">Agentur für Arbeit Recklinghausen</a>' in marl.text
    assert '">Agentur für Arbeit Gelsenkirchen</a>' not in marl.text
    assert (await store.profile("c2")).city == "Marl"
    # Next time the stored city is used without asking.
    again = await conversation.handle(text_turn("Beratungsstellen?", user="c2"))
    assert '">Agentur für Arbeit Recklinghausen</a>' in again.text


async def test_named_occupation_gets_its_profile() -> None:
    nlu = ScriptedNLU(Parse("careers.occupation", 0.9, entities={"occupation": "chemikant"}))
    reply = await core(nlu).handle(text_turn("Was macht ein Chemikant?"))
    profile = CONTENT.occupations["chemikant"].profile
    text, _ = profile.text("de")
    assert reply.topic == "careers.occupation"
    assert render(text.splitlines()[0], "de") in reply.text
    assert profile.sources[0].url in reply.text


async def test_occupation_question_without_known_occupation_gets_the_general_answer() -> None:
    nlu = ScriptedNLU(Parse("careers.occupation", 0.9, entities={"occupation": "astronaut"}))
    reply = await core(nlu).handle(text_turn("Was macht ein Astronaut?"))
    assert first_line("careers.occupation", "de") in reply.text


async def test_unclear_message_naming_an_occupation_gets_the_profile() -> None:
    nlu = ScriptedNLU(Parse("training.requirements", 0.2, entities={"occupation": "koch"}))
    reply = await core(nlu).handle(text_turn("Koch?"))
    assert reply.topic == "careers.occupation"
    text, _ = CONTENT.occupations["koch"].profile.text("de")
    assert render(text.splitlines()[0], "de") in reply.text


async def test_crisis_phrase_gets_helplines_even_without_rasa() -> None:
    for text, lang in (("ich will nicht mehr leben", "de"), ("artık yaşamak istemiyorum", "tr"),
                       ("I want to kill myself", "en")):
        reply = await core(ScriptedNLU(UNKNOWN)).handle(text_turn(text, client=lang))
        assert reply.topic == "safety.crisis", text
        assert reply.handover is True and "handover.urgent" in reply.actions
        assert "116 111" in reply.text  # Nummer gegen Kummer, from the content


async def test_crisis_intent_from_rasa_gets_helplines() -> None:
    nlu = ScriptedNLU(Parse("safety.crisis", 0.35))
    reply = await core(nlu).handle(text_turn("mir geht es so schlecht, keiner hilft mir"))
    assert reply.topic == "safety.crisis"
    assert "112" in reply.text


async def test_crisis_lookalike_is_not_a_crisis() -> None:
    nlu = ScriptedNLU(Parse("training.problems", 0.8))
    reply = await core(nlu).handle(text_turn("die Ausbildung bringt mich um"))
    assert reply.topic == "training.problems"


async def test_crisis_phrase_in_a_giant_message_is_still_seen() -> None:
    text = "Ausbildung " * 300 + " ich will nicht mehr leben"
    reply = await core().handle(text_turn(text))
    assert reply.topic == "safety.crisis"


async def test_flood_gets_one_notice_then_silence_and_other_users_are_unaffected() -> None:
    conversation = core(ScriptedNLU(Parse("meta.greet", 0.9)))
    replies = [await conversation.handle(text_turn(f"hallo {i}", user="flood")) for i in range(12)]
    limit = conversation.config.burst_limit
    assert all(r.topic == "meta.greet" for r in replies[:limit])
    assert replies[limit].text == render(i18n.strings("de")("rate.limited"), "de")
    assert all(r.silent and r.topic == "rate_limited" for r in replies[limit + 1:])
    other = await conversation.handle(text_turn("hallo", user="calm"))
    assert other.topic == "meta.greet"


async def test_button_taps_do_not_count_toward_the_burst_limit() -> None:
    conversation = core(ScriptedNLU(Parse("meta.greet", 0.9)))
    limit = conversation.config.burst_limit
    taps = [await conversation.handle(Turn("tapper", Kind.BUTTON, button="m"))
            for _ in range(limit + 2)]
    assert all(r.topic == "menu" for r in taps)
    text = await conversation.handle(text_turn("hallo", user="tapper"))
    assert text.topic == "meta.greet"


async def test_delete_asks_first_then_erases_everything() -> None:
    store = MemoryStore()
    conversation = core(store=store)
    await conversation.handle(Turn("d1", Kind.BUTTON, button="l:tr"))
    await store.update_profile("d1", city="Marl")
    asked = await conversation.handle(Turn("d1", Kind.COMMAND, command="delete"))
    assert asked.text == render(i18n.strings("tr")("delete.confirm"), "tr")
    assert [b.data for b in asked.buttons[0]] == ["del:yes", "del:no"]
    kept = await conversation.handle(Turn("d1", Kind.BUTTON, button="del:no"))
    assert kept.text == render(i18n.strings("tr")("delete.cancelled"), "tr")
    assert (await store.profile("d1")).city == "Marl"
    done = await conversation.handle(Turn("d1", Kind.BUTTON, button="del:yes"))
    assert done.text == render(i18n.strings("tr")("delete.done"), "tr")
    assert (await store.profile("d1")).lang is None
    assert (await store.profile("d1")).city is None


async def test_privacy_command_shows_the_privacy_answer() -> None:
    reply = await core().handle(Turn("p1", Kind.COMMAND, command="privacy", client_lang="uk"))
    assert reply.topic == "meta.privacy"
    assert first_line("meta.privacy", "uk") in reply.text


async def test_mydata_exports_what_is_stored() -> None:
    import json

    store = MemoryStore()
    await store.update_profile("m1", lang="fa", city="Datteln")
    reply = await core(store=store).handle(Turn("m1", Kind.COMMAND, command="mydata"))
    assert reply.document is not None
    name, content = reply.document
    data = json.loads(content)
    assert name.endswith(".json")
    assert data["profile"] == {"lang": "fa", "city": "Datteln"}
    assert reply.text == render(i18n.strings("fa")("mydata.caption"), "fa")


async def test_first_contact_shows_privacy_notice_until_ok() -> None:
    store = MemoryStore()
    conversation = core(store=store)
    first = await conversation.handle(Turn("n1", Kind.COMMAND, command="start", client_lang="ru"))
    notice = render(i18n.strings("ru")("privacy.notice"), "ru")
    assert notice in first.text
    assert first.buttons[0][0].data == "pv:ok"
    age = await conversation.handle(Turn("n1", Kind.BUTTON, button="pv:ok"))
    assert age.text == render(i18n.strings("ru")("age.ask"), "ru")  # optional, skippable
    assert [b.data for row in age.buttons for b in row] == [
        "ag:u16", "ag:16_17", "ag:18_26", "ag:parent", "ag:-"]
    again = await conversation.handle(Turn("n1", Kind.COMMAND, command="start", client_lang="ru"))
    assert notice not in again.text
    assert all(b.data != "pv:ok" for row in again.buttons for b in row)


async def test_age_group_is_optional_and_parents_get_the_parents_wording() -> None:
    store = MemoryStore()
    conversation = core(store=store)
    skipped = await conversation.handle(Turn("a1", Kind.BUTTON, button="ag:-"))
    assert skipped.topic == "menu" and (await store.profile("a1")).age is None
    await conversation.handle(Turn("a2", Kind.BUTTON, button="ag:parent"))
    profile = await store.profile("a2")
    assert (profile.age, profile.audience) == ("parent", "parent")
    await conversation.handle(Turn("a3", Kind.BUTTON, button="ag:16_17"))
    assert (await store.profile("a3")).audience == "young"
    await conversation.handle(Turn("a4", Kind.BUTTON, button="ag:42"))
    assert (await store.profile("a4")).age is None
