"""Reading a Form 1099-R box 7 code as the user writes it, and finding codes in a message.

The allow-list lives in the rules core (rules_core.law.box7_codes): this module only takes
the user's cue words off ("code", "box 7 says", "my 1099-R shows") and hands the rest to
`normalise_box7`, so "1M", "m1" and "L 1" become "M1", "M1" and "L1" exactly as the core
reads them. Whether two codes may share the box is `decode_box7`'s question, not ours: a
caller that needs the reason calls it.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from rules_core.law.box7_codes import Box7FormatError, decode_box7, normalise_box7

_CUE_PREFIX = re.compile(
    r"^(?:(?:my|the)\s+)?(?:(?:form\s+)?1099-?r\s*(?:box\s*(?:7|seven)\s*)?|box\s*(?:7|seven)\s*|"
    r"(?:distribution\s+)?codes?\s*)(?:(?:says|said|shows|showed|reads|has|had|is|was|of|:|=|-)\s*)*",
    re.IGNORECASE)
MAX_CODES = 2  # box 7 has two positions


def parse_box7(text: str) -> Optional[str]:
    """The box 7 value in `text`, canonical ("1M" -> "M1", "code l 1" -> "L1"), or None when
    it is not one or two known codes. Combinations are not judged here (see decode_box7)."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip().strip("\"'.,!?")
    for _ in range(2):  # "my 1099-R says code M1": two cue phrases
        cleaned = _CUE_PREFIX.sub("", cleaned.strip(), count=1)
    cleaned = cleaned.strip().strip("\"'.,!?")
    try:
        code = normalise_box7(cleaned)
    except Box7FormatError:
        return None
    return code if len(code) <= MAX_CODES else None


# ---- finding codes in a message --------------------------------------------------------
_CODE_CHARS = (r"(?P<c>[a-z0-9](?:(?:\s?[,&+]\s?|\s|\s+(?:and|&)\s+(?:(?:code|box)\s+)?)[a-z0-9](?!\w)|[a-z0-9])?)"
               r"(?!\w)(?![.,]\d)")  # "L1", "1 M", "1 and M", "1 and code M"; not "12,480"
_CUE = (r"(?:\b1099(?:-?\s?r\b|(?!-?\s?r\b))(?![\w-])(?:\s+box\s*(?:7|seven))?|\bbox\s*(?:7|seven)(?:\s+codes?)?|"
        r"\b(?:distribution\s+)?codes?\b|\bcoded(?:\s+as)?|\bform\s+(?=says|shows|has|reads))")
# a lower-case article before the code is filler ("box 7 has a 7"); an upper-case A is code A
_FILLER = (r"\s*(?:(?:says|said|shows|showed|reads|has|had|is|was|of|as|with|just|only|:|=|-)\s*)*"
           r"(?:(?-i:an?|the)\s+)?[\"']?")
_COMPACT = r"(?P<c>[a-z0-9]{1,2})(?!\w)"  # a code written before its cue: "M1 code", "B in box 7"
_FORM = r"(?:box\s*(?:7|seven)|(?:my|the|a|this|that)\s+(?:form\s+)?1099-?r?)"
_START = r"(?<![\w$.,'])"
# (pattern, strict): a strict pattern takes two letters only as a valid pair, so that the
# "MY" of "MY CODE" is not a code; after an explicit cue ("letters ML") any pair is read.
_FINDERS = tuple((re.compile(p, re.IGNORECASE), strict) for p, strict in (
    (_CUE + _FILLER + _CODE_CHARS, False),                            # "code M1", "box 7 says 1M"
    (_START + r"(?<!box\s)" + _COMPACT + r"[\"']?\s+codes?\b", True),  # "the M1 code"
    (_START + _COMPACT + r"(?:\s+(?:printed|shown|listed|written|mean|means|stand\s+for))?"
     r"\s+(?:in|on|of)\s+" + _FORM, True),                             # "B in box 7", "1L on my 1099R"
    (r"\bletters?\s+" + _CODE_CHARS, False),                         # "the letters ML"
))
# "the 1099-R I got has 7M": a verb that shows a code, once the message is about the form
_SHOWS = re.compile(r"\b(?:has|shows|says|reads|printed)\s+(?:(?-i:an?|the)\s+)?" + _CODE_CHARS,
                    re.IGNORECASE)
_ABOUT_THE_FORM = re.compile(r"\b(?:1099|box\s*(?:7|seven))", re.IGNORECASE)
# Without a cue only a loan letter with a digit counts ("I got an M1"): "1M" alone is more
# often a million, and other pairs (K1, A4, W2) are more often something else.
# "1L" with a capital L: a code written digit first ("1M" alone stays a million)
_BARE = re.compile(r"(?<![\w$.,-])(?P<c>[LM][1247]|[lm][1247]|[1247](?-i:L))(?![\w.,]\d|\w)")


def _plausible(chars: str, strict: bool = True) -> bool:
    """Letters without a digit must be upper case ("LB", not "my" or "we"), and under a
    strict pattern a valid pair; the article "a" is never a code."""
    if re.match(r"[ai]\s", chars, re.IGNORECASE):  # "a 7", "I 1": an article or a pronoun
        return False
    letters = [c for c in chars if c.isalpha()]
    if letters and not any(c.isdigit() for c in chars):
        if not all(c.isupper() for c in letters):
            return False
        if strict and len(letters) > 1 and not decode_box7(chars).valid:
            return False
    return parse_box7(chars) is not None


def find_box7_spans(text: str) -> List[Tuple[int, int]]:
    """Code spans as written ("L 1", "m1", "1M"), without the cue words: a code after a
    cue ("code", "box 7", "1099-R says") or before "code", or an L/M code with its digit."""
    finders = _FINDERS + (((_SHOWS, False),) if _ABOUT_THE_FORM.search(text) else ())
    spans = [span for p, strict in finders for m in p.finditer(text) for span in _code_span(m, strict)]
    spans += [m.span("c") for m in _BARE.finditer(text) if decode_box7(m["c"]).valid]
    return list(dict.fromkeys(spans))


def _code_span(m: re.Match, strict: bool) -> List[Tuple[int, int]]:
    """The code a cue points at; when two separated characters do not make a code
    ("box 7 says 7, I'm 62"), the first alone may."""
    if _plausible(m["c"], strict):
        return [m.span("c")]
    if not m["c"].isalnum() and _plausible(m["c"][0], strict):
        return [(m.start("c"), m.start("c") + 1)]
    return []
