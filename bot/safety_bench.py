"""`python -m bot safety benchmark`: crisis recall and false alarms per language.

Test set: the crisis examples and look-alikes in content/safety/crisis_phrases.yml, plus the
held-out NLU data (nlu/tests/): its safety.crisis examples count as crisis, everything else as
not crisis. Reported for the phrase layer alone, Rasa alone and both together (what the bot does).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path

import httpx
import yaml

from bot.langdetect import LanguageDetector
from bot.nlu_eval import Example, default_files, load_examples
from bot.safety import CRISIS_TOPIC, CrisisPhrases
from bot.spelling import for_understanding


def benchmark_set(root: Path) -> list[tuple[str, str, bool]]:
    """(language, text, is_crisis) for every benchmark message."""
    items: list[tuple[str, str, bool]] = []
    data = yaml.safe_load((root / "content" / "safety" / "crisis_phrases.yml").read_text("utf-8"))
    for lang, texts in (data.get("crisis_examples") or {}).items():
        items += [(lang, str(t), True) for t in texts]
    for lang, texts in (data.get("lookalikes") or {}).items():
        items += [(lang, str(t), False) for t in texts]
    examples: list[Example] = [e for f in default_files(root) for e in load_examples(f)]
    items += [(e.lang, e.text, e.intent == CRISIS_TOPIC) for e in examples]
    return items


async def _nlu_says_crisis(rasa_url: str, texts: list[str], threshold: float) -> list[bool]:
    flags = []
    async with httpx.AsyncClient(base_url=rasa_url, timeout=30) as client:
        for text in texts:
            response = await client.post("/model/parse", json={"text": text})
            intent = response.json()["intent"]
            flags.append(intent["name"] == CRISIS_TOPIC and intent["confidence"] >= threshold)
    return flags


def run(root: Path, rasa_url: str, threshold: float) -> int:
    items = benchmark_set(root)
    phrases = CrisisPhrases.load(root / "content" / "safety" / "crisis_phrases.yml")
    # What the bot does: phrases on the text and on its reading, Rasa on the reading.
    detector = LanguageDetector()
    readings = [for_understanding(text, detector.detect(text)) for _, text, _ in items]
    by_phrase = [phrases.match(text) or phrases.match(reading)
                 for (_, text, _), reading in zip(items, readings)]
    by_nlu = asyncio.run(_nlu_says_crisis(rasa_url, readings, threshold))
    detectors = {"phrases": by_phrase, "rasa": by_nlu,
                 "both": [a or b for a, b in zip(by_phrase, by_nlu)]}
    print(f"Crisis benchmark: {sum(c for *_, c in items)} crisis and "
          f"{sum(not c for *_, c in items)} other messages; Rasa threshold {threshold}\n")
    print(f"{'language':<9}" + "".join(f"{name + ' recall':>16}{name + ' false':>15}"
                                        for name in detectors))
    langs = sorted({lang for lang, _, _ in items})
    for lang in [*langs, "all"]:
        cells = []
        for flags in detectors.values():
            stats: dict[bool, list[bool]] = defaultdict(list)
            for (item_lang, _, crisis), flag in zip(items, flags):
                if lang in ("all", item_lang):
                    stats[crisis].append(flag)
            recall = 100 * sum(stats[True]) / max(1, len(stats[True]))
            false = 100 * sum(stats[False]) / max(1, len(stats[False]))
            cells.append(f"{recall:>15.1f}%{false:>14.1f}%")
        print(f"{lang:<9}" + "".join(cells))
    missed = [t for (_, t, c), f in zip(items, detectors["both"]) if c and not f]
    print(f"\nmissed crisis messages: {len(missed)}")
    return 0
