"""Rule registry: what each date-producing rule says, and its sources (data/rules.yaml)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Tuple

from .citations import cite
from .yaml_data import load_yaml

CERTAINTIES = ("settled", "likely", "unsettled")


@dataclass(frozen=True)
class Rule:
    id: str
    says: str
    citations: Tuple[str, ...]


@lru_cache(maxsize=1)
def registry() -> Dict[str, Rule]:
    raw = load_yaml((Path(__file__).parent / "data" / "rules.yaml").read_text(encoding="utf-8"))
    rules = {}
    for rid, entry in raw.items():
        ids = tuple(entry.get("citations") or ())
        for cid in ids:
            cite(cid)  # fail loudly on a typo rather than print a dangling reference
        rules[rid] = Rule(rid, entry["says"].strip(), ids)
    return rules


def rule(rid: str) -> Rule:
    try:
        return registry()[rid]
    except KeyError:
        raise KeyError(f"unknown rule id {rid!r}") from None
