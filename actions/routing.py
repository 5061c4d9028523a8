"""Which dialogue a parsed message starts: the user's situation, a general question, or both.

Pure Python (no Rasa): the NLU component `actions.nlu_component.FactRouter` applies it in the
Rasa server, after the intent classifier and the fact extractor; the tests call it directly.

The intent classifier reads the words of a message; the extractor finds the facts in it. When
they disagree ("hi, I missed my 401k loan payments since August, what happens?" reads as a
greeting or a general question, yet it states a missed payment), the facts win: a fact is
never thrown away. Such a message becomes `inform` (the loan form reads, checks and stores the
facts, then asks what the rules core still needs), and the question it also asks, a FAQ or
sponsor topic the classifier ranked, is answered in the same turn (`also_asks`).

Whether a value in a question is the user's fact is decided from the words around it, not
from the intent alone:
- a fact: a statement ("I missed payments since August", "my 1099-R says L1", "she missed a
  payment in March", "was laid off last month"), or a clause that gives a reason inside a
  question ("how long do I have since I got laid off in March?");
- not a fact: a value inside a question ("when do I reach 59 1/2?", "does leaving my job at
  55 avoid the penalty?"), under a condition ("if I quit at 55 ..."), or a bare noun phrase
  with no one doing anything ("Rev. Proc. 2020-46 late rollover", "age 55 exception still
  working").
Values the extractor marks as plans (role "planned": "I'm about to lose my job") are never
stored, but a message that states the user's own plans is still about their situation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple

from actions.extraction import STILL_EMPLOYED, about_another_story

# Key the router adds to the parse data: the intent it replaced (read by the form's validation and
# by the outage handling, which both need a yes or no that came with facts).
ROUTED_FROM = "routed_from"

INFORM = "inform"
OUT_OF_SCOPE = "out_of_scope"
DECODE_CODE = "decode_code"
FALLBACK = "nlu_fallback"
PLANNED = "planned"  # entity role for events that have not happened (actions/extraction.py)
HYPOTHETICAL = "hypothetical"  # entity role for values under a supposition
_CONDITION = re.compile(r"\b(?:if|suppose|supposing|what\s+if|say)\b", re.I)

# Intents that keep their own meaning even with values in them: a restart wipes everything, and
# "show the full answer" is a button; a don't-know alone answers the form's question, and with
# facts beside it ("no idea, but I left in March") is information, the form's validation still
# reading the don't-know as the answer to its question. A what-if's own values are suppositions (under "what if", or
# marked by the extractor); facts stated beside it ("I'm 53. what if I quit after I turn 55?")
# make it information, and the what-if is answered as its question part, on the facts as they
# now are.
KEEP = frozenset({INFORM, "dont_know", "restart", "show_full_answer"})
WHAT_IF = "what_if"
# A yes or no that also states facts ("no, I was behind on it when I got laid off") is
# information like any other; the form's validation still reads the yes or no as the answer to
# its question (actions/validation.py). A yes/no with only a bare value stays an answer.
YES_NO = frozenset({"affirm", "deny"})
# "not sure, but I left in March": an answer to the form's question (unknown) and facts beside it
DONT_KNOW = "dont_know"
QUESTION_PREFIXES = ("faq_", "sponsor_")
# "..., what happens?" beside facts reads as a request for the assessment; until the form has
# what the rules core needs, the general topic of what to do now answers it (the validation
# leaves it out when the assessment follows in the same turn: actions/did_you_mean.py).
REQUEST_ASSESSMENT = "request_assessment"
WHAT_HAPPENS = "faq_what_to_do_now"

# Labels of values that say which fact they are (docs/nlu-annotation.md); `date` and `amount`
# carry no cue and are only answers to the form's question.
FACT_LABELS = frozenset({
    "separation_date", "offset_date", "missed_payment_due_date", "caught_up_on", "birth_date",
    "plan_termination_date", "loan_date", "loan_balance", "loan_amount", "amount_rolled_over",
    "cash_paid_not_rolled_over", "age", "box7_code", "marginal_tax_rate", "left_job",
    "plan_terminated", "plan_kind", "loan_in_good_standing", "public_safety_role", "plan_type",
})
GENERIC_LABELS = frozenset({"date", "amount"})
# Every fact label tells the user's story when it is theirs: "I have a loan from my 403(b), does
# this apply?" is someone with a 403(b) loan asking (docs/nlu-annotation.md: a question that
# carries personal facts is inform), the question answered beside it; "does this apply to 403(b)
# loans?" names no one's plan and stays a general question (is_users_fact).
STORY_LABELS = FACT_LABELS
# A 401(k) is what nearly every message mentions and what the answers assume: naming it
# says nothing about the user's own situation.
DEFAULT_PLAN_KIND = re.compile(r"^\s*401", re.I)

# The question part: a topic the classifier ranks at least this high (on the question part
# alone, see question_text) is answered when the message asks something; one it ranks at least
# ALSO_ASKS_ALONE is answered even without a question ("... and I want to know about the
# 60-day rule"). Set on the dev messy set: below 0.15 most guesses were wrong topics.
ALSO_ASKS_MIN = 0.15
ALSO_ASKS_ALONE = 0.40
# An answer to the form's question is short: "about 8 grand", "sometime around the 14th",
# "outstanding balance ~20K": a few words beside the values.
ANSWER_MAX_WORDS = 6

_I = re.IGNORECASE
_SUBJECT = (r"(?:i|i'm|im|i've|ive|i'd|you|he|she|it|we|they|my|the|a|an|your|our|their|his|her|"
            r"this|that|there|someone|somebody|employees?|participants?|clients?)")
# Clauses: sentences, then commas and dashes, then the words that open a clause of their own
# when a subject follows ("since I left", not "since August").
_SENTENCE = re.compile(r"[.?!;\n]+|\s[-–—]+\s|:\s", _I)
_OPENERS = r"(?:if|once|unless|whenever|suppose|supposing|assuming|in\s+case|what\s+if|since|after|because|" \
           r"cause|cuz|bc|as|when|now\s+that|so|but|although|though|and|then)"
_CLAUSE_BREAK = re.compile(r",\s*|\b(?=" + _OPENERS + r"\s+" + _SUBJECT + r"\b)", _I)
# A clause under one of these is a supposition, not something that happened.
_CONDITIONAL = re.compile(r"^\s*(?:if|once|unless|whenever|suppose|supposing|assuming|say|in\s+case|"
                          r"what\s+if|what\s+happens\s+if|hypothetically)\b", _I)
# Words that make a statement a plan or a possibility ("I will quit", "I might retire at 55").
_MODAL = re.compile(r"\b(?:will|would|could|might|should|shall|gonna|going\s+to|plan(?:ning)?\s+to|"
                    r"about\s+to|want\s+to|wanna|thinking\s+(?:of|about)|considering|hope\s+to|"
                    r"intend\s+to|expect\s+to)\b|\w'(?:ll|d)\b", _I)
_FILLER = r"(?:(?:hi|hey|hello|so|ok|okay|and|but|also|um|well|quick\s+question|question|pls|please)\b[\s,:!]*)*"
_AUX = r"(?:do|does|did|is|are|can|could|should|would|will|shall|may|might|must|am)"
# "was/had/have" and negations open statements without a subject ("was laid off in March",
# "didn't pay the June installment"),
# so they start a question only before a subject ("was it deemed?").
_AUX_WITH_SUBJECT = (r"(?:was|were|has|have|had|wasn'?t|weren'?t|hasn'?t|haven'?t|hadn'?t|isn'?t|aren'?t|"
                     r"doesn'?t|don'?t|didn'?t|can'?t|won'?t|wouldn'?t|shouldn'?t|couldn'?t)\s+"
                     r"(?:i|you|he|she|it|we|they|my|the|a|an|this|that|there|your|our|their)\b")
_WH = r"(?:what|whats|what's|how|hows|how's|why|which|who|whom|whose)"
_WH_AUX = r"(?:when|where|whens|when's)\s+(?:\S+\s+){0,2}?" + _AUX + r"\b"
_QUESTION_START = re.compile(r"^\s*" + _FILLER + r"(?:" + _AUX + r"\s+\S|" + _AUX_WITH_SUBJECT + r"|" + _WH + r"\b|"
                             + _WH_AUX + r")", _I)
_ASKING = re.compile(r"\?|\b(?:wonder(?:ing)?|want\s+to\s+know|wanna\s+know|need\s+to\s+know|question|"
                     r"confused|explain|tell\s+me|any\s+(?:idea|advice|help)|help\s+me)\b", _I)
# Someone the facts are about: the user, or the person a benefits team member, an adviser or
# a relative asks for ("my employee", "a client", "she"). A bare "you" is anyone.
_ANCHOR = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|mine|we|we're|our|he|she|his|her|they|their|"
                     r"clients?|participants?|employees?)\b", _I)
_THIRD_PARTY = re.compile(r"\b(?:he|she|someone|somebody|clients?|participants?|employees?)\b", _I)
# A user's own plans are part of their story ("I'm retiring jan 31", "once I retire next month");
# "if I retire" is a supposition.
_LEAVING = re.compile(r"\b(?:resign|retir|quitt|leav|los)ing\b", _I)  # "retiring", not "still working"
_CERTAIN = re.compile(r"^\s*once\b", _I)
_PAST = re.compile(r"\b(?:\w{2,}ed|left|quit|got|gotten|was|were|had|took|taken|paid|sent|lost|made|laid|"
                   r"went|gave|given|fell|kept|began|begun|became|said|told|came|"
                   r"didn'?t|haven'?t|hasn'?t|never)\b", _I)
# Statements of how things stand: "the balance is 11,980", "my 1099-R says L1".
_STATES = re.compile(r"\b(?:is|are|'s|says|shows|reads|has|have|owe|owes|still)\b", _I)  # "still working there btw"
# Past forms that are not also the present ("after I left", not "after I quit").
_PLAIN_PAST = re.compile(r"\b(?:\w{2,}ed|left|got|gotten|was|were|had|took|taken|paid|lost|laid|went|fell)\b", _I)
_STATE_WORDS = frozenset("employed unemployed retired".split())  # "after I'm no longer employed" is ahead
# Words ending in -ed that name things or states rather than something that happened.
_NOT_EVENTS = frozenset("deemed qualified required needed need based related called supposed allowed "
                        "vested unpaid "
                        "indeed exceed proceed succeed speed feed seed bed red shed hundred limited".split())
# The user's own Form 1099-R, even inside a question ("what does 1L mean on my 1099r?").
_OWN_FORM = re.compile(r"\b(?:my|our)\s+(?:1099\W?r?|tax\s+form|form|box\s*7)|\bi\s+(?:got|received|have|see)\b", _I)
_REASON = re.compile(r"^\s*(?:since|after|because|cause|cuz|bc|as|now\s+that|when)\s+"
                     r"(?:i|i've|ive|we|my|our|he|she|they|their)\b", _I)

Entity = Mapping[str, Any]


@dataclass(frozen=True)
class Route:
    """The intent the dialogue runs on; the topic intent of the question asked beside the
    facts; and whether a Box 7 code asked about is the one on the user's own form."""

    intent: str
    also_asks: Optional[str] = None
    own_code: bool = False


