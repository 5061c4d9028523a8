"""Patterns for wrong claims about 401(k) loan failures, one myth topic per claim.

Each entry pairs a myth topic id (rules_core/explanations/myth.*.md) with a compiled,
case-insensitive regex that matches an ASSERTIVE phrasing of the wrong claim, the way it could
show up in generated or hand-written text. The patterns are deliberately narrow: correct
statements that mention the same words (60 days for an ordinary offset, a plan that chose a cure
period, code M for a qualified plan loan offset) must not match. tests/test_myths.py holds the
positive examples each pattern must catch and the correct sentences it must leave alone.

`wrong_claims(text)` runs every pattern and drops a match when the start of its sentence
(the nearest 60 characters before the match) says the claim is not true ("it's a myth that",
"not true that", "contrary to", ...).
"""
from __future__ import annotations

import re
from typing import List, Pattern, Tuple

_I = re.IGNORECASE

# A clause-sized gap: no sentence end, no line break.
_GAP = r"[^.!?\n]"
# A gap that may not contain a word which turns the claim into a conditional or a contrast
# ("a loan that is too big", "a QPLO gets more than 60 days").
_QUALIFIERS = (
    r"that|which|with|over|above|too|beyond|more|larger|bigger|than|if|when|unless|only|"
    r"not|never|no|instead|unlike|rather|ordinary|longer|extended|except"
)


# Negations only, for patterns whose verbs already carry the claim.
_NEGATIONS = r"not|never|no|cannot"
# Words that place the event before the separation ("after your loan was already deemed").
_EARLIER = r"already|before|earlier|previously|had|after"


def _tempered(n: int, words: str = _QUALIFIERS, contractions: bool = True) -> str:
    """A gap of at most n characters within one clause that contains none of `words`
    (nor, unless `contractions` is false, a negative contraction such as "isn't")."""
    nt = r"|n't|n\u2019t" if contractions else ""
    return rf"(?:(?!\b(?:{words})\b{nt}){_GAP}){{0,{n}}}"


# Contrast words for the QPLO 60-day claim ("a QPLO gets more than 60 days").
_QPLO_CONTRAST = (
    r"more|than|longer|extended|instead|unlike|rather|ordinary|only for|except|if|unless|"
    + _NEGATIONS
)

# Ways of saying "you left your job": a clause after "after/once/when you ...".
_LEAVE = r"(?:leave|left|quit|separate|are terminated|were terminated|lose your job|change jobs)"
# "after you leave", "once you quit", "upon leaving", "after termination", ...
_ON_LEAVING = (
    rf"(?:(?:after|once|when|upon) you {_LEAVE}"
    r"|(?:after|upon|on|from|of|following) (?:leaving|quitting|separation|separating|"
    r"(?<!plan )termination|losing your job))"
)
_REPAY_OR_ROLL = (
    r"(?:repa(?:y|id)|pa(?:y|id) (?:it )?(?:back|off)|roll(?:ed)?(?: it)? over|rollover|replace)"
)
_MUST = r"(?:must|need to|needs to|have to|has to|should)"
# "rolling over", "rollover", "rolling the money over".
_ROLL_OVER = r"\broll(?:ing|ed|s)?(?:[- ]?|(?:\s+\w+){1,3}\s+)over\b"

# Up to two sentences of one paragraph with no word that denies or contrasts ("neither ... nor").
_PARA_NOT_DENIED = r"(?:(?!\b(?:not|never|no|cannot|neither|nor|except|unlike|rather)\b|n't)[^\n]){0,140}"

