"""Reading a date the way people type it, against an injectable "today".

Why not Duckling: it resolves a date without a year to the *next* such date, while everyone
talking to us describes something that already happened (see /work/shared/rasa-notes.md).
So every reading here takes `today` from the caller, and a date without a year is the most
recent one that has begun by today.

What a reading says (`DateReading`):
- `value`: set only when the text names one exact day unambiguously.
- `start`/`end`: the days the text covers ("June" -> June 1..30). For a day, start == end
  == value. Both None when the day/month order is ambiguous (see `alternatives`).
- `granularity`: "day", "week", "month", "quarter" or "year": the unit the text names.
- `needs_confirmation`: a machine reason to ask the user, the most pressing one only:
  "conflict" (two readings of one date that disagree: "3/14/2025 (March 15)") >
  "day_month_order" (03/05/2025 could be March 5 or May 3) > "relative" (a date tied to
  another event, "9 months after separation_date": see `relative`) > "future" (a text
  without a year that resolves after today: "tomorrow", "next month") > "no_day" (a week,
  month, quarter or year, not a day).
- `alternatives`: the days to choose from when the reason is "conflict" or
  "day_month_order": both readings of an ambiguous numeric date, month-first (US) first; for
  a conflict, the readings in the order written.
- `relative`: a `RelativeDate` (anchor fact + offset) when the text hangs on another event;
  `resolve_relative(reading, anchors)` turns it into a date once the anchor's value is known.
  The extractor writes the anchor as a fact name ("9 months after separation_date", "the
  quarter after separation_date"), so this module needs no cue words.
- `error`: a plain-language reason the text cannot be a date.

Two readings of one date in one text ("03-02-2025 (march 2nd)", "March 2025, on the 14th",
"3/2/2025 or March 5"): each part is read, then they are unified field by field (year,
month, day); a part that names no year takes the other's. So a written year always wins
over a guess, a named month settles a numeric date's day/month order, and readings that
cannot be unified are a "conflict" for the user to settle, never a silent pick.

`ahead=True` reads a date without a year as the next one on or after today, not the last:
for plans ("I'm retiring jan 31", "once I quit in January"), which the extractor marks with
the role "planned".

Interpretations, each also noted where it is made:
- no year: the most recent such date on or before today ("March 14" on 2025-02-01 is
  2024-03-14; "Feb 29" goes back to the last leap year). A period ("June", "Q3", "late
  June") is the most recent one that has begun by today; "last June" / "last Q3" the most
  recent one that is entirely over.
- two-digit years: 00-69 -> 2000-2069, 70-99 -> 1970-1999.
- numeric dates are month-first unless a part over 12 says otherwise or `day_first` says
  so; with both parts 12 or less and different, the reading is ambiguous, never guessed.
  Dots and dashes behave like slashes, but a dotted date needs its year ("3.14" is a
  number). In a message only slashed dates may omit the year ("3-14" is too often a range).
- parts of a period are thirds: a month's early/mid/late = days 1-10, 11-20, 21-end; a
  quarter's = its first, second, third month; a year's = Jan-Apr, May-Aug, Sep-Dec.
  "beginning/start of" = early, "middle of" = mid, "end of" = late ("end of Q2" = June).
- weekdays: "Friday", "on Friday", "last Friday", "this past Friday" are all the most
  recent Friday strictly before today (on a Friday, a week ago); "next Friday" is future.
- "N days/weeks ago" and "N months/years ago" are exact days (months clamp at a month
  end, like rules_core's add_months: "a month ago" on March 31 is the last day of February).
- "N years ago in May" / "May two years ago" / "February of this year" / "the 14th of last
  month" name a month or a day in the year (month) the words point at.
- explicit years outside 1900-2100 are refused; an explicit future year is not flagged
  (the user said it; the rules core judges dates that cannot be in the future).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, List, Mapping, Optional, Tuple

from rules_core.law.dates import add_months, days_in_month

from .amounts import NUMBER_WORD, number_from_words

DAY, WEEK, MONTH, QUARTER, SEASON, YEAR = "day", "week", "month", "quarter", "season", "year"
DAY_MONTH_ORDER, FUTURE, NO_DAY = "day_month_order", "future", "no_day"
CONFLICT, RELATIVE = "conflict", "relative"
# Facts a relative date may hang on (the extractor writes one of these after "after"/"before").
ANCHORS = ("separation_date", "offset_date", "missed_payment_due_date", "caught_up_on", "birth_date",
           "plan_termination_date", "loan_date")
UNREADABLE = "that is not a date I can read"
MIN_YEAR, MAX_YEAR = 1900, 2100
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


@dataclass(frozen=True)
class RelativeDate:
    """ "9 months after separation_date": `count` `unit`s after (direction 1) or before (-1)
    the `anchor` fact's date. `calendar`: the next/previous whole calendar unit ("the
    quarter after I left" is the calendar quarter after the one they left in)."""

    anchor: str
    count: int
    unit: str
    direction: int = 1
    calendar: bool = False


