"""The messy sets (tests/nlu/dev_messy.yml to iterate on, blind_messy.yml to measure) are labelled
in the product's own vocabulary: every intent exists, every fact is one the dialogue keeps, every
value is one the rules core could hold. benchmarks/bench_messy.py scores the assistant on them; a
label it could never match would hide a miss, so the labels themselves are checked here. None of
their text may appear in the training data (beyond one- or two-word replies)."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from benchmarks.bench_messy import DATE_FACTS, FACT_SLOTS, MONEY_FACTS
from tests.nlu.test_nlu_data import TRAIN_PATH, load_examples, normalise

ROOT = Path(__file__).resolve().parents[2]
SETS = [ROOT / "tests" / "nlu" / name for name in ("dev_messy.yml", "dev_messy2.yml", "dev_messy3.yml", "dev_messy4.yml", "dev_messy5.yml",
                                            "blind_messy.yml")]
DOMAIN_INTENTS = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
PLAN_KINDS = {"401k", "403b", "457b", "tsp"}
BOOL_FACTS = ("left_job", "plan_terminated", "loan_in_good_standing")
MINIMUM = {"dev_messy.yml": 100, "dev_messy2.yml": 200, "dev_messy3.yml": 200, "dev_messy4.yml": 200, "dev_messy5.yml": 250,
           "blind_messy.yml": 300}


def _messages(path: Path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["version"] == 1
    date.fromisoformat(str(document["as_of"]))
    return document["messages"]


def _valid_value(name: str, value) -> bool:
    text = str(value)
    if name in DATE_FACTS:
        if name == "caught_up_on" and text.lower() == "no":
            return True
        if len(text) == 7 and text[4:6] == "-Q" and text[6] in "1234":
            return text[:4].isdigit()  # a quarter, "2026-Q2"
        parts = text.split("-")
        try:
            date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
        except (ValueError, IndexError):
            return False
        return len(parts[0]) == 4
    if name in MONEY_FACTS:
        return Decimal(text) >= 0
    if name == "marginal_tax_rate":
        return Decimal("0") <= Decimal(text) <= Decimal("1")
    if name == "age":
        return isinstance(value, int) and 0 <= value <= 120
    if name in BOOL_FACTS:
        return isinstance(value, bool)
    if name == "plan_kind":
        return text in PLAN_KINDS
    if name == "box7_code":
        return text.isalnum() and text == text.upper() and 1 <= len(text) <= 2
    return False


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_labels_use_the_products_vocabulary(path):
    if not path.exists():
        pytest.fail(f"{path.name} is missing")
    messages = _messages(path)
    assert len(messages) >= MINIMUM[path.name]
    ids = [m["id"] for m in messages]
    assert len(ids) == len(set(ids)), "message ids repeat"
    bad = []
    for m in messages:
        if m["intent"] not in DOMAIN_INTENTS:
            bad.append((m["id"], "intent", m["intent"]))
        if m.get("also_asks") and m["also_asks"] not in DOMAIN_INTENTS:
            bad.append((m["id"], "also_asks", m["also_asks"]))
        for group in ("facts", "planned"):
            for name, value in (m.get(group) or {}).items():
                if name not in FACT_SLOTS or not _valid_value(name, value):
                    bad.append((m["id"], f"{group}.{name}", value))
        for name, readings in (m.get("confirm") or {}).items():
            if name not in DATE_FACTS + MONEY_FACTS or len(readings) < 2 or not all(_valid_value(name, r) for r in readings):
                bad.append((m["id"], f"confirm.{name}", readings))
        if m.get("offtopic") and m.get("facts"):
            bad.append((m["id"], "offtopic with facts", m["facts"]))
    assert not bad, f"labels outside the vocabulary: {bad[:20]}"


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_never_in_training(path):
    training = {normalise(e.text) for e in load_examples(TRAIN_PATH)}
    # one- and two-word replies ("yes", "hi there", "idk") are everyone's words, not a leak
    leaked = [m["id"] for m in _messages(path)
              if normalise(m["text"]) in training and len(m["text"].split()) > 2]
    assert not leaked, f"messages of {path.name} found in data/nlu.yml: {leaked}"
