"""Telegram channel: python-telegram-bot handlers that turn updates into Turns and Replies back."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import structlog
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import i18n
from bot.app import Services, open_services
from bot.settings import Settings
from bot.store import StoreUnavailable
from bot.types import Kind, Reply, Turn

log = structlog.get_logger(__name__)

NON_TEXT_TYPES = (
    "sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
    "location", "venue", "contact", "poll", "dice", "game", "story",
)


def pseudonym(secret: str, telegram_id: int) -> str:
    """A keyed hash of a Telegram id: stable per user, useless without the key."""
    return hmac.new(secret.encode(), str(telegram_id).encode(), hashlib.sha256).hexdigest()[:20]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
         for row in reply.buttons]
    )


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]  # type: ignore[no-any-return]


def to_turn(update: Update, secret: str) -> Turn | None:
    """Translate an update from a private chat into a Turn; None for what the bot ignores."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return None
    who = pseudonym(secret, user.id)
    lang = user.language_code
    if update.callback_query is not None:
        return Turn(user=who, kind=Kind.BUTTON, button=update.callback_query.data or "",
                    client_lang=lang)
    message = update.message or update.edited_message
    if message is None:
        return None
    if message.text:
        text = message.text
        if text.startswith("/"):
            command = text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(text) > 1 else ""
            return Turn(user=who, kind=Kind.COMMAND, command=command, client_lang=lang)
        return Turn(user=who, kind=Kind.TEXT, text=text, client_lang=lang)
    content_type = next((t for t in NON_TEXT_TYPES if getattr(message, t, None)), "other")
    return Turn(user=who, kind=Kind.OTHER, content_type=content_type, client_lang=lang)


async def handle_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update goes through here: deduplicate, build a Turn, ask the core, send the Reply."""
    services = _services(context)
    turn = to_turn(update, services.settings.secret_for_pseudonyms)
    if turn is None:
        return
    try:
        if not await services.store.first_delivery(update.update_id):
            log.info("duplicate_update_dropped", update_id=update.update_id)
            return
    except StoreUnavailable:
        pass  # dedup is best effort; the core answers the store outage with an apology
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError as exc:
            log.warning("callback_answer_failed", error=type(exc).__name__)
    reply = await services.core.handle(turn)
    log.info("turn_answered", user=turn.user, kind=turn.kind.value, topic=reply.topic,
             lang=reply.lang, confidence=reply.confidence)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    await send(context, chat_id, reply)


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Send a reply; Telegram errors are logged, never fatal (429s are retried by the limiter)."""
    if reply.silent:
        return
    if not reply.text.strip():
        log.error("empty_reply_suppressed", topic=reply.topic)
        return
    if reply.document is not None:
        await send_document(context, chat_id, reply)
        return
    try:
        await context.bot.send_message(
            chat_id=chat_id,
            text=reply.text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    except Forbidden:
        log.info("user_blocked_bot")
    except RetryAfter as exc:
        log.warning("rate_limited_gave_up", retry_after=str(exc.retry_after))
    except NetworkError as exc:
        log.warning("send_network_error", error=type(exc).__name__)
    except TelegramError as exc:
        log.error("send_failed", error=type(exc).__name__, message=exc.message)


async def send_document(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Upload a file (never by URL) with the reply text as its caption."""
    name, content = reply.document  # type: ignore[misc]
    try:
        await context.bot.send_document(
            chat_id=chat_id, document=InputFile(content, filename=name), caption=reply.text,
            parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.error("send_document_failed", error=type(exc).__name__)


async def log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Last line of defence: log the error class only (never update contents)."""
    log.error("handler_error", error=type(context.error).__name__)


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    settings: Settings = application.bot_data["settings"]
    services = await open_services(settings)
    application.bot_data["services"] = services
    await set_commands(application)
    log.info("bot_started", webhook=bool(application.bot_data.get("webhook")))


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    services: Services | None = application.bot_data.get("services")
    if services is not None:
        await services.close()


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command menu in each client language; German for all others."""
    for lang in (None, *i18n.TELEGRAM_LANGUAGES):
        s = i18n.strings(lang or i18n.DEFAULT_LANGUAGE)
        commands = [
            BotCommand("start", s("commands.start")),
            BotCommand("help", s("commands.help")),
            BotCommand("language", s("commands.language")),
            BotCommand("menu", s("commands.menu")),
            BotCommand("privacy", s("commands.privacy")),
            BotCommand("mydata", s("commands.mydata")),
            BotCommand("delete", s("commands.delete")),
        ]
        try:
            await application.bot.set_my_commands(commands, language_code=lang)
        except TelegramError as exc:
            log.warning("set_commands_failed", lang=lang, error=type(exc).__name__)


def build_application(settings: Settings, webhook: bool = False) -> Application:  # type: ignore[type-arg]
    """Compose the Telegram application: rate limiter, lifecycle hooks, one handler for all."""
    settings.require("telegram_bot_token")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token or "")
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_api_url.removesuffix("/bot") + "/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(True)
    )
    application = builder.build()
    application.bot_data["settings"] = settings
    application.bot_data["webhook"] = webhook
    application.add_handler(CallbackQueryHandler(handle_update))
    application.add_handler(MessageHandler(filters.ALL, handle_update))
    application.add_error_handler(log_error)
    return application


def run(settings: Settings, webhook: bool) -> None:
    settings.require("telegram_bot_token")
    if webhook:
        settings.require("webhook_url", "webhook_secret")
    application = build_application(settings, webhook=webhook)
    if webhook:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=f"{settings.webhook_url}/telegram",
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
