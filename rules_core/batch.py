"""Batch triage: a file of cases in, one row of answers per case out, streamed.

A benefits team's spreadsheet (CSV) or a program's JSON Lines: the columns that name a fact
(facts.FACT_TABLE) are the case's facts; every other column is an identifier, carried to the
output as it came. Each case is answered by `api.assess`, so a row says exactly what `assess`
says on the same facts. A bad row gets its `error` and the others are unaffected; a file that
cannot be read at all (no header, not UTF-8, clashing columns) raises BatchFileError.

Rows are read, answered and written one at a time: memory does not grow with the file.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, TextIO, Tuple

from . import api
from .facts import FACT_NAMES, FACT_TABLE, FactsError, FactSpec, _Bad, parse_facts

# The answer's columns, after the identifiers (issue 12). The names are the assessment's own.
RESULT_COLUMNS = (
    "classification", "event_date", "tax_year", "taxable_amount", "cure_deadline", "qplo_window_end",
    "rollover_deadline", "rollover_deadline_without_extension", "form_1099r_box7",
    "additional_tax_applies", "additional_tax_amount", "missing_facts", "error")
LIST_SEPARATOR = ";"
FORMATS = ("csv", "jsonl")

# A spreadsheet runs a cell that begins with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class BatchFileError(Exception):
    """The file as a whole cannot be read: `errors` maps what is wrong (file, columns, ...) to why."""

    def __init__(self, errors: Dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# ---- one CSV cell -> the JSON value `assess` takes ------------------------------------------
_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})


def _cell_bool(text: str) -> bool:
    word = text.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Bad(f"{text!r} is not a yes/no answer; write true, false, yes, no, 1 or 0")


def _cell_list(text: str) -> List[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _cell_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise _Bad(f"expected JSON in this cell ({exc.msg} at character {exc.colno})") from None


def _cell_text(text: str) -> str:
    return text  # dates, amounts, whole numbers, names: the fact's own parser reads the text


# By the fact table's kinds; a kind not named here is read as text by its own parser.
_CELL_READERS: Dict[str, Callable[[str], Any]] = {
    "bool": _cell_bool, "list": _cell_list, "history": _cell_json, "loans": _cell_json}


def cell_reader(spec: FactSpec) -> Callable[[str], Any]:
    """How a CSV cell of this fact becomes the value `assess` takes. A nullable fact
    (caught_up_on) reads "no" as null: not caught up."""
    read = _CELL_READERS.get(spec.kind, _cell_text)
    if not spec.nullable:
        return read

    def nullable(text: str) -> Any:
        return None if text.lower() == "no" else read(text)
    return nullable


_READERS: Dict[str, Callable[[str], Any]] = {spec.name: cell_reader(spec) for spec in FACT_TABLE}


# ---- one answer -> the result columns ---------------------------------------------------------
def _flag(value: Optional[bool]) -> str:
    return "" if value is None else ("true" if value else "false")


def result_cells(result: Dict[str, Any]) -> List[str]:
    """The result columns of one assessment, in RESULT_COLUMNS order (unknown = empty)."""
    tax = result["additional_tax"] or {}
    return [result["classification"], result["event_date"] or "",
            "" if result["tax_year"] is None else str(result["tax_year"]),
            result["taxable_amount"] or "", result["cure_deadline"] or "", result["qplo_window_end"] or "",
            result["rollover_deadline"] or "", result["rollover_deadline_without_extension"] or "",
            result["form_1099r_box7"] or "", _flag(tax.get("applies")), tax.get("amount") or "",
            LIST_SEPARATOR.join(result["missing_facts"]), ""]


def error_cells(errors: Dict[str, str]) -> List[str]:
    """The result columns of a row that could not be answered: only `error`, naming each field."""
    return [""] * (len(RESULT_COLUMNS) - 1) + [f"{LIST_SEPARATOR} ".join(f"{k}: {v}" for k, v in errors.items())]


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def neutralised(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run: one starting like a formula gets a
    leading apostrophe. Every cell goes through this, though nothing the core writes starts so
    (amounts are never negative, dates start with a digit): identifiers and echoed input can."""
    return "'" + cell if cell[:1] in _FORMULA_FIRST else cell


def neutralised_row(cells: List[str]) -> List[str]:
    first = _FORMULA_FIRST
    return [("'" + cell) if cell[:1] in first else cell for cell in cells]  # neutralised(), inlined


# ---- the rows -----------------------------------------------------------------------------
@dataclass(slots=True)
class Row:
    """One case as read: its identifiers, its facts as `assess` takes them, and what was
    wrong with its cells before any fact was checked."""
    number: int
    identifiers: List[str]
    facts: Dict[str, Any]
    errors: Dict[str, str]


