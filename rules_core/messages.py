"""Templated messages kept as data (data/messages.yaml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from .yaml_data import load_yaml




@lru_cache(maxsize=1)
def messages() -> dict:
    return load_yaml((Path(__file__).parent / "data" / "messages.yaml").read_text(encoding="utf-8"))


def message(path: str, **values: Any) -> str:
    node: Any = messages()
    for part in path.split("."):
        node = node[part]
    return node.format(**values) if values else node
