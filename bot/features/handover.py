"""Asking for a person: at most two quick questions, then a case with a person in Telegram.

While a case is open, what the user sends goes to the case (never to the NLU); `/end` or the
button closes it. Without configured staff groups (console, a fresh install) the bot says so and
names the offices instead.
"""

from __future__ import annotations

from dataclasses import replace

import structlog

from bot.features import answers, offices
from bot.features.context import Context
from bot.handover.cases import Case
from bot.handover.desk import Desk
from bot.handover.staff import Role
from bot.render import clean_user_text, render
from bot.safety import CRISIS_TOPIC
from bot.types import Button, Kind, Reply

log = structlog.get_logger(__name__)

ROLE_OF_TOPIC = {"handover.human": Role.COUNSELLOR, "handover.peer": Role.PEER}
OTHER = "-"
# Topics worth naming on a case card (not small talk, not the request for a person itself).
NOT_CASE_TOPICS = frozenset({"handover.human", "handover.peer", "meta.greet", "meta.goodbye",
                             "meta.thanks", "meta.help", "meta.language", "meta.bot_challenge",
                             "out_of_scope"})
AGE_GROUPS = ("u16", "16_17", "18_26", "parent")


def case_topics(topics: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in topics if t not in NOT_CASE_TOPICS)[-3:]


def unavailable(ctx: Context, topic: str = "handover.human") -> Reply:
    """No staff groups configured: say so honestly and show the offices instead."""
    text = render(ctx._("handover.unavailable"), ctx.lang)
    rows: list[tuple[Button, ...]] = []
    directory = ctx.content.directory
    if directory is not None:
        if ctx.profile.city:
            text += "\n\n" + offices.render_offices(ctx, directory, ctx.profile.city,
                                                    "counselling.offices")
        else:
            rows.extend(offices.city_buttons(directory, "counselling.offices"))
    rows.append((Button(ctx._("button.menu"), "m"),))
    return Reply(text=text, lang=ctx.lang, topic=topic, buttons=tuple(rows),
                 handover=True, actions=("handover.unavailable",))


def _blocked(ctx: Context) -> Reply:
    return Reply(text=render(ctx._("handover.blocked"), ctx.lang), lang=ctx.lang,
                 topic="handover.blocked", buttons=answers.menu_buttons(ctx))


async def begin(ctx: Context, desk: Desk | None, role: Role) -> Reply:
    """The user asked for a person (topic, button or after misunderstandings)."""
    if desk is None:
        return unavailable(ctx, "handover.peer" if role is Role.PEER else "handover.human")
    user = ctx.turn.user
    if await desk.cases.is_blocked(user):
        return _blocked(ctx)
    case = await desk.cases.active_for(user)
    if case is not None:
        return await _opened(ctx, desk, case, ctx._("handover.already_open"))
    last = await desk.cases.reopenable_for(user)
    if last is not None:
        case = await desk.reopen(last, chat=ctx.turn.chat, lang=ctx.lang)
        return await _opened(ctx, desk, case, ctx._("handover.reopened"))
    await ctx.store.update_session(user, ho_role=role.value, ho_about="")
    if not case_topics(ctx.session.topics):
        reply = _ask_about(ctx)
    elif not ctx.profile.city:
        reply = _ask_city(ctx)
    else:
        reply = await _open(ctx, desk, role, about="")
    return _with_intro(ctx, reply, "handover.peer" if role is Role.PEER else "handover.human")


def _with_intro(ctx: Context, reply: Reply, topic_id: str) -> Reply:
    """Who answers and how (from content/topics/handover.*) above the first question."""
    topic = ctx.content.topic(topic_id)
    if topic is None:
        return reply
    text, text_lang = topic.text(ctx.lang, ctx.profile.audience)
    return replace(reply, text=render(text.strip(), text_lang) + "\n\n" + reply.text)


