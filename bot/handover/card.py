"""What staff see, in German: forum topic names, the case card and its buttons."""

from __future__ import annotations

import datetime as dt
import html

from babel import Locale

from bot.content import Content
from bot.handover.cases import Case
from bot.handover.hours import BERLIN
from bot.handover.staff import Role, StaffMember
from bot.i18n import staff_text as t
from bot.types import Button

TOPIC_NAME_LIMIT = 128  # Telegram's limit for forum topic names
SNIPPET_CHARS = 300


def language_name(lang: str) -> str:
    if lang == "de-simple":
        return t("staff.lang_plain_german")
    return Locale.parse(lang).get_display_name("de") or lang


def topic_titles(case: Case, content: Content) -> list[str]:
    titles = []
    for topic_id in case.topics:
        topic = content.topic(topic_id)
        titles.append(topic.title("de") if topic else topic_id)
    return titles


def topic_name(case: Case, content: Content) -> str:
    """E.g. "#123 · TR · Ausbildung: Dauer · Gelsenkirchen"."""
    parts = [f"#{case.id}", case.lang.split("-")[0].upper()]
    if case.urgent:
        parts.insert(1, "🔴")
    titles = topic_titles(case, content)
    parts.append(titles[0] if titles else t("staff.topic_general"))
    if case.city:
        parts.append(case.city)
    return " · ".join(parts)[:TOPIC_NAME_LIMIT]


def when(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, BERLIN).strftime("%d.%m.%Y, %H:%M")


def mention(member: StaffMember) -> str:
    return f'<a href="tg://user?id={member.id}">{html.escape(member.name)}</a>'


def card(case: Case, content: Content, recent: list[str], first: list[StaffMember],
         speakers_found: bool, note: str = "") -> str:
    """The case card that opens every case topic."""
    e = html.escape
    lines = [t("staff.card_title_urgent" if case.urgent else "staff.card_title", id=case.id)]
    if note:
        lines.append(e(note))
    lines.append(t("staff.card_language", language=e(language_name(case.lang))))
    audience = t(f"staff.audience_{case.audience}") if case.audience else t("staff.unknown")
    lines.append(t("staff.card_audience", audience=audience))
    if case.age:
        lines.append(t("staff.card_age", age=t(f"staff.age_{case.age}")))
    lines.append(t("staff.card_city", city=e(case.city) if case.city else t("staff.unknown")))
    titles = topic_titles(case, content)
    lines.append(t("staff.card_topics", topics=e(", ".join(titles)) if titles
                   else t("staff.unknown")))
    lines.append(t("staff.card_waiting_since", since=when(case.opened_at)))
    lines.append(t("staff.card_role_counsellor" if case.role is Role.COUNSELLOR
                   else "staff.card_role_peer"))
    if first:
        key = "staff.card_first" if speakers_found else "staff.card_nobody_speaks"
        lines.append(t(key, people=", ".join(mention(m) for m in first)))
    if recent:
        lines.append("")
        lines.append(t("staff.card_recent"))
        lines.extend(f"» {e(text[:SNIPPET_CHARS])}" for text in recent)
    lines.append("")
    lines.append(t("staff.card_howto"))
    return "\n".join(lines)


def card_buttons(case: Case, peers_available: bool) -> tuple[tuple[Button, ...], ...]:
    rows = [(Button(t("staff.button_take"), f"s:take:{case.id}"),
             Button(t("staff.button_release"), f"s:rel:{case.id}"))]
    if case.role is Role.PEER:
        rows.append((Button(t("staff.button_to_counsellor"), f"s:toc:{case.id}"),))
    elif peers_available and case.for_peers:
        rows.append((Button(t("staff.button_to_peer"), f"s:top:{case.id}"),))
    rows.append((Button(t("staff.button_close"), f"s:close:{case.id}"),
                 Button(t("staff.button_block"), f"s:block:{case.id}")))
    return tuple(rows)
