"""Telegram channel: python-telegram-bot handlers that turn updates into Turns and Replies back."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import html
from collections import deque
from typing import Any

import structlog
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import i18n
from bot.app import Services, open_services
from bot.handover.messenger import RecipientBlocked, Rows
from bot.handover.staff import StaffFileError, load_staff_file
from bot.settings import Settings, SettingsError
from bot.store import StoreUnavailable
from bot.types import Kind, Reply, StaffTurn, Turn

log = structlog.get_logger(__name__)

NON_TEXT_TYPES = (
    "sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
    "location", "venue", "contact", "poll", "dice", "game", "story",
)


def pseudonym(secret: str, telegram_id: int) -> str:
    """A keyed hash of a Telegram id: stable per user, useless without the key."""
    return hmac.new(secret.encode(), str(telegram_id).encode(), hashlib.sha256).hexdigest()[:20]


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


class TelegramMessenger:
    """Handover's view of Telegram: send, copy, forum topics. Errors are logged, never raised,
    except a user who blocked the bot (RecipientBlocked)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _call(self, what: str, coro, chat: int):  # type: ignore[no-untyped-def]
        try:
            return await coro
        except Forbidden as exc:
            if chat > 0:
                raise RecipientBlocked from exc
            log.error("staff_group_forbidden", call=what)
        except TelegramError as exc:
            log.error("handover_call_failed", call=what, error=type(exc).__name__,
                      message=exc.message if isinstance(exc, BadRequest) else "")
        return None

    async def send(self, chat: int, text: str, *, thread: int = 0,
                   buttons: Rows = ()) -> int | None:
        message = await self._call("send", self.bot.send_message(
            chat_id=chat, text=text, parse_mode=ParseMode.HTML, message_thread_id=thread or None,
            reply_markup=keyboard(buttons),
            link_preview_options=LinkPreviewOptions(is_disabled=True)), chat)
        return message.message_id if message else None

    async def copy(self, chat: int, from_chat: int, message_id: int, *, thread: int = 0,
                   caption: str | None = None) -> int | None:
        kwargs: dict[str, Any] = {"caption": caption, "parse_mode": ParseMode.HTML} if (
            caption is not None) else {}
        message = await self._call("copy", self.bot.copy_message(
            chat_id=chat, from_chat_id=from_chat, message_id=message_id,
            message_thread_id=thread or None, **kwargs), chat)
        return message.message_id if message else None

    async def create_topic(self, chat: int, name: str) -> int | None:
        topic = await self._call("create_topic", self.bot.create_forum_topic(chat, name), chat)
        return topic.message_thread_id if topic else None

    async def edit_topic(self, chat: int, thread: int, name: str) -> None:
        await self._call("edit_topic", self.bot.edit_forum_topic(chat, thread, name=name), chat)

    async def close_topic(self, chat: int, thread: int) -> None:
        await self._call("close_topic", self.bot.close_forum_topic(chat, thread), chat)

    async def reopen_topic(self, chat: int, thread: int) -> None:
        await self._call("reopen_topic", self.bot.reopen_forum_topic(chat, thread), chat)

    async def delete_topic(self, chat: int, thread: int) -> None:
        await self._call("delete_topic", self.bot.delete_forum_topic(chat, thread), chat)

    async def contact(self, user_chat: int) -> str | None:
        found = await self._call("contact", self.bot.get_chat(user_chat), 0)
        if found is None:
            return None
        name = html.escape(found.full_name or found.first_name or "…")
        link = f'<a href="tg://user?id={user_chat}">{name}</a>'
        return f"{link} (@{html.escape(found.username)})" if found.username else link


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
                    client_lang=lang, chat=chat.id)
    message = update.message or update.edited_message
    if message is None:
        return None
    where = {"chat": chat.id, "message_id": message.message_id,
             "edited": update.edited_message is not None}
    if message.text:
        text = message.text
        if text.startswith("/"):
            command, _ = _command(text)
            return Turn(user=who, kind=Kind.COMMAND, command=command, client_lang=lang, **where)
        return Turn(user=who, kind=Kind.TEXT, text=text, client_lang=lang, **where)
    content_type = next((t for t in NON_TEXT_TYPES if getattr(message, t, None)), "other")
    return Turn(user=who, kind=Kind.OTHER, content_type=content_type, client_lang=lang, **where)


