"""What the form's validation does with readings that must not be picked silently (issue 9):
one date written two ways, a date counted from another fact, a decimal comma, a range."""
from tests.dialogue.test_actions import validate


def test_one_date_written_two_ways_is_confirmed_with_both_readings():
    said, slots = validate({"offset_date": "03-02-2025 (march 4th)"})
    assert slots["offset_date"] is None
    assert "March 2, 2025" in said and "March 4, 2025" in said and said.rstrip().endswith("?")


def test_the_written_year_wins_when_both_readings_agree():
    _, slots = validate({"offset_date": "03-02-2025 (march 2nd)"})
    assert slots["offset_date"] == "2025-03-02"


def test_a_date_counted_from_the_last_day_at_work_uses_that_day():
    # both stated in one message: the anchor is read first whatever order Rasa lists them in
    _, slots = validate({"offset_date": "3 months after separation_date", "separation_date": "2025-03-14"})
    assert (slots["separation_date"], slots["offset_date"]) == ("2025-03-14", "2025-06-14")


def test_a_date_counted_from_an_unknown_day_is_asked_for_and_nothing_raw_is_kept():
    said, slots = validate({"offset_date": "3 months after separation_date"})
    assert slots["offset_date"] is None
    assert "separation_date" not in said and "Which day" in said


def test_a_decimal_comma_amount_is_confirmed_with_both_readings():
    said, slots = validate({"loan_balance": "9,5k"})
    assert slots["loan_balance"] is None and "$9,500.00" in said and "$95,000.00" in said


def test_a_range_is_asked_about_not_read_as_one_end():
    said, slots = validate({"loan_balance": "10-12k"})
    assert slots["loan_balance"] is None and "$10,000.00" in said and "$12,000.00" in said


def test_a_plain_thousands_comma_is_not_asked_about():
    _, slots = validate({"loan_balance": "12,450"})
    assert slots["loan_balance"] == "12450.00"


def test_a_date_counted_from_a_month_is_that_month_and_its_day_is_asked():
    # "offset happened 9 months after i left. i left in jan 2025": October 2025, which day?
    said, slots = validate({"offset_date": "9 months after separation_date", "separation_date": "jan 2025"})
    assert slots["offset_date"] is None and slots["separation_date"] is None
    assert "October 2025" in said and "January 2025" in said


def test_leaving_in_a_past_month_records_that_they_left_while_the_day_is_asked():
    said, slots = validate({"separation_date": "March"})
    assert slots["separation_date"] is None and slots["left_job"] is True and "March 2025" in said


def test_a_last_day_still_ahead_records_no_leaving():
    _, slots = validate({"separation_date": "December 2025"})  # the conversation's today is Nov 1, 2025
    assert slots.get("left_job") is not True


def test_every_fact_the_core_may_still_need_has_words_for_the_user():
    # "To finish the picture I still need: ..." never shows a fact's code name
    from actions.presenting import words
    from rules_core.facts import FACT_TABLE
    unnamed = [s.name for s in FACT_TABLE if s.name != "as_of" and s.name not in words()["fact_words"]]
    assert not unnamed


def test_a_last_day_whose_order_is_asked_still_records_that_they_left():
    # "separated 10/3": October 3 or March 10 (both past); which one is asked, that they left is not
    said, slots = validate({"separation_date": "10/3"})
    assert slots["separation_date"] is None and slots["left_job"] is True
    assert "October 3, 2025" in said and "March 10, 2025" in said


def test_a_plan_end_whose_order_is_asked_still_records_that_the_plan_ended():
    _, slots = validate({"plan_termination_date": "6/5"})
    assert slots["plan_termination_date"] is None and slots["plan_terminated"] is True


def test_a_birthday_without_its_year_is_asked_for_never_guessed():
    said, slots = validate({"birth_date": "dec 20"})
    assert slots["birth_date"] is None and "year" in said
    _, slots = validate({"birth_date": "dec 20 1970"})
    assert slots["birth_date"] == "1970-12-20"


def test_two_months_given_for_one_date_are_both_named_and_leaving_is_kept():
    # "left in jan or feb, can't remember": was a crash (no whole days to offer)
    said, slots = validate({"separation_date": "jan or feb"})
    assert slots["separation_date"] is None and slots["left_job"] is True
    assert "January 2025 or February 2025" in said


def test_a_day_and_a_month_given_for_one_date_are_both_named():
    said, _ = validate({"separation_date": "2/14 or January"})
    assert "February 14, 2025 or January 2025" in said


# ---- the answer to "which one did you mean?" goes to the fact asked about --------------------
from actions.validation import PENDING, ValidateLoanForm  # noqa: E402
from tests.dialogue.test_actions import TODAY, run, texts, tracker  # noqa: E402


