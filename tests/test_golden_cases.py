"""Golden cases: worked examples from the fact sheet's sources, run through the public API.

Every ``tests/cases/*.yaml`` file holds a list of cases. One case is a mapping:

    - name: A payment due March 31 can be cured through June 30     # a sentence; the test id
      source: Treas. Reg. 1.72(p)-1 Q&A-10(a) ...                    # or "ours: <why>"
      facts: {as_of: 2025-05-01, missed_payment_due_date: 2025-03-31}
      expect:
        classification: cure_window_open
        cure_deadline: 2025-06-30

``facts`` goes to ``rules_core.api.assess`` (YAML dates become ISO strings first, as JSON
would carry them; every assess case must give ``as_of`` so the result does not depend on
the day the tests run). Instead of ``facts`` a case may give ``call`` with ``args``:

    call: limit      args: {vested, highest_12m, outstanding, requested, as_of,
                            term_months?, payments_per_year?, principal_residence?}
    call: code       args: {code: "code l 1"}           -> api.decode_box7
    call: due_date   args: {tax_year: 2021}             -> api.due_dates

Instead of ``expect`` a case may give ``expect_error: <field>`` (or a list of fields): the
input must raise ``FactsError`` whose ``.errors`` names each of them.

A case may carry ``xfail: "BUG: ..."``: the case is marked ``xfail(strict=True)`` with that
reason, so it starts failing loudly the day the engine is fixed.

Expectation syntax. Each key of ``expect`` is a dotted path into the output; each value is
the expected value, or an operator string.

* Paths. A segment on a dict is a key (``additional_tax.applies``). A segment on a list of
  dicts selects the entries whose identity equals it: ``name`` for timeline entries,
  ``topic`` for explanations and next steps, ``code`` for box 7 meanings. Topic ids contain
  dots, so the longest run of segments that names an entry wins
  (``explanations.rollover.qplo_weekend.title``). Every selected entry must satisfy the
  check (``timeline.offset_date.date`` checks the user's date and the offset event alike),
  and at least one must exist. An integer segment indexes a list.
* Values. A plain value must equal the output. YAML dates compare as ISO strings; a number
  expected where the output is a money string compares as a Decimal (``17157`` matches
  ``"17157.00"``); ``null`` means the output is null.
* Operators (a string value that starts with one of these words):
  ``contains X``  the list holds X (for lists of dicts: an entry whose identity is X);
  ``excludes X``  it does not;
  ``is set``      the value exists and is not null.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

from rules_core import api
from rules_core.contract import validate_assessment
from rules_core.facts import FactsError

CASES_DIR = Path(__file__).resolve().parent / "cases"
CALLS = ("limit", "code", "due_date")
IDENTITY_KEYS = ("name", "topic", "code")
_MISSING = object()


# ---- loading ------------------------------------------------------------------------------
def _load_cases() -> List[Tuple[str, Dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        assert isinstance(loaded, list), f"{path.name}: expected a list of cases"
        for case in loaded:
            cases.append((path.name, case))
    return cases


CASES = _load_cases()


def _params():
    params = []
    for file_name, case in CASES:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
        params.append(pytest.param(file_name, case, id=str(case.get("name")), marks=marks))
    return params


def _jsonable(value: Any) -> Any:
    """YAML dates -> ISO strings, recursively, so the facts look like the JSON the CLI reads."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# ---- running ------------------------------------------------------------------------------
def _run(case: Dict[str, Any]) -> Dict[str, Any]:
    if "facts" in case:
        out = api.assess(_jsonable(case["facts"]))
        validate_assessment(out)
        return out
    call, args = case["call"], _jsonable(case.get("args") or {})
    if call == "code":
        return api.decode_box7(args["code"])
    if call == "due_date":
        return api.due_dates(int(args["tax_year"]))
    if call == "limit":
        money = {k: Decimal(str(args[k])) for k in ("vested", "highest_12m", "outstanding", "requested")}
        return api.loan_limit(term_months=args.get("term_months"),
                              payments_per_year=args.get("payments_per_year"),
                              principal_residence=bool(args.get("principal_residence", False)),
                              as_of=args.get("as_of"), **money)
    raise AssertionError(f"unknown call {call!r}; expected one of {CALLS}")


# ---- paths and checks -----------------------------------------------------------------------
def _identity(entry: Any) -> Any:
    if isinstance(entry, dict):
        for key in IDENTITY_KEYS:
            if key in entry:
                return entry[key]
    return _MISSING


def _select(node: Any, segments: List[str], path: str) -> List[Any]:
    """Every value the remaining path segments reach from `node`."""
    if not segments:
        return [node]
    if isinstance(node, dict):
        head = segments[0]
        assert head in node, f"{path}: no field {head!r} (have {sorted(node)})"
        return _select(node[head], segments[1:], path)
    if isinstance(node, list):
        if segments[0].lstrip("-").isdigit():
            index = int(segments[0])
            assert -len(node) <= index < len(node), f"{path}: index {index} out of range"
            return _select(node[index], segments[1:], path)
        for take in range(len(segments), 0, -1):  # longest identity first (topic ids have dots)
            key = ".".join(segments[:take])
            chosen = [entry for entry in node if _identity(entry) == key]
            if chosen:
                found: List[Any] = []
                for entry in chosen:
                    found.extend(_select(entry, segments[take:], path))
                return found
        have = [_identity(e) for e in node]
        raise AssertionError(f"{path}: no entry named {'.'.join(segments)!r} (have {have})")
    raise AssertionError(f"{path}: cannot go into {node!r} with {segments}")