@dataclass(frozen=True)
class DateReading:
    """What a date text says; the fields are explained in the module docstring."""

    value: Optional[date] = None
    start: Optional[date] = None
    end: Optional[date] = None
    granularity: Optional[str] = None
    needs_confirmation: Optional[str] = None
    alternatives: Tuple[date, ...] = ()
    error: Optional[str] = None
    relative: Optional[RelativeDate] = None
    # a conflict between readings that are not all whole days ("2/14 or January"): every
    # reading as its first and last day, in the order written
    periods: Tuple[Tuple[date, date], ...] = ()


def _exact(day: date, today: date) -> DateReading:
    return DateReading(day, day, day, DAY, FUTURE if day > today else None)


def _period(start: date, end: date, granularity: str, today: date, explicit_year: bool) -> DateReading:
    future = start > today and not explicit_year
    return DateReading(None, start, end, granularity, FUTURE if future else NO_DAY)


def _failed(reason: str) -> DateReading:
    return DateReading(error=reason)


# ---- vocabulary ------------------------------------------------------------------------
_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                  "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                  "nineteenth twentieth").split()
_ORDINALS = {word: n for n, word in enumerate(_ORDINAL_WORDS, 1)}
_ORDINALS.update({f"twenty-{word}": 20 + n for n, word in enumerate(_ORDINAL_WORDS[:9], 1)})
_ORDINALS.update({"thirtieth": 30, "thirty-first": 31})
_ORDINAL = "|".join(w.replace("-", r"[\s-]") for w in sorted(_ORDINALS, key=len, reverse=True))
_MONTH = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|febuary|feburary|mar(?:ch)?|apr(?:il)?|may|june?|"
          r"july?|aug(?:ust)?|sep(?:t(?:ember)?)?|septmber|oct(?:ober)?|nov(?:ember)?|"
          r"dec(?:ember)?)(?![a-z])")
_DAY = r"(?:(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?|(?P<dw>" + _ORDINAL + r"))(?!\w)"
# A year after a month or a day: not the form number in "in october, 1099 says offset" or
# "june 1040" (1040, 1099, 5329, 5498...); a year read on its own is still checked for range
_TRAILING_YEAR = r"(?:1[6-9]|2\d)\d{2}"
_YEAR_PART = r"(?:,?\s+(?P<y>" + _TRAILING_YEAR + r")|,?\s+'(?P<yy>\d{2}))(?!\w)"
_QUAL = r"early|mid|middle\s+of|late|end\s+of|beginning\s+of|start\s+of"
_COUNT = r"(?P<n>\d{1,3}|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several|an?|" + NUMBER_WORD + r")"
_UNIT = r"(?P<u>day|week|wk|month|mo|year|yr)s?"
_UNITS = {"wk": "week", "mo": "month", "yr": "year"}
# interpretation: vague counts are ranges, "a few" = 2 to 4, "several" = 3 to 7
_VAGUE = {"few": (2, 4), "several": (3, 7)}
_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ABBR = {"tues": 1, "weds": 2, "thurs": 3}

_ISO = r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})"
_NUMERIC = r"(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?:(?P=s)(?P<y>\d{4}|\d{2}))?"
# "Aug. 22" is a day; "in August. 22% bracket" is not: the dot only after an abbreviation
_MONTH_DAY = _MONTH + r"(?:(?<![a-z]{5})\.)?\s+(?:the\s+)?" + _DAY + "(?:" + _YEAR_PART + ")?"
_DAY_MONTH = _DAY + r"\s+(?:of\s+)?" + _MONTH + "(?:" + _YEAR_PART + ")?"
_MONTH_PERIOD = (r"(?:(?P<q>" + _QUAL + r"|last|this\s+past|this|next)[\s-]+)?" + _MONTH
                 + r"(?:(?:\s+of)?,?\s+(?P<y>" + _TRAILING_YEAR + r")|\s+'(?P<yy>\d{2}))?")
_QUARTER = (r"(?:(?P<q>" + _QUAL + r"|last)[\s-]+(?:the\s+)?)?(?:q(?P<n>[1-4])|"
            r"(?P<nw>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
            r"(?:(?:\s+of)?,?\s+(?P<y>" + _TRAILING_YEAR + r")|\s*'(?P<yy>\d{2}))?")
_YEAR = r"(?:(?P<q>" + _QUAL + r")[\s-]+)?(?P<y>\d{4})"
_YEAR_MONTH = r"(?P<y>\d{4})\s+" + _MONTH  # "2025 october", as some write it
_RELATIVE_DAY = (r"(?P<r>yesterday|today|tomorrow|day\s+before\s+yesterday|tonight|earlier\s+today|"
                 r"this\s+(?:morning|afternoon|evening))")
