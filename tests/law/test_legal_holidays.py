"""Legal holidays for IRC 7503: known answers, and a day-by-day check against `holidays`.

The reference is `holidays.US(subdiv="DC")` (public category, the default): the federal
holidays plus the District's (Inauguration Day, Emancipation Day). Where it differs from us
on purpose, the exact dates or names are listed below with the reason.
"""
from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from rules_core.law.legal_holidays import (
    FIRST_YEAR,
    holiday_rules,
    is_business_day,
    is_legal_holiday,
    legal_holidays,
    next_business_day,
)

REFERENCE_YEARS = range(1990, 2061)

# The reference starts DC Emancipation Day in 2005, when the District made it a holiday for
# its own employees. The D.C. Code lists it as a legal public holiday "beginning in the year
# 2007" (D.C. Code 1-612.02(a)(11)), and the IRS first moved a deadline for it in 2007
# (Announcement 2007-16); the 2005 and 2006 deadlines were April 15 and April 17.
REFERENCE_ONLY_EMANCIPATION_DAYS_2005_2006 = frozenset({
    date(2005, 4, 15),  # observed (April 16 was a Saturday)
    date(2005, 4, 16),
    date(2006, 4, 16),
    date(2006, 4, 17),  # observed (April 16 was a Sunday)
})

# We use the names of 5 U.S.C. 6103 and the D.C. Code; the reference uses these names.
REFERENCE_NAME = {
    "Birthday of Martin Luther King, Jr.": "Martin Luther King Jr. Day",
    "District of Columbia Emancipation Day": "Emancipation Day",
}
# The District renamed the second Monday of October Indigenous Peoples' Day in 2019 and the
# reference follows it from that year; we keep the federal name, Columbus Day.
DC_RENAMED_COLUMBUS_DAY_FROM = 2019
OBSERVED = " (observed)"


def _reference_names(ours: str, year: int) -> set:
    """Our combined name for a day, as the set of names the reference uses."""
    names = set()
    for part in ours.split("; "):
        base, suffix = part, ""
        if part.endswith(OBSERVED):
            base, suffix = part[: -len(OBSERVED)], OBSERVED
        if base == "Columbus Day" and year >= DC_RENAMED_COLUMBUS_DAY_FROM:
            base = "Indigenous Peoples' Day"
        names.add(REFERENCE_NAME.get(base, base) + suffix)
    return names


@pytest.fixture(scope="module")
def reference():
    return holidays.US(subdiv="DC", years=REFERENCE_YEARS)


@pytest.mark.parametrize("year", REFERENCE_YEARS)
def test_every_day_of_the_year_matches_the_reference(year, reference):
    day, mismatches = date(year, 1, 1), []
    while day.year == year:
        expected = day in reference and day not in REFERENCE_ONLY_EMANCIPATION_DAYS_2005_2006
        if is_legal_holiday(day) != expected:
            mismatches.append((day, legal_holidays(year).get(day), reference.get(day)))
        day += timedelta(days=1)
    assert mismatches == []


@pytest.mark.parametrize("year", REFERENCE_YEARS)
def test_holiday_names_match_the_reference_up_to_listed_renamings(year, reference):
    for day, name in legal_holidays(year).items():
        assert _reference_names(name, year) == set(reference[day].split("; ")), day


def test_the_listed_exceptions_are_still_exceptions(reference):
    # If the reference ever agrees with us, the exception set should shrink, not linger.
    for day in REFERENCE_ONLY_EMANCIPATION_DAYS_2005_2006:
        assert day in reference and not is_legal_holiday(day)


