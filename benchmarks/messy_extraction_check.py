"""The reading layer alone on a labelled messy set: per-fact precision and recall, without Rasa.

Not a test: prints figures in about a second, so the extractor can be iterated on. Run:

    .venv/bin/python benchmarks/messy_extraction_check.py tests/nlu/dev_messy.yml [--show-misses N]

Every message goes through actions.extraction.extract_entities, and each span's value (the span's
text, or its `value` when the extractor rewrites it) through the parser of its kind, read against
the set's `as_of`, the way the form's validation reads a slot. The label schema is the set's
header (see /tmp/team/brief.md and docs/nlu-annotation.md). What is compared:

  * facts: a span with a fact label and no role gives that fact; separation_date and
    plan_termination_date also give left_job / plan_terminated = true (validation does the same).
    Several spans of one fact: the dialogue keeps the last one (Rasa's from_entity mapping),
    except a missed payment, where the earliest is the one the cure period runs from.
    A date reading with a day gives YYYY-MM-DD; a month YYYY-MM; a year YYYY; a day/month
    order or a conflict gives a `confirm` entry instead of a value; a relative reading
    ("9 months after I left") is resolved against the same message's own anchor fact when it
    has one. A partial label ("2026-08") is matched by the same partial reading or by a day in
    that period; a missed payment read as a month counts as that month.
  * planned: spans with role "planned" against the `planned` labels (value compared the same way);
    spans with the role "hypothetical" (a what-if) are neither;
  * confirm: `confirm` labels against the readings that ask (both readings must match, any order);
  * off-topic: messages labelled offtopic from which any fact was read.

The generic labels `date` and `amount` are no facts here: they fill a slot only as the answer to
a question, and each message of a set is a conversation's first.

--as-deployed skips messages labelled with a general-question intent (faq_*, sponsor_*): in
the bot, actions/routing.py decides whether a value in a question is the user's fact, which the
reading layer alone does not; this shows the figure with that decision taken as labelled.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from actions.extraction import DATE_LABELS, extract_entities, phrase_value  # noqa: E402
from actions.parsing import parse_age, parse_box7, parse_date, parse_rate, read_amount  # noqa: E402

try:  # absent before issue 9: the script also scores an older checkout, for a "before" figure
    from actions.parsing import parse_plan_kind
    from actions.parsing.dates import resolve_relative
except ImportError:  # pragma: no cover
    parse_plan_kind = lambda text: None  # noqa: E731
    resolve_relative = lambda reading, anchors: reading  # noqa: E731

DATE_FACTS = tuple(label for label in DATE_LABELS if label != "date")
MONEY_FACTS = ("loan_balance", "amount_rolled_over", "cash_paid_not_rolled_over")
IMPLIED = {"separation_date": ("left_job", True), "plan_termination_date": ("plan_terminated", True)}
CONFIRM = "confirm"


def _parse_date(text: str, today: date, planned: bool) -> Any:
    try:
        return parse_date(text, today, ahead=planned)
    except TypeError:  # pragma: no cover - before issue 9 parse_date had no `ahead`
        return parse_date(text, today)


def _date_text(reading: Any) -> Optional[str]:
    if reading.value is not None:
        return reading.value.isoformat()
    if reading.start is None:
        return None
    if reading.granularity == "year" and (reading.start.month, reading.end.month) == (1, 12):
        return str(reading.start.year)
    if (reading.start.year, reading.start.month) == (reading.end.year, reading.end.month):
        return reading.start.strftime("%Y-%m")
    return f"{reading.start.isoformat()}..{reading.end.isoformat()}"  # a quarter, a season: no label form


def _money(value: Decimal) -> str:
    text = f"{value:f}"
    return text[:-3] if text.endswith(".00") else text


def read_value(label: str, text: str, today: date, anchors: Dict[str, date],
               planned: bool = False) -> Tuple[Optional[Any], Optional[list]]:
    """(value in the label schema's form, confirm readings) of one span; a plan's date
    without a year is read ahead."""
    if label == "caught_up_on" and text == "not_caught_up":
        return "no", None
    if label in DATE_FACTS:
        reading = resolve_relative(_parse_date(text, today, planned), anchors)
        if reading.alternatives and reading.needs_confirmation:
            return None, sorted(d.isoformat() for d in reading.alternatives)
        return _date_text(reading), None
    if label in MONEY_FACTS:
        reading = read_amount(text)
        if reading is None or reading.value is None:
            return None, None
        if getattr(reading, "needs_confirmation", None):
            return _money(reading.value), [_money(v) for v in reading.alternatives] or None
        return _money(reading.value), None
    if label == "age":
        reading = parse_age(text)
        return (reading.years if reading and not reading.error else None), None
    if label == "box7_code":
        return parse_box7(text), None
    if label == "marginal_tax_rate":
        rate = parse_rate(text)
        return (f"{rate.normalize():f}" if rate is not None else None), None
    if label in ("left_job", "plan_terminated", "loan_in_good_standing"):
        return phrase_value(label, text), None
    if label == "plan_kind":
        return parse_plan_kind(text), None
    return None, None


class _Read(NamedTuple):
    label: str
    value: str
    role: Optional[str]


def read_message(text: str, today: date) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, list]]:
    """(facts, planned, confirm) the reading layer takes from one message."""
    spans = [_Read(s.label, getattr(s, "value", s.text), getattr(s, "role", None)) for s in extract_entities(text)]
    anchors: Dict[str, Any] = {}
    for span in spans:  # the other dates first, so relative readings can lean on them
        if span.label in DATE_FACTS and not span.role:
            reading = parse_date(span.value, today)
            if reading.value is not None or reading.granularity == "month":
                anchors.setdefault(span.label, reading)
    facts: Dict[str, Any] = {}
    planned: Dict[str, Any] = {}
    confirm: Dict[str, list] = {}
    for span in spans:
        if span.role not in (None, "planned"):
            continue  # a what-if's value ("hypothetical") is neither a fact nor a plan
        value, readings = read_value(span.label, span.value, today, anchors, span.role == "planned")
        target = planned if span.role == "planned" else facts
        if readings and span.role != "planned":
            confirm[span.label] = readings
            if span.label not in MONEY_FACTS:  # an amount to confirm has its first reading as value
                continue
        if value is None:
            continue
        if span.label == "missed_payment_due_date" and span.label in target:
            value = min(target[span.label], value)
        target[span.label] = value
        if span.label in IMPLIED and span.role != "planned":
            fact, implied = IMPLIED[span.label]
            facts.setdefault(fact, implied)
    return facts, planned, confirm


def matches(label: Any, predicted: Any) -> bool:
    label, predicted = str(label).lower(), str(predicted).lower()
    if label == predicted:
        return True
    try:  # numbers: "12000" == "12000.00", "0.24" == "0.240"
        return Decimal(label) == Decimal(predicted)
    except Exception:
        pass
    # a partial date label is matched by a day inside it ("2026-08" by "2026-08-31")
    return len(label) in (4, 7) and predicted.startswith(label + "-") and len(predicted) == 10


class Score:
    def __init__(self):
        self.tp, self.fp, self.fn = defaultdict(int), defaultdict(int), defaultdict(int)
        self.misses: List[str] = []

    def compare(self, kind: str, message_id: str, labelled: Dict[str, Any], predicted: Dict[str, Any]):
        for fact in sorted(set(labelled) | set(predicted)):
            key = f"{kind}:{fact}" if kind != "fact" else fact
            want, got = labelled.get(fact), predicted.get(fact)
            if fact in labelled and fact in predicted and (
                    matches(want, got) if kind != CONFIRM else _same_readings(want, got)):
                self.tp[key] += 1
                continue
            if fact in predicted:
                self.fp[key] += 1
            if fact in labelled:
                self.fn[key] += 1
            self.misses.append(f"{message_id} {key}: labelled {want!r}, read {got!r}")

    def table(self) -> str:
        keys = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        rows = [f"{'fact':34} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}"]
        for key in keys + ["ALL facts"]:
            if key == "ALL facts":
                plain = [k for k in keys if ":" not in k]
                tp, fp, fn = (sum(d[k] for k in plain) for d in (self.tp, self.fp, self.fn))
            else:
                tp, fp, fn = self.tp[key], self.fp[key], self.fn[key]
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / (tp + fn) if tp + fn else 1.0
            rows.append(f"{key:34} {tp:4} {fp:4} {fn:4} {precision:6.3f} {recall:6.3f}")
        return "\n".join(rows)


def _same_readings(want: Any, got: Any) -> bool:
    return sorted(str(w) for w in want or []) == sorted(str(g) for g in got or [])


def _label_facts(message: Dict[str, Any]) -> Dict[str, Any]:
    facts = dict(message.get("facts") or {})
    if "caught_up_on" in facts and str(facts["caught_up_on"]).lower() in ("no", "not_caught_up"):
        facts["caught_up_on"] = "no"
    return facts


def _ms_per_message(texts: List[str]) -> float:
    """The extractor's own time per message, best of 5 passes over the set (patterns warmed)."""
    extract_entities(texts[0])
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for text in texts:
            extract_entities(text)
        best = min(best, (time.perf_counter() - start) / len(texts))
    return best * 1000


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    parser.add_argument("--as-deployed", action="store_true",
                        help="skip messages whose labelled intent is faq_*/sponsor_* (in the bot, "
                             "actions/routing.py tells a general question's values from facts)")
    args = parser.parse_args(argv)
    document = yaml.safe_load(args.path.read_text(encoding="utf-8"))
    today = date.fromisoformat(str(document["as_of"]))
    score, offtopic_read, offtopic_total = Score(), [], 0
    for message in document["messages"]:
        general = str(message.get("intent", "")).startswith(("faq_", "sponsor_"))
        facts, planned, confirm = ({}, {}, {}) if args.as_deployed and general else read_message(message["text"], today)
        if message.get("offtopic"):
            offtopic_total += 1
            if facts:
                offtopic_read.append(f"{message['id']}: {facts}")
        score.compare("fact", message["id"], _label_facts(message), facts)
        score.compare("planned", message["id"], dict(message.get("planned") or {}), planned)
        score.compare(CONFIRM, message["id"], dict(message.get("confirm") or {}), confirm)
    print(f"{args.path} ({len(document['messages'])} messages, as of {today})")
    print(score.table())
    print(f"off-topic messages with a fact read: {len(offtopic_read)} of {offtopic_total}")
    print(f"extractor speed: {_ms_per_message([m['text'] for m in document['messages']]):.2f} ms per message "
          "(best of 5 passes; goal under 1 ms)")
    for line in offtopic_read[:args.show_misses]:
        print("  ", line)
    if args.show_misses:
        print(f"misses ({len(score.misses)}):")
        for line in score.misses[:args.show_misses]:
            print("  ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
