"""The command line as a user runs it: a subprocess, JSON in and out, exit codes."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args, stdin=None):
    proc = subprocess.run([sys.executable, "-m", "rules_core", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def test_assess_from_stdin():
    facts = {"as_of": "2025-11-01", "left_job": True, "separation_date": "2025-03-14",
             "offset_date": "2025-06-30", "birth_date": "1984-07-01", "loan_balance": 12000,
             "loan_in_good_standing": True}
    code, out, err = run("assess", stdin=json.dumps(facts))
    assert code == 0, err
    result = json.loads(out)
    assert result["classification"] == "qualified_plan_loan_offset"
    assert result["rollover_deadline"] == "2026-10-15"
    assert result["rollover_deadline_without_extension"] == "2026-04-15"
    assert result["form_1099r_box7"] == "M1"


def test_assess_from_a_file(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"as_of": "2026-02-01", "missed_payment_due_date": "2025-08-31",
                                "caught_up_on": None, "left_job": False, "age": 41, "loan_balance": 8000}))
    code, out, _ = run("assess", str(path))
    result = json.loads(out)
    assert code == 0
    assert (result["classification"], result["event_date"], result["form_1099r_box7"]) == \
        ("deemed_distribution", "2025-12-31", "L1")


@pytest.mark.parametrize("stdin, field", [
    ('{"age": 300}', "age"),
    ('{"offset_date": "2025-02-30"}', "offset_date"),
    ('{"loan_balance": -1}', "loan_balance"),
    ('{"whatever": 1}', "whatever"),
    ('{"cure_period": "sometimes"}', "cure_period"),
    ('{"missed_payment_due_date": "2025-05-31", "caught_up_on": "2025-05-01"}', "caught_up_on"),
    ("not json at all", "json"),
    # issue 10 item 7: out-of-range events and absurd amounts are refused by name (were exit 1)
    ('{"as_of": "2025-01-01", "loan_date": "1950-01-01"}', "loan_date"),
    ('{"as_of": "1980-01-01", "missed_payment_due_date": "1979-01-01", "caught_up_on": null}', "missed_payment_due_date"),
    ('{"as_of": "9999-01-01", "offset_date": "9998-01-01", "left_job": true}', "offset_date"),
    ('{"as_of": "2025-01-01", "loan_balance": 1e27}', "loan_balance"),
    ('{"as_of": "2025-01-01", "roth_account_balance": 1e27}', "roth_account_balance"),
    ('{"as_of": "2025-01-01", "years_of_service": 1e27}', "years_of_service"),
    ('{"as_of": "2025-01-01", "disaster_relief_id": "<script>"}', "disaster_relief_id"),
    ("[1, 2]", "facts"),
    ("", "json"),
])
def test_bad_input_exits_2_with_a_json_error_and_no_traceback(stdin, field):
    code, out, err = run("assess", stdin=stdin)
    assert code == 2
    assert field in json.loads(out)["fields"]
    assert "Traceback" not in out + err


def test_missing_file_is_a_clean_error():
    code, out, err = run("assess", "/no/such/file.json")
    assert code == 2 and "file" in json.loads(out)["fields"] and "Traceback" not in err


def test_code_decoder_any_order_and_case():
    code, out, _ = run("code", "m1")
    assert code == 0 and json.loads(out)["code"] == "M1"
    code, out, _ = run("code", "code", "l", "1")
    result = json.loads(out)
    assert (result["code"], result["valid"], result["event_type"], result["rollover_eligible"]) == \
        ("L1", True, "deemed_distribution", False)


def test_code_decoder_rejects_lm_with_a_reason():
    code, out, _ = run("code", "LM")
    result = json.loads(out)
    assert code == 0 and result["valid"] is False and "L and M" in result["reason"]


def test_limit():
    code, out, _ = run("limit", "--vested", "200000", "--highest-12m", "0", "--outstanding", "0",
                       "--requested", "70000")
    result = json.loads(out)
    assert code == 0 and (result["max_new_loan"], result["deemed_amount"]) == ("50000.00", "20000.00")


def test_limit_bad_amount_and_missing_argument():
    code, out, _ = run("limit", "--vested", "-5", "--highest-12m", "0", "--outstanding", "0", "--requested", "1")
    assert code == 2 and "vested" in json.loads(out)["fields"]
    code, out, err = run("limit", "--vested", "5")
    assert code == 2 and "arguments" in json.loads(out)["fields"] and "Traceback" not in err


def test_due_date():
    code, out, _ = run("due-date", "2022")
    assert code == 0 and json.loads(out) == {
        "tax_year": 2022, "original": "2023-04-18", "extended": "2023-10-16",
        "original_statutory": "2023-04-15", "extended_statutory": "2023-10-15"}


@pytest.mark.parametrize("year", ["1200", "abc", "3000"])
def test_due_date_bad_year(year):
    code, out, err = run("due-date", year)
    assert code == 2 and "Traceback" not in out + err


def test_unknown_command_is_a_json_error():
    code, out, err = run("frobnicate")
    assert code == 2 and "Traceback" not in out + err


@pytest.mark.parametrize("stdin, field", [
    ('{"payment_history": {"installments": [{"due_date": "2025-01-31"}]}}', "payment_history"),
    ('{"payment_history": "monthly"}', "payment_history"),
    ('{"offset_date": "2025-02-01", "offset_loans": [{"balance": 1, "in_good_standing": true}]}', "offset_loans"),
    ('{"beneficiary": "cousin"}', "beneficiary"),
    ('{"as_of": "2025-06-01", "death_date": "2025-07-01"}', "death_date"),
    ('{"unpaid_leave_end": "2025-07-01"}', "unpaid_leave_start"),
    ('{"vested_balance": 1e27}', "vested_balance"),
])
def test_bad_issue_10_facts_exit_2_with_a_json_error(stdin, field):
    code, out, err = run("assess", stdin=stdin)
    assert code == 2
    assert field in json.loads(out)["fields"]
    assert "Traceback" not in out + err


def test_a_planned_offset_is_accepted_and_named():
    facts = {"as_of": "2026-12-05", "separation_date": "2026-11-30", "offset_date": "2027-01-31",
             "loan_in_good_standing": True, "birth_date": "1980-01-01", "loan_balance": 12000}
    code, out, err = run("assess", stdin=json.dumps(facts))
    assert code == 0, err
    result = json.loads(out)
    assert result["planned_events"] == ["offset_date"]
    assert result["rollover_deadline"] == "2028-10-16"
