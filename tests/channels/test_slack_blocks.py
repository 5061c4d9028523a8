"""The Slack answers without servers: what /loanhelp reads from a line, and Block Kit that Slack
accepts for every golden case (Slack rejects a whole message whose blocks break its limits)."""
from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from actions.channels import blocks
from actions.channels.slack import SlackThreadBot
from actions.channels.slash import answer_command, read_command
from actions.presenting import card as card_message
from rules_core import api
from rules_core.facts import FactsError
from tests.channels.test_slack import SlackStandIn

TODAY = date(2025, 11, 1)
CASES = Path(__file__).resolve().parents[1] / "cases"


def _assessments_of_golden_cases():
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(case, dict) and isinstance(case.get("facts"), dict):
                facts = json.loads(json.dumps(case["facts"], default=str))
                try:
                    yield pytest.param(api.assess(facts), id=case["name"][:60])
                except FactsError:
                    continue  # a case about refused input has no card


def _within_slack_limits(message_blocks):
    assert 0 < len(message_blocks) <= 50
    for block in message_blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= blocks.HEADER_CHARS
        if block["type"] == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= blocks.SECTION_CHARS
            assert len(block.get("fields", ())) <= blocks.FIELDS_PER_SECTION
            assert all(0 < len(f["text"]) <= blocks.FIELD_CHARS for f in block.get("fields", ()))
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= blocks.CONTEXT_CHARS for e in block["elements"])
            # a link cut in half would show raw markup
            assert all(e["text"].count("<") == e["text"].count(">") for e in block["elements"])
        if block["type"] == "actions":
            assert 0 < len(block["elements"]) <= blocks.BUTTONS_PER_BLOCK
            assert len({e["action_id"] for e in block["elements"]}) == len(block["elements"])


@pytest.mark.parametrize("result", _assessments_of_golden_cases())
def test_every_golden_case_makes_a_card_slack_accepts(result):
    summary = card_message(result)["json_message"].get("summary")  # what the answering action sends
    card = blocks.assessment_blocks(result, buttons=blocks.follow_up_buttons(result),
                                    summary_token=(summary or {}).get("token"))
    _within_slack_limits(card)
    save = [b for b in card if b.get("block_id") == "summary"]
    # "Save as PDF" on every answer that decided something, never on one still asking for facts
    assert bool(save) == (result["classification"] != "needs_more_facts")
    assert all(b["elements"][0]["text"]["text"] == "Save as PDF" and b is card[-1] for b in save)
    fields = blocks.card_fields(result)
    if result["form_1099r_box7"]:
        assert any(f["text"].endswith("\n" + result["form_1099r_box7"]) for f in fields)


def test_the_line_from_the_issue_reads_as_the_core_s_facts():
    request = read_command("left 2025-03-14 offset 2025-06-30 born 1985-07-01 balance 12000", TODAY)
    assert not request.problems and not request.private
    assert request.facts == {"separation_date": "2025-03-14", "left_job": True, "offset_date": "2025-06-30",
                             "birth_date": "1985-07-01", "loan_balance": "12000.00"}


@pytest.mark.parametrize("line, expected", [
    ("left=3/14/2025 offset: June 30 2025 age 41 owed $12k current", {
        "separation_date": "2025-03-14", "left_job": True, "offset_date": "2025-06-30", "age": 41,
        "loan_balance": "12000.00", "loan_in_good_standing": True}),
    ("employed missed March 31 not-caught-up balance 8,000 code 1L", {
        "left_job": False, "missed_payment_due_date": "2025-03-31", "caught_up_on": None,
        "loan_balance": "8000.00", "box7_code": "L1"}),
    ("terminated 2025-09-01 offset 2025-09-01 rate 22% as-of 2025-10-01", {
        "plan_termination_date": "2025-09-01", "plan_terminated": True, "offset_date": "2025-09-01",
        "marginal_tax_rate": "0.22", "as_of": "2025-10-01"}),
])
def test_keywords_values_and_flags(line, expected):
    request = read_command(line, TODAY)
    assert not request.problems and request.facts == expected


@pytest.mark.parametrize("line", ["private left 2025-03-14", "left 2025-03-14 --private", "left 2025-03-14 PRIVATE"])
def test_privacy_can_be_asked_anywhere_in_the_line(line):
    request = read_command(line, TODAY)
    assert request.private and request.facts["separation_date"] == "2025-03-14" and not request.problems


def test_dates_are_read_against_the_line_s_own_as_of():
    assert read_command("left March 14 as-of 2025-02-01", TODAY).facts["separation_date"] == "2024-03-14"


@pytest.mark.parametrize("line, says", [
    ("hello there", "I didn't understand \"hello\""),
    ("help", "Give me the employee's facts in one line"),
    ("left", "`left` needs a value"),
    ("left June 2025", "is not a single day"),
    ("balance lots", "I couldn't read \"lots\" after `balance`"),
    ("age 300", "not possible"),
    ("code ZZ", "write the code from box 7"),
    ("left 2025-03-14 offset 2025-01-30 current age 41 balance 1000", "don't fit together"),
])
def test_bad_input_gets_a_private_usage_answer_saying_what_is_wrong(line, says):
    answer = answer_command(line, today=TODAY)
    text = json.dumps(answer["blocks"])
    assert answer["response_type"] == "ephemeral" and says in answer["text"] and "How to use /loanhelp" in text


def test_a_decided_answer_lists_facts_that_would_complete_it_as_command_syntax():
    answer = answer_command("left 2025-03-14 offset 2025-06-30 balance 12000 current as-of 2025-11-01", today=TODAY)
    assert answer["response_type"] == "in_channel"
    still_needed = [b for b in answer["blocks"] if b["type"] == "section" and "Still needed" in b.get("text", {}).get("text", "")]
    assert still_needed and "`born <date>` or `age <years>`" in still_needed[0]["text"]["text"]


def test_text_that_looks_like_slack_markup_is_escaped():
    [section] = blocks.text_sections("Roll over <b>now</b> & keep <@U123> out")
    assert section["text"]["text"] == "Roll over &lt;b&gt;now&lt;/b&gt; &amp; keep &lt;@U123&gt; out"


def test_messages_rasa_sends_outside_a_slack_turn_are_posted_at_once():
    stand_in = SlackStandIn()
    try:
        bot = SlackThreadBot("xoxb-test", "C1", "1700000000.000100", None, stand_in.url)
        asyncio.run(bot.send_response("C1", {"text": "Your deadline & what to do"}))
        [post] = stand_in.posts()
        assert post["body"]["thread_ts"] == "1700000000.000100" and post["auth"] == "Bearer xoxb-test"
        assert post["body"]["blocks"][0]["text"]["text"] == "Your deadline &amp; what to do"
    finally:
        stand_in.server.shutdown()
