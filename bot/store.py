"""User state behind a small async interface: Redis in production, memory for one-shot commands."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot import keys


class StoreUnavailable(Exception):
    """The state store cannot be reached; the bot apologises instead of crashing."""


async def guarded(coro):  # type: ignore[no-untyped-def]
    """Await a Redis call; connection and server errors become StoreUnavailable."""
    try:
        return await coro
    except (RedisError, OSError) as exc:
        raise StoreUnavailable(type(exc).__name__) from exc


@dataclass(frozen=True)
class Profile:
    lang: str | None = None
    city: str | None = None
    audience: str | None = None
    privacy_ok: str | None = None  # "1" once the user tapped OK under the privacy notice
    age: str | None = None  # optional age group: u16, 16_17, 18_26, parent
    inactive: str | None = None  # "1" after Telegram said the user blocked the bot

    @classmethod
    def from_fields(cls, data: dict[str, str]) -> Profile:
        return cls(**{k: data.get(k) for k in PROFILE_FIELDS})


PROFILE_FIELDS = ("lang", "city", "audience", "privacy_ok", "age", "inactive")


@dataclass(frozen=True)
class Session:
    misses: int = 0
    last_lang: str | None = None
    topics: tuple[str, ...] = ()  # topics answered lately, newest last (for the case card)
    ho_role: str | None = None  # a handover being prepared: the role asked for ...
    ho_about: str | None = None  # ... and what it is about ("-": something else)

    @classmethod
    def from_fields(cls, data: dict[str, str]) -> Session:
        return cls(int(data.get("misses", 0)), data.get("last_lang"),
                   tuple(filter(None, data.get("topics", "").split(","))),
                   data.get("ho_role") or None, data.get("ho_about") or None)


@dataclass(frozen=True)
class RateCount:
    """Messages of one user in the last 10 seconds (burst) and the last minute."""

    burst: int
    minute: int


BURST_SECONDS = 10
MINUTE_SECONDS = 60
SNIPPETS_KEPT = 5  # the user's last messages shown on a case card
MAX_SNIPPET = 500


class Store(Protocol):
    async def profile(self, user: str) -> Profile: ...
    async def update_profile(self, user: str, **fields: str) -> None: ...
    async def session(self, user: str) -> Session: ...
    async def update_session(self, user: str, **fields: str | int) -> None: ...
    async def remember_message(self, user: str, text: str) -> None: ...
    async def recent_messages(self, user: str) -> list[str]: ...
    async def first_delivery(self, update_id: int) -> bool: ...
    async def log_unanswered(self, text: str, lang: str, day: str) -> None: ...
    async def count_message(self, user: str, now: float, burst: bool = True) -> RateCount: ...
    async def first_rate_notice(self, user: str) -> bool: ...
    async def erase_user(self, user: str) -> None: ...
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


class RedisStore:
    """State in Redis so that several bot processes serve one user base."""

    def __init__(self, url: str, profile_ttl_days: int, unanswered_ttl_days: int = 90,
                 snippet_ttl_days: float = 30) -> None:
        self._redis = aioredis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
        )
        self._profile_ttl = profile_ttl_days * 86400
        self._unanswered_ttl = unanswered_ttl_days * 86400
        self._snippet_ttl = int(snippet_ttl_days * 86400)

    _run = staticmethod(guarded)

    async def profile(self, user: str) -> Profile:
        return Profile.from_fields(await self._run(self._redis.hgetall(keys.profile(user))))

    async def update_profile(self, user: str, **fields: str) -> None:
        key = keys.profile(user)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, self._profile_ttl)
            await self._run(pipe.execute())

    async def session(self, user: str) -> Session:
        return Session.from_fields(await self._run(self._redis.hgetall(keys.session(user))))

    async def update_session(self, user: str, **fields: str | int) -> None:
        key = keys.session(user)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, keys.SESSION_TTL)
            await self._run(pipe.execute())

    async def remember_message(self, user: str, text: str) -> None:
        key = keys.history(user)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, text[:MAX_SNIPPET])
            pipe.ltrim(key, -SNIPPETS_KEPT, -1)
            pipe.expire(key, self._snippet_ttl)
            await self._run(pipe.execute())

    async def recent_messages(self, user: str) -> list[str]:
        return list(await self._run(self._redis.lrange(keys.history(user), 0, -1)))

    async def first_delivery(self, update_id: int) -> bool:
        created = await self._run(
            self._redis.set(keys.update_seen(update_id), 1, nx=True, ex=keys.UPDATE_DEDUP_TTL)
        )
        return bool(created)

    async def log_unanswered(self, text: str, lang: str, day: str) -> None:
        key = keys.unanswered(day)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, f"{lang}\t{text}")
            pipe.expire(key, self._unanswered_ttl)
            await self._run(pipe.execute())

    async def count_message(self, user: str, now: float, burst: bool = True) -> RateCount:
        """Count one message in the sliding last 10 seconds and last minute (burst=False: only
        the minute, for button taps). Sliding, because fixed windows let a flood through
        twice over at a window boundary."""
        member = f"{now:.6f}:{secrets.token_hex(3)}"  # unique: two taps can share a timestamp
        counted_at = []
        async with self._redis.pipeline(transaction=True) as pipe:
            for window, seconds, add in (("burst", BURST_SECONDS, burst),
                                         ("minute", MINUTE_SECONDS, True)):
                key = keys.rate(user, window)
                pipe.zremrangebyscore(key, "-inf", now - seconds)
                if add:
                    pipe.zadd(key, {member: now})
                counted_at.append(len(pipe))
                pipe.zcard(key)
                pipe.expire(key, seconds * 2)
            results = await self._run(pipe.execute())
        return RateCount(*(int(results[i]) for i in counted_at))

    async def first_rate_notice(self, user: str) -> bool:
        return bool(await self._run(self._redis.set(keys.rate_notice(user), 1, nx=True, ex=60)))

    async def erase_user(self, user: str) -> None:
        """Delete everything stored under the user's pseudonym."""
        await self._run(self._redis.delete(
            keys.profile(user), keys.session(user), keys.rate_notice(user), keys.history(user),
            keys.rate(user, "burst"), keys.rate(user, "minute")))

    async def ping(self) -> None:
        await self._run(self._redis.ping())

    async def close(self) -> None:
        await self._redis.aclose()


