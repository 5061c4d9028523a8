"""The form's questions: one `action_ask_<fact>` per fact the rules core may need.

Custom ask actions rather than utter_ask responses so the question text (with why the fact
matters) lives with the other presentation words, and can adapt to the conversation.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .conversation import conversation_date
from .facts_adapter import facts_from_slots
from .planned import plan_messages
from .presenting import words
from .safe_action import send

logger = logging.getLogger(__name__)


class _AskFact(Action, ABC):
    @property
    @abstractmethod
    def fact(self) -> str:
        """The fact this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.fact}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        answer_plan(dispatcher, tracker)
        ask = words()["asks"][self.fact]
        dispatcher.utter_message(text=ask["text"], buttons=ask.get("buttons", []))
        return []


def answer_plan(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A message that states a plan ("once I quit in January") runs the form like any other
    fact, but the plan fills no slot: what it would lead to is said before the next question
    (actions/planned.py). The assessment action does the same when no question is left."""
    latest = tracker.latest_message or {}
    if (latest.get("intent") or {}).get("name") == "what_if":
        return  # a what-if's values are its own
    try:
        slots = tracker.current_slot_values()
        send(dispatcher, plan_messages(facts_from_slots(slots), latest.get("entities"),
                                       conversation_date(slots, latest.get("metadata"))))
    except Exception:  # noqa: BLE001 - the question still gets asked; the log keeps the trace
        logger.exception("answering a plan failed")


ASKED_FACTS = ("left_job", "missed_payment_due_date", "caught_up_on", "separation_date", "offset_date",
               "plan_terminated", "loan_in_good_standing", "birth_date", "loan_balance",
               "public_safety_employee", "plan_type", "public_safety_role", "years_of_service")
# One registered Action subclass per fact (rasa_sdk registers every subclass of Action).
ASK_ACTIONS = {fact: type(f"ActionAsk_{fact}", (_AskFact,), {"fact": fact}) for fact in ASKED_FACTS}