_AGO = _COUNT + r"\s+" + _UNIT + r"\s+ago"
_IN = r"in\s+" + _COUNT + r"\s+" + _UNIT
_AWAY = _COUNT + r"\s+" + _UNIT + r"\s+away"  # "10 months away (from retiring)"
# "the" only after a part: "the beginning of the year" is this year's, "the year" alone is no date
_RELATIVE_PERIOD = (r"(?:(?P<q>" + _QUAL + r")[\s-]+)?(?P<w>last|past|this|next|earlier\s+this|(?<=of\s)the)\s+"
                    r"(?P<u>week|wk|month|mo|year|yr|quarter)")
_REL_WORD = r"(?P<w>last|this|next)"
_NTH_OF_MONTH = (r"(?:the\s+)?(?:(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)|(?P<dw>" + _ORDINAL + r"))\s+of\s+"
                 + _REL_WORD + r"\s+(?:month|mo)")
_MONTH_OF_YEAR = _MONTH + r"\s+(?:of\s+)?" + _REL_WORD + r"\s+(?:year|yr)"
_AGO_IN_MONTH = (r"(?:" + _COUNT + r"\s+(?:years?|yrs?)\s+ago\s+(?:in\s+)?" + _MONTH + "|"
                 + _MONTH.replace("mon>", "mon2>") + r"\s+(?P<n2>\d{1,2}|an?|" + NUMBER_WORD
                 + r")\s+(?:years?|yrs?)\s+ago)")
_AFTER_EVENT = (r"(?:(?P<n>\d{1,3}|(?:a\s+)?couple(?:\s+of)?|an?|" + NUMBER_WORD + r")\s+(?P<u>day|week|wk|month|mo|"
                r"quarter|year|yr)s?|the\s+(?P<cu>day|week|month|quarter|year))\s+"
                r"(?P<dir>after|later\s+than|from|before|prior\s+to)\s+(?P<anchor>" + "|".join(ANCHORS) + r")")
_SEASON = (r"(?:(?P<w>last|this\s+past|this|next)\s+)?(?P<season>spring|summer|fall|autumn|winter)"
           r"(?:(?:\s+of)?,?\s+(?P<y>" + _TRAILING_YEAR + r")|\s+'(?P<yy>\d{2}))?")
_WEEKDAY = (r"(?:(?P<w>last|this\s+past|past|next)\s+)?(?P<wd>" + "|".join(_WEEKDAYS)
            + "|" + "|".join(_WEEKDAY_ABBR) + ")")
_NTH = r"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"


# ---- small helpers ---------------------------------------------------------------------
def _month_number(word: str) -> int:
    # the pattern already vetted the spelling, so the first three letters decide
    return ("jan feb mar apr may jun jul aug sep oct nov dec".split()).index(word[:3].lower()) + 1


def _full_year(two_digits: int) -> int:
    # interpretation: 00-69 -> 2000s, 70-99 -> 1900s (the POSIX strptime %y pivot)
    return 2000 + two_digits if two_digits < 70 else 1900 + two_digits


def _year_of(m: re.Match) -> Optional[int]:
    names = m.re.groupindex
    if "y" in names and m["y"]:
        return int(m["y"]) if len(m["y"]) == 4 else _full_year(int(m["y"]))
    if "yy" in names and m["yy"]:
        return _full_year(int(m["yy"]))
    return None


def _year_error(year: Optional[int]) -> Optional[str]:
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return f"the year {year} is outside {MIN_YEAR}-{MAX_YEAR}"
    return None


def _day_error(month: int, day: int, year: Optional[int] = None) -> Optional[str]:
    """Why (month, day[, year]) is not a date, in words; None when it is one."""
    if not 1 <= month <= 12:
        return f"month {month} does not exist"
    if day < 1:
        return f"day {day} does not exist"
    longest = days_in_month(year if year else 2000, month)  # 2000: a leap year allows Feb 29
    if day <= longest:
        return None
    name = _MONTH_NAMES[month - 1]
    if year:
        return f"{name} {year} has only {longest} days"
    return f"{name} has at most 29 days" if month == 2 else f"{name} has only {longest} days"


def _calendar_day(month: int, day: int, year: Optional[int], today: date) -> DateReading:
    error = _year_error(year) or _day_error(month, day, year)
    if error:
        return _failed(error)
    if year is not None:
        return DateReading(date(year, month, day), date(year, month, day), date(year, month, day), DAY)
    # interpretation: no year -> the most recent such day on or before today; the loop
    # reaches back past non-leap years for Feb 29
    for candidate_year in range(today.year, today.year - 9, -1):
        if day <= days_in_month(candidate_year, month) and date(candidate_year, month, day) <= today:
            return _exact(date(candidate_year, month, day), today)
    return _failed(UNREADABLE)  # pragma: no cover - a Feb 29 exists within 8 years


Build = Callable[[int], Tuple[date, date]]


