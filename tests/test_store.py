"""One contract for the state store, run against the real Redis and the memory store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis

from bot import keys
from bot.store import MemoryStore, Profile, RateCount, RedisStore, Store, StoreUnavailable

from conftest import RedisServer, free_port


@pytest.fixture(params=["redis", "memory"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        instance: Store = RedisStore(url, profile_ttl_days=180)
    else:
        instance = MemoryStore()
    yield instance
    await instance.close()


async def test_profile_roundtrip(store: Store) -> None:
    assert await store.profile("p1") == Profile()
    await store.update_profile("p1", lang="tr")
    await store.update_profile("p1", city="Marl")
    assert await store.profile("p1") == Profile(lang="tr", city="Marl")
    assert await store.profile("p2") == Profile()


async def test_session_roundtrip(store: Store) -> None:
    session = await store.session("s1")
    assert (session.misses, session.last_lang) == (0, None)
    await store.update_session("s1", misses=2, last_lang="ar")
    session = await store.session("s1")
    assert (session.misses, session.last_lang) == (2, "ar")


async def test_first_delivery_only_once(store: Store) -> None:
    assert await store.first_delivery(42) is True
    assert await store.first_delivery(42) is False
    assert await store.first_delivery(43) is True


async def test_redis_keys_expire(redis_url: str) -> None:
    store = RedisStore(redis_url, profile_ttl_days=2)
    await store.update_profile("t1", lang="de")
    await store.update_session("t1", misses=1, last_lang="de")
    await store.first_delivery(7)
    await store.log_unanswered("x", "de", "2026-11-27")
    await store.close()
    client = redis.Redis.from_url(redis_url)
    assert 0 < client.ttl(keys.profile("t1")) <= 2 * 86400
    assert 0 < client.ttl(keys.session("t1")) <= keys.SESSION_TTL
    assert 0 < client.ttl(keys.update_seen(7)) <= keys.UPDATE_DEDUP_TTL
    assert 0 < client.ttl(keys.unanswered("2026-11-27")) <= 90 * 86400
    stored = client.lrange(keys.unanswered("2026-11-27"), 0, -1)
    assert stored == [b"de\tx"]


async def test_redis_state_is_shared_between_instances(redis_url: str) -> None:
    first, second = RedisStore(redis_url, 180), RedisStore(redis_url, 180)
    await first.update_profile("shared", lang="fa")
    assert (await second.profile("shared")).lang == "fa"
    assert await first.first_delivery(99) is True
    assert await second.first_delivery(99) is False
    await first.close()
    await second.close()


async def test_unreachable_redis_raises_store_unavailable() -> None:
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0", 180)
    with pytest.raises(StoreUnavailable):
        await store.profile("nobody")
    await store.close()


async def test_redis_restart_is_survived(redis_server: RedisServer, redis_url: str) -> None:
    store = RedisStore(redis_url, 180)
    await store.update_profile("r1", lang="pl")
    redis_server.stop()
    with pytest.raises(StoreUnavailable):
        await store.profile("r1")
    redis_server.start()
    # AOF keeps the data; the same client object reconnects by itself.
    assert (await store.profile("r1")).lang == "pl"
    await store.close()


async def test_rate_counts_in_sliding_windows_and_notice_once(store: Store) -> None:
    first = await store.count_message("r", 1000.0)
    second = await store.count_message("r", 1001.0)
    later = await store.count_message("r", 1015.0)  # more than 10 s after both, same minute
    assert (first.burst, second.burst, later.burst) == (1, 2, 1)
    assert later.minute == 3
    assert await store.first_rate_notice("r") is True
    assert await store.first_rate_notice("r") is False
    assert (await store.count_message("other", 1000.0)).burst == 1
    # A button tap counts per minute only; it neither adds to nor resets the burst.
    tap = await store.count_message("r", 1016.0, burst=False)
    assert (tap.burst, tap.minute) == (1, 4)
    # Sliding, not fixed: messages either side of a 10-second (and minute) boundary add up.
    edge = [await store.count_message("b", t) for t in (1019.5, 1019.9, 1020.1, 1020.4)]
    assert [c.burst for c in edge] == [1, 2, 3, 4]
    assert edge[-1].minute == 4
    # And a minute later everything has slid out.
    assert await store.count_message("b", 1081.0) == RateCount(1, 1)


async def test_erase_user_removes_profile_session_and_counters(store: Store) -> None:
    await store.update_profile("e", lang="ar", city="Herten")
    await store.update_session("e", misses=1, last_lang="ar")
    await store.count_message("e", 50.0)
    await store.first_rate_notice("e")
    await store.update_profile("keep", lang="pl")
    await store.erase_user("e")
    assert await store.profile("e") == Profile()
    assert (await store.session("e")).misses == 0
    assert await store.first_rate_notice("e") is True
    assert (await store.profile("keep")).lang == "pl"


async def test_erase_user_leaves_no_redis_key(redis_url: str) -> None:
    store = RedisStore(redis_url, 180)
    await store.update_profile("gone", lang="ar")
    await store.count_message("gone", 10.0)
    await store.erase_user("gone")
    await store.close()
    client = redis.Redis.from_url(redis_url)
    assert [k for k in client.scan_iter() if b"gone" in k] == []
