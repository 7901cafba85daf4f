"""The knowledge base: the content check passes and every topic answers in every language."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from bot import content_check, i18n
from bot.content import load_content
from bot.render import render

from conftest import ROOT

CONTENT = load_content(ROOT / "content")
SHARED_TOPICS = ROOT.parent / "shared" / "product" / "topics.yml"


def test_catalogue_copy_matches_shared() -> None:
    if not SHARED_TOPICS.exists():
        pytest.skip("shared/ is not next to this checkout")
    ours = yaml.safe_load((ROOT / "content" / "catalogue.yml").read_text(encoding="utf-8"))
    assert ours == yaml.safe_load(SHARED_TOPICS.read_text(encoding="utf-8"))


def test_content_check_passes() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "content", "check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]


def test_content_check_finds_problems(tmp_path: Path) -> None:
    """The check fails on what it promises to catch."""
    root = tmp_path / "content"
    (root / "topics").mkdir(parents=True)
    (root / "catalogue.yml").write_text((ROOT / "content" / "catalogue.yml").read_text())
    base = yaml.safe_load((ROOT / "content" / "topics" / "training.pay.yml").read_text())
    base["related"] = ["no.such_topic"]
    base["sources"] = []
    base["checked_on"] = dt.date(2020, 1, 1)
    base["answer"]["tr"]["text"] = "x" * 5000
    del base["answer"]["fa"]
    (root / "topics" / "training.pay.yml").write_text(yaml.safe_dump(base, allow_unicode=True))
    errors, _ = content_check.problems(root, today=dt.date(2026, 11, 27))
    joined = "\n".join(errors)
    assert "related topic 'no.such_topic'" in joined
    assert "at least one source" in joined
    assert "older than 12 months" in joined
    assert "answer.tr is 5000 characters" in joined
    assert "answer.fa is missing" in joined
    assert "training.duration: no file" in joined


def test_status_shows_full_coverage() -> None:
    table = content_check.coverage(CONTENT)
    for lang in i18n.LANGUAGES:
        assert table[lang]["missing"] == [], lang


def test_every_answer_has_sources_and_checked_on() -> None:
    for topic in CONTENT.topics.values():
        assert topic.checked_on is not None, topic.id
        if topic.kind == "answer":
            assert topic.sources, topic.id


def questions_per_topic(lang: str, rasa_url: str) -> dict[str, str]:
    """One real question per topic in `lang` from the training data that Rasa clearly knows.

    This test is about answers in every language, not about NLU accuracy (`make nlu-eval`).
    """
    from bot.nlu_eval import load_examples

    source = "de" if lang == "de-simple" else lang
    examples = load_examples(ROOT / "nlu" / "data" / f"nlu_{source}.yml")
    found: dict[str, str] = {}
    with httpx.Client(base_url=rasa_url, timeout=10) as client:
        for example in examples:
            if example.intent in found or example.intent not in CONTENT.topics:
                continue
            intent = client.post("/model/parse", json={"text": example.text}).json()["intent"]
            if intent["name"] == example.intent and intent["confidence"] >= 0.6:
                found[example.intent] = example.text
    return found


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_topic_answers_in_every_language_through_ask(lang: str, rasa_url: str) -> None:
    """`ask --json --lang X` with a question on each topic returns that topic's answer in X."""
    questions = questions_per_topic(lang, rasa_url)
    assert set(questions) == set(CONTENT.topics)
    topics = sorted(questions)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
           "RASA_URL": rasa_url}
    stdin = "\n".join(questions[t] for t in topics) + "\n"
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--lang", lang],
                            cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["topic"] for r in replies] == topics
    for topic_id, reply in zip(topics, replies):
        assert reply["lang"] == lang
        answers = [CONTENT.topics[topic_id]]
        if topic_id == "careers.occupation":  # a question naming an occupation gets its profile
            answers += [o.profile for o in CONTENT.occupations.values()]
        starts = []
        for answer in answers:
            text, text_lang = answer.text(lang)
            assert text_lang == lang
            starts.append(render(text.splitlines()[0], lang))
        if topic_id in ("handover.human", "handover.peer"):
            # Without staff groups (as in `ask`) the bot says so and names offices instead;
            # the topic text introduces the handover in Telegram (tests/test_handover_e2e.py).
            starts = [render(i18n.strings(lang)("handover.unavailable"), lang)]
        assert any(start in reply["reply"] for start in starts), topic_id


def test_occupation_lookup_is_generated_from_content() -> None:
    from bot.nlu_data import lookup_path, occupation_lookup

    assert lookup_path(ROOT).read_text(encoding="utf-8") == occupation_lookup(CONTENT), (
        "run `.venv/bin/python -m bot nlu lookups` after changing occupation names")


def test_at_least_25_occupations_with_names_in_every_language() -> None:
    assert len(CONTENT.occupations) >= 25
    for occupation in CONTENT.occupations.values():
        assert all(occupation.names.get(lang) for lang in i18n.LANGUAGES), occupation.profile.id


def test_heldout_messages_are_never_training_examples() -> None:
    """`make nlu-eval` measures on messages the model has not seen (case and spacing ignored)."""
    from bot.nlu_eval import default_files, load_examples

    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    heldout = {norm(e.text) for f in default_files(ROOT) for e in load_examples(f)}
    assert len(heldout) > 2000
    trained = [(f.name, e.text) for f in sorted((ROOT / "nlu" / "data").glob("nlu_*.yml"))
               for e in load_examples(f) if norm(e.text) in heldout]
    assert not trained
