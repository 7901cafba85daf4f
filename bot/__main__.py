"""Command line: run, chat, ask, content check|status, nlu evaluate."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot import i18n
from bot.logs import configure
from bot.settings import Settings, SettingsError, load_settings


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Lotse chatbot")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run on Telegram (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of polling")
    chat = sub.add_parser("chat", help="chat in the console through the same core")
    chat.add_argument("--lang", choices=i18n.TELEGRAM_LANGUAGES, help="client language")
    ask = sub.add_parser("ask", help="answer questions (TEXT, or one per line on stdin)")
    ask.add_argument("--lang", choices=i18n.LANGUAGES, help="answer in this language")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("text", nargs="*", help="the question; without it, stdin is read")
    content = sub.add_parser("content", help="check the content or show translation status")
    content_sub = content.add_subparsers(dest="action", required=True)
    content_sub.add_parser("check", help="schema, languages, length, sources, age")
    status = content_sub.add_parser("status", help="coverage per language, what awaits review")
    status.add_argument("--lang", choices=i18n.LANGUAGES)
    nlu = sub.add_parser("nlu", help="measure understanding")
    nlu_sub = nlu.add_subparsers(dest="action", required=True)
    evaluate = nlu_sub.add_parser(
        "evaluate", help="accuracy, language ID and latency on held-out data")
    evaluate.add_argument("--data", type=Path, action="append",
                          help="Rasa NLU YAML or JSON(L) of {text, intent, lang}; repeatable "
                               "(default: nlu/tests/heldout_*.yml)")
    nlu_sub.add_parser("lookups", help="write nlu/data/lookups/occupation.yml from content/")
    safety = sub.add_parser("safety", help="measure crisis detection")
    safety_sub = safety.add_subparsers(dest="action", required=True)
    safety_sub.add_parser("benchmark", help="crisis recall and false alarms per language")
    return p


async def _with_services(settings: Settings, memory_store: bool, action) -> None:  # type: ignore[no-untyped-def]
    from bot.app import open_services

    services = await open_services(settings, memory_store=memory_store)
    try:
        await action(services)
    finally:
        await services.close()


async def _redis_reachable(settings: Settings) -> bool:
    from bot.store import RedisStore, StoreUnavailable

    store = RedisStore(settings.redis_url, settings.profile_ttl_days)
    try:
        await store.ping()
        return True
    except StoreUnavailable:
        return False
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "run":
            configure(settings.log_level)
            from bot.adapters import telegram

            telegram.run(settings, webhook=args.webhook)
            return 0
        configure("WARNING" if settings.log_level in ("DEBUG", "INFO") else settings.log_level)
        if args.command == "chat":
            from bot.adapters.console import chat

            memory = not asyncio.run(_redis_reachable(settings))
            if memory:
                print(f"(Redis not reachable at {settings.redis_url}: this chat is not saved)",
                      file=sys.stderr)
            asyncio.run(_with_services(settings, memory, lambda s: chat(s, client_lang=args.lang)))
            return 0
        if args.command == "ask":
            from bot.adapters.console import ask

            questions = [" ".join(args.text)] if args.text else sys.stdin
            asyncio.run(_with_services(
                settings, True, lambda s: ask(s, questions, args.lang, args.json)))
            return 0
        if args.command == "content":
            from bot import content_check

            if args.action == "check":
                return content_check.check(settings.content_dir)
            return content_check.status(settings.content_dir, args.lang)
        if args.command == "nlu":
            from bot import nlu_eval
            from bot.settings import ROOT

            if args.action == "lookups":
                from bot.content import load_content
                from bot.nlu_data import lookup_path, occupation_lookup

                lookup_path(ROOT).write_text(
                    occupation_lookup(load_content(settings.content_dir)), encoding="utf-8")
                print(f"wrote {lookup_path(ROOT)}")
                return 0
            files = args.data or nlu_eval.default_files(ROOT)
            return nlu_eval.evaluate(settings.rasa_url, files, settings.nlu_threshold,
                                     settings.nlu_margin)
        if args.command == "safety":
            from bot import safety_bench
            from bot.core import CoreConfig
            from bot.settings import ROOT

            return safety_bench.run(ROOT, settings.rasa_url, CoreConfig().crisis_threshold)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
