"""Would a typo-correction or date library help the reading layer? A measurement, not a test.

Run with an interpreter that has the candidates installed (they are not project dependencies):

    python -m venv /tmp/libvenv && /tmp/libvenv/bin/pip install rapidfuzz symspellpy pyspellchecker dateparser
    PYTHONPATH=. /tmp/libvenv/bin/python benchmarks/reading_libraries_check.py tests/nlu/dev_messy.yml
    (the project's own packages come from .venv: the script adds its site-packages to sys.path)

What it measures, on a messy set (tests/nlu/dev_messy.yml) and on tests/nlu/dev_nlu.yml:
  * spell correction before extraction: every word is passed through the candidate (rapidfuzz
    against our cue vocabulary at a similarity cutoff; symspellpy and pyspellchecker with their
    bundled English dictionaries), then the same extractor and scorer run on the corrected
    text. Reported: fact precision/recall on the messy set (benchmarks/messy_extraction_check),
    entity-label F1 on dev_nlu (labels per message, since correction moves offsets), and the
    added time per message;
  * dateparser: every date span our extractor finds in the messy set is read by dateparser
    (RELATIVE_BASE = the set's as_of, PREFER_DATES_FROM past) and by our parse_date; the
    readings are compared with the labelled fact where there is one. Plus time per call.

Measured 2026-12-06 (dev_messy 130 messages, dev_nlu 334; rapidfuzz 3.14.5, symspellpy 6.10.1,
pyspellchecker 0.9.1, dateparser 1.5.0), fact precision / recall / dev_nlu label F1:
  none 0.932 / 0.976 / 0.918; rapidfuzz 0.904 / 0.976 / 0.912 (on dev_messy it changed 11
  words, all correct ones, towards cue words: "employee" -> "employer", "retire" ->
  "retired", "separate" -> "separated", which turns plans into facts); symspellpy 0.931 /
  0.960 / 0.914 (16 words, mostly harm: "dont" -> "done", "isnt" -> "int", "FERS" -> "fees",
  "didnt" -> "didst"); pyspellchecker 0.932 / 0.976 / 0.911 (17 words: it fixes "havent" ->
  "haven't", which the cues already accept, and breaks "diff", "regs", "FERS"), the slowest. dateparser read 38 of 45 labelled date spans right against
  our 43 (it has no "no year: most recent past" rule for months, no quarters, no conflicts),
  at 60-80 ms per reading against ours under 0.1 ms. Decision: none adopted; the typos that
  matter are in the cue patterns, deterministic and tested.
"""
from __future__ import annotations

import glob
import re
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path += glob.glob(str(ROOT / ".venv/lib/python3*/site-packages"))

import yaml  # noqa: E402

from actions.extraction import extract_entities  # noqa: E402
from actions.parsing import parse_date  # noqa: E402
from benchmarks.messy_extraction_check import DATE_FACTS, Score, _date_text, _label_facts, read_message  # noqa: E402
from tests.nlu.test_nlu_data import load_examples  # noqa: E402

WORD = re.compile(r"[A-Za-z]+")
# the words our cues are made of: what a fuzzy matcher may correct towards
CUE_WORDS = sorted(set("""offset offsetted terminated termination separated separation retired retiring resigned
laid layoff fired missed missing skipped payment payments balance outstanding remaining owed owe rollover rolled
roll caught current repaid borrowed loan defaulted default distribution bracket birthday born quit left employer
january february march april may june july august september october november december deemed withheld
withholding""".split()))


def corrector(name):
    if name == "rapidfuzz":
        from rapidfuzz import fuzz, process, utils  # noqa: F401

        def fix(word):
            if len(word) < 5 or word.lower() in CUE_WORDS:
                return word
            best = process.extractOne(word.lower(), CUE_WORDS, scorer=fuzz.ratio, score_cutoff=85)
            return best[0] if best else word
        return fix
    if name == "symspellpy":
        import importlib.resources

        from symspellpy import SymSpell, Verbosity
        sym = SymSpell(max_dictionary_edit_distance=2)
        path = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
        sym.load_dictionary(str(path), term_index=0, count_index=1)

        def fix(word):
            if len(word) < 4:
                return word
            found = sym.lookup(word.lower(), Verbosity.TOP, max_edit_distance=2, include_unknown=True)
            return found[0].term if found else word
        return fix
    if name == "pyspellchecker":
        from spellchecker import SpellChecker
        spell = SpellChecker(distance=1)

        def fix(word):
            if len(word) < 4 or word.lower() in spell:
                return word
            return spell.correction(word.lower()) or word
        return fix
    return lambda word: word


