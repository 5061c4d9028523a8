"""Checks on the NLU training data and the NLU test sets (dev and held-out).

Both files are read with plain PyYAML and a small parser for Rasa's inline entity syntax
(``[text](label)`` and ``[text]{"entity": "label"}``), so these tests need no Rasa install.
The contract they enforce is docs/nlu-annotation.md.
"""

import difflib
import json
import re
import string
from collections import Counter
from pathlib import Path
from typing import Dict, List, NamedTuple, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TRAIN_PATH = ROOT / "data" / "nlu.yml"
# dev_nlu.yml tuned the pipeline choices; heldout_nlu.yml was written later, blind to the
# training data and the extractor, and is the one the thresholds are measured on.
DEV_PATH = ROOT / "tests" / "nlu" / "dev_nlu.yml"
HELDOUT_PATH = ROOT / "tests" / "nlu" / "heldout_nlu.yml"
TEST_PATHS = [DEV_PATH, HELDOUT_PATH]
GUIDE_PATH = ROOT / "docs" / "nlu-annotation.md"
EXPLANATIONS = ROOT / "rules_core" / "explanations"

# [text](label) or [text](label:value) or [text]{"entity": "label", ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\((?P<label>[^()]+)\)|(?P<json>\{[^{}]*\}))")

# A span may start with a currency sign and end with a percent sign; nothing else.
_EDGE_PUNCTUATION = set(string.punctuation) - {"$", "%"}


class Entity(NamedTuple):
    text: str
    label: str
    start: int
    end: int


class Example(NamedTuple):
    intent: str
    raw: str
    text: str
    entities: Tuple[Entity, ...]


def parse_example(intent: str, raw: str) -> Example:
    """Turn one annotated line into plain text plus entity spans (offsets into the plain text)."""
    pieces: List[str] = []
    entities: List[Entity] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(raw):
        before = raw[pos:match.start()]
        pieces.append(before)
        length += len(before)
        span = match.group("text")
        if match.group("json") is not None:
            label = json.loads(match.group("json"))["entity"]
        else:
            label = match.group("label").split(":", 1)[0]
        entities.append(Entity(span, label.strip(), length, length + len(span)))
        pieces.append(span)
        length += len(span)
        pos = match.end()
    pieces.append(raw[pos:])
    return Example(intent, raw, "".join(pieces), tuple(entities))


def load_examples(path: Path) -> List[Example]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path}: not a mapping"
    assert str(document.get("version")) == "3.1", f"{path}: expected version 3.1"
    examples: List[Example] = []
    for block in document["nlu"]:
        assert "intent" in block, f"{path}: only intent blocks are expected, got {sorted(block)}"
        lines = block["examples"].splitlines()
        for line in lines:
            if not line.strip():
                continue
            assert line.startswith("- "), f"{path}: {block['intent']}: bad example line {line!r}"
            examples.append(parse_example(block["intent"], line[2:].strip()))
    return examples


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _loose(text: str) -> str:
    """Lower case, punctuation dropped, whitespace collapsed: for near-duplicate checks."""
    stripped = "".join(" " if ch in string.punctuation else ch for ch in text.lower())
    return " ".join(stripped.split())