@dataclass(slots=True)
class Answer:
    row: Row
    result: Optional[Dict[str, Any]]  # None when the row had an error
    errors: Dict[str, str]

    @property
    def cells(self) -> List[str]:
        return self.row.identifiers + (result_cells(self.result) if self.result else error_cells(self.errors))


def answer(row: Row, today: Optional[date] = None, prose: bool = False) -> Answer:
    """`assess` on the row's facts (its figures only, unless `prose`: calendars and notices
    need the timeline and the explanations); every bad field of the row named, none guessed."""
    if row.errors:
        errors = dict(row.errors)
        try:
            parse_facts(row.facts, today)
        except FactsError as bad:
            errors.update({k: v for k, v in bad.errors.items() if k not in errors})
        return Answer(row, None, errors)
    try:
        return Answer(row, (api.assess if prose else api.assess_figures)(row.facts, today), {})
    except FactsError as bad:
        return Answer(row, None, bad.errors)
    except ValueError as limit:  # a domain limit, as the assess command reports it
        return Answer(row, None, {"input": str(limit)})


def _check_header(header: List[str], need_facts: bool = True) -> Tuple[List[int], List[Tuple[int, str]]]:
    """(identifier column positions, [(position, fact name)]); a header the output could not
    keep apart, or (need_facts) one with no fact at all, raises BatchFileError."""
    named = [name for name in header if name]
    doubled = sorted({name for name in named if named.count(name) > 1})
    if doubled:
        raise BatchFileError({"columns": f"{', '.join(doubled)} appear more than once; keep one of each"})
    taken = sorted(set(named) & set(RESULT_COLUMNS))
    if taken:
        raise BatchFileError({"columns": f"{', '.join(taken)} are names the results use; rename those columns"})
    facts = [(i, name) for i, name in enumerate(header) if name in FACT_NAMES]
    if need_facts and not facts:
        raise BatchFileError({"columns": "no column names a fact; the header needs fact names as `assess` "
                                         "takes them, such as separation_date, offset_date, loan_balance"})
    return [i for i, name in enumerate(header) if name not in FACT_NAMES], facts


def near_misses(header: Iterable[str]) -> Dict[str, str]:
    """Identifier columns whose name is close to a fact's (a typing slip would otherwise be
    carried through silently as an identifier): name -> the fact it may mean."""
    found = {}
    for name in header:
        if name and name not in FACT_NAMES:
            close = difflib.get_close_matches(name.strip().lower(), FACT_NAMES, n=1, cutoff=0.85)
            if close:
                found[name] = close[0]
    return found


def _not_text(text: str) -> bool:
    return "\ufffd" in text or "\x00" in text


class CsvCases:
    """The rows of a CSV file whose first row is the header."""

    def __init__(self, lines: Iterable[str]):
        self._reader = csv.reader(lines)
        try:
            header = next(self._reader, None)
        except csv.Error:  # a NUL byte: UTF-16, or not text at all
            raise BatchFileError({"file": "the file is not UTF-8 text; save the spreadsheet as CSV UTF-8"}) from None
        if header is None:
            raise BatchFileError({"file": "the file is empty; expected a header row of column names"})
        if any(_not_text(name) for name in header):
            raise BatchFileError({"file": "the file is not UTF-8 text; save the spreadsheet as CSV UTF-8"})
        # a fact column is known by its name without spaces; an identifier keeps its name as written
        self.header = [name.strip() if name.strip() in FACT_NAMES else name for name in header]
        self._ids, self._facts = _check_header(self.header)
        self.identifier_names = [self.header[i] for i in self._ids]
        self.not_utf8_rows = 0  # rows whose identifiers had bytes that are not UTF-8

    def _cells(self) -> Iterator[Tuple[int, Optional[List[str]], str]]:
        """(row number, cells or None, why not) for each row; a row the CSV reader refuses (a
        NUL byte, a cell over its size limit) is an error of that row only."""
        number = 0
        while True:
            number += 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield number, None, f"this row could not be read as CSV ({exc})"
                continue
            yield number, cells, ""

    def __iter__(self) -> Iterator[Row]:
        ids, width = self._ids, len(self.header)
        facts = [(i, name, _READERS[name]) for i, name in self._facts]
        for number, cells, unreadable in self._cells():
            if cells is None:
                yield Row(number, [""] * len(ids), {}, {"row": unreadable})
                continue
            if not cells:
                continue  # a blank line is no case
            if len(cells) < width:  # trailing empty cells left out
                cells = cells + [""] * (width - len(cells))
            identifiers = [cells[i] for i in ids]
            row = Row(number, identifiers, {}, {})
            if "\ufffd" in "".join(identifiers):
                self.not_utf8_rows += 1  # carried through as read; the command says so
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                row.errors["row"] = f"{len(cells)} cells but the header names {width} columns"
            values = row.facts
            for i, name, read in facts:
                text = cells[i].strip()
                if not text:
                    continue  # empty = unknown
                try:  # a byte that was not UTF-8 (U+FFFD) fails the fact's parser, by name
                    values[name] = read(text)
                except _Bad as bad:
                    row.errors[name] = str(bad)
            yield row


