"""Rule-based entity extraction: the spans and labels of docs/nlu-annotation.md, without Rasa.

A Rasa NLU component wraps `extract_entities`; the values come from actions.parsing (dates
are read there against the conversation's "today", which this module never needs: finding
and labelling a span does not depend on the date).

How a message is read, in order:
1. Values are claimed, each stretch of text once, by tier then length: numbers that are
   names (401k, 1099-R, box 7, 72(t), "rule of 55") are masked first, then box 7 codes,
   ages, dates, percentages, amounts. So a date's "14" is never an age, "41" after "I'm" is
   an age, and "2024" is a date unless money words govern it ("owed 2000").
2. The message is cut into clauses at punctuation (outside values: not the comma of
   "March 14, 2025"), at "but", "then", "so", "because", and at "and" before a new subject
   or a preposition ("... and they offset it", "... and in June").
3. Cue words ("left", "offset", "owed", "rolled over", "bracket"...) are found, typos
   included where cheap ("laid of", "ofset", "payed back", "ballance"). Of overlapping cues
   the longest wins ("quit paying" is a missed payment, not quitting; "left on the loan" is
   a balance, not leaving).
4. Each date or amount takes the label of the nearest cue of its kind in its clause; a cue
   after the value counts double, since the verb usually comes first ("left in 2024").
   A clause that is only a list item ("..., April and May") repeats the label of the value
   just before it in the same sentence; a clause with no cue borrows one from the clause
   before or after it if that clause has a cue and no value of that kind ("I got laid off,
   it was March 3"). Otherwise the generic `date` / `amount`.
5. `left_job` and `plan_terminated` phrases are spans of their own; `phrase_value` says
   whether a phrase means yes ("got laid off") or no ("still work there", "haven't left").

interpretation, following the guide's house conventions as data/nlu.yml applies them:
- spans leave out subjects and articles: "(my employer) [terminated the plan]", "(I)
  [got laid off]" (an auxiliary stays: "got", "was"), "(on the) [15th]";
- a whole message that is a number under 100 is an age ("41", "fifty-five"): the answer to
  "how old are you?"; "I was 54 when I left" and "retired at 58" are ages too;
- hypotheticals are tagged like facts ("what if I quit in June?"): the `what_if` intent,
  not the extractor, keeps them out of the real facts; likewise entities in FAQ questions
  ("when do I reach 59 1/2?") are found, and the intent decides they are not facts.

interpretation, what is not tagged:
- a left_job phrase whose subject is someone else ("my husband got laid off", "he quit");
  dates in such a message still get their cue's label (the intent says whose facts they are);
- a value the user takes back ("the offset was in May, not April": no "April");
  "today"/"tomorrow" in "that's it for today", "see you tomorrow";
- a bare number under 100 inside a longer message with no cue ("I have 3 loans");
- a percentage that is neither near "bracket"/"tax rate" nor the whole answer ("they took
  10%", "the 10% penalty"); "0.22" without a bracket cue; "1M" without a code cue (a million);
- relative dates that hang on another event ("two weeks later").
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .parsing import find_age_spans, find_amount_spans, find_box7_spans, find_date_spans, find_rate_spans

DATE_LABELS = ("separation_date", "offset_date", "missed_payment_due_date", "caught_up_on",
               "birth_date", "plan_termination_date", "loan_date", "date")
AMOUNT_LABELS = ("loan_balance", "amount_rolled_over", "cash_paid_not_rolled_over", "amount")
ENTITY_LABELS = DATE_LABELS + AMOUNT_LABELS + (
    "age", "box7_code", "marginal_tax_rate", "left_job", "plan_terminated")


@dataclass(frozen=True, order=True)
class Span:
    """One entity: `text` == message[start:end], `label` one of ENTITY_LABELS."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class _Piece:
    """A claimed stretch of the message: a value (kind: mask, box7, age, date, year, rate,
    fraction, amount), a cue (kind: the label it points to) or a phrase."""

    start: int
    end: int
    kind: str

    def overlaps(self, other: "_Piece") -> bool:
        return self.start < other.end and other.start < self.end


