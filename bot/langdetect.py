"""Which supported language a message is written in (lingua, limited to our languages)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from lingua import Language, LanguageDetectorBuilder
from wordfreq import zipf_frequency

LINGUA = {
    Language.GERMAN: "de",
    Language.ENGLISH: "en",
    Language.TURKISH: "tr",
    Language.ARABIC: "ar",
    Language.RUSSIAN: "ru",
    Language.UKRAINIAN: "uk",
    Language.POLISH: "pl",
    Language.ROMANIAN: "ro",
    Language.BULGARIAN: "bg",
    Language.PERSIAN: "fa",
}
LATIN_LANGUAGES = [Language.GERMAN, Language.ENGLISH, Language.TURKISH, Language.POLISH,
                   Language.ROMANIAN]
CYRILLIC_LANGUAGES = [Language.RUSSIAN, Language.UKRAINIAN, Language.BULGARIAN]

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_WORD = re.compile(r"\b[A-Za-z\u00C0-\u024F]+\b")
# Persian keyboards write ی and ک, Arabic ones ي and ك; پ and ژ are Persian only, while گ and چ
# also occur in Iraqi and Gulf Arabic, so they count half.
PERSIAN_LETTERS = re.compile(r"[پژیک]")
PERSIAN_WEAK = re.compile(r"[گچ]")
ARABIC_LETTERS = re.compile(r"[يكةىأإؤئ]")
UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
RUSSIAN_LETTERS = re.compile(r"[ыэёЫЭЁ]")
BULGARIAN_HARD_SIGN = re.compile(r"[ъЪ]")
# Letters that only one Latin-script language of ours uses settle short messages.
TELLTALE = (
    (re.compile(r"[ğışİŞĞ]"), "tr"),
    (re.compile(r"[ąęłńśźżĄĘŁŃŚŹŻ]"), "pl"),
    (re.compile(r"[ăâîșțşţĂÂÎȘȚ]"), "ro"),
)
# German terms that people use inside other languages: they count as German, and the
# mixed-message rule lets a few native words outweigh them.
GERMAN_TERMS = frozenset(
    """ausbildung ausbildungen azubi azubis berufsschule jobcenter integrationskurs deutschkurs
    sprachkurs praktikum anerkennung duldung gestattung agentur arbeit bab hauptschulabschluss
    realschulabschluss abitur schulabschluss berufsberatung ihk hwk handwerkskammer meister
    berufssprachkurs kita schule gehalt lohn vertrag ausbildungsplatz bewerbung lebenslauf
    aufenthaltserlaubnis ausländerbehörde einstiegsqualifizierung jmd vhs bamf kurs""".split()
)


# Word frequencies (wordfreq, bundled lists) decide a word only when one language uses it at
# least ten times as often as any other of the same script (1.0 on the Zipf scale).
DECISIVE = 1.0
LATIN_CODES = ("de", "en", "tr", "pl", "ro")
CYRILLIC_CODES = ("ru", "uk", "bg")

NEUTRAL = "neutral"
MARKERS_FILE = Path(__file__).resolve().parent / "data" / "language_markers.yml"
# Latin-script Arabic writes ع ح ء ق خ as 3 7 2 9 5; Latin-script Bulgarian writes ш ч as 6 4.
# Level names like "b2" or "a1" are not arabizi: a token needs two letters and three characters.
ARABIZI = re.compile(r"^(?=(?:.*[a-z]){2})(?=.*[23579])[a-z23579']{3,}$")
BULGARIAN_DIGITS = re.compile(r"^(?=(?:.*[a-z]){2})(?=.*[46])[a-z46]{3,}$")


def load_markers(path: Path = MARKERS_FILE) -> dict[str, tuple[str, ...]]:
    """Marker word -> the languages it points to (none for neutral words such as places)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    index: dict[str, list[str]] = defaultdict(list)
    for lang, words in data.items():
        for word in words:
            langs = index[str(word).lower()]
            if lang != NEUTRAL:
                langs.append(str(lang))
    return {word: tuple(langs) for word, langs in index.items()}


