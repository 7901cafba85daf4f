"""Staff profiles (counsellors and peer multipliers) and who gets which case."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from bot import i18n


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    PEER = "peer"


class StaffFileError(ValueError):
    """The staff file cannot be read; the message names the entry."""


@dataclass(frozen=True)
class StaffMember:
    id: int  # Telegram user id (staff are adults at work; never logged)
    role: Role
    name: str  # display name users see
    languages: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()

    def speaks(self, lang: str) -> bool:
        base = "de" if lang == "de-simple" else lang
        return base in self.languages

    def as_fields(self) -> dict[str, str]:
        return {"role": self.role.value, "name": self.name, "languages": ",".join(self.languages),
                "cities": ",".join(self.cities)}

    @classmethod
    def from_fields(cls, staff_id: int, fields: dict[str, str]) -> StaffMember:
        return cls(staff_id, Role(fields["role"]), fields["name"],
                   tuple(filter(None, fields.get("languages", "").split(","))),
                   tuple(filter(None, fields.get("cities", "").split(","))))


def parse_languages(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Keep supported language codes (plain German counts as German)."""
    found = []
    for value in values:
        code = i18n.normalise(value.strip().lower())
        code = "de" if code == "de-simple" else code
        if code and code not in found:
            found.append(code)
    return tuple(found)


def load_staff_file(path: Path | None) -> dict[int, StaffMember]:
    """Read the staff file (YAML list under `staff:`); a missing file means no profiles yet."""
    if path is None or not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    members: dict[int, StaffMember] = {}
    for number, entry in enumerate(raw.get("staff") or [], start=1):
        try:
            member = StaffMember(
                id=int(entry["id"]), role=Role(entry["role"]), name=str(entry["name"]).strip(),
                languages=parse_languages(entry.get("languages") or []),
                cities=tuple(str(c) for c in entry.get("cities") or []),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise StaffFileError(f"{path}: staff entry {number} is invalid ({exc})") from None
        if not member.name:
            raise StaffFileError(f"{path}: staff entry {number} has no name")
        members[member.id] = member
    return members


def first_choice(members: list[StaffMember], lang: str, city: str | None) -> list[StaffMember]:
    """Who is told first about a case: speakers of the user's language, those of the city first.

    Nobody speaks it: everybody of the role (the case card says so)."""
    speakers = [m for m in members if m.speaks(lang)]
    if not speakers:
        return members
    return sorted(speakers, key=lambda m: (city not in m.cities, m.name))
