"""Actions that answer: the assessment, FAQ topics, Box 7 codes. Thin adapters over the core."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rules_core import api
from rules_core.explain import render, topics
from rules_core.facts import FactsError

from .changes import differences, snapshot
from .conversation import conversation_date, disclaimer_once
from .facts_adapter import FACT_SLOTS, facts_from_slots
from .planned import plan_messages
from .presenting import assessment_messages, change_messages, plan_kind_note, topic_messages, user_text, words
from .safe_action import SafeAction, send
from .what_if import PENDING_WHAT_IF, read_what_if, what_if_messages

logger = logging.getLogger(__name__)

__all__ = ["ActionAssess", "ActionDecodeCode", "ActionFaq", "SafeAction", "send"]

LAST_ANSWER = "last_answer"        # a snapshot of what the last answer said (actions/changes.py)
SHOW_FULL_ANSWER = "show_full_answer"  # the intent of the "Show the full answer" button
NOT_DECIDED = "needs_more_facts"


def awaiting_confirmation(events: List[Dict[str, Any]]) -> List[str]:
    """Facts the user gave in their latest message that validation set aside to confirm or
    re-ask ("6/10/1969 could be June 10 or October 6"): a question is open, so "nothing
    changed" would be noise."""
    waiting = []
    for event in reversed(events or []):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("value") is None and event.get("name") in FACT_SLOTS:
            waiting.append(event["name"])
    return waiting


class ActionAssess(SafeAction):
    """Runs the rules core on everything the user told us and presents the answer: the full
    answer the first time (and on request), afterwards what changed. A plan stated in the
    message is answered first; a what-if asked before the facts is answered last."""

    def name(self) -> Text:
        return "action_assess"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        slots = tracker.current_slot_values()
        latest = tracker.latest_message or {}
        today = conversation_date(slots, latest.get("metadata"))
        facts = facts_from_slots(slots)
        try:
            result = api.assess(facts)
        except FactsError as bad:
            # Validation normally stops contradictions earlier; if two answers still clash,
            # say which, and keep everything else.
            logger.info("facts rejected at assessment: %s", bad.errors)
            dispatcher.utter_message(text=" ".join(f"{name.replace('_', ' ')}: {user_text(why, 400)}."
                                                  for name, why in bad.errors.items()))
            return [SlotSet(name, None) for name in bad.errors if name in slots]
        intent = (latest.get("intent") or {}).get("name")
        plan = plan_messages(facts, latest.get("entities"), today) if intent != "what_if" else []
        now = {**snapshot(result), "plan_kind": slots.get("plan_kind")}
        quiet = bool(plan) or bool(awaiting_confirmation(tracker.events))
        send(dispatcher, plan + self._answer(result, slots, now, intent, quiet))
        events = [SlotSet("disclaimer_shown", True), SlotSet(LAST_ANSWER, now)]
        waiting = slots.get(PENDING_WHAT_IF)
        if waiting:
            send(dispatcher, self._pending_what_if(waiting, facts, today))
            events.append(SlotSet(PENDING_WHAT_IF, None))
        return events

    @staticmethod
    def _answer(result: dict, slots: Dict[str, Any], now: dict, intent: Optional[str],
                quiet: bool) -> List[Dict[str, Any]]:
        before = slots.get(LAST_ANSWER)
        if not isinstance(before, dict) or intent == SHOW_FULL_ANSWER \
                or (before.get("values") or {}).get("classification") == NOT_DECIDED:
            return assessment_messages(result, disclaimer=not slots.get("disclaimer_shown"),
                                       plan_kind=slots.get("plan_kind"))
        changes = differences(before, now, words()["fact_labels"])
        messages = change_messages(changes, result)
        if quiet and not changes:
            messages = messages[-1:]  # the plan, or a question back, was the news: only the card
        note = plan_kind_note(now["plan_kind"])
        if note and before.get("plan_kind") != now["plan_kind"]:
            messages.insert(-1, {"text": note})
        return messages

    @staticmethod
    def _pending_what_if(waiting: Dict[str, Any], facts: Dict[str, Any], today) -> List[Dict[str, Any]]:
        wi = read_what_if(str(waiting.get("text") or ""), list(waiting.get("entities") or []), facts, today)
        if not wi.overrides and wi.wait_until is None:
            return [{"text": words()["what_if_unclear"]}]
        try:
            messages = what_if_messages(facts, wi)
        except FactsError as bad:
            return [{"text": " ".join(f"{k.replace('_', ' ')}: {user_text(v, 400)}." for k, v in bad.errors.items())}]
        messages[0] = {**messages[0], "text": words()["what_if_pending_heading"] + "\n" + messages[0]["text"]}
        return messages


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
