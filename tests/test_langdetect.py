"""Language detection on short, mixed and transliterated messages."""

from __future__ import annotations

import pytest

from bot.langdetect import LanguageDetector, cyrillic_reading

DETECTOR = LanguageDetector()


@pytest.mark.parametrize(("text", "lang"), [
    ("Çıraklık ne kadar sürer?", "tr"),
    ("ausbildung ne kadar sürer", "tr"),            # mixed: answered in the non-German language
    ("ausbildung icin sprachniveau ne olmali", "tr"),
    ("Wie lange dauert eine Ausbildung?", "de"),
    ("Was verdienen Azubis?", "de"),
    ("azubi gehalt", "de"),
    ("How long does an apprenticeship take?", "en"),
    ("وين بلاقي Deutschkurs بغلادبيك", "ar"),
    ("كم مدة الAusbildung", "ar"),
    ("شگد راتب الازوبي", "ar"),                     # Iraqi گ does not make it Persian
    ("آموزش چند سال طول میکشه", "fa"),
    ("Сколько длится Ausbildung?", "ru"),
    ("Скільки триває навчання?", "uk"),
    ("колко трае обучението", "bg"),
    ("ile zarabia sie na ausbildung", "pl"),
    ("cat dureaza ausbildung", "ro"),
    ("kam ysir el ausbildung 3ala ma a3ref", "ar"),  # arabizi
    ("ausbildung chand sal tool mikeshe", "fa"),    # Finglish
    ("skolko dlitsya ausbildung", "ru"),
    ("merhaba", "tr"),
    ("telc b2 wyniki po ilu tygodniach", "pl"),     # "b2" is a level, not arabizi
    # Each of the following was wrong before word frequencies and transliteration were used.
    # German words known from word frequencies, not only from the list of German terms.
    ("bewerbungsunterlagen eksiksiz gönderdim", "tr"),
    ("warunki berufsausbildungsbeihilfe", "pl"),
    ("caut lehrstelle urgent in marl", "ro"),
    # Russian and Ukrainian in Latin letters, read back into Cyrillic and looked up.
    ("kak najti praktikum", "ru"),
    ("potribna dopomoha z dokumentamy", "uk"),
    ("ya ne rozumiyu nimetsku", "uk"),
    # Word frequencies where letter statistics say Russian.
    ("утре ще ходя на курс", "bg"),
])
def test_detects(text: str, lang: str) -> None:
    assert DETECTOR.detect(text) == lang


@pytest.mark.parametrize(
    "text", ["ok", "👍", "...", "Ausbildung", "salam", "Gelsenkirchen Bottrop"])
def test_too_short_or_ambiguous_is_left_to_the_stored_language(text: str) -> None:
    assert DETECTOR.detect(text) is None


@pytest.mark.parametrize(("text", "lang", "reading"), [
    ("kak dolgo dlitsya ausbildung", "ru", "как долго длится ausbildung"),   # -tsya is -тся
    ("mne nuzhna rabota v Gelsenkirchen", "ru", "мне нужна работа в Gelsenkirchen"),
    ("hochu umeret", "ru", "хочу умереть"),                                # soft sign left out
    ("skolko platyat", "ru", "сколько платят"),
    ("kade da tursya mqsto", "bg", "къде да търся място"),                   # u and a for ъ
    ("yak staty azubi u Gelsenkirchen", "uk", "як стати azubi у Gelsenkirchen"),
    ("kakvo tryabva za ausbildung v Bottrop", "bg", "какво трябва за ausbildung в Bottrop"),
])
def test_latin_script_cyrillic_languages_are_read_in_cyrillic(
        text: str, lang: str, reading: str) -> None:
    # German terms and place names are no common Russian, Ukrainian or Bulgarian words: kept.
    assert cyrillic_reading(text, lang) == reading


@pytest.mark.parametrize(("text", "lang"), [
    ("Сколько длится Ausbildung?", "ru"),     # already Cyrillic
    ("kak dolgo dlitsya ausbildung", "tr"),   # only ru, uk and bg are read
    ("kak dolgo dlitsya ausbildung", None),
    ("Ausbildung Dauer Mechatroniker", "ru"),  # German words stay German
    ("", "ru"),
])
def test_other_texts_are_left_as_typed(text: str, lang: str | None) -> None:
    assert cyrillic_reading(text, lang) == text
