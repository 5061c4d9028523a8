"""Numbers from the law, as dated values with references (the OpenFisca habit).

Each YAML file in this folder maps a parameter name to a description and a list of values,
each with the day it took effect and a citation id:

    loan_cap_dollars:
      description: Dollar ceiling on plan loans before the look-back reduction.
      unit: usd
      values:
        - since: 1987-01-01
          value: 50000
          citation: irc-72p2a

`parameter(name, on)` returns the value in force on a date. A law change becomes a new
dated value, never an `if` in the code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Tuple

from ..citations import cite
from ..yaml_data import load_yaml


@dataclass(frozen=True)
class DatedValue:
    since: date
    value: Any
    citation: str


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    values: Tuple[DatedValue, ...]  # oldest first

    def on(self, day: date) -> DatedValue:
        if day >= self.values[-1].since:  # the common case: the value in force today
            return self.values[-1]
        current = None
        for dated in self.values:
            if dated.since <= day:
                current = dated
        if current is None:
            raise LookupError(f"parameter {self.name} has no value on {day.isoformat()}")
        return current


def _coerce(value: Any, unit: str) -> Any:
    # Money and rates as Decimal so no float ever reaches a dollar amount.
    if unit in ("usd", "rate") and value is not None:
        return Decimal(str(value))
    return value


@lru_cache(maxsize=1)
def registry() -> Dict[str, Parameter]:
    found: Dict[str, Parameter] = {}
    for path in sorted(Path(__file__).parent.glob("*.yaml")):
        for name, entry in (load_yaml(path.read_text(encoding="utf-8")) or {}).items():
            if name in found:
                raise ValueError(f"parameter {name!r} defined twice ({path.name})")
            unit = entry.get("unit", "")
            values = []
            for item in entry["values"]:
                cite(item["citation"])
                values.append(DatedValue(item["since"], _coerce(item["value"], unit), item["citation"]))
            values.sort(key=lambda v: v.since)
            found[name] = Parameter(name, entry["description"], unit, tuple(values))
    return found


_loaded: Dict[str, Parameter] = {}


def parameter(name: str, on: date) -> Any:
    """The value of parameter `name` in force on `on`."""
    param = (_loaded or _load())[name]
    latest = param.values[-1]
    return latest.value if on >= latest.since else param.on(on).value


def change_days(*names: str) -> Tuple[date, ...]:
    """Every day on which one of these parameters takes a new value, oldest first: between
    two of them (or after the last) all of them stay put."""
    every = (_loaded or _load())
    return tuple(sorted({dated.since for name in names for dated in every[name].values}))


def _load() -> Dict[str, Parameter]:
    _loaded.update(registry())
    return _loaded
