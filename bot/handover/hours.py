"""Office hours per role, in Europe/Berlin, closed on the public holidays of NRW."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

BERLIN = ZoneInfo("Europe/Berlin")
DAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")
ALWAYS = "24/7"
_RANGE = re.compile(
    r"^\s*([a-z]{2})(?:\s*-\s*([a-z]{2}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class HoursError(ValueError):
    """An office-hours setting that cannot be read."""


@dataclass(frozen=True)
class OfficeHours:
    """Parsed from e.g. "Mo-Fr 09:00-17:00; Sa 10:00-13:00" (German day names) or "24/7"."""

    spec: str
    holiday_subdiv: str | None = "NW"

    @cached_property
    def windows(self) -> dict[int, list[tuple[dt.time, dt.time | None]]]:
        """Weekday (0 = Monday) -> list of (start, end); end None means midnight."""
        if self.always:
            return {}
        windows: dict[int, list[tuple[dt.time, dt.time | None]]] = {}
        for part in filter(None, (p.strip() for p in self.spec.lower().split(";"))):
            match = _RANGE.match(part)
            if not match or match.group(1) not in DAYS or (
                    match.group(2) and match.group(2) not in DAYS):
                raise HoursError(f"cannot read office hours {part!r} (e.g. 'Mo-Fr 09:00-17:00')")
            first = DAYS.index(match.group(1))
            last = DAYS.index(match.group(2) or match.group(1))
            h1, m1, h2, m2 = (int(g) for g in match.groups()[2:])
            if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
                raise HoursError(f"impossible time in {part!r}")
            start = dt.time(h1, m1)
            end = None if h2 == 24 else dt.time(h2, m2)
            if end is not None and end <= start:
                raise HoursError(f"end before start in {part!r}")
            for day in range(first, last + 1):
                windows.setdefault(day, []).append((start, end))
        if not windows:
            raise HoursError("office hours are empty (use '24/7' for always)")
        return windows

    @property
    def always(self) -> bool:
        return self.spec.strip() == ALWAYS

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | None:
        if self.always or not self.holiday_subdiv:
            return None
        return holidays.country_holidays("DE", subdiv=self.holiday_subdiv)

    def is_holiday(self, day: dt.date) -> bool:
        return self._holidays is not None and day in self._holidays

    def is_open(self, when: dt.datetime) -> bool:
        if self.always:
            return True
        local = when.astimezone(BERLIN)
        if self.is_holiday(local.date()):
            return False
        now = local.time()
        return any(start <= now and (end is None or now < end)
                   for start, end in self.windows.get(local.weekday(), []))

    def next_open(self, when: dt.datetime) -> dt.datetime:
        """When staff are next available: `when` itself if open now (aware, Europe/Berlin)."""
        local = when.astimezone(BERLIN)
        if self.is_open(local):
            return local
        for offset in range(0, 15):  # two weeks covers every holiday cluster
            day = local.date() + dt.timedelta(days=offset)
            if self.is_holiday(day):
                continue
            for start, _ in sorted(self.windows.get(day.weekday(), [])):
                candidate = dt.datetime.combine(day, start, tzinfo=BERLIN)
                if candidate > local:
                    return candidate
        raise HoursError("no opening time within two weeks")
