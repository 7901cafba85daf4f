"""Regional offices for the user's city, from the directory in content/directory/."""

from __future__ import annotations

from bot.directory import Directory
from bot.features.context import Context
from bot.render import anchor, render
from bot.types import Button

# Topics whose answer names the offices of the user's city (asking for the city if unknown).
CITY_TOPICS = frozenset({"counselling.offices", "language.find_course"})


def city_buttons(directory: Directory, topic_id: str) -> list[tuple[Button, ...]]:
    """The 12 cities, three a row; pressing one answers `topic_id` for that city."""
    buttons = [Button(city, f"c:{city}:{topic_id}") for city in directory.cities]
    return [tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3)]


def render_offices(ctx: Context, directory: Directory, city: str, topic_id: str) -> str:
    """One block per office: kind, name (linked where a verified URL exists), phone, caveat."""
    lines = [render(ctx._("directory.offices_for", city=city), ctx.lang)]
    for office in directory.for_city(city, topic_id):
        name = anchor(office.name, office.url, ctx.lang) if office.url else render(
            office.name, ctx.lang)
        line = f"• {render(directory.kind_label(office.kind, ctx.lang), ctx.lang)}: {name}"
        if office.address:
            line += f"\n  {render(office.address, ctx.lang)}"
        if office.phone:
            line += f"\n  ☎ {render(office.phone, ctx.lang)}"
        caveat = office.caveat.get(ctx.lang) or office.caveat.get("de")
        if caveat:
            line += f"\n  {render(caveat, ctx.lang)}"
        lines.append(line)
    return "\n".join(lines)
