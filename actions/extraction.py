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
5. `left_job`, `plan_terminated` and `loan_in_good_standing` phrases are spans of their
   own; `phrase_value` says whether a phrase means yes ("got laid off", "was current") or
   no ("still work there", "haven't left", "3 payments behind"). "haven't caught up" is a
   `caught_up_on` span whose value is the form's marker "not_caught_up".
6. Whose story (issue 9). Words of another story are cues too, and the values they govern
   are dropped, not relabelled: another loan (car, student, mortgage, HELOC, credit card,
   money lent between people), another plan (dental, health, pension, COBRA), money "in my
   401k" (the account, not the loan), an everyday "left my umbrella at work", "quit
   smoking", another person's job. A sentence about another loan or plan that never names
   ours loses all its values; so does every sentence of a message that never names ours.
7. Is it real yet (issue 9). A clause that speaks of a plan ("about to", "going to", "once
   I", "will", "might", "eligible to"), a phrase that is a plan ("retiring", "lose my job",
   "to retire") and a date that can only be ahead ("next week") give their values the Rasa
   role "planned" (Span.role), which no fact slot takes; a balance is owed now and is never
   planned. Values after a what-if word ("what if", "say I", "can he ... ?") get the role
   "hypothetical": the what_if action reads them, no fact slot does.
8. Relative dates (issue 9): "9 months after I left" is a span "9 months after" labelled by
   its own cue ("offset"), whose `reading` names the anchor's fact ("9 months after
   separation_date") for parse_date / resolve_relative. Two readings of one date ("03-02-2025
   (march 2nd)", "March 2025, on the 14th") are merged into one span, read together.
9. Readings from the story (issue 9, Span.reading): two mentions of one event read "A or B"
   in the last span (unified or a conflict to confirm); an offset or catch-up told after
   dates of one written year, or "that same yr", reads with that year; several missed
   payments: the last span reads as the first (the slot keeps the last entity).

The contract for the dialogue side is in docs/nlu-annotation.md ("What the extractor hands on").

interpretation, following the guide's house conventions as data/nlu.yml applies them:
- spans leave out subjects and articles: "(my employer) [terminated the plan]", "(I)
  [got laid off]" (an auxiliary stays: "got", "was"), "(on the) [15th]";
- a whole message that is a number from 14 to 99 is an age ("41", "fifty-five"): the answer to
  "how old are you?"; "I was 54 when I left" and "retired at 58" are ages too;
- hypotheticals are tagged ("what if I quit in June?"), with the role "hypothetical" since
  issue 9; entities in FAQ questions ("when do I reach 59 1/2?") are found, and the
  intent or the router (actions/routing.py) decides they are not facts.

interpretation, whose job counts (issue 9):
- the speaker's; a benefits person's employee or client ("my employee was laid off 3/14",
  "client termed last month"): the staff voice tells the owner's story;
