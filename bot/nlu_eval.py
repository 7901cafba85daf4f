"""`python -m bot nlu evaluate`: intent accuracy, language ID and parse latency on held-out data.

The data is never trained on: by default every `nlu/tests/heldout_<lang>.yml`. `--data FILE` takes
Rasa NLU YAML (the language from `metadata: {lang: ..}` of each intent block, else from a file
name ending in `_<lang>.yml`), or JSON / JSON lines with objects `{"text", "intent", "lang"}`.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from bot.langdetect import LanguageDetector
from bot.nlu import parse_from_rasa
from bot.spelling import for_understanding

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    lang: str


def _plain(example: str) -> str:
    """Strip Rasa entity markup: '[Marl](city)' -> 'Marl'."""
    return ANNOTATION.sub(r"\1", example)


def load_examples(path: Path) -> list[Example]:
    raw = path.read_text(encoding="utf-8")
    if path.suffix in (".json", ".jsonl"):
        items = json.loads(raw) if raw.lstrip().startswith("[") else [
            json.loads(line) for line in raw.splitlines() if line.strip()]
        return [Example(str(i["text"]), str(i["intent"]), str(i.get("lang", "?"))) for i in items]
    data = yaml.safe_load(raw) or {}
    match = re.search(r"_([a-z]{2}(?:-simple)?)\.ya?ml$", path.name)
    file_lang = match.group(1) if match else "?"
    examples = []
    for block in data.get("nlu") or ():
        if "intent" not in block:
            continue
        lang = str((block.get("metadata") or {}).get("lang", file_lang))
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(Example(_plain(line[2:].strip()), str(block["intent"]), lang))
    return examples


def default_files(root: Path) -> list[Path]:
    return sorted((root / "nlu" / "tests").glob("heldout_*.yml"))


def _parse_all(rasa_url: str, texts: list[str]) -> list[tuple[str, float, float, float]]:
    """(intent, confidence, lead over the second intent, milliseconds) per text.

    One request at a time with a plain synchronous client, so the time is Rasa's: httpx's async
    client adds 3-4 ms a request on this 2-core machine (measured; p50 18 vs 21 ms)."""
    results = []
    with httpx.Client(base_url=rasa_url, timeout=30) as client:
        client.post("/model/parse", json={"text": "warm up"})
        for text in texts:
            started = time.perf_counter()
            response = client.post("/model/parse", json={"text": text})
            elapsed = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            parse = parse_from_rasa(response.json())
            results.append((str(parse.intent), parse.confidence, parse.lead, elapsed))
    return results


def _f1(gold: list[str], predicted: list[str]) -> dict[str, float]:
    scores = {}
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        total = precision + recall
        scores[label] = 2 * precision * recall / total if total else 0.0
    return scores


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def evaluate(rasa_url: str, files: list[Path], threshold: float, margin: float = 0.0) -> int:
    examples = [e for f in files for e in load_examples(f)]
    if not examples:
        print("no examples found")
        return 1
    detector = LanguageDetector()
    detected = [detector.detect(e.text) for e in examples]
    # Rasa gets what the bot would send it: the text as read in the detected language.
    readings = [for_understanding(e.text, lang) for e, lang in zip(examples, detected)]
    results = _parse_all(rasa_url, readings)
    gold = [e.intent for e in examples]
    predicted = [r[0] for r in results]
    latencies = [r[3] for r in results]
    correct = [g == p for g, p in zip(gold, predicted)]
    f1 = _f1(gold, predicted)
    long_enough = [i for i, e in enumerate(examples) if len(e.text.split()) >= 3]

    print(f"Held-out examples: {len(examples)} from {len(files)} file(s); Rasa at {rasa_url}\n")
    print(f"intent accuracy  {100 * sum(correct) / len(correct):6.2f} %")
    print(f"macro-F1         {100 * statistics.mean(f1.values()):6.2f} %")
    confident = [i for i, r in enumerate(results) if r[1] >= threshold and r[2] >= margin]
    print(f"answered (confidence >= {threshold}, lead >= {margin}): "
          f"{100 * len(confident) / len(results):.1f} %, "
          f"of which correct "
          f"{100 * sum(correct[i] for i in confident) / max(1, len(confident)):.1f} %")
    if long_enough:
        lid = sum(detected[i] == examples[i].lang for i in long_enough) / len(long_enough)
        print(f"language ID (>= 3 words, n={len(long_enough)}) {100 * lid:6.2f} %")
    print(f"parse latency    p50 {_percentile(latencies, 0.5):.1f} ms   "
          f"p95 {_percentile(latencies, 0.95):.1f} ms\n")

    by_lang: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_lang[example.lang].append(index)
    print(f"{'language':<10}{'n':>6}{'accuracy':>10}{'macro-F1':>10}{'lang-ID':>9}")
    for lang, indices in sorted(by_lang.items()):
        accuracy = sum(correct[i] for i in indices) / len(indices)
        lang_f1 = _f1([gold[i] for i in indices], [predicted[i] for i in indices])
        ids = [i for i in indices if i in set(long_enough)]
        lid_text = (f"{100 * sum(detected[i] == lang for i in ids) / len(ids):8.1f}%"
                    if ids else f"{'-':>9}")
        print(f"{lang:<10}{len(indices):>6}{100 * accuracy:>9.1f}%"
              f"{100 * statistics.mean(lang_f1.values()):>9.1f}%{lid_text}")

    print(f"\n{'intent':<30}{'n':>5}{'accuracy':>10}{'F1':>8}")
    by_intent: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(gold):
        by_intent[label].append(index)
    for label, indices in sorted(by_intent.items()):
        accuracy = sum(correct[i] for i in indices) / len(indices)
        print(f"{label:<30}{len(indices):>5}{100 * accuracy:>9.1f}%{100 * f1[label]:>7.1f}%")

    confusions = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    print("\nmost confused (expected -> predicted):")
    for (g, p), count in confusions.most_common(10):
        print(f"  {count:>3}  {g} -> {p}")
    return 0
