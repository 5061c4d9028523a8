"""The readers in actions/parsing: tables of known answers, python-dateutil style.

Two fixed "todays" show the most-recent-past rule: 2025-11-01 (a Saturday, after every
month named below) and 2025-02-01 (a Saturday, before most of them). Weekday checks use
2025-10-31 (a Friday) and 2025-11-03 (a Monday). Oracle: the calendar itself (2024 is a
leap year, 2025 is not), rules_core's box 7 allow-list for codes, and our own readings as
documented in each module.
"""
from datetime import date
from decimal import Decimal

import pytest

from actions.parsing import (
    AgeReading, DateReading, RelativeDate, number_from_words, parse_age, parse_amount, parse_box7, parse_date,
    parse_plan_kind, parse_rate, read_amount, resolve_relative,
)
from actions.parsing.amounts import DECIMAL_COMMA, RANGE
from actions.parsing.dates import CONFLICT, DAY_MONTH_ORDER, FUTURE, NO_DAY, RELATIVE, UNREADABLE

NOV = date(2025, 11, 1)
FEB = date(2025, 2, 1)
FRIDAY = date(2025, 10, 31)
MONDAY = date(2025, 11, 3)
d = date


# ---- dates: one exact day --------------------------------------------------------------
EXACT_DAYS = [
    # (text, today, expected day)
    ("2025-03-14", NOV, d(2025, 3, 14)),
    ("2025/03/14", NOV, d(2025, 3, 14)),
    ("3/14", NOV, d(2025, 3, 14)),
    ("3/14", FEB, d(2024, 3, 14)),                 # no year: the most recent past March 14
    ("3/14/2025", NOV, d(2025, 3, 14)),
    ("03-14-25", NOV, d(2025, 3, 14)),
    ("3.14.2025", NOV, d(2025, 3, 14)),
    ("14/03/2025", NOV, d(2025, 3, 14)),           # 14 cannot be a month: day first, no question
    ("14.03.2025", NOV, d(2025, 3, 14)),
    ("5/5/2025", NOV, d(2025, 5, 5)),              # both orders agree
    ("March 14th", NOV, d(2025, 3, 14)),
    ("March 14th", FEB, d(2024, 3, 14)),
    ("Mar 14", NOV, d(2025, 3, 14)),
    ("Sept. 3", NOV, d(2025, 9, 3)),
    ("14 March 2025", NOV, d(2025, 3, 14)),
    ("March 14, 2025", NOV, d(2025, 3, 14)),
    ("March 14 2025", NOV, d(2025, 3, 14)),
    ("March 14 '25", NOV, d(2025, 3, 14)),
    ("the 14th of March", NOV, d(2025, 3, 14)),
    ("the 14th of March", FEB, d(2024, 3, 14)),
    ("on March 14th", NOV, d(2025, 3, 14)),
    ("March twenty-first", NOV, d(2025, 3, 21)),
    ("June first", NOV, d(2025, 6, 1)),
    ("MARCH 14TH", NOV, d(2025, 3, 14)),
    ("febuary 3", NOV, d(2025, 2, 3)),             # a common misspelling
    ("Feb 1", FEB, d(2025, 2, 1)),                 # today itself is the most recent past
    ("Feb 2", FEB, d(2024, 2, 2)),
    ("12/31", d(2025, 1, 1), d(2024, 12, 31)),
    ("1/1/70", NOV, d(1970, 1, 1)),                # two-digit years: 70-99 -> 1900s
    ("12/31/69", NOV, d(2069, 12, 31)),            # 00-69 -> 2000s
    ("1/1/00", NOV, d(2000, 1, 1)),
    ("yesterday", NOV, d(2025, 10, 31)),
    ("today", NOV, NOV),
    ("the day before yesterday", NOV, d(2025, 10, 30)),
    ("two weeks ago", NOV, d(2025, 10, 18)),
    ("3 days ago", NOV, d(2025, 10, 29)),
    ("a couple of weeks ago", NOV, d(2025, 10, 18)),
    ("a month ago", NOV, d(2025, 10, 1)),
    ("a month ago", d(2025, 3, 31), d(2025, 2, 28)),  # month end clamps, like add_months
    ("2 months ago", d(2024, 4, 30), d(2024, 2, 29)),
    ("a year ago", d(2024, 2, 29), d(2023, 2, 28)),
    ("this morning", NOV, NOV),
    ("tonight", NOV, NOV),
    ("2 wks ago", NOV, d(2025, 10, 18)),
    ("the 14th", NOV, d(2025, 10, 14)),
    ("on the 1st", NOV, d(2025, 11, 1)),
    ("the 31st", NOV, d(2025, 10, 31)),
    ("the 31st", d(2025, 10, 1), d(2025, 8, 31)),     # September has no 31st
]


