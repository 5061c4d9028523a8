"""The form's questions: one `action_ask_<fact>` per fact the rules core may need.

Custom ask actions rather than utter_ask responses so the question text (with why the fact
matters) lives with the other presentation words, and can adapt to the conversation.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .presenting import words


class _AskFact(Action, ABC):
    @property
    @abstractmethod
    def fact(self) -> str:
        """The fact this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.fact}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        ask = words()["asks"][self.fact]
        dispatcher.utter_message(text=ask["text"], buttons=ask.get("buttons", []))
        return []


ASKED_FACTS = ("left_job", "missed_payment_due_date", "caught_up_on", "separation_date", "offset_date",
               "plan_terminated", "loan_in_good_standing", "birth_date", "loan_balance")
# One registered Action subclass per fact (rasa_sdk registers every subclass of Action).
ASK_ACTIONS = {fact: type(f"ActionAsk_{fact}", (_AskFact,), {"fact": fact}) for fact in ASKED_FACTS}
