"""Language detection on short, mixed and transliterated messages."""

from __future__ import annotations

import pytest

from bot.langdetect import LanguageDetector

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
