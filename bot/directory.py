"""The regional directory (content/directory/): which offices serve which city."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.content import Source
from bot.i18n import LANGUAGES

# Order in which kinds are listed: the most specific help for young people first.
KIND_ORDER = ("jba", "agentur", "jmd", "mbe", "ki", "ihk", "hwk", "wbk", "online")
ALL = "all"


@dataclass(frozen=True)
class Office:
    id: str
    kind: str
    name: str
    serves: tuple[str, ...]
    topics: tuple[str, ...]
    url: str | None
    phone: str | None
    address: str | None
    sources: tuple[Source, ...]
    checked_on: dt.date | None
    caveat: dict[str, str] = field(default_factory=dict)

    def serves_city(self, city: str) -> bool:
        return ALL in self.serves or city in self.serves


@dataclass
class Directory:
    offices: tuple[Office, ...]
    kinds: dict[str, dict[str, str]]
    cities: tuple[str, ...]

    def for_city(self, city: str, topic: str) -> list[Office]:
        found = [o for o in self.offices if o.serves_city(city) and topic in o.topics]
        return sorted(found, key=lambda o: (KIND_ORDER.index(o.kind)
                                            if o.kind in KIND_ORDER else 99, o.name))

    def kind_label(self, kind: str, lang: str) -> str:
        labels = self.kinds.get(kind, {})
        return labels.get(lang) or labels.get("de") or kind

    def canonical_city(self, value: str | None) -> str | None:
        if not value:
            return None
        lowered = value.strip().lower()
        return next((c for c in self.cities if c.lower() == lowered), None)


def _source(raw: dict[str, Any]) -> Source:
    date = raw.get("date")
    return Source(str(raw["title"]), str(raw["url"]),
                  date if isinstance(date, dt.date) else None)


def load_directory(root: Path) -> Directory:
    folder = root / "directory"
    raw = yaml.safe_load((folder / "offices.yml").read_text(encoding="utf-8")) or {}
    kinds = yaml.safe_load((folder / "kinds.yml").read_text(encoding="utf-8")) or {}
    catalogue = yaml.safe_load((root / "catalogue.yml").read_text(encoding="utf-8"))
    offices = tuple(
        Office(
            id=str(o["id"]), kind=str(o["kind"]), name=str(o["name"]),
            serves=tuple(o.get("serves") or ()), topics=tuple(o.get("topics") or ()),
            url=o.get("url"), phone=o.get("phone"), address=o.get("address"),
            sources=tuple(_source(s) for s in o.get("sources") or ()),
            checked_on=o.get("checked_on"),
            caveat={k: str(v) for k, v in (o.get("caveat") or {}).items()},
        )
        for o in raw.get("offices") or ()
    )
    return Directory(offices=offices, kinds=kinds.get("kinds") or {},
                     cities=tuple(catalogue["cities"]))


def problems(directory: Directory, topic_ids: set[str], today: dt.date) -> list[str]:
    """What the content check reports about the directory."""
    errors: list[str] = []
    for office in directory.offices:
        where = f"directory/{office.id}"
        if office.kind not in directory.kinds:
            errors.append(f"{where}: kind {office.kind!r} has no labels in kinds.yml")
        for city in office.serves:
            if city != ALL and city not in directory.cities:
                errors.append(f"{where}: serves unknown city {city!r}")
        for topic in office.topics:
            if topic not in topic_ids:
                errors.append(f"{where}: unknown topic {topic!r}")
        if not office.sources:
            errors.append(f"{where}: needs at least one source")
        if office.checked_on is None:
            errors.append(f"{where}: checked_on is missing")
        elif (today - office.checked_on).days > 365:
            errors.append(f"{where}: checked_on {office.checked_on} is older than 12 months")
        if office.caveat:
            for lang in LANGUAGES:
                if not office.caveat.get(lang):
                    errors.append(f"{where}: caveat.{lang} is missing")
    for kind, labels in directory.kinds.items():
        for lang in LANGUAGES:
            if not labels.get(lang):
                errors.append(f"directory/kinds.yml: {kind}.{lang} is missing")
    for city in directory.cities:
        kinds = {o.kind for o in directory.offices if o.serves_city(city)}
        if "agentur" not in kinds:
            errors.append(f"directory: no Agentur für Arbeit serves {city}")
        if not kinds & {"jmd", "mbe", "online"}:
            errors.append(f"directory: no migration counselling serves {city}")
    return errors
