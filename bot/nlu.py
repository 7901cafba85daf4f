"""Understanding through the Rasa NLU server (`POST /model/parse`) behind a small interface."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx
import structlog

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Parse:
    """What Rasa understood; `intent` is None when Rasa could not be asked."""

    intent: str | None
    confidence: float
    ranking: tuple[tuple[str, float], ...] = ()
    entities: dict[str, str] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.intent is not None

    @property
    def lead(self) -> float:
        """How far the best intent is ahead of the second (its confidence when alone)."""
        second = next((score for name, score in self.ranking if name != self.intent), 0.0)
        return self.confidence - second


UNKNOWN = Parse(intent=None, confidence=0.0)


def parse_from_rasa(data: dict) -> Parse:  # type: ignore[type-arg]
    """Rasa's /model/parse answer as a Parse (UNKNOWN when it names no intent)."""
    intent = (data.get("intent") or {}).get("name")
    if not intent:
        return UNKNOWN
    entities: dict[str, str] = {}
    for entity in data.get("entities") or ():
        # The first extractor wins; synonyms are already mapped to canonical values by Rasa.
        entities.setdefault(str(entity.get("entity")), str(entity.get("value")))
    ranking = tuple(
        (str(r["name"]), float(r["confidence"])) for r in data.get("intent_ranking") or ()
    )
    return Parse(str(intent), float(data["intent"].get("confidence", 0.0)), ranking, entities)


class RasaClient:
    """Calls Rasa through one shared httpx.AsyncClient; degrades to UNKNOWN on any HTTP failure."""

    def __init__(self, base_url: str, timeout: float, client: httpx.AsyncClient | None = None):
        self._client = client or httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._owns_client = client is None

    async def parse(self, text: str) -> Parse:
        started = time.perf_counter()
        try:
            response = await self._client.post("/model/parse", json={"text": text})
            response.raise_for_status()
            data = response.json()
        except httpx.HTTPError as exc:
            log.warning("rasa_unavailable", error=type(exc).__name__)
            return UNKNOWN
        except ValueError:
            log.warning("rasa_bad_response")
            return UNKNOWN
        log.debug("rasa_parsed", ms=round((time.perf_counter() - started) * 1000, 1))
        return parse_from_rasa(data)

    async def ready(self) -> bool:
        try:
            response = await self._client.get("/status")
            return response.status_code == 200
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        if self._owns_client:
            await self._client.aclose()