@pytest.mark.parametrize("text, today, expected", EXACT_DAYS)
def test_exact_days(text, today, expected):
    reading = parse_date(text, today)
    assert reading == DateReading(expected, expected, expected, "day", None, (), None)


# ---- weekdays: the most recent one strictly before today ---------------------------------
WEEKDAYS = [
    ("last Friday", FRIDAY, d(2025, 10, 24)),      # on a Friday, "last Friday" is a week ago
    ("last Friday", MONDAY, d(2025, 10, 31)),
    ("on Friday", FRIDAY, d(2025, 10, 24)),
    ("on Friday", MONDAY, d(2025, 10, 31)),
    ("Friday", NOV, d(2025, 10, 31)),
    ("this past Friday", MONDAY, d(2025, 10, 31)),
    ("last Monday", MONDAY, d(2025, 10, 27)),
    ("Sunday", MONDAY, d(2025, 11, 2)),
    ("on Saturday", FRIDAY, d(2025, 10, 25)),
    ("thurs", MONDAY, d(2025, 10, 30)),
]


@pytest.mark.parametrize("text, today, expected", WEEKDAYS)
def test_weekdays(text, today, expected):
    reading = parse_date(text, today)
    assert (reading.value, reading.granularity, reading.needs_confirmation) == (expected, "day", None)


# ---- leap days -------------------------------------------------------------------------
def test_feb_29_exists_in_leap_years_only():
    assert parse_date("2/29/2024", NOV).value == d(2024, 2, 29)
    assert parse_date("2024-02-29", NOV).value == d(2024, 2, 29)
    assert parse_date("2/29/2025", NOV).error == "February 2025 has only 28 days"
    assert parse_date("Feb 29 2023", NOV).error == "February 2023 has only 28 days"
    assert parse_date("2/29/2000", NOV).value == d(2000, 2, 29)   # divisible by 400
    assert parse_date("2/29/1900", NOV).error == "February 1900 has only 28 days"


def test_feb_29_without_a_year_is_the_last_leap_day():
    assert parse_date("Feb 29", NOV).value == d(2024, 2, 29)
    assert parse_date("Feb 29", d(2024, 2, 28)).value == d(2020, 2, 29)
    assert parse_date("Feb 29", d(2024, 2, 29)).value == d(2024, 2, 29)