MYTH_CLAIMS: List[Tuple[str, Pattern[str]]] = [
    # -- myth.loan_is_deemed: "taking a 401(k) loan is a deemed distribution"
    ("myth.loan_is_deemed", re.compile(
        rf"\b(?:taking|taking out|getting|borrowing)\b{_tempered(40)}?\bloan\b{_tempered(20)}?"
        r"\b(?:is|counts as|is treated as|is considered|creates|triggers|results in|means)\s+"
        r"(?:an?\s+)?(?:immediate\s+|automatic\s+|taxable\s+)?deemed distribution", _I)),
    ("myth.loan_is_deemed", re.compile(
        r"(?<!defaulted )(?<!unpaid )(?<!failed )(?<!failing )(?<!bad )"
        r"\b(?:401\(?k\)?|plan|retirement[- ]plan) loans?\s+(?:is|are)\s+"
        r"(?:always\s+|automatically\s+|really\s+|just\s+|basically\s+|technically\s+)?"
        r"(?:an?\s+|treated as\s+(?:an?\s+)?|considered\s+(?:an?\s+)?|counted as\s+(?:an?\s+)?)?"
        r"deemed distributions?\b"
        r"(?![^.!?\n]{0,3}\b(?:only|if|when|once|unless|after|at the end|on the date)\b)", _I)),
    ("myth.loan_is_deemed", re.compile(
        rf"\bwhen you (?:take|borrow)\b{_tempered(40)}?\bloan\b{_GAP}{{0,12}}?,?\s*"
        r"(?:it'?s|it is|that'?s|that is|it counts as|the IRS treats it as)\s+"
        r"(?:an?\s+)?(?:immediate\s+|taxable\s+)?deemed distribution", _I)),

    # -- myth.sixty_days_after_leaving: "you have 60 days to repay after you leave" (of a QPLO)
    ("myth.sixty_days_after_leaving", re.compile(
        rf"\b(?:60|sixty)[- ]days?\s+(?:to|in which to)\s+{_REPAY_OR_ROLL}\b"
        rf"{_GAP}{{0,40}}?\b{_ON_LEAVING}", _I)),
    ("myth.sixty_days_after_leaving", re.compile(
        rf"\b{_ON_LEAVING}\b{_GAP}{{0,60}}?\b(?:have|get|got)\s+"
        rf"(?:only\s+|just\s+)?(?:60|sixty) days\s+to\s+{_REPAY_OR_ROLL}", _I)),
    ("myth.sixty_days_after_leaving", re.compile(
        rf"\b(?:60|sixty) days\s+{_ON_LEAVING}\b{_GAP}{{0,40}}?\bto\s+(?:{_REPAY_OR_ROLL}|pay)",
        _I)),
    ("myth.sixty_days_after_leaving", re.compile(
        rf"\b{_ON_LEAVING}\b{_GAP}{{0,60}}?\b{_MUST}\s+(?:be\s+)?{_REPAY_OR_ROLL}\b"
        rf"{_GAP}{{0,30}}?\bwithin (?:60|sixty) days", _I)),
    ("myth.sixty_days_after_leaving", re.compile(
        rf"\b{_MUST}\s+(?:be\s+)?{_REPAY_OR_ROLL}\b{_GAP}{{0,30}}?"
        rf"\bwithin (?:60|sixty) days\s+{_ON_LEAVING}", _I)),
    ("myth.sixty_days_after_leaving", re.compile(
        rf"\b(?:QPLOs?|qualified plan loan offsets?)\b{_tempered(60, _QPLO_CONTRAST)}?"
        r"\b(?:60|sixty)[- ]days?\b"
        r"(?![^.!?\n]{0,40}\b(?:before|after|from|past|following) (?:the|your) (?:tax )?"
        r"(?:return|filing|due))", _I)),

    # -- myth.rollover_reverses_deemed: "rolling over cash reverses a deemed distribution"
    ("myth.rollover_reverses_deemed", re.compile(
        rf"{_ROLL_OVER}{_tempered(50, _NEGATIONS)}?"
        r"\b(?:reverses?|reversed|undo(?:es)?|undid|cancels?|cancell?ed|erases?|erased|"
        r"wipes? out|wiped out|eliminates?|eliminated|fix(?:es)?|fixed|cures?|cured)\b"
        rf"{_GAP}{{0,20}}?\bdeemed distribution", _I)),
    ("myth.rollover_reverses_deemed", re.compile(
        r"\b(?:you can|you may|you could|it'?s possible to|it is possible to)\s+(?:still\s+)?"
        r"roll(?: it)? over\s+(?:a|the|your|that)\s+deemed (?:loan|distribution)", _I)),
    ("myth.rollover_reverses_deemed", re.compile(
        r"\bdeemed distributions?\s+(?:is|are|can be|may be)\s+"
        r"(?:(?:also\s+)?eligible (?:for|to be)|rolled over|able to be rolled|"
        r"an eligible rollover distribution|eligible rollover distributions)", _I)),

    # -- myth.ninety_day_cure: "plans give you 90 days to cure"
    ("myth.ninety_day_cure", re.compile(
        r"(?<!plan's )(?<!plan\u2019s )(?<!chose )(?<!choose )(?<!chooses )(?<!picks )"
        r"\b(?:the|a|standard|usual|typical|federal|IRS|required|mandatory|automatic)\s+"
        r"(?:90|ninety)[- ]day (?:cure|grace)(?: period| window| rule)?\b", _I)),
    ("myth.ninety_day_cure", re.compile(
        rf"\b(?:plans?|the (?:IRS|law|rules?|regulations?)|you)\b"
        rf"{_tempered(30, r'may|might|could|can|if|some|chose|choose|chooses')}?"
        r"\b(?:give|gives|allow|allows|get|have|has|provide|provides|grant|grants)\b"
        rf"{_GAP}{{0,15}}?\b(?:90|ninety) days\b{_GAP}{{0,25}}?"
        r"\b(?:cure|catch up|make up|make it up|fix)", _I)),
    ("myth.ninety_day_cure", re.compile(
        rf"\b(?:deemed|defaults?|defaulted|taxable)\b{_GAP}{{0,30}}?\b(?:90|ninety) days after "
        r"(?:the|a|your) (?:first )?missed (?:payment|installment)", _I)),

    # -- myth.qplo_sixty_after_due_date: "the QPLO deadline is 60 days from the return due date"
    ("myth.qplo_sixty_after_due_date", re.compile(
        r"\b(?:60|sixty) days\s+(?:after|from|following|past)\s+(?:the|your)\s+"
        r"(?:April 15\s+|tax\s+)?(?:return\s+)?(?:filing\s+)?(?:due date|deadline)", _I)),
    ("myth.qplo_sixty_after_due_date", re.compile(
        rf"\b(?:due date|deadline)\b{_GAP}{{0,30}}?\bplus\s+(?:60|sixty)\s+days", _I)),

    # -- myth.unpaid_after_leaving_is_deemed: it is an offset, not a deemed distribution
    ("myth.unpaid_after_leaving_is_deemed", re.compile(
        rf"\b(?:after|once|when|if) you {_LEAVE}\b{_tempered(80, _EARLIER, contractions=False)}?"
        r"\b(?:is|was|becomes|became|will be|gets|counts as|is treated as|was treated as|"
        r"turns into)\s+"
        r"(?:an?\s+)?(?:treated as\s+(?:an?\s+)?)?deemed (?:distribution|distributed)", _I)),
    ("myth.unpaid_after_leaving_is_deemed", re.compile(
        r"\b(?:unpaid|outstanding|remaining) (?:loan )?(?:balance|loan)\b"
        rf"{_GAP}{{0,40}}?\b(?:after|once|when) you {_LEAVE}\b{_GAP}{{0,30}}?"
        r"\b(?:is|becomes|will be|counts as|is treated as)\s+"
        r"(?:an?\s+)?(?:treated as\s+(?:an?\s+)?)?deemed distribution", _I)),
    ("myth.unpaid_after_leaving_is_deemed", re.compile(
        rf"\bdeemed distributions?\b{_GAP}{{0,40}}?"
        r"\b(?:happens|occurs|is triggered|kicks in|applies)\s+(?:when|after|once|if)\s+"
        rf"you {_LEAVE}", _I)),
    ("myth.unpaid_after_leaving_is_deemed", re.compile(
        r"\b(?:becomes|is|will be|is treated as|will be treated as|turns into)\s+(?:an?\s+)?"
        rf"deemed distribution\b{_tempered(50, _EARLIER, contractions=False)}?"
        rf"\b(?:(?:after|once|when|if|because) you {_LEAVE}"
        r"|(?:after|upon|on) (?:leaving|quitting|separation|separating|(?<!plan )termination))",
        _I)),

    # -- myth.m_means_termination: M is a qualified plan loan offset
    ("myth.m_means_termination", re.compile(
        r"\bcode M\b[^.!?\n]{0,20}?"
        r"\b(?:means|indicates|stands for|signals|signifies|is for|is used for|shows)\b"
        rf"{_tempered(40, r'qualified|offsets?|QPLOs?|plan|not|never|no')}?"
        r"\b(?:termination(?: of employment)?|you (?:left|quit|were (?:fired|terminated|laid off))|"
        r"separation from service|leaving your job|job loss)\b(?! of the plan)", _I)),
    ("myth.m_means_termination", re.compile(
        r"\b(?:code\s+)?M\s+(?:is|=)\s+(?:the\s+)?(?:code|distribution code)\s+for\s+"
        r"(?:an?\s+)?(?:employment\s+)?(?:termination|separation|job loss|leaving)", _I)),

    # -- myth.defaulted_loan_offset_is_ordinary: an offset of a loan already failed or deemed
    #    is not an ordinary (60-day) plan loan offset (issue 10)
    ("myth.defaulted_loan_offset_is_ordinary", re.compile(
        r"\b(?:already|had|previously|earlier)\b[^\n]{0,60}?"
        r"\b(?:deemed|defaulted|failed|fallen short|in default|not in good standing)\b"
        rf"{_PARA_NOT_DENIED}?"
        r"\b(?:is|it's|becomes|counts as|remains|treated as)\s+(?:an?\s+|still\s+an?\s+)?"
        r"ordinary (?:plan loan )?offset", _I)),
    ("myth.defaulted_loan_offset_is_ordinary", re.compile(
        r"\boffsets? of (?:a|an|the|your) (?:loan (?:that was |already )?)?"
        r"(?:defaulted|deemed|failed|delinquent|bad|already[- ]deemed)\b"
        rf"{_tempered(40, _NEGATIONS + '|neither|nor')}?"
        r"\b(?:is|are|counts as|becomes)\s+(?:an?\s+|just\s+an?\s+)?ordinary (?:plan loan )?offsets?"
        r"|\b(?:offsets?|it)\b[^.!?\n]{0,20}\bafter a deemed distribution\b"
        rf"{_tempered(30, _NEGATIONS + '|neither|nor')}?\b(?:is|are|counts as)\s+(?:an?\s+)?ordinary", _I)),

    # -- myth.keep_repaying_after_offset: the offset paid the loan off (issue 10)
    ("myth.keep_repaying_after_offset", re.compile(
        r"\bafter (?:the|your|an|a) (?:loan |plan )?offset\b"
        rf"{_tempered(50, _NEGATIONS + '|nothing')}?"
        r"\b(?:keep|continue|still)\s+(?:to\s+)?(?:re)?pa(?:y|ying|yments?)\b", _I)),
    ("myth.keep_repaying_after_offset", re.compile(
        r"\b(?:keep|continue)\s+(?:making\s+(?:the\s+|your\s+)?(?:loan\s+)?payments|(?:re)?paying)\b"
        r"(?:\s+(?:the|your)\s+loan)?"
        rf"{_GAP}{{0,30}}?\b(?:after|once|even after|following) (?:the|your|it is|it's|the plan) "
        r"(?:loan )?(?:offsets?|offset)\b", _I)),

    # -- myth.offset_within_a_year_is_qplo: only an offset solely because of plan termination or
    #    a severance-caused repayment failure (issue 10)
    ("myth.offset_within_a_year_is_qplo", re.compile(
        r"(?:^|(?<=[.!?\n]))(?:(?!\bsolely\b)[^.!?\n])*?"  # no "solely" earlier in the sentence
        r"\b(?:any|an|every|the|your)\s+(?:loan\s+)?offset\b"
        rf"{_tempered(60, r'solely|only|because|due|caused|reason|not|never|no|unless|if')}?"
        r"\bwithin (?:12 months|a year|one year|twelve months)\b"
        rf"{_tempered(60, r'solely|only|because|due|caused|reason|not|never|no|unless|if')}?"
        r"\b(?:is|it's|counts as|qualifies as|becomes|will be)\s+(?:an?\s+|automatically\s+an?\s+)?"
        r"(?:QPLO|qualified plan loan offset)\b(?!\s+only\b)", _I)),
    ("myth.offset_within_a_year_is_qplo", re.compile(
        r"\b(?:offset|it)\s+is\s+an?\s+(?:QPLO|qualified plan loan offset)\s+(?:when|if)\b"
        rf"{_tempered(80, r'solely|only|because|due|caused|reason')}?"
        r"\bwithin (?:12 months|a year|one year|twelve months)\b", _I)),

    # -- myth.public_safety_any_plan: 72(t)(10) is limited by plan type and date (issue 10)
    ("myth.public_safety_any_plan", re.compile(
        r"\b(?:public[- ]safety (?:employees?|workers?|officers?)|police(?: officers)?|firefighters?)\b"
        rf"{_tempered(40, r'governmental|government|State|local|some|certain|if|when|after|depends|private|not|no')}?"
        r"\b(?:the age is|age is|can use|may use|get|use|qualify (?:at|from))\s+(?:the\s+)?(?:age[- ])?50\b"
        r"(?![^.!?\n]{0,80}\b(?:governmental|government|State or local|2015|2016|2022|depend)\b)", _I)),
    ("myth.public_safety_any_plan", re.compile(
        r"\bage[- ]50\b(?: rule| exception)?[^.!?\n]{0,60}?"
        r"\b(?:any|every|all)\s+(?:401\(k\)|403\(b\)|employer'?s?|plans?|retirement plans?)", _I)),

    # -- myth.secure_act_window: it came from the Tax Cuts and Jobs Act of 2017, §13613
    ("myth.secure_act_window", re.compile(
        rf"\bSECURE (?:Act|2\.0)\b{_GAP}{{0,40}}?"
        r"\b(?:created|introduced|added|gave|brought|established|extended|lengthened|expanded)\b"
        rf"{_GAP}{{0,50}}?\b(?:QPLOs?|qualified plan loan offsets?|loan offsets?|"
        r"extended (?:rollover )?(?:deadline|window|period)|until the (?:tax )?return due date)", _I)),
    ("myth.secure_act_window", re.compile(
        r"\b(?:QPLOs?|qualified plan loan offsets?|extended (?:rollover )?(?:deadline|window|period))\b"
        rf"{_GAP}{{0,60}}?\b(?:came from|comes? from|(?:was|were|is|are) (?:created|introduced|added|"
        r"enacted|established) (?:by|in)|(?:is|are) from|(?:is|are) part of|(?:is|are) a rule of|"
        r"under|thanks to|courtesy of)\s+the SECURE (?:Act|2\.0)", _I)),
    ("myth.secure_act_window", re.compile(
        r"\bSECURE (?:Act|2\.0)(?:'s)?\s+(?:QPLO|qualified plan loan offset|loan offset)\s+"
        r"(?:rule|deadline|window|extension|provision)", _I)),
]

