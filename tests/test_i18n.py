"""Interface strings: every key in every language, native language names, locale negotiation."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import i18n

from conftest import ROOT


def template_keys() -> set[str]:
    pot = (i18n.LOCALE_DIR / "messages.pot").read_text(encoding="utf-8")
    return set(re.findall(r'^msgid "(.+)"$', pot, flags=re.M))


def test_template_matches_the_code(tmp_path: Path) -> None:
    """Every key the code uses is in the template (run `make i18n-update` after adding one)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_",
         "-k", "s", "--no-location", "--omit-header", "-o", str(pot), "bot"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    extracted = set(re.findall(r'^msgid "(.+)"$', pot.read_text(), flags=re.M))
    assert extracted and extracted == template_keys()


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_key_is_translated(lang: str) -> None:
    catalog = i18n.catalog_keys(lang)
    missing = sorted(k for k in template_keys() if not catalog.get(k))
    assert not missing, f"{lang}: untranslated keys {missing}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_placeholders_survive_translation(lang: str) -> None:
    catalog = i18n.catalog_keys(lang)
    english = i18n.catalog_keys("en")
    for key, text in english.items():
        placeholders = set(re.findall(r"{\w+}", text))
        assert set(re.findall(r"{\w+}", catalog.get(key, ""))) == placeholders, key


def test_native_language_names() -> None:
    names = {code: i18n.language_name(code) for code in i18n.LANGUAGES}
    assert names["tr"] == "Türkçe"
    assert names["ar"] == "العربية"
    assert names["uk"] == "Українська"
    assert names["fa"] == "فارسی"
    assert names["de-simple"] == "Einfache Sprache"


@pytest.mark.parametrize(("client", "expected"), [
    ("tr", "tr"), ("de-AT", "de"), ("pt-br", None), ("uk", "uk"), ("en-GB", "en"), (None, None),
    ("fa-IR", "fa"), ("zh-hans", None),
])
def test_client_language_negotiation(client: str | None, expected: str | None) -> None:
    assert i18n.normalise(client) == expected


def test_dates_are_localised() -> None:
    day = dt.date(2026, 11, 27)
    assert i18n.strings("de").date(day) == "27.11.2026"
    assert "2026" in i18n.strings("tr").date(day)
    assert i18n.strings("de-simple").date(day) == "27.11.2026"