def _equal(actual: Any, expected: Any) -> bool:
    expected = _jsonable(expected)
    if isinstance(actual, str) and isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return Decimal(actual) == Decimal(str(expected))
        except InvalidOperation:
            return False
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return actual == expected


def _check(actual: Any, expected: Any, path: str) -> None:
    if isinstance(expected, str):
        word, _, operand = expected.partition(" ")
        if word in ("contains", "excludes"):
            assert isinstance(actual, list), f"{path}: {word} needs a list, got {actual!r}"
            members = [_identity(e) if isinstance(e, dict) else e for e in actual]
            if word == "contains":
                assert operand in members, f"{path}: {operand!r} not in {members}"
            else:
                assert operand not in members, f"{path}: {operand!r} unexpectedly in {members}"
            return
        if expected == "is set":
            assert actual is not None, f"{path}: expected a value, got null"
            return
    assert _equal(actual, expected), f"{path}: expected {_jsonable(expected)!r}, got {actual!r}"


def check_expectations(out: Dict[str, Any], expect: Dict[str, Any]) -> None:
    problems = []
    for path, expected in expect.items():
        try:
            for actual in _select(out, str(path).split("."), path):
                _check(actual, expected, path)
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


# ---- the tests ------------------------------------------------------------------------------
@pytest.mark.parametrize("file_name, case", _params())
def test_golden_case(file_name, case):
    if "expect_error" in case:
        fields = case["expect_error"]
        fields = [fields] if isinstance(fields, str) else list(fields)
        with pytest.raises(FactsError) as info:
            _run(case)
        for name in fields:
            assert name in info.value.errors, f"{name} not named in {info.value.errors}"
        return
    out = _run(case)
    check_expectations(out, case["expect"])


def test_cases_were_found():
    assert len(CASES) >= 80, f"only {len(CASES)} golden cases loaded from {CASES_DIR}"


def test_every_case_names_its_source_and_has_a_unique_name():
    seen: Dict[str, str] = {}
    problems = []
    for file_name, case in CASES:
        name = case.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{file_name}: a case without a name")
            continue
        if name in seen:
            problems.append(f"{file_name}: {name!r} also in {seen[name]}")
        seen[name] = file_name
        source = case.get("source")
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{file_name}: {name!r} has no source")
        elif source.lower().startswith("ours") and not source.lower().startswith("ours:"):
            problems.append(f"{file_name}: {name!r}: our own cases say 'ours: <why>'")
    assert not problems, "\n".join(problems)


def test_every_case_is_well_formed():
    problems = []
    allowed = {"name", "source", "facts", "call", "args", "expect", "expect_error", "xfail"}
    for _, case in CASES:
        name = case.get("name")
        extra = set(case) - allowed
        if extra:
            problems.append(f"{name}: unknown keys {sorted(extra)}")
        if ("facts" in case) == ("call" in case):
            problems.append(f"{name}: give exactly one of facts / call")
        if "call" in case and case["call"] not in CALLS:
            problems.append(f"{name}: call must be one of {CALLS}")
        if "facts" in case and "as_of" not in (case["facts"] or {}):
            problems.append(f"{name}: assess cases must give as_of")
        if ("expect" in case) == ("expect_error" in case):
            problems.append(f"{name}: give exactly one of expect / expect_error")
        if "expect" in case and not case["expect"]:
            problems.append(f"{name}: empty expect")
        if case.get("xfail") and not str(case["xfail"]).startswith("BUG: "):
            problems.append(f"{name}: xfail reasons start with 'BUG: '")
    assert not problems, "\n".join(problems)


# The expectation syntax itself, on a small hand-made output.
_SAMPLE = {
    "classification": "qualified_plan_loan_offset", "taxable_amount": "12000.00",
    "missing_facts": ["birth_date"], "additional_tax": {"applies": None},
    "timeline": [{"name": "offset_date", "date": "2025-06-30", "certainty": "settled"},
                 {"name": "offset_date", "date": "2025-06-30", "certainty": "settled"},
                 {"name": "rollover_deadline", "date": "2026-10-15", "certainty": "likely"}],
    "explanations": [{"topic": "rollover.qplo_weekend", "title": "T"}],
}


@pytest.mark.parametrize("expect", [
    {"taxable_amount": 12000}, {"taxable_amount": "12000.00"},
    {"missing_facts": "contains birth_date"}, {"missing_facts": "excludes age"},
    {"additional_tax.applies": None}, {"timeline.rollover_deadline.certainty": "likely"},
    {"timeline.offset_date.date": dt.date(2025, 6, 30)}, {"explanations": "contains rollover.qplo_weekend"},
    {"explanations.rollover.qplo_weekend.title": "T"}, {"timeline.0.name": "offset_date"},
    {"classification": "is set"},
])
def test_expectation_syntax_accepts(expect):
    check_expectations(_SAMPLE, expect)


@pytest.mark.parametrize("expect", [
    {"taxable_amount": 12001}, {"missing_facts": "contains age"}, {"missing_facts": "excludes birth_date"},
    {"additional_tax.applies": False}, {"timeline.rollover_deadline.certainty": "settled"},
    {"timeline.no_such_date.date": "2025-01-01"}, {"nope": 1}, {"additional_tax.applies": "is set"},
    {"explanations": "contains rollover.sixty_day_weekend"},
])
def test_expectation_syntax_rejects(expect):
    with pytest.raises(AssertionError):
        check_expectations(_SAMPLE, expect)
