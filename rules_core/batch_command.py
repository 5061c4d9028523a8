"""`python -m rules_core batch`: the file, the output streams and the per-row files around
batch.py. The results CSV goes to stdout; what was written and any warning go to stderr.
"""
from __future__ import annotations

import io
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import Callable, Dict, List, Optional, TextIO

from .batch import Answer, BatchFileError, near_misses, read_cases, write_results
from .facts import _Bad, parse_event_date

_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def row_file_stem(number: int, identifiers: List[str]) -> str:
    """row-00042-E1234: the row's number, then its first identifier made safe for a file name."""
    first = next((value for value in identifiers if value.strip()), "")
    slug = _UNSAFE_IN_NAME.sub("_", first.strip()).strip("._")[:40]
    return f"row-{number:05d}" + (f"-{slug}" if slug else "")


def _open_cases(path: Optional[str]) -> TextIO:
    # utf-8-sig: a spreadsheet's "CSV UTF-8" starts with a byte-order mark. A byte that is not
    # UTF-8 becomes U+FFFD, which the reader reports as the file's or the row's error.
    if not path:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace", newline="")
    try:
        return open(path, encoding="utf-8-sig", errors="replace", newline="")
    except OSError as exc:
        raise BatchFileError({"file": f"cannot read {path}: {exc.strerror}"}) from None


def _folder(option: str, path: Optional[str]) -> Optional[Path]:
    if not path:
        return None
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchFileError({option: f"cannot make the folder {path}: {exc.strerror}"}) from None
    if not os.access(folder, os.W_OK):
        raise BatchFileError({option: f"cannot write in the folder {path}"})
    return folder


def _as_of(raw: Optional[str]) -> Optional[date]:
    if not raw:
        return None
    try:
        return parse_event_date(raw)
    except _Bad as bad:
        raise BatchFileError({"as_of": str(bad)}) from None


class RowFiles:
    """The per-row calendars and notices, written as each row is answered."""

    def __init__(self, ics: Optional[Path], notices: Optional[Path], names: List[str]):
        self.ics, self.notices, self.names = ics, notices, names
        self.calendars = self.notice_count = 0

    def __call__(self, done: Answer) -> None:
        result = done.result
        if result is None:
            return
        stem = row_file_stem(done.row.number, done.row.identifiers)
        if self.ics is not None:
            from .calendar_file import deadline_calendar
            calendar = deadline_calendar(result)
            if calendar:  # only deadlines still ahead make a calendar
                (self.ics / f"{stem}.ics").write_text(calendar["ics"], encoding="utf-8", newline="")
                self.calendars += 1
        if self.notices is not None and result["classification"] != "needs_more_facts":
            from .notices import notice_files
            markdown, pdf = notice_files(result, self.names, done.row.identifiers)
            (self.notices / f"{stem}.md").write_text(markdown, encoding="utf-8")
            (self.notices / f"{stem}.pdf").write_bytes(pdf)
            self.notice_count += 1


def _summary(counts: Dict[str, int], files: RowFiles) -> str:
    rows = sum(counts.values())
    parts = [f"{count} {kind}" for kind, count in sorted(counts.items()) if kind != "error"]
    line = f"batch: {rows} rows ({', '.join(parts) or 'none'}); {counts.get('error', 0)} with an error"
    if files.ics is not None:
        line += f"; {files.calendars} calendars in {files.ics}"
    if files.notices is not None:
        line += f"; {files.notice_count} notices in {files.notices}"
    return line


def _stdout() -> TextIO:
    try:  # the CSV module writes its own line ends; UTF-8 whatever the locale says
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    except (AttributeError, ValueError):
        pass
    return sys.stdout


def run_batch(path: Optional[str], fmt: str, as_of: Optional[str], ics: Optional[str],
              notices: Optional[str], out: Optional[TextIO] = None,
              warn: Callable[[str], None] = lambda line: print(line, file=sys.stderr)) -> None:
    """Read, answer and write every case; BatchFileError (exit 2) if the file cannot be read."""
    today = _as_of(as_of)
    files_ics, files_notices = _folder("ics", ics), _folder("notices", notices)
    with _open_cases(path) as lines:
        cases = read_cases(lines, fmt)
        for name, fact in near_misses(cases.identifier_names).items():
            warn(f"batch: column {name!r} is not a fact, so it is carried through as an identifier; "
                 f"did you mean {fact!r}?")
        files = RowFiles(files_ics, files_notices, cases.identifier_names)
        stream = out or _stdout()
        try:
            wanted = bool(files_ics or files_notices)
            counts = write_results(cases, stream, today, files if wanted else None, prose=wanted)
            stream.flush()
        except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
            return
    if getattr(cases, "not_utf8_rows", 0):
        warn(f"batch: {cases.not_utf8_rows} rows had identifiers that are not UTF-8 text (shown as \ufffd); "
             "save the spreadsheet as CSV UTF-8 to keep them")
    warn(_summary(counts, files))
