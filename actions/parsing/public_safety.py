"""Reading a public-safety job and whether the plan is governmental: the facts the age-50 rule of
IRC 72(t)(10) needs (the rules core decides what they change; rules_core/law/public_safety.py).

Accepted: "police", "cop", "sheriff's deputy", "state trooper", "law enforcement" (police);
"firefighter", "fireman", "fire department" (firefighter; "private firefighter" for one of a
private fire company); "EMT", "paramedic" (emt); "corrections officer", "prison guard"
(corrections). Plans: "governmental", "government plan", "state/city/county plan" (governmental);
"private company plan", "private employer" (private). Answers to the form's question read the
same way ("police", "a governmental 457").

API: `find_role_spans(text)` and `find_plan_type_spans(text)` give candidate spans;
`parse_public_safety_role(text)` and `parse_plan_type(text)` the core's value, or None.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

_I = re.IGNORECASE
_ROLES = (
    ("private_firefighter", r"private(?:[\s-]+sector)?\s+(?:fire\s*fighter|fireman|fire\s+(?:company|department|brigade))s?"),
    ("corrections", r"(?:corrections?|correctional|detention|jail|prison)\s+(?:officer|deputy|guard|worker)s?|"
                    r"prison\s+guard|corrections|c\.?o\.?(?=\s+at\s+(?:a|the)\s+(?:prison|jail))"),
    ("police", r"police(?:\s+officer|\s+department|man|woman)?s?|cops?|sheriff(?:'s)?(?:\s+deputy)?|deputy\s+sheriff|"
               r"(?:state\s+)?troopers?|law\s+enforcement(?:\s+officer)?|detectives?"),
    ("firefighter", r"fire\s*fighters?|fire(?:man|men)|fire\s+department|fire\s+dept"),
    ("emt", r"emts?|paramedics?|emergency\s+medical\s+(?:technician|services?|worker)s?|ambulance\s+(?:crew|worker)s?"),
)
_ROLE_FINDER = re.compile(r"\b(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _ROLES) + r")\b", _I)
_PLAN_TYPES = (
    # (the plan's own name after it, "governmental 457", is left to the plan-kind finder)
    ("governmental", r"government(?:al)?(?:\s+(?:plan|employer))|governmental|government(?=\s+(?:457|401|403))|"
                     r"(?:state|city|county|municipal|public[\s-]+sector)\s+(?:government\s+)?(?:plan|employer|job)|"
                     r"(?:state|city|county|municipal|public[\s-]+sector)(?=\s+(?:government\s+)?(?:457|401|403))"),
    ("private", r"private[\s-]+(?:sector|company|employer|company's|employer's)(?:\s+(?:plan|401\s?\(?k\)?))?|"
                r"(?:a|my)\s+private\s+plan"),
)
_PLAN_TYPE_FINDER = re.compile(r"\b(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PLAN_TYPES) + r")",
                               _I)
# What a bare answer to "which job?" may also say: none of them
_NONE = re.compile(r"^\s*(?:none|neither|no|nope|other|something\s+else|not\s+public\s+safety|none\s+of\s+(?:those|these))"
                   r"\b", _I)
NOT_PUBLIC_SAFETY = "none"


def find_role_spans(text: str) -> List[Tuple[int, int]]:
    return [m.span() for m in _ROLE_FINDER.finditer(text)]


def find_plan_type_spans(text: str) -> List[Tuple[int, int]]:
    return [m.span() for m in _PLAN_TYPE_FINDER.finditer(text)]


def parse_public_safety_role(text: str) -> Optional[str]:
    """The core's role for a job as written; NOT_PUBLIC_SAFETY for "none of these"; None when
    the text names no role."""
    if not isinstance(text, str):
        return None
    if _NONE.match(text):
        return NOT_PUBLIC_SAFETY
    m = _ROLE_FINDER.search(text)
    return m.lastgroup if m else None


def parse_plan_type(text: str) -> Optional[str]:
    """ "governmental" or "private" for a plan as written; None when the text says neither."""
    if not isinstance(text, str):
        return None
    m = _PLAN_TYPE_FINDER.search(text)
    if m:
        return m.lastgroup
    word = text.strip(" .!?").lower()
    if word in ("government", "public", "state", "city", "county", "municipal"):
        return "governmental"
    if word in ("private", "company", "corporate", "a company plan", "my company's plan"):
        return "private"
    return None
