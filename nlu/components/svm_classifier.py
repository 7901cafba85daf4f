"""A Rasa intent classifier: TF-IDF-weighted n-grams plus sentence embedding, calibrated linear SVM.

Why not Rasa's LogisticRegressionClassifier: it concatenates raw n-gram counts with the embedding,
so the counts drown the embedding, and it trains slowly on thousands of examples. Here the sparse
sentence features are TF-IDF weighted and L2-normalised, the dense ones weighted by
`dense_weight`, and a linear SVM with sigmoid calibration gives usable confidences
(measured in nlu/README.md).

With `char_ngrams: [2, 5]` the classifier computes the character n-grams of the whole message
itself (one TF-IDF transform) instead of reading a CountVectorsFeaturizer's sparse features: the
same features for the sentence, without Rasa's per-token sequence features that nobody here
uses and that cost most of the parse time.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Dict, List, Optional, Text, Type

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


class _FastScorer:
    """The fitted model as plain arrays, for one message at a time.

    Gives the probabilities of `CalibratedClassifierCV.predict_proba` on the TF-IDF char n-grams
    plus the weighted embedding (a component test compares the two), but skips scikit-learn's
    per-call validation, sparse stacking and per-class calibrator calls: 0.14 ms per message
    instead of 2.3 ms (nlu/README.md). Built at load time from the saved scikit-learn objects.
    """

    def __init__(self, ngrams: TfidfVectorizer, clf: CalibratedClassifierCV,
                 dense_weight: float) -> None:
        calibrated = clf.calibrated_classifiers_[0]
        svm = calibrated.base_estimator
        self.analyzer = ngrams.build_analyzer()
        self.vocabulary = ngrams.vocabulary_
        self.idf = np.asarray(ngrams.idf_, dtype=np.float64)
        n_grams = len(self.idf)
        coef = np.asarray(svm.coef_, dtype=np.float64)
        # rows = features, so the n-grams of one message are a cheap row gather
        self.sparse_coef = np.ascontiguousarray(coef[:, :n_grams].T)
        self.dense_coef = np.ascontiguousarray(coef[:, n_grams:].T) * dense_weight
        self.intercept = np.asarray(svm.intercept_, dtype=np.float64)
        self.a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
        self.b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)

    @classmethod
    def applies(cls, ngrams: Optional[TfidfVectorizer], clf: CalibratedClassifierCV) -> bool:
        """Only the served set-up: own n-grams, one calibrated SVM, more than two intents."""
        return (ngrams is not None and len(clf.calibrated_classifiers_) == 1
                and len(clf.classes_) > 2 and ngrams.norm == "l2" and ngrams.sublinear_tf
                and getattr(clf.calibrated_classifiers_[0], "method", "") == "sigmoid")

    def probabilities(self, text: str, dense: Optional[np.ndarray]) -> np.ndarray:
        counts = Counter(self.vocabulary[g] for g in self.analyzer(text) if g in self.vocabulary)
        scores = self.intercept.copy()
        if counts:
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            values = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64,
                                              count=len(counts)))
            values *= self.idf[index]
            values /= np.sqrt(values @ values)
            scores += values @ self.sparse_coef[index]
        if dense is not None:
            scores += np.asarray(dense, dtype=np.float64).reshape(-1) @ self.dense_coef
        proba = expit(-(self.a * scores + self.b))
        total = proba.sum()
        return proba / total if total > 0 else np.full_like(proba, 1.0 / len(proba))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SentenceSVMClassifier(IntentClassifier, GraphComponent):
    """Linear SVM over [tf-idf(n-gram counts) ; dense_weight * sentence embedding]."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 1.0, "dense_weight": 1.5, "calibration_folds": 2, "ranking_length": 10,
                "random_state": 42, "char_ngrams": None, "min_df": 1,
                "calibration_ensemble": False, "n_jobs": 2}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        self.name = name
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.tfidf: Optional[TfidfTransformer] = None
        self.ngrams: Optional[TfidfVectorizer] = None
        self.clf: Optional[CalibratedClassifierCV] = None
        self.fast: Optional[_FastScorer] = None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceSVMClassifier":
        return cls(config, execution_context.node_name, model_storage, resource)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("C", 1.0)) <= 0 or float(config.get("dense_weight", 1.0)) < 0:
            raise ValueError("C must be positive and dense_weight not negative")
        ngrams = config.get("char_ngrams")
        if ngrams is not None and (len(ngrams) != 2 or not 1 <= int(ngrams[0]) <= int(ngrams[1])):
            raise ValueError("char_ngrams must be [min, max] with 1 <= min <= max")
        if int(config.get("min_df", 1)) < 1 or int(config.get("n_jobs", 1)) < 1:
            raise ValueError("min_df and n_jobs must be at least 1")

    def _parts(self, messages: List[Message]) -> tuple[Optional[csr_matrix], Optional[np.ndarray]]:
        sparse_rows, dense_rows = [], []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            if sparse is not None:
                sparse_rows.append(csr_matrix(sparse.features))
            if dense is not None:
                dense_rows.append(np.asarray(dense.features).reshape(1, -1))
        sparse_matrix = vstack(sparse_rows).tocsr() if len(sparse_rows) == len(messages) else None
        dense_matrix = np.vstack(dense_rows) if len(dense_rows) == len(messages) else None
        return sparse_matrix, dense_matrix

    def _matrix(self, messages: List[Message]) -> csr_matrix:
        sparse, dense = self._parts(messages)
        blocks = []
        if self.ngrams is not None:
            blocks.append(self.ngrams.transform([m.get(TEXT) for m in messages]))
        elif sparse is not None and self.tfidf is not None:
            blocks.append(normalize(self.tfidf.transform(sparse)))
        if dense is not None:
            blocks.append(csr_matrix(dense * float(self.config["dense_weight"])))
        return hstack(blocks).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        ngrams = self.config.get("char_ngrams")
        if ngrams:
            self.ngrams = TfidfVectorizer(analyzer="char_wb", lowercase=True, sublinear_tf=True,
                                          ngram_range=(int(ngrams[0]), int(ngrams[1])),
                                          min_df=int(self.config["min_df"]), dtype=np.float32)
            self.ngrams.fit([e.get(TEXT) for e in examples])
            # The n-grams dropped by min_df, kept by scikit-learn for introspection only and
            # never used to predict: they made the saved vectorizer 68 instead of 49 MB.
            self.ngrams.stop_words_ = None
        else:
            sparse, _ = self._parts(examples)
            if sparse is not None:
                self.tfidf = TfidfTransformer(sublinear_tf=True).fit(sparse)
        labels = np.array([e.get(INTENT) for e in examples])
        svm = LinearSVC(C=float(self.config["C"]), class_weight="balanced", tol=1e-3,
                        random_state=self.config["random_state"])
        # ensemble=False: one SVM trained on all examples, calibrated on cross-validated
        # scores; the default ensemble of per-fold SVMs each sees only part of the data, and
        # costs one prediction per fold (measured in nlu/README.md).
        self.clf = CalibratedClassifierCV(svm, cv=int(self.config["calibration_folds"]),
                                          method="sigmoid",
                                          ensemble=bool(self.config["calibration_ensemble"]),
                                          n_jobs=int(self.config["n_jobs"]))
        # Threads, not processes: liblinear releases the GIL for part of the work, and worker
        # processes would copy the feature matrix (and fail on read-only memory maps).
        with joblib.parallel_backend("threading"):
            self.clf.fit(self._matrix(examples), labels)
        self._prepare()
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.clf is None:
            return messages
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return messages
        if self.fast is not None:
            probabilities = [self.fast.probabilities(m.get(TEXT), self._parts([m])[1])
                             for m in with_text]
        else:
            probabilities = self.clf.predict_proba(self._matrix(with_text))
        classes = self.clf.classes_
        limit = int(self.config["ranking_length"])
        for message, row in zip(with_text, probabilities):
            order = np.argsort(-row)
            ranking = [{"name": str(classes[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:limit] if limit > 0 else ranking,
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump({"tfidf": self.tfidf, "ngrams": self.ngrams, "clf": self.clf},
                     model_dir / "svm.skops")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SentenceSVMClassifier":
        import skops.io as sio

        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / "svm.skops"
                types = sio.get_untrusted_types(file=path)
                unexpected = [t for t in types if not t.startswith(TRUSTED_PREFIXES)]
                if unexpected:
                    raise ValueError(f"untrusted types in {path}: {unexpected}")
                state = sio.load(path, trusted=types)
        except ValueError as exc:
            logger.warning("SentenceSVMClassifier could not load its model: %s", exc)
            return component
        component.tfidf, component.clf = state["tfidf"], state["clf"]
        component.ngrams = state.get("ngrams")
        component._prepare()
        cls._single_threaded_blas()
        return component

    def _prepare(self) -> None:
        if self.clf is not None and _FastScorer.applies(self.ngrams, self.clf):
            self.fast = _FastScorer(self.ngrams, self.clf, float(self.config["dense_weight"]))

    @staticmethod
    def _single_threaded_blas() -> None:
        """Serve with one BLAS thread: the products here are tiny, and idle BLAS workers spin on
        the same two cores the encoder's OpenMP threads need — measured: parse p95 106 ms with
        the default thread pool, 34 ms with one thread."""
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