def _guide_table_names(section: str) -> List[str]:
    """First-column names (in backticks) of the table under the guide's `## <section>` heading."""
    text = GUIDE_PATH.read_text(encoding="utf-8")
    match = re.search(rf"^## {section}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no '## {section}' section in {GUIDE_PATH}"
    names = re.findall(r"^\|\s*`([^`]+)`\s*\|", match.group(1), re.M)
    assert names, f"no table rows under '## {section}'"
    return names


GUIDE_INTENTS = [name for name in _guide_table_names("Intents") if "<" not in name]
GUIDE_LABELS = set(_guide_table_names("Entities"))
TOPIC_INTENTS = sorted(
    path.name[: -len(".md")].replace(".", "_", 1)
    for pattern in ("faq.*.md", "sponsor.*.md")
    for path in EXPLANATIONS.glob(pattern)
)


@pytest.fixture(scope="module")
def train() -> List[Example]:
    return load_examples(TRAIN_PATH)


@pytest.fixture(scope="module", params=TEST_PATHS, ids=["dev", "heldout"])
def test_set(request) -> List[Example]:
    return load_examples(request.param)


def _counts(examples: List[Example]) -> Dict[str, int]:
    return Counter(example.intent for example in examples)


def test_parser_reads_inline_annotations():
    example = parse_example("inform", 'left my job [3/14](separation_date), owed ~[12k]{"entity": "loan_balance"}')
    assert example.text == "left my job 3/14, owed ~12k"
    assert [(e.text, e.label) for e in example.entities] == [("3/14", "separation_date"), ("12k", "loan_balance")]
    for entity in example.entities:
        assert example.text[entity.start:entity.end] == entity.text


def test_guide_lists_the_expected_vocabulary():
    assert {"inform", "what_if", "decode_code", "request_assessment"} <= set(GUIDE_INTENTS)
    assert {"separation_date", "loan_balance", "box7_code", "left_job", "date", "amount"} <= GUIDE_LABELS
    assert TOPIC_INTENTS, "no faq.*.md / sponsor.*.md explanation topics found"


@pytest.mark.parametrize("path", [TRAIN_PATH, *TEST_PATHS], ids=["train", "dev", "heldout"])
def test_no_stray_brackets(path):
    for example in load_examples(path):
        assert "[" not in example.text and "]" not in example.text, f"{path.name}: unparsed annotation in {example.raw!r}"


def test_every_test_intent_exists_in_training(train, test_set):
    missing = sorted({e.intent for e in test_set} - {e.intent for e in train})
    assert not missing, f"intents in the test set with no training data: {missing}"


def test_every_training_intent_is_known(train):
    known = set(GUIDE_INTENTS) | set(TOPIC_INTENTS)
    unknown = sorted({e.intent for e in train} - known)
    assert not unknown, f"intents not in the guide and without an explanation topic: {unknown}"


def test_every_guide_intent_has_training_examples(train):
    counts = _counts(train)
    missing = [intent for intent in GUIDE_INTENTS if counts[intent] == 0]
    assert not missing, f"guide intents without training examples: {missing}"


def test_every_explanation_topic_has_an_intent(train):
    counts = _counts(train)
    missing = [intent for intent in TOPIC_INTENTS if counts[intent] == 0]
    assert not missing, f"faq/sponsor topics without a training intent: {missing}"


@pytest.mark.parametrize("path", [TRAIN_PATH, *TEST_PATHS], ids=["train", "dev", "heldout"])
def test_no_duplicates_within_a_file(path):
    seen: Dict[str, str] = {}
    for example in load_examples(path):
        key = normalise(example.text)
        assert key not in seen, f"{path.name}: {example.text!r} under {example.intent} and {seen[key]}"
        seen[key] = example.intent


def test_no_example_in_both_files(train, test_set):
    train_texts = {normalise(e.text) for e in train}
    overlap = sorted(normalise(e.text) for e in test_set if normalise(e.text) in train_texts)
    assert not overlap, f"test examples also in training: {overlap}"


def test_no_near_duplicates_between_files(train, test_set):
    train_loose = [_loose(e.text) for e in train]
    close = []
    for example in test_set:
        probe = _loose(example.text)
        matcher = difflib.SequenceMatcher(None)
        matcher.set_seq2(probe)  # seq2 is the one SequenceMatcher caches
        for candidate in train_loose:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9:
                close.append((example.text, candidate))
    assert not close, f"test examples nearly identical to training examples: {close}"


@pytest.mark.parametrize("path", [TRAIN_PATH, *TEST_PATHS], ids=["train", "dev", "heldout"])
def test_entity_labels_are_from_the_guide(path):
    bad = sorted({(e.label, ex.raw) for ex in load_examples(path) for e in ex.entities if e.label not in GUIDE_LABELS})
    assert not bad, f"{path.name}: labels not in the guide: {bad}"


@pytest.mark.parametrize("path", [TRAIN_PATH, *TEST_PATHS], ids=["train", "dev", "heldout"])
def test_span_edges_are_clean(path):
    bad = []
    for example in load_examples(path):
        for entity in example.entities:
            span = entity.text
            if span != span.strip() or span[0] in _EDGE_PUNCTUATION or span[-1] in _EDGE_PUNCTUATION:
                bad.append((span, example.raw))
    assert not bad, f"{path.name}: spans with leading/trailing space or punctuation: {bad}"


# Minimum volumes agreed for the first version of the data.
_TRAIN_MINIMUM = {"inform": 120, "what_if": 25, "decode_code": 20, "request_assessment": 20, "affirm": 20, "deny": 20}
_SMALL_TALK = ("greet", "goodbye", "thanks", "help", "bot_challenge", "restart", "out_of_scope")
_TEST_MINIMUM = {"what_if": 10, "decode_code": 8, "request_assessment": 8}


def test_training_volumes(train):
    counts = _counts(train)
    short = {i: counts[i] for i, n in _TRAIN_MINIMUM.items() if counts[i] < n}
    short.update({i: counts[i] for i in _SMALL_TALK if counts[i] < 12})
    short.update({i: counts[i] for i in TOPIC_INTENTS if counts[i] < 8})
    assert not short, f"intents below their minimum number of training examples: {short}"


def test_test_set_volumes(test_set):
    counts = _counts(test_set)
    short = {i: counts[i] for i, n in _TEST_MINIMUM.items() if counts[i] < n}
    short.update({i: counts[i] for i in _SMALL_TALK + ("affirm", "deny") if counts[i] < 6})
    short.update({i: counts[i] for i in TOPIC_INTENTS if counts[i] < 4})
    inform_with_entities = sum(1 for e in test_set if e.intent == "inform" and e.entities)
    if inform_with_entities < 50:
        short["inform (with entities)"] = inform_with_entities
    assert not short, f"test-set intents below their minimum number of examples: {short}"
