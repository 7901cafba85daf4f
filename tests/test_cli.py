"""The command-line contract: ask --json, chat on stdin, settings errors (exit 2, one line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.content import load_content
from bot.render import render

from conftest import ROOT, free_port

CONTENT = load_content(ROOT / "content")


def run(args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 60):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(rasa_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    return {**clean, "RASA_URL": rasa_url}


def test_ask_json_turkish_duration(env: dict[str, str]) -> None:
    result = run(["ask", "--json"], env, stdin="Çıraklık ne kadar sürer?\n")
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout.strip().splitlines()[0])
    assert set(line) == {"text", "lang", "topic", "confidence", "reply", "buttons", "handover"}
    assert (line["lang"], line["topic"], line["handover"]) == ("tr", "training.duration", False)
    text, _ = CONTENT.topics["training.duration"].text("tr")
    assert render(text.splitlines()[0], "tr") in line["reply"]


def test_ask_understands_latin_letters_and_missing_diacritics(env: dict[str, str]) -> None:
    # As typed, Rasa gets these wrong or is unsure (training.duration, out_of_scope, 0.46).
    questions = ("mozhno li uchitsya chastichno esli u menya rebenok\nyak napysaty rezyume\n"
                 "nie mam swiadectwa szkolnego co moge zrobic\n")
    result = run(["ask", "--json"], env, stdin=questions)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [(line["lang"], line["topic"]) for line in lines] == [
        ("ru", "training.part_time"), ("uk", "training.application"),
        ("pl", "school.no_certificate")]


def test_ask_reads_one_question_per_line(env: dict[str, str]) -> None:
    questions = ("Was verdienen Azubis?\nI want to talk to a person\n\n"
                 "Wie lange dauert eine Ausbildung?\n")
    result = run(["ask", "--json"], env, stdin=questions)
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["topic"] for x in lines] == ["training.pay", "handover.human", "training.duration"]
    assert lines[1]["handover"] is True and lines[1]["lang"] == "en"


def test_ask_text_argument_and_language_option(env: dict[str, str]) -> None:
    result = run(["ask", "--json", "--lang", "uk", "Was", "verdienen", "Azubis?"], env)
    line = json.loads(result.stdout)
    assert (line["lang"], line["topic"]) == ("uk", "training.pay")


def test_ask_without_rasa_still_answers(env: dict[str, str]) -> None:
    env = {**env, "RASA_URL": f"http://127.0.0.1:{free_port()}"}
    result = run(["ask", "--json", "Wie lange dauert eine Ausbildung?"], env)
    line = json.loads(result.stdout)
    assert line["topic"] == "fallback" and line["reply"]
    assert "rasa_unavailable" in result.stderr


def test_chat_answers_and_ends_on_eof(env: dict[str, str], redis_url: str) -> None:
    result = run(["chat"], {**env, "REDIS_URL": redis_url},
                 stdin="Wie lange dauert eine Ausbildung?\n1\n")
    assert result.returncode == 0, result.stderr
    text, _ = CONTENT.topics["training.duration"].text("de")
    assert text.splitlines()[0][:60] in result.stdout
    assert "Quellen:" in result.stdout and "Geprüft am" in result.stdout
    source = CONTENT.topics["training.duration"].sources[0]
    assert f"{source.title} ({source.url})" in result.stdout


@pytest.mark.parametrize(("args", "extra", "name"), [
    (["run"], {}, "TELEGRAM_BOT_TOKEN"),
    (["run", "--webhook"], {"TELEGRAM_BOT_TOKEN": "1:x"}, "WEBHOOK_URL"),
    (["run", "--webhook"], {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://x.example"},
     "WEBHOOK_SECRET"),
    (["ask", "hi"], {"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    (["ask", "hi"], {"COUNSELLOR_CHAT_ID": "abc"}, "COUNSELLOR_CHAT_ID"),
    (["ask", "hi"], {"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    (["ask", "hi"], {"RASA_URL": "ftp://x"}, "RASA_URL"),
])
def test_missing_or_malformed_settings_exit_2_with_one_line(
        env: dict[str, str], args: list[str], extra: dict[str, str], name: str) -> None:
    result = run(args, {**env, **extra})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]
    assert "Traceback" not in result.stderr