# ---- periods: a range and no day -----------------------------------------------------------
PERIODS = [
    # (text, today, start, end, granularity)
    ("June", NOV, d(2025, 6, 1), d(2025, 6, 30), "month"),
    ("in June", NOV, d(2025, 6, 1), d(2025, 6, 30), "month"),
    ("June", FEB, d(2024, 6, 1), d(2024, 6, 30), "month"),
    ("June", d(2025, 6, 10), d(2025, 6, 1), d(2025, 6, 30), "month"),        # begun by today
    ("last March", NOV, d(2025, 3, 1), d(2025, 3, 31), "month"),
    ("last March", d(2025, 3, 31), d(2024, 3, 1), d(2024, 3, 31), "month"),  # not over yet
    ("last March", d(2025, 4, 1), d(2025, 3, 1), d(2025, 3, 31), "month"),
    ("June 2025", NOV, d(2025, 6, 1), d(2025, 6, 30), "month"),
    ("June of 2024", NOV, d(2024, 6, 1), d(2024, 6, 30), "month"),
    ("February 2024", NOV, d(2024, 2, 1), d(2024, 2, 29), "month"),
    ("early June", NOV, d(2025, 6, 1), d(2025, 6, 10), "month"),
    ("mid-June", NOV, d(2025, 6, 11), d(2025, 6, 20), "month"),
    ("late June", NOV, d(2025, 6, 21), d(2025, 6, 30), "month"),
    ("end of February 2024", NOV, d(2024, 2, 21), d(2024, 2, 29), "month"),
    ("late June", d(2025, 6, 10), d(2024, 6, 21), d(2024, 6, 30), "month"),  # not begun yet
    ("Q3 2025", NOV, d(2025, 7, 1), d(2025, 9, 30), "quarter"),
    ("Q3", NOV, d(2025, 7, 1), d(2025, 9, 30), "quarter"),
    ("Q3", FEB, d(2024, 7, 1), d(2024, 9, 30), "quarter"),
    ("second quarter of 2024", NOV, d(2024, 4, 1), d(2024, 6, 30), "quarter"),
    ("end of Q2", NOV, d(2025, 6, 1), d(2025, 6, 30), "quarter"),            # its last month
    ("end of Q2", FEB, d(2024, 6, 1), d(2024, 6, 30), "quarter"),
    ("the end of Q2", NOV, d(2025, 6, 1), d(2025, 6, 30), "quarter"),
    ("beginning of Q4 2024", NOV, d(2024, 10, 1), d(2024, 10, 31), "quarter"),
    ("2024", NOV, d(2024, 1, 1), d(2024, 12, 31), "year"),
    ("in 2024", NOV, d(2024, 1, 1), d(2024, 12, 31), "year"),
    ("early 2024", NOV, d(2024, 1, 1), d(2024, 4, 30), "year"),              # thirds of a year
    ("mid-2024", NOV, d(2024, 5, 1), d(2024, 8, 31), "year"),
    ("middle of 2024", NOV, d(2024, 5, 1), d(2024, 8, 31), "year"),
    ("late 2024", NOV, d(2024, 9, 1), d(2024, 12, 31), "year"),
    ("end of 2024", NOV, d(2024, 9, 1), d(2024, 12, 31), "year"),
    ("last month", NOV, d(2025, 10, 1), d(2025, 10, 31), "month"),
    ("last month", d(2025, 3, 31), d(2025, 2, 1), d(2025, 2, 28), "month"),
    ("last month", d(2025, 1, 15), d(2024, 12, 1), d(2024, 12, 31), "month"),
    ("this month", NOV, d(2025, 11, 1), d(2025, 11, 30), "month"),
    ("last year", NOV, d(2024, 1, 1), d(2024, 12, 31), "year"),
    ("this year", NOV, d(2025, 1, 1), d(2025, 12, 31), "year"),
    ("earlier this year", NOV, d(2025, 1, 1), NOV, "year"),
    ("last quarter", NOV, d(2025, 7, 1), d(2025, 9, 30), "quarter"),
    ("last quarter", FEB, d(2024, 10, 1), d(2024, 12, 31), "quarter"),
    ("last week", NOV, d(2025, 10, 20), d(2025, 10, 26), "week"),            # Monday to Sunday
    ("last wk", NOV, d(2025, 10, 20), d(2025, 10, 26), "week"),
    ("end of last year", NOV, d(2024, 9, 1), d(2024, 12, 31), "year"),
    ("beginning of this year", NOV, d(2025, 1, 1), d(2025, 4, 30), "year"),
    ("late last month", NOV, d(2025, 10, 21), d(2025, 10, 31), "month"),
    ("a few days ago", NOV, d(2025, 10, 28), d(2025, 10, 30), "day"),        # 2 to 4 days back
    ("several weeks ago", NOV, d(2025, 9, 13), d(2025, 10, 11), "week"),     # 3 to 7 weeks back
    # seasons are meteorological; a winter belongs to the year of its January
    ("last summer", NOV, d(2025, 6, 1), d(2025, 8, 31), "season"),
    ("summer", FEB, d(2024, 6, 1), d(2024, 8, 31), "season"),
    ("summer 2021", NOV, d(2021, 6, 1), d(2021, 8, 31), "season"),
    ("fall 2024", NOV, d(2024, 9, 1), d(2024, 11, 30), "season"),
    ("this spring", NOV, d(2025, 3, 1), d(2025, 5, 31), "season"),
    ("winter 2024", NOV, d(2023, 12, 1), d(2024, 2, 29), "season"),
    ("last winter", NOV, d(2024, 12, 1), d(2025, 2, 28), "season"),
    ("winter", FEB, d(2024, 12, 1), d(2025, 2, 28), "season"),               # the one going on
]


