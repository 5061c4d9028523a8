"""Batch triage on the command line (issue 12, part 1), run as a user runs it: a subprocess,
a CSV (or JSON Lines) file in, a results CSV on stdout, calendars and notices in folders.

The oracle is the rules core itself: every answered row must equal `assess` on the same facts,
over every golden case of tests/cases."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from rules_core import api
from rules_core.batch import FORMULA_STARTS, RESULT_COLUMNS, result_cells
from rules_core.facts import FACT_TABLE, FactsError
from rules_core.render import long_date
from tests.test_golden_cases import CASES, _jsonable

ROOT = Path(__file__).resolve().parents[1]
KINDS = {spec.name: spec.kind for spec in FACT_TABLE}


def run(*args: str, stdin: str = None):
    """(exit code, stdout, stderr); the output's bytes decoded as they are (a CR in a cell stays)."""
    proc = subprocess.run([sys.executable, "-m", "rules_core", "batch", *args],
                          input=None if stdin is None else stdin.encode(), capture_output=True, cwd=ROOT, timeout=120)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def rows_of(out: str) -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out, newline="")))


def spreadsheet_cell(name: str, value: Any, i: int) -> str:
    """A fact as a spreadsheet holds it, cycling through the spellings the batch accepts."""
    if value is None:
        return "no" if name == "caught_up_on" else ""
    if isinstance(value, bool):
        return (("true", "yes", "1", "TRUE", "Yes") if value else ("false", "no", "0", "FALSE", "No"))[i % 5]
    if KINDS[name] == "list":
        return "; ".join(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def write_csv(path: Path, header: List[str], rows: List[List[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def expected_cells(facts: Dict[str, Any]) -> Dict[str, str]:
    return dict(zip(RESULT_COLUMNS, result_cells(api.assess(facts))))


ASSESS_CASES = [(case["name"], _jsonable(case["facts"])) for _, case in CASES
                if "facts" in case and "expect" in case and not case.get("xfail")]
ERROR_CASES = [(case["name"], _jsonable(case["facts"]), case["expect_error"]) for _, case in CASES
               if "facts" in case and "expect_error" in case and not case.get("xfail")]


def test_every_golden_case_through_a_csv_equals_assess(tmp_path):
    assert len(ASSESS_CASES) > 100
    columns = sorted({name for _, facts in ASSESS_CASES for name in facts})
    rows = [[name] + [spreadsheet_cell(c, facts[c], i) if c in facts else "" for c in columns]
            for i, (name, facts) in enumerate(ASSESS_CASES)]
    code, out, err = run(str(write_csv(tmp_path / "golden.csv", ["case"] + columns, rows)))
    assert code == 0, err
    got = rows_of(out)
    assert list(got[0]) == ["case", *RESULT_COLUMNS]
    assert [row["case"] for row in got] == [name for name, _ in ASSESS_CASES]  # same order, carried through
    for row, (name, facts) in zip(got, ASSESS_CASES):
        assert {k: row[k] for k in RESULT_COLUMNS} == expected_cells(facts), name
    classifications = {row["classification"] for row in got}
    assert {"qualified_plan_loan_offset", "plan_loan_offset", "deemed_distribution", "needs_more_facts"} <= classifications
    assert f"batch: {len(ASSESS_CASES)} rows" in err and "0 with an error" in err


def test_every_golden_case_through_json_lines_equals_assess_and_bad_ones_name_their_fields(tmp_path):
    cases = [(name, facts, None) for name, facts in ASSESS_CASES] + ERROR_CASES
    lines = [json.dumps({"case": name, **facts}) for name, facts, _ in cases]
    (tmp_path / "golden.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(str(tmp_path / "golden.jsonl"), "--format", "jsonl")
    assert code == 0, err
    got = rows_of(out)
    assert len(got) == len(cases) and len(ERROR_CASES) > 10
    for row, (name, facts, bad_fields) in zip(got, cases):
        assert row["case"] == name
        if bad_fields is None:
            assert {k: row[k] for k in RESULT_COLUMNS} == expected_cells(facts), name
            continue
        with pytest.raises(FactsError) as refused:
            api.assess(facts)
        for field in [bad_fields] if isinstance(bad_fields, str) else bad_fields:
            assert f"{field}: {refused.value.errors[field]}" in row["error"], name
        assert row["classification"] == "" and row["rollover_deadline"] == ""


HEADER = ["employee_id", "name", "as_of", "left_job", "separation_date", "offset_date", "birth_date",
          "loan_balance", "loan_in_good_standing", "missed_payment_due_date", "caught_up_on", "exceptions_claimed"]
QPLO_ROW = ["E1", "Ann Lee", "2025-11-01", "yes", "2025-03-14", "2025-06-30", "1984-07-01", "12,000", "true", "", "", ""]
QPLO_FACTS = {"as_of": "2025-11-01", "left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30",
              "birth_date": "1984-07-01", "loan_balance": "12000", "loan_in_good_standing": True}
DEEMED_ROW = ["E2", "Bo", "2026-02-01", "no", "", "", "1969-01-01", "8000", "", "2025-08-31", "no", ""]
DEEMED_FACTS = {"as_of": "2026-02-01", "left_job": False, "birth_date": "1969-01-01", "loan_balance": "8000",
                "missed_payment_due_date": "2025-08-31", "caught_up_on": None}


def test_a_bad_row_names_each_field_and_why_and_the_other_rows_are_answered(tmp_path):
    bad = ["E3", "Cy", "2025-11-01", "maybe", "2025-02-30", "", "", "lots", "", "", "", "hardship"]
    path = write_csv(tmp_path / "cases.csv", HEADER, [QPLO_ROW, bad, DEEMED_ROW])
    code, out, err = run(str(path))
    assert code == 0 and "Traceback" not in err
    first, broken, last = rows_of(out)
    assert {k: first[k] for k in RESULT_COLUMNS} == expected_cells(QPLO_FACTS)
    assert first["rollover_deadline"] == "2026-10-15" and first["form_1099r_box7"] == "M1"
    assert {k: last[k] for k in RESULT_COLUMNS} == expected_cells(DEEMED_FACTS)
    assert last["classification"] == "deemed_distribution" and last["event_date"] == "2025-12-31"
    error = broken["error"]
    assert "left_job: 'maybe' is not a yes/no answer" in error
    assert "separation_date: 2025-02-30 is not a real date: February 2025 has 28 days" in error
    assert "loan_balance: 'lots' is not an amount" in error
    assert "exceptions_claimed: 'hardship' is not a known exception" in error
    assert broken["classification"] == "" and (broken["employee_id"], broken["name"]) == ("E3", "Cy")
    assert "2 rows" not in err and "1 with an error" in err


def test_cells_read_booleans_unknowns_not_caught_up_and_lists(tmp_path):
    header = ["id", "as_of", "left_job", "separation_date", "offset_date", "age", "loan_balance",
              "loan_in_good_standing", "exceptions_claimed"]
    rows = [["a", "2025-11-01", "1", "2025-03-14", "2025-06-30", "45", "9000", "YES", "disability; medical_expenses"],
            ["b", "2025-11-01", "", "", "", "", "", "", ""]]
    code, out, _ = run(str(write_csv(tmp_path / "c.csv", header, rows)))
    first, unknown = rows_of(out)
    assert {k: first[k] for k in RESULT_COLUMNS} == expected_cells(
        {"as_of": "2025-11-01", "left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30",
         "age": 45, "loan_balance": "9000", "loan_in_good_standing": True,
         "exceptions_claimed": ["disability", "medical_expenses"]})
    assert first["additional_tax_applies"] == "false"  # the disability exception was read from the list
    assert unknown["classification"] == "needs_more_facts" and unknown["error"] == ""
    assert unknown["missing_facts"] == ";".join(api.assess({"as_of": "2025-11-01"})["missing_facts"])


def test_identifiers_are_carried_through_untouched_in_order(tmp_path):
    header = ["name", "as_of", "missed_payment_due_date", "note, with comma", "employee_id"]
    rows = [["José Müller", "2025-10-01", "2025-08-31", 'said "hi"\non two lines', "007"],
            ["", "2025-10-01", "2025-08-31", "", "008"]]
    path = tmp_path / "ids.csv"
    path.write_bytes("\ufeff".encode() + write_csv(tmp_path / "tmp.csv", header, rows).read_bytes() + b"\r\n\r\n")
    code, out, _ = run(str(path))
    got = rows_of(out)
    assert list(got[0])[:3] == ["name", "note, with comma", "employee_id"]  # the BOM is not part of a name
    assert [(r["name"], r["note, with comma"], r["employee_id"]) for r in got] == \
        [("José Müller", 'said "hi"\non two lines', "007"), ("", "", "008")]  # blank lines are no rows
    assert all(r["classification"] == "cure_window_open" and r["cure_deadline"] == "2025-12-31" for r in got)


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(tmp_path, cell):
    path = write_csv(tmp_path / "inj.csv", ["employee_id", cell, "as_of", "missed_payment_due_date"],
                     [[cell, "x", "2025-10-01", "2025-08-31"]])
    code, out, _ = run(str(path))
    header, row = list(csv.reader(io.StringIO(out, newline="")))
    assert header[:2] == ["employee_id", "'" + cell] and row[:2] == ["'" + cell, "x"]
    assert row[header.index("classification")] == "cure_window_open"


def test_nothing_the_core_writes_needs_neutralising():
    """A negative amount or a formula-like value from the core itself would be changed by the
    neutralising; the core never writes one (amounts are non-negative), over every golden case."""
    for name, facts in ASSESS_CASES:
        cells = result_cells(api.assess(facts))
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], name
        assert all(Decimal(c) >= 0 for c in (cells[3], cells[10]) if c), name


@pytest.mark.parametrize("content, args, field", [
    (None, ["/no/such/file.csv"], "file"),
    ("", [], "file"),
    ("employee_id,name\nE1,Ann\n", [], "columns"),
    ("offset_date,offset_date\n2025-06-30,2025-06-30\n", [], "columns"),
    ("classification,offset_date\nx,2025-06-30\n", [], "columns"),
    ("\n\n", ["--format", "jsonl"], "file"),
    ("[1, 2]\n", ["--format", "jsonl"], "file"),
    ("offset_date\n2025-06-30\n", ["--as-of", "2025-13-01"], "as_of"),
    ("offset_date\n2025-06-30\n", ["--format", "xlsx"], "arguments"),
])
def test_an_unreadable_file_exits_2_with_a_json_error(tmp_path, content, args, field):
    path = args[0] if content is None else str(tmp_path / "in.csv")
    if content is not None:
        Path(path).write_text(content, encoding="utf-8")
        args = [path, *args]
    code, out, err = run(*args)
    assert code == 2 and "Traceback" not in out + err
    assert field in json.loads(out)["fields"]


def test_a_spreadsheet_saved_as_utf16_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text("employee_id,offset_date\nE1,2025-06-30\n", encoding="utf-16")
    code, out, _ = run(str(path))
    assert code == 2 and "UTF-8" in json.loads(out)["fields"]["file"]


def test_stdin_and_a_column_that_looks_like_a_misspelt_fact(tmp_path):
    text = "employee_id,as_of,seperation_date,missed_payment_due_date\nE1,2025-10-01,2025-03-14,2025-08-31\n"
    code, out, err = run(stdin=text)
    assert code == 0 and rows_of(out)[0]["seperation_date"] == "2025-03-14"  # carried as an identifier...
    assert "'seperation_date' is not a fact" in err and "'separation_date'" in err  # ...and said so


def test_json_lines_bad_lines_and_unknown_keys_are_row_errors(tmp_path):
    lines = [json.dumps({"employee_id": "E1", **QPLO_FACTS}), "{not json", json.dumps([1]),
             json.dumps({"employee_id": "E4", "nickname": "D", **DEEMED_FACTS}), "",
             json.dumps({"employee_id": 5, **DEEMED_FACTS})]
    (tmp_path / "c.jsonl").write_text("\n".join(lines), encoding="utf-8")
    code, out, _ = run(str(tmp_path / "c.jsonl"), "--format", "jsonl")
    got = rows_of(out)
    assert code == 0 and len(got) == 5
    assert {k: got[0][k] for k in RESULT_COLUMNS} == expected_cells(QPLO_FACTS)
    assert "not valid JSON" in got[1]["error"] and "JSON object" in got[2]["error"]
    assert "nickname: not a fact" in got[3]["error"] and got[3]["employee_id"] == "E4"
    assert got[4]["employee_id"] == "5" and got[4]["classification"] == "deemed_distribution"


def test_as_of_for_the_whole_file_where_a_row_gives_none(tmp_path):
    header = ["id", "as_of", "missed_payment_due_date"]
    path = write_csv(tmp_path / "c.csv", header, [["a", "", "2025-08-31"], ["b", "2026-03-01", "2025-08-31"]])
    code, out, _ = run(str(path), "--as-of", "2025-10-01")
    first, second = rows_of(out)
    assert first["classification"] == "cure_window_open"  # answered as of 2025-10-01
    own = expected_cells({"as_of": "2026-03-01", "missed_payment_due_date": "2025-08-31"})
    assert {k: second[k] for k in RESULT_COLUMNS} == own != {k: first[k] for k in RESULT_COLUMNS}  # its own as_of wins


# ---- calendars and notices -----------------------------------------------------------------
def test_one_calendar_per_row_with_deadlines_still_ahead(tmp_path):
    past = ["E9", "Old", "2027-01-01", "yes", "2025-03-14", "2025-06-30", "1984-07-01", "12000", "true", "", "", ""]
    path = write_csv(tmp_path / "c.csv", HEADER, [QPLO_ROW, DEEMED_ROW, past])
    code, _, err = run(str(path), "--ics", str(tmp_path / "ics"))
    assert code == 0
    files = sorted(p.name for p in (tmp_path / "ics").iterdir())
    assert files == ["row-00001-E1.ics", "row-00002-E2.ics"]  # every deadline of E9 has passed
    events = Calendar.from_ical((tmp_path / "ics" / files[0]).read_text(encoding="utf-8")).walk("VEVENT")
    assessment = api.assess(QPLO_FACTS)
    assert sorted(e.decoded("dtstart") for e in events) == \
        [date(2026, 3, 14), date(2026, 4, 15), date(2026, 10, 15)] == \
        sorted(date.fromisoformat(assessment[k]) for k in
               ("qplo_window_end", "rollover_deadline_without_extension", "rollover_deadline"))
    assert "2 calendars in" in err


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages)


def test_a_notice_per_answered_row_in_markdown_and_pdf_says_the_same_things(tmp_path):
    header = HEADER
    odd_name = ["E5", "Łukasz Gősi *Lee* <b> 李", *QPLO_ROW[2:]]
    needs = ["E6", "Dee", "2025-11-01", "yes", "", "", "", "", "", "", "", ""]
    path = write_csv(tmp_path / "c.csv", header, [QPLO_ROW, DEEMED_ROW, needs, odd_name])
    code, out, err = run(str(path), "--notices", str(tmp_path / "notices"))
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "notices").iterdir())
    assert files == ["row-00001-E1.md", "row-00001-E1.pdf", "row-00002-E2.md", "row-00002-E2.pdf",
                     "row-00004-E5.md", "row-00004-E5.pdf"]  # a case still needing facts gets no notice
    assessment = api.assess(QPLO_FACTS)
    markdown = (tmp_path / "notices" / "row-00001-E1.md").read_text(encoding="utf-8")
    text = pdf_text(tmp_path / "notices" / "row-00001-E1.pdf")
    conclusion = next(e for e in assessment["explanations"] if e["topic"].startswith("result."))
    first_step = assessment["next_steps"][0]
    for said in (re.sub(r"\\(.)", r"\1", markdown), text):  # the Markdown as read: escapes undone
        assert "employee_id E1, name Ann Lee" in said
        assert "Rollover deadline: October 15, 2026." in said  # the person's dates...
        assert "End of the 12-month QPLO window: March 14, 2026." in said
        assert " ".join(conclusion["text"].split("\n\n")[0].split()) in " ".join(said.split())  # ...what they mean
        assert first_step["title"] in said  # what to do
        assert "https://www.law.cornell.edu/uscode/text/26/402" in said  # the sources
        assert "not tax or legal advice" in said  # the disclaimer
        assert "code M1" in said and "$1,200.00" in said
    assert markdown.index("## Your dates") < markdown.index("## What to do") < markdown.index("## Sources")
    deemed = pdf_text(tmp_path / "notices" / "row-00002-E2.pdf")
    assert f"Taxable event: {long_date(date(2025, 12, 31))}." in deemed and "code L" in deemed
    odd = (tmp_path / "notices" / "row-00004-E5.md").read_text(encoding="utf-8")
    assert r"Łukasz Gősi \*Lee\* \<b\> 李" in odd and "<b>" not in odd  # a name is itself, never markup
    assert "name Lukasz Gosi *Lee* <b> ?" in pdf_text(tmp_path / "notices" / "row-00004-E5.pdf")  # as the fonts can
    assert "3 notices in" in err


def test_the_figures_without_prose_equal_the_full_assessment_on_every_golden_case():
    prose = ("explanations", "next_steps", "timeline")
    for name, facts in ASSESS_CASES:
        full, figures = api.assess(facts), api.assess_figures(facts)
        assert {k: v for k, v in full.items() if k not in prose} == \
            {k: v for k, v in figures.items() if k not in prose}, name
        assert all(figures[k] == [] for k in prose) and full["explanations"], name


def test_a_windows_spreadsheet_s_accents_are_answered_and_reported(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("name,as_of,missed_payment_due_date,loan_balance\nJosé,2025-10-01,2025-08-31,9000\n"
                     "Zoë,2025-10-01,2025-08-31,9000€\n".encode("cp1252"))
    code, out, err = run(str(path))
    first, second = rows_of(out)
    assert code == 0 and first["classification"] == "cure_window_open" and first["name"] == "Jos\ufffd"
    assert "loan_balance" in second["error"] and second["classification"] == ""
    assert "2 rows had identifiers that are not UTF-8" in err and "CSV UTF-8" in err
