"""Users' control over their data: /delete erases everything stored about them."""

from __future__ import annotations

import json
from dataclasses import asdict

from bot.features import answers, handover
from bot.features.context import Context
from bot.handover.desk import Desk
from bot.render import render
from bot.types import Button, Reply


async def acknowledge(ctx: Context) -> Reply:
    """The user tapped OK under the privacy notice: remember it, show the topics."""
    await ctx.store.update_profile(ctx.turn.user, privacy_ok="1")
    return handover.ask_age(ctx)


def confirm_delete(ctx: Context) -> Reply:
    """Ask before erasing: one tap too many is better than a lost language choice by accident."""
    return Reply(text=render(ctx._("delete.confirm"), ctx.lang), lang=ctx.lang,
                 topic="meta.privacy",
                 buttons=((Button(ctx._("button.delete_confirm"), "del:yes"),
                           Button(ctx._("button.cancel"), "del:no")),))


async def export(ctx: Context, desk: Desk | None = None) -> Reply:
    """Everything stored about the user, as a JSON file (GDPR right of access)."""
    profile = await ctx.store.profile(ctx.turn.user)
    session = await ctx.store.session(ctx.turn.user)
    data = {
        "profile": {k: v for k, v in asdict(profile).items() if v is not None},
        "conversation": {"misunderstood_in_a_row": session.misses,
                         "last_answer_language": session.last_lang},
        "recent_topics": list(session.topics),
        "recent_messages": await ctx.store.recent_messages(ctx.turn.user),
        "conversations_with_people": await desk.export(ctx.turn.user) if desk else [],
        "exported_on": ctx.today.isoformat(),
    }
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return Reply(text=render(ctx._("mydata.caption"), ctx.lang), lang=ctx.lang,
                 topic="meta.privacy", document=("lotse-my-data.json", content))


async def delete(ctx: Context, confirmed: bool, desk: Desk | None = None) -> Reply:
    if not confirmed:
        return Reply(text=render(ctx._("delete.cancelled"), ctx.lang), lang=ctx.lang,
                     topic="meta.privacy", buttons=answers.menu_buttons(ctx))
    if desk is not None:
        await desk.erase_user(ctx.turn.user)  # closes an open case, anonymises all cases
    await ctx.store.erase_user(ctx.turn.user)
    return Reply(text=render(ctx._("delete.done"), ctx.lang), lang=ctx.lang,
                 topic="meta.privacy")
