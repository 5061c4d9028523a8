"""Second stage for questions the intent model is unsure of: which explanation topic a question
is about, by retrieval over the topics' own words.

Runs in the action server (pure Python: no scikit-learn there). The index covers the topics a
user can ask for (kinds faq and sponsor, each answered by the intent of the same name): each
topic's title and `asks:` example questions, weighted double, and its text. Scoring is Okapi
BM25 (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009)
with the usual k1 = 1.2, b = 0.75, on lower-cased word stems without stop words. About 40
topics: the index is built once per process (~20 ms) and a query takes well under a
millisecond, so no model is loaded per message.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Sequence, Tuple

from rules_core.explain import topics

ASKABLE_KINDS = ("faq", "sponsor")
K1, B = 1.2, 0.75
TITLE_AND_ASKS_WEIGHT = 2

_WORD = re.compile(r"401\s?\(?k\)?|403\s?\(?b\)?|457\s?\(?b\)?|1099-?r|[a-z]+|\d+", re.I)
_STOP = frozenset("""a an the and or but if of to in on at by for from with about into over after before
    is are was were be been being am do does did doing have has had having i me my we our you your he she
    it its they them their this that these those what which who whom how when where why can could should
    would will shall may might must so than then there here just also any some all not no yes get got
    im ive id dont does doesnt didnt isnt wont cant whats hows s t""".split())
_SPELLINGS = {"401(k)": "401k", "401 k": "401k", "403(b)": "403b", "457(b)": "457b", "1099r": "1099-r"}


def words(text: str) -> List[str]:
    """Stems of the content words of `text`."""
    found = []
    for match in _WORD.finditer(text.lower().replace("’", "'").replace("'", "")):
        word = re.sub(r"[\s()]", "", match.group(0))
        word = _SPELLINGS.get(word, word)
        if word in _STOP:
            continue
        found.append(_stem(word))
    return found


def _stem(word: str) -> str:
    """A light suffix strip: enough to meet "rolled", "rolling", "rolls" as "roll"."""
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ied", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ied", "ies") else stem
    return word


@dataclass(frozen=True)
class Match:
    topic_id: str
    intent: str
    title: str
    score: float


class TopicIndex:
    def __init__(self, documents: Dict[str, Tuple[str, List[str]]]):
        """`documents`: topic id -> (title, stems)."""
        self._titles = {tid: title for tid, (title, _) in documents.items()}
        self._counts = {tid: Counter(stems) for tid, (_, stems) in documents.items()}
        self._lengths = {tid: len(stems) for tid, (_, stems) in documents.items()}
        self._average = sum(self._lengths.values()) / max(1, len(self._lengths))
        frequency = Counter(stem for counts in self._counts.values() for stem in counts)
        n = len(documents)
        self._idf = {stem: math.log(1 + (n - df + 0.5) / (df + 0.5)) for stem, df in frequency.items()}

    def search(self, question: str, limit: int = 3) -> List[Match]:
        """The best topics for `question`, best first (only those sharing a word with it)."""
        query = set(words(question))
        scored = []
        for tid, counts in self._counts.items():
            norm = K1 * (1 - B + B * self._lengths[tid] / self._average)
            score = sum(self._idf[w] * counts[w] * (K1 + 1) / (counts[w] + norm) for w in query if w in counts)
            if score > 0:
                scored.append(Match(tid, intent_of(tid), self._titles[tid], score))
        scored.sort(key=lambda m: (-m.score, m.topic_id))
        return scored[:limit]


def intent_of(topic_id: str) -> str:
    """faq.what_is_qplo -> faq_what_is_qplo (the intent that asks for the topic)."""
    return topic_id.replace(".", "_", 1)


@lru_cache(maxsize=1)
def index() -> TopicIndex:
    documents = {}
    for tid, topic in topics().items():
        if topic.kind not in ASKABLE_KINDS:
            continue
        stems = words(topic.title) * TITLE_AND_ASKS_WEIGHT
        for ask in topic.asks:
            stems += words(ask) * TITLE_AND_ASKS_WEIGHT
        stems += words(topic.body)
        documents[tid] = (topic.title, stems)
    return TopicIndex(documents)


def search(question: str, limit: int = 3) -> List[Match]:
    return index().search(question, limit)


# Confidence of the first stage's answer: the best topic must score at least CONFIDENT_SCORE
# and lead the runner-up by CONFIDENT_LEAD (ratio). Set on the dev sets (tests/nlu/dev_nlu.yml,
# dev_messy.yml): see tests/dialogue/test_did_you_mean.py for the figures they must keep.
CONFIDENT_SCORE = 9.0
CONFIDENT_LEAD = 1.5
SUGGESTION_SCORE = 2.0  # below this a topic shares only a common word with the question


def confident(matches: Sequence[Match]) -> bool:
    if not matches or matches[0].score < CONFIDENT_SCORE:
        return False
    return len(matches) == 1 or matches[0].score >= CONFIDENT_LEAD * matches[1].score