# ---- vocabulary ------------------------------------------------------------------------
_I = re.IGNORECASE
_K = r"401\s?\(?k\)?"
# Numbers that name things, never values: plan types, forms, boxes, code sections, rules.
_MASKS = re.compile(
    r"\b40[13]\s?\(?[kb]\)?|\b457\s?\(?b\)?|\b1099(?:-?r)?\b|\b(?:5498|5329|1040|4868|8606|5500)\b|"
    r"\bw-?2s?\b|"
    r"\bk-?1\b|\bbox\s*(?:7|seven)\b|\b\d+\s?\([a-z]\)(?:\(\d+\))*|"
    r"\b(?:section|sec\.?|pub(?:lication)?|form|irc)\s*\d+\w*|\brule\s+of\s+\d+|"
    r"\b(?:age\s+)?\d+(?:\s*1/2|½|\.5)?(?:[\s-]*year)?[\s-]+(?:rule|exception)\b", _I)

_JOB = r"(?:my|the|that|this|our)\s+(?:job|company|employer|firm|position|role|work|workplace)"
_LEFT_JOB = tuple(re.compile(p, _I) for p in (
    # no: "haven't left", "didn't get laid off", "never quit", "still work there"
    r"\b(?:haven'?t|have\s+not|didn'?t|did\s+not|never|not)\s+(?:been\s+|got\s+|get\s+)?"
    r"(?:left|quit|resigned|retired|laid\s+off|fired|let\s+go)(?:\s+" + _JOB + r")?\b",
    r"\bstill\s+(?:work(?:s|ed|ing)?)(?:\s+(?:there|here|for\s+them|"
    r"for\s+(?:the|my)\s+(?:company|employer)|at\s+(?:the|my)\s+(?:company|job)))?\b",
    r"\bstill\s+(?:am\s+)?employed\b",  # "still employed (there)": the data stops at "employed"
    r"\bstill\s+(?:with|at)\s+(?:the|my)\s+(?:company|employer|job)\b",
    r"\bstill\s+have\s+(?:my|the|that)\s+job\b",
    # yes
    r"\bno\s+longer\s+(?:work(?:ing)?|employed)(?:\s+(?:there|for\s+them|at\s+(?:the|my)\s+"
    r"(?:company|job)))?\b",
    r"\b(?:don'?t|do\s+not)\s+work\s+there\s+any\s?more\b", r"\bnot\s+working\s+there\s+any\s?more\b",
    r"\b(?:got|get|was|were|been|being)\s+(?:(?:laid|layed)\s+of+\b|fired|let\s+go|terminated|"
    r"dismissed|downsized)",
    r"\b(?:laid|layed)\s+(?:me\s+)?of+\b", r"\b(?:fired|terminated|dismissed)\s+me\b", r"\blet\s+me\s+go\b",
    r"\bleft\s+(?:" + _JOB + r"|work)\b",
    r"\b(?:quit|resigned|retired)(?:\s+(?:from\s+)?" + _JOB + r")?\b"
    r"(?!\s+(?:paying|making|contributing|the\s+loan|payments?)\b)",
    r"\blost\s+(?:my|the)\s+job\b", r"\b(?:changed|switched)\s+jobs\b",
    r"\b(?:got\s+)?(?:laidoff|layedoff|canned|sacked)\b", r"\bgot\s+the\s+(?:boot|axe|ax)\b",
    r"\bwalked\s+(?:off|out\s+of)\s+(?:" + _JOB + r"|the\s+job)\b",
    r"\bbailed\s+on\s+(?:that|the|my|this)\s+job\b", r"\bquite\s+(?:my|the)\s+job\b",
    r"\bseparated\b(?!\s+from\b)",
    r"\bseparated\s+from\s+(?:service|" + _JOB + r")\b",
    r"\bstopped\s+working\s+(?:there|for\s+them|at\s+(?:the|my)\s+(?:company|job))\b",
    # a bare "left": after I/we, or opening a clause before a time ("left in March")
    r"\b(?:i|i've|ive|i\s+have|i\s+had|we)\s+(?P<p>left)\b(?!\s+(?:on\s+(?:the|my|it)\b|over\b|to\s+pay\b))",
    r"(?:^|[.,;!?]\s*|\band\s+)(?P<q>left)\b(?=\s+(?:in|on|at|back|last|around|early|mid|late|\d))",
))
_PLAN = r"(?:(?:" + _K + r"|403\s?\(?b\)?|retirement|company)\s+)?plan|" + _K + r"(?:\s+plan)?"
_ENDED = (r"(?:terminated|terminating|ended|shut\s+down|shutting\s+down|closed|discontinued|"
          r"dissolved|wound\s+down)")
