"""Form 1040 due dates: the fact sheet's table (section 11) and the IRC 7503 move."""
from __future__ import annotations

from datetime import date

import pytest

from rules_core.law.due_dates import (
    FIRST_TAX_YEAR,
    LAST_TAX_YEAR,
    ReturnDueDates,
    return_due_dates,
)
from rules_core.law.legal_holidays import next_business_day
from rules_core.law.ruled import RuledDate
from rules_core.rules import rule

# Fact sheet section 11: tax year -> (original due date, extended due date), both as moved by
# IRC 7503. 2019 and 2020 ignore the COVID postponements (IRC 7508A), which are not modelled.
FACT_SHEET_TABLE = {
    2018: (date(2019, 4, 15), date(2019, 10, 15)),
    2019: (date(2020, 4, 15), date(2020, 10, 15)),
    2020: (date(2021, 4, 15), date(2021, 10, 15)),
    2021: (date(2022, 4, 18), date(2022, 10, 17)),
    2022: (date(2023, 4, 18), date(2023, 10, 16)),
    2023: (date(2024, 4, 15), date(2024, 10, 15)),
    2024: (date(2025, 4, 15), date(2025, 10, 15)),
    2025: (date(2026, 4, 15), date(2026, 10, 15)),
    2026: (date(2027, 4, 15), date(2027, 10, 15)),
    2027: (date(2028, 4, 18), date(2028, 10, 16)),
}


@pytest.mark.parametrize("tax_year, expected", sorted(FACT_SHEET_TABLE.items()))
def test_fact_sheet_table(tax_year, expected):
    due = return_due_dates(tax_year)
    assert (due.original, due.extended) == expected
    assert due.original_statutory == date(tax_year + 1, 4, 15)
    assert due.extended_statutory == date(tax_year + 1, 10, 15)


# Boundary trio around a Saturday April 15 (TY2022: Sat Apr 15, Sun Apr 16, Emancipation Day
# observed Mon Apr 17): the statutory date and the days around it, against the moved date.
@pytest.mark.parametrize("deadline, timely_until", [
    (date(2023, 4, 14), date(2023, 4, 14)),  # the day before: a Friday, stays
    (date(2023, 4, 15), date(2023, 4, 18)),  # the statutory day: Saturday -> Tuesday
    (date(2023, 4, 16), date(2023, 4, 18)),  # the day after: Sunday -> Tuesday
])
def test_saturday_april_15_boundary_trio(deadline, timely_until):
    assert next_business_day(deadline) == timely_until


def test_saturday_april_15_keeps_its_statutory_date():
    due = return_due_dates(2022)
    assert due.original_statutory == date(2023, 4, 15)
    assert due.original_statutory.weekday() == 5
    assert due.original == date(2023, 4, 18)


@pytest.mark.parametrize("tax_year", [2021, 2022, 2027])
def test_statutory_extended_date_stays_october_15_when_the_moved_one_differs(tax_year):
    due = return_due_dates(tax_year)
    assert due.extended_statutory == date(tax_year + 1, 10, 15)
    assert due.extended != due.extended_statutory
    assert due.extended > due.extended_statutory


def test_the_first_emancipation_day_deadline_and_the_years_before_it():
    # 2007: Sun Apr 15, Emancipation Day Mon Apr 16 -> Tue Apr 17 (IRS Announcement 2007-16).
    assert return_due_dates(2006).original == date(2007, 4, 17)
    # 2006: Sat Apr 15 -> Mon Apr 17; Emancipation Day did not count yet.
    assert return_due_dates(2005).original == date(2006, 4, 17)
    # 2005: Friday Apr 15 stands.
    assert return_due_dates(2004).original == date(2005, 4, 15)


def test_automatic_extension_was_four_months_before_2006():
    # Form 4868 gave until August 15 for returns due before 2006 (six months from T.D. 9229).
    assert return_due_dates(2004).extended_statutory == date(2005, 8, 15)
    assert return_due_dates(2003).extended == date(2004, 8, 16)  # Aug 15, 2004 was a Sunday
    assert return_due_dates(2005).extended_statutory == date(2006, 10, 15)
    assert return_due_dates(2005).extended == date(2006, 10, 16)


def test_ruled_dates_carry_the_rule_ids():
    due = return_due_dates(2021)
    assert due.original_ruled == RuledDate(
        name="return_due_date", date=date(2022, 4, 18), rule="return_due.original")
    assert due.extended_ruled == RuledDate(
        name="return_due_date_extended", date=date(2022, 10, 17), rule="return_due.extended")
    rule(due.original_ruled.rule)
    rule(due.extended_ruled.rule)


def test_result_is_frozen_and_cached():
    due = return_due_dates(2024)
    assert isinstance(due, ReturnDueDates)
    assert return_due_dates(2024) is due
    with pytest.raises(AttributeError):
        due.original = date(2025, 4, 16)  # type: ignore[misc]


@pytest.mark.parametrize("tax_year", [FIRST_TAX_YEAR - 1, LAST_TAX_YEAR + 1, 0, -2024])
def test_out_of_range_tax_years_raise(tax_year):
    with pytest.raises(ValueError, match="outside the supported range"):
        return_due_dates(tax_year)


def test_range_ends_are_accepted():
    assert return_due_dates(FIRST_TAX_YEAR).original_statutory == date(1988, 4, 15)
    assert return_due_dates(LAST_TAX_YEAR).extended_statutory == date(2101, 10, 15)


@pytest.mark.parametrize("tax_year", ["2024", 2024.0, True])
def test_non_integer_tax_years_raise_type_error(tax_year):
    with pytest.raises(TypeError):
        return_due_dates(tax_year)