Ranking = Sequence[Tuple[str, float]]


def route(intent: Optional[str], ranking: Ranking, text: str, entities: Sequence[Entity],
          question_ranking: Optional[Ranking] = None) -> Route:
    """The dialogue for a message: `intent` as classified (after the fallback classifier),
    `ranking` the classifier's own (name, confidence) pairs, best first, and
    `question_ranking` the same for the message's question part alone (`question_text`)."""
    intent = intent or FALLBACK
    text = text or ""
    if intent in KEEP and intent not in (INFORM, DONT_KNOW):
        return Route(intent)
    # a plan's "still employed" beside it (actions/extraction.py) is routed as the plan is
    facts = [e for e in entities if e.get("entity") in STORY_LABELS and e.get("value") != STILL_EMPLOYED
             and _counts(e) and is_users_fact(text, e)]
    if intent == FALLBACK and not facts and (any(e.get("role") == HYPOTHETICAL for e in entities) or (
            _CONDITION.search(text) and any(e.get("entity") in STORY_LABELS for e in entities))):
        # "if that's me and I owe 20k on my 403b loan, what happens?": unsure of the words,
        # but the extractor heard a supposition with values: a what-if, not a "did you mean"
        intent = WHAT_IF
    if intent == WHAT_IF:
        return Route(INFORM, WHAT_IF) if [e for e in facts if not e.get("role")] else Route(intent)
    if intent == DECODE_CODE:
        own_code = any(e.get("entity") == "box7_code" for e in facts) or \
            (any(e.get("entity") == "box7_code" for e in entities) and bool(_OWN_FORM.search(text)))
        if any(e.get("entity") != "box7_code" for e in facts):
            return Route(INFORM, DECODE_CODE)  # a story with a code in it: the form reads them all
        # "my 1099-R says L1": stored and explained (by the form's validation when the form is
        # asking, which runs before any rule could)
        return Route(DECODE_CODE, DECODE_CODE if own_code else None, own_code)
    if intent in YES_NO or intent == DONT_KNOW:
        return Route(INFORM, question_part(question_ranking or ranking, text)) if facts else Route(intent)
    if (intent in (INFORM, REQUEST_ASSESSMENT, FALLBACK) or intent.startswith(QUESTION_PREFIXES)) \
            and not facts and about_another_story(text):
        # "I owe 9k on a personal loan and missed the october payment": the classifier hears a
        # loan story (or is unsure), but it is another loan's, which this assistant does not cover
        return Route(OUT_OF_SCOPE)
    if intent == INFORM and not any(e.get("entity") in FACT_LABELS for e in entities) and \
            _nothing_of_ours(text) and \
            OUT_OF_SCOPE in [name for name, _ in ranking[:3]]:
        # "the company gym closed on june 30, do they owe us a refund?": the classifier hears a
        # story and thinks it may be off-topic; none of its words is about a plan loan and
        # nothing in it is a fact of one ("quit smoking" is no job left: the extractor knows)
        return Route(OUT_OF_SCOPE)
    if intent == INFORM or facts:
        return Route(INFORM, question_part(question_ranking or ranking, text))
    if _bare_answer(text, entities):
        # "october 3": an answer to the form's question, whatever topic its words resemble
        return Route(INFORM)
    return Route(intent)