_PLAN_TERMINATED = tuple(re.compile(p, _I) for p in (
    r"\b(?:" + _PLAN + r")\s+(?:(?:was|is|got|has\s+been|had\s+been|(?:is|was)\s+(?:being|getting))\s+)?"
    + _ENDED + r"\b",
    r"\b(?:" + _PLAN + r")\s+(?:wasn'?t|was\s+not|isn'?t|is\s+not|hasn'?t\s+been|has\s+not\s+been)\s+"
    + _ENDED + r"\b",
    r"\b(?:" + _PLAN + r")\s+is\s+still\s+(?:active|open|running|going|around|there|in\s+place)\b",
    # the subject is left out, as in data/nlu.yml: "(my employer) [shut down the 401k]"
    r"\b" + _ENDED + r"\s+(?:the|our|my|its|their)\s+(?:" + _PLAN + r")",
    r"\bplan\s+termination\b",
))
_NEGATED = re.compile(r"\b(?:still|haven'?t|have\s+not|hasn'?t|has\s+not|didn'?t|did\s+not|never|"
                      r"not|wasn'?t|was\s+not|isn'?t|is\s+not)\b", _I)
_ANYMORE = re.compile(r"\b(?:any\s?more|no\s+longer)\b", _I)
_SELF = frozenset({"i", "i've", "ive", "i'm", "im", "we", "me"})
_OTHERS = frozenset("he she husband wife spouse partner friend coworker coworkers co-worker "
                    "colleague colleagues boss manager dad mom father mother son daughter brother "
                    "sister someone somebody everyone people employee employees they".split())

_CUES: Dict[str, str] = {
    "separation_date": r"last\s+day|separat\w*|termination\s+date|stopped\s+working|"
                       r"(?:job|employment)\s+ended|left|quit|resign\w*|retire[ds]?|(?:laid|layed)\s*of+|"
                       r"lay\s*offs?|fired|let\s+(?:me\s+)?go|terminated|dismissed|downsized",
    "offset_date": r"of+-?set+(?:ted|ting|s)?|(?:the\s+loan|it)\s+out\s+of\s+my\s+(?:account|balance|"
                   + _K + r")|closed\s+(?:out\s+)?(?:the|my)\s+loan|"
                   r"loan\s+(?:was\s+|got\s+)?closed(?:\s+out)?|"
                   r"used\s+my\s+(?:balance|account|" + _K + r")\s+to\s+pay\s+(?:it\s+|the\s+loan\s+)?off",
    "missed_payment_due_date": r"mis+ed|miss(?:ing)?|skip\w*|didn'?t\s+pay|did\s+not\s+pay|"
                               r"payments?\s+stopped|"
                               r"couldn'?t\s+pay|could\s+not\s+pay|(?:stopped|stoped|quit)\s+(?:paying|"
                               r"making\s+(?:the\s+|my\s+)?payments)|payments?\s+(?:was\s+|were\s+)?due|"
                               r"(?:payroll\s+)?stopped\s+(?:taking|deducting)(?:\s+(?:the\s+)?payments)?|"
                               r"due|bounced|fell\s+behind|behind|late",
    # the object belongs to the cue, so "paid back the missed payments on 7/7" is not a
    # missed payment: the longer cue covers "missed"
    "caught_up_on": r"(?:ca?u?ght\s+up(?:\s+on)?|cought\s+up(?:\s+on)?|catch\s+up(?:\s+on)?|"
                    r"pa[iy]e?d\s+(?:(?:it|them|that|everything|what\s+i\s+missed)\s+)?back|made\s+up|repaid)"
                    r"(?:\s+(?:all\s+)?(?:the|my|those)\s+(?:missed\s+|late\s+|skipped\s+)?payments?)?|"
                    r"brought\s+(?:it|the\s+loan|everything|my\s+loan)\s+current|current\s+again",
    "birth_date": r"born|birthday|birth\s*date|b-?day|dob|date\s+of\s+birth",
    "plan_termination_date": r"plan\s+(?:termination|ended|closed|shut\s+down|(?:was\s+)?terminated)|"
                             r"terminat\w+\s+(?:the|our|my)\s+(?:" + _K + r"\s+)?plan",
    "loan_date": r"took\s+(?:out\s+)?(?:the|a|my|this)\s+(?:" + _K + r"\s+)?loan|borrow\w*|"
                 r"loan\s+(?:started|began|was\s+taken|originated|was\s+made|date)|"
                 r"got\s+(?:the|a|my)\s+loan|started\s+the\s+loan",
    "loan_balance": r"owe[sd]?|owing|bal+ance|bal|outstanding|remaining|unpaid|principal|borrow\w*|"
                    r"left\s+on\s+(?:the|my|it)(?:\s+loan)?|on\s+the\s+loan|(?:out\s+)?of\s+the|"
                    r"loan(?:\s+(?:of|was|is|balance|amount))?|of+-?set+(?:ted|ting|s)?|left",
    "amount_rolled_over": r"roll(?:ed|ing)?[\s-]*over|rollover|rol+ed|rol+ing|roll|rolover|"
                          r"(?:put|deposit(?:ed)?|moved?)\s+(?:it\s+|that\s+|back\s+)?(?:in|into|to)\s+"
                          r"(?:an?|my|the)\s+(?:ira|roth|new\s+" + _K + r")|into\s+(?:an?|my)\s+(?:ira|roth)|"
                          r"ira|replace[ds]?|redeposit(?:ed)?|re-?contribut\w*",
    "cash_paid_not_rolled_over": r"sent\s+me|send\s+me|mailed\s+me|cashed\s+(?:it\s+)?out|cash\s+out|"
                                 r"che(?:ck|que)\s+for|(?:a\s+)?che(?:ck|que)|paid\s+me|gave\s+me|"
                                 r"received|kept|in\s+cash|cash",
    # an age event dates nothing the rules need: "turned 55 in 2023" stays a plain date
    "date": r"turned|turning|turn",
    "rate_yes": r"bracket|tax\s+rate|marginal|taxed\s+at|income\s+tax",
    "rate_no": r"withh\w*|penalt\w*|additional\s+tax|interest|fee|match\w*|vested|of\s+(?:it|the|my|that)",
}
_CUE_PATTERNS = tuple((label, re.compile(r"\b(?:" + p + r")\b", _I)) for label, p in _CUES.items())
_FAMILY = {**{label: "date" for label in DATE_LABELS}, **{label: "money" for label in AMOUNT_LABELS}}
_GENERIC = {"date": "date", "money": "amount"}
_KIND_FAMILY = {"date": "date", "amount": "money"}

