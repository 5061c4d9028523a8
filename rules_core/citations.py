"""The citation registry: every source the core quotes, loaded once from data/citations/."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Tuple
from .yaml_data import load_yaml



_FOLDER = Path(__file__).parent / "data" / "citations"


@dataclass(frozen=True)
class Citation:
    id: str
    label: str
    title: str
    url: str

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "title": self.title, "url": self.url}


@lru_cache(maxsize=1)
def registry() -> Dict[str, Citation]:
    found: Dict[str, Citation] = {}
    for path in sorted(_FOLDER.glob("*.yaml")):
        for cid, entry in (load_yaml(path.read_text(encoding="utf-8")) or {}).items():
            if cid in found:
                raise ValueError(f"citation {cid!r} defined twice ({path.name})")
            found[cid] = Citation(cid, entry["label"], entry["title"], entry["url"])
    return found


def cite(cid: str) -> Citation:
    try:
        return registry()[cid]
    except KeyError:
        raise KeyError(f"unknown citation id {cid!r}") from None


@lru_cache(maxsize=512)
def cite_all(ids: Tuple[str, ...]) -> Tuple[dict, ...]:
    """Citation dicts for output, cached: the same few tuples recur in every assessment."""
    return tuple(cite(cid).to_dict() for cid in ids)


def check_ids(ids: Iterable[str]) -> None:
    for cid in ids:
        cite(cid)