# Intents whose values are read by the dialogue: facts for the form, a what-if's changes, the
# code to decode, an answer to the form's question. Other messages (a general question, small
# talk) that keep their intent after routing stated no fact of the user's: their values were
# read only to decide that, and are not passed on.
VALUES_READ_BY = KEEP | YES_NO | {WHAT_IF, REQUEST_ASSESSMENT, DECODE_CODE, FALLBACK}


def keeps_values(intent: str) -> bool:
    return intent in VALUES_READ_BY


def states_situation(text: str, entities: Sequence[Entity]) -> bool:
    """Does the message tell something of the user's own loan story (or of a client's)?"""
    if any(e.get("entity") in STORY_LABELS and _counts(e) and is_users_fact(text, e) for e in entities):
        return True
    return _bare_answer(text, entities)


# Words any message about a plan loan's story uses at least one of (a misspelling included).
_OUR_WORDS = re.compile(
    r"lo+a?ns?\b|\b(?:40\s?1|403|457|tsp|1099|plan|of+-?set|rol+|deem|default|distribut|penalt|tax|irs|ira\b|"
    r"vest|payroll|bal+ance|box|code|cure|grace|deadline|payment|repa|borrow|retir|employ|job|hr\b|work)", _I)
# words: shorter messages may be answers to the form's question ("they did it already",
# "sometime around the 14th of that month i think")
LONG_ENOUGH = 12