@pytest.mark.parametrize("text, today, start, end, granularity", PERIODS)
def test_periods(text, today, start, end, granularity):
    reading = parse_date(text, today)
    assert reading == DateReading(None, start, end, granularity, NO_DAY, (), None)


# ---- the day/month order is never guessed ---------------------------------------------
def test_ambiguous_numeric_dates_are_returned_both_ways():
    reading = parse_date("03/05/2025", NOV)
    assert reading.value is None and reading.error is None
    assert reading.needs_confirmation == DAY_MONTH_ORDER
    assert reading.alternatives == (d(2025, 3, 5), d(2025, 5, 3))  # month-first (US) first


def test_ambiguous_without_a_year_resolves_each_reading_to_the_past():
    reading = parse_date("3/5", d(2025, 4, 1))
    assert reading.alternatives == (d(2025, 3, 5), d(2024, 5, 3))


@pytest.mark.parametrize("text, day_first, expected", [
    ("03/05/2025", True, d(2025, 5, 3)),
    ("03/05/2025", False, d(2025, 3, 5)),
    ("03.05.2025", True, d(2025, 5, 3)),
    ("14/03/2025", False, d(2025, 3, 14)),   # a part over 12 decides whatever the habit says
    ("3/14/2025", True, d(2025, 3, 14)),
    ("2025-03-05", True, d(2025, 3, 5)),     # ISO is always year-month-day
])
def test_day_first_resolves_the_order(text, day_first, expected):
    reading = parse_date(text, NOV, day_first=day_first)
    assert (reading.value, reading.needs_confirmation) == (expected, None)


# ---- future readings are flagged ---------------------------------------------------------
@pytest.mark.parametrize("text, expected_start", [
    ("tomorrow", d(2025, 11, 2)),
    ("next Friday", d(2025, 11, 7)),
    ("in two weeks", d(2025, 11, 15)),
    ("in 3 months", d(2026, 2, 1)),
    ("next month", d(2025, 12, 1)),
    ("next year", d(2026, 1, 1)),
    ("next March", d(2026, 3, 1)),
    ("next spring", d(2026, 3, 1)),
    ("in a few days", d(2025, 11, 3)),
])
def test_future_without_a_year_asks(text, expected_start):
    reading = parse_date(text, NOV)
    assert (reading.start, reading.needs_confirmation) == (expected_start, FUTURE)


def test_an_explicit_future_year_is_taken_as_written():
    assert parse_date("3/14/2026", NOV) == DateReading(d(2026, 3, 14), d(2026, 3, 14), d(2026, 3, 14), "day")
    assert parse_date("June 2026", NOV).needs_confirmation == NO_DAY


def test_no_year_never_lands_in_the_future():
    for text in ("12/31", "Dec 31", "December", "Q4", "late December", "the 30th"):
        reading = parse_date(text, NOV)
        assert reading.start <= NOV and reading.needs_confirmation != FUTURE, text