_BOUNDARY = re.compile(
    r"[.;!?\n,()]|\s[-–—]+\s|\b(?:but|then|so|because|although|though|while|whereas)\b|"
    r"\band\b(?=\s+(?:i|i'm|im|i've|ive|they|he|she|we|it|my|our|their|then|in|on|the\s+plan|"
    r"the\s+company)\b)", _I)
# Words that leave a clause a bare list item or a bare answer ("and April", "22% I think").
_FILLERS = frozenset("and or in on of the a an about around roughly approximately approx like "
                     "maybe probably i i'm im think it it's its is was my that just um uh ok okay "
                     "yes yeah yep sure also plus & oh well guess believe pretty at by to".split())
_DATE_WORD_BEFORE = re.compile(r"\b(?:in|since|during|by|until|till|from|before|after|born|year|"
                               r"early|mid|late|around|circa|back\s+in)\s+$", _I)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})  # same length: offsets hold


# ---- 1. values -------------------------------------------------------------------------
def _claim(found: List[Tuple[int, int, int, str]]) -> List[_Piece]:
    """Keep each stretch of text once: lower tier first, then the longer span."""
    taken: List[_Piece] = []
    for _, start, end, kind in sorted(found, key=lambda f: (f[0], f[1] - f[2], f[1])):
        piece = _Piece(start, end, kind)
        if not any(piece.overlaps(other) for other in taken):
            taken.append(piece)
    return sorted(taken, key=lambda p: p.start)


def _values(text: str) -> List[_Piece]:
    found = [(0, m.start(), m.end(), "mask") for m in _MASKS.finditer(text)]
    found += [(1, s, e, "box7") for s, e in find_box7_spans(text)]
    found += [(2, s, e, "age") for s, e in find_age_spans(text)]
    found += [(3, s, e, "year" if bare else "date") for s, e, bare in find_date_spans(text)]
    found += [(4, s, e, "rate" if explicit else "fraction") for s, e, explicit in find_rate_spans(text)]
    found += [(5, s, e, "amount") for s, e in find_amount_spans(text)]
    return _claim(found)