def _nothing_of_ours(text: str) -> bool:
    """Long enough to be a story of its own, and not one word of a plan loan's in it."""
    return len(text.split()) >= LONG_ENOUGH and not _OUR_WORDS.search(text)


def _bare_answer(text: str, entities: Sequence[Entity]) -> bool:
    # a value with hardly anything else ("about 8 grand", "age 58", "M1"): an answer
    return any(e.get("entity") in FACT_LABELS | GENERIC_LABELS and _counts(e) for e in entities) \
        and is_bare_answer(text, entities)


def _counts(entity: Entity) -> bool:
    return not (entity.get("entity") == "plan_kind" and DEFAULT_PLAN_KIND.match(str(entity.get("value", ""))))


def is_users_fact(text: str, entity: Entity) -> bool:
    """Is this value stated as something that happened (or is planned) in the user's story,
    rather than asked about or supposed? See the module docstring."""
    start = int(entity.get("start", 0) or 0)
    sentence_start, sentence_end = _around(_SENTENCE, text, start)
    sentence = text[sentence_start:sentence_end]
    clause_start, clause_end = _around(_CLAUSE_BREAK, sentence, start - sentence_start)
    clause = sentence[clause_start:clause_end]
    if not _ANCHOR.search(clause) and not re.search(r"[a-z]{3}", clause.replace(str(entity.get("value", "")), ""), _I):
        # a list item ("I'm a firefighter, 52, retired"): the sentence says whose it is
        clause_start, clause = 0, sentence
    planned = entity.get("role") == PLANNED or (entity.get("entity") == "left_job"
                                                 and bool(_LEAVING.search(str(entity.get("value", "")))))
    if planned and _THIRD_PARTY.search(clause):
        return False  # "we have an employee leaving next week": a question about someone's plan
    supposed = _CONDITIONAL.search(clause) or _under_opening_condition(sentence, clause_start)
    if supposed and not (planned and (_CERTAIN.search(clause) or _CERTAIN.search(sentence))):
        return False
    if not planned and _MODAL.search(sentence[clause_start:start - sentence_start]):
        return False
    if _QUESTION_START.search(clause):
        return False
    if clause_start > 0 and _QUESTION_START.search(sentence) and not _gives_reason(clause):
        return False  # a later part of a question: "does leaving my job at 55 avoid ..."
    if not _ANCHOR.search(clause) and re.search(r"\b(?:you|your|u|ur|ya)\b", clause, _I):
        return False  # "when you quit": anyone
    if _states(clause):
        return True
    # a noun phrase added to a statement: "my retirement loan defaulted, loan of $44k"
    previous = sentence[:clause_start].rstrip(" ,")
    return bool(previous) and not _has_verb(clause) and _states(previous) and not _QUESTION_START.search(previous) \
        and not _CONDITIONAL.search(previous)


