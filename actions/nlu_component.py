"""Rasa NLU component around our rule-based extractor (actions/extraction.py).

Runs in the Rasa server, not the action server. It marks spans (a date, an amount, an age, a
code) and names the fact each one is, from the cue words around it; the value stays the text
the user wrote, because reading "last Friday" needs the conversation's own date, which the
actions have. Not trainable: the same message always gives the same entities.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent

import actions.rasa_speedups  # noqa: F401  (installs the response-validation fix in the Rasa server)
import actions.action_server_outage  # noqa: F401  (an unreachable action server gets a kind reply)
import actions.lock_recovery  # noqa: F401  (no message stuck behind a dead server's lock ticket)
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.extraction import extract_entities


# A general question ("when do I reach 59 1/2?", "code L vs code M") states no facts of the
# user's own; the intent classifier runs first, so its verdict is known here.
GENERAL_INTENT_PREFIXES = ("faq_", "sponsor_")


def _general_question(message: Message) -> bool:
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
    return intent.startswith(GENERAL_INTENT_PREFIXES)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FactExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FactExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or _general_question(message):
                continue
            found = [{"start": span.start, "end": span.end, "value": span.text, "entity": span.label,
                      "confidence": 1.0} for span in extract_entities(text)]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages
