"""Rasa NLU component around our rule-based extractor (actions/extraction.py).

Runs in the Rasa server, not the action server. It marks spans (a date, an amount, an age, a
code) and names the fact each one is, from the cue words around it; the value stays the text
the user wrote, because reading "last Friday" needs the conversation's own date, which the
actions have. Not trainable: the same message always gives the same entities.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent

import actions.rasa_speedups  # noqa: F401  (installs the response-validation fix in the Rasa server)
import actions.action_server_outage  # noqa: F401  (an unreachable action server gets a kind reply)
import actions.lock_recovery  # noqa: F401  (no message stuck behind a dead server's lock ticket)
import actions.store_outage  # noqa: F401  (a store that fails is "try again", never a new conversation)
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.extraction import extract_entities, settle_plans


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FactExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FactExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        # Every message is read, general questions too: whether a value is the user's fact or
        # part of a question is decided afterwards, from the words around it
        # (actions/routing.py, applied by actions.nlu_router.FactRouter).
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            # a plan carries the role "planned", which no fact slot's mapping takes
            spans = settle_plans(extract_entities(text), _today(message))
            found = [{**span.as_entity(), "confidence": 1.0} for span in spans]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages


def _today(message: Message) -> date:
    """The conversation's date: the message metadata's "today" (a client or a test may fix
    it, as the actions read it), else the server's."""
    raw = (message.get("metadata") or {}).get("today")
    try:
        return date.fromisoformat(str(raw)) if raw else date.today()
    except ValueError:
        return date.today()