class JsonLinesCases:
    """One JSON object of facts per line. The identifier columns are the first object's keys
    that are not facts; a later object's other non-fact key is an error of its row."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._first: Optional[Tuple[int, str]] = None
        for number, line in enumerate(self._lines, 1):
            if line.strip():
                self._first = (number, line)
                break
        if self._first is None:
            raise BatchFileError({"file": "the file is empty; expected one JSON object of facts per line"})
        if _not_text(self._first[1]):
            raise BatchFileError({"file": "the file is not UTF-8 text"})
        first = self._parse(self._first[1])
        if not isinstance(first, dict):
            raise BatchFileError({"file": "the first line is not a JSON object of facts"})
        self.header = list(first)
        self.identifier_names = [name for name in first if name not in FACT_NAMES]
        _check_header(self.header, need_facts=False)  # a first case may be all unknown

    @staticmethod
    def _parse(line: str) -> Any:
        try:
            return json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            return _Bad(f"not valid JSON ({exc.msg} at character {exc.colno})")

    @staticmethod
    def _identifier(value: Any) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value, default=str)

    def _row(self, number: int, line: str) -> Row:
        data = self._parse(line)
        if isinstance(data, _Bad) or not isinstance(data, dict):
            reason = str(data) if isinstance(data, _Bad) else "expected a JSON object of facts"
            return Row(number, [""] * len(self.identifier_names), {}, {"line": reason})
        row = Row(number, [self._identifier(data.get(name)) for name in self.identifier_names],
                  {k: v for k, v in data.items() if k in FACT_NAMES}, {})
        strangers = [k for k in data if k not in FACT_NAMES and k not in self.identifier_names]
        for name in strangers:
            row.errors[name] = "not a fact, and not an identifier named on the first line"
        return row

    def __iter__(self) -> Iterator[Row]:
        assert self._first is not None
        yield self._row(*self._first)
        for number, line in enumerate(self._lines, self._first[0] + 1):
            if line.strip():
                yield self._row(number, line)


def read_cases(lines: Iterable[str], fmt: str = "csv"):
    """The cases of a file's lines (CsvCases or JsonLinesCases); BatchFileError if unreadable."""
    return JsonLinesCases(lines) if fmt == "jsonl" else CsvCases(lines)


def write_results(cases, out: TextIO, today: Optional[date] = None,
                  on_answer: Optional[Callable[[Answer], None]] = None, prose: bool = False) -> Dict[str, int]:
    """Answer every case and write the results CSV to `out`, row by row, neutralised for
    spreadsheets. Returns counts by classification (and "error"). `on_answer` sees each answer
    after its row is written; with `prose` the answers carry their timeline and explanations."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(neutralised_row(cases.identifier_names) + list(RESULT_COLUMNS))
    counts: Dict[str, int] = {}
    for row in cases:
        done = answer(row, today, prose)
        writer.writerow(neutralised_row(done.cells))
        kind = done.result["classification"] if done.result else "error"
        counts[kind] = counts.get(kind, 0) + 1
        if on_answer is not None:
            on_answer(done)
    return counts


# ---- what a team reads first ------------------------------------------------------------------
DEADLINE_COLUMNS = ("cure_deadline", "qplo_window_end", "rollover_deadline_without_extension", "rollover_deadline")


@dataclass
class Deadline:
    day: str  # ISO
    name: str  # a DEADLINE_COLUMNS name
    row: int
    identifiers: List[str]


class BatchSummary:
    """Counts by classification and the earliest deadline still ahead (on or after the row's
    as_of), collected as the rows are answered (pass it as write_results' on_answer)."""

    def __init__(self) -> None:
        self.counts: Dict[str, int] = {}
        self.earliest: Optional[Deadline] = None

    def __call__(self, done: Answer) -> None:
        result = done.result
        kind = result["classification"] if result else "error"
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if result is None:
            return
        for name in DEADLINE_COLUMNS:
            day = result[name]
            if day and day >= result["as_of"] and (self.earliest is None or day < self.earliest.day):
                self.earliest = Deadline(day, name, done.row.number, done.row.identifiers)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def triage_text(text: str, today: Optional[date] = None, fmt: str = "csv") -> Tuple[str, BatchSummary]:
    """A whole (small) file's text in, the results CSV's text and the summary out; for callers
    that hold the file in memory anyway, such as a chat upload. BatchFileError if unreadable."""
    cases = read_cases(io.StringIO(text, newline=""), fmt)
    out, summary = io.StringIO(newline=""), BatchSummary()
    write_results(cases, out, today, summary)
    return out.getvalue(), summary