# ---- impossible and unreadable ---------------------------------------------------------
@pytest.mark.parametrize("text, error", [
    ("2025-02-30", "February 2025 has only 28 days"),
    ("2/30/2025", "February 2025 has only 28 days"),
    ("2/30", "February has at most 29 days"),
    ("4/31/2025", "April 2025 has only 30 days"),
    ("April 31", "April has only 30 days"),
    ("31 June 2025", "June 2025 has only 30 days"),
    ("2025-13-01", "month 13 does not exist"),
    ("13/13/2025", "month 13 does not exist"),
    ("14/15/2025", "neither 14 nor 15 is a month"),
    ("2025-00-10", "month 0 does not exist"),
    ("5/0/2025", "day 0 does not exist"),
    ("3/14/1850", "the year 1850 is outside 1900-2100"),
    ("that is not a date", UNREADABLE),
    ("", UNREADABLE),
    ("next blursday", UNREADABLE),
    ("14", UNREADABLE),
    ("3.14", UNREADABLE),   # a decimal, not a date, without a year
])
def test_errors_say_why(text, error):
    reading = parse_date(text, NOV)
    assert reading == DateReading(error=error)


def test_today_must_be_a_date():
    with pytest.raises(TypeError):
        parse_date("June", "2025-11-01")
    assert parse_date(None, NOV).error == UNREADABLE


# ---- amounts ---------------------------------------------------------------------------
AMOUNTS = [
    # (text, value, approximate)
    ("$12k", "12000.00", False),
    ("12k", "12000.00", False),
    ("12K", "12000.00", False),
    ("12 k", "12000.00", False),
    ("~20K", "20000.00", True),
    ("12,450.88", "12450.88", False),
    ("$12,450", "12450.00", False),
    ("$3,000.50", "3000.50", False),
    ("15000", "15000.00", False),
    ("1.5k", "1500.00", False),
    ("$1.2M", "1200000.00", False),
    ("2.5 million", "2500000.00", False),
    ("12 thousand", "12000.00", False),
    ("about 12 thousand", "12000.00", True),
    ("around $12k", "12000.00", True),
    ("roughly 9,800", "9800.00", True),
    ("12k+", "12000.00", True),
    ("twelve grand", "12000.00", False),
    ("fifteen thousand dollars", "15000.00", False),
    ("twelve thousand five hundred", "12500.00", False),
    ("fifteen hundred", "1500.00", False),
    ("a thousand bucks", "1000.00", False),
    ("500 dollars", "500.00", False),
    ("USD 500", "500.00", False),
    ("12.3456", "12.35", False),  # cents round half up
    ("0", "0.00", False),
    ("$0", "0.00", False),
    ("nothing", "0.00", False),
    ("none", "0.00", False),
]


@pytest.mark.parametrize("text, value, approximate", AMOUNTS)
def test_amounts(text, value, approximate):
    assert read_amount(text).value == Decimal(value)
    assert read_amount(text).approximate is approximate
    assert parse_amount(text) == Decimal(value)
    assert parse_amount(text).as_tuple().exponent == -2


@pytest.mark.parametrize("text", ["-500", "-$500", "minus 500", "negative 12k"])
def test_negative_amounts_say_why(text):
    assert read_amount(text).error == "an amount cannot be negative"
    assert read_amount(text).value is None
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["", "abc", "1,2345", "$", "twelve apples", "fifty bucks and change", None])
def test_not_amounts(text):
    assert read_amount(text) is None
    assert parse_amount(text) is None


@pytest.mark.parametrize("text, value", [
    ("fifty-four", 54), ("fifty four", 54), ("a thousand", 1000), ("twelve grand", 12000),
    ("one hundred twenty", 120), ("twelve thousand and fifty", 12050), ("zero", 0),
    ("hundred", None), ("and", None), ("fifty bucks", None), ("", None),
])
def test_number_words(text, value):
    assert number_from_words(text) == value


