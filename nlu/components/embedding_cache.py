"""Sentence vectors kept on disk by encoder and text, so retraining embeds only new messages."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

Encode = Callable[[list[str]], np.ndarray]


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class EmbeddingCache:
    """One `.npz` file per encoder name: 16-byte text hashes (uint8 rows) and float32 vectors.

    Only the texts of the current training data are written back, so removed messages do not
    pile up. The file is replaced atomically; an unreadable file is treated as empty.
    """

    def __init__(self, directory: str | os.PathLike, encoder_name: str, dim: int) -> None:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in encoder_name)
        self.path = Path(directory) / f"{safe}.npz"
        self.dim = dim

    def _load(self) -> dict[bytes, np.ndarray]:
        try:
            with np.load(self.path) as data:
                keys, vectors = data["key_bytes"], data["vectors"]
        except (OSError, ValueError, KeyError):
            return {}
        if (vectors.ndim != 2 or vectors.shape[1] != self.dim or keys.shape != (len(vectors), 16)
                or keys.dtype != np.uint8):
            return {}
        return {k.tobytes(): v for k, v in zip(keys, vectors)}

    def vectors(self, texts: list[str], encode: Encode, batch: int = 64) -> np.ndarray:
        """Vectors for `texts` in order; the ones not cached yet are encoded in batches."""
        known = self._load()
        keys = [text_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            encoded = encode([t for _, t in chunk])
            for (key, _), vector in zip(chunk, encoded):
                known[key] = np.asarray(vector, dtype=np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = known[key]
        self._save({k: known[k] for k in dict.fromkeys(keys)})
        return out

    def _save(self, entries: dict[bytes, np.ndarray]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # raw bytes, not numpy's "S16": that strips trailing NUL bytes, so 1 key in 256 (a
        # digest ending in 0x00) was never found again and its text was re-encoded every time
        keys = np.frombuffer(b"".join(entries), dtype=np.uint8).reshape(len(entries), 16)
        vectors = (np.vstack(list(entries.values())) if entries
                   else np.zeros((0, self.dim), dtype=np.float32))
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as stream:
                np.savez(stream, key_bytes=keys, vectors=vectors.astype(np.float32))
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
