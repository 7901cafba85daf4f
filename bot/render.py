"""Turn content text into Telegram HTML: escaping, links, right-to-left isolation."""

from __future__ import annotations

import html
import re

from bot.i18n import RTL_LANGUAGES

LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
# A left-to-right run inside right-to-left text: German terms, numbers, amounts, paragraphs.
# Spaces and light punctuation may sit inside a run: "Agentur für Arbeit" or "2,29 €" stay whole.
# Brackets stay outside: inside right-to-left text they must mirror with it, "(Azubi)" whole.
LTR_RUN = re.compile(
    r"[A-Za-z\u00C0-\u024F0-9§€]"
    r"(?:[A-Za-z\u00C0-\u024F0-9§€ .,:/%+'’\-–]*[A-Za-z\u00C0-\u024F0-9€%])?"
)
LRI, PDI, RLM = "\u2066", "\u2069", "\u200f"
# Characters that would break formatting or direction if a user's text is echoed back.
# Persian's zero-width non-joiner (U+200C) and emoji joiners (U+200D) are kept: they are text.
CONTROL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _isolate(text: str) -> str:
    return LTR_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


def _plain(text: str, rtl: bool) -> str:
    return html.escape(_isolate(text) if rtl else text, quote=False)


def anchor(label: str, url: str, lang: str) -> str:
    """An HTML link whose label reads correctly in `lang`."""
    return f'<a href="{html.escape(url, quote=True)}">{_plain(label, lang in RTL_LANGUAGES)}</a>'


def render(text: str, lang: str) -> str:
    """Render content text (plain text with [label](url) links) as Telegram HTML."""
    rtl = lang in RTL_LANGUAGES
    out: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        out.append(_plain(text[position : match.start()], rtl))
        out.append(anchor(match.group(1), match.group(2), lang))
        position = match.end()
    out.append(_plain(text[position:], rtl))
    rendered = "".join(out)
    if rtl:
        # Each line starts right-to-left even when it opens with a German term or a number.
        rendered = "\n".join(RLM + line if line else line for line in rendered.split("\n"))
    return rendered


def clean_user_text(text: str) -> str:
    """Drop control, zero-width and direction characters from user text before it is processed."""
    return CONTROL.sub("", text).strip()