class LanguageDetector:
    """Detect a message's language; None when the text is too short or too mixed to tell."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        self._min_confidence = min_confidence
        self._markers = load_markers()

    @cached_property
    def _latin(self):  # type: ignore[no-untyped-def]
        return LanguageDetectorBuilder.from_languages(*LATIN_LANGUAGES).build()

    @cached_property
    def _cyrillic(self):  # type: ignore[no-untyped-def]
        return LanguageDetectorBuilder.from_languages(*CYRILLIC_LANGUAGES).build()

    @cached_property
    def _arabic(self):  # type: ignore[no-untyped-def]
        return LanguageDetectorBuilder.from_languages(Language.ARABIC, Language.PERSIAN).build()

    def warm_up(self) -> None:
        self._latin.detect_language_of("warm up")
        self._cyrillic.detect_language_of("привет")
        self._arabic.detect_language_of("سلام")

    def detect(self, text: str) -> str | None:
        if ARABIC_SCRIPT.search(text):
            return self._arabic_script(text)
        if CYRILLIC.search(text):
            # Letters only one of the three uses: і ї є ґ Ukrainian; ы э ё Russian; ъ is
            # everyday Bulgarian (съм, във, къде) but rare in Russian and absent in Ukrainian.
            letters = {"uk": len(UKRAINIAN_LETTERS.findall(text)),
                       "ru": len(RUSSIAN_LETTERS.findall(text)),
                       "bg": len(BULGARIAN_HARD_SIGN.findall(text)) * 0.5}
            best = max(letters, key=letters.__getitem__)
            if letters[best] and sorted(letters.values())[-2] < letters[best]:
                return best
            cyrillic_only = LATIN_WORD.sub(" ", text)
            # Word frequencies settle what lingua's letter statistics confuse ("утре ще вали").
            by_words = _cyrillic_by_words(cyrillic_only)
            if by_words and not letters[by_words] < max(letters.values()):
                return by_words
            # Script and letters narrow it to three languages: take lingua's best, however close.
            found = self._cyrillic.detect_language_of(cyrillic_only)
            return LINGUA[found] if found is not None else None
        return self._latin_script(text)

    def _arabic_script(self, text: str) -> str:
        persian = len(PERSIAN_LETTERS.findall(text)) + len(PERSIAN_WEAK.findall(text)) / 2
        arabic = len(ARABIC_LETTERS.findall(text))
        if persian == arabic:
            found = self._arabic.detect_language_of(text)
            return LINGUA[found] if found is not None else "ar"
        return "fa" if persian > arabic else "ar"

    def _marker_scores(self, text: str) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        for token in re.findall(r"[\w']+", text.lower()):
            langs = self._markers.get(token)
            if langs:
                for lang in langs:
                    scores[lang] += 1 / len(langs)
            elif ARABIZI.match(token):
                scores["ar"] += 1
            elif BULGARIAN_DIGITS.match(token):
                scores["bg"] += 1
        for pattern, code in TELLTALE:
            if pattern.search(text):
                scores[code] += 2
        return scores

    def _latin_script(self, text: str) -> str | None:
        # Place names and other neutral words say nothing about the language.
        words = [w for w in WORD.findall(text.lower()) if self._markers.get(w) != ()]
        if not words:
            return None
        scores = self._marker_scores(text)
        own, unknown = [], 0
        for word in words:
            code = _latin_word(word)
            if code == "de":
                scores["de"] += 1
                continue
            own.append(word)
            if code is not None:
                scores[code] += 1
            elif len(word) >= 2 and (readings := _transliterated_word(word)):
                for reading in readings:
                    scores[reading] += 1 / len(readings)
            elif word not in self._markers and len(word) >= 3 and not any(
                    zipf(word, other) for other in LATIN_CODES):
                unknown += 1
        german = scores.pop("de", 0.0)
        others = sorted(scores.items(), key=lambda item: -item[1])
        top = others[0][1] if others else 0.0
        # Mixed messages are answered in the non-German language they are written in.
        if others and top >= max(1.0, german / 2) and (len(others) == 1 or top > others[1][1]):
            return others[0][0]
        if german > top and not unknown:
            # A lone German term ("Ausbildung") is used in every language: the stored one
            # decides. Words no list knows ("wyjasnij mi ausbildung", Polish without its
            # accents) go to lingua below.
            return "de" if len(words) >= 2 else None
        if not own:
            # Only German words ("Ausbildung?", "azubi gehalt"): German.
            return "de" if len(words) >= 2 else None
        # Letters unique to one language already counted in the marker scores.
        found = self._best(self._latin, " ".join(own))
        # One non-German word is too little to switch the answer language.
        return None if len(own) < 2 and found != "de" else found

    def _best(self, detector, text: str) -> str | None:  # type: ignore[no-untyped-def]
        words = WORD.findall(text)
        if not words:
            return None
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        if best.value >= self._min_confidence and (len(words) >= 2 or best.value >= 0.9):
            return LINGUA[best.language]
        return None


@lru_cache(maxsize=50_000)
def zipf(word: str, code: str) -> float:
    # Small lists (common words, ~10 MB each in memory) except German, whose long compounds
    # ("berufsausbildungsbeihilfe") only the large list knows.
    return zipf_frequency(word, code, wordlist="large" if code == "de" else "small")


def _cyrillic_by_words(text: str) -> str | None:
    """The Cyrillic language whose words these are, by summed word frequency (unknown words
    count as rare), when it leads clearly."""
    totals = dict.fromkeys(CYRILLIC_CODES, 0.0)
    for word in WORD.findall(text.lower()):
        for code in CYRILLIC_CODES:
            totals[code] += max(zipf(word, code), 1.0)
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return ranked[0][0] if ranked[0][1] >= ranked[1][1] + DECISIVE else None


@lru_cache(maxsize=50_000)
def _latin_word(word: str) -> str | None:
    """The Latin-script language a word clearly belongs to: German terms and words German
    uses ten times as often as the others ("aufenthaltstitel", "lehrstelle") are "de"; other
    words need three letters and a common use ("olmadan", "warunki", "caut")."""
    if word in GERMAN_TERMS:
        return "de"
    frequencies = {code: zipf(word, code) for code in LATIN_CODES}
    best = max(frequencies, key=frequencies.__getitem__)
    runner_up = max(value for code, value in frequencies.items() if code != best)
    if frequencies[best] < runner_up + DECISIVE:
        return None
    if best == "de":
        return "de" if frequencies["de"] >= 2 else None
    return best if len(word) >= 3 and frequencies[best] >= 3 else None


# How people write Russian, Ukrainian and Bulgarian in Latin letters (longest spellings first),
# so that "mozhno li", "yak staty" and "kakvo tryabva" can be looked up as можно ли, як стати,
# какво трябва in each language's word list.
_COMMON = {"zh": "ж", "kh": "х", "ch": "ч", "sh": "ш", "ts": "ц", "yu": "ю", "ya": "я",
           "a": "а", "b": "б", "v": "в", "w": "в", "d": "д", "z": "з", "k": "к", "l": "л",
           "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
           "f": "ф", "c": "ц", "x": "кс", "e": "е", "'": "ь"}
TRANSLIT = {
    "ru": {**_COMMON, "iya": "ия", "iyu": "ию", "iye": "ие", "shch": "щ", "sch": "щ", "yo": "ё",
           "iy": "ий", "yy": "ый", "ye": "е", "y": "ы", "i": "и", "j": "й", "g": "г", "h": "х",
           "q": "к"},
    "uk": {**_COMMON, "iya": "ія", "iyu": "ію", "iye": "іє", "shch": "щ", "yi": "ї", "ye": "є",
           "iy": "ій", "ia": "я", "iu": "ю", "y": "и", "i": "і", "j": "й", "g": "г", "h": "г"},
    "bg": {**_COMMON, "iya": "ия", "iyu": "ию", "sht": "щ", "ia": "я", "iu": "ю", "q": "я",
           "4": "ч", "6": "ш", "y": "ъ", "i": "и", "j": "й", "g": "г", "h": "х"},
}
_VOWELS = "aeiouy"


@lru_cache(maxsize=50_000)
def to_cyrillic(word: str, code: str) -> str:
    table, out, i = TRANSLIT[code], [], 0
    while i < len(word):
        # "y" after a vowel is й in all three ("moy", "novyi", "kakvoy").
        if word[i] == "y" and i and word[i - 1] in _VOWELS and word[i:i + 2] not in table:
            out.append("й")
            i += 1
            continue
        for size in (4, 3, 2, 1):
            if word[i:i + size] in table:
                out.append(table[word[i:i + size]])
                i += size
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=50_000)
def _transliterated_word(word: str) -> tuple[str, ...]:
    """The Cyrillic languages a Latin-script word is a common word of ("mozhno" -> ru; "rabota"
    -> ru and bg), when that reading is clearly more common than the word as it stands in our
    Latin languages. Lists differ in size, so readings within a factor of ten all count."""
    latin = max(zipf(word, code) for code in LATIN_CODES)
    readings = {code: zipf(to_cyrillic(word, code), code) for code in CYRILLIC_CODES}
    top = max(readings.values())
    if top < 3 or top < latin + 0.5:
        return ()
    return tuple(code for code, value in readings.items() if value >= top - DECISIVE)
