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
    """Timestamps of one user's recent messages in one sliding window (rate limiting)."""
    return f"{PREFIX}:rate:{user}:{window}"


def rate_notice(user: str) -> str:
    """Marker that the user was told they are writing too fast (told once per minute)."""
    return f"{PREFIX}:rate-notice:{user}"


def unanswered(day: str) -> str:
    """List of anonymised questions the bot could not answer, one list per day."""
    return f"{PREFIX}:unanswered:{day}"


def history(user: str) -> str:
    """List: the user's last few messages, for the case card (expire after the snippet TTL)."""
    return f"{PREFIX}:history:{user}"


# --- handover: cases, queues and staff ----------------------------------------------------------

def case(case_id: int) -> str:
    """Hash: one case (who, language, role, where its forum topic is, status, times)."""
    return f"{PREFIX}:case:{case_id}"


def case_seq() -> str:
    """Counter for case numbers (#123)."""
    return f"{PREFIX}:case-seq"


def active_case(user: str) -> str:
    """The number of the user's open case; while it exists their messages go to people."""
    return f"{PREFIX}:active-case:{user}"


def last_case(user: str) -> str:
    """The user's last closed case, kept for the reopen window."""
    return f"{PREFIX}:last-case:{user}"


def user_cases(user: str) -> str:
    """Set: every case number of one user (for /mydata and /delete)."""
    return f"{PREFIX}:user-cases:{user}"


def case_thread(chat: int, thread: int) -> str:
    """Which case a forum topic belongs to."""
    return f"{PREFIX}:thread:{chat}:{thread}"


def queue(role: str) -> str:
    """Sorted set of unclaimed cases of one role, by when they were opened (urgent first)."""
    return f"{PREFIX}:queue:{role}"


def open_cases() -> str:
    """Sorted set of open cases by last activity (for re-announcing and auto-closing)."""
    return f"{PREFIX}:open-cases"


def closed_cases() -> str:
    """Sorted set of closed cases by closing time (for anonymising after the retention time)."""
    return f"{PREFIX}:closed-cases"


def waits(role: str) -> str:
    """List of recent waiting times in seconds until a case was taken (for the expected wait)."""
    return f"{PREFIX}:waits:{role}"


def staff(staff_id: int) -> str:
    """Hash: a staff profile set by /profile in a staff group (overrides the staff file)."""
    return f"{PREFIX}:staff:{staff_id}"


def staff_index() -> str:
    """Set of staff ids with a profile in Redis."""
    return f"{PREFIX}:staff-ids"


def blocked(user: str) -> str:
    """Marker: staff blocked this user from cases (expires)."""
    return f"{PREFIX}:blocked:{user}"


def sweep_lock() -> str:
    """Only one bot process runs the periodic sweep at a time."""
    return f"{PREFIX}:sweep-lock"
