"""Every Redis key the bot uses, built in one place, with its time to live."""

from __future__ import annotations

PREFIX = "lotse"

# Seconds. Profiles are refreshed on every message; sessions are short-lived conversation state.
SESSION_TTL = 60 * 60 * 24
UPDATE_DEDUP_TTL = 60 * 60 * 24


def profile(user: str) -> str:
    """Hash: language, city, audience of one user (by pseudonym)."""
    return f"{PREFIX}:profile:{user}"


def session(user: str) -> str:
    """Hash: short conversation state (misses in a row, last answer language)."""
    return f"{PREFIX}:session:{user}"


def update_seen(update_id: int) -> str:
    """Marker that an update was handled (duplicate deliveries are dropped)."""
    return f"{PREFIX}:update:{update_id}"


def rate(user: str, window: str) -> str:
    """Counter of one user's messages in one time window (rate limiting)."""
    return f"{PREFIX}:rate:{user}:{window}"


def rate_notice(user: str) -> str:
    """Marker that the user was told they are writing too fast (told once per minute)."""
    return f"{PREFIX}:rate-notice:{user}"


def unanswered(day: str) -> str:
    """List of anonymised questions the bot could not answer, one list per day."""
    return f"{PREFIX}:unanswered:{day}"
