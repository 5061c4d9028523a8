"""Questions answered by topic: the second stage for unsure questions, and the question asked
beside the facts.

`action_did_you_mean` runs when the intent model is unsure (nlu_fallback) and the message
states no fact (those are `inform`: actions/nlu_router.py). Two independent readings of the
question are combined: the intent model's ranking of the FAQ and sponsor topics, and retrieval
over the topics' own words (actions/topic_search.py). When retrieval is confident, or both
readings put the same topic first, that topic is answered; otherwise the two or three closest
topics are offered as buttons whose payloads are the topics' intents ("/faq_what_is_qplo"),
in the manner of Rasa's TwoStageFallback. A message that reads as small talk (a greeting, an
off-topic request) gets its own answer; one that matches nothing gets the topic menu.

`answer_question_part` answers the question a fact-bearing message also asks (`also_asks`),
called by the loan form's validation so the answer comes in the same turn, before the form's
next question, without another call to the action server.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Sequence, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rules_core.explain import render, topics

from .answers import ActionDecodeCode, SafeAction
from .what_if import ActionWhatIf
from .conversation import disclaimer_once
from .presenting import topic_messages, words
from .topic_search import SUGGESTION_SCORE, Match, confident, search

logger = logging.getLogger(__name__)

ALSO_ASKS = "also_asks"  # set by actions/nlu_router.py
DECODE_CODE = "decode_code"
WHAT_IF = "what_if"
WHAT_HAPPENS = "faq_what_to_do_now"  # "..., what happens?" (actions/routing.py)
FALLBACK = "nlu_fallback"
QUESTION_PREFIXES = ("faq_", "sponsor_")
# Small talk the intent model leaned to, answered with its own response.
OWN_ANSWERS = {"greet": "utter_greet", "help": "utter_greet", "goodbye": "utter_goodbye",
               "thanks": "utter_you_are_welcome", "bot_challenge": "utter_iamabot",
               "out_of_scope": "utter_out_of_scope"}
SMALL_TALK_MIN = 0.15  # the small-talk intent must lead the ranking with at least this
SUGGESTIONS = 3
FUSION_K = 1  # reciprocal rank fusion constant (Cormack et al., SIGIR 2009); 1 measured best here
CLASSIFIER_MIN = 0.05  # below this the intent model is guessing (gibberish spreads ~0.02 a topic)


def topic_id_of(intent: str) -> str:
    return intent.replace("_", ".", 1)  # faq_what_is_qplo -> faq.what_is_qplo


def answer_topic(dispatcher: CollectingDispatcher, slots: Dict[str, Any], intent: str,
                 lead: str = "") -> List[Dict[str, Any]]:
    """The explanation topic an intent asks for, with its sources and the disclaimer once."""
    topic_id = topic_id_of(intent)
    if topic_id not in topics():
        return []
    messages = topic_messages(render(topic_id, {}), disclaimer_once(slots))
    if lead:
        messages[0] = {**messages[0], "text": f"{lead}\n\n{messages[0]['text']}"}
    for message in messages:
        dispatcher.utter_message(**message)
    slots["disclaimer_shown"] = True
    return [SlotSet("disclaimer_shown", True)]


async def answer_question_part(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict,
                               assessment_follows: bool = False) -> List[Dict]:
    """Answers the question a message asked beside its facts, if it asked one we know. "What
    happens?" is left to the assessment when it follows in the same turn, and to the answer to
    a plan the message states."""
    asked = tracker.latest_message.get(ALSO_ASKS)
    if not isinstance(asked, str) or not asked:
        return []
    if asked == WHAT_HAPPENS and (assessment_follows or _states_a_plan(tracker)):
        return []  # the answer (or the answer to the plan: actions/planned.py) says what happens
    try:
        if asked == DECODE_CODE:
            return await ActionDecodeCode().answer(dispatcher, tracker, domain)
        if asked == WHAT_IF:  # on the facts as they now are, this message's included
            events = await ActionWhatIf().answer(dispatcher, tracker, domain)
            return [e for e in events if e.get("event") != "followup"]  # the form is running already
        if asked.startswith(QUESTION_PREFIXES):
            return answer_topic(dispatcher, tracker.slots, asked)
    except Exception:  # noqa: BLE001 - the facts still count; the question is asked again later
        logger.exception("answering the question part %s failed", asked)
    return []


def _states_a_plan(tracker: Tracker) -> bool:
    return any(e.get("role") == "planned" for e in tracker.latest_message.get("entities") or [])


def classifier_topics(ranking: Sequence[Dict[str, Any]]) -> List[Tuple[str, float]]:
    """The FAQ and sponsor intents the intent model ranked, best first."""
    return [(item.get("name"), float(item.get("confidence") or 0.0)) for item in ranking or []
            if str(item.get("name") or "").startswith(QUESTION_PREFIXES)]


def fuse(retrieved: Sequence[Match], ranked: Sequence[Tuple[str, float]]) -> List[str]:
    """Topic intents by reciprocal rank fusion of retrieval and the intent model's ranking."""
    scores: Dict[str, float] = {}
    for position, match in enumerate(retrieved):
        scores[match.intent] = scores.get(match.intent, 0.0) + 1.0 / (FUSION_K + position + 1)
    for position, (intent, confidence) in enumerate(ranked):
        if confidence >= CLASSIFIER_MIN:
            scores[intent] = scores.get(intent, 0.0) + 1.0 / (FUSION_K + position + 1)
    return sorted(scores, key=lambda intent: (-scores[intent], intent))


def second_stage(text: str, ranking: Sequence[Dict[str, Any]]) -> Tuple[str, List[str]]:
    """("answer", [intent]) | ("small_talk", [intent]) | ("suggest", intents) | ("menu", [])."""
    retrieved = [m for m in search(text, limit=10) if m.score >= SUGGESTION_SCORE]
    ranked = classifier_topics(ranking)
    if confident(retrieved) or (retrieved and ranked and retrieved[0].intent == ranked[0][0]):
        return "answer", [retrieved[0].intent]
    leading = next((item for item in ranking or [] if item.get("name") != FALLBACK), {})
    if leading.get("name") in OWN_ANSWERS and float(leading.get("confidence") or 0.0) >= SMALL_TALK_MIN:
        return "small_talk", [leading["name"]]
    suggestions = [intent for intent in fuse(retrieved, ranked) if topic_id_of(intent) in topics()]
    return ("suggest", suggestions[:SUGGESTIONS]) if suggestions else ("menu", [])


class ActionDidYouMean(SafeAction):
    def name(self) -> Text:
        return "action_did_you_mean"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        message = tracker.latest_message or {}
        kind, intents = second_stage(message.get("text") or "", message.get("intent_ranking") or [])
        w = words()["second_stage"]
        if kind == "answer":
            title = topics()[topic_id_of(intents[0])].title
            return answer_topic(dispatcher, tracker.current_slot_values(), intents[0],
                                lead=w["answer_lead"].format(title=title))
        if kind == "small_talk":
            dispatcher.utter_message(response=OWN_ANSWERS[intents[0]])
            return []
        if kind == "suggest":
            buttons = [{"title": topics()[topic_id_of(intent)].title, "payload": f"/{intent}"} for intent in intents]
            dispatcher.utter_message(text=w["did_you_mean"], buttons=buttons)
            return []
        dispatcher.utter_message(response="utter_rephrase")
        return []