def _ask_about(ctx: Context) -> Reply:
    buttons = [answers.topic_button(ctx, t) for t in ctx.content.menu]
    found = [Button(b.label, f"ho:a:{b.data[2:]}") for b in buttons if b]
    rows = [tuple(found[i : i + 2]) for i in range(0, len(found), 2)]
    rows.append((Button(ctx._("handover.about_other"), f"ho:a:{OTHER}"),
                 Button(ctx._("button.cancel"), "ho:x")))
    return Reply(text=render(ctx._("handover.ask_about"), ctx.lang), lang=ctx.lang,
                 topic="handover.ask", buttons=tuple(rows), handover=True)


def _ask_city(ctx: Context) -> Reply:
    rows: list[tuple[Button, ...]] = []
    if ctx.content.directory is not None:
        cities = [Button(c, f"ho:c:{c}") for c in ctx.content.directory.cities]
        rows = [tuple(cities[i : i + 3]) for i in range(0, len(cities), 3)]
    rows.append((Button(ctx._("handover.city_other"), f"ho:c:{OTHER}"),
                 Button(ctx._("button.cancel"), "ho:x")))
    return Reply(text=render(ctx._("handover.ask_city"), ctx.lang), lang=ctx.lang,
                 topic="handover.ask", buttons=tuple(rows), handover=True)


async def _open(ctx: Context, desk: Desk, role: Role, about: str, *, urgent: bool = False,
                topics: tuple[str, ...] = ()) -> Reply:
    profile = ctx.profile
    chosen = () if about in ("", OTHER) else (about,)
    case = await desk.open_case(
        user=ctx.turn.user, chat=ctx.turn.chat, lang=ctx.lang, wanted=role,
        audience=profile.audience or "", age=profile.age or "", city=profile.city or "",
        topics=topics or case_topics((*ctx.session.topics, *chosen)), urgent=urgent)
    await ctx.store.update_session(ctx.turn.user, ho_role="", ho_about="")
    if case is None:
        reply = unavailable(ctx)
        return replace(reply, text=render(ctx._("handover.failed"), ctx.lang) + "\n\n"
                       + reply.text)
    return await _opened(ctx, desk, case)


async def _opened(ctx: Context, desk: Desk, case: Case, intro: str = "") -> Reply:
    text = await desk.status_text(case)
    if intro:
        text = render(intro, case.lang) + "\n\n" + text
    return Reply(text=text, lang=case.lang, topic="handover.open", buttons=desk.case_buttons(case),
                 handover=True, actions=("handover.urgent" if case.urgent else "handover.opened",))


async def urgent(ctx: Context, desk: Desk | None, helplines: Reply) -> Reply:
    """After a crisis message outside a case: helplines at once, plus an urgent case."""
    if desk is None or await desk.cases.is_blocked(ctx.turn.user):
        return helplines
    case = await desk.cases.active_for(ctx.turn.user)
    if case is None:
        case = await desk.open_case(
            user=ctx.turn.user, chat=ctx.turn.chat, lang=ctx.lang, wanted=Role.COUNSELLOR,
            audience=ctx.profile.audience or "", age=ctx.profile.age or "",
            city=ctx.profile.city or "", topics=(CRISIS_TOPIC,), urgent=True)
    if case is None:
        return helplines
    status = await desk.status_text(case)
    return replace(helplines, text=helplines.text + "\n\n" + status,
                   buttons=desk.case_buttons(case))


