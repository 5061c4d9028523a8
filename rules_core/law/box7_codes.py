"""Form 1099-R, box 7: reading a distribution code, and the code a plan should report.

The clause, in our words: box 7 carries one or two codes from Table 1 of the Instructions
for Forms 1099-R and 5498. Each code says what kind of payment it was (an early or normal
distribution, a death benefit, a direct rollover, ...). Two codes may share the box only
where Table 1's "used with" column allows it, and never more than two. For plan loans:
L marks a loan treated as a distribution (deemed), M a qualified plan loan offset, and an
ordinary offset carries only the age/exception code (1, 2, 4 or 7). The table, its
combinations and their sources live in data/box7_codes.yaml.
Source: i1099r (Table 1, "Loans Treated as Distributions", "Plan loan offsets"); pub-1220.

Reading a value is an allow-list of whole values: case, spaces, the words "code", "codes"
and "and", and commas, "+" or "&" between codes are accepted; any other character is
rejected with a reason, never dropped. A valid value is written back in one canonical
order (see `canonical_order` in the YAML): L, M, G first, then B, then the other letters
alphabetically, then digits ascending ("1L" -> "L1", "1B" -> "B1", "4G" -> "G4").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

from ..citations import check_ids
from ..yaml_data import load_yaml

_DATA = Path(__file__).resolve().parent.parent / "data" / "box7_codes.yaml"
_SEPARATORS = re.compile(r"[\s,+&]+")
_FILLER_WORDS = frozenset({"code", "codes", "code:", "codes:", "and"})
_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
_EVENT_LETTER = {
    "deemed_distribution": "L", "qualified_plan_loan_offset": "M", "plan_loan_offset": "",
}
AGE_CODES = ("1", "2", "4", "7")


class Box7FormatError(ValueError):
    """The text is not a box 7 value: empty, an unknown character, or a code twice."""


@dataclass(frozen=True)
class Box7Decoding:
    """What a box 7 value says. `reason`: why it was rejected; for a valid value, a note on
    what the code leaves open (None when nothing is open). `additional_tax` is
    {"applies": True/False/None, "reason": str}; `meanings` holds {"code", "meaning"} dicts
    in canonical order."""

    code: str
    valid: bool
    reason: Optional[str]
    event_type: Optional[str]
    rollover_eligible: Optional[bool]
    additional_tax: dict
    meanings: tuple

    def to_dict(self) -> dict:
        return {
            "code": self.code, "valid": self.valid, "reason": self.reason,
            "event_type": self.event_type, "rollover_eligible": self.rollover_eligible,
            "additional_tax": dict(self.additional_tax),
            "meanings": [dict(m) for m in self.meanings],
        }


@dataclass(frozen=True)
class _Code:
    code: str
    meaning: str
    alone: bool
    used_with: FrozenSet[str]
    event_type: Optional[str]
    rollover_eligible: Optional[bool]
    rollover_reason: Optional[str]
    additional_tax: Optional[Tuple[Optional[bool], str]]
    citations: Tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    codes: Dict[str, _Code]
    order: str
    max_codes: int
    event_precedence: Tuple[str, ...]
    pair_reasons: Dict[str, str]
    two_numbers: str
    rule_citations: Dict[str, Tuple[str, ...]]


# ---- the table -------------------------------------------------------------------------

def _load_code(code: str, entry: dict) -> _Code:
    rollover = entry.get("rollover") or {}
    tax = entry.get("additional_tax")
    return _Code(
        code=code, meaning=" ".join(entry["meaning"].split()), alone=entry.get("alone", True),
        used_with=frozenset(entry["used_with"]), event_type=entry.get("event_type"),
        rollover_eligible=rollover.get("eligible"), rollover_reason=rollover.get("reason"),
        additional_tax=(tax["applies"], " ".join(tax["reason"].split())) if tax else None,
        citations=tuple(entry["citations"]) + tuple((tax or {}).get("citations", ())),
    )


@lru_cache(maxsize=1)
def _table() -> _Table:
    raw = load_yaml(_DATA.read_text(encoding="utf-8"))
    rules = dict(raw["combination_rules"], **raw["pair_reasons"], two_numbers=raw["two_numbers"])
    table = _Table(
        codes={str(c): _load_code(str(c), e) for c, e in raw["codes"].items()},
        order=raw["canonical_order"], max_codes=raw["max_codes"],
        event_precedence=tuple(raw["event_precedence"]),
        pair_reasons={p: " ".join(r["says"].split()) for p, r in raw["pair_reasons"].items()},
        two_numbers=" ".join(raw["two_numbers"]["says"].split()),
        rule_citations={k: tuple(v["citations"]) for k, v in rules.items()},
    )
    _check_table(table)
    return table


def _check_table(table: _Table) -> None:
    """Fail loudly on a broken table rather than decode with it."""
    if sorted(table.order) != sorted(table.codes):
        raise ValueError("box7: canonical_order must list every code exactly once")
    for code in table.codes.values():
        for other in code.used_with:
            if code.code not in table.codes[other].used_with:
                raise ValueError(f"box7: {code.code} lists {other} but not the reverse")
        if code.event_type and code.event_type not in table.event_precedence:
            raise ValueError(f"box7: event type {code.event_type!r} missing from event_precedence")
        check_ids(code.citations)
    for ids in table.rule_citations.values():
        check_ids(ids)


def valid_box7_codes() -> Tuple[str, ...]:
    """Every valid box 7 value in canonical form: the single codes that may stand alone,
    then every permitted pair. Derived from the table, so tests can iterate over it."""
    return _valid_codes()


@lru_cache(maxsize=1)
def _valid_codes() -> Tuple[str, ...]:
    table = _table()
    singles = [c for c in table.order if table.codes[c].alone]
    pairs = [a + b for i, a in enumerate(table.order) for b in table.order[i + 1:]
             if b in table.codes[a].used_with]
    return tuple(singles + pairs)


def box7_citations(code: str) -> Tuple[str, ...]:
    """Citation ids behind a valid canonical value: its codes' sources and Table 1."""
    table = _table()
    ids: List[str] = []
    sources = [c for ch in code for c in table.codes[ch].citations]
    for cid in sources + list(table.rule_citations["table_1"]):
        if cid not in ids:
            ids.append(cid)
    return tuple(ids)


