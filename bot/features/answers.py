"""Answers from content/, the topic menu, and what to say when the bot did not understand."""

from __future__ import annotations

from bot.content import Topic
from bot.features import offices
from bot.features.context import Context
from bot.nlu import Parse
from bot.render import anchor, render
from bot.types import Button, Reply

MAX_SOURCES = 3
OCCUPATION_TOPIC = "careers.occupation"
HANDOVER_TOPICS = frozenset({"handover.human", "handover.peer"})
PERSON_TOPIC = "handover.human"
# Topics never offered as "did you mean": they are not questions.
NOT_SUGGESTED = frozenset({"out_of_scope", "meta.greet", "meta.goodbye", "meta.thanks"})


def topic_button(ctx: Context, topic_id: str) -> Button | None:
    topic = ctx.content.topic(topic_id)
    return Button(topic.title(ctx.lang), f"t:{topic_id}") if topic else None


def person_button(ctx: Context) -> Button:
    return Button(ctx._("button.talk_to_person"), f"t:{PERSON_TOPIC}")


def menu_buttons(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    """The topic menu, two buttons a row, then the person and the language buttons."""
    buttons = [b for b in (topic_button(ctx, t) for t in ctx.content.menu) if b]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append((person_button(ctx), Button(ctx._("button.language"), "lp")))
    return tuple(rows)


def _footer(ctx: Context, topic: Topic) -> str:
    if not topic.sources and topic.checked_on is None:
        return ""
    lines = []
    if topic.sources:
        # The first sources are the main ones; a phone screen has room for three.
        links = " · ".join(anchor(s.title, s.url, ctx.lang) for s in topic.sources[:MAX_SOURCES])
        label = ctx._("answer.sources")
        lines.append(f"📚 {render(label, ctx.lang)} {links}")
    if topic.checked_on:
        lines.append(render(ctx._("answer.checked_on", date=ctx._.date(topic.checked_on)),
                            ctx.lang))
    return "\n\n" + "\n".join(lines)


def topic_reply(ctx: Context, topic_id: str, city: str | None = None,
                occupation: str | None = None) -> Reply:
    """The curated answer of one topic in the user's language, with sources and follow-ups.

    For `careers.occupation` with a known occupation, the occupation's profile is the answer.
    """
    topic = ctx.content.topic(topic_id)
    if topic is None:
        return menu(ctx)
    if topic_id == OCCUPATION_TOPIC and occupation in ctx.content.occupations:
        topic = ctx.content.occupations[occupation].profile
    audience = ctx.profile.audience
    text, text_lang = topic.text(ctx.lang, audience)
    body = render(text, text_lang)
    rows: list[tuple[Button, ...]] = []
    if topic_id in offices.CITY_TOPICS and ctx.content.directory is not None:
        city = city or ctx.profile.city
        if city:
            body += "\n\n" + offices.render_offices(ctx, ctx.content.directory, city, topic_id)
        else:
            body += "\n\n" + render(ctx._("directory.which_city"), ctx.lang)
            rows.extend(offices.city_buttons(ctx.content.directory, topic_id))
    if topic.offer_person and topic_id not in HANDOVER_TOPICS:
        body += "\n\n" + render(ctx._("answer.person_hint"), ctx.lang)
    if topic.kind == "answer":
        body += _footer(ctx, topic)
    for related in topic.related[:3]:
        button = topic_button(ctx, related)
        if button:
            rows.append((button,))
    handover = topic_id in HANDOVER_TOPICS
    if handover:
        rows.append((Button(ctx._("button.menu"), "m"),))
    else:
        rows.append((person_button(ctx), Button(ctx._("button.menu"), "m")))
    return Reply(text=body, lang=text_lang, topic=topic_id, buttons=tuple(rows),
                 handover=handover, actions=("handover.request",) if handover else ())


def menu(ctx: Context) -> Reply:
    return Reply(text=render(ctx._("menu.intro"), ctx.lang), lang=ctx.lang, topic="menu",
                 buttons=menu_buttons(ctx))


def fallback(ctx: Context, parse: Parse, *, misses: int, out_of_scope: bool) -> Reply:
    """Did not understand: suggest the likeliest topics, or the menu; offer a person."""
    suggestions = [
        name for name, score in parse.ranking
        if name not in NOT_SUGGESTED and ctx.content.topic(name) and score >= 0.1
    ][:3]
    if out_of_scope:
        text = ctx._("fallback.out_of_scope")
        rows = menu_buttons(ctx)
    elif suggestions:
        text = ctx._("fallback.did_you_mean")
        rows = tuple((b,) for b in (topic_button(ctx, s) for s in suggestions) if b) + (
            (person_button(ctx), Button(ctx._("button.menu"), "m")),
        )
    else:
        text = ctx._("fallback.not_understood")
        rows = menu_buttons(ctx)
    if misses >= 2:
        # Second miss in a row: a person is the better help now; offer them first.
        text += "\n\n" + ctx._("fallback.offer_person")
        rows = ((person_button(ctx),),) + tuple(
            row for row in rows if all(b.data != f"t:{PERSON_TOPIC}" for b in row)
        )
    return Reply(text=render(text, ctx.lang), lang=ctx.lang, topic="fallback", buttons=rows)


def not_text(ctx: Context) -> Reply:
    """Stickers, photos, voice notes ...: a kind hint, never an empty message."""
    return Reply(text=render(ctx._("input.not_text"), ctx.lang), lang=ctx.lang, topic="fallback",
                 buttons=menu_buttons(ctx))


def too_long(ctx: Context, limit: int) -> Reply:
    return Reply(text=render(ctx._("input.too_long", limit=limit), ctx.lang), lang=ctx.lang,
                 topic="fallback", buttons=((person_button(ctx),),))


def unknown_command(ctx: Context) -> Reply:
    return Reply(text=render(ctx._("command.unknown"), ctx.lang), lang=ctx.lang, topic="menu",
                 buttons=menu_buttons(ctx))
