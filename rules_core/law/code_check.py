"""Checking the Box 7 code on a user's Form 1099-R against the code the facts call for.

The event letter is compared first (L deemed distribution, M qualified plan loan offset,
none for an ordinary distribution), then the designated-Roth B, then the age/exception
digit. The first difference picks the topic that explains it and the question to send to
the plan administrator. Source: Instructions for Forms 1099-R and 5498, box 7.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping, NamedTuple, Optional

from ..explain import render_question
from .box7_codes import Box7Decoding

_LETTERS = ("L", "M")


class CodeCheck(NamedTuple):
    given: str
    consistent: Optional[bool]
    topic: Optional[str]

    def question(self, values: Mapping[str, str]) -> Optional[str]:
        return render_question(self.topic, values) if self.topic and self.consistent is False else None


def _parts(code: str):
    letter = next((ch for ch in code if ch in _LETTERS), None)
    digit = next((ch for ch in code if ch.isdigit()), None)
    return letter, "B" in code, digit


def check_code(given: Box7Decoding, expected: Optional[str], classification: str) -> CodeCheck:
    return _check(given.code, given.valid, expected, classification)


@lru_cache(maxsize=4096)  # a handful of codes, expected codes and classifications
def _check(code: str, valid: bool, expected: Optional[str], classification: str) -> CodeCheck:
    """check_code on the only parts of the decoding it reads."""
    if not valid:
        return CodeCheck(code, False, "code_check.invalid")
    g_letter, g_roth, g_digit = _parts(code)
    if expected is None:
        return _check_without_expected(code, g_letter, classification)
    e_letter, e_roth, e_digit = _parts(expected)
    if g_letter != e_letter:
        return CodeCheck(code, False, _letter_topic(g_letter, e_letter))
    if g_roth != e_roth:
        return CodeCheck(code, False, "code_check.roth")
    if g_digit != e_digit:
        return CodeCheck(code, False, "code_check.age_digit")
    return CodeCheck(code, True, "code.consistent")


def _letter_topic(given: Optional[str], expected: Optional[str]) -> str:
    if expected == "L":
        return "code_check.offset_but_deemed"
    if given == "L":
        return "code_check.l_but_offset"
    if expected == "M":
        return "code_check.missing_m"
    return "code_check.unexpected_m"


def _check_without_expected(code: str, letter: Optional[str], classification: str) -> CodeCheck:
    """The digit cannot be checked yet (age unknown) or nothing taxable has happened."""
    expected_letter = {"deemed_distribution": "L", "offset_after_deemed_distribution": "L",
                       "qualified_plan_loan_offset": "M", "plan_loan_offset": None}
    if classification not in expected_letter:
        if classification in ("cured", "cure_window_open") and letter is not None:
            return CodeCheck(code, False, "code_check.generic")
        return CodeCheck(code, None, None)
    if letter != expected_letter[classification]:
        return CodeCheck(code, False, _letter_topic(letter, expected_letter[classification]))
    return CodeCheck(code, None, None)
