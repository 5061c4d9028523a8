"""The faster action-response validation accepts and rejects exactly what Rasa's does."""
import pytest
from jsonschema import ValidationError, validate

import actions.rasa_speedups  # noqa: F401  installs the fix
from rasa.core.actions.action import RemoteAction

SCHEMA = RemoteAction.action_response_format_spec()
GOOD = [{"events": [], "responses": []},
        {"events": [{"event": "slot", "name": "as_of", "value": "2025-11-01"}], "responses": [{"text": "hi"}]},
        {"events": [{"event": "slot", "name": "a", "value": 1}, {"event": "active_loop", "name": None},
                    {"event": "followup", "name": "x"}], "responses": [{"text": "hi", "custom": {"a": [1, 2]}}]},
        {"events": [{"event": "user", "text": "x", "parse_data": {"intent": {"name": "a", "confidence": 0.5},
                                                                  "entities": []}}]},
        {"events": [{"event": "entities", "entities": []}]}]
BAD = [{"events": "not a list"}, {"responses": "nope"}, {"events": [{"no_event_key": 1}]},
       {"events": [{"event": "slot", "value": 1}]}, {"events": [{"event": "slot", "name": 3, "value": 1}]},
       {"events": [{"event": "nonsense"}]}, {"events": [{"event": "user", "text": 5}]},
       {"events": [{"event": "bot", "text": "x", "timestamp": "no"}]}, {"events": [1]}, {"responses": [1]},
       {"events": [{"event": "action", "name": "x", "confidence": "high"}]}, {"events": [{"event": "entities"}]},
       {"events": [{"event": "slot", "name": "a", "value": None, "metadata": "x"}]}]


@pytest.mark.parametrize("result", GOOD)
def test_valid_responses_pass_both(result):
    validate(result, SCHEMA)
    assert RemoteAction._validate_action_result(None, result) is True


@pytest.mark.parametrize("result", GOOD + BAD)
def test_the_per_event_type_check_agrees_with_the_schema_s_one_of(result):
    # jsonschema.validate, as Rasa calls it, picks the validator for the schema the same way
    from jsonschema.validators import validator_for
    assert actions.rasa_speedups._quickly_valid(result) == validator_for(SCHEMA)(SCHEMA).is_valid(result)


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_fail_both(result):
    with pytest.raises(ValidationError):
        validate(result, SCHEMA)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction._validate_action_result(None, result)


# -- unique entity mappings: the kept answer is Rasa's own, recomputed for a new domain --------

def test_unique_entity_mapping_answers_are_rasas_for_every_mapping_of_the_form():
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.domain import Domain

    from tests.rasa_support import ROOT

    domain = Domain.load(str(ROOT / "domain.yml"))
    form = FormAction("loan_form", None)
    rasa_unique = form._create_unique_entity_mappings(domain)  # Rasa's own computation
    mappings = [m for slot in domain.slots for m in slot.mappings if m.get("type") == "from_entity"]
    assert mappings
    import json
    for mapping in mappings:
        assert form.entity_mapping_is_unique(mapping, domain) == (json.dumps(mapping, sort_keys=True) in rasa_unique)
    # a new FormAction (Rasa makes one per check) reuses the answer; a different domain does not
    other = Domain.from_dict({"entities": ["loan_balance"], "slots": {"loan_balance": {
        "type": "any", "mappings": [{"type": "from_entity", "entity": "loan_balance"}]}},
        "forms": {"loan_form": {"required_slots": ["loan_balance"]}}})
    mapping = other.slots[0].mappings[0]
    assert FormAction("loan_form", None).entity_mapping_is_unique(mapping, other) is True
    assert FormAction("loan_form", None).entity_mapping_is_unique(mapping, domain) == (
        json.dumps(mapping, sort_keys=True) in rasa_unique)


# -- kept-alive action server connections ------------------------------------------------------

def test_action_calls_reuse_one_connection_and_survive_a_server_restart():
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from tests.rasa_support import free_port

    async def scenario():
        port, calls, peers = free_port(), [], set()

        async def webhook(request):
            peers.add(request.transport.get_extra_info("peername"))
            calls.append(await request.json())
            return web.json_response({"events": [], "responses": []})

        async def start():
            app = web.Application()
            app.router.add_post("/webhook", webhook)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            return runner

        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        runner = await start()
        for n in range(5):
            assert await endpoint.request(json={"n": n}, method="post") == {"events": [], "responses": []}
        assert len(calls) == 5 and len(peers) == 1  # one TCP connection for five calls
        await runner.cleanup()  # the action server goes away, closing the kept connection
        runner = await start()
        assert await endpoint.request(json={"n": 5}, method="post") == {"events": [], "responses": []}
        assert [c["n"] for c in calls] == [0, 1, 2, 3, 4, 5]  # answered once, on a fresh connection
        await runner.cleanup()
        import aiohttp
        with pytest.raises(aiohttp.ClientConnectorError):  # nothing listening: Rasa's error
            await endpoint.request(json={"n": 6}, method="post")
        assert len(calls) == 6

    asyncio.run(scenario())


# -- event classes by name ------------------------------------------------------------------------

def test_every_event_type_resolves_to_the_class_rasas_own_lookup_finds():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started", "active_loop"} <= names
    for name in names:
        rasa_first = next(cls for cls in all_subclasses(Event) if cls.type_name == name)
        assert Event.resolve_by_type(name) is rasa_first
    assert Event.resolve_by_type("topic") is None  # Rasa's backward compatibility
    assert Event.resolve_by_type("no_such_event", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_rule_keys_give_the_states_rasa_parses_and_a_fresh_list_each_time():
    import json
    from rasa.core.policies.rule_policy import RulePolicy
    key = json.dumps([{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}},
                      {"prev_action": {"action_name": "utter_greet"}, "user": {"intent": "greet"}}])
    first = RulePolicy._rule_key_to_state(key)
    assert first == json.loads(key)
    first.append("changed")  # a caller that changed its list would not change the next answer
    assert RulePolicy._rule_key_to_state(key) == json.loads(key)
