"""Input validation: every bad field is named, with a reason a person can act on."""
from datetime import date
from decimal import Decimal

import pytest

from rules_core.facts import FACT_NAMES, UNKNOWN, FactsError, parse_facts

TODAY = date(2025, 11, 1)


def errors_for(raw):
    with pytest.raises(FactsError) as caught:
        parse_facts(raw, TODAY)
    return caught.value.errors


@pytest.mark.parametrize("raw, field, words", [
    ({"offset_date": "2025-02-30"}, "offset_date", "February 2025 has 28 days"),
    ({"offset_date": "2025-13-01"}, "offset_date", "no month 13"),
    ({"offset_date": "03/14/2025"}, "offset_date", "YYYY-MM-DD"),
    ({"offset_date": 20250314}, "offset_date", "YYYY-MM-DD"),
    ({"age": 300}, "age", "not possible"),
    ({"age": -1}, "age", "not possible"),
    ({"age": 41.5}, "age", "whole number"),
    ({"age": True}, "age", "whole number"),
    ({"loan_balance": -5}, "loan_balance", "negative"),
    ({"loan_balance": "12k"}, "loan_balance", "not an amount"),
    ({"loan_balance": "NaN"}, "loan_balance", "finite"),
    ({"left_job": "yes"}, "left_job", "true or false"),
    ({"cure_period": "90 days"}, "cure_period", "max"),
    ({"cure_period": -3}, "cure_period", "negative"),
    ({"offset_reason": "layoff"}, "offset_reason", "severance"),
    ({"marginal_tax_rate": 22}, "marginal_tax_rate", "between 0 and 1"),
    ({"exceptions_claimed": ["first_home"]}, "exceptions_claimed", "IRA"),
    ({"exceptions_claimed": ["vacation"]}, "exceptions_claimed", "not a known exception"),
    ({"favourite_colour": "blue"}, "favourite_colour", "unknown field"),
    ({"birth_date": "2030-01-01"}, "birth_date", "future"),
    ({"missed_payment_due_date": "2025-05-31", "caught_up_on": "2025-05-01"}, "caught_up_on", "before"),
    ({"missed_payment_due_date": "2025-05-31", "caught_up_on": "2026-01-01"}, "caught_up_on", "future"),
    ({"separation_date": "2025-03-14", "offset_date": "2025-03-01"}, "offset_date", "before you left"),
    ({"separation_date": "2025-03-14", "left_job": False}, "left_job", "did not leave"),
    ({"loan_balance": 1000, "amount_rolled_over": 2000}, "amount_rolled_over", "more than"),
    ({"box7_code": "L1L1L1L1L1L1L1L1L1L1L1"}, "box7_code", "two characters"),
])
def test_bad_input_names_the_field_and_why(raw, field, words):
    errors = errors_for(raw)
    assert field in errors
    assert words in errors[field]


def test_every_problem_is_reported_at_once():
    errors = errors_for({"age": 300, "loan_balance": -1, "offset_date": "2025-02-30", "nope": 1})
    assert set(errors) == {"age", "loan_balance", "offset_date", "nope"}


def test_not_an_object():
    assert "facts" in errors_for(["offset_date", "2025-01-01"])


def test_missing_facts_stay_unknown_not_false():
    facts = parse_facts({}, TODAY)
    assert facts.as_of == TODAY
    assert facts.left_job is UNKNOWN and facts.left_job is not False
    assert facts.caught_up_on is UNKNOWN
    # issue 10 item 3: an unanswered cure period is unknown; the rules apply the legal maximum
    # and the answer states that assumption (tests/cases/unknown_facts.yaml)
    assert facts.cure_period is UNKNOWN
    assert facts.plan_cure_period == "max"


def test_null_caught_up_on_means_not_caught_up_but_other_nulls_mean_unknown():
    facts = parse_facts({"missed_payment_due_date": "2025-05-31", "caught_up_on": None, "left_job": None}, TODAY)
    assert facts.caught_up_on is None
    assert facts.left_job is UNKNOWN


def test_values_are_normalised():
    facts = parse_facts({"loan_balance": "12,450.888", "cure_period": 0, "age": 41.0,
                         "exceptions_claimed": ["disability", "disability"]}, TODAY)
    assert facts.loan_balance == Decimal("12450.89")
    assert facts.cure_period == "none"
    assert facts.age == 41
    assert facts.exceptions_claimed == ("disability",)


# Issue 10, situations to add: additive facts (rolling cure, several loans, suspensions, death, RMD).
SITUATION_FACTS = {"payment_history", "vested_balance", "other_loans_balance", "highest_loan_balance_12m",
                   "replaced_loan_balance", "replaced_loan_date", "offset_loans", "unpaid_leave_start",
                   "unpaid_leave_end", "military_service_start", "military_service_end", "death_date",
                   "beneficiary", "rmd_not_yet_distributed"}


def test_the_fact_table_is_the_contract():
    contract = {"as_of", "birth_date", "age", "left_job", "separation_date", "plan_terminated",
                "plan_termination_date", "offset_date", "offset_reason", "missed_payment_due_date",
                "caught_up_on", "cure_period", "loan_balance", "loan_in_good_standing",
                "amount_rolled_over", "cash_paid_not_rolled_over", "designated_roth", "box7_code",
                "public_safety_employee", "exceptions_claimed", "marginal_tax_rate"}
    assert contract <= FACT_NAMES
    assert SITUATION_FACTS <= FACT_NAMES
    assert FACT_NAMES - contract - SITUATION_FACTS == {"loan_date", "loan_amount", "loan_term_months",
                                     "principal_residence_loan", "payments_per_year",
                                     # issue 10: public safety, designated Roth, disaster relief
                                     "plan_type", "public_safety_role", "years_of_service",
                                     "roth_basis", "roth_account_balance",
                                     "roth_first_contribution_year", "disaster_relief_start",
                                     "disaster_postponed_to", "disaster_relief_id",
                                     # IRC 72(t)(9): the plan kind, the part rolled into a 457(b)
                                     "plan_kind", "rolled_in_amount"}
