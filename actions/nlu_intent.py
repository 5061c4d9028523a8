"""Intent classifier: logistic regression over word and character n-grams of the raw text.

Chosen on measurements against Rasa's own LogisticRegressionClassifier, DIET and the stock
pipeline (benchmarks/README and the closing notes): sub-linear TF-IDF of words (1-2) and of
character n-grams within words (2-5, which absorbs typos), with a less regularised model
(C=10) than Rasa's built-in one, which fixes C=1. Fits in about half a second; deterministic.
Runs in the Rasa server only.
"""
from __future__ import annotations

from pathlib import Path
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Text

import joblib
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

from rasa.engine.graph import ExecutionContext, GraphComponent

import actions.rasa_speedups  # noqa: F401  (installs the response-validation fix in the Rasa server)
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_FILE = "intent_pipeline.joblib"

# One message is scored at a time: a few hundred features by 57 intents. The BLAS and OpenMP worker
# threads make no such product faster, yet after each call they spin on the other core; with
# the larger vocabulary of issue 9's training data that doubled the Rasa server's CPU per turn
# (13.9 -> 23.7 ms measured) and took a fifth off the throughput under load. One thread.
threadpool_limits(limits=1)  # BLAS and OpenMP alike


def build_pipeline(config: Dict[str, Any]) -> Pipeline:
    words = TfidfVectorizer(ngram_range=(1, config["word_max_ngram"]), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(config["char_min_ngram"], config["char_max_ngram"]),
                            sublinear_tf=True)
    model = LogisticRegression(C=config["C"], solver=config["solver"], max_iter=config["max_iter"],
                               class_weight="balanced", random_state=config["random_state"])
    return Pipeline([("features", make_union(words, chars)), ("model", model)])


class LinearScorer:
    """The fitted pipeline's `predict_proba` for one text, without scikit-learn's per-call input
    checks and joblib dispatch, which cost more than the arithmetic for a single short message
    (about 1 ms of every turn). Same steps, same numbers (tests/dialogue/test_nlu_intent.py
    compares both on every NLU example): each vectorizer's n-gram counts, sub-linear tf times
    idf, L2-normalised per vectorizer; one-vs-rest logistic scores, normalised to sum to one."""

    def __init__(self, pipeline: Pipeline) -> None:
        union, model = pipeline.named_steps["features"], pipeline.named_steps["model"]
        self.classes: Sequence[Text] = list(model.classes_)
        self._parts = []
        offset = 0
        for _, vectorizer in union.transformer_list:
            idf = vectorizer.idf_
            self._parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, idf, offset))
            offset += len(idf)
        self._coef_t = np.ascontiguousarray(model.coef_.T)  # features x classes
        self._intercept = model.intercept_
        self._binary = len(self.classes) == 2

    def knows_a_word(self, text: Text) -> bool:
        """Whether any word (or word pair) of `text` was seen in training: with none ("asdfgh
        qwerty"), the ranking rests on letter shapes and priors alone."""
        analyzer, vocabulary, _, _ = self._parts[0]
        return any(gram in vocabulary for gram in analyzer(text))

    def probabilities(self, text: Text) -> np.ndarray:
        scores = self._intercept.astype(float).copy()
        for analyzer, vocabulary, idf, offset in self._parts:
            counts = Counter(j for j in map(vocabulary.get, analyzer(text)) if j is not None)
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            weights = (np.log(np.fromiter(counts.values(), dtype=float, count=len(counts))) + 1.0) * idf[columns]
            weights /= np.sqrt(weights @ weights)
            scores += weights @ self._coef_t[columns + offset]
        if self._binary:  # scikit-learn's binary case: one score for the second class
            positive = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - positive, positive])
        probabilities = 1.0 / (1.0 + np.exp(-scores))
        return probabilities / probabilities.sum()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TextIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # liblinear (one-vs-rest) fits in ~0.5 s where lbfgs takes ~7 s, for the same dev-set
        # accuracy (0.904 vs 0.907): training time is a product target too.
        return {"word_max_ngram": 2, "char_min_ngram": 2, "char_max_ngram": 5, "C": 10.0,
                "solver": "liblinear", "max_iter": 3000, "random_state": 7, "ranking_length": 10}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Optional[Pipeline] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource, self.pipeline = model_storage, resource, pipeline
        self.scorer = LinearScorer(pipeline) if pipeline is not None else None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TextIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        self.pipeline = build_pipeline(self.config).fit([m.get(TEXT) for m in examples],
                                                        [m.get(INTENT) for m in examples])
        with self._storage.write_to(self._resource) as folder:
            joblib.dump(self.pipeline, Path(folder) / _FILE)
        self.scorer = LinearScorer(self.pipeline)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TextIntentClassifier":
        try:
            with model_storage.read_from(resource) as folder:
                return cls(config, model_storage, resource, joblib.load(Path(folder) / _FILE))
        except ValueError:  # not trained (no intent examples)
            return cls(config, model_storage, resource)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text and self.scorer is not None:
                # An empty message has no intent; with zero confidence the FallbackClassifier
                # turns it into nlu_fallback, so the user is asked to rephrase (not silence).
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            if self.scorer is None:
                continue
            probabilities = self.scorer.probabilities(text)
            ranked = sorted(zip(self.scorer.classes, probabilities), key=lambda item: -item[1])
            ranking = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(p)}
                       for name, p in ranked[: self.config["ranking_length"]]]
            if not self.scorer.knows_a_word(text):
                # a garbled message: no confidence, so the FallbackClassifier hands it to the
                # second stage (did you mean / rephrase) instead of a guess from letter shapes
                message.set(INTENT, {**ranking[0], PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
            else:
                message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
