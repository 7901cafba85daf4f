"""`python -m bot content check|status`: keep the knowledge base complete, sourced and current."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from bot.content import (
    AIM_CHARS,
    KINDS,
    MAX_CHARS,
    MAX_TITLE_CHARS,
    STALE_AFTER_DAYS,
    Content,
    Topic,
    load_content,
)
from bot.directory import problems as directory_problems
from bot.i18n import LANGUAGES

NOT_A_TOPIC_FILE = {"out_of_scope"}  # answered with interface strings


def catalogue_ids(root: Path) -> list[str]:
    data = yaml.safe_load((root / "catalogue.yml").read_text(encoding="utf-8"))
    return [t["id"] for t in data["topics"]]


def problems(root: Path, today: dt.date | None = None) -> tuple[list[str], list[str]]:
    """Return (errors, warnings) for the whole content folder."""
    today = today or dt.date.today()
    content = load_content(root)
    errors = list(content.problems)
    warnings: list[str] = []
    ids = catalogue_ids(root)
    for topic_id in ids:
        if topic_id not in NOT_A_TOPIC_FILE and topic_id not in content.topics:
            errors.append(f"{topic_id}: no file content/topics/{topic_id}.yml")
    for topic in content.topics.values():
        if topic.id not in ids:
            errors.append(f"{topic.id}: not in the topic catalogue (content/catalogue.yml)")
        _entry_problems(topic, topic.id, content, today, errors, warnings)
    owners: dict[str, str] = {}
    for occupation in content.occupations.values():
        where = f"occupations/{occupation.profile.id}"
        _entry_problems(occupation.profile, where, content, today, errors, warnings)
        for lang in LANGUAGES:
            if not occupation.names.get(lang):
                errors.append(f"{where}: names.{lang} is missing")
        for name in {n.lower() for names in occupation.names.values() for n in names}:
            other = owners.setdefault(name, occupation.profile.id)
            if other != occupation.profile.id:
                errors.append(f"{where}: name {name!r} is also used by {other}")
    if content.directory is None:
        errors.append("directory/offices.yml is missing")
    else:
        errors.extend(directory_problems(content.directory, set(content.topics), today))
    for topic_id in content.menu:
        if topic_id not in content.topics:
            errors.append(f"menu.yml: topic {topic_id!r} does not exist")
    return errors, warnings


def _entry_problems(topic: Topic, where: str, content: Content, today: dt.date,
                    errors: list[str], warnings: list[str]) -> None:
    """Checks shared by topics and occupation profiles."""
    if topic.kind not in KINDS:
        errors.append(f"{where}: kind must be one of {', '.join(KINDS)}")
    if topic.kind == "answer" and not topic.sources:
        errors.append(f"{where}: an answer needs at least one source")
    if topic.checked_on is None:
        errors.append(f"{where}: checked_on is missing")
    elif (today - topic.checked_on).days > STALE_AFTER_DAYS:
        errors.append(f"{where}: checked_on {topic.checked_on} is older than 12 months")
    for related in topic.related:
        if related not in content.topics:
            errors.append(f"{where}: related topic {related!r} does not exist")
    for lang in LANGUAGES:
        title = topic.titles.get(lang, "")
        if not title:
            errors.append(f"{where}: title.{lang} is missing")
        elif len(title) > MAX_TITLE_CHARS:
            warnings.append(f"{where}: title.{lang} is {len(title)} characters "
                            f"(buttons show about {MAX_TITLE_CHARS})")
        for variant_name, variant in (("answer", topic.answer), ("parents", topic.parents)):
            if variant_name == "parents" and not topic.parents:
                continue
            entry = variant.get(lang)
            if entry is None or entry.status == "missing" or not entry.text.strip():
                errors.append(f"{where}: {variant_name}.{lang} is missing")
                continue
            length = len(entry.text.strip())
            if length > MAX_CHARS - 600:  # room for the sources footer
                errors.append(f"{where}: {variant_name}.{lang} is {length} characters "
                              f"(limit {MAX_CHARS - 600})")
            elif length > AIM_CHARS:
                warnings.append(f"{where}: {variant_name}.{lang} is {length} characters "
                                f"(aim for {AIM_CHARS})")


def check(root: Path) -> int:
    errors, warnings = problems(root)
    for line in warnings:
        print(f"warning: {line}")
    for line in errors:
        print(f"error: {line}")
    topics = len(load_content(root).topics)
    print(f"{topics} topics, {len(LANGUAGES)} languages: "
          f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


def coverage(content: Content) -> dict[str, dict[str, list[str]]]:
    """Per language: the topics whose answer is reviewed, machine-written or missing."""
    table: dict[str, dict[str, list[str]]] = {
        lang: {"reviewed": [], "machine": [], "missing": []} for lang in LANGUAGES
    }
    entries = [(t.id, t) for t in content.topics.values()]
    entries += [(f"occupations/{o.profile.id}", o.profile) for o in content.occupations.values()]
    for name, topic in entries:
        for lang in LANGUAGES:
            entry = topic.answer.get(lang)
            state = "missing" if entry is None or not entry.text.strip() else entry.status
            table[lang][state].append(name)
    return table


def status(root: Path, lang: str | None) -> int:
    content = load_content(root)
    table = coverage(content)
    total = len(content.topics) + len(content.occupations)
    print(f"{len(content.topics)} topics and {len(content.occupations)} occupation profiles\n")
    print(f"{'language':<10} {'coverage':>8} {'reviewed':>9} {'machine':>8} {'missing':>8}")
    for code in LANGUAGES:
        row = table[code]
        covered = total - len(row["missing"])
        percent = 100.0 * covered / total if total else 0.0
        print(f"{code:<10} {percent:>7.1f}% {len(row['reviewed']):>9} "
              f"{len(row['machine']):>8} {len(row['missing']):>8}")
    if lang:
        print(f"\n{lang}: awaiting review (machine-written):")
        for topic_id in sorted(table[lang]["machine"]):
            print(f"  {topic_id}")
        print(f"{lang}: missing:")
        for topic_id in sorted(table[lang]["missing"]):
            print(f"  {topic_id}")
    return 0