# ---- reading a value -------------------------------------------------------------------

def normalise_box7(raw: str) -> str:
    """The codes in `raw`, written in canonical order ("m1" -> "M1", " l , 1 " -> "L1").

    Raises Box7FormatError for empty input, any character that is neither a code nor an
    accepted separator, and a code given twice. Whether the codes may be combined is not
    checked here; `decode_box7` does that. Source: i1099r Table 1."""
    order = _table().order
    return "".join(sorted(_codes_in(raw), key=order.index))


def _codes_in(raw: str) -> List[str]:
    if not isinstance(raw, str):
        raise Box7FormatError(f"A box 7 code must be text, not {type(raw).__name__}.")
    found: List[str] = []
    for token in _SEPARATORS.split(raw.strip()):
        if not token or token.lower() in _FILLER_WORDS:
            continue
        for char in token:
            code = _known_code(char, token)
            if code in found:
                raise Box7FormatError(f"Code {code} appears twice; each code is entered only once.")
            found.append(code)
    if not found:
        raise Box7FormatError("No distribution code was given: box 7 needs one or two codes.")
    return found


def _known_code(char: str, token: str) -> str:
    """`char` as a code, or a reason why it is not one. Only ASCII counts: a look-alike
    letter from another script is rejected, not folded into a code."""
    if char.isascii() and char.upper() in _table().codes:
        return char.upper()
    where = f" in {token!r}" if token != char else ""
    if char.isalnum():
        raise Box7FormatError(f"{char!r}{where} is not a distribution code.")
    raise Box7FormatError(f"{char!r}{where} is not a distribution code or an accepted "
                          "separator (use spaces, commas, '+' or '&' between codes).")


@lru_cache(maxsize=4096)  # pure, and people hold a handful of distinct codes
def decode_box7(raw: str) -> Box7Decoding:
    """Read a box 7 value: valid single codes and permitted pairs decode into what they say
    about the event, rollover and the 10% additional tax; anything else comes back with
    valid=False and a reason a person can act on. Source: i1099r Table 1; pub-1220."""
    try:
        code = normalise_box7(raw)
    except Box7FormatError as err:
        return _rejected(raw.strip() if isinstance(raw, str) else "", str(err), ())
    problem = _combination_problem(code)
    if problem:
        return _rejected(code, problem, _meanings(code))
    return _decoded(code)


def _combination_problem(code: str) -> Optional[str]:
    table = _table()
    if len(code) > table.max_codes:
        count = _NUMBER_WORDS.get(len(code), str(len(code))).capitalize()
        return (f"{count} codes never fit: box 7 holds at most "
                f"{_NUMBER_WORDS[table.max_codes]} ({code!r}).")
    if len(code) == 1:
        entry = table.codes[code]
        if entry.alone:
            return None
        return (f"Code {code} never stands alone: it is entered together with "
                f"{_or_list(entry.used_with)}.")
    return _pair_problem(code)


