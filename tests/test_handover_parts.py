"""Handover building blocks against real things: office hours with NRW holidays, the case store
on a real redis-server, the staff file, and the staff catalog."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot import i18n
from bot.handover.cases import Case, CaseStore, Status
from bot.handover.hours import BERLIN, HoursError, OfficeHours
from bot.handover.staff import Role, StaffFileError, StaffMember, first_choice, load_staff_file

from conftest import ROOT

HOURS = OfficeHours("Mo-Fr 09:00-17:00; Sa 10:00-13:00")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


def test_office_hours_follow_weekdays_times_and_nrw_holidays() -> None:
    assert HOURS.is_open(at(2026, 11, 27, 9, 0))  # Friday
    assert not HOURS.is_open(at(2026, 11, 27, 17, 0))  # end is exclusive
    assert HOURS.is_open(at(2026, 11, 28, 12, 59)) and not HOURS.is_open(at(2026, 11, 28, 13, 0))
    assert not HOURS.is_open(at(2026, 11, 29, 12, 0))  # Sunday
    assert not HOURS.is_open(at(2026, 6, 4, 10, 0))  # Fronleichnam: a holiday in NRW
    assert HOURS.is_open(at(2026, 11, 2, 10, 0))  # 2 Nov is a working Monday
    assert not HOURS.is_open(at(2027, 11, 1, 10, 0))  # Allerheiligen (a Monday in 2027)
    assert HOURS.is_open(at(2027, 11, 2, 10, 0))
    # Christmas Eve evening: Christmas (Fri) and Boxing Day (Sat) are holidays -> Monday 9:00.
    assert HOURS.next_open(at(2026, 12, 24, 18, 0)) == at(2026, 12, 28, 9, 0)
    assert HOURS.next_open(at(2026, 11, 27, 10, 0)) == at(2026, 11, 27, 10, 0)
    assert OfficeHours("24/7").is_open(at(2026, 12, 25, 3, 0))


@pytest.mark.parametrize(
    "spec", ["", "Mo-Fr", "Xx 09:00-10:00", "Mo 10:00-09:00", "Mo 25:00-26:00"])
def test_unreadable_office_hours_are_refused(spec: str) -> None:
    with pytest.raises(HoursError):
        _ = OfficeHours(spec).windows


def test_staff_file_and_routing_order(tmp_path: Path) -> None:
    path = tmp_path / "staff.yml"
    path.write_text("staff:\n"
                    "  - {id: 1, role: counsellor, name: Ana, languages: [de, ro]}\n"
                    "  - {id: 2, role: counsellor, name: Ayşe, languages: [TR, de],"
                    " cities: [Gelsenkirchen]}\n"
                    "  - {id: 3, role: counsellor, name: Bora, languages: [tr]}\n",
                    encoding="utf-8")
    members = load_staff_file(path)
    assert members[2].languages == ("tr", "de")
    order = first_choice(list(members.values()), "tr", "Gelsenkirchen")
    assert [m.name for m in order] == ["Ayşe", "Bora"]
    assert first_choice(list(members.values()), "fa", None) == list(members.values())
    assert load_staff_file(tmp_path / "missing.yml") == {}
    path.write_text("staff:\n  - {id: x, role: boss, name: ''}\n", encoding="utf-8")
    with pytest.raises(StaffFileError, match="entry 1"):
        load_staff_file(path)


def test_example_staff_file_is_valid() -> None:
    members = load_staff_file(ROOT / "staff.example.yml")
    assert {m.role for m in members.values()} == {Role.COUNSELLOR, Role.PEER}


def test_every_staff_key_used_in_the_code_is_in_the_staff_catalog() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
    used = set(re.findall(r'"(staff\.[a-z_]+)"', code)) - {"staff.yml"}
    families = {"staff.closed_": ["user", "staff", "idle", "blocked", "gone", "deleted"],
                "staff.audience_": ["young", "parent"], "staff.age_": ["u16", "16_17", "18_26",
                                                                       "parent"],
                "staff.state_": [s.value for s in Status], "staff.group_": [r.value for r in Role]}
    used |= {prefix + value for prefix, values in families.items() for value in values}
    missing = sorted(k for k in used if i18n.staff_text(k) == k)
    assert not missing


def make_case(store_id: int, user: str = "u1", **changes: object) -> Case:
    case = Case(id=store_id, user=user, chat=4242, lang="tr", role=Role.COUNSELLOR,
                group=-100, thread=store_id + 500, opened_at=1000.0 + store_id,
                last_activity=1000.0 + store_id, topics=("training.duration",), city="Marl")
    return replace(case, **changes)


async def test_case_store_queue_reopen_and_anonymise(redis_url: str) -> None:
    store = CaseStore(redis_url, reopen_days=7)
    try:
        first, second = await store.new_id(), await store.new_id()
        await store.save(make_case(first))
        await store.save(make_case(second, user="u2"))
        assert await store.queue_position(await store.get(first)) == 1  # type: ignore[arg-type]
        urgent = make_case(await store.new_id(), user="u3", urgent=True)
        await store.save(urgent)
        # An urgent case goes before every waiting one.
        assert await store.queue_position(urgent) == 1
        assert await store.queue_position(await store.get(second)) == 3  # type: ignore[arg-type]

        case = await store.active_for("u1")
        assert case is not None and case.topics == ("training.duration",)
        assert await store.by_thread(-100, case.thread) == case
        claimed = replace(case, status=Status.CLAIMED, claimed_by=7, claimed_name="Ayşe")
        await store.save(claimed)
        assert await store.queue_position(claimed) == 0
        closed = replace(claimed, status=Status.CLOSED, closed_at=5000.0)
        await store.save(closed)
        assert await store.active_for("u1") is None
        assert await store.reopenable_for("u1") == closed
        assert first in await store.closed_before(5000.0)
        assert first not in await store.open_case_ids()

        anonymous = await store.anonymise(closed)
        stored = await store.get(first)
        assert stored is not None and stored.user == "" and stored.chat == 0
        assert stored.claimed_name == "" and stored.anonymised and stored.lang == "tr"
        assert stored == anonymous
        assert await store.reopenable_for("u1") is None
        assert await store.cases_of("u1") == []
        assert await store.by_thread(-100, closed.thread) is None

        await store.record_wait(Role.COUNSELLOR, 600)
        await store.record_wait(Role.COUNSELLOR, 1200)
        await store.record_wait(Role.COUNSELLOR, 60)
        assert await store.typical_wait(Role.COUNSELLOR) == 600
        assert await store.typical_wait(Role.PEER) is None

        await store.block("u2")
        assert await store.is_blocked("u2") and not await store.is_blocked("u1")
        await store.save_staff(StaffMember(5, Role.PEER, "Mert", ("tr",), ()))
        assert (await store.staff_profiles())[5].name == "Mert"
        await store.remove_staff(5)
        assert await store.staff_profiles() == {}
    finally:
        await store.close()


async def test_history_snippets_expire(redis_url: str) -> None:
    from bot.store import RedisStore

    store = RedisStore(redis_url, profile_ttl_days=1, snippet_ttl_days=30)
    try:
        for n in range(7):
            await store.remember_message("u9", f"m{n}")
        assert await store.recent_messages("u9") == ["m2", "m3", "m4", "m5", "m6"]
        ttl = await store._redis.ttl("lotse:history:u9")  # noqa: SLF001
        assert 29 * 86400 < ttl <= 30 * 86400
        await store.erase_user("u9")
        assert await store.recent_messages("u9") == []
    finally:
        await store.close()
