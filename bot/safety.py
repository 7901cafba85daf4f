"""Crisis detection: a deterministic phrase layer (works without Rasa) plus the NLU topic."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

CRISIS_TOPIC = "safety.crisis"
# Letters folded so that phrases match with or without diacritics and across Arabic/Persian forms.
FOLD = str.maketrans({
    "ı": "i", "ş": "s", "ğ": "g", "ç": "c", "ö": "o", "ü": "u", "ä": "a", "ß": "ss",
    "ą": "a", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z", "ż": "z",
    "ă": "a", "â": "a", "î": "i", "ș": "s", "ț": "t", "ţ": "t",
    "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ی", "ي": "ی", "ك": "ک",
    "ё": "е", "ć": "c", "\u200c": " ", "’": "'", "ʼ": "'",
    # "İ".lower() leaves a combining dot; Ukrainian і is often typed as a Latin i.
    "\u0307": "", "і": "i",
})
SPACES = re.compile(r"\s+")
TATWEEL_AND_MARKS = re.compile(r"[\u0640\u064b-\u065f\u0670]")
# German typed without umlauts ("schlaegt") reads like the folded form ("schlagt").
UMLAUT_SPELLING = re.compile(r"(?<=[a-z])(ae|oe|ue)")


def normalise(text: str) -> str:
    """Lower-case, fold diacritics and letter variants, punctuation to spaces, squeeze spaces.

    Phrases are normalised the same way when loaded, so both sides always match in form."""
    text = unicodedata.normalize("NFC", text).lower().translate(FOLD)
    text = TATWEEL_AND_MARKS.sub("", text)
    text = UMLAUT_SPELLING.sub(lambda m: m.group(0)[0], text)
    text = "".join(" " if unicodedata.category(c).startswith("P") else c for c in text)
    return SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class CrisisPhrases:
    phrases: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> CrisisPhrases:
        if not path.exists():
            return cls(())
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        phrases = {normalise(str(p)) for values in (data.get("phrases") or {}).values()
                   for p in values or ()}
        return cls(tuple(sorted(p for p in phrases if p)))

    def match(self, text: str) -> bool:
        """True when the message contains a crisis phrase in any language."""
        folded = normalise(text)
        return any(phrase in folded for phrase in self.phrases)
