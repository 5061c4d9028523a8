"""The intent classifier's fast scorer gives the same probabilities as the scikit-learn pipeline
it was fitted as, so the speed-up cannot change what intent a user's message gets."""
import numpy as np
import pytest
from rasa.shared.nlu.training_data.loading import load_data

from actions.nlu_intent import LinearScorer, TextIntentClassifier, build_pipeline
from tests.rasa_support import ROOT

HELD_OUT = ROOT / "tests" / "nlu" / "heldout_nlu.yml"
ODD = ["", "   ", "zzzz qqqq", "ÄÖÜ ß 😀 مرحبا", "<script>alert(1)</script>", "1M", "a" * 5000]


@pytest.fixture(scope="module")
def fitted():
    data = load_data(str(ROOT / "data" / "nlu.yml"))
    examples = [m for m in data.intent_examples if m.get("text")]
    pipeline = build_pipeline(TextIntentClassifier.get_default_config())
    pipeline.fit([m.get("text") for m in examples], [m.get("intent") for m in examples])
    return pipeline


def texts():
    return [m.get("text") for m in load_data(str(HELD_OUT)).intent_examples]


def test_fast_scorer_matches_pipeline_on_every_held_out_message_and_odd_input(fitted):
    scorer = LinearScorer(fitted)
    messages = texts() + ODD
    assert len(messages) > 100
    expected = fitted.predict_proba(messages)
    got = np.vstack([scorer.probabilities(text) for text in messages])
    assert list(scorer.classes) == list(fitted.classes_)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_binary_pipeline_is_scored_like_scikit_learn():
    pipeline = build_pipeline(TextIntentClassifier.get_default_config())
    pipeline.fit(["hi there", "hello", "bye now", "goodbye", "see you"], ["greet", "greet", "bye", "bye", "bye"])
    for text in ["hello you", "bye", "nothing known"]:
        np.testing.assert_allclose(LinearScorer(pipeline).probabilities(text), pipeline.predict_proba([text])[0],
                                   rtol=1e-9)
