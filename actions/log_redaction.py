"""Conversation logs without the user's dates and amounts, unless debugging asks for them.

People tell the assistant their birth date and what they owe. Rasa logs user messages, parse
results and slot values at DEBUG (and errors quote them at any level); our actions may log
facts they reject. Every log record created in a process that imports the `actions` package
(the Rasa server, through the NLU components, and the action server) passes through
`redact()`: dates in any form our parsers read (2025-03-14, 3/14/2025, 14.03.2025, March 14th,
14 March 2025, Mar. 3, May 1980) become `[date]`, and amounts ($12k, 12,450.88, 12000,
12 grand, twelve thousand dollars) become `[amount]`, in the message and in tracebacks.

Set LOG_UNREDACTED=1 in the environment of both servers to see everything while debugging
(README, "Security and privacy").
"""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Callable

UNREDACTED_ENV = "LOG_UNREDACTED"
DATE, AMOUNT = "[date]", "[amount]"

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:\d{4}|'?\d{2})"
_NUMBER_WORD = (r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
                r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
                r"|eighty|ninety|hundred|thousand|million|half|couple|few|and)")
_SCALE = r"(?:k|grand|thousand|million|mil|m|bucks|dollars|usd)(?:\s+(?:dollars|bucks|usd))?"

_DATES = re.compile("|".join([
    r"\b\d{4}-\d{1,2}-\d{1,2}\b",                                     # 2025-03-14
    r"(?<![\d/.-])\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?(?![\d/-])",      # 3/14, 03/14/2025, 3-14-25
    r"(?<![\d.])\d{1,2}\.\d{1,2}\.\d{4}(?![\d.])",                     # 14.03.2025
    rf"\b{_MONTH}\s+{_DAY}(?:\s*,?\s*{_YEAR})?\b",                     # March 14th, 2025
    rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:\s*,?\s*{_YEAR})?(?![a-z])",    # 14 March 2025
    rf"\b{_MONTH}\s*,?\s*\d{{4}}\b",                                   # May 1980
]), re.IGNORECASE)

_AMOUNTS = re.compile("|".join([
    rf"[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?{_SCALE}\b)?",                  # $12k, $12,450.88
    rf"\b\d[\d,]*(?:\.\d+)?\s?{_SCALE}\b",                              # 12k, 12 grand, 12000 dollars
    rf"\b{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*[\s-]+{_SCALE}\b",     # twelve grand, a couple thousand
    r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])",                  # 12,450.88
    r"(?<![\d.:])[1-9]\d*\.\d{2}(?![\d.])",                             # 12000.00 (not 0.93)
    r"(?<![\d.:\w])(?<!line )(?<!port )\d{3,}(?![\d:\w]|\.\d|-[a-z])",  # 12000 (not :5005, line 12, 1099-R)
]), re.IGNORECASE)


def redact(text: str) -> str:
    """The text with every date and amount masked (dates first: 3/14/2025 is not an amount)."""
    return _AMOUNTS.sub(AMOUNT, _DATES.sub(DATE, text))


def _redacting(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot format is left for logging to report
            return record
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            # rendered now, so the traceback's exception text is masked too
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    make_record.redacting = True  # type: ignore[attr-defined]
    return make_record


def enabled() -> bool:
    return os.environ.get(UNREDACTED_ENV, "").strip().lower() not in ("1", "true", "yes", "on")


def install() -> None:
    """Masks every log record created from now on in this process (once; not when unredacted)."""
    factory = logging.getLogRecordFactory()
    if enabled() and not getattr(factory, "redacting", False):
        logging.setLogRecordFactory(_redacting(factory))