def corrected(text, fix):
    return WORD.sub(lambda m: fix(m.group()), text)


def messy_score(messages, today, fix):
    """(precision, recall, seconds of correction per message): the correction alone is timed."""
    score = Score()
    texts = [message["text"] for message in messages]
    start = time.perf_counter()
    fixed = [corrected(text, fix) for text in texts]
    seconds = time.perf_counter() - start
    for message, text in zip(messages, fixed):
        facts, _, _ = read_message(text, today)
        score.compare("fact", message["id"], _label_facts(message), facts)
    tp, fp, fn = (sum(d[k] for k in d if ":" not in k) for d in (score.tp, score.fp, score.fn))
    return tp / (tp + fp), tp / (tp + fn), seconds / len(messages)


def nlu_f1(examples, fix):
    tp = fp = fn = 0
    for example in examples:
        want = Counter(e.label for e in example.entities)
        got = Counter(s.label for s in extract_entities(corrected(example.text, fix)))
        tp += sum((want & got).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
    return 2 * tp / (2 * tp + fp + fn)


def dateparser_check(messages, today):
    import dateparser
    settings = {"RELATIVE_BASE": datetime(today.year, today.month, today.day), "PREFER_DATES_FROM": "past",
                "PREFER_DAY_OF_MONTH": "first"}
    ours_right = theirs_right = labelled = 0
    ours_time = theirs_time = 0.0
    spans = 0
    for message in messages:
        facts = _label_facts(message)
        for span in extract_entities(message["text"]):
            if span.label not in DATE_FACTS:
                continue
            spans += 1
            start = time.perf_counter()
            ours = _date_text(parse_date(span.value, today))
            ours_time += time.perf_counter() - start
            start = time.perf_counter()
            parsed = dateparser.parse(span.value, settings=settings)
            theirs_time += time.perf_counter() - start
            theirs = parsed.date().isoformat() if parsed else None
            want = facts.get(span.label)
            if want is None:
                continue
            labelled += 1
            want = str(want)
            ours_right += bool(ours) and (ours == want or ours.startswith(want + "-") or want.startswith(ours))
            theirs_right += bool(theirs) and (theirs == want or theirs.startswith(want))
    print(f"dateparser: {spans} date spans, {labelled} with a labelled value: ours right {ours_right}, "
          f"dateparser right {theirs_right} (a month label counts any day in it); "
          f"ms per reading: ours {1000 * ours_time / spans:.3f}, dateparser {1000 * theirs_time / spans:.3f}")


def main():
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "tests/nlu/dev_messy.yml")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = date.fromisoformat(str(document["as_of"]))
    messages = document["messages"]
    examples = load_examples(ROOT / "tests/nlu/dev_nlu.yml")
    print(f"{path.name}: {len(messages)} messages; dev_nlu.yml: {len(examples)} examples")
    for message in messages:  # warm the extractor's pattern caches
        read_message(message["text"], today)
    start = time.perf_counter()
    for message in messages:
        read_message(message["text"], today)
    extract_ms = 1000 * (time.perf_counter() - start) / len(messages)
    print(f"reading layer alone (extract + parse): {extract_ms:.2f} ms per message")
    print(f"{'candidate':16} {'messy P':>8} {'messy R':>8} {'+ms/msg':>8} {'dev_nlu label F1':>17}")
    for name in ("none", "rapidfuzz", "symspellpy", "pyspellchecker"):
        fix = corrector(name)
        fix("warmup")
        precision, recall, seconds = messy_score(messages, today, fix)
        print(f"{name:16} {precision:8.3f} {recall:8.3f} {1000 * seconds:8.2f} {nlu_f1(examples, fix):17.3f}")
    dateparser_check(messages, today)


if __name__ == "__main__":
    main()
