"""Which supported language a message is written in (lingua, limited to our languages)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cached_property
from pathlib import Path

import yaml
from lingua import Language, LanguageDetectorBuilder

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
# German terms that people use inside other languages; they say nothing about the language.
GERMAN_TERMS = frozenset(
    """ausbildung ausbildungen azubi azubis berufsschule jobcenter integrationskurs deutschkurs
    sprachkurs praktikum anerkennung duldung gestattung agentur arbeit bab hauptschulabschluss
    realschulabschluss abitur schulabschluss berufsberatung ihk hwk handwerkskammer meister
    berufssprachkurs kita schule gehalt lohn vertrag ausbildungsplatz bewerbung lebenslauf
    aufenthaltserlaubnis ausländerbehörde einstiegsqualifizierung jmd vhs bamf kurs""".split()
)


MARKERS_FILE = Path(__file__).resolve().parent / "data" / "language_markers.yml"
# Latin-script Arabic writes ع ح ء ق خ as 3 7 2 9 5; Latin-script Bulgarian writes ш ч as 6 4.
# Level names like "b2" or "a1" are not arabizi: a token needs two letters and three characters.
ARABIZI = re.compile(r"^(?=(?:.*[a-z]){2})(?=.*[23579])[a-z23579']{3,}$")
BULGARIAN_DIGITS = re.compile(r"^(?=(?:.*[a-z]){2})(?=.*[46])[a-z46]{3,}$")


def load_markers(path: Path = MARKERS_FILE) -> dict[str, tuple[str, ...]]:
    """Marker word -> the languages it points to."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    index: dict[str, list[str]] = defaultdict(list)
    for lang, words in data.items():
        for word in words:
            index[str(word).lower()].append(str(lang))
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
            # Script and letters narrow it to three languages: take lingua's best, however close.
            found = self._cyrillic.detect_language_of(LATIN_WORD.sub(" ", text))
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
        words = WORD.findall(text)
        if not words:
            return None
        scores = self._marker_scores(text)
        if scores:
            ranked = sorted(scores.items(), key=lambda item: -item[1])
            best, best_score = ranked[0]
            others = [(lang, score) for lang, score in ranked if lang != "de"]
            # Mixed messages are answered in the non-German language they are written in.
            if best == "de" and others and others[0][1] >= max(1.0, best_score / 2):
                return others[0][0]
            if len(ranked) == 1 or best_score > ranked[1][1]:
                return best
        own = [w for w in words if w.lower() not in GERMAN_TERMS]
        if not own:
            # Only German terms ("Ausbildung?", "azubi gehalt"): German.
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
