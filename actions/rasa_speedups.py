"""Measured fixes for Rasa 3.6's per-turn overheads, applied in the Rasa server process.

Each fix keeps Rasa's behaviour (same results, same errors) and only removes repeated work that
profiling (py-spy on the Rasa server under benchmarks/bench_dialogue.py traffic) showed on
every turn. Imported by the NLU components, which are the project code Rasa loads into its
server; tests/dialogue/test_rasa_speedups.py checks each against Rasa's own code path.

1. Action-response validation. Rasa checks every action server response with
   `jsonschema.validate(result, schema)`, which re-validates the (large) schema itself on every
   call: about 20-50 ms per custom action here. The schema is now checked once and a compiled
   validator reused: the response is still validated in full, raising the same error. Each
   event is then checked against its own type's part of the schema: the schema's `oneOf` tries
   all 23 event types on every event (11% of the Rasa server's CPU under load), and as each type
   fixes `event` to a different constant, exactly the one named can match. A response that fails
   the quick way is validated the full way, for Rasa's own error.
2. Unique entity mappings of a form. After every user message Rasa builds a fresh `FormAction`
   for each from_entity slot mapping and recomputes, from the whole domain, which mappings are
   unique to one slot (~5% of a turn's CPU). The answer depends only on the form and the
   domain, so it is kept per form for as long as the same domain object is loaded.
3. Action server connections. Rasa opens a new HTTP client session, and so a new TCP
   connection, for every action call (1.5 calls per turn on average here). One kept-alive
   session per endpoint and event loop reuses connections. A connection the action server
   closed in the meantime (idle timeout, restart) fails before any answer; such a call is
   sent once more on a fresh connection. The action server is stateless, so a repeat is safe.
4. Event types by name. Turning stored or returned events back into objects, Rasa walks the
   whole `Event` class tree for every single event to find the class with that type name
   (~6% of a turn's CPU). The classes are all imported at start, so the name -> class table is
   built once; a name not in it goes to Rasa's own lookup (its defaults and errors).
5. Rule keys. To predict, the rule policy tests every learned rule against the conversation's
   states, and for each rule at each step it parses the rule's key (a JSON text) again with
   json.loads (~7% of a turn's CPU with the FAQ topics' rules). A key's states never change,
   so each key is parsed once; callers get a fresh list, as before.
"""
from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Optional, Text, Tuple

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

# -- 1. action-response validation ------------------------------------------------------------


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not on every action call
    return cls(schema)


@lru_cache(maxsize=1)
def _event_schemas() -> Dict[Text, Any]:
    """Event type name -> a validator of that type's events: the event schema with its `oneOf`
    replaced by the one alternative whose `event` constant is that name."""
    schema = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]
    base = {k: v for k, v in schema.items() if k != "oneOf"}
    out = {}
    for alternative in schema["oneOf"]:
        name = alternative["properties"]["event"]["const"]
        one = {**base, "allOf": [alternative]}
        cls = validator_for(one)
        cls.check_schema(one)
        out[name] = cls(one)
    return out


def _quickly_valid(result: Any) -> bool:
    """The response as Rasa's schema sees it, each event against its own type only."""
    if not isinstance(result, dict) or not isinstance(result.get("events", []), list):
        return False
    validators = _event_schemas()
    shell = {**result, "events": []}
    if not _response_validator().is_valid(shell):
        return False
    for event in result.get("events", []):
        kind = event.get("event") if isinstance(event, dict) else None
        validator = validators.get(kind) if isinstance(kind, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if _quickly_valid(result):
        return True
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (f". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error


# -- 2. unique entity mappings, once per form and domain ----------------------------------------

# form name -> (the domain the answer was computed from, the unique mappings as JSON strings)
_unique_mappings: Dict[Text, Tuple[Domain, FrozenSet[Text]]] = {}


def _entity_mapping_is_unique(self: FormAction, slot_mapping: Dict[Text, Any], domain: Domain) -> bool:
    known = _unique_mappings.get(self.name())
    if known is None or known[0] is not domain:  # a new model brings a new domain object
        known = (domain, frozenset(self._create_unique_entity_mappings(domain)))
        _unique_mappings[self.name()] = known
    return json.dumps(slot_mapping, sort_keys=True) in known[1]


# -- 3. kept-alive connections to the action server --------------------------------------------

_RASA_REQUEST = EndpointConfig.request


class _Kept:
    """Lends a kept session to Rasa's `async with endpoint.session() as session:` without
    closing it at the end of the block."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def _kept_session(self: EndpointConfig) -> _Kept:
    loop = asyncio.get_running_loop()
    kept: Optional[Tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession]] = getattr(self, "_kept_session", None)
    if kept is None or kept[0] is not loop or kept[1].closed:
        # as Rasa's EndpointConfig.session() builds it: the endpoint's headers, auth, timeout
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        session = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))
        kept = (loop, session)
        self._kept_session = kept
    return _Kept(kept[1])


async def _request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Optional[Any]:
    try:
        return await _RASA_REQUEST(self, *args, **dict(kwargs))
    except aiohttp.ClientConnectorError:
        raise  # nothing listens: no point in trying again
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
        # the kept connection was closed by the server before it answered: once more, fresh
        return await _RASA_REQUEST(self, *args, **dict(kwargs))


# -- 4. event classes by type name -------------------------------------------------------------

_RASA_RESOLVE_BY_TYPE = Event.resolve_by_type


@lru_cache(maxsize=1)
def _event_classes() -> Dict[Text, Any]:
    table: Dict[Text, Any] = {}
    for cls in all_subclasses(Event):  # Rasa's order: the first class with a name wins
        table.setdefault(cls.type_name, cls)
    return table


def _resolve_by_type(type_name: Text, default: Optional[Any] = None) -> Optional[Any]:
    found = _event_classes().get(type_name)
    return found if found is not None else _RASA_RESOLVE_BY_TYPE(type_name, default)


# -- 5. rule keys as states ---------------------------------------------------------------------

_RASA_RULE_KEY_TO_STATE = RulePolicy._rule_key_to_state


@lru_cache(maxsize=100_000)
def _rule_states(rule_key: Text) -> Tuple[Any, ...]:
    return tuple(json.loads(rule_key))


def _rule_key_to_state(rule_key: Text) -> Any:
    # A fresh list each time, as json.loads gave: callers only reverse, index and read it.
    return list(_rule_states(rule_key))


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    FormAction.entity_mapping_is_unique = _entity_mapping_is_unique
    EndpointConfig.session = _kept_session
    EndpointConfig.request = _request
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    RulePolicy._rule_key_to_state = staticmethod(_rule_key_to_state)


install()
