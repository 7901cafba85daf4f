"""Tests of the custom Rasa components, run inside Rasa's venv (`make nlu-component-test`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from threadpoolctl import threadpool_info

from components.encoders import load_encoder
from components.sentence_embedding import SentenceEmbeddingFeaturizer
from components.svm_classifier import SentenceSVMClassifier

EXAMPLES = {
    "training.duration": ["wie lange dauert eine ausbildung", "how long is an apprenticeship",
                          "ausbildung ne kadar sürer", "сколько длится обучение",
                          "ile trwa ausbildung", "wie viele jahre ausbildung"],
    "training.pay": ["was verdient man als azubi", "how much do apprentices earn",
                     "azubi maaşı ne kadar", "сколько платят азуби", "ile zarabia azubi",
                     "gehalt in der ausbildung"],
    "meta.greet": ["hallo", "hi there", "merhaba", "привет", "cześć", "guten tag"],
}


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test-model")


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def messages(texts: list[str]) -> list[Message]:
    return [Message(data={TEXT: t}) for t in texts]


def tokenizer() -> WhitespaceTokenizer:
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


def featurizer(context: ExecutionContext, **config: object) -> SentenceEmbeddingFeaturizer:
    node = ExecutionContext(context.graph_schema, context.model_id)
    node.node_name = "embed"
    return SentenceEmbeddingFeaturizer.create(
        {**SentenceEmbeddingFeaturizer.get_default_config(), "cache_dir": None, **config},
        None, None, node)


def test_featurizer_adds_sentence_and_sequence_features(context: ExecutionContext) -> None:
    batch = messages(["wie lange dauert eine ausbildung", "hi"])
    tokenizer().process(batch)
    featurizer(context, sequence_features=True).process(batch)
    for message in batch:
        sequence, sentence = message.get_dense_features(TEXT)
        assert sentence.features.shape == (1, 384)
        assert sequence.features.shape == (len(message.get("text_tokens")), 384)
        assert abs(np.linalg.norm(sentence.features) - 1.0) < 1e-3


def test_featurizer_adds_only_the_sentence_feature_by_default(context: ExecutionContext) -> None:
    batch = messages(["wie lange dauert eine ausbildung"])
    tokenizer().process(batch)
    featurizer(context).process(batch)
    sequence, sentence = batch[0].get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, 384)


def test_embedding_carries_meaning_across_languages(context: ExecutionContext) -> None:
    batch = messages(["wie lange dauert eine ausbildung", "how long does an apprenticeship take",
                      "what is the weather tomorrow"])
    tokenizer().process(batch)
    featurizer(context).process(batch)
    de, en, weather = (m.get_dense_features(TEXT)[1].features[0] for m in batch)
    assert de @ en > de @ weather


def test_scale_multiplies_the_embedding(context: ExecutionContext) -> None:
    one, two = messages(["hallo"]), messages(["hallo"])
    featurizer(context).process(one)
    featurizer(context, scale=3.0).process(two)
    a = one[0].get_dense_features(TEXT)[1].features
    b = two[0].get_dense_features(TEXT)[1].features
    assert np.allclose(b, 3 * a, atol=1e-5)


def test_bad_config_is_rejected() -> None:
    with pytest.raises(ValueError):
        SentenceEmbeddingFeaturizer.validate_config({"scale": 0})
    with pytest.raises(ValueError):
        load_encoder("no-such-encoder")
    with pytest.raises(ValueError):
        SentenceSVMClassifier.validate_config({"min_df": 0})


def _featurised(context: ExecutionContext, storage: LocalModelStorage, texts: list[str],
                train: TrainingData | None = None) -> tuple[list[Message], CountVectorsFeaturizer]:
    batch = messages(texts)
    tokenizer().process(batch)
    resource = Resource("cv")
    counts = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb",
         "min_ngram": 2, "max_ngram": 4}, storage, resource, context)
    if train is not None:
        counts.train(train)
    return batch, counts


def training_data(context: ExecutionContext) -> TrainingData:
    examples = [Message(data={TEXT: t, "intent": intent})
                for intent, texts in EXAMPLES.items() for t in texts]
    tokenizer().process(examples)
    data = TrainingData(training_examples=examples)
    return data


def test_classifier_trains_predicts_and_survives_persistence(
        context: ExecutionContext, storage: LocalModelStorage) -> None:
    data = training_data(context)
    resource = Resource("cv")
    counts = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb",
         "min_ngram": 2, "max_ngram": 4}, storage, resource, context)
    counts.train(data)
    counts.process_training_data(data)
    featurizer(context).process_training_data(data)

    config = {**SentenceSVMClassifier.get_default_config(), "calibration_folds": 2}
    clf_resource = Resource("svm")
    classifier = SentenceSVMClassifier.create(config, storage, clf_resource, context)
    classifier.train(data)

    queries = messages(["wie lange geht die ausbildung", "azubi gehalt wieviel", "hallo zusammen"])
    tokenizer().process(queries)
    counts.process(queries)
    featurizer(context).process(queries)
    classifier.process(queries)
    predicted = [m.get("intent")["name"] for m in queries]
    assert predicted == ["training.duration", "training.pay", "meta.greet"]
    ranking = queries[0].get("intent_ranking")
    assert ranking[0]["confidence"] >= ranking[1]["confidence"]
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6

    loaded = SentenceSVMClassifier.load(config, storage, clf_resource, context)
    again = messages(["wie lange geht die ausbildung", "azubi gehalt wieviel", "hallo zusammen"])
    tokenizer().process(again)
    counts.process(again)
    featurizer(context).process(again)
    loaded.process(again)
    assert [m.get("intent")["name"] for m in again] == predicted
    for a, b in zip(queries, again):
        assert abs(a.get("intent")["confidence"] - b.get("intent")["confidence"]) < 1e-9


def test_untrained_classifier_leaves_messages_alone(context: ExecutionContext,
                                                   storage: LocalModelStorage) -> None:
    classifier = SentenceSVMClassifier.create(
        SentenceSVMClassifier.get_default_config(), storage, Resource("empty"), context)
    batch = messages(["hallo"])
    classifier.process(batch)
    assert batch[0].get("intent") is None


def test_classifier_with_its_own_char_ngrams_needs_no_count_vectors(
        context: ExecutionContext, storage: LocalModelStorage) -> None:
    data = training_data(context)
    featurizer(context).process_training_data(data)
    config = {**SentenceSVMClassifier.get_default_config(), "calibration_folds": 2,
              "char_ngrams": [2, 5]}
    resource = Resource("svm-ngrams")
    classifier = SentenceSVMClassifier.create(config, storage, resource, context)
    classifier.train(data)
    texts = ["wie lange geht die ausbildung", "azubi gehalt wieviel", "hallo zusammen"]
    queries = messages(texts)
    tokenizer().process(queries)
    featurizer(context).process(queries)
    classifier.process(queries)
    predicted = [m.get("intent")["name"] for m in queries]
    assert predicted == ["training.duration", "training.pay", "meta.greet"]
    # The served fast path gives scikit-learn's own probabilities.
    assert classifier.fast is not None
    reference = classifier.clf.predict_proba(classifier._matrix(queries))
    for message, row in zip(queries, reference):
        served = {r["name"]: r["confidence"] for r in message.get("intent_ranking")}
        for name, value in zip(classifier.clf.classes_, row):
            if name in served:
                assert abs(served[name] - value) < 1e-6

    loaded = SentenceSVMClassifier.load(config, storage, resource, context)
    assert loaded.fast is not None
    # Served with one BLAS thread, so that BLAS workers do not stall the encoder's threads.
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] == 1 for p in blas)
    again = messages(texts)
    tokenizer().process(again)
    featurizer(context).process(again)
    loaded.process(again)
    assert [m.get("intent")["name"] for m in again] == predicted
    with pytest.raises(ValueError):
        SentenceSVMClassifier.validate_config({"char_ngrams": [5, 2]})
