"""The faster action-response validation accepts and rejects exactly what Rasa's does."""
import pytest
from jsonschema import ValidationError, validate

import actions.rasa_speedups  # noqa: F401  installs the fix
from rasa.core.actions.action import RemoteAction

SCHEMA = RemoteAction.action_response_format_spec()
GOOD = [{"events": [], "responses": []},
        {"events": [{"event": "slot", "name": "as_of", "value": "2025-11-01"}], "responses": [{"text": "hi"}]}]
BAD = [{"events": "not a list"}, {"responses": "nope"}, {"events": [{"no_event_key": 1}]}]


@pytest.mark.parametrize("result", GOOD)
def test_valid_responses_pass_both(result):
    validate(result, SCHEMA)
    assert RemoteAction._validate_action_result(None, result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_fail_both(result):
    with pytest.raises(ValidationError):
        validate(result, SCHEMA)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction._validate_action_result(None, result)
