"""Slot validation: what the user wrote becomes a canonical fact value, or a friendly re-ask.

Every message that states facts (inform, request_assessment) runs the loan form, so the form's
validation reads every fact wherever in the conversation it comes, without an extra
action-server call on every turn. Parsing lives in actions/parsing; contradictions are the
rules core's to find.
"""
from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from rules_core import api
from rules_core.facts import MAX_YEARS_OF_SERVICE, FactsError, parse_facts
from rules_core.render import long_date

from .conversation import conversation_date
from .did_you_mean import ALSO_ASKS, answer_question_part
from .extraction import BARE_STILL_THERE, phrase_value
from .facts_adapter import CAUGHT_UP_DATE_UNKNOWN, DECLINED, MARKERS, facts_from_slots, slots_to_ask
from .parsing.ages import parse_age
from .parsing.amounts import DECIMAL_COMMA, RANGE, read_amount
from .parsing.codes import parse_box7
from .parsing.plans import find_plan_kind_spans, parse_plan_kind
from .parsing.public_safety import NOT_PUBLIC_SAFETY, parse_plan_type, parse_public_safety_role
from .parsing.dates import ANCHORS, CONFLICT, DAY_MONTH_ORDER, RELATIVE, names_a_year, parse_date, resolve_relative
from .parsing.rates import parse_rate
from .routing import ROUTED_FROM
from .presenting import money, period_name, period_phrase, user_text, words

logger = logging.getLogger(__name__)

UNVALIDATED_FACTS = "unvalidated_facts"  # slot filled by actions/action_server_outage.py
READ_BY_THE_FORM = ("inform", "request_assessment")  # intents whose messages the form reads
DATE_SLOTS = ("separation_date", "offset_date", "missed_payment_due_date", "caught_up_on", "birth_date",
              "plan_termination_date", "loan_date")
MONEY_SLOTS = ("loan_balance", "loan_amount", "amount_rolled_over", "cash_paid_not_rolled_over")
# Dates that must already have happened when the question is asked.
PAST_ONLY = ("separation_date", "caught_up_on", "birth_date", "loan_date")

Result = Dict[Text, Any]
# The dates this message states, as read (a month, a day), for the turn being validated: a date
# counted from another fact ("9 months after I left in January") uses the anchor as said, even
# when the anchor itself is still waiting for its exact day. One per request (asyncio task).
_STATED_DATES: ContextVar[Optional[Dict[str, Any]]] = ContextVar("stated_dates", default=None)
# The confirmations this turn asks for: {fact slot: {"options": [[first day, last day], ...],
# "order": whether the options are a numeric date's month-first and day-first readings}}, kept
# in the PENDING slot so that the answer ("march 6 and may 1") goes to the facts asked about.
_ASKED: ContextVar[Optional[Dict[str, Any]]] = ContextVar("asked", default=None)
PENDING = "pending_confirmations"
_ORDINAL_ANSWER = re.compile(r"\b(?P<n>first|1st|former|second|2nd|latter|last)\b(?:\s+one)?", re.I)


def _ask_back(slot: str, options: List[List[str]], order: bool = False) -> None:
    asked = _ASKED.get()
    if asked is not None:
        asked[slot] = {"options": options, "order": order}


def _say(dispatcher: CollectingDispatcher, key: str, **values: Any) -> None:
    # `text` is what the user wrote and a `reason` may quote it: shown as plain words only
    for name, limit in (("text", 60), ("reason", 400)):
        if name in values:
            values[name] = user_text(values[name], limit)
    dispatcher.utter_message(text=words()["validation"][key].format(**values))


