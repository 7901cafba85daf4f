"""Messages spelt as the sentence encoder knows them: Cyrillic readings and diacritics."""

from __future__ import annotations

import pytest

from bot.spelling import for_understanding


@pytest.mark.parametrize(("text", "lang", "reading"), [
    ("kak dolgo dlitsya ausbildung", "ru", "как долго длится ausbildung"),   # -tsya is -тся
    ("mne nuzhna rabota v Gelsenkirchen", "ru", "мне нужна работа в Gelsenkirchen"),
    ("hochu umeret", "ru", "хочу умереть"),                                # soft sign left out
    ("skolko platyat", "ru", "сколько платят"),
    ("yak staty azubi u Gelsenkirchen", "uk", "як стати azubi у Gelsenkirchen"),
    ("kakvo tryabva za ausbildung v Bottrop", "bg", "какво трябва за ausbildung в Bottrop"),
    ("kade da tursya mqsto", "bg", "къде да търся място"),                   # u and a for ъ
])
def test_latin_script_cyrillic_languages_are_read_in_cyrillic(
        text: str, lang: str, reading: str) -> None:
    # German terms and place names are no common Russian, Ukrainian or Bulgarian words: kept.
    assert for_understanding(text, lang) == reading


@pytest.mark.parametrize(("text", "lang", "spelt"), [
    ("bez niemieckiego da sie zrobic ausbildung w Marl?", "pl",
     "bez niemieckiego da się zrobić ausbildung w Marl?"),
    ("zadnego papierka ze szkoly", "pl", "żadnego papierka ze szkoły"),  # "ze" is a word too
    ("cand vine zulassung de la bamf", "ro", "când vine zulassung de la bamf"),
    ("basvuru dosyasina neler koyulur", "tr", "başvuru dosyasına neler koyulur"),
])
def test_missing_diacritics_are_restored(text: str, lang: str, spelt: str) -> None:
    assert for_understanding(text, lang) == spelt


@pytest.mark.parametrize(("text", "lang"), [
    ("Где найти kurs в Marl?", "ru"),           # a Cyrillic writer's Latin words are German
    ("was kostet ausbildung", "ru"),            # "was" is commoner German than вас Russian
    ("kak dolgo dlitsya ausbildung", "tr"),     # only ru, uk and bg are read into Cyrillic
    ("kak dolgo dlitsya ausbildung", None),
    ("Ausbildung Dauer Mechatroniker", "ru"),   # German words stay German
    ("zarabiam mało, czy to normalne ze sie tak dzieje", "pl"),  # types diacritics: as typed
    ("czesc", "pl"),                            # cześć ("hi") or część ("part"): unclear
    ("Wie lange dauert die Ausbildung", "de"),
    ("", "ru"),
])
def test_other_texts_are_left_as_typed(text: str, lang: str | None) -> None:
    assert for_understanding(text, lang) == text
