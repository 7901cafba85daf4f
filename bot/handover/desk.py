"""The handover desk: opens, routes, relays and closes cases between users and staff groups.

Users write to the bot privately; each case is a forum topic in the counsellors' or the peers'
supergroup. Everything staff write in a case topic (except commands) goes to the user under the
staff member's display name; everything the user writes goes into the topic. Staff never see who
the user is unless the user shares their contact.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import structlog
from babel import Locale
from babel.dates import format_skeleton, format_time, format_timedelta
from babel.numbers import format_decimal

from bot import i18n
from bot.content import Content
from bot.handover import card
from bot.handover.cases import Case, CaseStore, Status
from bot.handover.hours import BERLIN, OfficeHours
from bot.handover.messenger import Messenger, RecipientBlocked, Rows
from bot.handover.staff import Role, StaffMember, first_choice, parse_languages
from bot.i18n import staff_text as t
from bot.render import clean_user_text, render
from bot.store import Store
from bot.types import Button, Kind, Reply, StaffTurn, Turn

log = structlog.get_logger(__name__)

# Content types that cannot carry a caption: the staff member's name goes in a message before.
NO_CAPTION = frozenset({"sticker", "video_note", "location", "venue", "contact", "poll", "dice"})
STAFF_ALIASES = {
    "take": "take", "nehmen": "take", "release": "rel", "freigeben": "rel",
    "counsellor": "toc", "beratung": "toc", "peer": "top", "close": "close",
    "schliessen": "close", "block": "block", "sperren": "block", "note": "note", "notiz": "note",
}
MAX_EXPECTED_WAIT = 8 * 3600
# Telegram allows 4096 characters; escaping and the name line need room.
RELAY_CHARS = 3500


@dataclass(frozen=True)
class HandoverConfig:
    counsellor_chat: int
    peer_chat: int | None = None
    counsellor_hours: OfficeHours = OfficeHours("Mo-Fr 09:00-17:00")
    peer_hours: OfficeHours = OfficeHours("Mo-Fr 15:00-19:00")
    reannounce_seconds: float = 900
    idle_close_days: float = 7
    retention_days: float = 90
    default_wait_seconds: float = 1200

    def group(self, role: Role) -> int:
        if role is Role.PEER and self.peer_chat:
            return self.peer_chat
        return self.counsellor_chat

    def hours(self, role: Role) -> OfficeHours:
        return self.peer_hours if role is Role.PEER else self.counsellor_hours

    def role_of_group(self, chat: int) -> Role | None:
        if chat == self.counsellor_chat:
            return Role.COUNSELLOR
        if self.peer_chat and chat == self.peer_chat:
            return Role.PEER
        return None


class Desk:
    def __init__(self, config: HandoverConfig, cases: CaseStore, store: Store, content: Content,
                 messenger: Messenger, staff_file: dict[int, StaffMember] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.cases = cases
        self.store = store
        self.content = content
        self.messenger = messenger
        self.staff_file = staff_file or {}
        self.clock = clock

    async def roster(self) -> dict[int, StaffMember]:
        """Staff from the staff file, overridden by profiles set with /profile in the groups."""
        return {**self.staff_file, **await self.cases.staff_profiles()}

    # --- the user side ---------------------------------------------------------------------
    def _route(self, wanted: Role, audience: str, urgent: bool, lang: str,
               roster: dict[int, StaffMember]) -> Role:
        """Peers only for young people and never for safeguarding; a counsellor who speaks the
        user's language beats a peer who does not."""
        if wanted is not Role.PEER or not self.config.peer_chat or urgent or audience == "parent":
            return Role.COUNSELLOR
        peers = [m for m in roster.values() if m.role is Role.PEER]
        if not peers:
            return Role.COUNSELLOR
        if not any(m.speaks(lang) for m in peers) and any(
                m.speaks(lang) for m in roster.values() if m.role is Role.COUNSELLOR):
            return Role.COUNSELLOR
        return Role.PEER

    async def open_case(self, *, user: str, chat: int, lang: str, wanted: Role, audience: str,
                        age: str, city: str, topics: tuple[str, ...],
                        urgent: bool = False) -> Case | None:
        """Create the case and its forum topic with the card; None if the topic cannot be made."""
        roster = await self.roster()
        role = self._route(wanted, audience, urgent, lang, roster)
        now = self.clock()
        case = Case(id=await self.cases.new_id(), user=user, chat=chat, lang=lang, role=role,
                    group=self.config.group(role), thread=0, opened_at=now, last_activity=now,
                    urgent=urgent, audience=audience, age=age, city=city, topics=topics,
                    announced_at=now)
        thread = await self.messenger.create_topic(case.group, card.topic_name(case, self.content))
        if thread is None:
            log.error("case_topic_failed", case=case.id)
            return None
        case = replace(case, thread=thread)
        await self.cases.save(case)
        await self._post_card(case, roster)
        log.info("case_opened", case=case.id, role=role.value, lang=lang, urgent=urgent)
        return case

    async def reopen(self, case: Case, *, chat: int, lang: str) -> Case:
        """The user asks for a person again within the reopen window: same topic, same person."""
        status = Status.CLAIMED if case.claimed_by else Status.QUEUED
        now = self.clock()
        case = replace(case, status=status, chat=chat, lang=lang, closed_at=0.0,
                       last_activity=now, announced_at=now, rating=0)
        await self.cases.save(case)
        await self.messenger.reopen_topic(case.group, case.thread)
        await self.messenger.edit_topic(case.group, case.thread,
                                        card.topic_name(case, self.content))
        roster = await self.roster()
        who = roster.get(case.claimed_by)
        await self._staff(case, t("staff.reopened", id=case.id,
                                   person=card.mention(who) if who else t("staff.everyone")))
        log.info("case_reopened", case=case.id)
        return case

    async def status_text(self, case: Case, now: float | None = None) -> str:
        """Who answers, when, the place in the queue and the expected wait, in the user's
        language."""
        s = i18n.strings(case.lang)
        locale = i18n.babel_locale(case.lang)
        moment = dt.datetime.fromtimestamp(now or self.clock(), BERLIN)
        hours = self.config.hours(case.role)
        parts = [s("handover.opened_peer") if case.role is Role.PEER
                 else s("handover.opened_counsellor")]
        opens = _when(hours.next_open(moment), locale)
        if case.status is Status.CLAIMED and case.claimed_name:
            who = (s("role.peer", name=case.claimed_name) if case.claimed_role == Role.PEER.value
                   else s("role.counsellor", name=case.claimed_name))
            parts.append(s("handover.claimed", who=who))
        elif case.urgent:
            parts.append(s("handover.urgent_soon") if hours.is_open(moment)
                         else s("handover.urgent_out_of_hours", when=opens))
        else:
            position = await self.cases.queue_position(case) or 1
            if hours.is_open(moment):
                wait = await self.expected_wait(case.role, position)
                parts.append(s("handover.queue", position=format_decimal(position, locale=locale),
                               wait=format_timedelta(wait, locale=locale, threshold=1.1)))
            else:
                parts.append(s("handover.out_of_hours", when=opens))
        parts.append(s("handover.write_now"))
        return render("\n\n".join(parts), case.lang)

    def case_buttons(self, case: Case) -> Rows:
        s = i18n.strings(case.lang)
        rows = [(Button(s("button.end_case"), "ho:end"),)]
        if not case.contact_shared:
            rows.append((Button(s("button.share_contact"), "ho:share"),))
        return tuple(rows)

    async def expected_wait(self, role: Role, position: int) -> dt.timedelta:
        typical = await self.cases.typical_wait(role) or self.config.default_wait_seconds
        seconds = min(max(typical, 300) * position, MAX_EXPECTED_WAIT)
        return dt.timedelta(seconds=round(seconds / 300) * 300 or 300)

    async def relay_from_user(self, case: Case, turn: Turn) -> bool:
        """Put what the user sent into the case topic; False if Telegram refused it."""
        if turn.kind is Kind.TEXT:
            prefix = "✏️ " if turn.edited else "💬 "
            text = clean_user_text(turn.text)[:RELAY_CHARS]
            sent = await self.messenger.send(case.group, prefix + html.escape(text),
                                             thread=case.thread)
        else:
            sent = await self.messenger.copy(case.group, turn.chat, turn.message_id,
                                             thread=case.thread)
        if sent is None:
            log.error("relay_to_staff_failed", case=case.id)
            return False
        await self.cases.touch(case, self.clock())
        return True

    async def escalate(self, case: Case) -> Case:
        """A crisis message inside an open case: urgent, and with counsellors, never peers."""
        if case.role is Role.PEER:
            case = replace(case, urgent=True)
            moved = await self._transfer(case, Role.COUNSELLOR, note=t("staff.crisis_moved"))
            case = moved or case
        elif not case.urgent:
            case = replace(case, urgent=True)
            await self.cases.save(case)
            await self.messenger.edit_topic(case.group, case.thread,
                                            card.topic_name(case, self.content))
        await self._staff(case, t("staff.crisis_in_case", id=case.id))
        await self._alert_counsellors(case)
        log.warning("case_escalated", case=case.id)
        return case

    async def close(self, case: Case, *, reason: str, by: str = "") -> Case:
        """Close a case; reason: user, staff, idle, blocked, gone (blocked the bot), deleted."""
        case = replace(case, status=Status.CLOSED, closed_at=self.clock())
        await self.cases.save(case)
        await self._staff(case, t(f"staff.closed_{reason}", id=case.id, name=html.escape(by)))
        await self.messenger.edit_topic(case.group, case.thread,
                                        "✅ " + card.topic_name(case, self.content))
        await self.messenger.close_topic(case.group, case.thread)
        s = i18n.strings(case.lang)
        rate = ((tuple(Button(f"{n} ⭐", f"r:{case.id}:{n}") for n in range(1, 6)),)
                if reason in {"user", "staff", "idle"} else ())
        notice = {
            "user": s("handover.closed_by_user"),
            "staff": s("handover.closed_by_staff", name=by),
            "idle": s("handover.closed_idle", days=_days(self.config.idle_close_days)),
            "blocked": s("handover.blocked"),
        }.get(reason)
        if notice is not None:
            text = notice + ("\n\n" + s("handover.rate") if rate else "")
            await self._to_user(case, render(text, case.lang), rate, closing=True)
        log.info("case_closed", case=case.id, reason=reason)
        return case

    async def rate(self, user: str, case_id: int, stars: int) -> bool:
        case = await self.cases.get(case_id)
        if case is None or case.user != user or case.open or case.rating or not 1 <= stars <= 5:
            return False
        case = replace(case, rating=stars)
        await self.cases.save(case)
        await self._staff(case, t("staff.rated", id=case.id, stars=stars))
        return True

    async def share_contact(self, case: Case) -> bool:
        """The user agreed to let staff see their Telegram name (pseudonymous otherwise)."""
        contact = await self.messenger.contact(case.chat)
        if contact is None:
            return False
        case = replace(case, contact_shared=True)
        await self.cases.save(case)
        await self._staff(case, t("staff.contact_shared", contact=contact))
        return True

    async def erase_user(self, user: str) -> None:
        """/delete: close the open case and anonymise every case of the user."""
        for case in await self.cases.cases_of(user):
            if case.open:
                case = await self.close(case, reason="deleted")
            await self._anonymise(case)
        await self.cases.forget_user(user)

    async def export(self, user: str) -> list[dict[str, object]]:
        """What /mydata shows about the user's cases (no staff ids)."""
        return [{"case": c.id, "status": c.status.value, "role": c.role.value, "language": c.lang,
                 "opened": dt.datetime.fromtimestamp(c.opened_at, BERLIN).isoformat(),
                 "closed": (dt.datetime.fromtimestamp(c.closed_at, BERLIN).isoformat()
                            if c.closed_at else None),
                 "person": c.claimed_name or None, "rating": c.rating or None,
                 "contact_shared": c.contact_shared}
                for c in await self.cases.cases_of(user)]

    # --- the staff side --------------------------------------------------------------------
    async def staff_turn(self, turn: StaffTurn) -> Reply | None:
        """A message, command or button in a staff group; the reply goes back to that topic."""
        group_role = self.config.role_of_group(turn.group)
        if group_role is None:
            return None
        roster = await self.roster()
        member = roster.get(turn.actor)
        if turn.kind is Kind.BUTTON:
            kind, _, rest = turn.button.partition(":")
            action, _, number = rest.partition(":")
            case = await self.cases.get(int(number)) if kind == "s" and number.isdigit() else None
            if case is None:
                return _staff_reply(t("staff.no_case_here"))
            return await self._action(action, case, member, turn, group_role)
        if turn.kind is Kind.COMMAND:
            return await self._command(turn, member, group_role, roster)
        if not turn.thread:
            return None  # chatter in the General topic stays among staff
        case = await self.cases.by_thread(turn.group, turn.thread)
        if case is None:
            return None  # a topic staff made themselves
        if (case.group, case.thread) != (turn.group, turn.thread):
            return _staff_reply(t("staff.case_moved", id=case.id))
        if not case.open:
            return _staff_reply(t("staff.case_closed_not_sent", id=case.id))
        if member is None:
            return _staff_reply(t("staff.need_profile"))
        if case.claimed_by != member.id:
            refusal = self._may_take(case, member)
            if refusal:
                return _staff_reply(refusal)
            if case.status is Status.QUEUED:
                case = await self._claim(case, member)
        await self._relay_to_user(case, member, turn)
        return None

    async def _command(self, turn: StaffTurn, member: StaffMember | None, group_role: Role,
                       roster: dict[int, StaffMember]) -> Reply | None:
        command = turn.command
        if command in {"help", "start", "hilfe"}:
            return _staff_reply(t("staff.help"))
        if command == "profile":
            return await self._profile(turn, member, group_role)
        if command == "staff":
            return _staff_reply(_roster_text(roster))
        if command in {"cases", "faelle"}:
            return await self._list_cases(group_role)
        action = STAFF_ALIASES.get(command)
        if action is None:
            return _staff_reply(t("staff.unknown_command"))
        case = await self.cases.by_thread(turn.group, turn.thread) if turn.thread else None
        if case is None:
            return _staff_reply(t("staff.no_case_here"))
        if action == "note":
            return _staff_reply(t("staff.note_kept"))
        return await self._action(action, case, member, turn, group_role)

    def _may_take(self, case: Case, member: StaffMember) -> str:
        if member.role is Role.PEER and (case.urgent or case.role is Role.COUNSELLOR):
            return t("staff.peer_not_allowed")
        return ""

    async def _action(self, action: str, case: Case, member: StaffMember | None,
                      turn: StaffTurn, group_role: Role) -> Reply | None:
        if member is None:
            return _staff_reply(t("staff.need_profile"))
        if case.group != turn.group and not (
                group_role is Role.COUNSELLOR and member.role is Role.COUNSELLOR
                and action == "take"):
            # Only counsellors reach into the peers' group (supervision), and only by taking over.
            return _staff_reply(t("staff.not_your_group"))
        if not case.open:
            return _staff_reply(t("staff.case_closed", id=case.id))
        if action == "take":
            refusal = self._may_take(case, member)
            if refusal:
                return _staff_reply(refusal)
            if case.group != self.config.group(member.role) and member.role is Role.COUNSELLOR:
                moved = await self._transfer(case, Role.COUNSELLOR,
                                             note=t("staff.taken_over_note", name=member.name))
                if moved is None:
                    return _staff_reply(t("staff.transfer_failed"))
                case = moved
            await self._claim(case, member)
            return None
        if action == "rel":
            case = replace(case, status=Status.QUEUED, claimed_by=0, claimed_name="",
                           claimed_role="", announced_at=self.clock())
            await self.cases.save(case)
            await self._staff(case, t("staff.released", id=case.id,
                                      name=html.escape(member.name)))
            return None
        if action in {"toc", "top"}:
            role = Role.COUNSELLOR if action == "toc" else Role.PEER
            if role is Role.PEER and not (case.for_peers and self.config.peer_chat):
                return _staff_reply(t("staff.peer_not_possible"))
            if case.role is role:
                return _staff_reply(t("staff.already_counsellor") if role is Role.COUNSELLOR
                                    else t("staff.already_peer"))
            moved = await self._transfer(case, role, note=t("staff.handed_note", name=member.name))
            return None if moved else _staff_reply(t("staff.transfer_failed"))
        if action == "close":
            await self.close(case, reason="staff", by=member.name)
            return None
        if action == "block":
            await self.cases.block(case.user)
            await self.close(case, reason="blocked", by=member.name)
            return None
        return _staff_reply(t("staff.unknown_command"))

    async def _claim(self, case: Case, member: StaffMember) -> Case:
        previous = case.claimed_name
        if case.status is Status.QUEUED and not case.claimed_by:
            await self.cases.record_wait(case.role, self.clock() - case.opened_at)
        case = replace(case, status=Status.CLAIMED, claimed_by=member.id,
                       claimed_name=member.name, claimed_role=member.role.value)
        await self.cases.save(case)
        key = "staff.taken_over" if previous and previous != member.name else "staff.claimed"
        await self._staff(case, t(key, id=case.id, name=html.escape(member.name),
                                  previous=html.escape(previous)))
        s = i18n.strings(case.lang)
        await self._to_user(case, render(s("handover.claimed", who=self._who(member, case.lang)),
                                         case.lang))
        log.info("case_claimed", case=case.id, role=member.role.value)
        return case

    def _who(self, member: StaffMember, lang: str) -> str:
        """How users see a staff member: "Counsellor Ayşe" in their language."""
        s = i18n.strings(lang)
        if member.role is Role.PEER:
            return s("role.peer", name=member.name)
        return s("role.counsellor", name=member.name)

    async def _relay_to_user(self, case: Case, member: StaffMember, turn: StaffTurn) -> None:
        header = f"<b>{render(self._who(member, case.lang), case.lang)}</b>"
        if turn.kind is Kind.TEXT:
            ok = await self._to_user(case, f"{header}\n{html.escape(turn.text[:RELAY_CHARS])}")
        elif turn.content_type in NO_CAPTION:
            ok = await self._to_user(case, header) and await self._copy_to_user(case, turn)
        else:
            caption = header + (f"\n{html.escape(turn.text)}" if turn.text else "")
            ok = await self._copy_to_user(case, turn, caption)
        if ok:
            await self.cases.touch(case, self.clock())
        else:
            await self._staff(case, t("staff.not_delivered"))

    async def _copy_to_user(self, case: Case, turn: StaffTurn, caption: str | None = None) -> bool:
        try:
            return await self.messenger.copy(case.chat, case.group, turn.message_id,
                                             caption=caption) is not None
        except RecipientBlocked:
            await self._user_gone(case)
            return False

    async def _profile(self, turn: StaffTurn, member: StaffMember | None,
                       group_role: Role) -> Reply:
        """`/profile Name | tr, de | Gelsenkirchen` sets one's own profile; the group sets the
        role. `/profile` shows it, `/profile off` removes it."""
        if not turn.actor:
            return _staff_reply(t("staff.need_profile"))
        args = turn.args.strip()
        if not args:
            return _staff_reply(_member_text(member) if member else t("staff.profile_usage"))
        if args.lower() == "off":
            await self.cases.remove_staff(turn.actor)
            return _staff_reply(t("staff.profile_removed"))
        parts = [p.strip() for p in args.split("|")]
        name = parts[0][:40]
        languages = parse_languages(parts[1].replace(",", " ").split()) if len(parts) > 1 else ()
        cities = tuple(c.strip() for c in parts[2].split(",") if c.strip()) if len(
            parts) > 2 else ()
        if not name or not languages:
            return _staff_reply(t("staff.profile_usage"))
        member = StaffMember(turn.actor, group_role, name, languages, cities)
        await self.cases.save_staff(member)
        return _staff_reply(t("staff.profile_saved") + "\n" + _member_text(member))

    async def _list_cases(self, group_role: Role) -> Reply:
        rows: list[tuple[Button, ...]] = []
        lines = [t("staff.cases_title")]
        for case_id in await self.cases.open_case_ids():
            case = await self.cases.get(case_id)
            if case is None or (group_role is Role.PEER and case.role is not Role.PEER):
                continue
            state = t(f"staff.state_{case.status.value}", name=html.escape(case.claimed_name))
            lines.append(f"#{case.id} · {html.escape(card.topic_name(case, self.content))} · "
                         f"{state}")
            if case.status is Status.QUEUED or (group_role is Role.COUNSELLOR
                                                and case.role is Role.PEER):
                rows.append((Button(t("staff.button_take_id", id=case.id), f"s:take:{case.id}"),))
        if len(lines) == 1:
            lines.append(t("staff.no_open_cases"))
        return _staff_reply("\n".join(lines), tuple(rows[:10]))

    # --- moving cases between the groups ------------------------------------------------------
    async def _transfer(self, case: Case, role: Role, note: str) -> Case | None:
        old_group, old_thread = case.group, case.thread
        moved = replace(case, role=role, group=self.config.group(role), status=Status.QUEUED,
                        claimed_by=0, claimed_name="", claimed_role="",
                        announced_at=self.clock())
        thread = await self.messenger.create_topic(moved.group,
                                                   card.topic_name(moved, self.content))
        if thread is None:
            return None
        moved = replace(moved, thread=thread)
        await self.cases.save(moved)
        await self._post_card(moved, await self.roster(), note=note)
        await self.messenger.send(old_group, t("staff.moved_away", id=case.id,
                                               where=t(f"staff.group_{role.value}")),
                                  thread=old_thread)
        await self.messenger.close_topic(old_group, old_thread)
        s = i18n.strings(case.lang)
        notice = (s("handover.transferred_peer") if role is Role.PEER
                  else s("handover.transferred_counsellor"))
        await self._to_user(moved, render(notice, case.lang))
        log.info("case_transferred", case=case.id, role=role.value)
        return moved

    async def _post_card(self, case: Case, roster: dict[int, StaffMember], note: str = "") -> None:
        members = [m for m in roster.values() if m.role is case.role or (
            case.urgent and m.role is Role.COUNSELLOR)]
        first = first_choice(members, case.lang, case.city or None)
        speakers = any(m.speaks(case.lang) for m in members)
        recent = await self.store.recent_messages(case.user) if case.user else []
        text = card.card(case, self.content, recent, first, speakers, note=note)
        peers = bool(self.config.peer_chat) and any(m.role is Role.PEER for m in roster.values())
        await self.messenger.send(case.group, text, thread=case.thread,
                                  buttons=card.card_buttons(case, peers))
        if case.urgent:
            await self._alert_counsellors(case)
        elif case.role is Role.PEER and self.config.peer_chat:
            # Supervision: counsellors see every peer case and can take it over.
            await self.messenger.send(
                self.config.counsellor_chat,
                t("staff.peer_case_opened", id=case.id,
                  name=html.escape(card.topic_name(case, self.content))),
                buttons=((Button(t("staff.button_take_id", id=case.id), f"s:take:{case.id}"),),))

    async def _alert_counsellors(self, case: Case) -> None:
        counsellors = [m for m in (await self.roster()).values() if m.role is Role.COUNSELLOR]
        await self.messenger.send(
            self.config.counsellor_chat,
            t("staff.urgent_alert", id=case.id,
              name=html.escape(card.topic_name(case, self.content)),
              people=", ".join(card.mention(m) for m in counsellors) or t("staff.everyone")))

    # --- talking to both sides ------------------------------------------------------------
    async def _staff(self, case: Case, text: str) -> None:
        await self.messenger.send(case.group, text, thread=case.thread)

    async def _to_user(self, case: Case, text: str, buttons: Rows = (), *,
                       closing: bool = False) -> bool:
        if not case.chat:
            return False
        try:
            return await self.messenger.send(case.chat, text, buttons=buttons) is not None
        except RecipientBlocked:
            if not closing:
                await self._user_gone(case)
            return False

    async def _user_gone(self, case: Case) -> None:
        """The user blocked the bot: mark them inactive and close the case for staff."""
        await self.store.update_profile(case.user, inactive="1")
        current = await self.cases.get(case.id)
        if current is not None and current.open:
            await self.close(current, reason="gone")

    async def _anonymise(self, case: Case) -> None:
        if not case.urgent:
            # Safeguarding cases keep their topic (it holds no names); others are deleted.
            await self.messenger.delete_topic(case.group, case.thread)
        await self.cases.anonymise(case)

    # --- the periodic sweep ------------------------------------------------------------------
    async def sweep(self, now: float | None = None, lock_seconds: int = 30) -> dict[str, int]:
        """Re-announce waiting cases, close idle ones, anonymise old closed ones."""
        now = now if now is not None else self.clock()
        done = {"reannounced": 0, "closed": 0, "anonymised": 0}
        if not await self.cases.sweep_lock(lock_seconds):
            return done
        moment = dt.datetime.fromtimestamp(now, BERLIN)
        roster = await self.roster()
        for case_id in await self.cases.open_case_ids(
                idle_since=now - self.config.idle_close_days * 86400):
            case = await self.cases.get(case_id)
            if case is not None and case.open:
                await self.close(case, reason="idle")
                done["closed"] += 1
        for case_id in await self.cases.open_case_ids():
            case = await self.cases.get(case_id)
            if (case is None or case.status is not Status.QUEUED
                    or now - case.announced_at < self.config.reannounce_seconds
                    or not self.config.hours(case.role).is_open(moment)):
                continue
            members = [m for m in roster.values() if m.role is case.role]
            await self.messenger.send(case.group, t(
                "staff.reannounce", id=case.id,
                name=html.escape(card.topic_name(case, self.content)),
                minutes=int((now - case.opened_at) // 60),
                # First the speakers of the user's language were asked; now everybody.
                people=", ".join(card.mention(m) for m in members) or t("staff.everyone")))
            await self.cases.save(replace(case, announced_at=now))
            done["reannounced"] += 1
        for case_id in await self.cases.closed_before(now - self.config.retention_days * 86400):
            case = await self.cases.get(case_id)
            if case is not None:
                await self._anonymise(case)
                done["anonymised"] += 1
        return done


def _staff_reply(text: str, buttons: Rows = ()) -> Reply:
    return Reply(text=text, lang=i18n.STAFF_LANGUAGE, topic="staff", buttons=buttons)


def _when(moment: dt.datetime, locale: Locale) -> str:
    """E.g. "Mon, 30 November, 09:00" in the user's locale (weekday, day, month and time)."""
    date = format_skeleton("MMMMEEEEd", moment, locale=locale)
    clock = format_time(moment, "short", locale=locale)
    pattern = str(locale.datetime_formats.get("medium", "{1} {0}"))
    return pattern.replace("{1}", date).replace("{0}", clock)


def _days(value: float) -> str:
    return f"{value:g}"


def _member_text(member: StaffMember) -> str:
    return t("staff.profile_line", name=html.escape(member.name),
             role=t(f"staff.group_{member.role.value}"),
             languages=", ".join(member.languages) or "–",
             cities=html.escape(", ".join(member.cities)) or "–")


def _roster_text(roster: dict[int, StaffMember]) -> str:
    if not roster:
        return t("staff.no_profiles")
    lines = [t("staff.roster_title")]
    lines += [_member_text(m) for m in sorted(roster.values(), key=lambda m: (m.role, m.name))]
    return "\n".join(lines)
