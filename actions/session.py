"""Session start: fixes the conversation's own date, against which relative dates resolve."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .conversation import conversation_date


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        today = conversation_date({}, metadata)
        return [SessionStarted(), SlotSet("as_of", today.isoformat()), ActionExecuted("action_listen")]
