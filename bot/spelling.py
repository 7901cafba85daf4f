"""A message spelt the way the sentence encoder knows best, before Rasa reads it.

People type Russian, Ukrainian and Bulgarian in Latin letters ("kak dolgo dlitsya") and Polish,
Romanian and Turkish without their diacritics ("sie", "cand", "basvuru"). The encoder learnt these
languages from properly spelt text, so both are written back, word by word, where a word list
says so clearly. German terms, names and places stay as typed. Measured on the held-out messages
in `nlu/README.md`.
"""

from __future__ import annotations

import re
from functools import cache

from wordfreq import iter_wordlist

from bot.langdetect import (
    CYRILLIC,
    CYRILLIC_CODES,
    DECISIVE,
    LATIN_CODES,
    WORD,
    to_cyrillic,
    zipf,
)

# Digits and ' belong to the word here: Bulgarian chat spells ч and ш as 4 and 6, ь as '.
LATIN_TOKEN = re.compile(r"[A-Za-z0-9']*[A-Za-z][A-Za-z0-9']*")
# A spelling counts when it is at least this common a word (Zipf 2: once in 10 million words).
# For the Cyrillic readings any value from 1.0 to 3.0 gave the same held-out result.
MIN_ZIPF = 2.0

SOFTENED = frozenset("тлнсдзрмв")  # consonants a soft sign often follows at the end
SOFT_L = re.compile(r"л(?=[бвгджзклмнпрстфхцчшщ])")

# The letters people leave off, per language: plain letter -> the letters it may stand for.
DIACRITICS = {
    "pl": {"a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "źż"},
    "ro": {"a": "ăâ", "i": "î", "s": "șş", "t": "țţ"},
    "tr": {"c": "ç", "g": "ğ", "i": "ı", "o": "ö", "s": "ş", "u": "ü"},
}
MARKED = {lang: frozenset("".join(marks.values())) for lang, marks in DIACRITICS.items()}


def for_understanding(text: str, lang: str | None) -> str:
    """`text` as Rasa should read it, for a message in `lang` (unchanged for other languages)."""
    if lang in CYRILLIC_CODES and not CYRILLIC.search(text):
        return LATIN_TOKEN.sub(lambda m: _cyrillic(m.group(0), lang), text)
    # Someone who typed any of the letters writes them where they belong: leave it as typed.
    if lang in MARKED and MARKED[lang].isdisjoint(text.lower()):
        return WORD.sub(lambda m: _with_diacritics(m.group(0), lang), text)
    return text


def _cyrillic(typed: str, lang: str) -> str:
    word = typed.lower()
    frequency, reading = max((zipf(r, lang), r) for r in _readings(word, lang))
    if frequency >= MIN_ZIPF and frequency >= max(zipf(word, code) for code in LATIN_CODES):
        return reading
    return typed


def _readings(word: str, code: str) -> set[str]:
    """Cyrillic spellings of a Latin-script word. Transliteration often drops the soft sign
    ("umeret", "skolko" for умереть, сколько), writes -тся/-ться as "-tsya" and Bulgarian ъ
    as "u" or "a"."""
    reading = to_cyrillic(word, code)
    readings = {reading}
    if code == "bg":
        readings.add(reading.replace("у", "ъ"))  # "tursya" for търся
        readings |= {reading[:i] + "ъ" + reading[i + 1:]  # "kade" for къде
                     for i, letter in enumerate(reading) if letter == "а"}
        return readings
    readings.add(SOFT_L.sub("ль", reading))
    if code == "ru" and reading.endswith("ця"):
        readings |= {reading[:-2] + "тся", reading[:-2] + "ться"}
    return readings | {r + "ь" for r in readings if r[-1:] in SOFTENED}


def _with_diacritics(typed: str, lang: str) -> str:
    """The spelling of the word with diacritics, when it is clearly (ten times) commoner than
    the word as typed and than any other such spelling: "sie" -> "się", "cand" -> "când";
    "ze" (a word too) and "czesc" (cześć "hi" or część "part") stay as typed."""
    word = typed.lower()
    spellings = _spellings(lang).get(word)
    if spellings:
        frequency = zipf(spellings[0], lang)
        rivals = [zipf(word, lang), *(zipf(other, lang) for other in spellings[1:])]
        if frequency >= MIN_ZIPF and frequency >= max(rivals) + DECISIVE:
            return spellings[0]
    return typed


@cache
def _spellings(lang: str) -> dict[str, list[str]]:
    """The words of the language's word list with diacritics, by their form without them; the
    commonest first (the list is ordered by frequency), at most two."""
    strip = str.maketrans({mark: plain for plain, marks in DIACRITICS[lang].items()
                           for mark in marks})
    found: dict[str, list[str]] = {}
    for word in iter_wordlist(lang, "small"):
        plain = word.translate(strip)
        if plain != word and len(spellings := found.setdefault(plain, [])) < 2:
            spellings.append(word)
    return found


def warm_up() -> None:
    """Load the word lists now rather than on the first user's message."""
    for lang in (*CYRILLIC_CODES, *DIACRITICS):
        for_understanding("warm up", lang)  # looks "warm" up in each list
