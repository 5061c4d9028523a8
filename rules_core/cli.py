"""The JSON command line. Parses arguments, calls the public API, prints JSON; no law here.

Exit codes: 0 success, 2 bad input (a JSON error object naming each bad field and why).
"""
from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional

from . import api
from .batch import FORMATS, BatchFileError
from .batch_command import run_batch
from .facts import FactsError


class _Usage(Exception):
    def __init__(self, errors: Dict[str, str]):
        super().__init__(str(errors))
        self.errors = errors


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage and exit; we answer in JSON
        raise _Usage({"arguments": message})


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m rules_core", description="401(k) plan-loan rules engine (JSON in, JSON out).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    a = sub.add_parser("assess", help="assess one situation; facts as a JSON object from FILE or stdin")
    a.add_argument("file", nargs="?", help="JSON file of facts (default: stdin)")
    code = sub.add_parser("code", help="decode a Form 1099-R box 7 code")
    code.add_argument("code", nargs="+", help='the code as printed, e.g. "M1" or "l 1"')
    limit = sub.add_parser("limit", help="IRC 72(p)(2) loan limit check")
    for name in ("vested", "highest-12m", "outstanding", "requested"):
        limit.add_argument(f"--{name}", required=True)
    limit.add_argument("--term-months", type=int)
    limit.add_argument("--payments-per-year", type=int)
    limit.add_argument("--principal-residence", action="store_true")
    limit.add_argument("--as-of", help="date of the new loan, YYYY-MM-DD (default today)")
    due = sub.add_parser("due-date", help="individual return due dates for a tax year")
    due.add_argument("year")
    sub.add_parser("schema", help="JSON Schema of the assessment output")
    batch = sub.add_parser("batch", help="answer every case of a CSV (or JSON Lines) file; a results CSV on stdout")
    batch.add_argument("file", nargs="?", help="the cases, one per row, a header of fact names (default: stdin)")
    batch.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or jsonl")
    batch.add_argument("--as-of", help="the date to answer as of where a row gives no as_of (default today)")
    batch.add_argument("--ics", metavar="DIR", help="write one .ics calendar per row with deadlines still ahead")
    batch.add_argument("--notices", metavar="DIR", help="write one notice per answered row (Markdown and PDF)")
    return parser


def _read_facts(path: Optional[str]) -> Any:
    try:
        text = open(path, encoding="utf-8").read() if path else sys.stdin.read()
    except OSError as exc:
        raise _Usage({"file": f"cannot read {path}: {exc.strerror}"}) from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise _Usage({"json": f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"}) from None


def _amount(name: str, raw: str, errors: Dict[str, str]) -> Optional[Decimal]:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        errors[name] = f"{raw!r} is not an amount"
        return None
    if not value.is_finite() or value < 0:
        errors[name] = "expected a non-negative amount"
        return None
    return value


def _run(args: argparse.Namespace) -> Any:
    if args.command == "assess":
        return api.assess(_read_facts(args.file))
    if args.command == "code":
        return api.decode_box7(" ".join(args.code))
    if args.command == "due-date":
        if not args.year.isdigit():
            raise _Usage({"year": f"{args.year!r} is not a year"})
        return api.due_dates(int(args.year))
    if args.command == "schema":
        return api.assessment_schema()
    if args.command == "batch":
        return run_batch(args.file, args.format, args.as_of, args.ics, args.notices)
    errors: Dict[str, str] = {}
    amounts = {name: _amount(name, getattr(args, name.replace("-", "_")), errors)
               for name in ("vested", "highest-12m", "outstanding", "requested")}
    if errors:
        raise _Usage(errors)
    return api.loan_limit(amounts["vested"], amounts["highest-12m"], amounts["outstanding"],
                          amounts["requested"], term_months=args.term_months,
                          payments_per_year=args.payments_per_year,
                          principal_residence=args.principal_residence, as_of=args.as_of)


def main(argv: Optional[List[str]] = None) -> int:
    try:
        result = _run(_parser().parse_args(argv))
    except (FactsError, _Usage, BatchFileError) as exc:
        print(json.dumps({"error": "invalid input", "fields": exc.errors}, indent=2))
        return 2
    except ValueError as exc:  # a domain limit such as an unsupported tax year
        print(json.dumps({"error": "invalid input", "fields": {"input": str(exc)}}, indent=2))
        return 2
    if result is not None:  # batch wrote its own output
        print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0
