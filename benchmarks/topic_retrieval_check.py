"""Which retrieval for the second stage (actions/topic_search.py)? A measurement, not a test.

Candidates, each over the FAQ and sponsor topics' own words (title, `asks:` twice, text), scored
on the FAQ/sponsor questions of tests/nlu/dev_nlu.yml and tests/nlu/dev_messy.yml (never trained
on; the held-out and blind sets stay for measurement):
  * ours      actions/topic_search.py: TF-IDF cosine, words 1-2 + character 3-4-grams within
              words, in pure Python (the action server has no scikit-learn);
  * bm25      Okapi BM25 (k1 1.2, b 0.75) on lower-cased words without stop words, light
              suffix stripping: the first version of the module;
  * rapidfuzz the best WRatio between the question and any one title or ask of a topic.
Reported: top-1 and top-3 accuracy, and time per query.

    python -m venv /tmp/libvenv && /tmp/libvenv/bin/pip install rapidfuzz
    PYTHONPATH=. /tmp/libvenv/bin/python benchmarks/topic_retrieval_check.py
(without rapidfuzz that candidate is skipped: .venv/bin/python works for the others)

Measured 2026-12-06 (208 questions; rapidfuzz 3.14.5): ours top-1 0.82, top-3 0.97, 0.3-1 ms
a query; bm25 top-1 0.68, top-3 0.89, 0.07 ms; rapidfuzz top-1 0.09, top-3 0.15 (a whole question
against short example questions scores on length and shared filler, not on the topic). With
scikit-learn's TfidfVectorizer the same features give the same similarities
(tests/dialogue/test_did_you_mean.py); words alone 0.75 / 0.93. Kept: ours.
"""
from __future__ import annotations

import glob
import math
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path += glob.glob(str(ROOT / ".venv/lib/python3*/site-packages"))

import yaml  # noqa: E402

from actions.topic_search import ASKABLE_KINDS, intent_of, search, topic_text  # noqa: E402
from rules_core.explain import topics  # noqa: E402


def questions():
    rows = []
    for block in yaml.safe_load((ROOT / "tests/nlu/dev_nlu.yml").read_text())["nlu"]:
        if block.get("intent", "").startswith(("faq_", "sponsor_")):
            for line in block["examples"].splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", re.sub(r"^\s*-\s*", "", line)).strip()
                if text:
                    rows.append((block["intent"], text))
    messy = yaml.safe_load((ROOT / "tests/nlu/dev_messy.yml").read_text())["messages"]
    return rows + [(m["intent"], m["text"]) for m in messy if m["intent"].startswith(("faq_", "sponsor_"))]


def askable():
    return {tid: t for tid, t in topics().items() if t.kind in ASKABLE_KINDS}


def ours():
    return lambda text: [m.intent for m in search(text, limit=3)]


_STOP = frozenset("""a an the and or but if of to in on at by for from with about into over after before
    is are was were be been being am do does did doing have has had having i me my we our you your he she
    it its they them their this that these those what which who whom how when where why can could should
    would will shall may might must so than then there here just also any some all not no yes get got
    im ive id dont does doesnt didnt isnt wont cant whats hows s t""".split())


def _stems(text):
    out = []
    for word in re.findall(r"[a-z0-9]+", text.lower().replace("'", "")):
        if word in _STOP:
            continue
        for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        out.append(word)
    return out


def bm25(k1=1.2, b=0.75):
    docs = {tid: Counter(_stems(topic_text(t))) for tid, t in askable().items()}
    lengths = {tid: sum(c.values()) for tid, c in docs.items()}
    average = sum(lengths.values()) / len(lengths)
    df = Counter(w for c in docs.values() for w in c)
    idf = {w: math.log(1 + (len(docs) - n + 0.5) / (n + 0.5)) for w, n in df.items()}

    def rank(text):
        query = set(_stems(text))
        scores = {tid: sum(idf[w] * c[w] * (k1 + 1) / (c[w] + k1 * (1 - b + b * lengths[tid] / average))
                           for w in query if w in c) for tid, c in docs.items()}
        return [intent_of(tid) for tid in sorted(scores, key=lambda t: -scores[t])[:3]]
    return rank


def fuzzy():
    from rapidfuzz import fuzz, process, utils
    choices, owners = [], []
    for tid, t in askable().items():
        for line in (t.title, *t.asks):
            choices.append(line)
            owners.append(intent_of(tid))

    def rank(text):
        best = {}
        for _, score, i in process.extract(text, choices, scorer=fuzz.WRatio, processor=utils.default_process,
                                           limit=30):
            best.setdefault(owners[i], score)
        return sorted(best, key=lambda k: -best[k])[:3]
    return rank


def main() -> None:
    rows = questions()
    print(f"{len(rows)} questions")
    for name, make in (("ours", ours), ("bm25", bm25), ("rapidfuzz", fuzzy)):
        try:
            rank = make()
        except ImportError as missing:
            print(f"{name:10s} skipped ({missing})")
            continue
        start = time.perf_counter()
        ranked = [(intent, rank(text)) for intent, text in rows]
        per_query = (time.perf_counter() - start) / len(rows) * 1000
        top1 = sum(bool(r) and r[0] == i for i, r in ranked) / len(rows)
        top3 = sum(i in r for i, r in ranked) / len(rows)
        print(f"{name:10s} top-1 {top1:.2f}  top-3 {top3:.2f}  {per_query:.2f} ms/query")


if __name__ == "__main__":
    main()