async def button(ctx: Context, desk: Desk | None, data: str) -> Reply:
    """The handover buttons: ho:a:<topic>, ho:c:<city>, ho:x, ho:end, ho:share, r:<case>:<n>."""
    kind, _, rest = data.partition(":")
    if kind == "r":
        number, _, stars = rest.partition(":")
        if desk is not None and number.isdigit() and stars.isdigit() and await desk.rate(
                ctx.turn.user, int(number), int(stars)):
            return Reply(text=render(ctx._("handover.rated"), ctx.lang), lang=ctx.lang,
                         topic="handover.rated", buttons=((Button(ctx._("button.menu"), "m"),),))
        return answers.menu(ctx)
    action, _, value = rest.partition(":")
    if desk is None:
        return unavailable(ctx)
    if action in {"end", "share"}:
        case = await desk.cases.active_for(ctx.turn.user)
        if case is None:
            return answers.menu(ctx)
        return await in_case(ctx, desk, case, button=action)
    if action == "x":
        await ctx.store.update_session(ctx.turn.user, ho_role="", ho_about="")
        return answers.menu(ctx)
    role = Role(ctx.session.ho_role) if ctx.session.ho_role in {"counsellor", "peer"} else None
    if role is None:  # an old button from a finished request: start again
        return await begin(ctx, desk, Role.COUNSELLOR)
    if action == "a":
        about = value if value == OTHER or ctx.content.topic(value) else OTHER
        await ctx.store.update_session(ctx.turn.user, ho_about=about)
        if not ctx.profile.city:
            return _ask_city(ctx)
        return await _open(ctx, desk, role, about=about)
    if action == "c":
        city = ctx.content.directory.canonical_city(value) if ctx.content.directory else None
        if city:
            await ctx.store.update_profile(ctx.turn.user, city=city)
            ctx = replace(ctx, profile=replace(ctx.profile, city=city))
        return await _open(ctx, desk, role, about=ctx.session.ho_about or "")
    return answers.menu(ctx)


async def in_case(ctx: Context, desk: Desk, case: Case, *, button: str = "") -> Reply | None:
    """A turn while the user's case is open; None when the bot should answer as usual."""
    turn = ctx.turn
    if button == "end" or (turn.kind is Kind.COMMAND and turn.command == "end"):
        await desk.close(case, reason="user")
        return Reply(text="", lang=ctx.lang, topic="handover.closed", silent=True)
    if button == "share":
        shared = await desk.share_contact(case)
        key = "handover.shared" if shared else "handover.not_delivered"
        return Reply(text=render(ctx._(key), ctx.lang), lang=ctx.lang, topic="handover.open")
    if turn.kind not in (Kind.TEXT, Kind.OTHER):
        return None
    reply = Reply(text="", lang=ctx.lang, topic="handover.relayed", silent=True)
    if turn.kind is Kind.TEXT and ctx.content.crisis.match(clean_user_text(turn.text)):
        case = await desk.escalate(case)
        reply = replace(answers.topic_reply(ctx, CRISIS_TOPIC), buttons=desk.case_buttons(case),
                        actions=("handover.urgent",), handover=True)
    if not await desk.relay_from_user(case, turn):
        return Reply(text=render(ctx._("handover.not_delivered"), ctx.lang), lang=ctx.lang,
                     topic="handover.open", buttons=desk.case_buttons(case))
    return reply


def ask_age(ctx: Context) -> Reply:
    """Optional age group after the privacy OK: for routing and wording; skippable."""
    texts = (ctx._("age.u16"), ctx._("age.16_17"), ctx._("age.18_26"), ctx._("age.parent"))
    labels = [Button(text, f"ag:{a}") for text, a in zip(texts, AGE_GROUPS, strict=True)]
    rows = (tuple(labels[:2]), tuple(labels[2:]), (Button(ctx._("age.skip"), "ag:-"),))
    return Reply(text=render(ctx._("age.ask"), ctx.lang), lang=ctx.lang,
                 topic="meta.privacy", buttons=rows)


async def choose_age(ctx: Context, value: str) -> Reply:
    if value in AGE_GROUPS:
        await ctx.store.update_profile(ctx.turn.user, age=value,
                                       audience="parent" if value == "parent" else "young")
    return Reply(text=render(ctx._("age.thanks"), ctx.lang), lang=ctx.lang, topic="menu",
                 buttons=answers.menu_buttons(ctx))
