"""No text the core produces makes one of the wrong claims tax software and articles repeat.

Assessments over many situations (every classification, flags, code checks) are scanned
whole: explanations, next steps, reasons, notes, questions and timeline rule texts.
"""
import random
from datetime import date, timedelta

import pytest

from rules_core import assess
from tests.myth_claims import wrong_claims

BASES = [
    {"left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30", "birth_date": "1984-07-01",
     "loan_balance": 12000, "loan_in_good_standing": True, "box7_code": "L1", "marginal_tax_rate": 0.24},
    {"left_job": True, "separation_date": "2025-03-14", "offset_date": "2026-03-20", "age": 45,
     "loan_balance": 3000, "cash_paid_not_rolled_over": 7000, "loan_in_good_standing": True, "box7_code": "M1"},
    {"left_job": False, "missed_payment_due_date": "2025-11-30", "caught_up_on": None, "birth_date": "1969-01-01",
     "loan_balance": 9000, "box7_code": "1", "loan_date": "2019-01-01"},
    {"missed_payment_due_date": "2025-08-31"},
    {"as_of": "2025-10-01", "missed_payment_due_date": "2025-08-31", "age": 30},
    {"missed_payment_due_date": "2025-08-31", "caught_up_on": "2025-09-15", "left_job": True,
     "separation_date": "2025-10-01"},
    {"plan_terminated": True, "plan_termination_date": "2025-02-01", "offset_date": "2025-09-01",
     "left_job": False, "loan_in_good_standing": True, "age": 62, "loan_balance": 5000, "box7_code": "7"},
    {"missed_payment_due_date": "2025-02-28", "caught_up_on": None, "separation_date": "2026-01-15",
     "offset_date": "2026-02-01", "birth_date": "1970-05-05", "loan_balance": 7000, "box7_code": "M2"},
    {"left_job": True},
    {"left_job": True, "separation_date": "2024-02-29", "offset_date": "2024-12-31", "birth_date": "1966-08-31",
     "loan_balance": 4000, "loan_in_good_standing": True, "exceptions_claimed": ["disability"]},
    {"loan_date": "2024-05-01", "loan_term_months": 84, "loan_amount": 20000, "age": 40, "left_job": False},
    {"offset_date": "2025-06-30", "left_job": True, "separation_date": "2025-01-10", "loan_in_good_standing": False},
]


def texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def shifted(facts, days):
    out = dict(facts)
    for name, value in facts.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            out[name] = (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    return out


def situations():
    rng = random.Random(11)
    for i, base in enumerate(BASES):
        yield f"base{i}", {"as_of": "2026-06-01", **base}
        for k in range(12):
            yield f"base{i}-shift{k}", shifted({"as_of": "2026-06-01", **base}, rng.randrange(-3000, 1500))


CASES = list(situations())


@pytest.mark.parametrize("facts", [f for _, f in CASES], ids=[name for name, _ in CASES])
def test_no_wrong_claim_in_any_output_text(facts):
    result = assess(facts)
    for text in texts(result):
        assert not wrong_claims(text), text
        assert "{" not in text and "}" not in text, text


def test_the_scan_covers_every_classification():
    seen = {assess(f)["classification"] for _, f in CASES}
    assert seen == {"deemed_distribution", "plan_loan_offset", "qualified_plan_loan_offset",
                    "offset_after_deemed_distribution", "cure_window_open", "cured", "needs_more_facts"}
