"""Interface strings (Babel/gettext catalogs), languages, locale negotiation and dates."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"

# Order is the order of the language picker.
LANGUAGES: tuple[str, ...] = (
    "de", "de-simple", "en", "tr", "ar", "ru", "uk", "pl", "ro", "bg", "fa",
)
DEFAULT_LANGUAGE = "de"
RTL_LANGUAGES = frozenset({"ar", "fa"})
# Languages Telegram clients report and that setMyCommands accepts (plain German is ours only).
TELEGRAM_LANGUAGES: tuple[str, ...] = tuple(code for code in LANGUAGES if code != "de-simple")


def catalog_name(lang: str) -> str:
    """Name of the gettext catalog folder for a language code (de-simple is a German variant)."""
    return "de_DE_SIMPLE" if lang == "de-simple" else lang


def babel_locale(lang: str) -> Locale:
    """The Babel locale used for dates and numbers."""
    return Locale.parse("de" if lang == "de-simple" else lang)


def normalise(code: str | None) -> str | None:
    """Map a client language code ('tr', 'pt-br', 'de_AT') to a supported language, or None."""
    if not code:
        return None
    if code in LANGUAGES:
        return code
    found = negotiate_locale([code.replace("_", "-")], list(TELEGRAM_LANGUAGES), sep="-")
    if found:
        return found
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in TELEGRAM_LANGUAGES else None


@cache
def _translations(lang: str, domain: str = DOMAIN) -> Translations:
    mo = LOCALE_DIR / catalog_name(lang) / "LC_MESSAGES" / f"{domain}.mo"
    if mo.exists():
        with mo.open("rb") as handle:
            return Translations(handle, domain=domain)
    # Running from a checkout before `make i18n`: read the .po directly.
    po = mo.with_suffix(".po")
    if not po.exists():
        raise FileNotFoundError(f"no catalog for {lang!r} in {LOCALE_DIR}")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=None)
    translations = Translations(domain=domain)
    translations._catalog = {  # noqa: SLF001 - fill a gettext catalog from the parsed .po
        message.id: message.string for message in catalog if message.id and message.string
    }
    return translations


class Strings:
    """Interface strings of one language, looked up by key (`_("fallback.not_understood")`)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._t = _translations(lang)
        self._fallback = _translations(DEFAULT_LANGUAGE) if lang != DEFAULT_LANGUAGE else None

    def __call__(self, key: str, **params: object) -> str:
        text = self._t.gettext(key)
        if text == key and self._fallback is not None:
            text = self._fallback.gettext(key)
        return text.format(**params) if params else text

    def date(self, value: dt.date) -> str:
        return format_date(value, format="medium", locale=babel_locale(self.lang))


STAFF_DOMAIN = "staff"
STAFF_LANGUAGE = "de"


def staff_text(key: str, **params: object) -> str:
    """A sentence for staff in the staff groups; staff work in German (the `staff` catalog)."""
    text = _translations(STAFF_LANGUAGE, STAFF_DOMAIN).gettext(key)
    return text.format(**params) if params else text


def strings(lang: str) -> Strings:
    return Strings(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def language_name(lang: str) -> str:
    """The language's own name, e.g. 'Türkçe' (from Babel; plain German from the catalog)."""
    if lang == "de-simple":
        s = strings("de-simple")
        return s("language.plain_german_name")
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def catalog_keys(lang: str) -> dict[str, str]:
    """All keys and texts of one compiled or source catalog (for checks and tests)."""
    mo = LOCALE_DIR / catalog_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.exists():
        with mo.open("rb") as handle:
            catalog = read_mo(handle)
    else:
        with mo.with_suffix(".po").open("rb") as handle:
            catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id}