# ---- ages ------------------------------------------------------------------------------
AGES = [
    ("41", 41, False), ("41 years old", 41, False), ("41-year-old", 41, False),
    ("41yo", 41, False), ("I'm 41", 41, False), ("I’m 41", 41, False), ("age 41", 41, False),
    ("age: 41", 41, False), ("aged 41", 41, False), ("54 and a half", 54, True),
    ("54 and 1/2", 54, True), ("59 1/2", 59, True), ("59½", 59, True), ("59 ½", 59, True),
    ("59.5", 59, True), ("59.50", 59, True), ("59.0", 59, False), ("fifty-four", 54, False),
    ("fifty four and a half", 54, True), ("fifty-nine and a half years old", 59, True),
    ("0", 0, False), ("120", 120, False),
]


@pytest.mark.parametrize("text, years, half", AGES)
def test_ages(text, years, half):
    assert parse_age(text) == AgeReading(years, half)


def test_age_value_is_decimal_years():
    assert parse_age("59½").value == Decimal("59.5")
    assert parse_age("41").value == Decimal("41")


@pytest.mark.parametrize("text, error", [
    ("150", "an age of 150 is not possible; expected 0 to 120"),
    ("121", "an age of 121 is not possible; expected 0 to 120"),
    ("120 and a half", "an age of 120 is not possible; expected 0 to 120"),
    ("-5", "an age cannot be negative"),
    ("59.3", "ages are read in whole or half years, such as 59 or 59½"),
])
def test_impossible_ages_say_why(text, error):
    assert parse_age(text).error == error


@pytest.mark.parametrize("text", ["", "old", "forty-ish", "41k", "12 months", "I'm fine", None])
def test_not_ages(text):
    assert parse_age(text) is None


# ---- box 7 codes: the rules core's allow-list, our cue words ----------------------------
@pytest.mark.parametrize("text, code", [
    ("M1", "M1"), ("1M", "M1"), ("m1", "M1"), ("L 1", "L1"), ("l1", "L1"), ("1L", "L1"),
    ("L, 1", "L1"), ("m & 1", "M1"), ("code M1", "M1"), ("Code: m 1", "M1"),
    ("box 7 says 1M", "M1"), ("my 1099-R says L1", "L1"), ("1099-R box 7: 1M", "M1"),
    ("7", "7"), ("G", "G"), ("B7", "B7"), ("'M1'", "M1"), ("M1.", "M1"),
    ("LM", "LM"),    # two known codes: normalised; that L and M never pair is decode_box7's to say
])
def test_box7_codes(text, code):
    assert parse_box7(text) == code


@pytest.mark.parametrize("text", ["", "hello", "M1 L1", "Z9", "code", "M11", "box 7", "L1M", None])
def test_not_box7_codes(text):
    assert parse_box7(text) is None


# ---- marginal tax rates ----------------------------------------------------------------
@pytest.mark.parametrize("text, rate", [
    ("22%", "0.22"), ("22 %", "0.22"), ("22 percent", "0.22"), ("22 pct", "0.22"),
    ("0.22", "0.22"), (".22", "0.22"), ("22", "0.22"), ("24% bracket", "0.24"),
    ("the 24% bracket", "0.24"), ("24 bracket", "0.24"), ("I'm in the 12% bracket", "0.12"),
    ("22.5%", "0.225"), ("twenty-two percent", "0.22"), ("37% federal", "0.37"),
    ("0%", "0"), ("100%", "1"), ("1", "1"),
])
def test_rates(text, rate):
    assert parse_rate(text) == Decimal(rate)


@pytest.mark.parametrize("text", ["", "150%", "abc", "-22%", "22k", None])
def test_not_rates(text):
    assert parse_rate(text) is None


# ---- issue 9: two readings of one date; a written year wins ------------------------------
DEC = date(2026, 12, 5)


@pytest.mark.parametrize("text, expected", [
    ("03-02-2025 (march 2nd)", d(2025, 3, 2)),       # the named month settles the order, the year stays
    ("03-02-2025 (feb 3)", d(2025, 2, 3)),
    ("March 2025, on the 14th", d(2025, 3, 14)),     # not the last 14th before today
    ("march 2025 the 14th", d(2025, 3, 14)),
    ("June 2024 (June 30)", d(2024, 6, 30)),
    ("6/30/2025 (june 30th)", d(2025, 6, 30)),
])
def test_readings_that_agree_are_one_date(text, expected):
    assert parse_date(text, DEC) == DateReading(expected, expected, expected, "day")


