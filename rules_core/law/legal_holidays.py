"""Legal holidays for IRC 7503, and the next day on which a tax deadline can be met.

IRC 7503 says an act due on a Saturday, Sunday or legal holiday is on time if done on the
next day that is none of those, and that "legal holiday" means a legal holiday in the
District of Columbia (Treas. Reg. 301.7503-1). That covers the federal legal public holidays
of 5 U.S.C. 6103, Inauguration Day (a Washington-area holiday under 5 U.S.C. 6103(c)) and the
District's own holidays, of which only DC Emancipation Day (April 16) is not also federal.

Why a data table: the holidays are a short list of rules ("third Monday of January, from
1986") whose start years and citations change when Congress or the DC Council acts. Keeping
them in data/legal_holidays.yaml, one sourced entry per rule, makes a law change a new entry
(as Juneteenth was in 2021) and keeps this module to the arithmetic of weekdays and
observance, which is the same for every holiday.

Which calendar year a day belongs to: a day is listed under the calendar year in which it
falls. New Year's Day on a Saturday is kept on Friday December 31, so that Friday appears in
`legal_holidays` of the earlier year (2021-12-31 is in 2021's mapping, not 2022's).

Outside the calculation: the statewide holidays of 7503's second branch (e.g. Patriots' Day
for returns filed at an IRS office in Maine or Massachusetts), one-off closures by executive
order, and disaster postponements (IRC 7508A).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import MAXYEAR, date, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Dict, Iterator, Mapping, Optional, Tuple

from ..citations import cite
from .dates import is_weekend
from ..yaml_data import load_yaml

_TABLE = Path(__file__).resolve().parent.parent / "data" / "legal_holidays.yaml"

# The Uniform Monday Holiday Act took effect in 1971; earlier holiday rules are not modelled.
FIRST_YEAR = 1971

_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_OBSERVANCES = ("weekend", "sunday")


@dataclass(frozen=True)
class HolidayRule:
    """One entry of data/legal_holidays.yaml: when a holiday falls and how it is observed.

    A fixed-date holiday has `day`; a weekday holiday has `weekday` (0 = Monday) and `nth`
    (1..4, or -1 for the last such weekday of the month).
    """

    key: str
    name: str
    month: int
    day: Optional[int]
    weekday: Optional[int]
    nth: Optional[int]
    observed: str
    since: int
    until: Optional[int]
    every: int
    citations: Tuple[str, ...]


def _parse_rule(key: str, entry: dict) -> HolidayRule:
    falls_on = entry["falls_on"]
    weekday = falls_on.get("weekday")
    nth = falls_on.get("nth")
    if entry["observed"] not in _OBSERVANCES:
        raise ValueError(f"legal holiday {key!r}: unknown observance {entry['observed']!r}")
    citations = tuple(entry["citations"])
    for cid in citations:
        cite(cid)  # a typo in the table fails loudly
    return HolidayRule(
        key=key, name=entry["name"], month=falls_on["month"], day=falls_on.get("day"),
        weekday=None if weekday is None else _WEEKDAYS[weekday],
        nth=-1 if nth == "last" else nth,
        observed=entry["observed"], since=entry["since"], until=entry.get("until"),
        every=entry.get("every", 1), citations=citations,
    )


@lru_cache(maxsize=1)
def holiday_rules() -> Tuple[HolidayRule, ...]:
    """The holiday table, in the order of data/legal_holidays.yaml."""
    raw = load_yaml(_TABLE.read_text(encoding="utf-8"))
    return tuple(_parse_rule(key, entry) for key, entry in raw.items())


def _applies(rule: HolidayRule, year: int) -> bool:
    in_force = rule.since <= year and (rule.until is None or year <= rule.until)
    return in_force and (year - rule.since) % rule.every == 0


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth `weekday` of the month; nth = -1 is the last one."""
    days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday]]
    return date(year, month, days[nth - 1 if nth > 0 else nth])


def _falls_on(rule: HolidayRule, year: int) -> date:
    if rule.day is not None:
        return date(year, rule.month, rule.day)
    return _nth_weekday(year, rule.month, rule.weekday, rule.nth)


def _observed_on(rule: HolidayRule, day: date) -> Optional[date]:
    """The weekday kept instead of a weekend holiday, or None when none is.

    Federal and DC rule: a Saturday holiday is kept on the Friday before, a Sunday one on the
    Monday after (5 U.S.C. 6103(b); Executive Order 11582; D.C. Code 1-612.02(b)).
    Inauguration Day: only a Sunday moves, to Monday (5 U.S.C. 6103(c)).
    """
    if day.weekday() == 6:
        return day + timedelta(days=1)
    if day.weekday() == 5 and rule.observed == "weekend":
        return day - timedelta(days=1)
    return None


def _holiday_days(year: int) -> Iterator[Tuple[date, str]]:
    """Every (day, name) the rules produce for holidays of `year`, observed days included."""
    for rule in holiday_rules():
        if not _applies(rule, year):
            continue
        actual = _falls_on(rule, year)
        yield actual, rule.name
        observed = _observed_on(rule, actual)
        if observed is not None:
            yield observed, f"{rule.name} (observed)"


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if not FIRST_YEAR <= year < MAXYEAR:
        raise ValueError(f"legal holidays are modelled for {FIRST_YEAR}..{MAXYEAR - 1}, not {year}")


@lru_cache(maxsize=256, typed=True)  # typed: 2024.0 must not hit 2024
def legal_holidays(year: int) -> Mapping[date, str]:
    """The days of calendar `year` that are legal holidays for IRC 7503, with their names.

    Each holiday's own day is listed and, when it falls on a weekend, the weekday kept in its
    place ("... (observed)"). A day belongs to the year in which it falls, so an observed New
    Year's Day on December 31 is listed under the earlier year. Two holidays on one day share
    an entry, names joined by "; ". Read-only mapping. IRC 7503; Treas. Reg. 301.7503-1;
    5 U.S.C. 6103; D.C. Code 1-612.02.
    """
    _check_year(year)
    found: Dict[date, str] = {}
    for source_year in (year - 1, year, year + 1):
        if source_year < FIRST_YEAR:
            continue
        for day, name in _holiday_days(source_year):
            if day.year == year:
                found[day] = f"{found[day]}; {name}" if day in found else name
    return MappingProxyType(dict(sorted(found.items())))


def is_legal_holiday(day: date) -> bool:
    """Whether `day` is a legal holiday (own day or observed day) for IRC 7503."""
    return day in legal_holidays(day.year)


def is_business_day(day: date) -> bool:
    """A day that is not a Saturday, Sunday or legal holiday: the days IRC 7503 counts."""
    return not is_weekend(day) and not is_legal_holiday(day)


def next_business_day(day: date) -> date:
    """The day a deadline falling on `day` can still be met under IRC 7503.

    If `day` is a Saturday, Sunday or legal holiday, the act is timely on the next day that is
    none of those; otherwise `day` itself. IRC 7503; Treas. Reg. 301.7503-1.
    """
    while not is_business_day(day):
        day += timedelta(days=1)
    return day
