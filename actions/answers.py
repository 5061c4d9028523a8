"""Actions that answer: the assessment, FAQ topics, Box 7 codes. Thin adapters over the core."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rules_core import api
from rules_core.explain import render, topics
from rules_core.facts import FactsError

from .conversation import disclaimer_once
from .facts_adapter import facts_from_slots
from .presenting import assessment_messages, topic_messages, user_text, words

logger = logging.getLogger(__name__)


def send(dispatcher: CollectingDispatcher, messages: List[Dict[str, Any]]) -> None:
    for msg in messages:
        dispatcher.utter_message(**msg)


class SafeAction(Action, ABC):
    """An answer that fails for an unexpected reason says so kindly and keeps every slot:
    no stack trace reaches the user, and the next message works again."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        try:
            return await self.answer(dispatcher, tracker, domain)
        except Exception:  # noqa: BLE001 - the user gets a plain message, the log gets the trace
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=words()["error_retry"])
            return []

    @abstractmethod
    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        """What the action does when all goes well."""


class ActionAssess(SafeAction):
    """Runs the rules core on everything the user told us and presents the answer."""

    def name(self) -> Text:
        return "action_assess"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        slots = tracker.current_slot_values()
        try:
            result = api.assess(facts_from_slots(slots))
        except FactsError as bad:
            # Validation normally stops contradictions earlier; if two answers still clash,
            # say which, and keep everything else.
            logger.info("facts rejected at assessment: %s", bad.errors)
            dispatcher.utter_message(text=" ".join(f"{name.replace('_', ' ')}: {user_text(why, 400)}."
                                                  for name, why in bad.errors.items()))
            return [SlotSet(name, None) for name in bad.errors if name in slots]
        send(dispatcher, assessment_messages(result, disclaimer=not slots.get("disclaimer_shown")))
        return [SlotSet("disclaimer_shown", True)]


class ActionFaq(SafeAction):
    """Answers a general question with the core's explanation topic named after the intent."""

    def name(self) -> Text:
        return "action_faq"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        topic_id = intent.replace("_", ".", 1)  # faq_what_is_qplo -> faq.what_is_qplo
        if topic_id not in topics():
            dispatcher.utter_message(response="utter_rephrase")
            return []
        slots = tracker.current_slot_values()
        send(dispatcher, topic_messages(render(topic_id, {}), disclaimer_once(slots)))
        return [SlotSet("disclaimer_shown", True)]


class ActionDecodeCode(SafeAction):
    """Explains a Form 1099-R box 7 code the user read off their form."""

    def name(self) -> Text:
        return "action_decode_code"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        codes = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "box7_code"]
        code = codes[0] if codes else tracker.get_slot("box7_code")
        if not code:
            dispatcher.utter_message(text=words()["code_ask"])
            return []
        decoded = api.decode_box7(code)
        w = words()
        if decoded["valid"]:
            meanings = " ".join(f"{m['code']}: {m['meaning']}" for m in decoded["meanings"])
            text = w["code_decoded"].format(code=decoded["code"], meanings=meanings)
            if decoded["additional_tax"]["reason"]:
                text += "\n\n" + decoded["additional_tax"]["reason"]
        else:
            text = w["code_invalid"].format(code=user_text(decoded["code"], 20), reason=user_text(decoded["reason"], 400))
        dispatcher.utter_message(text=text, json_message={"box7": decoded})
        slots = tracker.current_slot_values()
        disclaimer = disclaimer_once(slots)
        if disclaimer:
            dispatcher.utter_message(text=disclaimer)
        return [SlotSet("disclaimer_shown", True)]