@pytest.mark.parametrize("text, alternatives", [
    ("3/14/2025 (march 15)", (d(2025, 3, 14), d(2025, 3, 15))),
    ("2025-06-30 (july 1st)", (d(2025, 6, 30), d(2025, 7, 1))),
    ("3/2/2025 or March 5", (d(2025, 3, 2), d(2025, 2, 3), d(2025, 3, 5))),
])
def test_readings_that_disagree_are_a_conflict(text, alternatives):
    reading = parse_date(text, DEC)
    assert (reading.value, reading.needs_confirmation, reading.alternatives) == (None, CONFLICT, alternatives)


def test_two_dates_in_a_row_are_not_two_readings():
    assert parse_date("3/14, the 20th", DEC).error == UNREADABLE


@pytest.mark.parametrize("text, start, end", [
    ("two years ago in may", d(2024, 5, 1), d(2024, 5, 31)),
    ("may 2 years ago", d(2024, 5, 1), d(2024, 5, 31)),
    ("February of this year", d(2026, 2, 1), d(2026, 2, 28)),
    ("march last yr", d(2025, 3, 1), d(2025, 3, 31)),
    ("last yr", d(2025, 1, 1), d(2025, 12, 31)),
    ("2025 october", d(2025, 10, 1), d(2025, 10, 31)),
    ("the beginning of the year", d(2026, 1, 1), d(2026, 4, 30)),
    ("end of the month", d(2026, 12, 21), d(2026, 12, 31)),
])
def test_periods_people_write(text, start, end):
    reading = parse_date(text, DEC)
    assert (reading.start, reading.end, reading.value) == (start, end, None)


def test_the_nth_of_last_month():
    assert parse_date("the 14th of last month", DEC).value == d(2026, 11, 14)
    assert parse_date("31st of last month", DEC).error == "November 2026 has only 30 days"


@pytest.mark.parametrize("text, today, expected", [
    ("jan 31", DEC, d(2027, 1, 31)),
    ("the 14th", DEC, d(2026, 12, 14)),
    ("the 1st", DEC, d(2027, 1, 1)),
    ("Dec 5", DEC, d(2026, 12, 5)),                  # today is not past
    ("jan 31 2026", DEC, d(2026, 1, 31)),           # a written year stays
])
def test_plans_read_ahead(text, today, expected):
    assert parse_date(text, today, ahead=True).value == expected


def test_plan_months_read_ahead():
    assert parse_date("in january", DEC, ahead=True).start == d(2027, 1, 1)
    assert parse_date("december", DEC, ahead=True).start == d(2026, 12, 1)   # under way
    assert parse_date("march 2025", DEC, ahead=True).start == d(2025, 3, 1)


# ---- issue 9: dates tied to another event -----------------------------------------------
@pytest.mark.parametrize("text, anchor, expected", [
    ("9 months after separation_date", d(2025, 1, 31), d(2025, 10, 31)),
    ("9 months after separation_date", d(2025, 5, 31), d(2026, 2, 28)),   # clamps at the month end
    ("60 days after separation_date", d(2026, 11, 20), d(2027, 1, 19)),
    ("two weeks before offset_date", d(2025, 3, 15), d(2025, 3, 1)),
    ("a year after loan_date", d(2024, 2, 29), d(2025, 2, 28)),
])
def test_relative_dates_resolve_against_their_anchor(text, anchor, expected):
    reading = parse_date(text, DEC)
    assert reading.needs_confirmation == RELATIVE and reading.value is None
    anchor_fact = reading.relative.anchor
    assert resolve_relative(reading, {anchor_fact: anchor}).value == expected
    assert resolve_relative(reading, {anchor_fact: anchor.isoformat()}).value == expected