# Cues near the start of a sentence that deny the claim that follows.
_DENIAL = re.compile(
    r"\b(?:not|never)\s+(?:true|the case|correct|right|accurate|so)\b"
    r"|n't\s+(?:true|the case|correct|right|accurate|so)\b"
    r"|\bmyths?\b|\bmisconceptions?\b|\bmistaken(?:ly)?\b|\bwrong(?:ly)?\b|\bfalse\b"
    r"|\bincorrect(?:ly)?\b|\bcontrary to\b|\brather than\b|\binstead of\b|\bnot that\b"
    r"|\bdoes(?:n't| not) mean\b"
    r"|\b(?:think|thinks|believe|believes|assume|assumes|claim|claims|heard)\s+that\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _denied(text: str, start: int) -> bool:
    window = text[max(0, start - 60):start]
    ends = list(_SENTENCE_END.finditer(window))
    if ends:
        window = window[ends[-1].end():]
    return bool(_DENIAL.search(window))


def wrong_claims(text: str) -> List[Tuple[str, str]]:
    """Every wrong claim found in `text`, as (myth topic id, matched text), in text order."""
    found = []
    for topic_id, pattern in MYTH_CLAIMS:
        for match in pattern.finditer(text):
            if not _denied(text, match.start()):
                found.append((match.start(), topic_id, match.group(0)))
    found.sort()
    return [(topic_id, matched) for _, topic_id, matched in found]