def _states(clause: str) -> bool:
    return bool(_ANCHOR.search(clause) or _event_verb(clause) or _STATES.search(clause))


def _has_verb(clause: str) -> bool:
    return _event_verb(clause) or bool(_STATES.search(clause) or _MODAL.search(clause))


def _under_opening_condition(sentence: str, clause_start: int) -> bool:
    """"if the plan offsets it in January but I left in December, which year ...": what is
    joined to an opening condition, up to its first comma, is supposed too."""
    first_comma = sentence.find(",")
    return bool(_CONDITIONAL.search(sentence)) and (first_comma < 0 or clause_start < first_comma)


def _gives_reason(clause: str) -> bool:
    """A clause that gives the circumstances of a question in the past: "... since I got laid
    off" (but "after I quit" may be a plan)."""
    return bool(_REASON.search(clause)) and not _MODAL.search(clause) and _event_verb(clause, _PLAIN_PAST,
                                                                                      _NOT_EVENTS | _STATE_WORDS)


def _event_verb(clause: str, pattern: "re.Pattern[str]" = _PAST, ignore: frozenset = _NOT_EVENTS) -> bool:
    return any(m.group(0).lower() not in ignore for m in pattern.finditer(clause))


def _around(pattern: "re.Pattern[str]", text: str, position: int) -> Tuple[int, int]:
    """The stretch of `text` between the separators (`pattern` matches) around `position`."""
    start, end = 0, len(text)
    for match in pattern.finditer(text):
        if match.end() <= position:
            start = match.end()
        elif match.start() > position:
            end = match.start()
            break
    return start, end


# Words of a topic named, not of an answer: "box 7 code L1 meaning", "1099R code M7 vs L7".
_TOPIC_WORDS = re.compile(r"\b(?:mean\w*|vs|versus|exception|rules?|differen\w*|compar\w*|rev|proc)\b", _I)


def is_bare_answer(text: str, entities: Sequence[Entity] = ()) -> bool:
    """A short statement with no question in it: a few words beside its values."""
    rest = text
    for entity in sorted(entities, key=lambda e: -int(e.get("start", 0) or 0)):
        start, end = int(entity.get("start", 0) or 0), int(entity.get("end", 0) or 0)
        rest = rest[:start] + " " + rest[end:]
    return not asks_something(text) and not _TOPIC_WORDS.search(rest) and len(rest.split()) <= ANSWER_MAX_WORDS


def asks_something(text: str) -> bool:
    if _ASKING.search(text):
        return True
    return any(_QUESTION_START.search(part) for part in _SENTENCE.split(text) if part.strip())


def question_part(ranking: Iterable[Tuple[str, float]], text: str) -> Optional[str]:
    """The FAQ or sponsor topic asked beside the facts, when the classifier ranks one well
    enough and the message asks something."""
    best = next(((name, confidence) for name, confidence in ranking
                 if name and (name.startswith(QUESTION_PREFIXES) or name == REQUEST_ASSESSMENT)), None)
    if best is None:
        return None
    name, confidence = best
    if confidence >= ALSO_ASKS_ALONE or (confidence >= ALSO_ASKS_MIN and asks_something(text)):
        return WHAT_HAPPENS if name == REQUEST_ASSESSMENT else name
    return None


_PIECE = re.compile(r"[^.?!;\n]+[.?!;\n]*")


def question_text(text: str) -> Optional[str]:
    """The part of a message that asks something, when the message also says other things:
    "hi, I missed my 401k loan payments since August, what happens?" -> "what happens?".
    None when the whole message is the question (or nothing is asked)."""
    picked = []
    for sentence in _PIECE.findall(text):
        if not asks_something(sentence):
            continue
        clauses = [c for c in re.split(r",\s*", sentence) if c.strip()]
        first = next((i for i, c in enumerate(clauses) if _QUESTION_START.search(c) or _ASKING.search(c)), 0)
        picked.append(", ".join(clauses[first:]).strip())
    question = " ".join(picked).strip()
    return question if question and question != text.strip() else None
