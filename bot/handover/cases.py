"""Cases, queues, the topic<->case mapping and staff profiles, in Redis."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, fields, replace
from enum import StrEnum

import redis.asyncio as aioredis

from bot import keys
from bot.handover.staff import Role, StaffMember
from bot.store import guarded


class Status(StrEnum):
    QUEUED = "queued"  # waiting for a person to take it
    CLAIMED = "claimed"  # a person has taken it
    CLOSED = "closed"


@dataclass(frozen=True)
class Case:
    id: int
    user: str  # pseudonym ("" once anonymised)
    chat: int  # the user's private chat, only for delivering staff replies (0 once anonymised)
    lang: str
    role: Role
    group: int  # staff group and forum topic the case lives in
    thread: int
    opened_at: float
    last_activity: float
    status: Status = Status.QUEUED
    urgent: bool = False
    audience: str = ""
    age: str = ""
    city: str = ""
    topics: tuple[str, ...] = ()
    claimed_by: int = 0
    claimed_name: str = ""
    claimed_role: str = ""
    announced_at: float = 0.0
    closed_at: float = 0.0
    rating: int = 0
    contact_shared: bool = False
    anonymised: bool = False

    @property
    def open(self) -> bool:
        return self.status is not Status.CLOSED

    @property
    def for_peers(self) -> bool:
        """Peers get only young people's cases, never safeguarding ones."""
        return not self.urgent and self.audience != "parent"

    def to_fields(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                out[f.name] = "1" if value else "0"
            elif isinstance(value, tuple):
                out[f.name] = ",".join(value)
            else:
                out[f.name] = str(value)
        return out

    @classmethod
    def from_fields(cls, data: dict[str, str]) -> Case:
        def num(name: str, kind: type = int) -> int | float:
            return kind(data.get(name) or 0)

        return cls(
            id=int(num("id")), user=data.get("user", ""), chat=int(num("chat")),
            lang=data.get("lang", "de"), role=Role(data.get("role", "counsellor")),
            group=int(num("group")), thread=int(num("thread")),
            opened_at=float(num("opened_at", float)),
            last_activity=float(num("last_activity", float)),
            status=Status(data.get("status", "queued")), urgent=data.get("urgent") == "1",
            audience=data.get("audience", ""), age=data.get("age", ""),
            city=data.get("city", ""),
            topics=tuple(filter(None, data.get("topics", "").split(","))),
            claimed_by=int(num("claimed_by")), claimed_name=data.get("claimed_name", ""),
            claimed_role=data.get("claimed_role", ""),
            announced_at=float(num("announced_at", float)),
            closed_at=float(num("closed_at", float)), rating=int(num("rating")),
            contact_shared=data.get("contact_shared") == "1",
            anonymised=data.get("anonymised") == "1",
        )


# Personal fields dropped when a case is anonymised; language, role, topics, times and the rating
# stay for statistics.
PERSONAL_FIELDS = ("user", "chat", "age", "claimed_by", "claimed_name", "contact_shared")
URGENT_HEAD_START = 10**10  # urgent cases sort before every normal one in the queue
WAITS_KEPT = 50


class CaseStore:
    """Every read and write of handover state; Redis errors become StoreUnavailable."""

    def __init__(self, url: str, *, reopen_days: float = 7, blocked_days: float = 90,
                 anonymised_ttl_days: float = 365) -> None:
        self._redis = aioredis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2)
        self._reopen = int(reopen_days * 86400)
        self._blocked = int(blocked_days * 86400)
        self._anonymised_ttl = int(anonymised_ttl_days * 86400)

    _run = staticmethod(guarded)

    async def close(self) -> None:
        await self._redis.aclose()

    # --- cases -----------------------------------------------------------------------------
    async def new_id(self) -> int:
        return int(await self._run(self._redis.incr(keys.case_seq())))

    async def save(self, case: Case) -> None:
        """Write a new or changed case and keep every index in step with it."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.case(case.id), mapping=case.to_fields())
            pipe.set(keys.case_thread(case.group, case.thread), case.id)
            if case.user:
                pipe.sadd(keys.user_cases(case.user), case.id)
            if case.open:
                pipe.set(keys.active_case(case.user), case.id)
                pipe.zadd(keys.open_cases(), {str(case.id): case.last_activity})
                pipe.zrem(keys.closed_cases(), str(case.id))
                if case.status is Status.QUEUED:
                    score = case.opened_at - (URGENT_HEAD_START if case.urgent else 0)
                    pipe.zadd(keys.queue(case.role.value), {str(case.id): score})
                    other = Role.PEER if case.role is Role.COUNSELLOR else Role.COUNSELLOR
                    pipe.zrem(keys.queue(other.value), str(case.id))
                else:
                    for role in Role:
                        pipe.zrem(keys.queue(role.value), str(case.id))
            else:
                if case.user:
                    pipe.delete(keys.active_case(case.user))
                    pipe.set(keys.last_case(case.user), case.id, ex=self._reopen)
                pipe.zrem(keys.open_cases(), str(case.id))
                pipe.zadd(keys.closed_cases(), {str(case.id): case.closed_at})
                for role in Role:
                    pipe.zrem(keys.queue(role.value), str(case.id))
            await self._run(pipe.execute())

    async def get(self, case_id: int) -> Case | None:
        data = await self._run(self._redis.hgetall(keys.case(case_id)))
        return Case.from_fields(data) if data.get("id") else None

    async def touch(self, case: Case, now: float) -> Case:
        """Note activity on a case (for auto-closing idle ones)."""
        case = replace(case, last_activity=now)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.case(case.id), "last_activity", str(now))
            pipe.zadd(keys.open_cases(), {str(case.id): now}, xx=True)
            await self._run(pipe.execute())
        return case

    async def active_for(self, user: str) -> Case | None:
        case_id = await self._run(self._redis.get(keys.active_case(user)))
        case = await self.get(int(case_id)) if case_id else None
        return case if case is not None and case.open else None

    async def reopenable_for(self, user: str) -> Case | None:
        case_id = await self._run(self._redis.get(keys.last_case(user)))
        case = await self.get(int(case_id)) if case_id else None
        return case if case is not None and not case.open and not case.anonymised else None

    async def by_thread(self, group: int, thread: int) -> Case | None:
        case_id = await self._run(self._redis.get(keys.case_thread(group, thread)))
        return await self.get(int(case_id)) if case_id else None

    async def cases_of(self, user: str) -> list[Case]:
        ids = await self._run(self._redis.smembers(keys.user_cases(user)))
        found = [await self.get(int(i)) for i in sorted(ids, key=int)]
        return [c for c in found if c is not None]

    async def open_case_ids(self, idle_since: float | None = None) -> list[int]:
        """Open cases, optionally only those without activity since `idle_since`."""
        top = idle_since if idle_since is not None else "+inf"
        ids = await self._run(self._redis.zrangebyscore(keys.open_cases(), "-inf", top))
        return [int(i) for i in ids]

    async def closed_before(self, when: float) -> list[int]:
        ids = await self._run(self._redis.zrangebyscore(keys.closed_cases(), "-inf", when))
        return [int(i) for i in ids]

    async def queue_position(self, case: Case) -> int:
        """1 for the next case to be taken; 0 when the case is not waiting."""
        rank = await self._run(self._redis.zrank(keys.queue(case.role.value), str(case.id)))
        return 0 if rank is None else int(rank) + 1

    async def anonymise(self, case: Case) -> Case:
        """Drop everything that points to a person; keep the statistics for a year."""
        anonymous = replace(case, user="", chat=0, age="", claimed_by=0, claimed_name="",
                            contact_shared=False, anonymised=True)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hdel(keys.case(case.id), *PERSONAL_FIELDS)
            pipe.hset(keys.case(case.id), "anonymised", "1")
            pipe.expire(keys.case(case.id), self._anonymised_ttl)
            pipe.delete(keys.case_thread(case.group, case.thread))
            pipe.zrem(keys.closed_cases(), str(case.id))
            if case.user:
                pipe.srem(keys.user_cases(case.user), str(case.id))
            await self._run(pipe.execute())
        return anonymous

    async def forget_user(self, user: str) -> None:
        """The user's pointers to cases (after /delete anonymised them)."""
        await self._run(self._redis.delete(keys.active_case(user), keys.last_case(user),
                                           keys.user_cases(user)))

    # --- waiting times ---------------------------------------------------------------------
    async def record_wait(self, role: Role, seconds: float) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(keys.waits(role.value), round(seconds))
            pipe.ltrim(keys.waits(role.value), 0, WAITS_KEPT - 1)
            await self._run(pipe.execute())

    async def typical_wait(self, role: Role) -> float | None:
        """Median seconds until a recent case of this role was taken; None without history."""
        values = await self._run(self._redis.lrange(keys.waits(role.value), 0, -1))
        return float(statistics.median(int(v) for v in values)) if values else None

    # --- blocking --------------------------------------------------------------------------
    async def block(self, user: str) -> None:
        await self._run(self._redis.set(keys.blocked(user), 1, ex=self._blocked))

    async def is_blocked(self, user: str) -> bool:
        return bool(await self._run(self._redis.exists(keys.blocked(user))))

    # --- staff profiles set in the staff groups ---------------------------------------------
    async def save_staff(self, member: StaffMember) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.staff(member.id), mapping=member.as_fields())
            pipe.sadd(keys.staff_index(), member.id)
            await self._run(pipe.execute())

    async def remove_staff(self, staff_id: int) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.staff(staff_id))
            pipe.srem(keys.staff_index(), staff_id)
            await self._run(pipe.execute())

    async def staff_profiles(self) -> dict[int, StaffMember]:
        ids = await self._run(self._redis.smembers(keys.staff_index()))
        found: dict[int, StaffMember] = {}
        for staff_id in ids:
            data = await self._run(self._redis.hgetall(keys.staff(int(staff_id))))
            if data:
                found[int(staff_id)] = StaffMember.from_fields(int(staff_id), data)
        return found

    # --- the periodic sweep ----------------------------------------------------------------
    async def sweep_lock(self, seconds: int) -> bool:
        return bool(await self._run(self._redis.set(keys.sweep_lock(), 1, nx=True, ex=seconds)))
