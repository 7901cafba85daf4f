"""Greeting on /start, the language picker and the stored language choice."""

from __future__ import annotations

from dataclasses import replace

from bot import i18n
from bot.features import answers
from bot.features.context import Context
from bot.render import render
from bot.types import Button, Reply


def picker_buttons() -> tuple[tuple[Button, ...], ...]:
    """Every language by its own name (from Babel), two a row."""
    buttons = [Button(i18n.language_name(code), f"l:{code}") for code in i18n.LANGUAGES]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


def picker(ctx: Context) -> Reply:
    return Reply(text=render(ctx._("language.choose"), ctx.lang), lang=ctx.lang,
                 topic="meta.language", buttons=picker_buttons())


async def start(ctx: Context, client: str | None) -> Reply:
    """Greet in the stored or client language; unknown client language: German plus the picker.

    On first contact the greeting carries the short privacy notice and its OK button.
    """
    lang = ctx.profile.lang or client
    if lang is None:
        ctx = replace(ctx, lang=i18n.DEFAULT_LANGUAGE)
        greeting = answers.topic_reply(ctx, "meta.greet")
        reply = replace(greeting, buttons=picker_buttons(),
                        text=greeting.text + "\n\n" + render(ctx._("language.choose"), ctx.lang))
    else:
        if ctx.profile.lang is None:
            await ctx.store.update_profile(ctx.turn.user, lang=lang)
        ctx = replace(ctx, lang=lang)
        greeting = answers.topic_reply(ctx, "meta.greet")
        reply = replace(greeting, buttons=answers.menu_buttons(ctx))
    if ctx.profile.privacy_ok:
        return reply
    return replace(reply, text=reply.text + "\n\n" + render(ctx._("privacy.notice"), ctx.lang),
                   buttons=((Button(ctx._("button.ok"), "pv:ok"),), *reply.buttons))


async def choose(ctx: Context, lang: str) -> Reply:
    """Store the chosen language (it survives restarts) and confirm in it."""
    await ctx.store.update_profile(ctx.turn.user, lang=lang)
    await ctx.store.update_session(ctx.turn.user, misses=0, last_lang=lang)
    ctx = replace(ctx, lang=lang)
    return Reply(text=render(ctx._("language.chosen", language=i18n.language_name(lang)), lang),
                 lang=lang, topic="meta.language", buttons=answers.menu_buttons(ctx))