class FactValidation:
    """validate_<slot> for every fact slot the user can state."""

    # -- dates -------------------------------------------------------------------------------
    def _date(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Result:
        if value in MARKERS or value is None:
            return {slot: value}
        slots = tracker.current_slot_values()
        today = conversation_date(slots, tracker.latest_message.get("metadata"))
        reading = parse_date(str(value), today, day_first=slots.get("day_first"))
        what = words()["date_words"].get(slot, slot.replace("_", " "))  # "the day you ..."
        if reading.error:
            _say(dispatcher, "bad_date", text=value, reason=reading.error, what=what)
            return {slot: None}
        if reading.needs_confirmation == RELATIVE:
            # "9 months after I left": counted from the anchor fact, once that fact is known
            resolved = resolve_relative(reading, {**(_STATED_DATES.get() or {}), **{k: v for k, v in slots.items() if v}})
            if resolved is reading:
                _say(dispatcher, "relative_unknown", text=value, what=what)
                return {slot: None}
            reading = resolved
        if reading.needs_confirmation in (DAY_MONTH_ORDER, CONFLICT):
            # never picked silently: 03/05/2025 read both ways, or one date written two ways
            # ("2/14 or January", "jan or feb": months named as months)
            readings = [period_name(start, end) for start, end in reading.periods] or \
                [long_date(d) for d in reading.alternatives]
            if len(set(readings)) < 2:
                _say(dispatcher, "which_day_open", what=what, hint=words()["date_hints"].get(slot, ""))
                return {slot: None}
            first, second = _choices(readings)
            _say(dispatcher, "day_month_order" if reading.needs_confirmation == DAY_MONTH_ORDER
                 else "date_conflict", text=value, what=what, first=first, second=second)
            spans = list(reading.periods) or [(d, d) for d in reading.alternatives]
            _ask_back(slot, [[s.isoformat(), e.isoformat()] for s, e in spans],
                      order=reading.needs_confirmation == DAY_MONTH_ORDER)
            return {slot: None}
        day = reading.value
        if slot == "birth_date" and not names_a_year(str(value), today):
            # "bday dec 20": a birthday, not a birth date; its year is never guessed
            _say(dispatcher, "birth_year_missing", text=value)
            return {slot: None}
        if day is None:
            return self._partial_date(slot, reading, dispatcher, what)
        if slot in PAST_ONLY and day > today:
            _say(dispatcher, "future_date", date=long_date(day), what=what)
            return {slot: None}
        return {slot: day.isoformat(), **(_order_hint(str(value)) or {})}

    def _partial_date(self, slot: str, reading: Any, dispatcher: CollectingDispatcher, what: str) -> Result:
        """A month, quarter or year without a day. For a missed installment only the quarter
        matters to the cure deadline, so its end is used, and said; otherwise we ask."""
        if slot == "missed_payment_due_date" and reading.end is not None and reading.granularity == "month":
            _say(dispatcher, "month_end_used", date=long_date(reading.end))
            return {slot: reading.end.isoformat()}
        period = period_phrase(reading.start, reading.end)
        _say(dispatcher, "which_day" if period else "which_day_open", period=period, what=what,
             hint=words()["date_hints"].get(slot, ""))
        return {slot: None}

    def validate_separation_date(self, value, dispatcher, tracker, domain) -> Result:
        result = self._date("separation_date", value, dispatcher, tracker)
        if result.get("separation_date") not in (None, *MARKERS) or _already_past(value, tracker):
            # a last day at work means they left, even while its exact day is still asked for
            # ("I got laid off in March": left, which day in March?)
            result["left_job"] = True
        return result

    def validate_offset_date(self, value, dispatcher, tracker, domain) -> Result:
        return self._date("offset_date", value, dispatcher, tracker)

    def validate_missed_payment_due_date(self, value, dispatcher, tracker, domain) -> Result:
        return self._date("missed_payment_due_date", value, dispatcher, tracker)

    def validate_caught_up_on(self, value, dispatcher, tracker, domain) -> Result:
        if value == CAUGHT_UP_DATE_UNKNOWN:
            _say(dispatcher, "caught_up_when")
            return {"caught_up_on": None}
        return self._date("caught_up_on", value, dispatcher, tracker)

    def validate_birth_date(self, value, dispatcher, tracker, domain) -> Result:
        return self._date("birth_date", value, dispatcher, tracker)

    def validate_plan_termination_date(self, value, dispatcher, tracker, domain) -> Result:
        result = self._date("plan_termination_date", value, dispatcher, tracker)
        if result.get("plan_termination_date") not in (None, *MARKERS) or _already_past(value, tracker):
            result["plan_terminated"] = True
        return result

    def validate_loan_date(self, value, dispatcher, tracker, domain) -> Result:
        return self._date("loan_date", value, dispatcher, tracker)

    # -- amounts, ages, codes, rates ------------------------------------------------------------
    def _money(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Result:
        if value in MARKERS or value is None:
            return {slot: value}
        reading = read_amount(str(value))
        if reading is None or reading.value is None:
            reason = f"{reading.error[0].upper()}{reading.error[1:]}." if reading and reading.error else ""
            _say(dispatcher, "bad_amount", text=value, reason=reason)
            return {slot: None}
        if reading.needs_confirmation in (DECIMAL_COMMA, RANGE):
            # "9,5k" is 9,500 or a mistyped 95k; "10-12k" is no one amount: asked, never picked
            first, second = _choices(money(a) for a in reading.alternatives)
            what = words()["fact_words"].get(slot, slot.replace("_", " "))
            _say(dispatcher, "amount_range" if reading.needs_confirmation == RANGE else "amount_decimal_comma",
                 text=value, what=what, first=first, second=second)
            if reading.needs_confirmation == DECIMAL_COMMA:  # a range's answer is a new amount
                _ask_back(slot, [[str(a), str(a)] for a in reading.alternatives])
            return {slot: None}
        return {slot: str(reading.value)}

    def validate_loan_balance(self, value, dispatcher, tracker, domain) -> Result:
        return self._money("loan_balance", value, dispatcher, tracker)

    def validate_loan_amount(self, value, dispatcher, tracker, domain) -> Result:
        return self._money("loan_amount", value, dispatcher, tracker)

    def validate_amount_rolled_over(self, value, dispatcher, tracker, domain) -> Result:
        return self._money("amount_rolled_over", value, dispatcher, tracker)

    def validate_cash_paid_not_rolled_over(self, value, dispatcher, tracker, domain) -> Result:
        return self._money("cash_paid_not_rolled_over", value, dispatcher, tracker)

    def validate_age(self, value, dispatcher, tracker, domain) -> Result:
        if value is None:
            return {"age": None}
        reading = parse_age(str(value))
        if reading is None or reading.error:
            reason = f"{reading.error[0].upper()}{reading.error[1:]}." if reading and reading.error else ""
            _say(dispatcher, "bad_age", text=value, reason=reason)
            return {"age": None}
        return {"age": str(reading.years)}

    def validate_box7_code(self, value, dispatcher, tracker, domain) -> Result:
        if value is None:
            return {"box7_code": None}
        code = parse_box7(str(value))
        return {"box7_code": code or user_text(value, 20)}  # an invalid code is explained by the check

    def validate_plan_kind(self, value, dispatcher, tracker, domain) -> Result:
        # "TSP", "403(b)", "thrift savings plan" -> tsp / 403b; anything else is no plan we know
        return {"plan_kind": parse_plan_kind(str(value)) if value is not None else None}

    def validate_marginal_tax_rate(self, value, dispatcher, tracker, domain) -> Result:
        rate = parse_rate(str(value)) if value is not None else None
        if value is not None and rate is None:
            _say(dispatcher, "bad_rate", text=value)
        return {"marginal_tax_rate": str(rate) if rate is not None else None}

    # -- yes/no facts stated in words ----------------------------------------------------------
    # "I don't know" / "not sure" to the question is recorded as DECLINED (domain.yml): unknown
    # to the rules core, never read as a yes or a no.
    def validate_left_job(self, value, dispatcher, tracker, domain) -> Result:
        if isinstance(value, bool) or value is None or value in MARKERS:
            return {"left_job": value}
        if value == BARE_STILL_THERE and _before_this_turn(tracker, "left_job") is True \
                and _before_this_turn(tracker, "requested_slot") != "left_job":
            return {"left_job": True}  # "nope, still there" to another question: the loan is, not the job
        left = phrase_value("left_job", str(value))  # "got laid off" True, "still work there" False
        return {"left_job": left if left is not None else True}

    def validate_plan_terminated(self, value, dispatcher, tracker, domain) -> Result:
        if isinstance(value, bool) or value is None or value in MARKERS:
            return {"plan_terminated": value}
        ended = phrase_value("plan_terminated", str(value))  # "plan is still active" False
        return {"plan_terminated": ended if ended is not None else True}

    def validate_loan_in_good_standing(self, value, dispatcher, tracker, domain) -> Result:
        if isinstance(value, bool) or value is None or value in MARKERS:
            return {"loan_in_good_standing": value}
        current = phrase_value("loan_in_good_standing", str(value))  # "was current" / "3 payments behind"
        return {"loan_in_good_standing": current}

    # -- public safety (IRC 72(t)(10)): asked only when the rules core says they can matter -------
    def validate_public_safety_employee(self, value, dispatcher, tracker, domain) -> Result:
        return {"public_safety_employee": value if value in (True, False, DECLINED) else None}

    def validate_public_safety_role(self, value, dispatcher, tracker, domain) -> Result:
        role = _choice(value, parse_public_safety_role, "bad_role", dispatcher)
        if role in MARKERS or role is None:
            return {"public_safety_role": role}
        # a public-safety job says they worked in public safety; "none of these" says they did not
        return {"public_safety_role": role, "public_safety_employee": role != NOT_PUBLIC_SAFETY}

    def validate_plan_type(self, value, dispatcher, tracker, domain) -> Result:
        kind = _choice(value, parse_plan_type, "bad_plan_type", dispatcher)
        if kind in MARKERS or kind is None:
            return {"plan_type": kind}
        result: Result = {"plan_type": kind}
        named = [parse_plan_kind(str(value)[s:e]) for s, e in find_plan_kind_spans(str(value))]
        if named and named[0] in ("403b", "457b"):  # "a governmental 457(b)": the kind of plan too
            result["plan_kind"] = named[0]
        return result

    def validate_years_of_service(self, value, dispatcher, tracker, domain) -> Result:
        if value in MARKERS or value is None:
            return {"years_of_service": value}
        found = re.search(r"\d{1,2}", str(value))
        years = int(found.group()) if found else None
        if years is None or years > MAX_YEARS_OF_SERVICE:
            _say(dispatcher, "bad_years_of_service", text=value)
            return {"years_of_service": None}
        return {"years_of_service": years}

    # -- consistency with everything else the user said -------------------------------------------
    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """Every fact set by this message is read on its own (not only the one the form asked
        for: people answer with other facts too); then the whole set is checked by the rules
        core. A new fact that contradicts the others is re-asked; when a new fact contradicts
        an older one, the newest statement wins and the older one is asked again.
        A question asked beside the facts ("..., what happens?") is answered first, in the
        same turn (actions/did_you_mean.py)."""
        notes = CollectingDispatcher()  # said after the answer to the question part
        updates: Dict[Text, Any] = {}
        # Facts stated while the action server was down (action_server_outage.py) are read
        # now, as if said with this message; what this message says about the same fact wins.
        set_aside = tracker.get_slot(UNVALIDATED_FACTS) or {}
        if set_aside:
            updates[UNVALIDATED_FACTS] = None
            tracker.slots.update(set_aside)
        stated = {**set_aside, **_yes_or_no(tracker, domain), **tracker.slots_to_validate()}
        today = conversation_date(tracker.current_slot_values(), tracker.latest_message.get("metadata"))
        pending = dict(tracker.get_slot(PENDING) or {})
        answers, order = _answers_to_pending(pending, tracker, today)
        if answers:
            # the answer to our "which one?": its values go to the facts asked about, not to
            # whatever the form asked last ("march 6 and may 1" after "3/6 ...? 5/1 ...?")
            told = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
            taken = {name for name in stated if name not in told and name in DATE_SLOTS + MONEY_SLOTS}
            # the question the form asked last was waiting (empty): Rasa filled it from the answer
            updates.update({name: None for name in taken if name not in answers})
            tracker.slots.update({name: None for name in taken if name not in answers})
            stated = {name: value for name, value in stated.items() if name not in taken}
            stated.update(answers)
            if order is not None:
                updates["day_first"] = order
        _ASKED.set({})
        if tracker.get_slot("requested_slot") == "years_of_service" and "years_of_service" in stated \
                and "age" in stated:
            # "25" answers the question asked: the whole-number answer is no age as well
            del stated["age"]
            updates["age"] = _before_this_turn(tracker, "age")
            tracker.slots["age"] = updates["age"]
        _STATED_DATES.set({name: parse_date(value, today, day_first=tracker.get_slot("day_first"))
                           for name, value in stated.items()
                           if name in DATE_SLOTS and isinstance(value, str) and value not in MARKERS})
        for name, value in sorted(stated.items(), key=_hangs_on_another_fact):
            validate = getattr(self, f"validate_{name}", None)
            if validate is None:
                continue
            if not isinstance(value, (str, int, float, bool, type(None))):
                value = None  # a structure sent as an entity ("/inform{...}") states no fact
            result = validate(value, notes, tracker, domain)
            updates.update(result)
            tracker.slots.update(result)  # later readers see the canonical value
        still = {name: ask for name, ask in pending.items() if name not in answers and name not in updates}
        still.update(_ASKED.get() or {})
        if still != pending:
            updates[PENDING] = still or None
        events = [SlotSet(name, value) for name, value in updates.items()]
        try:
            parse_facts(facts_from_slots(tracker.current_slot_values()))
        except FactsError as bad:
            events += self._resolve_conflicts(bad.errors, set(updates), notes)
            tracker.add_slots(events)
        if tracker.latest_message.get(ALSO_ASKS):
            follows = not await self.required_slots(self.domain_slots(domain), notes, tracker, domain)
            events = await answer_question_part(dispatcher, tracker, domain, assessment_follows=follows) + events
        dispatcher.messages.extend(notes.messages)
        if not events and (tracker.latest_message.get("intent") or {}).get("name") in READ_BY_THE_FORM:
            # A message about the user's situation that the form cannot store ("I'm about to
            # retire", "it's a 403(b)") is still read: saying so keeps Rasa from rejecting the
            # form, which would leave no rule to answer it; the question is asked again, after
            # the answer to a plan (actions/asking.py).
            events.append(SlotSet(UNVALIDATED_FACTS, None))
        return events

    @staticmethod
    def _resolve_conflicts(errors: Dict[str, str], new: set, dispatcher: CollectingDispatcher) -> List[Dict]:
        clashing_new = {name: why for name, why in errors.items() if name in new}
        if clashing_new:
            for why in clashing_new.values():
                _say(dispatcher, "conflict_new", reason=why)
            return [SlotSet(name, None) for name in clashing_new]
        reasons = "; ".join(f"{name.replace('_', ' ')}: {why}" for name, why in errors.items())
        _say(dispatcher, "conflict_old", reason=reasons)
        return [SlotSet(name, None) for name in errors]


def _answers_to_pending(pending: Dict[str, Any], tracker: Tracker, today: date) -> Tuple[Result, Optional[bool]]:
    """The values this message gives for the confirmations asked last turn, by fact; and the
    date order they show (a numeric date read month first or day first), which settles the
    other numeric dates waiting for the same answer."""
    if not pending:
        return {}, None
    said = [str(e["value"]) for e in tracker.latest_message.get("entities") or [] if e.get("value") is not None]
    answers: Result = {}
    order: Optional[bool] = None
    for slot, ask in pending.items():
        options = ask.get("options") or []
        for value in said:
            index = _matching_option(slot, value, options, today)
            if index is not None:
                answers[slot] = _option_value(slot, value, options[index])
                said.remove(value)
                order = (index == 1) if ask.get("order") else order
                break
    if not answers and len(pending) == 1:  # "the first one"
        slot, ask = next(iter(pending.items()))
        m = _ORDINAL_ANSWER.search(tracker.latest_message.get("text") or "")
        if m and len(ask.get("options") or []) >= 2:
            index = 0 if m["n"].lower() in ("first", "1st", "former") else len(ask["options"]) - 1
            answers[slot] = _option_value(slot, None, ask["options"][index])
            order = (index == 1) if ask.get("order") else None
    if order is not None:  # the same order settles every numeric date still asked about
        for slot, ask in pending.items():
            if slot not in answers and ask.get("order") and len(ask.get("options") or []) == 2:
                answers[slot] = _option_value(slot, None, ask["options"][1 if order else 0])
    return answers, order


def _matching_option(slot: str, value: str, options: List[List[str]], today: date) -> Optional[int]:
    """Which of the offered readings a value picks: the same amount, the same day, or a day or
    month inside an offered month."""
    if slot in MONEY_SLOTS:
        reading = read_amount(value)
        amount = reading.value if reading is not None else None
        return next((i for i, (a, _) in enumerate(options) if amount is not None and Decimal(a) == amount), None)
    reading = parse_date(value, today)
    first, last = (reading.value, reading.value) if reading.value else (reading.start, reading.end)
    if first is None or last is None:
        return None
    for i, (start, end) in enumerate(options):
        if date.fromisoformat(start) <= first and last <= date.fromisoformat(end):
            return i
    return None


def _option_value(slot: str, said: Optional[str], option: List[str]) -> str:
    """What the fact's validation reads: the day when the option is one; else what the user
    said (a day inside the offered month), or the month itself ("2026-01", asked for its day)."""
    start, end = option
    if start == end:
        return start
    if said is not None and parse_date(said, date.fromisoformat(end)).value is not None:
        return said
    return date.fromisoformat(start).strftime("%B %Y")


def _choice(value: Any, parse: Any, bad: str, dispatcher: CollectingDispatcher) -> Any:
    """One of a fact's few values read from what the user wrote; a marker as it is; None, with
    the choices said again, when the words name none of them."""
    if value in MARKERS or value is None:
        return value
    chosen = parse(str(value))
    if chosen is None:
        _say(dispatcher, bad, text=value)
    return chosen


def _before_this_turn(tracker: Tracker, name: str) -> Any:
    """A slot's value as it was before the latest user message."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == name:
            value = event.get("value")
    return value


def _yes_or_no(tracker: Tracker, domain: DomainDict) -> Result:
    """A yes, a no or a don't-know that came with facts is routed as `inform` (actions/routing.py),
    so Rasa's from_intent mapping for the question asked did not run: the same mapping from the
    domain gives the answer here ("no, I was behind on it when I got laid off" -> loan not
    current; "no idea, but I left in March" -> the question's fact unknown)."""
    said = tracker.latest_message.get(ROUTED_FROM)
    asked = tracker.get_slot("requested_slot")
    if said not in ("affirm", "deny", "dont_know") or not asked:
        return {}
    for mapping in ((domain.get("slots") or {}).get(asked) or {}).get("mappings") or []:
        if mapping.get("type") == "from_intent" and mapping.get("intent") == said and \
                any(c.get("requested_slot") == asked for c in mapping.get("conditions") or []):
            return {asked: mapping.get("value")}
    return {}


def _already_past(value: Any, tracker: Tracker) -> bool:
    """An event's date told as a month or a season that is already over, or as a day whose
    readings are all past ("10/3": October 3 or March 10, to be confirmed): the event happened
    (they left; the plan ended), even while its day is still asked for."""
    if not isinstance(value, str) or value in MARKERS:
        return False
    slots = tracker.current_slot_values()
    today = conversation_date(slots, tracker.latest_message.get("metadata"))
    reading = parse_date(value, today, day_first=slots.get("day_first"))
    if reading.error or reading.relative is not None:
        return False
    if reading.needs_confirmation in (DAY_MONTH_ORDER, CONFLICT):
        ends = [end for _, end in reading.periods] or list(reading.alternatives)
        return bool(ends) and all(day <= today for day in ends)
    return reading.end is not None and reading.end < today


def _hangs_on_another_fact(item: tuple) -> bool:
    """Sort key: a date told relative to another fact ("9 months after separation_date") is read
    after the facts of the same message, so its anchor is already known."""
    value = item[1]
    return isinstance(value, str) and any(anchor in value for anchor in ANCHORS)


def _choices(readings: Any) -> tuple:
    """Two or more readings as the two halves of "{first} or {second}"."""
    options = list(dict.fromkeys(readings))
    return ", ".join(options[:-1]), options[-1]


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]")


def _order_hint(text: str) -> Optional[Result]:
    """Remember how the user writes numeric dates: 14/03/2025 can only be day first, 03/14/2025
    only month first, so their next 03/05/2025 is read their way instead of asked about."""
    match = _NUMERIC_DATE.match(text)
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 >= second:
        return {"day_first": True}
    if second > 12 >= first:
        return {"day_first": False}
    return None


class ValidateLoanForm(FactValidation, FormValidationAction):
    """The form asks only for what the rules core still needs, in the core's order."""

    def name(self) -> Text:
        return "validate_loan_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        slots = tracker.current_slot_values()
        try:
            result = api.assess(facts_from_slots(slots))
        except FactsError as bad:
            logger.info("facts not yet consistent: %s", bad.errors)
            return [name for name in domain_slots if name in bad.errors]
        asking = slots_to_ask(result["missing_facts"], slots, domain_slots)
        # a fact waiting for "which one did you mean?" is asked about already: others come first
        waiting = set(slots.get(PENDING) or ())
        return [name for name in asking if name not in waiting] + [name for name in asking if name in waiting]