# ---- 2. clauses ------------------------------------------------------------------------
class _Message:
    """The text with its claimed values, clause boundaries and cues."""

    def __init__(self, text: str, values: List[_Piece]):
        self.text, self.values = text, values
        self.bounds: List[int] = []  # where each boundary starts; self.ends: where it ends
        self.ends: List[int] = []
        for m in _BOUNDARY.finditer(text):
            if any(v.start <= m.start() < v.end for v in values):
                continue  # the comma in "March 14, 2025" or "12,450"
            if self.ends and not text[self.ends[-1]:m.start()].strip():
                continue  # ", and": one boundary, not an empty clause between two
            self.bounds.append(m.start())
            self.ends.append(m.end())
        self.cues: List[_Piece] = []
        self.families: Dict[_Piece, Optional[str]] = {}  # value -> "date" / "money" / None

    def clause(self, position: int) -> int:
        return bisect_right(self.bounds, position)

    def clause_range(self, index: int) -> Tuple[int, int]:
        start = self.ends[index - 1] if index > 0 else 0
        return start, self.bounds[index] if index < len(self.bounds) else len(self.text)

    def cues_in(self, index: int, family: str) -> List[_Piece]:
        return [c for c in self.cues if self.clause(c.start) == index and _cue_family(c.kind) == family]

    def continues(self, index: int, earlier: int) -> bool:
        """True when clause `index` is clause `earlier` or follows it within one sentence."""
        return index == earlier or (index == earlier + 1 and self.text[self.bounds[earlier]] not in ".;!?\n")

    def is_bare(self, index: int) -> bool:
        """True when the clause holds nothing but values and filler words."""
        start, end = self.clause_range(index)
        chars = list(self.text[start:end])
        for v in self.values:
            for i in range(max(v.start, start), min(v.end, end)):
                chars[i - start] = " "
        words = re.findall(r"[\w'&]+", "".join(chars).lower())
        return all(w in _FILLERS for w in words)


def _cue_family(label: str) -> str:
    return _FAMILY.get(label, label)


# ---- 3. phrases and cues ---------------------------------------------------------------
def _phrase_pieces(message: _Message) -> List[_Piece]:
    found = []
    kinds = ((_PLAN_TERMINATED, "plan_terminated"), (_LEFT_JOB, "left_job"))
    for tier, (patterns, label) in enumerate(kinds):
        for m in (m for pattern in patterns for m in pattern.finditer(message.text)):
            # a bare "left" is matched with its subject or clause start, which the span leaves out
            group = next((g for g in ("p", "q") if g in m.re.groupindex and m[g]), 0)
            found.append((tier, *m.span(group), label))
    pieces = [p for p in _claim(found)
              if not any(p.overlaps(v) for v in message.values if v.kind != "mask")]
    return [p for p in pieces if p.kind != "left_job" or _about_the_user(message, p)]


def _about_the_user(message: _Message, phrase: _Piece) -> bool:
    """False when the nearest subject before the phrase is someone else ("my wife quit")."""
    text = message.text[phrase.start:phrase.end].lower()
    if re.search(r"\bme\b", text):
        return True
    start, _ = message.clause_range(message.clause(phrase.start))
    for word in reversed(re.findall(r"[\w'-]+", message.text[start:phrase.start].lower())[-4:]):
        if word in _SELF:
            return True
        if word in _OTHERS:
            return False
    return True


def _cue_pieces(message: _Message, phrases: List[_Piece]) -> List[_Piece]:
    """Cue words, plus the yes-phrases as cues. Within a kind (dates, money, rates) the
    longest of overlapping cues wins ("quit paying" over "quit"); across kinds a cue inside
    a longer one goes ("left" inside "left on the loan"), but "took a loan" (a date cue) and
    "loan of" (a money cue) may share a word."""
    found = [_Piece(p.start, p.end, "separation_date" if p.kind == "left_job" else "plan_termination_date")
             for p in phrases if phrase_value(p.kind, message.text[p.start:p.end])]
    blocked = [v for v in message.values if v.kind != "mask"] + phrases
    for label, pattern in _CUE_PATTERNS:
        for m in pattern.finditer(message.text):
            piece = _Piece(m.start(), m.end(), label)
            if not any(piece.overlaps(b) for b in blocked):
                found.append(piece)
    families = {_cue_family(c.kind) for c in found}
    kept = [c for f in families for c in _claim([(0, c.start, c.end, c.kind) for c in found
                                                  if _cue_family(c.kind) == f])]
    return [c for c in kept if not any(_inside(c, other) for other in kept)]


def _inside(inner: _Piece, outer: _Piece) -> bool:
    longer = outer.end - outer.start > inner.end - inner.start
    return longer and outer.start <= inner.start and inner.end <= outer.end