def _answer(slots, text, entities):
    events = [{"event": "user", "text": text}] + [
        {"event": "slot", "name": "separation_date", "value": e["value"]} for e in entities[-1:]]
    t = tracker({"as_of": TODAY, **slots, "separation_date": entities[-1]["value"] if entities else None},
                events=events, text=text, entities=entities, active_loop="loan_form")
    t.slots["requested_slot"] = "separation_date"
    messages, result = run(ValidateLoanForm(), t)
    return texts(messages), {e["name"]: e["value"] for e in result if e.get("event") == "slot"}


def test_two_dates_asked_about_are_each_answered_for_their_own_fact():
    said, first = validate({"separation_date": "3/6", "offset_date": "5/1"})
    assert first["separation_date"] is None and first["offset_date"] is None
    pending = first[PENDING]
    assert set(pending) == {"separation_date", "offset_date"}
    # "march 6 and may 1": two plain dates, which Rasa would both give to the question asked last
    entities = [{"entity": "date", "value": "march 6"}, {"entity": "date", "value": "may 1"}]
    _, second = _answer({PENDING: pending, "left_job": True}, "march 6 and may 1", entities)
    assert (second["separation_date"], second["offset_date"]) == ("2025-03-06", "2025-05-01")
    assert second[PENDING] is None and second["day_first"] is False


def test_one_date_answered_settles_the_others_written_the_same_way():
    _, first = validate({"separation_date": "3/6", "offset_date": "9/7"})
    _, second = _answer({PENDING: first[PENDING], "left_job": True}, "june 3rd",
                        [{"entity": "date", "value": "june 3rd"}])
    # June 3 is the day-first reading of 3/6, so 9/7 is July 9
    assert (second["separation_date"], second["offset_date"]) == ("2025-06-03", "2025-07-09")
    assert second["day_first"] is True


def test_the_first_one_picks_the_first_reading_offered():
    _, first = validate({"loan_balance": "9,5k"})
    _, second = _answer({PENDING: first[PENDING]}, "the first one", [])
    assert second["loan_balance"] == "9500.00"


def test_an_answer_to_which_one_does_not_also_fill_the_question_asked_last():
    _, first = validate({"separation_date": "11/3"})
    t = tracker({"as_of": TODAY, PENDING: first[PENDING], "left_job": True, "offset_date": "november 3rd",
                 "requested_slot": "offset_date"},
                events=[{"event": "user", "text": "november 3rd"},
                        {"event": "slot", "name": "offset_date", "value": "november 3rd"}],
                text="november 3rd", entities=[{"entity": "date", "value": "november 3rd"}], active_loop="loan_form")
    messages, result = run(ValidateLoanForm(), t)
    slots = {e["name"]: e["value"] for e in result if e.get("event") == "slot"}
    assert slots["separation_date"] == "2024-11-03" and slots["offset_date"] is None  # today: Nov 1, 2025
    assert "YYYY" not in texts(messages)


# ---- public safety (IRC 72(t)(10)): the facts the rules core asks for at 50-54 ----------------
import pytest  # noqa: E402


@pytest.mark.parametrize("said, role, employee", [
    ("police", "police", True), ("I was a state trooper", "police", True), ("paramedic", "emt", True),
    ("corrections officer at the county jail", "corrections", True), ("firefighter", "firefighter", True),
    ("private sector firefighter", "private_firefighter", True), ("none of these", "none", False),
])
def test_a_public_safety_job_is_read_and_says_they_worked_in_public_safety(said, role, employee):
    _, slots = validate({"public_safety_role": said})
    assert (slots["public_safety_role"], slots["public_safety_employee"]) == (role, employee)


def test_an_unreadable_job_is_asked_again_with_the_choices():
    said, slots = validate({"public_safety_role": "accountant"})
    assert slots["public_safety_role"] is None and "firefighting" in said


@pytest.mark.parametrize("said, kind, plan_kind", [
    ("governmental", "governmental", None), ("it's a city plan", "governmental", None),
    ("a governmental 457(b)", "governmental", "457b"), ("private employer", "private", None),
])
def test_the_plan_type_is_read(said, kind, plan_kind):
    _, slots = validate({"plan_type": said})
    assert slots["plan_type"] == kind and slots.get("plan_kind") == plan_kind


def test_years_of_service_answered_with_a_bare_number_is_no_age():
    # "im 52" told earlier; asked for years of service, "25": Rasa also fills age from the number
    events = [{"event": "slot", "name": "age", "value": "52"}, {"event": "user", "text": "25"},
              {"event": "slot", "name": "years_of_service", "value": "25"}, {"event": "slot", "name": "age", "value": "25"}]
    t = tracker({"as_of": TODAY, "requested_slot": "years_of_service", "years_of_service": "25", "age": "25"},
                events=events, text="25", active_loop="loan_form")
    _, result = run(ValidateLoanForm(), t)
    slots = {e["name"]: e["value"] for e in result if e.get("event") == "slot"}
    assert slots["years_of_service"] == 25 and slots["age"] == "52"
