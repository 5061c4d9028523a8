"""The NLU pipeline's routing end (actions/nlu_router.py), run as Rasa runs it: our classifier
(fitted on data/nlu.yml), the fact extractor, Rasa's FallbackClassifier, then the router, on
Rasa Message objects."""
import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from actions.nlu_component import FactExtractor
from actions.nlu_intent import build_pipeline
from actions.nlu_router import ALSO_ASKS, QUESTION_RANKING, ROUTED_FROM, FactRouter, QuestionPartIntentClassifier
from tests.rasa_support import ROOT


@pytest.fixture(scope="module")
def pipeline():
    data = load_data(str(ROOT / "data" / "nlu.yml"))
    examples = [m for m in data.intent_examples if m.get("text")]
    fitted = build_pipeline(QuestionPartIntentClassifier.get_default_config()).fit(
        [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
    classifier = QuestionPartIntentClassifier({}, None, None, fitted)
    fallback = FallbackClassifier({**FallbackClassifier.get_default_config(), "threshold": 0.3,
                                   "ambiguity_threshold": 0.0})
    steps = [classifier, FactExtractor(), fallback, FactRouter()]

    def parse(text):
        messages = [Message({TEXT: text})]
        for step in steps:
            messages = step.process(messages)
        return messages[0]
    return parse


def test_the_commonest_opener_is_information_with_its_question_answered(pipeline):
    message = pipeline("hi, I missed my 401k loan payments since August, what happens?")
    assert message.get(INTENT)["name"] == "inform"
    assert message.get(ALSO_ASKS) == "faq_what_to_do_now"
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("missed_payment_due_date", "August")]
    assert message.get(QUESTION_RANKING)[0][0] == "request_assessment"  # "what happens?" alone


def test_a_rewritten_intent_says_what_it_was_and_keeps_the_classifiers_ranking(pipeline):
    message = pipeline("hello! quick one: I got laid off in March 2025 and they offset my loan in June")
    ranking = message.get(INTENT_RANKING_KEY)
    assert message.get(INTENT)["name"] == "inform"
    if ranking[0]["name"] != "inform":  # routed: the classifier's own verdict is kept beside it
        assert message.get(ROUTED_FROM) == ranking[0]["name"]


def test_a_general_question_keeps_its_intent_and_passes_on_no_values(pipeline):
    message = pipeline("when do I reach 59 1/2?")
    assert message.get(INTENT)["name"] == "faq_age_59_half"
    assert message.get(ALSO_ASKS) is None and message.get(ROUTED_FROM) is None
    assert message.get(ENTITIES) == []  # "59 1/2" was read, and is not the user's age


def test_a_what_if_keeps_its_values_for_the_comparison(pipeline):
    message = pipeline("what if I roll over 5k?")
    assert message.get(INTENT)["name"] == "what_if"
    assert [e["entity"] for e in message.get(ENTITIES)] == ["amount_rolled_over"]


def test_the_code_on_their_own_form_is_added_canonical_for_the_slot(pipeline):
    message = pipeline("my 1099-R says 1M, what is that")
    assert message.get(INTENT)["name"] == "decode_code"
    own = [e for e in message.get(ENTITIES) if e.get("role") == "own_form"]
    assert own == [{"entity": "box7_code", "role": "own_form", "value": "M1", "start": 15, "end": 17,
                    "confidence": 1.0, "extractor": "FactRouter"}]
    assert any(e.get("extractor") == "FactExtractor" and e["value"] == "1M" for e in message.get(ENTITIES))


def test_a_code_asked_about_in_general_is_not_theirs(pipeline):
    message = pipeline("what does code 1M on a 1099-R mean?")
    assert message.get(INTENT)["name"] == "decode_code"
    assert not [e for e in message.get(ENTITIES) if e.get("role") == "own_form"]


def test_gibberish_stays_a_low_confidence_message_for_the_second_stage(pipeline):
    assert pipeline("asdfgh qwerty zxcv").get(INTENT)["name"] == "nlu_fallback"


def test_a_bare_answer_the_classifier_is_unsure_of_is_an_answer(pipeline):
    message = pipeline("hmm about 8 grand")
    assert message.get(INTENT)["name"] == "inform"


def test_an_empty_message_is_left_alone(pipeline):
    message = pipeline("")
    assert message.get(ROUTED_FROM) is None and message.get(ALSO_ASKS) is None