@pytest.mark.parametrize("day, name", [
    (date(2022, 4, 15), "District of Columbia Emancipation Day (observed)"),  # Apr 16 Sat
    (date(2023, 4, 17), "District of Columbia Emancipation Day (observed)"),  # Apr 16 Sun
    (date(2007, 4, 16), "District of Columbia Emancipation Day"),  # first year, a Monday
    (date(2021, 6, 18), "Juneteenth National Independence Day (observed)"),  # Jun 19 Sat
    (date(2022, 6, 20), "Juneteenth National Independence Day (observed)"),  # Jun 19 Sun
    (date(2021, 12, 31), "New Year's Day (observed)"),  # Jan 1, 2022 was a Saturday
    (date(2021, 1, 20), "Inauguration Day"),
    (date(2013, 1, 21), "Birthday of Martin Luther King, Jr.; Inauguration Day (observed)"),
    (date(2025, 1, 20), "Birthday of Martin Luther King, Jr.; Inauguration Day"),
    (date(1990, 11, 12), "Veterans Day (observed)"),
    (date(2024, 10, 14), "Columbus Day"),
])
def test_known_holidays(day, name):
    assert is_legal_holiday(day)
    assert legal_holidays(day.year)[day] == name


@pytest.mark.parametrize("day, why", [
    (date(2020, 6, 19), "Juneteenth became a holiday in 2021"),
    (date(2006, 4, 17), "Emancipation Day counts from 2007"),
    (date(2001, 1, 19), "a Saturday Inauguration Day is not moved to Friday"),
    (date(2024, 1, 19), "no Inauguration Day in 2024"),
    (date(2023, 4, 14), "an ordinary Friday"),
    (date(2025, 4, 15), "an ordinary Tuesday"),
])
def test_ordinary_weekdays_are_business_days(day, why):
    assert not is_legal_holiday(day), why
    assert is_business_day(day), why


def test_weekend_days_are_not_business_days_but_not_holidays_either():
    saturday, sunday = date(2024, 6, 8), date(2024, 6, 9)
    assert not is_legal_holiday(saturday) and not is_legal_holiday(sunday)
    assert not is_business_day(saturday) and not is_business_day(sunday)


def test_observed_new_years_day_belongs_to_the_year_it_falls_in():
    assert date(2021, 12, 31) in legal_holidays(2021)
    assert date(2021, 12, 31) not in legal_holidays(2022)
    assert legal_holidays(2022)[date(2022, 1, 1)] == "New Year's Day"


@pytest.mark.parametrize("day, expected", [
    (date(2024, 3, 13), date(2024, 3, 13)),  # Wednesday: itself
    (date(2024, 3, 16), date(2024, 3, 18)),  # Saturday -> Monday
    (date(2024, 3, 17), date(2024, 3, 18)),  # Sunday -> Monday
    (date(2022, 4, 15), date(2022, 4, 18)),  # Friday holiday, then the weekend -> Monday
    (date(2022, 4, 16), date(2022, 4, 18)),
    (date(2023, 4, 15), date(2023, 4, 18)),  # Saturday, Sunday, Monday holiday -> Tuesday
    (date(2023, 4, 17), date(2023, 4, 18)),  # Monday holiday after a weekend -> Tuesday
    (date(2021, 12, 31), date(2022, 1, 3)),  # across the year end
    (date(2025, 1, 20), date(2025, 1, 21)),
])
def test_next_business_day(day, expected):
    assert next_business_day(day) == expected


def test_mapping_is_read_only_and_cached():
    table = legal_holidays(2024)
    with pytest.raises(TypeError):
        table[date(2024, 3, 1)] = "not a holiday"  # type: ignore[index]
    assert legal_holidays(2024) is table


def test_years_before_the_monday_holiday_act_are_refused():
    with pytest.raises(ValueError, match="1971"):
        legal_holidays(FIRST_YEAR - 1)
    assert legal_holidays(FIRST_YEAR)[date(1971, 10, 25)] == "Veterans Day"
    with pytest.raises(TypeError):
        legal_holidays("2024")  # type: ignore[arg-type]


def test_every_rule_in_the_table_is_cited_and_well_formed():
    for rule in holiday_rules():
        assert rule.citations, rule.key
        assert (rule.day is None) != (rule.weekday is None), rule.key
