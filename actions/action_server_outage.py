"""When the action server cannot be reached, the user hears so, and nothing they said is lost.

Stock Rasa 3.6 logs the failed call, drops the action's events and carries on: the user gets
no reply at all, a form that was being filled stalls, and the facts of that message stay in
their slots unchecked (the form later rejects them as unreadable). This patch, applied in the
Rasa server process (imported by the NLU components, like actions/rasa_speedups.py), changes
only what happens when a call to the action server fails. When it is unreachable, times out
or a gateway in front of it answers 502-504:

- the user gets `action_server_unavailable` from actions/presentation.yml;
- the facts this message stated are set aside, raw, in the `unvalidated_facts` slot and their
  slots keep their earlier, validated values; the form's validation (actions/validation.py)
  reads them with the next message's facts once the server is back (a newer statement wins);
- a form that was about to start is marked active, so the next message continues it;
- the bot then listens (FollowupAction), instead of predicting actions that would fail too.
An action call gives up after ACTION_TIMEOUT_SECONDS (default 30; Rasa waits 5 minutes), so a
hung action server is an outage the user hears about, not a silent wait.
When the action server answers with an error (a bug, an invalid answer), the message's facts
are dropped (they may be the cause), the user hears `action_failed` and is asked to rephrase,
and the bot listens. A form rejecting a message is not a failure and keeps Rasa's handling.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import (Action, ActionExecutionRejection, ActionSessionStart, RemoteAction,
                                      create_bot_utterance)
from rasa.core.actions.loops import LoopAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import (ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, REQUESTED_SLOT,
                                       SESSION_START_METADATA_SLOT)
from rasa.shared.core.events import ActiveLoop, Event, FollowupAction, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from actions.conversation import conversation_date
from actions.facts_adapter import FACT_SLOTS
from actions.routing import ROUTED_FROM
from actions.presenting import words

logger = logging.getLogger(__name__)

UNVALIDATED_FACTS = "unvalidated_facts"  # slot (domain.yml): {fact slot: what the user wrote}


class ActionServerUnavailable(RasaException):
    """The action server could not be reached (down, restarting, overloaded)."""


class ActionServerFailed(RasaException):
    """The action server answered, but with an error (a bug in an action, an invalid answer)."""


# 502-504: a proxy or load balancer in front of the action servers found none that answers.
_UNAVAILABLE_STATUSES = {502, 503, 504}


def _is_outage(error: BaseException) -> bool:
    """Connection refused or reset, a timeout, or a gateway that found no action server."""
    seen: Optional[BaseException] = error
    while seen is not None:
        if isinstance(seen, (aiohttp.ClientConnectionError, asyncio.TimeoutError)):
            return True
        if getattr(seen, "status", None) in _UNAVAILABLE_STATUSES:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


_REMOTE_RUN = RemoteAction.run


async def _remote_run(self: RemoteAction, *args: Any, **kwargs: Any) -> List[Event]:
    try:
        return await _REMOTE_RUN(self, *args, **kwargs)
    except (ActionExecutionRejection, ActionServerUnavailable, ActionServerFailed):
        raise  # a form rejecting a message is dialogue, not a failure
    except Exception as error:  # noqa: BLE001 - classified, then raised again
        if _is_outage(error):
            raise ActionServerUnavailable(f"action server unavailable while running '{self.name()}'") from error
        raise ActionServerFailed(f"action '{self.name()}' failed on the action server") from error


def _turn_start(tracker: DialogueStateTracker) -> Optional[int]:
    for index in range(len(tracker.events) - 1, -1, -1):
        if isinstance(tracker.events[index], UserUttered):
            return index
    return None


def _stated_this_turn(tracker: DialogueStateTracker, domain: Any) -> Tuple[Dict[str, Any], List[Event]]:
    """The facts this message set, as written, and the events that put back their earlier values."""
    start = _turn_start(tracker)
    if start is None:
        return {}, []
    stated: Dict[str, Any] = _yes_or_no_answer(tracker, domain)
    for event in list(tracker.events)[start:]:
        if isinstance(event, SlotSet) and event.key in FACT_SLOTS:
            stated[event.key] = event.value
    if not stated:
        return {}, []
    before = DialogueStateTracker.from_events(tracker.sender_id, list(tracker.events)[:start], slots=domain.slots)
    return stated, [SlotSet(name, before.get_slot(name)) for name in stated]


def _yes_or_no_answer(tracker: DialogueStateTracker, domain: Any) -> Dict[str, Any]:
    """"yes, it was up to date. the balance was 9k": a yes or no that came with facts is routed
    as inform (actions/routing.py), so no from_intent mapping stored it; the answer to the
    question asked is set aside with the facts, read as the domain's own mapping reads it."""
    said = (tracker.latest_message.parse_data or {}).get(ROUTED_FROM) if tracker.latest_message else None
    asked = tracker.get_slot(REQUESTED_SLOT)
    if said not in ("affirm", "deny") or not asked:
        return {}
    for slot in domain.slots:
        if slot.name != asked:
            continue
        for mapping in slot.mappings:
            if mapping.get("type") == "from_intent" and mapping.get("intent") == said and \
                    any(c.get("requested_slot") == asked for c in mapping.get("conditions") or []):
                return {asked: mapping.get("value")}
    return {}


