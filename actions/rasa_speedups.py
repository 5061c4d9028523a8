"""A measured fix for Rasa 3.6's per-action cost, applied in the Rasa server process.

Rasa checks every action server response with `jsonschema.validate(result, schema)`, which
re-validates the (large) schema itself on every call: about 50 ms per custom action on this
machine, most of a turn's latency (benchmarks/bench_dialogue.py, profiled with cProfile).
Here the schema is checked once and a compiled validator is reused: the response is still
validated in full, against the same schema, raising the same error. Imported by the NLU
components, which are the project code Rasa loads into its server.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not on every action call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (f". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result


install()