class MemoryStore:
    """Process-local state for one-shot commands (`ask`) and the console without Redis."""

    def __init__(self) -> None:
        self._profiles: dict[str, dict[str, str]] = {}
        self._sessions: dict[str, Session] = {}
        self._seen: set[int] = set()
        self.unanswered: list[tuple[str, str, str]] = []
        self._bursts: dict[str, list[float]] = {}
        self._minutes: dict[str, list[float]] = {}
        self._noticed: set[str] = set()
        self._history: dict[str, list[str]] = {}

    async def profile(self, user: str) -> Profile:
        return Profile.from_fields(self._profiles.get(user, {}))

    async def update_profile(self, user: str, **fields: str) -> None:
        self._profiles.setdefault(user, {}).update(fields)

    async def session(self, user: str) -> Session:
        return self._sessions.get(user, Session())

    async def update_session(self, user: str, **fields: str | int) -> None:
        current = {k: v for k, v in asdict(self._sessions.get(user, Session())).items()
                   if v is not None}
        current["topics"] = ",".join(current.get("topics", ()))
        current.update({k: str(v) for k, v in fields.items()})
        self._sessions[user] = Session.from_fields(current)

    async def remember_message(self, user: str, text: str) -> None:
        history = self._history.setdefault(user, [])
        history.append(text[:MAX_SNIPPET])
        del history[:-SNIPPETS_KEPT]

    async def recent_messages(self, user: str) -> list[str]:
        return list(self._history.get(user, []))

    async def first_delivery(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        return True

    async def log_unanswered(self, text: str, lang: str, day: str) -> None:
        self.unanswered.append((day, lang, text))

    async def count_message(self, user: str, now: float, burst: bool = True) -> RateCount:
        bursts = [t for t in self._bursts.get(user, []) if t > now - BURST_SECONDS]
        minutes = [t for t in self._minutes.get(user, []) if t > now - MINUTE_SECONDS]
        bursts += [now] if burst else []
        minutes.append(now)
        self._bursts[user], self._minutes[user] = bursts, minutes
        return RateCount(len(bursts), len(minutes))

    async def first_rate_notice(self, user: str) -> bool:
        if user in self._noticed:
            return False
        self._noticed.add(user)
        return True

    async def erase_user(self, user: str) -> None:
        self._profiles.pop(user, None)
        self._sessions.pop(user, None)
        self._history.pop(user, None)
        self._noticed.discard(user)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