def outage_events(action: Action, tracker: DialogueStateTracker, domain: Any) -> List[Event]:
    """What the conversation records when `action` could not reach the action server."""
    events: List[Event] = []
    if isinstance(action, LoopAction) and tracker.active_loop_name != action.name():
        events.append(ActiveLoop(action.name()))  # the form this message started goes on next time
    stated, restore = _stated_this_turn(tracker, domain)
    if stated:
        events += restore + [SlotSet(UNVALIDATED_FACTS, {**(tracker.get_slot(UNVALIDATED_FACTS) or {}), **stated})]
    return events + [create_bot_utterance({"text": words()["action_server_unavailable"]}),
                     FollowupAction(ACTION_LISTEN_NAME)]


def failure_events(tracker: DialogueStateTracker, domain: Any) -> List[Event]:
    """The action server failed on this message: its facts are not kept (they may be what made
    it fail), everything said before is, and the user is asked to put it another way."""
    _, restore = _stated_this_turn(tracker, domain)
    return restore + [create_bot_utterance({"text": words()["action_failed"]}), FollowupAction(ACTION_LISTEN_NAME)]


async def session_start_without_action_server(output_channel: Any, nlg: Any, tracker: DialogueStateTracker,
                                             domain: Any) -> List[Event]:
    """Rasa's own session start, plus the conversation's date that actions/session.py sets."""
    events = await ActionSessionStart().run(output_channel, nlg, tracker, domain)
    today = conversation_date({}, tracker.get_slot(SESSION_START_METADATA_SLOT) or {})
    return events[:-1] + [SlotSet("as_of", today.isoformat())] + events[-1:]  # before action_listen


class _OutageAware:
    """The action the processor runs, with an outage turned into `outage_events`."""

    def __init__(self, action: Action) -> None:
        self._action = action

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    async def run(self, output_channel: Any, nlg: Any, tracker: DialogueStateTracker, domain: Any) -> List[Event]:
        try:
            return await self._action.run(output_channel, nlg, tracker, domain)
        except (ActionServerUnavailable, ActionServerFailed) as problem:
            if self._action.name() == ACTION_SESSION_START_NAME:
                # Nothing to tell the user yet: start the session as our action would (the
                # message that follows gets the explanation if the server is still away).
                logger.error("%s; the session was started without it", problem)
                return await session_start_without_action_server(output_channel, nlg, tracker, domain)
            if isinstance(problem, ActionServerFailed):
                logger.exception("%s; the user was asked to rephrase", problem)
                return failure_events(tracker, domain)
            logger.error("%s; the user was asked to try again and their facts were set aside", problem)
            return outage_events(self._action, tracker, domain)


_RUN_ACTION = MessageProcessor._run_action


async def _run_action(self: MessageProcessor, action: Action, *args: Any, **kwargs: Any) -> bool:
    return await _RUN_ACTION(self, _OutageAware(action), *args, **kwargs)


TIMEOUT_ENV, DEFAULT_TIMEOUT_SECONDS = "ACTION_TIMEOUT_SECONDS", 30.0


def action_timeout() -> float:
    try:
        seconds = float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_SECONDS)
    except ValueError:
        logger.warning("%s is not a number of seconds; using %s", TIMEOUT_ENV, DEFAULT_TIMEOUT_SECONDS)
        return DEFAULT_TIMEOUT_SECONDS
    return seconds if seconds > 0 else DEFAULT_TIMEOUT_SECONDS


def install() -> None:
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = action_timeout()  # the name RemoteAction.run passes on
    RemoteAction.run = _remote_run
    MessageProcessor._run_action = _run_action


install()
