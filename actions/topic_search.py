"""Second stage for questions the intent model is unsure of: which explanation topic a question
is about, by retrieval over the topics' own words.

Runs in the action server (pure Python: no scikit-learn there). The index covers the topics a
user can ask for (kinds faq and sponsor, each answered by the intent of the same name): each
topic's title, its `asks:` example questions (twice) and its text. Scoring is TF-IDF cosine,
computed as scikit-learn's TfidfVectorizer computes it (sub-linear tf, smoothed idf, each part
L2-normalised; tests/dialogue/test_did_you_mean.py checks the scores against it) over two parts
whose similarities add up: words and word pairs, and character 3-4-grams within words (which
absorb typos and word endings: "offsett", "rolling"). Chosen by measurement over BM25 and
rapidfuzz (benchmarks/topic_retrieval_check.py). About 40 topics: the index is built once per
process and a query takes a few milliseconds, so no model is loaded per message.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Sequence, Tuple

from rules_core.explain import topics

ASKABLE_KINDS = ("faq", "sponsor")
ASKS_WEIGHT = 2  # example questions are what users ask: counted twice

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_SPACES = re.compile(r"\s\s+")


def word_features(text: str) -> List[str]:
    """Words of two or more characters and adjacent pairs of them, lower-cased."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def char_features(text: str, sizes: Tuple[int, int] = (3, 4)) -> List[str]:
    """Character n-grams inside space-padded words (scikit-learn's `char_wb`)."""
    grams = []
    for word in _SPACES.sub(" ", text.lower()).split():
        word = f" {word} "
        for n in range(sizes[0], sizes[1] + 1):
            offset = 0
            grams.append(word[offset:offset + n])
            while offset + n < len(word):
                offset += 1
                grams.append(word[offset:offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


ANALYZERS = (word_features, char_features)


@dataclass(frozen=True)
class Match:
    topic_id: str
    intent: str
    title: str
    score: float


class _Part:
    """One TF-IDF vector space (one analyzer) over the topics, as an inverted index."""

    def __init__(self, analyzer, documents: Sequence[str]):
        self.analyzer = analyzer
        counts = [Counter(analyzer(text)) for text in documents]
        frequency = Counter(feature for c in counts for feature in c)
        n = len(documents)
        self.idf = {f: math.log((1 + n) / (1 + df)) + 1 for f, df in frequency.items()}
        self.postings: Dict[str, List[Tuple[int, float]]] = defaultdict(list)
        for index, c in enumerate(counts):
            vector = self._weights(c)
            for feature, weight in vector.items():
                self.postings[feature].append((index, weight))

    def _weights(self, counts: Counter) -> Dict[str, float]:
        vector = {f: (1 + math.log(k)) * self.idf[f] for f, k in counts.items() if f in self.idf}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {f: w / norm for f, w in vector.items()}

    def similarities(self, text: str, into: List[float]) -> None:
        for feature, weight in self._weights(Counter(self.analyzer(text))).items():
            for index, doc_weight in self.postings[feature]:
                into[index] += weight * doc_weight


class TopicIndex:
    def __init__(self, documents: Dict[str, Tuple[str, str]]):
        """`documents`: topic id -> (title, text to index)."""
        self._ids = list(documents)
        self._titles = [title for title, _ in documents.values()]
        texts = [text for _, text in documents.values()]
        self._parts = [_Part(analyzer, texts) for analyzer in ANALYZERS]

    def scores(self, question: str) -> List[float]:
        """Similarity of `question` to every topic (0 to 2: the two parts' cosines added)."""
        totals = [0.0] * len(self._ids)
        for part in self._parts:
            part.similarities(question, totals)
        return totals

    def search(self, question: str, limit: int = 3) -> List[Match]:
        """The best topics for `question`, best first (only those sharing a feature with it)."""
        ranked = sorted(((score, tid, title) for score, tid, title in zip(self.scores(question), self._ids,
                                                                           self._titles) if score > 0),
                        key=lambda item: (-item[0], item[1]))
        return [Match(tid, intent_of(tid), title, score) for score, tid, title in ranked[:limit]]


def intent_of(topic_id: str) -> str:
    """faq.what_is_qplo -> faq_what_is_qplo (the intent that asks for the topic)."""
    return topic_id.replace(".", "_", 1)


def topic_text(topic) -> str:
    return " ".join([topic.title, *(list(topic.asks) * ASKS_WEIGHT), topic.body])


@lru_cache(maxsize=1)
def index() -> TopicIndex:
    return TopicIndex({tid: (t.title, topic_text(t)) for tid, t in topics().items() if t.kind in ASKABLE_KINDS})


def search(question: str, limit: int = 3) -> List[Match]:
    return index().search(question, limit)


# Retrieval answers on its own when the best topic scores at least CONFIDENT_SCORE and leads
# the runner-up by CONFIDENT_LEAD (ratio): on the dev questions (tests/nlu/dev_nlu.yml and
# dev_messy.yml, 208) that is 41% of them, 98% right (tests/dialogue/test_did_you_mean.py keeps
# the figures). Below SUGGESTION_SCORE a topic shares only common words ("what's the ...").
CONFIDENT_SCORE = 0.4
CONFIDENT_LEAD = 1.5
SUGGESTION_SCORE = 0.2


def confident(matches: Sequence[Match]) -> bool:
    if not matches or matches[0].score < CONFIDENT_SCORE:
        return False
    return len(matches) == 1 or matches[0].score >= CONFIDENT_LEAD * matches[1].score