def _command(text: str) -> tuple[str, str]:
    """("take", "rest") from "/take@lotse_bot rest"."""
    head, _, rest = text[1:].partition(" ")
    return head.split("@")[0].lower(), rest.strip()


# Telegram's stand-in sender for anonymous group admins (they cannot be staff: no name).
ANONYMOUS_ADMIN = 1087968824


def to_staff_turn(update: Update, staff_chats: set[int]) -> StaffTurn | None:
    """An update from one of the staff groups; None for everything else."""
    chat = update.effective_chat
    if chat is None or chat.id not in staff_chats:
        return None
    user = update.effective_user
    actor = user.id if user is not None and not user.is_bot and user.id != ANONYMOUS_ADMIN else 0
    if update.callback_query is not None:
        message = update.callback_query.message
        thread = getattr(message, "message_thread_id", None) or 0
        return StaffTurn(group=chat.id, thread=thread, actor=actor, kind=Kind.BUTTON,
                         button=update.callback_query.data or "")
    message = update.message
    if message is None or getattr(message, "sender_chat", None) is not None:
        return None  # edits are not relayed again; channel posts are not staff
    if message.forum_topic_created or message.forum_topic_closed or message.forum_topic_reopened \
            or message.forum_topic_edited or message.new_chat_members or message.left_chat_member:
        return None
    thread = message.message_thread_id if message.is_topic_message else 0
    base = {"group": chat.id, "thread": thread or 0, "actor": actor,
            "message_id": message.message_id}
    if message.text:
        if message.text.startswith("/"):
            command, args = _command(message.text)
            return StaffTurn(kind=Kind.COMMAND, command=command, args=args, **base)
        return StaffTurn(kind=Kind.TEXT, text=message.text, **base)
    content_type = next((t for t in NON_TEXT_TYPES if getattr(message, t, None)), "other")
    return StaffTurn(kind=Kind.OTHER, content_type=content_type, text=message.caption or "",
                     **base)