- a relative's or friend's only when the message ties the loan to them ("her 401k", "my son
  used a 401k loan") and the speaker states no plan loan of their own; a coworker's or
  boss's never. A date governed by a job that does not count is dropped (it used to keep
  its cue's label).
- a 401(k) is the default plan kind: `plan_kind` is tagged for 403(b), 457(b) and TSP, and
  for "401k" only as a bare answer.

interpretation, what is not inferred: the day/month order of "4/2/1968" is asked even when
another date of the message ("7/15/2026") shows month-first writing (the dev set labels it
so, and a birth date read the wrong way moves an age rule by months).

interpretation, what is not tagged:
- a left_job phrase whose subject is someone else ("my husband got laid off", "he quit");
- a value the user takes back ("the offset was in May, not April": no "April");
  "today"/"tomorrow" in "that's it for today", "see you tomorrow";
- a bare number under 100 inside a longer message with no cue ("I have 3 loans");
- a percentage that is neither near "bracket"/"tax rate" nor the whole answer ("they took
  10%", "the 10% penalty"); "0.22" without a bracket cue; "1M" without a code cue (a million);
- relative dates that hang on no named event ("two weeks later") or have no count ("a few
  weeks after I left").
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date
from typing import Dict, List, Optional, Sequence, Set, Tuple

from .parsing.public_safety import find_plan_type_spans, find_role_spans
from .parsing import (find_age_spans, find_amount_spans, find_box7_spans, find_date_spans, find_plan_kind_spans,
                      find_rate_spans, parse_date, parse_plan_kind, read_amount)

PLANNED = "planned"  # the Rasa role of an event that has not happened yet
HYPOTHETICAL = "hypothetical"  # the role of a value in a what-if ("what if I had left in 2024")
DATE_LABELS = ("separation_date", "offset_date", "missed_payment_due_date", "caught_up_on",
               "birth_date", "plan_termination_date", "loan_date", "date")
AMOUNT_LABELS = ("loan_balance", "loan_amount", "amount_rolled_over", "cash_paid_not_rolled_over", "amount")
ENTITY_LABELS = DATE_LABELS + AMOUNT_LABELS + (
    "age", "box7_code", "marginal_tax_rate", "left_job", "plan_terminated", "plan_kind", "loan_in_good_standing",
    "public_safety_role", "plan_type")
PHRASE_LABELS = ("left_job", "plan_terminated", "loan_in_good_standing")


@dataclass(frozen=True, order=True)
class Span:
    """One entity: `text` == message[start:end], `label` one of ENTITY_LABELS.

    `role`: None for a fact, PLANNED for an event that has not happened yet ("about to
    quit in January"): Rasa's from_entity mappings without a role do not take it, so a
    plan never fills a fact slot. `reading`: the text the parsers read when it is not the
    span's own ("9 months after" reads "9 months after separation_date"); `value` is
    what Rasa gets as the entity's value."""

    start: int
    end: int
    label: str
    text: str
    role: Optional[str] = None
    reading: Optional[str] = None

    @property
    def value(self) -> str:
        return self.reading or self.text

    def as_entity(self) -> Dict[str, object]:
        """The Rasa entity dict (without the extractor name and confidence)."""
        entity: Dict[str, object] = {"start": self.start, "end": self.end, "value": self.value,
                                     "entity": self.label}
        if self.role:
            entity["role"] = self.role
        return entity


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
_KIN_WORDS = frozenset("husband wife spouse partner friend dad mom father mother son daughter brother sister "
                       "fiance fiancee boyfriend girlfriend".split())
_K = r"401\s?\(?k\)?"
# Numbers that name things, never values: plan types, forms, boxes, code sections, rules.
_MASKS = re.compile(
    r"\b40[13]\s?\(?[kb]\)?|\b457\s?\(?b\)?|\b1099(?:-?r)?\b|\b(?:5498|5329|1040|4868|8606|5500)\b|"
    r"\bw-?2s?\b|"
    r"\bk-?1\b|\bbox\s*(?:7|seven)\b|\b\d+\s?\([a-z]\)(?:\(\d+\))*|"
    r"\b(?:section|sec\.?|pub(?:lication)?|form|irc)\s*\d+\w*|\brule\s+of\s+\d+|"
    r"\b(?:age\s+)?\d+(?:\s*1/2|½|\.5)?(?:[\s-]*year)?[\s-]+(?:rule|exception|thing|provision)\b|"
    # a form's tax year is no event ("her 2023 1099-R"); an installment is no balance ("$376/mo")
    r"\b(?:19|20)\d\d(?=\s+(?:1099|form|tax\s+(?:return|year|bill|form)|taxes|return|w-?2))", _I)
_INSTALLMENT = re.compile(r"(?<![\w.,/])\$\d(?:[\d,.]*\d)?\s*(?:loan\s+)?(?:payments?|installments?|deductions?)\b|"
                          # ("the $85 loan payment": one installment)
                          r"(?<![\w.,])\$?\d(?:[\d,.]*\d)?k?\s*(?:/\s*(?:mo|month|wk|week|paycheck|pay\s*period)\b|"
                          r"(?:a|per|each|every)\s+(?:month|mo|week|wk|paycheck|pay\s*period|check)\b|"
                          r"(?:bi-?)?(?:monthly|weekly)\b)|"
                          # "monthly payments of $203", "my payments were 150": an installment, no balance
                          r"\b(?:(?:bi-?)?(?:monthly|weekly)\s+|loan\s+|my\s+|the\s+)(?:loan\s+)?"
                          r"(?:payments?|installments?|deductions?)\s+(?:of|are|were|is|was)\s+"
                          r"(?:about\s+|around\s+|like\s+|only\s+|just\s+)?\$?\d(?:[\d,.]*\d)?k?", _I)

_JOB = (r"(?:my|the|that|this|our|his|her|their)\s+(?:job|company|employer|firm|position|role|work|workplace|"
        r"agency|district|school|department|hospital|government|military)")
_LEFT_JOB = tuple(re.compile(p, _I) for p in (
    # no: "haven't left", "didn't get laid off", "never quit", "still work there"
    r"\b(?:haven'?t|have\s+not|hasn'?t|has\s+not|didn'?t|did\s+not|never|not)\s+(?:been\s+|got\s+|get\s+)?"
    r"(?:left|quit|resigned|retired|laid\s+off|fired|let\s+go|separated|terminated)(?:\s+(?:from\s+)?" + _JOB + r")?\b",
    # still employed, in the words people use: "currently employed there", "I'm a current
    # employee", "still at the same company", "still with them", "haven't gone anywhere"
    # (not a new job: "currently employed at a new company", "currently work at Target")
    r"\b(?:currently|presently)\s+(?:still\s+)?employed\b(?!\s+(?:at|with|by|elsewhere|somewhere)\b)",
    r"\b(?:currently|presently)\s+(?:still\s+)?work(?:s|ing)?\s+(?:there|for\s+them|(?:at|for)\s+(?:the\s+same|that)\b)",
    r"\bemployed\s+(?:there|here)\s+(?:currently|still|now)\b", r"\bwork\s+there\s+still\b",
    r"\bstill\s+(?:at|with)\s+(?:the\s+same|my|the|that|this|our)\s+(?:company|employer|job|place|plant|"
    r"hospital|store|firm|school|agency|district|office|job)\b",
    r"\bstill\s+with\s+(?:them|the\s+same\s+(?:company|employer))\b", r"\bstill\s+on\s+(?:the\s+job|staff)\b",
    r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is)\s+(?:still\s+)?(?:a|an)\s+(?:current|active)\s+"
    r"(?:employee|participant)\b",
    r"\bstill\s+(?:an?\s+)?(?:active\s+|fed(?:eral)?\s+|state\s+|city\s+|county\s+|full[\s-]time\s+)?employees?\b", r"\bhaven'?t\s+gone\s+anywhere\b",
    r"\bstill\s+(?:work(?:s|ed|ing)?)(?:\s+(?:there|here|for\s+them|"
    r"for\s+(?:the|my)\s+(?:company|employer)|at\s+(?:the|my)\s+(?:company|job)))?\b",
    r"\bstill\s+(?:am\s+)?(?:technically\s+|officially\s+|currently\s+)?employed\b",
    r"\bstill\s+with\s+us\b", r"\bstill\s+\w+ing\s+(?:at|for)\s+the\s+same\s+(?:\w+\s+)?(?:school|company|employer|"
    r"place|agency|hospital|job|district|store|plant|firm|office)\b", r"\bback\s+(?:at|to)\s+work\b(?!\s+(?:on|in|at)\b)",  # "still employed (there)": the data stops at "employed"
    r"\bstill\s+(?:with|at)\s+(?:the|my)\s+(?:company|employer|job)\b",
    r"\bstill\s+have\s+(?:my|the|that)\s+job\b",
    r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is)\s+still\s+(?:there|here|working)\b",
    r"\bback\s+at\s+(?:my|the)\s+(?:\w+\s+)?job\b",
    # "technically still on the books there", "still on payroll", "still there full time"
    r"\bstill\s+on\s+(?:the\s+|their\s+)?(?:books|payroll|roster|rolls)\b",
    # ("nope still there" alone may be the loan, not the job)
    r"\bstill\s+(?:there|here)\s+(?:full|part)[\s-]?time\b",
    # yes
    r"\bno\s+longer\s+(?:work(?:ing)?|employed)(?:\s+(?:there|for\s+them|at\s+(?:the|my)\s+"
    r"(?:company|job)))?\b",
    r"\b(?:don'?t|do\s+not)\s+work\s+there\s+any\s?more\b", r"\bnot\s+working\s+there\s+any\s?more\b",
    r"(?<!hours\s)(?<!pay\s)(?<!salary\s)(?<!shifts\s)(?<!benefits\s)(?<!case\s)(?<!charges\s)(?<!claim\s)(?<!lawsuit\s)"
    r"\b(?:got|get|was|were|been)\s+(?:all\s+|both\s+)?(?:(?:laid|layed)[\s-]+of+\b|fired|let\s+go|termin?a?t?ed|terminted|"
    r"termed|dismissed|downsized|cut|separated|discharged|forced\s+out|pushed\s+out|outsourced)\b",
    # a benefits person's shorthand: "client terminated last month", "employee termed 3/14"
    r"\b(?:client|employee|participant|member|worker)\s+(?P<p>terminated|terminted|termed|separated)\b",
    r"\b(?:laid|layed)\s+(?:me\s+)?of+\b", r"\blaid-off\b", r"\b(?:fired|terminated|dismissed)\s+me\b", r"\blet\s+me\s+go\b",
    r"\b(?:laid|layed)\s+(?:us|(?:a\s+(?:bunch|lot|few)|half|most|all|some)\s+of\s+us|everyone|everybody)\s+of+\b",
    # HR's words in the first person: "I terminated 9/12", "since I'm terminated"
    r"\b(?:i|i'?m|i\s+am|we|we're)\s+(?P<p>terminated|termed)\b"
    r"(?!\s+(?:the|my|our|a|an|it|him|her|them|his|their|this|that)\b)",
    r"(?<!after\s)(?<!once\s)(?<!when\s)(?<!until\s)(?<!till\s)(?<!before\s)(?<!if\s)"
    r"\b(?:i\s+was|i'?m|i\s+am|i\s+had|i'?d)\s+(?:already\s+|long\s+)?(?P<p>gone)\b(?!\s+(?:to|back|over|through)\b)",
    # how else people say it: "I'm out as of 6/30", "took the early retirement package", "unemployed
    # since June", "no longer with Lowe's", "got my pink slip", "since leaving my old job"
    r"\b(?:i'?m|i\s+am|i\s+was|he'?s|she'?s|he\s+was|she\s+was)\s+(?P<p>out)\s+(?=as\s+of|since|effective)",
    r"\btook\s+(?:the|a|an|my)\s+(?:early[\s-]+retirement|voluntary[\s-]+separation|buyout|severance|"
    r"retirement|separation)(?:\s+(?:package|offer|deal))?\b",
    r"\b(?:been\s+|i'?m\s+|i\s+am\s+|i\s+was\s+)?unemployed\s+(?:since|as\s+of|for)\b",
    r"\bno\s+longer\s+(?:with|at)\s+(?!the\s+(?:plan|loan))\S+",
    r"\b(?:got|received|handed)\s+(?:my|a|the|our)\s+(?:pink\s+slip|walking\s+papers)\b",
    r"\b(?:since|after)\s+(?:leaving|I\s+left)\s+(?:my|the|that)\s+(?:old\s+|last\s+|previous\s+)?"
    r"(?:job|company|employer|one|position)\b",
    r"\bleaving\s+my\s+old\s+(?:one|job)\b",
    r"\bsep[ae]rated\s+from\s+the\s+(?:army|navy|air\s+force|marines?|marine\s+corps|coast\s+guard|"
    r"military|service|guard|reserves?)\b",
    r"\bleft\s+(?:employer|the\s+employer|company|the\s+company)\b",
    # a job named as over: "the loan at my last job", "my former employer offset it"
    r"\b(?:at|from|with|by)\s+my\s+(?:last|old|former|previous|prior|ex)[\s-]+(?:job|employer|company|work)\b",
    r"(?:^|(?<=[.,;!?])\s*|\bmy\s+)(?:former|ex)[\s-]*employer\b",
    r"\bleft\s+(?:" + _JOB + r"|work)\b",
    r"\b(?:quit|resigned|retired)(?:\s+(?:from\s+)?" + _JOB + r")?\b"
    r"(?!\s+(?:paying|making|contributing|the\s+loan|payments?)\b)",
    r"\blost\s+(?:my|the|his|her|our|their)\s+jobs?\b", r"\bleft\s+us\b",
    r"\bwalked\s+away\b(?=\s+(?:at|in|on|this|last|from)\b)", r"\b(?:changed|switched)\s+jobs\b",
    r"\b(?:position|job|role)\s+(?:was|got)\s+(?:eliminated|cut)\b", r"\b(?:was|got)\s+(?:rif'?d|riffed)\b",
    r"\b(?:contract|employment)\s+ended\b",
    # "they walked me out", "after quitting in may", "RIF'd from the agency", "got out of the Marines"
    r"\b(?:walked|escorted)\s+me\s+out\b",
    r"(?:(?<=\bafter\s)|(?<=\bsince\s)|(?<=\bupon\s))(?:quitting|resigning|retiring|leaving(?=\s+(?:in|on|at|last|back|"
    r"early|mid|late|\d))|being\s+(?:laid\s+off|fired|let\s+go|"
    r"terminated|rif'?d))\b",
    r"(?<!was\s)(?<!got\s)\b(?:rif'?d|riffed)\b",
    r"\bgot\s+out\s+of\s+the\s+(?:army|navy|air\s+force|marines?|marine\s+corps|coast\s+guard|military|service)\b",
    # the employer closing takes the job with it ("the company closed its doors in september"),
    # not the plan ("the company shut down the plan")
    r"\b(?:company|employer|business|store|plant|factory|shop|startup|firm|restaurant|clinic|practice)\s+(?:closed\s+"
    r"(?:its|their)\s+doors|shut\s+(?:its|their)\s+doors|went\s+(?:out\s+of\s+business|under|bankrupt|belly[\s-]up)|"
    r"folded|closed\s+down|shut\s+down|closed)\b(?!\s+(?:the|its|our|their|my)\s+(?:\w+\s+)?(?:plan|401|403|457))",
    r"\b(?:owner|they|he|she)\s+closed\s+(?:the|its|our)\s+(?:business|company|store|shop|plant|doors)\b",
    # more ways to say it: a reduction in force, a contract not renewed, a new employer, a
    # former employee, out of work
    r"\b(?:part\s+of|caught\s+in|hit\s+by|in)\s+(?:a|an|the)\s+(?:reduction\s+in\s+force|rif|layoffs?|lay-offs?)\b",
    r"\b(?:contract|job|position)\s+(?:wasn'?t|was\s+not)\s+renewed\b",
    r"\bjob\s+was\s+outsourced\b",
    r"\b(?:took|got|accepted)\s+(?:a|another|a\s+new)\s+job\s+(?:elsewhere|with\s+(?:another|a\s+different)|"
    r"at\s+(?:another|a\s+different))\b",
    r"\b(?:changed|switched)\s+(?:employers|companies)\b",
    r"\b(?:moved|went)\s+to\s+(?:a\s+new|another|a\s+different)\s+(?:company|employer|job)\b",
    r"\bwent\s+to\s+work\s+(?:for|at)\s+(?:a\s+new|another|a\s+different)\s+(?:company|employer)\b",
    r"\b(?:i'?m|i\s+am|he'?s|she'?s)\s+(?:now\s+)?(?:a\s+)?former\s+employee\b",
    r"\bno\s+longer\s+(?:an?\s+)?employee\b",
    r"\b(?:i'?m|i\s+am|i'?ve\s+been|been)\s+out\s+of\s+(?:work|a\s+job)\b",
    r"\b(?:ended|quit|left)\s+my\s+employment\b",
    # the employer went under and took the job along: "the startup folded and my job went with it"
    r"\bmy\s+(?:job|position|role)\s+went\s+with\s+it\b",
    r"\b(?:got\s+)?(?:laidoff|layedoff|canned|sacked)\b", r"\bgot\s+the\s+(?:boot|axe|ax)\b",
    r"\bwalked\s+(?:off|out\s+of|away\s+from)\s+(?:" + _JOB + r"|the\s+job)\b",
    r"\bbailed\s+on\s+(?:that|the|my|this)\s+job\b", r"\bquite\s+(?:my|the)\s+job\b",
    r"\bsep[ae]rated\b(?!\s+from\b)",   # "seperated": a common spelling
    r"\bsep[ae]rated\s+from\s+(?:service|" + _JOB + r")\b",
    r"\bstopped\s+working\s+(?:there|for\s+them|at\s+(?:the|my)\s+(?:company|job))\b",
    # a bare "left": after I/we, or opening a clause before a time ("left in March")
    r"\b(?:i|i've|ive|i\s+have|i\s+had|we)\s+(?P<p>left)\b(?!\s+(?:on\s+(?:the|my|it)\b|over\b|to\s+pay\b))",
    r"(?:^|[.,;!?]\s*|\band\s+)(?P<q>left)\b(?=\s*:?\s+(?:in|on|at|back|last|around|early|mid|late|\d))",
))
_PLAN = r"(?:(?:" + _K + r"|403\s?\(?b\)?|retirement|company)\s+)?plan|" + _K + r"(?:\s+plan)?"
_ENDED = (r"(?:terminated|terminted|termintated|terminating|ended|shut\s+down|shutting\s+down|closed(?!\s+out\b)|discontinued|"
          r"dissolved|wound\s+down)")
_PLAN_TERMINATED = tuple(re.compile(p, _I) for p in (
    r"\b(?:" + _PLAN + r")\s+(?:(?:was|is|got|has\s+been|had\s+been|(?:is|was)\s+(?:being|getting))\s+)?"
    + _ENDED + r"\b",
    r"\b(?:" + _PLAN + r")\s+(?:wasn'?t|was\s+not|isn'?t|is\s+not|hasn'?t\s+been|has\s+not\s+been)\s+"
    + _ENDED + r"\b",
    r"\b(?:" + _PLAN + r")\s+is\s+still\s+(?:active|open|running|going|around|there|in\s+place)\b",
    # the subject is left out, as in data/nlu.yml: "(my employer) [shut down the 401k]"
    r"\b" + _ENDED + r"\s+(?:the|our|my|its|their)\s+(?:old\s+|former\s+|previous\s+|whole\s+)?(?:" + _PLAN + r")(?!\w)",
    r"\bplan\s+termination\b",
))
# Plans, not facts: "about to lose my job", "retiring jan 31", "once I quit". These phrases are
# left_job phrases only ever with the role "planned" (see _PLANNED_MARKERS for the clause).
_PLANNED_LEFT = tuple(re.compile(p, _I) for p in (
    r"\b(?:lose|losing)\s+(?:my|the|this|that|our)\s+job\b|\b(?:lose|losing)\s+it\b",
    r"(?=leav)(?<!after\s)(?<!before\s)(?<!since\s)(?<!when\s)(?<!upon\s)\b(?:leave|leaving)\s+(?:" + _JOB
    + r"|work|the\s+job)\b",  # "after leaving my job": anyone, in a question
    # "-ing" is a plan only with someone doing it ("I'm retiring", "an employee leaving next
    # week", a message opening "retiring jan 31"), not in "after leaving", "money leaving"
    r"(?<!was\sforced\s)(?<!were\sforced\s)(?<!got\sforced\s)(?<!was\smade\s)(?<!was\sasked\s)"
    r"\b(?:to|will|'ll|might|may|could|would|should)\s+"
    r"(?P<p>retire|quit|resign|leave|separate)\b"
    r"(?!\s+(?:it|this|that|things|a|an|the\s+(?:money|loan|balance|funds|account)|my\s+(?:money|balance|account|loan))\b)",
    r"(?=[gb]e)(?<!n't\s)(?<!not\s)(?<!never\s)\b(?:get|getting|being)\s+(?:laid\s+off|fired|let\s+go|terminated|cut|canned)\b",
    r"\bif\s+they\s+(?P<p>cut|fire|lay\s+off)\s+me\b", r"\b(?P<p>layoffs?)\s+(?:are|is)\s+coming\b",
    r"\b(?:force|forced|forcing|push|pushed)\s+(?:me|him|her)\s+out\b",
    r"\b(?:i|we)\s+(?P<p>retire|leave)\b(?=\s+(?:in|on|at|next|this|by|end)\b)",
))
# the first words of the markers: a message without any of them has no marker to look for
_PLANNED_WORDS = frozenset("about going gonna planning plan plans intend intends intending want wants hope hoping "
                           "would should giving putting is "
                           "thinking considering expect expects expecting eligible might may "
                           "will ill shall once soon upcoming away when has have need needs layoff "
                           "layoffs turn turning announced offsets policy".split())
_HYPOTHETICAL_WORDS = frozenset("what hypothetically suppose supposing say if can could should would when once "
                                "let's lets".split())
_PLANNED_ING = re.compile(r"\b(?:retiring|quitting|resigning|separating|leaving)\b"
                          r"(?!\s+(?:the\s+|my\s+)?(?:loan|money|it|payments?)\b)", _I)
_ING_DOER = re.compile(r"(?:\b(?:thinking\s+(?:about|of)|considering|plan\s+on|planning\s+on)\s+|"
                       r"\b(?:i'?m|i\s+am|we'?re|we\s+are|he'?s|she'?s|they'?re|is|are|am)\s+"
                       r"(?:\w+ly\s+|about\s+|just\s+)?|\b(?:employee|client|participant|member|worker|someone|"
                       r"husband|wife|spouse)\s+(?:who\s+is\s+|who'?s\s+)?|(?:^|[.;!?]|\bhere\s*,|\b\d\d\s*,)\s*)$", _I)
_PLANNED_MARKERS = re.compile(
    # interpretation: only words that make the clause's event a plan; "want to know", "I was
    # forced to retire in 2024", "worried because I missed June", "turn in my badge", "once a
    # month", "as soon as I left" are no plans
    r"\b(?:about\s+to|going\s+to|gonna|planning\s+(?:to|on)|plans?\s+to|plans?\s+on\s+\w+ing|"
    r"turn(?:ing)?(?=\s+\d\d\b)|intend(?:s|ing)?\s+to|thinking\s+(?:about|of)|considering|expect(?:s|ing)?\s+to|"
    r"eligible\s+to|might|may\s+(?:lose|leave|quit|retire|get|be|have)|will(?!\s+(?:and|was|is)\b)|"
    r"(?:(?:last|final)\s+day|separation(?:\s+date)?|retirement(?:\s+date)?|termination\s+date)\s+"
    r"(?:would|should|will|is\s+going\s+to|'s\s+going\s+to)\s+be|(?:last|final)\s+day\s+is|"
    r"giving\s+(?:my\s+|two\s+weeks'?\s+)?notice|putting\s+in\s+my\s+(?:two\s+weeks|notice)|"
    r"(?:has|have|needs?)\s+to\s+be\s+(?:paid|repaid)|layoffs?\s+(?:are|is)\s+coming|"
    r"announced\s+(?:layoffs?|(?:a\s+)?(?:reduction|rif|closure))|"
    r"(?<=plan\s)offsets|(?<=policy\s)is|"  # a plan's policy: "the plan offsets 60 days after separation"
    r"(?:i|we|they|he|she|it|you)'ll|\bill\s+(?:be|have|need|get|lose|leave|quit|retire|pay|miss|owe|roll|take|"
    r"probably|prob|likely)|shall|once(?!\s+(?:a|again|more|per|or|in\s+a\s+while)\b)(?=\s+\w)|(?<!as\s)soon|upcoming|"
    r"(?:days?|weeks?|months?|years?|yrs?)\s+away\s+from|"
    r"when\s+(?:i|we|he|she|they)\s+(?:(?:eventually|finally|ever)\s+(?:leave|retire|separate|quit|go)|leave|retire|"
    r"separate|get\s+laid|lose|go|change\s+jobs))\b", _I)
# A what-if or a "can I ...?" question: its values are no facts (the what_if action reads them all)
_HYPOTHETICAL_MARKERS = re.compile(
    r"\b(?:what\s+if|what\s+happens\s+if|hypothetically|suppose|supposing|"
    r"(?<!to\s)(?<!'d\s)(?<!id\s)(?<!would\s)(?<!i\s)say\s+(?:i|we|he|she)\b|"
    r"if\s+(?:i|we|he|she|they)\s+(?:had|were|did|only|just|instead)|if\s+(?:the\s+plan|they|it)\s+|"
    r"(?:if|when|once|say|suppose|let'?s\s+say)\s+(?:you|someone|somebody|a\s+person|an\s+employee)\b)", _I)
# "can he roll over the 85k ...?": an amount asked about is no fact; a date in such a question
# often is ("can I still roll over the 5k they offset in June?")
_ASKED_ABOUT = re.compile(r"\b(?:can|could|should|would)\s+(?:i|he|she|we|they)\b(?=[^.?!\n]*\?)", _I)
# A date that can only be ahead ("next week", "in two weeks", "tomorrow") makes its value a plan.
_AHEAD_DATE = re.compile(r"^(?:next\b|in\s+(?:\d|a\b|an\b|one|two|three|four|five|six|few|couple|several)|"
                         r"tomorrow|this\s+coming)", _I)

# Whose story. Facts come only from the plan loan's story: other loans and other plans, a
# plan's account total, everyday "left ... at work", and other people's jobs are cues
# that claim nearby values for nobody (the value is dropped, not relabelled).
# A loan wanted later is no story of one ("will this hurt my credit for a car loan?")
_WANTED = (r"(?<!for\sa\s)(?<!for\san\s)(?<!get\sa\s)(?<!getting\sa\s)(?<!qualify\sfor\s)(?<!approved\sfor\s)"
           # a loan that paid for the rollover: "rolled 20k into an IRA using HELOC funds"
           r"(?<!using\s)(?<!using\sa\s)(?<!using\smy\s)(?<!using\sher\s)(?<!using\shis\s)(?<!with\sa\s)")
_OTHER_LOAN = (r"\b" + _WANTED + r"(?:car|auto|truck|vehicle|student|school|college|personal|payday|title|boat|rv|"
               r"motorcycle|business|sba|bank|home\s+equity|parent\s+plus|federal)\s+"
               r"(?:loans?|debt|notes?|payments?|lenders?)\b|"
               r"\b" + _WANTED + r"(?:(?:2nd|second|first)\s+)?mortgages?\b|\b" + _WANTED + r"heloc\b|\bcredit[-\s]?cards?(?:\s+(?:debt|bills?))?\b|"
               r"\bcar\s+(?:note|payment)s?\b|"
               r"\b(?:owes|owed|owe)\s+me\b|"
               r"\b(?:tax\s+)?refund\s+(?:got|get|was|being|been)\s+(?:offset|seized|taken|garnished)\b|\bchild\s+support\b|"
               r"\bloan\s+to\s+myself\b|\b(?:campus|perkins|stafford|sallie\s+mae)\s+loans?\b|"
               r"\b(?:borrowed|lent|loaned)\s+(?:\S+\s+){0,2}?(?:from|to)\s+(?:me|us|him|her|them|my\s+(?:brother|sister|"
               r"parents?|mom|dad|friend|uncle|aunt|cousin)\w*)\b|"
               r"\b(?:lent|loaned)\s+(?:my|a|our)\s+(?:brother|sister|parents?|mom|dad|friend|buddy|uncle|aunt|cousin|"
               r"son|daughter|neighbou?r|coworker)\w*\b")
_OTHER_PLAN = (r"\b(?:dental|health|medical|vision|insurance|life\s+insurance|pension|hsa|fsa|cell(?:\s+phone)?|"
               r"phone|data|gym|meal|cafeteria|irs\s+payment|installment|cobra)\s+(?:plans?|coverage|insurance|"
               r"benefits?)\b|\bcobra\b|\bmedicare\b|\bpension\b|"
               # unemployment benefits are another program's story ("how much is unemployment in ohio")
               r"\bunemployment\s+(?:benefits?|insurance|checks?|pay|claims?|office|in\s+[a-z]+)\b|"
               r"\b(?:how\s+much\s+is|file\s+for|apply\s+for|collect(?:ing)?)\s+unemployment\b")
_ACCOUNT_MONEY = (r"\b(?:left\s+|total\s+)?in\s+(?:the|my|his|her|their|our)\s+(?:401\s?\(?k\)?|403\s?\(?b\)?|tsp|account|acct|"
                  r"plan|ira)\b|\b(?:sitting\s+)?in\s+(?:my\s+|the\s+)?(?:savings|checking|the\s+bank|an?\s+emergency\s+fund)\b|"
                  r"(?<!for\sthe\s)\brest\s+of\s+(?:the|my|his|her)\s+(?:account|401\s?\(?k\)?|403\s?\(?b\)?|tsp|balance|money|funds)\b|\baccount\s+(?:balance|value)\b|\bvested\s+balance\b|\btotal\s+balance\b|"
                  r"\b(?:to|into)\s+(?:my|his|her|an?)\s+(?:ira|roth)\s+(?:direct|directly)\b|"
                  # "they sent 65k direct to my IRA": the account rolled over, not the offset
                  # (an offset has no money to send; the user rolls it over from other funds)
                  r"\b(?:sent|transferred|moved)\s+\S+\s+(?:direct(?:ly)?\s+)?(?:to|into)\s+(?:my|his|her|an?)\s+"
                  r"(?:new\s+)?(?:ira|roth|401\s?\(?k\)?|plan)\b")
_EVERYDAY_LEFT = (r"\bleft\s+(?:(?:my|the|a|an|his|her|our|some|it)\s+)?(?:[a-z]+\s+){0,2}?(?:at|in|on)\s+(?:work|"
                  r"the\s+office|the\s+car|home|the\s+bus|the\s+train|my\s+desk)\b|"
                  r"\bleft\s+(?:the\s+office|work\s+(?:early|late|at\b|for\s+the\s+day)|"
                  r"early(?=\s+(?:today|yesterday|this\s+morning|to|for)\b|\s*[.!]|$)|for\s+(?:work|lunch|the\s+day|"
                  r"home|vacation)|(?:a|an)\s+(?:message|voicemail|comment|review|note|tip|email))\b|"
                  r"\bquit\s+(?:smoking|drinking|vaping|drugs|caffeine|coffee|sugar|alcohol|social\s+media|the\s+gym|"
                  r"gym|school|college|the\s+team|cold\s+turkey)\b")
# (pattern, words without which it cannot match): the cheap test keeps the extractor fast
_FOREIGN_PARTS = tuple((re.compile(p, _I), words) for p, words in (
    (_OTHER_LOAN, ("car", "auto", "truck", "vehicle", "student", "school", "college", "personal", "payday", "title",
                   "boat", "rv ", "motorcycle", "business", "sba", "bank", "equity", "parent", "federal", "mortgage",
                   "heloc", "credit", "borrowed", "lent", "loaned", " me", "refund", "myself", "campus", "perkins", "support",
                   "stafford", "sallie")),
    (_OTHER_PLAN, ("dental", "health", "medical", "vision", "insurance", "pension", "hsa", "fsa", "cell", "phone",
                   "data", "gym", "meal", "cafeteria", "irs", "installment", "cobra", "medicare", "unemployment")),
    (_EVERYDAY_LEFT, ("left", "quit")),
))
_FOREIGN_MONEY = re.compile(_ACCOUNT_MONEY, _I)
_OTHER_STORY = re.compile("|".join((_OTHER_LOAN, _OTHER_PLAN)), _I)
_OWN_STORY = re.compile(r"\b(?:40[13]\s?\(?[kb]\)?|457|tsp|thrift|retirement|1099|offset|ofset|deemed|qplo|"
                        r"box\s*7|roll(?:ed)?\s*over|rollover|plan\s+loan|loan\s+from\s+(?:my|the|his|her)\s+plan|"
                        r"loan\s+default|defaulted\s+loan)", _I)
# a relative's or friend's own plan loan: then their job is the story ("her 401k", "his loan")
_THEIR_LOAN = re.compile(r"\b(?:his|her|their)\s+(?:own\s+)?(?:40[13]|457|tsp|loan|plan|retirement|account)|"
                         r"\b(?:he|she)\s+(?:had|has|took|borrowed|owes|owed)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:40[13]|457|tsp|loan)|"
                         r"\b(?:can|could|does|did|will|should)\s+(?:he|she)\s+(?:still\s+)?(?:roll|repay|pay)|"
                         r"\b(?:" + "|".join(sorted(_KIN_WORDS)) + r")'?s\s+(?:40[13]|457|tsp|loan|plan|retirement)|"
                         r"\b(?:" + "|".join(sorted(_KIN_WORDS)) + r")\s+(?:\w+\s+){0,2}?(?:used|took(?:\s+out)?|has|had|"
                         r"borrowed)\s+(?:a|an|his|her|the)\s+(?:\w+\s+)?(?:40[13]|457|tsp|loan)", _I)
# the speaker's own plan loan: then a spouse's or friend's job is not the story
_A_PLAN_LOAN = re.compile(r"\b(?:loans?|40[13]|457|tsp|thrift|offset|1099|deemed|rollover)", _I)
_FIRST_PERSON_LOAN = re.compile(r"\bmy\s+(?:own\s+)?(?:40[13]|457|tsp|loan|plan|retirement)|"
                                r"\bi\s+(?:have|had|took|borrowed|owe|defaulted)\s+(?:a|an|the|my|\$?\d)"
                                r"(?:\S*\s+){0,3}?(?:loan|40[13]|457|tsp)|\bi\s+(?:borrowed|owe|defaulted)\b|"
                                r"\bis\s+mine\b", _I)

# Whether the loan was in good standing, said outright: "I was current", "never missed a
# payment" (yes); "I was behind on it", "3 payments behind", "not current" (no).
_GOOD_STANDING = tuple(re.compile(p, _I) for p in (
    r"\b(?:was|am|been|is|were|stayed|always|kept\s+it)\s+(?:always\s+)?(?:current|up\s+to\s+date)\b"
    r"(?:\s+on\s+(?:it|the\s+loan|(?:my|the)\s+payments|payments))?",
    r"\bnever\s+(?:missed|skipped|been\s+late\s+on)(?:\s+(?:a|one|any)(?:\s+(?:single\s+)?(?:payment|one))?)?\b",
    r"\b(?:was|were|been|am)\s+never\s+(?:late|behind)(?:\s+on\s+(?:it|a\s+payment|(?:the|my|any)\s+(?:loan|payments?)))?\b",
    r"\b(?:in|was\s+in)\s+good\s+standing\b",
    r"\b(?:was|were|am|been|is|got|fell)\s+behind\s+on\s+(?:it|the\s+loan|(?:my|the)\s+(?:loan\s+)?payments|payments)\b",
    r"\b(?:\d|one|two|three|four|five|six)\s+payments?\s+behind\b",
    r"\bfell\s+behind\b", r"\b(?:wasn'?t|was\s+not|weren'?t|were\s+not)\s+behind(?:\s+on\s+(?:anything|it|the\s+loan|payments))?\b",
    r"\b(?:i'?m|im)\s+(?:still\s+)?(?:current|up\s+to\s+date)\b",
    r"(?:^|(?<=[.,;!?])\s*|\band\s+)behind\s+on\s+(?:it|the\s+loan|(?:my|the)\s+(?:loan\s+)?payments|payments)\b",
    r"\b(?:not|wasn'?t|isn'?t|weren'?t)\s+current\b",
))
# "haven't caught up on any of them": the caught_up_on answer "no", as the form stores it
NOT_CAUGHT_UP = "not_caught_up"  # the marker of actions/facts_adapter.py (not imported: no Rasa here)
_NOT_CAUGHT_UP = (re.compile(
    r"\b(?:haven'?t|havent|have\s+not|hasn'?t|didn'?t|didnt|did\s+not|never|not|still\s+not)\s+(?:yet\s+)?(?:got\s+|get\s+)?"
    r"(?:caught|catch|cought|made|make|paid|pay)\s+(?:up|(?:it|them|those)\s+up|(?:it|them|those)\s+back|"
    r"(?:any|none)\s+of\s+(?:it|them|those)\s+(?:up|back))"
    r"(?:\s+on\s+(?:any\s+of\s+)?(?:them|it|those|(?:the|my)\s+(?:missed\s+)?payments))?"
    # "didn't make them up until July 20" is a catch-up on July 20, not none
    r"(?!\s+(?:until|till|til|before)\b)", _I),)
_BEHIND = re.compile(r"\b(?:behind|not|wasn'?t|isn'?t|weren'?t)\b", _I)
# Nothing rolled over, said outright: "didn't roll anything over", "rolled over zero"
NOTHING_ROLLED = "0"
# the user's own, or a clause opening ("nah didnt roll any of it")
_ROLLER = r"(?:^|(?<=[.,;!?])\s*|\b(?:i|we|he|she|and|but|so|nah|nope|no|yeah|yes)\s+)"
_NONE_ROLLED = tuple(re.compile(p, _I) for p in (
    _ROLLER + r"(?P<p>(?:didn'?t|did\s+not|never|couldn'?t|could\s+not|haven'?t|have\s+not|wasn'?t\s+able\s+to)\s+"
    r"(?:roll|rolled)\s+(?:anything|any\s+of\s+it|it|them|a\s+(?:dime|penny|cent))\s+over)\b",
    _ROLLER + r"(?P<p>(?:didn'?t|did\s+not|never|couldn'?t|could\s+not|haven'?t|have\s+not)\s+(?:roll|rolled)\s+"
    r"over\s+(?:anything|any\s+of\s+it|the\s+offset|it|a\s+(?:dime|penny|cent)))\b",
    r"\b(?:rolled|rolling)\s+(?:over\s+)?(?:zero|nothing|none|\$?0)\b(?![.,]\d)",
    r"\b(?:no|zero|nothing)\s+(?:was\s+|got\s+)?rolled(?:\s+over)?\b",
    _ROLLER + r"(?P<p>(?:didn'?t|didnt|did\s+not|never|couldn'?t|could\s+not)\s+(?:roll|rolled)"
    r"(?:\s+(?:it|anything|any\s+of\s+it|them))?(?:\s+over)?)(?=\s*(?:[.,;!?]|$|\b(?:and|but|so|i|because)\b))",
    r"(?:^|(?<=[.,;!?])\s*|\b(?:and|but|so)\s+)(?P<p>no\s+rollover(?:\s+(?:yet|planned|done|made))?)\b"
    r"(?!\s+(?:is|was|possible|allowed|option|rule|needed|required|for)\b)",
))

_NEGATED = re.compile(r"\b(?:still|back|current(?:ly)?|presently|active|haven'?t|have\s+not|hasn'?t|has\s+not|didn'?t|did\s+not|never|"
                      r"not|wasn'?t|was\s+not|isn'?t|is\s+not)\b", _I)
_ANYMORE = re.compile(r"\b(?:any\s?more|no\s+longer)\b", _I)
_SELF = frozenset({"i", "i've", "ive", "i'm", "im", "we", "me"})
# whose loan it may be: a benefits person's employee or client is the story's owner; a
# relative or friend is when the speaker has no plan loan of their own in the message
_STAFF = frozenset("employee employees ee participant participants client clients member members worker "
                   "workers customer customers".split())
_KIN = frozenset(["he", "she"] + list(_KIN_WORDS))
_OTHERS = frozenset("coworker coworkers co-worker colleague colleagues boss manager someone somebody "
                    "everyone people they you".split())  # "how long after you quit ...": anyone

_CUES: Dict[str, str] = {
    "separation_date": r"last\s+day|(?:last|final)\s+pay\s?(?:check|day)|sep[ae]rat\w*|termination\s+date|stopped\s+working|"
                       r"(?:my|his|her|their|mandatory|early)\s+retirement(?!\s+(?:plan|account|savings|fund|money|package))|"
                       r"(?:job|employment)\s+ended|left|quit|resign\w*|retire[ds]?|(?:laid|layed)\s*of+|"
                       r"lay\s*offs?|fired|let\s+(?:me\s+)?go|terminated|terminted|termed|"
                       r"(?<!case\s)(?<!case\sgot\s)(?<!case\swas\s)(?<!charges\swere\s)dismissed|downsized|"
                       r"changed\s+jobs|termination|eliminated|rif'?d|riffed|contract\s+ended",
    "offset_date": r"of+-?set+(?:ted|ting|s)?|of+est|"
                   # "deducted the loan from my account", "the loan was liquidated", "the plan repaid the
                   # loan with my vested balance", "the outstanding loan came out of my balance"
                   r"(?:deducted|subtracted|removed)\s+(?:the\s+(?:loan|balance|amount)|it)\s+from\s+(?:my|the|his|her)|"
                   r"(?:loan|it)\s+(?:was|got)\s+(?:liquidated|zeroed\s+out|cashed\s+out|removed\s+from\s+my\s+account)|"
                   r"liquidated\s+(?:the|my)\s+loan|zeroed\s+out\s+(?:the|my)\s+loan|"
                   r"(?:was|got)\s+(?:paid\s+off|repaid|satisfied)\s+(?:from|with|out\s+of|using)\s+(?:my|the|his|her)\s+"
                   r"(?:vested\s+)?(?:balance|account|money|funds|savings|retirement|" + _K + r")|"
                   r"(?:repaid|satisfied)\s+(?:the|my)\s+loan\s+(?:from|with|out\s+of|using)\s+(?:my|the|his|her)\s+"
                   r"(?:vested\s+)?(?:balance|account|money|funds|" + _K + r")|"
                   r"applied\s+(?:my|the|his|her)\s+(?:vested\s+|account\s+)?balance\s+to\s+the\s+loan|"
                   r"came\s+out\s+of\s+(?:my|the|his|her)\s+(?:vested\s+)?(?:balance|account|" + _K + r")|"
                   r"used\s+my\s+(?:" + _K + r"|account|balance)\s+to\s+(?:pay|cover)\s+(?:off\s+)?(?:the\s+loan|it)|"
                   # "was taken out of my account", "reduced my vested balance by the 12k loan"
                   r"(?:was|got)\s+taken\s+(?:out\s+of|from)\s+(?:my|the|his|her)\s+(?:vested\s+)?(?:balance|account|" + _K + r")|"
                   r"reduced\s+(?:my|the|his|her)\s+(?:vested\s+)?(?:balance|account)\s+by|"
                   # "they took the whole outstanding balance out of my 401k"
                   r"took\s+(?:the\s+)?(?:(?:whole|entire|full|remaining|outstanding|unpaid|loan)\s+)*(?:balance|loan|amount)\s+"
                   r"(?:out\s+of|from)\s+(?:my|the|his|her)\s+(?:vested\s+)?(?:balance|account|" + _K + r"|403\s?\(?b\)?|tsp)|(?:(?:the|my)\s+loan|it)\s+out\s+of\s+my\s+(?:account|balance|"
                   + _K + r")(?:\s+balance)?|closed\s+(?:out\s+)?(?:the|my)\s+loan|"
                   r"loan\s+(?:was\s+|got\s+)?closed(?:\s+out)?|closed\s+out\s+against|"
                   r"used\s+my\s+(?:balance|account|money|savings|funds|retirement|" + _K + r")\s+to\s+pay\s+"
                   r"(?:it\s+|the\s+loan\s+)?off|"
                   r"foreclos\w*|deducted\s+from\s+my\s+(?:payout|distribution|balance|account)|"
                   r"net(?:ted)?\s+(?:the\s+loan\s+|it\s+)?against|"
                   r"paid\s+(?:it|the\s+loan)\s+off\s+(?:using|with|from|out\s+of)\s+my\s+(?:vested\s+)?(?:balance|account|"
                   + _K + r")|paid\s+off\s+(?:the|my)\s+loan\s+(?:using|with|from|out\s+of)\s+my\s+(?:vested\s+)?(?:balance|account|"
                   + _K + r")|"
                   # "took the loan balance ($23k) out of my account": the amount is a value of its own
                   r"took(?=\s+(?:the\s+)?(?:(?:401\s?\(?k\)?|403\s?\(?b\)?|\w+)\s+)?(?:loan|it|balance)[^.;!?]{0,40}?\s+out\s+of\s+(?:my|the|his|her)\s+"
                   r"(?:account|balance|plan|" + _K + r"))|"
                   r"(?<=\)\s)out\s+of\s+(?:my|the|his|her)\s+(?:account|balance|plan|" + _K + r")|"
                   r"took\s+(?:it|the\s+loan|the\s+balance)\s+from\s+(?:my|the|his|her)\s+(?:vested\s+)?(?:balance|account|"
                   + _K + r")",
    "missed_payment_due_date": r"mis+e?d|miss(?:ing)?|skip\w*|default(?:ed)?\s+on|didn'?t\s+pay|did\s+not\s+pay|"
                               r"supposed\s+to\s+(?:come\s+out|be\s+(?:taken|deducted|paid|withheld))|"
                               r"stopped\s+(?:my\s+|the\s+|all\s+)?(?:40[13]\s?\(?[kb]\)?\s+|457\s+|tsp\s+)?(?:loan\s+)?"
                               r"(?:payments?|deductions?)|"
                               r"(?:didn'?t|did\s+not|never|stopped|forgot\s+to)\s+(?:take|taking|deduct|deducting|"
                               r"withhold|withholding)\s+(?:out\s+)?(?:the\s+|my\s+|any\s+)?(?:loan\s+)?payments?|"
                               r"(?:haven'?t|have\s+not|hasn'?t|not)\s+(?:made|paid)\s+(?:a|any|my|the)\s+"
                               r"(?:loan\s+)?payments?(?:\s+since)?|"
                               r"payments?\s+stopped|(?:nothing|no\s+payments?|not\s+a\s+(?:dime|penny))\s+(?:paid|made)\s+since|"
                               r"couldn'?t\s+pay|could\s+not\s+pay|(?:stopped|stoped|quit)\s+(?:paying|"
                               r"making\s+(?:the\s+|my\s+)?payments)|payments?\s+(?:was\s+|were\s+)?due|"
                               r"(?:payroll\s+)?stopped\s+(?:taking|deducting)(?:\s+(?:the\s+)?payments)?|"
                               r"due(?!\s+to\b)|bounced|fell\s+behind|behind|"
                               r"late(?!\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|spring|summer|fall|"
                               r"autumn|winter|last|this|next|19\d\d|20\d\d)|-)",  # "late summer" is a date
    # the object belongs to the cue, so "paid back the missed payments on 7/7" is not a
    # missed payment: the longer cue covers "missed"
    "caught_up_on": r"(?:ca?u?ght\s+(?:everything\s+|it\s+all\s+|them\s+all\s+|it\s+|them\s+|all\s+)?up(?:\s+on)?|"
                    r"(?:didn'?t|didnt|did\s+not)\s+(?:make|pay)\s+(?:them|it|those)\s+(?:up|back)\s+(?:until|till|til)|"
                    r"cought\s+up(?:\s+on)?|catch\s+up(?:\s+on)?|"
                    r"pa[iy]e?d\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:missed\s+|late\s+)?(?:ones|payments?|amounts?)\s+back|"
                    r"pa[iy]e?d\s+(?:(?:it|them|that|everything|what\s+i\s+missed)\s+)?back|made\s+up|repaid|"
                    r"made\s+(?:them|it|those|the\s+payments?)\s+(?:all\s+)?up)"
                    r"(?:\s+(?:all\s+)?(?:the|my|those)\s+(?:missed\s+|late\s+|skipped\s+)?payments?)?|"
                    r"brought\s+(?:it|the\s+loan|everything|my\s+loan)\s+current|current\s+again|"
                    # repaying the whole loan is making it up too: "paid the loan off in full on 3/3"
                    r"pa[iy]e?d\s+(?:it|the\s+loan|the\s+(?:whole\s+|full\s+)?balance|everything)\s+off(?:\s+in\s+full)?|"
                    r"pa[iy]e?d\s+off\s+(?:the|my)\s+(?:whole\s+)?(?:loan|balance)(?:\s+in\s+full)?"
                    r"(?!\s+(?:with|using|from|out\s+of)\s+(?:my|the|his|her)\b)",
    "birth_date": r"born|birthday|birth\s*date|b-?day|dob|date\s+of\s+birth",
    # events that are no fact of ours: the date of a default or a deemed distribution is
    # the rules core's to work out, so a date they govern is dropped
    "foreign_event": r"(?:haven'?t|have\s+not|hasn'?t|has\s+not|didn'?t|did\s+not|not\s+yet|never)\s+(?:been\s+|yet\s+)?"
                     r"of+-?set+(?:\s+(?:it|the\s+loan|my\s+loan))?(?:\s+yet)?|"
                     r"default(?:ed)?(?!\s+on)|went\s+into\s+default|in\s+default|deemed(?:\s+distribut\w+)?|"
                     # the day of a rollover is no fact the rules take (the deadline is theirs)
                     r"into\s+(?:an?|my|the)\s+(?:\w+\s+)?(?:ira|roth)|deposited|"
                     r"rolled\s+(?:(?:it|that|them|the\s+\w+|\S+)\s+)?over",
    "plan_termination_date": r"plan\s+(?:termination|ended|closed|shut\s+down|(?:was\s+)?termin?a?t?ed)|"
                             r"terminat\w+\s+(?:the|our|my)\s+(?:" + _K + r"\s+)?plan",
    "loan_date": r"took\s+(?:out\s+)?(?:the|a|my|this)\s+(?:" + _K + r"\s+)?loan(?!\s+out\s+of)|borrow\w*|"
                 r"took(?:\s+out)?(?=\s+(?:an?|the|my|this)\s+(?:\S+\s+){1,3}?loan\b)|"
                 r"loan\s+(?:started|began|was\s+taken|taken(?:\s+out)?|originated|was\s+made|date|(?:is|was)\s+from)|"
                 r"got\s+(?:the|a|my)\s+loan|started\s+the\s+loan",
    "loan_balance": r"owe[sd]?|owing|bal+ance|bal|outstanding|remaining|unpaid|principal|"
                    r"left\s+on\s+(?:the|my|it)(?:\s+loan)?|on\s+the\s+loan|(?:out\s+)?of\s+the|"
                    r"loan(?:\s+(?:of|was|is|balance))?|of+-?set+(?:ted|ting|s)?|left|pay-?off(?:\s+amount)?|in\s+loans?|"
                    r"to\s+(?:re)?pay(?:\s+back)?(?!\s+(?:\$|~|about\s+)?\d)|on\s+the\s+hook\s+for",
    # what was borrowed, not what is owed now: "borrowed 20k", "took a $10,000 loan", "the
    # original loan was 30k" (the rules core checks the limits with it; the balance is asked)
    "loan_amount": r"borrow\w*|took\s+(?:out\s+)?(?:a|an)(?=\s+(?:~\s*)?\$?\d)|"
                   r"took\s+(?:out\s+)?(?:a|an|the|my)\s+(?:\S+\s+){0,2}?loan\s+(?:of|for)|"
                   r"(?:original|initial|originally)(?:\s+loan)?(?:\s+amount)?(?:\s+was)?|loan\s+amount(?:\s+was)?",
    "amount_rolled_over": r"roll(?:ed|ing)?[\s-]*over|rollover|rol+ed|rol+ing|roll|rolover|"
                          r"(?:put|deposit(?:ed)?|moved?)\s+(?:it\s+|that\s+|back\s+)?(?:in|into|to)\s+"
                          r"(?:an?|my|the)\s+(?:ira|roth|new\s+" + _K + r")|into\s+(?:an?|my)\s+(?:\w+\s+)?(?:ira|roth)|"
                          r"deposit(?:ed|ing)?|"
                          r"ira|replace[ds]?|redeposit(?:ed)?|re-?contribut\w*",
    "cash_paid_not_rolled_over": r"(?:sent|send|mailed)\s+me(?!\s+(?:a|an|the|my)\s+(?:\d{4}\s+)?(?:1099|form|letter|notice|"
                                 r"statement|tax|bill|email|text))|cashed\s+(?:it\s+)?out|cash\s+out|"
                                 r"cash\s+distribution(?:\s+of)?|"
                                 r"che(?:ck|que)\s+for|(?:a\s+)?che(?:ck|que)|paid\s+me|gave\s+me|"
                                 r"received|kept|in\s+cash|(?<!own\s)cash",
    # an age event dates nothing the rules need: "turned 55 in 2023" stays a plain date
    "date": r"turned|turning|turn",
    "rate_yes": r"bracket|tax\s+rate|marginal|taxed\s+at|income\s+tax",
    "rate_no": r"withh\w*|penalt\w*|additional\s+tax|interest|fee|match\w*|vested|of\s+(?:it|the|my|that)",
}
_CUE_PATTERNS = tuple((label, re.compile(r"\b(?:" + p + r")\b", _I)) for label, p in _CUES.items())
_FAMILY = {**{label: "date" for label in DATE_LABELS}, **{label: "money" for label in AMOUNT_LABELS},
           "foreign_date": "date", "foreign_money": "money", "foreign_event": "date"}
_GENERIC = {"date": "date", "money": "amount"}
_KIND_FAMILY = {"date": "date", "amount": "money", "relative": "date"}
_TRANSPARENT = ("mask", "plan_kind", "ps_role", "plan_type")  # values that do not hide cue words ("in my 401k", "401k plan was...")
# "9 months after I left", "the quarter after the offset": the offset part; the anchor is the cue after it
_RELATIVE_AFTER = re.compile(
    r"\b(?:(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:a\s+)?couple(?:\s+of)?)"
    r"\s+(?:days?|weeks?|wks?|months?|mos?|quarters?|years?|yrs?)|the\s+(?:day|week|month|"
    r"quarter|year))\s+(?P<dir>after|later\s+than|before|prior\s+to)\b", _I)
_PAYMENT_NOUN = re.compile(r"\s+(?:loan\s+)?(?:payments?|pmts?|pymnts?|installments?)\b", _I)
_REFERENCE_DAY = date(2024, 12, 31)  # only to check that a merged date reads; no value depends on it

_VALUE_IN_BRACKETS = re.compile(r"\(\s*[~$]?\s*[\d][\d,.]*\s*(?:k|grand|thousand|thou)?\s*"
                                r"(?:left|owed|remaining|even|total|or\s+so|ish|give\s+or\s+take)?\s*\)|"
                                r"(?<=\s)[–—-]+\s*[~$]?\s*\d[\d,.]*\s*(?:k|grand|thousand|thou)?\s*[–—-]+(?=\s)", _I)
_BOUNDARY = re.compile(
    r"[.;!?\n,()]|\s[-–—]+\s|\b(?:but|then|so|because|although|though|while|whereas)\b|"
    r"\band\b(?=\s+(?:i|i'm|im|i've|ive|they|he|she|we|it|my|our|their|then|in|on|the\s+plan|"
    r"the\s+company|the\s+(?:(?:whole|outstanding|remaining|unpaid|401k|old)\s+)?(?:loan|offset|balance|recordkeeper)|"
    r"the\s+(?:401k|403b|tsp|457)\b)\b)|"
    # "borrowed 2k last year and quit 2 weeks ago": a new verb, a new clause
    r"\band\b(?=\s+(?:quit|left|got|was|were|retired|resigned|rolled|missed|skipped|stopped|took|borrowed|"
    r"caught|paid|received|turned|separated|offset|didn'?t|did\s+not|never|couldn'?t|could\s+not)\b)", _I)
# Words that leave a clause a bare list item or a bare answer ("and April", "22% I think").
_FILLERS = frozenset("and or in on of the a an about around roughly approximately approx like "
                     "maybe probably i i'm im think it it's its is was my that just um uh ok okay "
                     "yes yeah yep sure also plus & oh well guess believe pretty at by to".split())
_DATE_WORD_BEFORE = re.compile(r"\b(?:in|since|during|by|until|till|from|before|after|born|year|"
                               r"early|mid|late|around|circa|back\s+in|(?:tax\s+)?(?:day|deadline|season)|"
                               r"(?:taxable|income|taxes?|taxed|returns?|filing|1099s?)\s+(?:for|of))\s+$", _I)
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
    found = [(-1, s, e, "plan_kind") for s, e in find_plan_kind_spans(text)]
    found += [(-1, s, e, "ps_role") for s, e in find_role_spans(text)]
    found += [(-1, s, e, "plan_type") for s, e in find_plan_type_spans(text)]
    found += [(0, m.start(), m.end(), "mask") for m in _MASKS.finditer(text)]
    lowered = text.lower()
    if any(w in lowered for w in ("/", "month", " mo", "week", "wk", "paycheck", "pay period", "check", "payment",
                                  "installment", "deduction")):
        found += [(0, m.start(), m.end(), "mask") for m in _INSTALLMENT.finditer(text)]
    found += [(1, s, e, "box7") for s, e in find_box7_spans(text)]
    found += [(2, s, e, "age") for s, e in find_age_spans(text)]
    found += [(3, s, e, "year" if bare else "date") for s, e, bare in find_date_spans(text)]
    found += [(4, s, e, "rate" if explicit else "fraction") for s, e, explicit in find_rate_spans(text)]
    found += [(5, s, e, "amount") for s, e in find_amount_spans(text)]
    return _merge_readings(text, _claim(found))


_IN_BRACKETS = re.compile(r"\s*\(\s*")
_DAY_AFTER = re.compile(r",?\s+(?:on\s+|around\s+)?(?:the\s+)?", _I)
_DAY_ONLY = re.compile(r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)", _I)


def _merge_readings(text: str, values: List[_Piece]) -> List[_Piece]:
    """Two readings of one date become one value, read together by parse_date: "03-02-2025
    (march 2nd)", "March 2025, on the 14th". A written year then wins over a guess."""
    merged: List[_Piece] = []
    for value in values:
        previous = merged[-1] if merged else None
        if previous and previous.kind in ("date", "year") and value.kind in ("date", "year"):
            gap, after = text[previous.end:value.start], text[value.end:]
            closing = re.match(r"\s*\)", after) if _IN_BRACKETS.fullmatch(gap) else None
            end = value.end + closing.end() if closing else value.end
            day_added = _DAY_AFTER.fullmatch(gap) and _DAY_ONLY.fullmatch(text[value.start:value.end])
            if (closing or day_added) and not parse_date(text[previous.start:end], _REFERENCE_DAY).error:
                merged[-1] = _Piece(previous.start, end, "date")
                continue
        merged.append(value)
    return merged


# ---- 2. clauses ------------------------------------------------------------------------
class _Message:
    """The text with its claimed values, clause boundaries and cues."""

    def __init__(self, text: str, values: List[_Piece]):
        self.text, self.values = text, values
        self.bounds: List[int] = []  # where each boundary starts; self.ends: where it ends
        self.ends: List[int] = []
        asides = [(m.start() - 1, m.end() + 1) for m in _VALUE_IN_BRACKETS.finditer(text)]
        for m in _BOUNDARY.finditer(text):
            if any(v.start <= m.start() < v.end for v in values):
                continue  # the comma in "March 14, 2025" or "12,450"
            if any(start <= m.start() < end for start, end in asides):
                continue  # "offset my loan ($11,870) on November 14": an aside, not a new clause
            if self.ends and not text[self.ends[-1]:m.start()].strip():
                continue  # ", and": one boundary, not an empty clause between two
            self.bounds.append(m.start())
            self.ends.append(m.end())
        lowered = text.lower()
        self.cues: List[_Piece] = []
        self.families: Dict[_Piece, Optional[str]] = {}  # value -> "date" / "money" / None
        self.planned_phrases: Set[_Piece] = set()
        words = set(re.findall(r"[a-z']+", lowered))
        self.planned_clauses = ({self.clause(m.start()) for m in _PLANNED_MARKERS.finditer(text)}
                                if words & _PLANNED_WORDS or "'ll" in lowered else set())
        found = [(part, m) for part, (pattern, words) in enumerate(_FOREIGN_PARTS)
                 if any(w in lowered for w in words) for m in pattern.finditer(text)]
        self.foreign = [_Piece(m.start(), m.end(), "foreign") for _, m in found]
        self.other_story = any(part < 2 for part, _ in found)  # another loan or plan is named
        self.hypothetical_from: Dict[int, int] = {}  # clause -> where its first what-if word starts
        self.asked_from: Dict[int, int] = {}
        for m in (_HYPOTHETICAL_MARKERS.finditer(text) if words & _HYPOTHETICAL_WORDS else ()):
            self.hypothetical_from.setdefault(self.clause(m.start()), m.start())
        for m in (_ASKED_ABOUT.finditer(text) if "?" in text else ()):
            self.asked_from.setdefault(self.clause(m.start()), m.start())
        self.relative: Dict[_Piece, Tuple[str, _Piece]] = {}  # "9 months after" -> (its text, anchor cue)

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
# words without which a kind of phrase cannot match (lower case)
_PHRASE_WORDS = {
    "planned_left": ("leav", "los", "retir", "quit", "resign", "separat", "get", "being", "force", "push", "cut",
                     "fire", "layoff"),
    "plan_terminated": ("plan", "401", "403", "termin", "shut", "clos", "end", "dissol", "wound", "discontinu"),
    "loan_in_good_standing": ("current", "never", "standing", "behind"),
    "caught_up_on": (" up", "back"),
    "amount_rolled_over": ("roll",),
}


def _phrase_pieces(message: _Message) -> Tuple[List[_Piece], List[_Piece]]:
    """(the left_job / plan_terminated phrases to tag, other people's job phrases). A
    phrase saying a plan ("about to lose my job") is tagged and marked planned."""
    found = []
    # a plan's phrase first: "is being laid off" is a plan, though "laid off" alone is a fact
    kinds = ((_PLANNED_LEFT, "planned_left"), (_PLAN_TERMINATED, "plan_terminated"), (_LEFT_JOB, "left_job"),
             (_GOOD_STANDING, "loan_in_good_standing"), (_NOT_CAUGHT_UP, "caught_up_on"),
             (_NONE_ROLLED, "amount_rolled_over"))
    lowered = message.text.lower()
    for tier, (patterns, label) in enumerate(kinds):
        if label in _PHRASE_WORDS and not any(w in lowered for w in _PHRASE_WORDS[label]):
            continue  # a cheap test first: most messages have no such phrase
        for m in (m for pattern in patterns for m in pattern.finditer(message.text)):
            # a bare "left" is matched with its subject or clause start, which the span leaves out
            group = next((g for g in ("p", "q") if g in m.re.groupindex and m[g]), 0)
            found.append((tier, *m.span(group), label))
    # "-ing" is a plan only with someone doing it ("I'm retiring", "an employee leaving next
    # week", a message opening "retiring jan 31"), not in "after leaving", "money leaving"
    found += [(0, m.start(), m.end(), "planned_left") for m in _PLANNED_ING.finditer(message.text)
              if _ING_DOER.search(message.text, max(0, m.start() - 30), m.start())
              and (m.start() >= 30 or _ING_DOER.search(message.text[:m.start()]))]
    everyday = message.foreign
    pieces = [p for p in _claim(found)
              if not any(p.overlaps(v) for v in message.values if v.kind not in _TRANSPARENT)
              and not any(p.overlaps(f) for f in everyday) and not _other_plan_before(message.text, p)]
    for piece in pieces:
        if piece.kind == "planned_left":
            message.planned_phrases.add(piece)
    pieces = [_Piece(p.start, p.end, "left_job") if p.kind == "planned_left" else p for p in pieces]
    message.planned_phrases = {_Piece(p.start, p.end, "left_job") for p in message.planned_phrases}
    # "still employed but not for long": neither a fact nor a dated plan
    pieces = [p for p in pieces if not (p.kind == "left_job" and re.match(
        r"\s*,?\s*(?:but\s+)?(?:not\s+for\s+(?:long|much\s+longer)|for\s+now)\b", message.text[p.end:], _I))]
    others = [p for p in pieces if p.kind == "left_job" and not _about_the_user(message, p)]
    return [p for p in pieces if p not in others], others


def _other_plan_before(text: str, phrase: _Piece) -> bool:
    """ "our dental plan got terminated": another plan's news, not the loan's plan."""
    return phrase.kind == "plan_terminated" and bool(re.search(
        r"\b(?:dental|health|medical|vision|insurance|pension|cobra|phone|gym|cafeteria)\s+$", text[:phrase.start], _I))


def _about_the_user(message: _Message, phrase: _Piece) -> bool:
    """Whether a left_job phrase is about the loan's owner. The speaker ("I quit", "they let
    me go") is; so is a benefits person's employee or client ("my employee was laid off");
    a relative or friend is when the message ties the loan to them and the speaker states no
    plan loan of their own ("my daughter got laid off and she still has a loan on her 401k",
    not "my wife quit her job"); a coworker or boss never is."""
    text = message.text[phrase.start:phrase.end].lower()
    if re.search(r"\b(?:me|us)\b", text) or re.match(r"\s+me\b", message.text[phrase.end:], _I):  # "if they cut me"
        return True
    start, _ = message.clause_range(message.clause(phrase.start))
    words = re.findall(r"[\w'-]+", message.text[max(0, start - 80):phrase.start].lower())
    for position, word in enumerate(reversed(words[-8:])):
        if word in _SELF and position < 4:
            return True
        if word in _STAFF:
            return True
        if word in _KIN:
            # "my brother got fired ..., 401k loan balance 9,640": theirs when the message is
            # about a plan loan and the speaker tells none of their own ("my wife quit her
            # job; my 401k loan ..." is the speaker's; "my husband got laid off" alone, no story)
            return bool(_STAFF & set(words)) or (bool(_A_PLAN_LOAN.search(message.text))
                                                 and not _FIRST_PERSON_LOAN.search(message.text))
        if word in _OTHERS and position < 4:
            return False
    return True


def _cue_pieces(message: _Message, phrases: List[_Piece], others: List[_Piece]) -> List[_Piece]:
    """Cue words, plus the yes-phrases as cues. Within a kind (dates, money, rates) the
    longest of overlapping cues wins ("quit paying" over "quit"); across kinds a cue inside
    a longer one goes ("left" inside "left on the loan"), but "took a loan" (a date cue) and
    "loan of" (a money cue) may share a word. Another story's words (a car loan, a dental
    plan, money "in my 401k", a coworker who quit) are cues too, and win their overlaps:
    the values they govern are dropped."""
    cue_of = {"left_job": "separation_date", "plan_terminated": "plan_termination_date"}
    found = [_Piece(p.start, p.end, cue_of[p.kind]) for p in phrases
             if p.kind in cue_of and phrase_value(p.kind, message.text[p.start:p.end])]
    # "I fell behind on payments in June": a loan behind dates the missed payment
    found += [_Piece(p.start, p.end, "missed_payment_due_date") for p in phrases
              if p.kind == "loan_in_good_standing" and not phrase_value(p.kind, message.text[p.start:p.end])]
    found += [_Piece(p.start, p.end, "foreign_date") for p in others]
    for m in message.foreign:
        found += [_Piece(m.start, m.end, "foreign_date"), _Piece(m.start, m.end, "foreign_money")]
    found += [_Piece(m.start(), m.end(), "foreign_money") for m in _FOREIGN_MONEY.finditer(message.text)]
    blocked = [v for v in message.values if v.kind not in _TRANSPARENT] + phrases
    for label, pattern in _CUE_PATTERNS:
        for m in pattern.finditer(message.text):
            piece = _Piece(m.start(), m.end(), label)
            if not any(piece.overlaps(b) for b in blocked):
                found.append(piece)
    families = {_cue_family(c.kind) for c in found}
    kept = [c for f in families for c in _claim([(-1 if c.kind.startswith("foreign") else 0, c.start, c.end, c.kind)
                                                  for c in found if _cue_family(c.kind) == f])]
    # "took a 401k loan in Jan 2025, 8,000": the loan date's cue leaves "loan" to the money;
    # "took a $10,000 loan on june 1": the taking dates the loan and tells its amount
    return [c for c in kept if not any(_inside(c, other) and other.kind != "loan_date"
                                       and (c.kind, other.kind) != ("loan_date", "loan_amount") for other in kept)]


def _inside(inner: _Piece, outer: _Piece) -> bool:
    longer = outer.end - outer.start > inner.end - inner.start
    return longer and outer.start <= inner.start and inner.end <= outer.end


# ---- 4. labels -------------------------------------------------------------------------
# "offset on 7/21/2025 after I quit": what follows the conjunction is another event
_EVENT_AFTER = re.compile(r"^\W*(?:after|before|since|when|once|until|till|because|as\s+soon\s+as)\b"
                          r"(?:\s+(?:i|we|he|she|they|you|my|his|her|the|their|our))?\s*$", _I)


def _nearest(value: _Piece, cues: Sequence[_Piece], text: str = "") -> Optional[_Piece]:
    """The closest cue. A cue after the value counts double: English puts the verb first
    ("left in 2024"), so "turned 55 in 2023 and separated" dates the birthday. A cue after
    "after", "before", "when" names another event ("offset 9/30 after I resigned in August")
    and never governs the value before it."""
    def distance(cue: _Piece) -> Tuple[int, int]:
        return (value.start - cue.end, 0) if cue.end <= value.start else (2 * (cue.start - value.end), 1)
    usable = [c for c in cues if c.end <= value.start or not _EVENT_AFTER.match(text[value.end:c.start])]
    return min(usable, key=distance) if usable else None


def _year_family(message: _Message, value: _Piece) -> str:
    """A lone "2024" is a date unless money words govern it ("owed 2000", "2000 dollars")."""
    if _DATE_WORD_BEFORE.search(message.text[:value.start]):
        return "date"
    if re.match(r"\s*(?:dollars|bucks)\b", message.text[value.end:], _I):
        return "money"
    index = message.clause(value.start)
    cues = message.cues_in(index, "date") + message.cues_in(index, "money")
    cue = _nearest(value, cues, message.text)
    return _cue_family(cue.kind) if cue else "date"


def _governing_label(message: _Message, value: _Piece, family: str,
                     previous: Optional[Tuple[str, int, Optional[_Piece]]]) -> Tuple[str, Optional[_Piece]]:
    """The value's label and the cue that gave it (None for a list item or the generic label)."""
    index = message.clause(value.start)
    cues = message.cues_in(index, family)
    if value in message.relative:  # the anchor names the event it hangs on, not this value's fact
        cues = [c for c in cues if c != message.relative[value][1]]
    cue = _nearest(value, cues, message.text)
    if cue and family == "date" and cue.kind in ("caught_up_on", "missed_payment_due_date") \
            and _PAYMENT_NOUN.match(message.text, value.end):
        return "missed_payment_due_date", cue  # "made up the March payment in April": March was missed
    if cue:
        return cue.kind, cue
    if previous and message.is_bare(index) and (message.continues(index, previous[1]) or index == previous[1] + 1):
        return previous[0], previous[2]  # "..., April and May": a list goes on; "... 2025. march 2025" refines
    if family == "date" and _PAYMENT_NOUN.match(message.text, value.end) and any(
            c.kind == "missed_payment_due_date" and message.continues(index, message.clause(c.start))
            for c in message.cues if c.start < value.start):
        return "missed_payment_due_date", None  # "missed my march pmt and my april pymnt"
    for neighbour in (index - 1, index + 1):  # "I got laid off, it was March 3"
        if 0 <= neighbour <= len(message.bounds) and not _has_value(message, neighbour, family):
            cue = _nearest(value, message.cues_in(neighbour, family), message.text)
            if cue:
                return cue.kind, cue
    return _GENERIC[family], None


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


def _labels(message: _Message) -> List[Tuple[_Piece, str, Optional[str]]]:
    """(value, label, role) for every value that is an entity; foreign-labelled values are dropped."""
    message.families = {v: (_year_family(message, v) if v.kind == "year" else _KIND_FAMILY.get(v.kind))
                        for v in message.values}
    labelled, previous = [], {}
    for value in message.values:
        if _dismissed(message, value):
            continue
        family, cue = message.families[value], None
        if family:
            label, cue = _governing_label(message, value, family, previous.get(family))
            previous[family] = (label, message.clause(value.start), cue)
        elif value.kind in ("rate", "fraction"):
            label = _rate_label(message, value)
        elif value.kind == "plan_kind":
            label = _plan_kind_label(message, value)
        elif value.kind in ("ps_role", "plan_type"):
            label = "public_safety_role" if value.kind == "ps_role" else "plan_type"
        else:
            label = {"box7": "box7_code", "age": "age"}.get(value.kind)
        if label and not label.startswith("foreign"):
            role = _event_role(message, value, label, cue) if family else _age_role(message, value, label)
            labelled.append((value, label, role))
    return _only_amount_is_the_loan(message, labelled)


def _only_amount_is_the_loan(message: _Message, labelled: List[Tuple[_Piece, str, Optional[str]]]):
    """ "they closed out the loan June 30 2025, about 12k": in a message about the loan, a lone
    amount with no cue of its own is the loan's balance. interpretation: only when it is the
    message's one amount and the message is not just the amount (then it answers a question)."""
    amounts = [item for item in labelled if item[1] in AMOUNT_LABELS]
    if len(amounts) != 1 or amounts[0][1] != "amount" or not re.search(r"\bloan\b", message.text, _I):
        return labelled
    value = amounts[0][0]
    if message.is_bare(message.clause(value.start)) and len(message.bounds) == 0:
        return labelled
    return [(v, "loan_balance" if v is value else label, role) for v, label, role in labelled]


def _age_role(message: _Message, value: _Piece, label: str) -> Optional[str]:
    """ "what if I was already 59 and a half when they offset it": a supposed age; "separating
    at 51", "retiring at 56 next year": the age at a planned leaving, not the age today."""
    if label != "age":
        return None
    if _supposed(message, value):
        return HYPOTHETICAL
    at_event = re.search(r"\bat\s+(?:age\s+)?$", message.text[max(0, value.start - 10):value.start], _I)
    planned_here = any(message.clause(p.start) == message.clause(value.start) and p.start < value.start
                       for p in message.planned_phrases)
    return PLANNED if at_event and planned_here else None


def _supposed(message: _Message, piece: _Piece) -> bool:
    """After a what-if word in its clause: "what if I had left in 2024" (not "I owe 8k if
    they cut me", where the condition follows the fact); an amount after "can I ...?"."""
    clause = message.clause(piece.start)
    if message.hypothetical_from.get(clause, len(message.text)) < piece.start:
        return True
    return message.families.get(piece) == "money" and message.asked_from.get(clause, len(message.text)) < piece.start


def _plan_kind_label(message: _Message, value: _Piece) -> Optional[str]:
    """403(b), 457(b) and TSP are named; a 401(k) is the product's default and is named only
    as an answer ("it's a 401k"), so that every message about "my 401k loan" fills no slot."""
    if parse_plan_kind(message.text[value.start:value.end]) != "401k":
        return "plan_kind"
    rest = (message.text[:value.start] + " " + message.text[value.end:]).lower()
    words = re.findall(r"[\w']+", rest)
    return "plan_kind" if all(w in _FILLERS or w in ("plan", "loan", "one", "its", "a") for w in words) else None


def _role(message: _Message, value: _Piece, cue: Optional[_Piece]) -> Optional[str]:
    """PLANNED when the value belongs to an event that has not happened: its clause or its
    cue's clause says so ("about to", "once I", "will", "retiring"), or the date can only
    be ahead ("next week", "in two weeks")."""
    clauses = {message.clause(value.start)}
    if cue is not None and cue.start < value.start:  # "about to lose it, prob in january"
        clauses.add(message.clause(cue.start))
    if _supposed(message, value):
        return HYPOTHETICAL
    if clauses & message.planned_clauses:
        return PLANNED
    if cue is not None and any((p.start, p.end) == (cue.start, cue.end) for p in message.planned_phrases):
        return PLANNED
    if message.families.get(value) == "date" and _AHEAD_DATE.match(message.text[value.start:value.end]):
        return PLANNED
    return None


def _event_role(message: _Message, value: _Piece, label: str, cue: Optional[_Piece]) -> Optional[str]:
    """The role of a date or an amount; a balance is a state, not an event, and is never a plan
    ("once I quit in January my 9k loan will get offset": the 9k is owed now)."""
    role = _role(message, value, cue)
    return None if role == PLANNED and label == "loan_balance" else role


def _phrase_role(message: _Message, phrase: _Piece) -> Optional[str]:
    """ "retiring", "about to lose my job", "once I quit": a plan; "still work there" is a
    fact whatever the clause says."""
    if _supposed(message, phrase):
        return HYPOTHETICAL
    if phrase in message.planned_phrases:
        return PLANNED
    planned = message.clause(phrase.start) in message.planned_clauses
    return PLANNED if planned and phrase_value(phrase.kind, message.text[phrase.start:phrase.end]) else None


def _relative_values(message: _Message) -> List[_Piece]:
    """ "9 months after I left": a value whose reading names its anchor fact ("9 months
    after separation_date"), the anchor being the first date cue within a few words."""
    found = []
    lowered = message.text.lower()
    if " later" in lowered:
        found += _later_values(message)
    if not any(w in lowered for w in (" after", " before", "later than", "prior to")):
        return found
    for m in _RELATIVE_AFTER.finditer(message.text):
        piece = _Piece(m.start(), m.end(), "relative")
        if any(piece.overlaps(v) for v in message.values if v.kind not in _TRANSPARENT):
            continue
        anchors = [c for c in message.cues if _cue_family(c.kind) == "date" and c.kind in DATE_LABELS
                   and c.kind != "date" and m.end() <= c.start <= m.end() + 30]
        if anchors:
            anchor = min(anchors, key=lambda c: c.start)
            said = " ".join(message.text[m.start():m.start("dir")].split())
            message.relative[piece] = (f"{said} {m['dir'].lower()} {anchor.kind}", anchor)
            found.append(piece)
    return found


# "Resigned Sept 5th. The loan got closed out 60 days later": counted from the event told before it
_LATER = re.compile(r"\b(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"(?:a\s+)?couple(?:\s+of)?)\s+(?:days?|weeks?|wks?|months?|mos?)\s+later\b(?!\s+than)", _I)


def _later_values(message: _Message) -> List[_Piece]:
    """ "60 days later": a value reading "60 days after <the last event dated before it>"."""
    found = []
    for m in _LATER.finditer(message.text):
        piece = _Piece(m.start(), m.end(), "relative")
        if any(piece.overlaps(v) for v in message.values if v.kind not in _TRANSPARENT):
            continue
        # the event told before it: the last date cue before the last date value before it
        dated = [v for v in message.values if v.kind in ("date", "year") and v.end <= m.start()]
        if not dated:
            continue
        cues = [c for c in message.cues if c.kind in DATE_LABELS and c.kind != "date" and c.end <= dated[-1].start]
        if not cues:
            continue
        anchor = cues[-1]
        said = " ".join(message.text[m.start():m.end()].split()[:-1])
        message.relative[piece] = (f"{said} after {anchor.kind}", anchor)
        found.append(piece)
    return found


_WRITTEN_YEAR = re.compile(r"\b(?:19|20)\d\d\b|^\d{1,2}[/.-]\d{1,2}[/.-](?P<yy>\d{2})$|'(?P<y2>\d\d)\b")
_SAME_YEAR = re.compile(r"\s*,?\s+(?:of\s+)?(?:that|the)\s+same\s+(?:year|yr)\b", _I)
_NAMED_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\bq[1-4]\b", _I)


def _written_year(said: str) -> Optional[int]:
    m = _WRITTEN_YEAR.search(said)
    if not m:
        return None
    two = m["yy"] or m["y2"]
    return (2000 + int(two) if int(two) < 70 else 1900 + int(two)) if two else int(m.group())


_FOLLOWING_EVENTS = ("offset_date", "caught_up_on")


_MONTH_DAY = re.compile(r"(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])")


def _month_without_year(said: str) -> bool:
    return bool(_MONTH_DAY.fullmatch(said) or (_NAMED_MONTH.search(said) and _written_year(said) is None))


def _years_from_context(message: _Message, pieces) -> Dict[_Piece, str]:
    """A month without a year in a story whose dates carry one year takes it: "laid off
    3/14/25, they took it out end of Q2 that same yr" (said), "the plan terminated 6/30/2025
    and they offset it in august" (a story told in order). interpretation: only a named month
    (not "the 14th", not "last week"), only when the earlier dates of the message name one
    year and the month then falls on or after them; otherwise the parser's most recent past
    reading stands. Told in order means an event that follows the earlier ones: an offset
    (after leaving, a termination, a missed payment) or a catch-up; a missed payment after
    "took the loan in January 2023" may be years later and keeps the parser's reading.
    The reading is "august 2025", so the dialogue shows the year it used."""
    readings: Dict[_Piece, str] = {}
    dates = [(piece, label, message.text[piece.start:piece.end]) for piece, label, role in
             sorted(pieces, key=lambda item: item[0].start)
             if label in DATE_LABELS and piece.kind in ("date", "year") and not role]
    if not any(_month_without_year(said) for _, _, said in dates[1:]):
        return readings  # nothing to take a year (most messages): no parsing
    earlier: List[Tuple[int, date]] = []
    for piece, label, said in dates:
        year = _written_year(said)
        if year is not None:
            reading = parse_date(said, _REFERENCE_DAY)
            if reading.start is not None:
                earlier.append((year, reading.start))
            continue
        years = {y for y, _ in earlier}
        if len(years) != 1 or not _month_without_year(said):
            continue
        # "offset on 4/30" after "quit on the 1st of march 2025": 4/30/2025
        candidate = f"{said}/{years.pop()}" if _MONTH_DAY.fullmatch(said) else f"{said} {years.pop()}"
        reading = parse_date(candidate, _REFERENCE_DAY)
        said_same = _SAME_YEAR.match(message.text, piece.end)
        follows = label in _FOLLOWING_EVENTS and reading.start is not None and reading.start >= max(d for _, d in earlier)
        if reading.start is not None and (said_same or follows):
            readings[piece] = candidate
    return readings


# one event each: two different dates for one of them in one message must be confirmed
_SINGLE_EVENTS = ("separation_date", "offset_date", "plan_termination_date", "birth_date", "loan_date")
# A user correcting themself; "when does it actually default?" and "I'm not sure" are none
_CORRECTION = re.compile(r"\b(?:i\s+mean|sorry|correction|instead|wait|oops|i\s+said|typo|rather|scratch\s+that)\b|"
                         r"(?:^|[.,;!?]\s*|\b(?:no|oh|wait|sorry)\s+)actually\b|\bactually\s*,|"
                         r"\bactually\s+(?:it|i|the|my|that|they|he|she)\s+(?:was|were|left|quit|is|happened|did)\b|"
                         r",\s*not\b|\bnot\s+(?=\$?\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", _I)


def _disagreements(message: _Message, pieces, readings: Dict[_Piece, str]) -> Dict[_Piece, str]:
    """Two mentions of one event are read together: the last span (the one a Rasa slot
    keeps) reads "A or B". parse_date unifies them when they agree ("left in 2024 ... left
    my job in May" is May 2024: the written year is not lost) and reports a conflict to
    confirm when they cannot both be true ("offset 3/2/2025 ... offset it on March 5").
    Not when the user corrects themself ("actually", "I said June before but"): the last
    one is then meant."""
    if _CORRECTION.search(message.text):
        return {}
    changed: Dict[_Piece, str] = {}
    for label in _SINGLE_EVENTS:
        said = [readings.get(p, message.text[p.start:p.end]) for p, lab, role in pieces
                if lab == label and role is None and p not in message.relative]
        if len(said) < 2:
            continue
        either = " or ".join(dict.fromkeys(said))
        if " or " in either and not parse_date(either, _REFERENCE_DAY).error:
            last = max((p for p, lab, role in pieces if lab == label and role is None), key=lambda p: p.start)
            changed[last] = either
    # "missed the March, April and May payments": the first missed installment starts the cure
    # period; a Rasa slot keeps the last entity, so the last one carries the first one's reading.
    # interpretation: people list missed payments in the order they fell due
    # "I rolled $6,000 to an IRA in April and another $4,000 in June": rolled over in parts,
    # the last span reads their sum
    rolled = sorted((p for p, lab, role in pieces if lab == "amount_rolled_over" and role is None and p not in readings),
                    key=lambda p: p.start)
    if len(rolled) > 1 and all(_MORE.search(message.text, a.end, b.start) for a, b in zip(rolled, rolled[1:])):
        amounts = [read_amount(message.text[p.start:p.end]) for p in rolled]
        if all(a is not None and a.value is not None and not a.needs_confirmation for a in amounts):
            changed[rolled[-1]] = str(sum(a.value for a in amounts))
    missed = sorted((p for p, lab, role in pieces if lab == "missed_payment_due_date" and role is None),
                    key=lambda p: p.start)
    if len(missed) > 1:
        said = [readings.get(p, message.text[p.start:p.end]) for p in missed]
        # "this summer, the ones due July 15 and July 31": the first one that names its day
        days = [s for s in said if parse_date(s, _REFERENCE_DAY).value is not None]
        changed[missed[-1]] = (days or said)[0]
    return changed


_MORE = re.compile(r"\b(?:another|more|plus|additional|second|then\s+(?:rolled|put|deposited))\b", _I)
_SAME_YEAR_ALONE = re.compile(r"\b(?:that|the)\s+same\s+(?:year|yr)\b", _I)
_SAME_DAY_ALONE = re.compile(r"\b(?:that|the)\s+(?:very\s+)?same\s+day\b|\bsame\s+day\b", _I)


def _same_year_values(message: _Message) -> List[_Piece]:
    """ "left in 2019 and they offset my loan that same year": a date of its own, reading as
    the year written before it."""
    found = []
    for m in _SAME_YEAR_ALONE.finditer(message.text):
        piece = _Piece(m.start(), m.end(), "relative")
        if any(piece.overlaps(v) for v in message.values) or re.search(r"\w\s*,?\s*$", message.text[:m.start()]) \
                and any(v.end == len(message.text[:m.start()].rstrip(" ,")) for v in message.values):
            continue  # "end of Q2 that same yr": the year belongs to the date before it
        years = [_written_year(message.text[v.start:v.end]) for v in message.values
                 if v.kind in ("date", "year") and v.end <= m.start()]
        years = [y for y in years if y is not None]
        if years:
            message.relative[piece] = (str(years[-1]), None)
            found.append(piece)
    # "the plan ended 8/15/2026 and my loan was offset that same day": the day written before it
    for m in _SAME_DAY_ALONE.finditer(message.text):
        piece = _Piece(m.start(), m.end(), "relative")
        days = [message.text[v.start:v.end] for v in message.values if v.kind == "date" and v.end <= m.start()
                and parse_date(message.text[v.start:v.end], _REFERENCE_DAY).value is not None]
        if days and not any(piece.overlaps(v) for v in message.values):
            message.relative[piece] = (days[-1], None)
            found.append(piece)
    return found


_NOT_OWNED = re.compile(r"\b(?:doesn'?t|don'?t|didn'?t|does\s+not|do\s+not|never\s+had|no)\s+(?:have\s+|had\s+)?"
                        r"(?:a\s+|an\s+|any\s+)?(?:40[13]\s?\(?[kb]\)?|457|tsp|retirement)\w*", _I)


def _owns(text: str) -> bool:
    """Whether `text` names our kind of loan's story ("doesn't have a 401k" does not)."""
    return bool(_OWN_STORY.search(_NOT_OWNED.sub(" ", _OTHER_STORY.sub(" ", text))))


def about_another_story(text: str) -> bool:
    """The message names another loan or plan (a car loan, an HSA) and nothing of a plan loan's
    story: whatever the words around it, it is not about our kind of loan."""
    return bool(_OTHER_STORY.search(text)) and not _owns(text)


def _other_story(message: _Message) -> List[Tuple[int, int]]:
    """Stretches (sentences) about another loan or plan and not about the plan loan: a
    sentence that names one and not ours, or names nothing when the whole message is so."""
    text = message.text
    if not message.other_story:
        return []
    message_is_other = not _owns(text)
    stretches, start = [], 0
    for m in list(re.finditer(r"[.!?\n]+(?:\s|$)", text)) + [None]:
        end = m.end() if m else len(text)
        sentence = text[start:end]
        other, own = _OTHER_STORY.search(sentence), _owns(sentence)
        if (other and not own) or (not other and not own and message_is_other):
            stretches.append((start, end))
        start = end
    return stretches


# ---- the API ---------------------------------------------------------------------------
def extract_entities(text: str) -> List[Span]:
    """The entities in `text`, in order, never overlapping; see the module docstring."""
    if not isinstance(text, str) or not text.strip():
        return []
    normalised = text.translate(_QUOTES)
    message = _Message(normalised, _values(normalised))
    phrases, others = _phrase_pieces(message)
    message.cues = _cue_pieces(message, phrases, others)
    relative = _relative_values(message) + _same_year_values(message)
    if relative:
        message.values = sorted(message.values + relative, key=lambda p: p.start)
    pieces = _labels(message) + [(p, p.kind, _phrase_role(message, p)) for p in phrases]
    elsewhere = _other_story(message)
    readings = _years_from_context(message, pieces)
    readings.update({p: r[0] for p, r in message.relative.items()})
    readings.update({p: NOT_CAUGHT_UP for p in phrases if p.kind == "caught_up_on"})
    readings.update({p: NOTHING_ROLLED for p in phrases if p.kind == "amount_rolled_over"})
    readings.update(_disagreements(message, pieces, readings))
    spans = sorted(Span(p.start, p.end, label, text[p.start:p.end], role, readings.get(p))
                   for p, label, role in pieces
                   if not any(start <= p.start < end for start, end in elsewhere))
    return _with_present_state(_birth_years(normalised, _bare_still_there(normalised, spans)))


# "nope, still there" alone: most often the answer to "have you left the employer?", so it is
# still being employed. Its reading tells the form's validation it was a bare answer: asked about
# something else once the user has said they left ("has the plan offset the loan?"), "still
# there" is the loan, and the validation keeps what it knew (actions/validation.py).
BARE_STILL_THERE = "still there (bare answer)"
_STILL_THERE_ALONE = re.compile(r"^\W*(?:(?:no|nope|nah|naw|yes|yeah|yep|yup|nope,?\s+i'?m|no,?\s+i'?m|i'?m)\b\W*)?"
                                r"(?P<p>still\s+(?:there|here))(?:\W+(?:lol|haha|tho|though|for\s+now|thankfully))?\W*$", _I)


def _bare_still_there(text: str, spans: List[Span]) -> List[Span]:
    match = _STILL_THERE_ALONE.match(text)
    if not match or spans:
        return spans
    return [Span(match.start("p"), match.end("p"), "left_job", match["p"], None, BARE_STILL_THERE)]


# "I turned 55 in 2025", "she turns 59 in 2027": a birthday tied to a year is the birth year
# (1970), not an age today; the form then asks which day of that year.
_BIRTHDAY_IN_YEAR = re.compile(r"\b(?:turned|turns|turn|turning)\s+(?P<age>[1-9]\d)\s+(?:back\s+)?in\s+"
                               r"(?:(?:early|mid|late)[\s-]+)?(?P<year>(?:19|20)\d\d)\b", _I)


def _birth_years(text: str, spans: List[Span]) -> List[Span]:
    for match in _BIRTHDAY_IN_YEAR.finditer(text):
        start, end = match.span()
        kept = [s for s in spans if not (start <= s.start < end)]
        if len(kept) == len(spans):
            continue
        birth_year = str(int(match["year"]) - int(match["age"]))
        spans = sorted(kept + [Span(start, end, "birth_date", text[start:end], None, birth_year)])
    return spans


STILL_EMPLOYED = "still employed"  # the reading of a plan's present state (phrase_value: False)


def _with_present_state(spans: List[Span]) -> List[Span]:
    """A plan to leave says where things stand today: "I'm about to lose my job" is still
    employed. Beside the planned phrase comes the same words as a fact read "still employed",
    so the conversation knows the person has not left (and does not ask), while the plan
    itself stays a plan."""
    out: List[Span] = []
    said_leaving = any(s.label == "left_job" for s in spans)
    for span in spans:
        out.append(span)
        # "last day would be 12/23": a planned last day says it as well as a planned "quit"
        if span.role == PLANNED and (span.label == "left_job" or
                                     (span.label == "separation_date" and not said_leaving)):
            out.append(Span(span.start, span.end, "left_job", span.text, None, STILL_EMPLOYED))
            said_leaving = True
    return out


# An event's date, and the phrase that says the event happened
_EVENT_PHRASE = {"separation_date": "left_job", "plan_termination_date": "plan_terminated", "offset_date": None}


def settle_plans(spans: Sequence[Span], today: date) -> List[Span]:
    """Plans and facts settled against the conversation's date, where the written year decides:
    - a plan's wording with dates wholly before `today` ("I leave my job in 2025 october", as
      people write in a second language) tells what already happened: the planned role goes;
    - an event told as a fact but dated after `today` by its written year ("they're
      terminating the plan on march 31 2027") is a plan: it and its phrase become planned.
    Without a written year nothing changes: "I retire in october" is read ahead, "left
    october 3" as the last one."""
    spans = list(spans)
    planned_dates = [s for s in spans if s.role == PLANNED and s.label in DATE_LABELS]
    if planned_dates and all(_over_by_its_year(s, today) for s in planned_dates):
        return [replace(s, role=None) if s.role == PLANNED else s for s in spans if s.reading != STILL_EMPLOYED]
    ahead = {s.label for s in spans if s.role is None and s.label in _EVENT_PHRASE and _ahead_by_its_year(s, today)}
    if not ahead:
        return spans
    phrases = {_EVENT_PHRASE[label] for label in ahead} - {None}
    settled = [replace(s, role=PLANNED) if s.role is None and (s.label in ahead or s.label in phrases) else s
               for s in spans]
    return _with_present_state([s for s in settled if s.reading != STILL_EMPLOYED])


def _over_by_its_year(span: Span, today: date) -> bool:
    if _written_year(span.value) is None:
        return False
    reading = parse_date(span.value, today)
    last = reading.value or reading.end
    return last is not None and last < today


def _ahead_by_its_year(span: Span, today: date) -> bool:
    if _written_year(span.value) is None:
        return False
    reading = parse_date(span.value, today)
    first = reading.value or reading.start
    return first is not None and first > today


def phrase_value(label: str, text: str) -> Optional[bool]:
    """What a left_job / plan_terminated / loan_in_good_standing phrase says: True ("got
    laid off", "plan was terminated", "don't work there anymore", "was current", "never
    missed a payment"), False ("still work there", "haven't left", "plan wasn't terminated",
    "behind on payments", "not current"); None for any other label."""
    if label == "loan_in_good_standing":
        # "never behind on it", "wasn't behind on anything": a negated behind is good standing
        return not _BEHIND.search(text) or bool(re.search(r"\b(?:never|wasn'?t|was\s+not|weren'?t|were\s+not)\s+behind\b|"
                                                           r"\bnever\b", text, _I))
    if label not in ("left_job", "plan_terminated"):
        return None
    return not (_NEGATED.search(text) and not _ANYMORE.search(text))