def test_calendar_units_after_an_event():
    reading = parse_date("the quarter after separation_date", DEC)
    assert reading.relative == RelativeDate("separation_date", 1, "quarter", 1, calendar=True)
    resolved = resolve_relative(reading, {"separation_date": d(2025, 5, 3)})
    assert (resolved.start, resolved.end, resolved.value) == (d(2025, 7, 1), d(2025, 9, 30), None)
    month = resolve_relative(parse_date("the month after offset_date", DEC), {"offset_date": d(2025, 12, 31)})
    assert (month.start, month.end) == (d(2026, 1, 1), d(2026, 1, 31))


def test_a_relative_date_waits_for_its_anchor():
    reading = parse_date("9 months after separation_date", DEC)
    assert resolve_relative(reading, {}) == reading
    assert resolve_relative(reading, {"separation_date": "not a date"}) == reading
    month = resolve_relative(reading, {"separation_date": "2025-01"})  # a month anchor gives a month
    assert (month.start, month.end) == (d(2025, 10, 1), d(2025, 10, 31))


# ---- issue 9: amounts to confirm ----------------------------------------------------------
@pytest.mark.parametrize("text, readings", [
    ("9,5k", ("9500.00", "95000.00")),
    ("~14,5k", ("14500.00", "145000.00")),
    ("1.234,56", ("1234.56",)),
    ("$1.234,56", ("1234.56",)),
    ("12,50", ("12.50", "1250.00")),
    ("12.500", ("12500.00", "12.50")),
    ("$9 500", ("9500.00",)),
])
def test_decimal_commas_are_read_and_confirmed(text, readings):
    reading = read_amount(text)
    assert reading.needs_confirmation == DECIMAL_COMMA
    assert reading.alternatives == tuple(Decimal(r) for r in readings)
    assert reading.value == Decimal(readings[0])


@pytest.mark.parametrize("text, low, high", [
    ("10-12k", "10000.00", "12000.00"), ("$10k-$12k", "10000.00", "12000.00"),
    ("10 to 12 thousand", "10000.00", "12000.00"), ("9.5-10k", "9500.00", "10000.00"),
])
def test_a_range_is_confirmed(text, low, high):
    reading = read_amount(text)
    assert (reading.needs_confirmation, reading.alternatives, reading.value) == (
        RANGE, (Decimal(low), Decimal(high)), Decimal(low))


@pytest.mark.parametrize("text", ["12,450", "1,234.56", "$12,450.88", "fifteen grand", "12 thousand", "9.5k"])
def test_us_numbers_are_not_asked_about(text):
    assert read_amount(text).needs_confirmation is None


# ---- issue 9: plan kinds and codes ---------------------------------------------------------
@pytest.mark.parametrize("text, kind", [
    ("401k", "401k"), ("401(k)", "401k"), ("401 k", "401k"), ("403b", "403b"), ("403(b)", "403b"),
    ("403 b", "403b"), ("457", "457b"), ("457(b)", "457b"), ("a 457 plan", "457b"), ("TSP", "tsp"),
    ("tsp", "tsp"), ("Thrift Savings Plan", "tsp"), ("my 403(b) loan", "403b"),
])
def test_plan_kinds(text, kind):
    assert parse_plan_kind(text) == kind


@pytest.mark.parametrize("text", ["", "457f", "401(a)", "IRA", "a plan", "I owe 457", None])
def test_not_plan_kinds(text):
    assert parse_plan_kind(text) is None


@pytest.mark.parametrize("text, code", [
    ("1 and M", "M1"), ("code 1 and code M", "M1"), ("codes 1 and L", "L1"), ("1L", "L1"), ("m1", "M1"),
])
def test_box7_codes_as_people_write_them(text, code):
    assert parse_box7(text) == code


def test_a_future_birthday_is_not_an_age():
    from actions.parsing import find_age_spans
    text = "I'm 54 and turn 55 in August"
    assert [text[s:e] for s, e in find_age_spans(text)] == ["54"]
    text = "forced to retire at 20 yrs, he was 59 yrs and 5 months old"
    assert {text[s:e] for s, e in find_age_spans(text)} == {"59"}  # candidates; the extractor keeps one
