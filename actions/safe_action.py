"""The base of every answering action: an unexpected failure says so kindly and keeps every
slot, so no stack trace reaches the user and the next message works again."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .presenting import words

logger = logging.getLogger(__name__)


def send(dispatcher: CollectingDispatcher, messages: List[Dict[str, Any]]) -> None:
    for msg in messages:
        dispatcher.utter_message(**msg)


class SafeAction(Action, ABC):
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