def _resolve(build: Build, year: Optional[int], which: Optional[str], granularity: str,
             today: date) -> DateReading:
    """A period in `year`; without a year, by `which`: None (or "this") the most recent one
    that has begun by today, "last" the most recent one entirely over ("last March"),
    "next" the first one that begins after today ("next March", flagged as future)."""
    if year is not None:
        error = _year_error(year)
        return _failed(error) if error else _period(*build(year), granularity, today, True)
    step = 1 if which == "next" else -1
    for candidate in range(today.year, today.year + 3 * step, step):
        start, end = build(candidate)
        if {"next": start > today, "last": end < today}.get(which, start <= today):
            return _period(start, end, granularity, today, False)
    return _failed(UNREADABLE)  # pragma: no cover - one of three years always qualifies


def _which(qualifier: Optional[str]) -> Optional[str]:
    return {"last": "last", "this past": "last", "next": "next"}.get(qualifier or "")


_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_THIRD = {"early": 0, "beginning of": 0, "start of": 0, "mid": 1, "middle of": 1,
          "late": 2, "end of": 2}


def _qualifier(m: re.Match) -> Optional[str]:
    return " ".join(m["q"].lower().split()) if "q" in m.re.groupindex and m["q"] else None


def _month_range(year: int, month: int, qualifier: Optional[str]) -> Tuple[date, date]:
    """The month, or its early/mid/late third: days 1-10, 11-20, 21-end."""
    last = days_in_month(year, month)
    third = _THIRD.get(qualifier)
    if third is None:
        return date(year, month, 1), date(year, month, last)
    return date(year, month, 1 + 10 * third), date(year, month, last if third == 2 else 10 * (third + 1))


def _months_range(year: int, first: int, count: int, qualifier: Optional[str]) -> Tuple[date, date]:
    """`count` months from `first` (a quarter, a year), or one third of them."""
    third = _THIRD.get(qualifier)
    if third is not None:
        first, count = first + third * count // 3, count // 3
    last = first + count - 1
    return date(year, first, 1), date(year, last, days_in_month(year, last))


def _season_range(year: int, season: str) -> Tuple[date, date]:
    """Meteorological seasons: spring Mar-May, summer Jun-Aug, fall Sep-Nov, winter Dec-Feb.
    interpretation: "winter 2025" is the winter whose January is in 2025 (Dec 2024-Feb 2025)."""
    first = _SEASON_START[season]
    start = date(year - 1 if first == 12 else year, first, 1)
    last = add_months(start, 2).date
    return start, last.replace(day=days_in_month(last.year, last.month))


def _shift(today: date, count: int, unit: str) -> date:
    if unit in (DAY, WEEK):
        return today + timedelta(days=count * (7 if unit == WEEK else 1))
    return add_months(today, count * (12 if unit == YEAR else 1)).date  # clamps at month end


def _count(text: str) -> int:
    text = text.lower()
    if text.isdigit():
        return int(text)
    if "couple" in text:
        return 2
    return 1 if text in ("a", "an") else number_from_words(text)


def _calendar_unit(today: date, unit: str, offset: int) -> Tuple[date, date]:
    """The calendar week (Monday first), month, quarter or year `offset` units from today's."""
    if unit == WEEK:
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == YEAR:
        return date(today.year + offset, 1, 1), date(today.year + offset, 12, 31)
    size = 3 if unit == QUARTER else 1
    first_month = (today.month - 1) // size * size + 1
    first = add_months(date(today.year, first_month, 1), offset * size).date
    last = add_months(first, size - 1).date
    return first, last.replace(day=days_in_month(last.year, last.month))


