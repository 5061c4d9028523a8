"""Form 1099-R box 7 codes: the table, the decoder and the expected code for loan events.

Oracle: Table 1 ("Guide to Distribution Codes") of the 1099-R instructions, its "used with"
column as copied by vendors, and the Publication 1220 combination rules (moov-io/irs copy);
the loan facts come from the fact sheet, sections 5-9.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rules_core.citations import cite
from rules_core.law import box7_codes
from rules_core.law.box7_codes import (
    AGE_CODES, Box7Decoding, Box7FormatError, box7_citations, decode_box7, expected_box7,
    normalise_box7, valid_box7_codes,
)

ROOT = Path(__file__).resolve().parents[2]
ALL_CODES = "123456789ABCDEFGHJKLMNPQRSTUWY"
NEVER_ALONE = {"A", "D", "Y"}  # Table 1 notes (A, D); 2025 instructions (Y)

# Every permitted pair, in canonical order, with the Table 1 row that allows it.
EXPECTED_PAIRS = {
    "L1", "L2", "L4", "L7", "LB",                 # L row: 1, 2, 4, 7, B
    "M1", "M2", "M4", "M7", "MB",                 # M row: 1, 2, 4, 7, B (Pub 1220)
    "GB", "GK", "G4",                             # G row: 4, B, K
    "BP", "BU", "B1", "B2", "B4", "B7", "B8",     # B row: 1, 2, 4, 7, 8, G, L, M, P, U
    "A4", "A7",                                   # A row: 4, 7
    "CD",                                         # C row: D (Pub 1220)
    "D1", "D2", "D3", "D4", "D7",                 # D row: 1, 2, 3, 4, 7, C
    "H4",                                         # H row: 4
    "JP", "J8",                                   # J row: 8, P
    "KY", "K1", "K2", "K4", "K7", "K8",           # K row: 1, 2, 4, 7, 8, G (+ Y)
    "P1", "P2", "P4",                             # P row: 1, 2, 4, B, J
    "W6",                                         # 6 row: W
    "Y4", "Y7",                                   # Y row (2025): 4, 7, K
    "18", "28", "48",                             # the only number pairs: 8 with 1, 2, 4
}

SPELLINGS = [
    lambda c: c,
    lambda c: c[::-1],
    lambda c: c.lower(),
    lambda c: " " + " , ".join(c.lower()) + " ",
    lambda c: "code " + " ".join(c),
    lambda c: "Codes " + "+".join(c[::-1]),
    lambda c: " & ".join(c),
    lambda c: "code: " + " and ".join(c[::-1].lower()),
]


@pytest.mark.parametrize("code", valid_box7_codes())
@pytest.mark.parametrize("spell", range(len(SPELLINGS)))
def test_every_valid_value_decodes_in_any_spelling(code, spell):
    decoding = decode_box7(SPELLINGS[spell](code))
    assert decoding.valid, decoding.reason
    assert decoding.code == code
    assert [m["code"] for m in decoding.meanings] == list(code)
    assert all(m["meaning"] for m in decoding.meanings)


def test_single_codes_that_may_stand_alone():
    singles = {c for c in valid_box7_codes() if len(c) == 1}
    assert singles == set(ALL_CODES) - NEVER_ALONE


def test_valid_pairs_are_exactly_table_1():
    assert {c for c in valid_box7_codes() if len(c) == 2} == EXPECTED_PAIRS


def test_loan_codes_are_valid_and_canonical():
    for code in ["L1", "L2", "L4", "L7", "LB", "L", "M1", "M2", "M4", "M7", "MB", "M", "1", "2", "7"]:
        assert code in valid_box7_codes()
        assert normalise_box7(code[::-1].lower()) == code


NORMALISATION = [
    ("1M", "M1"), ("m1", "M1"), ("code L 1", "L1"), (" l , 1 ", "L1"), ("1l", "L1"),
    ("2 L", "L2"), ("4,l", "L4"), ("7+L", "L7"), ("b l", "LB"), ("l", "L"),
    ("Codes: B & M", "MB"), ("m", "M"), ("7m", "M7"), ("4 and m", "M4"),
    ("1", "1"), (" 2 ", "2"), ("code 7", "7"), ("1b", "B1"), ("4 G", "G4"), ("gb", "GB"),
    ("81", "18"), ("7A", "A7"), ("y7", "Y7"), ("\u00a0L\t1\n", "L1"),
    ("ml", "LM"), ("GM", "MG"), ("l1m", "LM1"),  # normalised, but not valid (decode says why)
]


@pytest.mark.parametrize("raw,canonical", NORMALISATION)
def test_normalisation_table(raw, canonical):
    assert normalise_box7(raw) == canonical


@pytest.mark.parametrize("raw", ["", "   ", "code", "X", "11", "MM", "L l", "L-1", "L/1", "M0",
                                 "L1.", "Z", "\u017f", "\uff2c1", "codeL1"])
def test_normalise_rejects_what_it_cannot_read(raw):
    with pytest.raises(Box7FormatError):
        normalise_box7(raw)


INVALID = [
    # raw, code reported back, words the reason must contain
    ("LM", "LM", "L and M never appear together"),
    ("ML", "LM", "L and M never appear together"),
    ("m l", "LM", "loan offset"),
    ("LG", "LG", "cannot be rolled over"),
    ("GL", "LG", "L and G never appear together"),
    ("GM", "MG", "M and G never appear together"),
    ("L1M", "LM1", "Three codes never fit: box 7 holds at most two"),
    ("1L7", "L17", "Three codes never fit"),
    ("MB1", "MB1", "Three codes never fit"),
    ("LMB1", "LMB1", "Four codes never fit"),
    ("11", "11", "Code 1 appears twice"),
    ("MM", "MM", "Code M appears twice"),
    ("m M", "m M", "Code M appears twice"),
    ("X", "X", "'X' is not a distribution code"),
    ("Z", "Z", "'Z' is not a distribution code"),
    ("I", "I", "'I' is not a distribution code"),
    ("O", "O", "'O' is not a distribution code"),
    ("M0", "M0", "'0' in 'M0' is not a distribution code"),
    ("L-1", "L-1", "'-' in 'L-1' is not a distribution code or an accepted separator"),
    ("L/1", "L/1", "accepted separator"),
    ("L1.", "L1.", "'.' in 'L1.' is not a distribution code"),
    ("\uff2c1", "\uff2c1", "is not a distribution code"),  # full-width L: not folded into L
    ("", "", "No distribution code was given"),
    ("  code  ", "code", "No distribution code was given"),
    ("A", "A", "Code A never stands alone"),
    ("D", "D", "Code D never stands alone"),
    ("Y", "Y", "Code Y never stands alone"),
    ("17", "17", "Two number codes share the box only when one is 8"),
    ("12", "12", "separate forms"),
    ("G1", "G1", "Codes G and 1 are never combined"),
    ("GL", "LG", "never"),
    ("GH", "GH", "Codes G and H are never combined"),
    ("L8", "L8", "Codes L and 8 are never combined"),
    ("M3", "M3", "Codes M and 3 are never combined"),
    ("QB", "BQ", "Q always stands alone"),
    ("5J", "J5", "5 always stands alone"),
    ("H7", "H7", "H goes only with 4"),
]


@pytest.mark.parametrize("raw,code,words", INVALID)
def test_invalid_values_say_why(raw, code, words):
    decoding = decode_box7(raw)
    assert not decoding.valid
    assert decoding.code == code
    assert words in decoding.reason
    assert decoding.event_type is None and decoding.rollover_eligible is None
    assert decoding.additional_tax["applies"] is None


def test_rejected_pair_still_explains_each_code():
    meanings = decode_box7("LM").meanings
    assert [m["code"] for m in meanings] == ["L", "M"]
    assert "deemed" in meanings[0]["meaning"] and "offset" in meanings[1]["meaning"]


def test_non_text_is_rejected_not_raised():
    decoding = decode_box7(None)  # type: ignore[arg-type]
    assert not decoding.valid and "must be text" in decoding.reason


# code -> (event_type, rollover_eligible, additional tax applies); fact sheet §5-§9
LOAN_FACTS = {
    "L1": ("deemed_distribution", False, True),
    "L2": ("deemed_distribution", False, False),
    "L4": ("deemed_distribution", False, False),
    "L7": ("deemed_distribution", False, False),
    "LB": ("deemed_distribution", False, None),
    "L": ("deemed_distribution", False, None),
    "M1": ("qualified_plan_loan_offset", True, True),
    "M2": ("qualified_plan_loan_offset", True, False),
    "M4": ("qualified_plan_loan_offset", True, False),
    "M7": ("qualified_plan_loan_offset", True, False),
    "MB": ("qualified_plan_loan_offset", True, None),
    "M": ("qualified_plan_loan_offset", True, None),
    "1": ("distribution", None, True),
    "2": ("distribution", None, False),
    "4": ("distribution", None, False),
    "7": ("distribution", None, False),
    "B1": ("distribution", None, True),
    "B7": ("distribution", None, False),
    "B": (None, None, None),
    "G": ("direct_rollover", True, False),
    "G4": ("direct_rollover", True, False),
    "GB": ("direct_rollover", True, False),
}


@pytest.mark.parametrize("code", sorted(LOAN_FACTS))
def test_loan_relevant_facts(code):
    decoding = decode_box7(code)
    event, rollover, applies = LOAN_FACTS[code]
    assert decoding.valid
    assert (decoding.event_type, decoding.rollover_eligible) == (event, rollover)
    assert decoding.additional_tax["applies"] is applies
    assert decoding.additional_tax["reason"]


def test_reason_notes_only_what_is_open():
    assert decode_box7("L1").reason is None
    assert decode_box7("M7").reason is None
    assert "depends on what was paid" in decode_box7("7").reason
    assert "Form 5329" in decode_box7("1").additional_tax["reason"]
    assert "paired with it" in decode_box7("L").additional_tax["reason"]
    assert "designated Roth" in decode_box7("LB").additional_tax["reason"]


@pytest.mark.parametrize("code", valid_box7_codes())
def test_codes_sharing_the_box_never_contradict_each_other(code):
    entries = [box7_codes._table().codes[c] for c in code]
    rollovers = {e.rollover_eligible for e in entries} - {None}
    taxes = {e.additional_tax[0] for e in entries if e.additional_tax} - {None}
    assert len(rollovers) <= 1 and len(taxes) <= 1


# event, age code, roth -> expected box 7 (fact sheet §8; i1099r)
EXPECTED = {
    ("deemed_distribution", "1", False): "L1",
    ("deemed_distribution", "2", False): "L2",
    ("deemed_distribution", "4", False): "L4",
    ("deemed_distribution", "7", False): "L7",
    ("deemed_distribution", "1", True): "LB",
    ("deemed_distribution", "2", True): "LB",
    ("deemed_distribution", "4", True): "LB",
    ("deemed_distribution", "7", True): "LB",
    ("qualified_plan_loan_offset", "1", False): "M1",
    ("qualified_plan_loan_offset", "2", False): "M2",
    ("qualified_plan_loan_offset", "4", False): "M4",
    ("qualified_plan_loan_offset", "7", False): "M7",
    ("qualified_plan_loan_offset", "1", True): "MB",
    ("qualified_plan_loan_offset", "2", True): "MB",
    ("qualified_plan_loan_offset", "4", True): "MB",
    ("qualified_plan_loan_offset", "7", True): "MB",
    ("plan_loan_offset", "1", False): "1",
    ("plan_loan_offset", "2", False): "2",
    ("plan_loan_offset", "4", False): "4",
    ("plan_loan_offset", "7", False): "7",
    ("plan_loan_offset", "1", True): "B1",
    ("plan_loan_offset", "2", True): "B2",
    ("plan_loan_offset", "4", True): "B4",
    ("plan_loan_offset", "7", True): "B7",
}


@pytest.mark.parametrize("event,age_code,roth", sorted(EXPECTED))
def test_expected_box7(event, age_code, roth):
    code = expected_box7(event, age_code, roth)
    assert code == EXPECTED[(event, age_code, roth)]
    decoding = decode_box7(code)
    assert decoding.valid
    if event != "plan_loan_offset":
        assert decoding.event_type == event


def test_expected_box7_covers_every_age_code():
    assert {(e, a, r) for (e, a, r) in EXPECTED} == {
        (e, a, r)
        for e in ("deemed_distribution", "qualified_plan_loan_offset", "plan_loan_offset")
        for a in AGE_CODES for r in (False, True)}


@pytest.mark.parametrize("event,age_code,roth", [
    ("loan_default", "1", False), ("offset", "1", False), ("", "1", False),
    ("deemed_distribution", "3", False), ("deemed_distribution", "", False),
    ("deemed_distribution", "L", False), ("deemed_distribution", 1, False),
    ("deemed_distribution", " 1", False), ("plan_loan_offset", "1", "yes"),
])
def test_expected_box7_rejects_unknown_inputs(event, age_code, roth):
    with pytest.raises(ValueError):
        expected_box7(event, age_code, roth)


@pytest.mark.parametrize("raw", ["L1", "mb", "7", "LM", "X", ""])
def test_to_dict_keys_and_json(raw):
    data = decode_box7(raw).to_dict()
    assert list(data) == ["code", "valid", "reason", "event_type", "rollover_eligible",
                          "additional_tax", "meanings"]
    assert set(data["additional_tax"]) == {"applies", "reason"}
    assert json.loads(json.dumps(data)) == data


def test_decoding_is_frozen():
    decoding = decode_box7("L1")
    assert isinstance(decoding, Box7Decoding)
    with pytest.raises(AttributeError):
        decoding.code = "M1"  # type: ignore[misc]


def test_every_citation_resolves():
    for code in valid_box7_codes():
        ids = box7_citations(code)
        assert "i1099r" in ids
        for cid in ids:
            cite(cid)
    for ids in box7_codes._table().rule_citations.values():
        for cid in ids:
            cite(cid)


def test_table_is_symmetric_and_ordered():
    table = box7_codes._table()
    assert sorted(table.order) == sorted(ALL_CODES)
    for code in table.codes.values():
        assert all(code.code in table.codes[o].used_with for o in code.used_with)


def test_no_loading_at_import():
    script = ("import rules_core.law.box7_codes as m; "
              "assert m._table.cache_info().currsize == 0; "
              "m.decode_box7('L1'); assert m._table.cache_info().currsize == 1")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)
