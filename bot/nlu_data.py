"""Generate Rasa lookup tables and synonyms from content/ so names live in one place."""

from __future__ import annotations

from pathlib import Path

from bot.content import Content

HEADER = ("# Generated from content/occupations/*.yml by `python -m bot nlu lookups`; "
          "do not edit.\n"
          "# Every name people use for an occupation, mapped to the occupation's id.\n")


def _quote(name: str) -> str:
    return name.replace("\n", " ").strip()


def occupation_lookup(content: Content) -> str:
    """Rasa NLU YAML: one `occupation` lookup table and one synonym block per occupation."""
    lines = [HEADER, 'version: "3.1"', "nlu:", "- lookup: occupation", "  examples: |"]
    seen: set[str] = set()
    per_id: dict[str, list[str]] = {}
    for occupation_id, occupation in sorted(content.occupations.items()):
        for names in occupation.names.values():
            for name in names:
                key = _quote(name).lower()
                if len(key) < 3 or key in seen:
                    continue  # too short to match safely inside text, or already listed
                seen.add(key)
                lines.append(f"    - {_quote(name)}")
                per_id.setdefault(occupation_id, []).append(_quote(name))
    for occupation_id, names in per_id.items():
        lines += [f"- synonym: {occupation_id}", "  examples: |"]
        lines += [f"    - {name}" for name in names]
    return "\n".join(lines) + "\n"


def lookup_path(root: Path) -> Path:
    return root / "nlu" / "data" / "lookups" / "occupation.yml"