# ---- 4. labels -------------------------------------------------------------------------
def _nearest(value: _Piece, cues: Sequence[_Piece]) -> Optional[str]:
    """The label of the closest cue. A cue after the value counts double: English puts the
    verb first ("left in 2024"), so "turned 55 in 2023 and separated" dates the birthday."""
    def distance(cue: _Piece) -> Tuple[int, int]:
        return (value.start - cue.end, 0) if cue.end <= value.start else (2 * (cue.start - value.end), 1)
    return min(cues, key=distance).kind if cues else None


def _year_family(message: _Message, value: _Piece) -> str:
    """A lone "2024" is a date unless money words govern it ("owed 2000", "2000 dollars")."""
    if _DATE_WORD_BEFORE.search(message.text[:value.start]):
        return "date"
    if re.match(r"\s*(?:dollars|bucks)\b", message.text[value.end:], _I):
        return "money"
    index = message.clause(value.start)
    cues = message.cues_in(index, "date") + message.cues_in(index, "money")
    label = _nearest(value, cues)
    return _cue_family(label) if label else "date"


def _governing_label(message: _Message, value: _Piece, family: str,
                     previous: Optional[Tuple[str, int]]) -> str:
    index = message.clause(value.start)
    label = _nearest(value, message.cues_in(index, family))
    if label:
        return label
    if previous and message.continues(index, previous[1]) and message.is_bare(index):
        return previous[0]  # "..., April and May": a list goes on
    for neighbour in (index - 1, index + 1):  # "I got laid off, it was March 3"
        if 0 <= neighbour <= len(message.bounds) and not _has_value(message, neighbour, family):
            label = _nearest(value, message.cues_in(neighbour, family))
            if label:
                return label
    return _GENERIC[family]


def _has_value(message: _Message, index: int, family: str) -> bool:
    return any(message.clause(v.start) == index and message.families.get(v) == family
               for v in message.values)


def _rate_label(message: _Message, value: _Piece) -> Optional[str]:
    index = message.clause(value.start)
    if message.cues_in(index, "rate_yes"):
        return "marginal_tax_rate"
    if value.kind == "fraction" or message.cues_in(index, "rate_no"):
        return None
    return "marginal_tax_rate" if message.is_bare(index) else None  # "22%" as an answer


# "..., not 9,000" / "not June": the value the user takes back; "that's it for today"
_DISMISSED = re.compile(r"\bnot\s+(?:in\s+|on\s+|at\s+)?$", _I)
_IDIOM = re.compile(r"\b(?:for|see\s+you|until)\s+$", _I)


def _dismissed(message: _Message, value: _Piece) -> bool:
    before = message.text[max(0, value.start - 20):value.start]
    if _DISMISSED.search(before):
        return True
    said = message.text[value.start:value.end].lower()
    return said in ("today", "tomorrow", "tonight") and bool(_IDIOM.search(before))


def _labels(message: _Message) -> List[Tuple[_Piece, str]]:
    message.families = {v: (_year_family(message, v) if v.kind == "year" else _KIND_FAMILY.get(v.kind))
                        for v in message.values}
    labelled, previous = [], {}
    for value in message.values:
        if _dismissed(message, value):
            continue
        family = message.families[value]
        if family:
            label = _governing_label(message, value, family, previous.get(family))
            previous[family] = (label, message.clause(value.start))
        elif value.kind in ("rate", "fraction"):
            label = _rate_label(message, value)
        else:
            label = {"box7": "box7_code", "age": "age"}.get(value.kind)
        if label:
            labelled.append((value, label))
    return labelled


# ---- the API ---------------------------------------------------------------------------
def extract_entities(text: str) -> List[Span]:
    """The entities in `text`, in order, never overlapping; see the module docstring."""
    if not isinstance(text, str) or not text.strip():
        return []
    normalised = text.translate(_QUOTES)
    message = _Message(normalised, _values(normalised))
    phrases = _phrase_pieces(message)
    message.cues = _cue_pieces(message, phrases)
    pieces = _labels(message) + [(p, p.kind) for p in phrases]
    return sorted(Span(p.start, p.end, label, text[p.start:p.end]) for p, label in pieces)


def phrase_value(label: str, text: str) -> Optional[bool]:
    """What a left_job / plan_terminated phrase says: True ("got laid off", "plan was
    terminated", "don't work there anymore"), False ("still work there", "haven't left",
    "plan wasn't terminated"); None for any other label."""
    if label not in ("left_job", "plan_terminated"):
        return None
    return not (_NEGATED.search(text) and not _ANYMORE.search(text))