async def handle_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update goes through here: deduplicate, build a Turn, ask the core, send the Reply."""
    await process(update, context)


async def process(update: Update, context: ContextTypes.DEFAULT_TYPE,
                  retrying: bool = False) -> None:
    """Handle one update. While Redis is down the update is kept in memory and handled again
    when Redis is back (the user gets one apology), so no message is lost to a Redis restart."""
    services = _services(context)
    if services.desk is not None:
        staff_turn = to_staff_turn(update, _staff_chats(services))
        if staff_turn is not None:
            await handle_staff(update, context, services, staff_turn, retrying)
            return
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
    if RETRY in reply.actions:
        _keep_for_retry(context, update)
        if retrying:
            return  # the user already has the apology
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    if not await send(context, chat_id, reply):
        with contextlib.suppress(StoreUnavailable):
            await services.store.update_profile(turn.user, inactive="1")


RETRY = "retry"
RETRY_KEPT = 1000  # updates kept in memory while Redis is down (oldest dropped beyond that)
RETRY_EVERY = 2.0


def _keep_for_retry(context: ContextTypes.DEFAULT_TYPE, update: Update) -> None:
    pending: deque[Update] = context.application.bot_data.setdefault(
        "retry", deque(maxlen=RETRY_KEPT))
    pending.append(update)
    log.warning("update_kept_for_retry", pending=len(pending))


async def retry_forever(application: Application) -> None:  # type: ignore[type-arg]
    """Handle the updates kept during a Redis outage once Redis answers again."""
    services: Services = application.bot_data["services"]
    while True:
        await asyncio.sleep(RETRY_EVERY)
        pending: deque[Update] | None = application.bot_data.get("retry")
        if not pending:
            continue
        try:
            await services.store.ping()
        except StoreUnavailable:
            continue
        log.info("retrying_kept_updates", count=len(pending))
        for _ in range(len(pending)):
            update = pending.popleft()
            context = CallbackContext.from_update(update, application)
            try:
                await process(update, context, retrying=True)
            except Exception as exc:  # noqa: BLE001 - one bad update must not stop the others
                log.error("retry_failed", error=type(exc).__name__)


def _staff_chats(services: Services) -> set[int]:
    return {c for c in (services.settings.counsellor_chat_id, services.settings.peer_chat_id)
            if c}


async def handle_staff(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                       turn: StaffTurn, retrying: bool = False) -> None:
    """A message, command or button in a staff group goes to the handover desk."""
    try:
        if not await services.store.first_delivery(update.update_id):
            log.info("duplicate_update_dropped", update_id=update.update_id)
            return
    except StoreUnavailable:
        pass
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    try:
        reply = await services.desk.staff_turn(turn)  # type: ignore[union-attr]
    except StoreUnavailable as exc:
        log.error("store_unavailable", error=str(exc))
        _keep_for_retry(context, update)
        if retrying:
            return
        reply = Reply(text=i18n.staff_text("staff.store_unavailable"), lang="de", topic="staff")
    log.info("staff_turn", kind=turn.kind.value, command=turn.command or None,
             replied=reply is not None)
    if reply is not None and reply.text:
        await services.desk.messenger.send(  # type: ignore[union-attr]
            turn.group, reply.text, thread=turn.thread, buttons=reply.buttons)


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> bool:
    """Send a reply; Telegram errors are logged, never fatal (429s are retried by the limiter).

    False only when the user blocked the bot (403)."""
    if reply.silent:
        return True
    if not reply.text.strip():
        log.error("empty_reply_suppressed", topic=reply.topic)
        return True
    if reply.document is not None:
        await send_document(context, chat_id, reply)
        return True
    try:
        await context.bot.send_message(
            chat_id=chat_id,
            text=reply.text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply.buttons),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    except Forbidden:
        log.info("user_blocked_bot")
        return False
    except RetryAfter as exc:
        log.warning("rate_limited_gave_up", retry_after=str(exc.retry_after))
    except NetworkError as exc:
        log.warning("send_network_error", error=type(exc).__name__)
    except TelegramError as exc:
        log.error("send_failed", error=type(exc).__name__, message=exc.message)
    return True


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
    services = await open_services(settings, messenger=TelegramMessenger(application.bot))
    application.bot_data["services"] = services
    await set_commands(application)
    application.bot_data["retrier"] = asyncio.create_task(retry_forever(application))
    if services.desk is not None:
        await set_staff_commands(application, _staff_chats(services))
        application.bot_data["sweeper"] = asyncio.create_task(
            sweep_forever(services, settings.sweep_seconds))
    log.info("bot_started", webhook=bool(application.bot_data.get("webhook")),
             handover=services.desk is not None)


async def sweep_forever(services: Services, every: float) -> None:
    """Re-announce waiting cases, close idle ones, anonymise old ones; never dies."""
    while True:
        await asyncio.sleep(every)
        try:
            done = await services.desk.sweep(lock_seconds=max(1, int(every)))  # type: ignore[union-attr]
            if any(done.values()):
                log.info("sweep", **done)
        except StoreUnavailable:
            log.warning("sweep_store_unavailable")
        except Exception as exc:  # noqa: BLE001 - the loop must survive any single failure
            log.error("sweep_failed", error=type(exc).__name__)


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    for name in ("sweeper", "retrier"):
        task: asyncio.Task[None] | None = application.bot_data.get(name)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
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
            BotCommand("end", s("commands.end")),
        ]
        try:
            await application.bot.set_my_commands(commands, language_code=lang)
        except TelegramError as exc:
            log.warning("set_commands_failed", lang=lang, error=type(exc).__name__)


STAFF_COMMANDS = ("take", "release", "counsellor", "peer", "note", "close", "block", "cases",
                  "profile", "staff", "help")


async def set_staff_commands(application: Application, chats: set[int]) -> None:  # type: ignore[type-arg]
    """The staff commands, in German, shown only in the staff groups."""
    commands = [BotCommand(c, i18n.staff_text(f"staff.command_{c}")) for c in STAFF_COMMANDS]
    for chat in chats:
        try:
            await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat))
        except TelegramError as exc:
            log.warning("set_staff_commands_failed", error=type(exc).__name__)


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
    try:
        load_staff_file(settings.staff_file)  # fail at start, not at the first case
    except (StaffFileError, OSError) as exc:
        raise SettingsError(f"STAFF_FILE: {exc}") from None
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