# ---- one handler per written form -----------------------------------------------------
def _iso(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    return _calendar_day(int(m["m"]), int(m["d"]), int(m["y"]), today)


def _numeric(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    a, b, year = int(m["a"]), int(m["b"]), _year_of(m)
    if m["s"] == "." and year is None:  # "3.14" and "59.5" are decimals; "3.14.2025" is a date
        return _failed(UNREADABLE)
    if _year_error(year):
        return _failed(_year_error(year))
    # (month, day) readings: month-first (US) first; a part over 12 cannot be the month
    readings = list(dict.fromkeys(r for r in ((a, b), (b, a)) if 1 <= r[0] <= 12))
    if not readings:
        return _failed(f"month {a} does not exist" if a == b else f"neither {a} nor {b} is a month")
    if len(readings) == 2 and day_first is not None:
        readings = [readings[1] if day_first else readings[0]]
    results = [_calendar_day(month, day, year, today) for month, day in readings]
    if len(results) == 1 or any(r.error for r in results):
        return results[0] if len(results) == 1 else next(r for r in results if r.error)
    # never guess: both days exist, so the user must say which one they meant
    return DateReading(granularity=DAY, needs_confirmation=DAY_MONTH_ORDER,
                       alternatives=tuple(r.value for r in results))


def _named_day(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    day = int(m["d"]) if m["d"] else _ORDINALS[re.sub(r"[\s-]+", "-", m["dw"].lower())]
    return _calendar_day(_month_number(m["mon"]), day, _year_of(m), today)


def _month_period(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    month, qualifier = _month_number(m["mon"]), _qualifier(m)
    build = lambda y: _month_range(y, month, qualifier)  # noqa: E731
    return _resolve(build, _year_of(m), _which(qualifier), MONTH, today)


def _quarter(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    number = int(m["n"]) if m["n"] else _QUARTER_WORDS[m["nw"].lower()]
    qualifier = _qualifier(m)
    build = lambda y: _months_range(y, 3 * number - 2, 3, qualifier)  # noqa: E731
    return _resolve(build, _year_of(m), _which(qualifier), QUARTER, today)


def _year(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    qualifier = _qualifier(m)
    return _resolve(lambda y: _months_range(y, 1, 12, qualifier), int(m["y"]), None, YEAR, today)


def _season(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    season = m["season"].lower()
    which = _which(" ".join(m["w"].lower().split()) if m["w"] else None)
    return _resolve(lambda y: _season_range(y, season), _year_of(m), which, SEASON, today)


def _relative_day(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    said = " ".join(m["r"].lower().split())
    offsets = {"yesterday": -1, "tomorrow": 1, "day before yesterday": -2}
    return _exact(today + timedelta(days=offsets.get(said, 0)), today)  # "this morning": today


def _ago(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    return _counted(m, today, -1)


def _in(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    return _counted(m, today, 1)


def _counted(m: re.Match, today: date, direction: int) -> DateReading:
    """ "3 days ago" is one day; "a few weeks ago" is the range 2 to 4 weeks back."""
    unit = _UNITS.get(m["u"].lower(), m["u"].lower())
    vague = next((span for word, span in _VAGUE.items() if word in m["n"].lower()), None)
    if vague is None:
        return _exact(_shift(today, direction * _count(m["n"]), unit), today)
    ends = sorted(_shift(today, direction * n, unit) for n in vague)
    return _period(ends[0], ends[1], unit, today, False)


def _relative_period(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    which, unit = " ".join(m["w"].lower().split()), _UNITS.get(m["u"].lower(), m["u"].lower())
    offset = {"last": -1, "past": -1, "this": 0, "earlier this": 0, "next": 1, "the": 0}[which]
    start, end = _calendar_unit(today, unit, offset)
    if which == "earlier this":  # interpretation: from the unit's start up to today
        end = today
    elif m["q"] and unit != WEEK:  # "end of last year": its last third, like "late 2024"
        size = {MONTH: 1, QUARTER: 3, YEAR: 12}[unit]
        start, end = (_month_range(start.year, start.month, _qualifier(m)) if size == 1
                      else _months_range(start.year, start.month, size, _qualifier(m)))
    return _period(start, end, unit, today, False)


def _weekday(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    name = m["wd"].lower()
    weekday = _WEEKDAY_ABBR[name] if name in _WEEKDAY_ABBR else _WEEKDAYS.index(name)
    if (m["w"] or "").lower() == "next":
        return _exact(today + timedelta(days=(weekday - today.weekday()) % 7 or 7), today)
    # interpretation: "Friday" / "last Friday" = the most recent Friday strictly before today
    return _exact(today - timedelta(days=(today.weekday() - weekday) % 7 or 7), today)


def _nth(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    """ "the 14th": the most recent 14th on or before today."""
    day = int(m["d"])
    for back in range(12):
        first = add_months(today.replace(day=1), -back).date
        if day <= days_in_month(first.year, first.month) and first.replace(day=day) <= today:
            return _exact(first.replace(day=day), today)
    return _failed(UNREADABLE)  # pragma: no cover - every day number occurs within a year


def _nth_of_month(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    """ "the 14th of last month": that day of the month the words point at."""
    day = int(m["d"]) if m["d"] else _ORDINALS[re.sub(r"[\s-]+", "-", m["dw"].lower())]
    first = add_months(today.replace(day=1), {"last": -1, "this": 0, "next": 1}[m["w"].lower()]).date
    error = _day_error(first.month, day, first.year)
    return _failed(error) if error else _exact(first.replace(day=day), today)


def _month_of_year(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    """ "February of this year", "may last yr": the month in the year the words point at."""
    year = today.year + {"last": -1, "this": 0, "next": 1}[m["w"].lower()]
    month = _month_number(m["mon"])
    return _period(*_month_range(year, month, None), MONTH, today, year != today.year or month <= today.month)


def _ago_in_month(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    """ "two years ago in may", "may 2 years ago": that month of the year N years back."""
    year = today.year - _count(m["n"] or m["n2"])
    month = _month_number(m["mon"] or m["mon2"])
    return _period(*_month_range(year, month, None), MONTH, today, True)


def _after_event(m: re.Match, today: date, day_first: Optional[bool]) -> DateReading:
    """ "9 months after separation_date", "the quarter after separation_date": a date that
    hangs on another fact; `resolve_relative` computes it once that fact is known."""
    direction = -1 if m["dir"].lower().startswith(("before", "prior")) else 1
    if m["cu"]:
        relative = RelativeDate(m["anchor"], 1, m["cu"].lower(), direction, calendar=True)
    else:
        relative = RelativeDate(m["anchor"], _count(m["n"]), _UNITS.get(m["u"].lower(), m["u"].lower()), direction)
    return DateReading(granularity=relative.unit if relative.calendar else DAY, needs_confirmation=RELATIVE,
                       relative=relative)


def resolve_relative(reading: DateReading, anchors: Mapping[str, Any]) -> DateReading:
    """The date a relative reading points at, once its anchor fact has a value: a date, an
    ISO text ("2025-01-31", or "2025-01" for a month) or a DateReading of a day or a month.
    Otherwise the reading unchanged. interpretation: "N months after" clamps at a month end
    like rules_core's add_months; "the month after" is the calendar month after the
    anchor's; N months after a month ("9 months after I left in January 2025") is a month
    (October 2025), N days or weeks after a month cannot be a day and stays unresolved."""
    relative = reading.relative
    anchor = _anchor_period(anchors.get(relative.anchor)) if relative else None
    if anchor is None:
        return reading
    start, end, granularity = anchor
    step = relative.direction * relative.count
    unit = relative.unit
    if unit == QUARTER and not relative.calendar:
        step, unit = step * 3, MONTH
    if relative.calendar and unit != DAY:
        first, last = _calendar_unit(start, unit, step)
        return DateReading(None, first, last, unit, NO_DAY)
    if granularity == DAY:
        day = _shift(start, step, unit)
        return DateReading(day, day, day, DAY)
    if unit in (MONTH, YEAR):
        first = _shift(start, step, unit)
        return DateReading(None, first, first.replace(day=days_in_month(first.year, first.month)), MONTH, NO_DAY)
    return reading


def _anchor_period(anchor: Any) -> Optional[Tuple[date, date, str]]:
    if isinstance(anchor, DateReading):
        if anchor.value is not None:
            return anchor.value, anchor.value, DAY
        if anchor.granularity == MONTH and anchor.start is not None:
            return anchor.start.replace(day=1), anchor.end, MONTH
        return None
    if isinstance(anchor, date):
        return anchor, anchor, DAY
    if isinstance(anchor, str):
        try:
            day = date.fromisoformat(anchor)
            return day, day, DAY
        except ValueError:
            pass
        if re.fullmatch(r"\d{4}-\d{2}", anchor):
            year, month = int(anchor[:4]), int(anchor[5:])
            if 1 <= month <= 12:
                return date(year, month, 1), date(year, month, days_in_month(year, month)), MONTH
    return None


Handler = Callable[[re.Match, date, Optional[bool]], DateReading]
_FORMS: Tuple[Tuple[str, str, Handler], ...] = (
    ("iso", _ISO, _iso), ("numeric", _NUMERIC, _numeric), ("month_day", _MONTH_DAY, _named_day),
    ("day_month", _DAY_MONTH, _named_day), ("month", _MONTH_PERIOD, _month_period),
    ("quarter", _QUARTER, _quarter), ("year", _YEAR, _year),
    ("relative_day", _RELATIVE_DAY, _relative_day), ("ago", _AGO, _ago), ("in", _IN, _in), ("away", _AWAY, _in),
    ("relative_period", _RELATIVE_PERIOD, _relative_period), ("weekday", _WEEKDAY, _weekday),
    ("nth", _NTH, _nth), ("season", _SEASON, _season),
    ("nth_of_month", _NTH_OF_MONTH, _nth_of_month), ("month_of_year", _MONTH_OF_YEAR, _month_of_year),
    ("ago_in_month", _AGO_IN_MONTH, _ago_in_month), ("year_month", _YEAR_MONTH, _month_period),
)
# read, never searched for: the extractor writes the anchor's fact name into the value
_READ_ONLY: Tuple[Tuple[str, str, Handler], ...] = (("after_event", _AFTER_EVENT, _after_event),)
_PARSERS = tuple((name, re.compile(pattern, re.IGNORECASE), handler) for name, pattern, handler in _FORMS + _READ_ONLY)
_LEAD = re.compile(r"^(?:(?:on|in|at|by|from|since|around|about|during|sometime\s+in|back\s+in)\s+)?"
                   r"(?:the\s+)?")


def parse_date(text: str, today: date, *, day_first: Optional[bool] = None, ahead: bool = False) -> DateReading:
    """Read one date expression; see the module docstring for the forms and readings."""
    if not isinstance(today, date):
        raise TypeError("today must be a datetime.date")
    if not isinstance(text, str):
        return _failed(UNREADABLE)
    cleaned = " ".join(text.lower().replace("’", "'").split()).strip(" ,.!?")
    found = _read_one(cleaned, today, day_first)
    if found is None:
        return _compound(cleaned, today, day_first, ahead) or _failed(UNREADABLE)
    reading, name, match = found
    return _ahead(reading, name, match, today) if ahead else reading


def _read_one(cleaned: str, today: date, day_first: Optional[bool]) -> Optional[Tuple[DateReading, str, re.Match]]:
    for candidate in dict.fromkeys((cleaned, _LEAD.sub("", cleaned, count=1))):
        for name, pattern, handler in _PARSERS:
            match = pattern.fullmatch(candidate)
            if match:
                return handler(match, today, day_first), name, match
    return None


# ---- a date without a year, read ahead (plans) -----------------------------------------
_YEARLESS = ("month_day", "day_month", "numeric", "month", "season", "quarter", "year_month")


def _written_year(name: str, match: re.Match) -> bool:
    if name in _YEARLESS:
        return _year_of(match) is not None or bool("q" in match.re.groupindex and match["q"]
                                                   and match["q"].lower() in ("last", "this past", "next"))
    return name != "nth"


def names_a_year(text: str, today: date) -> bool:
    """Whether a date as written says its year ("dec 20" does not; "12/20/70", "Dec 1970" do)."""
    cleaned = " ".join(str(text).lower().replace("’", "'").split()).strip(" ,.!?")
    found = _read_one(cleaned, today, None)
    return found is not None and _written_year(found[1], found[2])


def _ahead(reading: DateReading, name: str, match: re.Match, today: date) -> DateReading:
    """The next such date on or after today, for a text that names no year (or month)."""
    if reading.error or _written_year(name, match) or reading.start is None or reading.end >= today:
        return reading
    months = 1 if name == "nth" else 12
    start = add_months(reading.start, months).date
    if reading.value is not None:
        return _exact(start, today) if reading.value.day == start.day else reading
    end = add_months(reading.end.replace(day=1), months).date
    end = end.replace(day=days_in_month(end.year, end.month))
    return _period(start, end, reading.granularity, today, False)


# ---- two readings of one date ------------------------------------------------------------
_SPLITS = (
    re.compile(r"(?P<a>.+?)\s*\((?P<b>[^()]+)\)"),                                   # "03-02-2025 (march 2nd)"
    re.compile(r"(?P<a>.+?),?\s+(?:on\s+|around\s+)?(?:the\s+)?(?P<b>(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)|"
               + _ORDINAL + r")"),                                                   # "march 2025, on the 14th"
    re.compile(r"(?P<a>.+?),?\s+or\s+(?P<b>.+)"),                                        # "3/2/2025 or march 5"
)
Parts = Tuple[Optional[int], Optional[int], Optional[int]]  # year, month, day; None: not said


def _parts(text: str, today: date, day_first: Optional[bool]) -> List[Parts]:
    """What one reading says, field by field; [] when it is not a date we can unify."""
    if re.fullmatch(r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)|" + _ORDINAL, text):
        text = "the " + text
    found = _read_one(text, today, day_first)
    if found is None or found[0].error or found[0].relative:
        return []
    reading, name, match = found
    year = reading.start.year if reading.start else (reading.alternatives[0].year if reading.alternatives else None)
    year = year if _written_year(name, match) else None
    if reading.alternatives:
        return [(year, d.month, d.day) for d in reading.alternatives]
    if name == "nth":
        return [(None, None, reading.value.day)]
    if reading.value is not None:
        return [(year, reading.value.month, reading.value.day)]
    if reading.granularity == MONTH:
        return [(year, reading.start.month, None)]
    if reading.granularity == YEAR and (reading.start.month, reading.end.month) == (1, 12):
        return [(year, None, None)]
    return []


def _unify(a: Parts, b: Parts) -> Optional[Parts]:
    if any(x is not None and y is not None and x != y for x, y in zip(a, b)):
        return None
    return tuple(x if x is not None else y for x, y in zip(a, b))  # type: ignore[return-value]


def _complete(parts: Parts, today: date, ahead: bool) -> Optional[DateReading]:
    year, month, day = parts
    if month is None:
        return _resolve(lambda y: _months_range(y, 1, 12, None), year, None, YEAR, today) if year else None
    if day is None:
        return _resolve(lambda y: _month_range(y, month, None), year, "next" if ahead and year is None else None,
                        MONTH, today)
    reading = _calendar_day(month, day, year, today)
    if ahead and year is None and reading.value is not None and reading.value < today:
        reading = _calendar_day(month, day, today.year + 1, today) if (month, day) != (2, 29) else reading
    return reading


def _compound(cleaned: str, today: date, day_first: Optional[bool], ahead: bool) -> Optional[DateReading]:
    """Two readings of one date: unified when they agree, a conflict when they do not."""
    for split in _SPLITS:
        match = split.fullmatch(cleaned)
        if not match:
            continue
        first, second = _parts(match["a"], today, day_first), _parts(match["b"], today, day_first)
        if not first or not second:
            continue
        agreed = list(dict.fromkeys(u for a in first for b in second for u in [_unify(a, b)] if u))
        if len(agreed) == 1:
            return _complete(agreed[0], today, ahead)
        if split is _SPLITS[1] and not agreed:
            continue  # "3/14, the 20th": two dates, not two readings of one
        return _conflict(first, second, today, ahead)
    return None


def _conflict(first: List[Parts], second: List[Parts], today: date, ahead: bool) -> DateReading:
    """Every day either reading allows, a part that names no year taking the other's."""
    years = [p[0] for p in first + second if p[0] is not None]
    days: List[date] = []
    periods: List[Tuple[date, date]] = []
    for parts in first + second:
        filled = (parts[0] if parts[0] is not None else (years[0] if years else None), parts[1], parts[2])
        reading = _complete(filled, today, ahead)
        if reading is None:
            continue
        if reading.value is not None and reading.value not in days:
            days.append(reading.value)
        span = (reading.value, reading.value) if reading.value is not None else (reading.start, reading.end)
        if None not in span and span not in periods:
            periods.append(span)
    whole_days = all(start == end for start, end in periods)
    return DateReading(granularity=DAY, needs_confirmation=CONFLICT, alternatives=tuple(days),
                       periods=() if whole_days else tuple(periods))


# ---- finding dates in a message --------------------------------------------------------
_WORD_EDGES = (r"\b", r"(?!\w)")
_EDGES = {
    "iso": (r"(?<![\w/.-])", r"(?![\w/]|[.-]\d)"),
    # "3/4 of the payments" is a fraction; "10/16/2025 of $7,350" a date
    "numeric": (r"(?<![\w/.$,-])", r"(?![\w/%]|[.-]\d)(?:(?<=\d{4})|(?!\s+of\b))"),
    "year": (r"(?<![\w$.,/-])", r"(?![\w%]|[.,]\d|\s*(?:k\b|%|percent\b))"),
    "nth": (r"(?<=\bthe\s)", r"(?!\w|\s+(?:of|payment|installment|time|day|week|month|year|quarter|"
                             r"anniversary|birthday|paycheck|mortgage|loan|job|plan|check|letter|notice|one|option|round|try|"
                             r"attempt|person|place|employer|house|home|car|child|kid|grade)\b)"),
}
_FINDERS = tuple((name, re.compile(_EDGES.get(name, _WORD_EDGES)[0] + pattern
                                   + _EDGES.get(name, _WORD_EDGES)[1], re.IGNORECASE))
                 for name, pattern, _ in _FORMS)
# "may" alone is a month only after one of these words ("in May", not "I may roll it over")
_MAY_BEFORE = re.compile(r"\b(?:in|of|since|by|until|till|from|during|before|after|through|thru|"
                         r"early|mid|late|last|end\s+of|start\s+of|beginning\s+of|middle\s+of)\s+$",
                         re.IGNORECASE)


def _found(name: str, m: re.Match, text: str) -> bool:
    if name == "numeric":  # "3-14" and "3.14" are too often not dates; with a year they are
        return m["s"] == "/" or bool(m["y"])
    if name == "year":
        return bool(m["q"]) or m["y"][:2] in ("19", "20")
    if name == "month" and m["mon"].lower() == "may" and not (m["q"] or m["y"] or m["yy"]):
        return _may_is_month(text, m.start(), m.end())
    return True


def _may_is_month(text: str, start: int, end: int) -> bool:
    """ "in May", "April and May", a bare "May": yes. "I may roll it over": no."""
    if _MAY_BEFORE.search(text[:start]) or text.strip(" .!?").lower() == "may":
        return True
    in_a_list = re.search(r"(?:,|\band|\bor|&)\s*$", text[:start], re.IGNORECASE)
    return bool(in_a_list and re.match(r"\s*(?:$|[.,;!?)]|and\b|or\b)", text[end:], re.IGNORECASE))


# words without which a form cannot match (lower case)
_NEEDS = {"ago": ("ago",), "in": ("in ",), "away": ("away",), "nth_of_month": ("month", " mo"),
          "month_of_year": ("year", "yr"), "ago_in_month": ("ago",), "year_month": ("19", "20"),
          "relative_day": ("day", "tom", "tonight", "this "), "season": ("spring", "summer", "fall", "autumn", "winter"),
          "quarter": ("q", "quarter"), "relative_period": ("last", "past", "this", "next", "of the")}


def find_date_spans(text: str) -> List[Tuple[int, int, bool]]:
    """Candidate date spans (start, end, bare_year), possibly overlapping; the extractor
    keeps the longest. Surrounding words are not part of a span ("on March 14th" ->
    "March 14th", "in June" -> "June"), but words that change the meaning are ("last
    March", "end of Q2", "early 2024", "in two weeks"). `bare_year` marks a lone 4-digit
    year ("2024"), which the extractor may read as an amount when money words govern it."""
    spans = []
    lowered = text.lower()
    for name, pattern in _FINDERS:
        if name in _NEEDS and not any(word in lowered for word in _NEEDS[name]):
            continue  # a cheap test first: these patterns are long and rarely apply
        for match in pattern.finditer(text):
            if _found(name, match, text):
                spans.append((match.start(), match.end(), name == "year" and not match["q"]))
    return spans
