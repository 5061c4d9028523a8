"""Rasa NLU components that decide which dialogue a message starts (actions/routing.py).

Run in the Rasa server, in this order (config.yml):
1. `QuestionPartIntentClassifier`: our intent classifier (actions/nlu_intent.py); when a
   message says things and also asks something ("hi, I missed my payments since August, what
   happens?"), it also ranks the question part on its own, for the topic to answer beside the
   facts.
2. the FactExtractor, then Rasa's FallbackClassifier;
3. `FactRouter`: a message that states the user's own facts is `inform`, whatever the
   classifier said (greeting, general question, low confidence); the question it also asks is
   kept as `also_asks` (the form's validation answers it, in the same turn). A Box 7 code read
   off the user's own form ("my 1099-R says 1M") keeps `decode_code` (the code is explained)
   and is also their fact: the router adds it, canonical ("M1"), as a `box7_code` entity with
   the role `own_form`, which the slot mapping takes with `decode_code` (domain.yml); the
   extractor's own entity is left as it is. The classifier's ranking is kept as it was, and
   `routed_from` names the intent it replaced. A message that stays a general question or
   small talk passes on no values: the extractor read them only for this decision.
Not trainable beyond the classifier: the same message always gives the same route.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (ENTITIES, ENTITY_ATTRIBUTE_ROLE, INTENT, INTENT_NAME_KEY,
                                       INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT)
from rasa.shared.nlu.training_data.message import Message

from actions.nlu_intent import TextIntentClassifier
from actions.parsing.codes import parse_box7
from actions.nlu_component import FactExtractor
from actions.routing import ROUTED_FROM, Ranking, keeps_values, question_text, route

# Keys the router adds to the parse data (the action server reads them from the tracker's
# latest message: actions/did_you_mean.py).
ALSO_ASKS = "also_asks"
OWN_FORM = "own_form"  # role of a box7_code entity read off the user's own Form 1099-R
QUESTION_RANKING = "question_ranking"


def _pairs(ranking: Optional[List[Dict[str, Any]]]) -> Ranking:
    return [(item.get(INTENT_NAME_KEY), float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0)) for item in ranking or []]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class QuestionPartIntentClassifier(TextIntentClassifier):
    """TextIntentClassifier, plus a ranking of the message's question part alone when the
    message has one beside other things (one more scoring of a few words: ~0.1 ms)."""

    def process(self, messages: List[Message]) -> List[Message]:
        messages = super().process(messages)
        if self.scorer is None:
            return messages
        for message in messages:
            question = question_text(message.get(TEXT) or "")
            if question:
                ranked = sorted(zip(self.scorer.classes, self.scorer.probabilities(question)), key=lambda p: -p[1])
                message.set(QUESTION_RANKING, [(name, float(p)) for name, p in ranked[:self.config["ranking_length"]]])
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FactRouter(GraphComponent):
    """Facts win over the classifier's verdict; see the module docstring."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FactRouter":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if not text or (intent is None and not message.get(INTENT_RANKING_KEY)):
                continue  # empty, or a "/intent" payload: nothing to route
            ranking = [pair for pair in _pairs(message.get(INTENT_RANKING_KEY)) if pair[0] != "nlu_fallback"]
            chosen = route(intent, ranking, text, message.get(ENTITIES) or [], message.get(QUESTION_RANKING))
            if chosen.intent != intent:
                message.set(INTENT, {INTENT_NAME_KEY: chosen.intent, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
                message.set(ROUTED_FROM, intent, add_to_output=True)
            if chosen.also_asks:
                message.set(ALSO_ASKS, chosen.also_asks, add_to_output=True)
            if not keeps_values(chosen.intent):  # a general question's "59 1/2" is no fact
                message.set(ENTITIES, [e for e in message.get(ENTITIES) or []
                                       if e.get("extractor") != FactExtractor.__name__], add_to_output=True)
            if chosen.own_code:
                own = _own_form_codes(message.get(ENTITIES) or [])
                if own:
                    message.set(ENTITIES, (message.get(ENTITIES) or []) + own, add_to_output=True)
        return messages


def _own_form_codes(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    for entity in entities:
        if entity.get("entity") == "box7_code" and not entity.get(ENTITY_ATTRIBUTE_ROLE):
            code = parse_box7(str(entity.get("value", "")))
            if code:
                return [{"entity": "box7_code", ENTITY_ATTRIBUTE_ROLE: OWN_FORM, "value": code,
                         "start": entity.get("start"), "end": entity.get("end"), "confidence": 1.0,
                         "extractor": FactRouter.__name__}]
    return []