def _pair_problem(code: str) -> Optional[str]:
    table = _table()
    first, second = code
    if second in table.codes[first].used_with:
        return None
    if code in table.pair_reasons:
        return table.pair_reasons[code]
    if first.isdigit() and second.isdigit():
        return table.two_numbers
    return (f"Codes {first} and {second} are never combined: "
            f"{_companions(first)}; {_companions(second)}.")


def _companions(code: str) -> str:
    used = _table().codes[code].used_with
    return f"{code} goes only with {_or_list(used)}" if used else f"{code} always stands alone"


def _or_list(codes: Iterable[str]) -> str:
    order = _table().order
    names = sorted(codes, key=order.index)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _meanings(code: str) -> tuple:
    return tuple({"code": c, "meaning": _table().codes[c].meaning} for c in code)


def _rejected(code: str, reason: str, meanings: tuple) -> Box7Decoding:
    tax = {"applies": None, "reason": "Nothing follows from a box 7 value that is not valid."}
    return Box7Decoding(code, False, reason, None, None, tax, meanings)


def _decoded(code: str) -> Box7Decoding:
    entries = [_table().codes[c] for c in code]
    rollover = _rollover(entries)
    return Box7Decoding(
        code=code, valid=True, reason=_open_note(entries, rollover),
        event_type=_event_type(entries), rollover_eligible=rollover,
        additional_tax=_additional_tax(entries, code), meanings=_meanings(code),
    )


def _event_type(entries: List[_Code]) -> Optional[str]:
    """The most specific event named: L or M over the age digit, G over a death code."""
    precedence = _table().event_precedence
    named = [e.event_type for e in entries if e.event_type]
    return min(named, key=precedence.index) if named else None


def _rollover(entries: List[_Code]) -> Optional[bool]:
    """A code that rules a rollover out wins (L: a deemed distribution never rolls over);
    then one that allows it (M, G); otherwise it depends on facts the code does not show."""
    said = {e.rollover_eligible for e in entries} - {None}
    if False in said:
        return False
    return True if True in said else None


def _open_note(entries: List[_Code], rollover: Optional[bool]) -> Optional[str]:
    if rollover is not None:
        return None
    notes = [e.rollover_reason for e in entries if e.rollover_reason]
    if notes:
        return " ".join(notes[0].split())
    return ("Box 7 does not show whether this payment can be rolled over; "
            "that depends on what was paid.")


def _additional_tax(entries: List[_Code], code: str) -> dict:
    """The age/exception code decides (1: applies; 2, 4, 7: does not). L, M or B alone
    leave it open. Source: irc-72t; i1099r codes 1, 2, 4 and 7."""
    said = [e.additional_tax for e in entries if e.additional_tax]
    settled = [t for t in said if t[0] is not None]
    chosen = settled or said
    if not chosen:
        return {"applies": None,
                "reason": f"Box 7 code {code} says nothing about the 10% additional tax."}
    return {"applies": chosen[0][0], "reason": " ".join(reason for _, reason in chosen)}


# ---- what the plan should report -------------------------------------------------------

@lru_cache(maxsize=256)
def expected_box7(event: str, age_code: str, roth: bool) -> str:
    """The box 7 value a plan reports for a loan event, in canonical form.

    A deemed distribution is coded L with the age/exception code, a qualified plan loan
    offset M with it, an ordinary plan loan offset the age/exception code alone ("Do not
    enter Code L" for an offset). `age_code`: 1 (under 59½, no known exception), 2 (under
    59½, exception known), 4 (death), 7 (59½ or older). `roth`: the loan came from a
    designated Roth account, which adds B. Source: i1099r; pub-1220."""
    if event not in _EVENT_LETTER:
        raise ValueError(f"Unknown loan event {event!r}; expected one of {sorted(_EVENT_LETTER)}.")
    if age_code not in AGE_CODES:
        raise ValueError(f"Unknown age/exception code {age_code!r}; expected one of {AGE_CODES}.")
    if not isinstance(roth, bool):
        raise ValueError(f"roth must be True or False, not {roth!r}.")
    letter = _EVENT_LETTER[event]
    # interpretation: box 7 has room for two codes and L/M pair with B but B cannot also
    # carry the age code, so a Roth deemed distribution or QPLO is LB / MB and the form no
    # longer shows the age (the fact sheet's "Roth caveat"). An ordinary Roth offset is
    # B with the age code (B1, B2, B4, B7), which Table 1 allows.
    codes = letter + ("B" if roth else age_code) if letter else ("B" if roth else "") + age_code
    decoding = decode_box7(codes)
    if not decoding.valid:  # the table itself would be wrong; never report an invalid code
        raise ValueError(f"box7 table rejects {codes!r}: {decoding.reason}")
    return decoding.code
