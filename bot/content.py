"""Curated answers from content/: loading, lookup and the checks that keep them honest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.safety import CrisisPhrases

if TYPE_CHECKING:
    from bot.directory import Directory

STATUSES = ("reviewed", "machine", "missing")
KINDS = ("answer", "conversation")
MAX_CHARS = 4096
AIM_CHARS = 900
MAX_TITLE_CHARS = 28
STALE_AFTER_DAYS = 365


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    date: dt.date | None


@dataclass(frozen=True)
class Text:
    text: str
    status: str


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str
    checked_on: dt.date | None
    offer_person: bool
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    titles: dict[str, str]
    answer: dict[str, Text]
    parents: dict[str, Text] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get(_base(lang)) or self.id

    def text(self, lang: str, audience: str | None = None) -> tuple[str, str]:
        """Return (text, language it is in): the audience variant first, then the fallbacks."""
        variants = [self.parents, self.answer] if audience == "parent" else [self.answer]
        for variants_of in variants:
            for candidate in (lang, _base(lang), DEFAULT_LANGUAGE):
                entry = variants_of.get(candidate)
                if entry and entry.text.strip() and entry.status != "missing":
                    return entry.text.strip(), candidate
        return "", lang


def _base(lang: str) -> str:
    return lang.split("-")[0]


class ContentError(Exception):
    """A content file cannot be read at all."""


@dataclass(frozen=True)
class Occupation:
    """An occupation profile: an answer like a topic's, plus the names people use for it."""

    profile: Topic
    names: dict[str, tuple[str, ...]]
    duration_months: int | None


@dataclass
class Content:
    topics: dict[str, Topic]
    menu: tuple[str, ...]
    problems: list[str]
    directory: Directory | None = None
    occupations: dict[str, Occupation] = field(default_factory=dict)
    crisis: CrisisPhrases = field(default_factory=lambda: CrisisPhrases(()))

    def topic(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)


def _texts(raw: Any, where: str, problems: list[str]) -> dict[str, Text]:
    texts: dict[str, Text] = {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: must map language codes to {{status, text}}")
        return texts
    for lang, entry in raw.items():
        if lang not in LANGUAGES:
            problems.append(f"{where}.{lang}: unknown language code")
            continue
        if not isinstance(entry, dict) or "text" not in entry:
            problems.append(f"{where}.{lang}: needs `status` and `text`")
            continue
        status = entry.get("status", "missing")
        if status not in STATUSES:
            problems.append(f"{where}.{lang}: status must be one of {', '.join(STATUSES)}")
        texts[lang] = Text(text=str(entry.get("text") or ""), status=str(status))
    return texts


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return None


def _read(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML ({exc.__class__.__name__})")
        return None
    return raw if isinstance(raw, dict) else None


def _topic(path: Path, problems: list[str], raw: dict[str, Any] | None = None) -> Topic | None:
    where = path.name
    raw = raw if raw is not None else _read(path, problems)
    if raw is None or "topic" not in raw:
        problems.append(f"{where}: needs a `topic` field")
        return None
    sources = []
    for index, src in enumerate(raw.get("sources") or []):
        if not isinstance(src, dict) or not src.get("url") or not src.get("title"):
            problems.append(f"{where}: sources[{index}] needs `title` and `url`")
            continue
        try:
            sources.append(Source(str(src["title"]), str(src["url"]), _date(src.get("date"))))
        except ValueError:
            problems.append(f"{where}: sources[{index}].date must be YYYY-MM-DD or null")
    try:
        checked_on = _date(raw.get("checked_on"))
    except ValueError:
        problems.append(f"{where}: checked_on must be YYYY-MM-DD")
        checked_on = None
    titles = raw.get("title") or {}
    if not isinstance(titles, dict):
        problems.append(f"{where}: title must map language codes to labels")
        titles = {}
    return Topic(
        id=str(raw["topic"]),
        kind=str(raw.get("kind", "answer")),
        checked_on=checked_on,
        offer_person=bool(raw.get("offer_person", False)),
        related=tuple(str(t) for t in raw.get("related") or ()),
        sources=tuple(sources),
        titles={str(k): str(v) for k, v in titles.items()},
        answer=_texts(raw.get("answer"), f"{where}: answer", problems),
        parents=_texts(raw["parents"], f"{where}: parents", problems) if "parents" in raw else {},
    )


def load_content(root: Path) -> Content:
    """Read every topic file and the menu; problems are collected, not raised."""
    problems: list[str] = []
    topics: dict[str, Topic] = {}
    topic_dir = root / "topics"
    if not topic_dir.is_dir():
        raise ContentError(f"no topics folder at {topic_dir}")
    for path in sorted(topic_dir.glob("*.yml")):
        topic = _topic(path, problems)
        if topic is None:
            continue
        if path.stem != topic.id:
            problems.append(f"{path.name}: file name must be the topic id {topic.id!r}")
        topics[topic.id] = topic
    menu_file = root / "menu.yml"
    menu: tuple[str, ...] = ()
    if menu_file.exists():
        menu = tuple(yaml.safe_load(menu_file.read_text(encoding="utf-8")).get("menu") or ())
    from bot.directory import load_directory  # the directory reuses Source from here

    directory = load_directory(root) if (root / "directory" / "offices.yml").exists() else None
    return Content(topics=topics, menu=menu, problems=problems, directory=directory,
                   occupations=_occupations(root / "occupations", problems),
                   crisis=CrisisPhrases.load(root / "safety" / "crisis_phrases.yml"))


def _occupations(folder: Path, problems: list[str]) -> dict[str, Occupation]:
    found: dict[str, Occupation] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else ():
        raw = _read(path, problems)
        if raw is None or "id" not in raw:
            problems.append(f"occupations/{path.name}: needs an `id` field")
            continue
        profile = _topic(path, problems, {**raw, "topic": raw["id"], "kind": "answer"})
        if profile is None:
            continue
        if path.stem != profile.id:
            problems.append(f"occupations/{path.name}: file name must be the id {profile.id!r}")
        names = {str(lang): tuple(str(n) for n in values or ())
                 for lang, values in (raw.get("names") or {}).items()}
        duration = raw.get("duration_months")
        found[profile.id] = Occupation(profile, names, int(duration) if duration else None)
    return found
