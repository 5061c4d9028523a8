"""Per-client message limits inside the Rasa server (issue 13, item 3).

One client sending messages as fast as it can would otherwise take the server's time from
everyone else. Each client (its network address) has a bucket of `burst` messages that refills
at `per_minute` messages a minute; a message that finds the bucket empty is not processed and
the client is told how many seconds to wait (HTTP 429 with Retry-After on the REST channel, a
bot message on the widget's socket.io channel).

The scaled shape's nginx limits requests per client before they reach a Rasa server
(deploy/nginx/rate_limit.conf); this limiter is the embedded default's front line, and in the
scaled shape it also covers the widget's messages that arrive over an open websocket, which
nginx sees as one long request.

Settings (environment, read at server start):
- RATE_LIMIT_PER_MINUTE: messages a client may send a minute, sustained. Unset, empty or 0:
  no limit (tests that start the servers themselves drive many conversations from 127.0.0.1).
  scripts/run.sh and scripts/run_scaled.sh set 60.
- RATE_LIMIT_BURST: messages a client may send at once after a quiet spell (default 20).
- RATE_LIMIT_EXEMPT: addresses or networks (10.0.0.0/8) never limited, space separated (a
  portal back end that talks for many people from one address).
- TRUSTED_PROXIES: addresses of reverse proxies in front of the server (space separated); for a
  request from one of them the client is the last address of X-Forwarded-For, the one the proxy
  added. run_scaled.sh sets 127.0.0.1, where its nginx runs.
"""
from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass
from typing import Dict, FrozenSet, Mapping, Optional, Tuple

from actions.presenting import words

MAX_CLIENTS = 100_000  # buckets kept at most; full (idle) buckets are dropped first


@dataclass(frozen=True)
class LimitSettings:
    per_minute: float
    burst: int
    exempt: FrozenSet[str] = frozenset()
    trusted_proxies: FrozenSet[str] = frozenset()

    @property
    def on(self) -> bool:
        return self.per_minute > 0


def settings_from(env: Mapping[str, str]) -> LimitSettings:
    """The limits the environment asks for; a value that is not a number is an error at start."""
    per_minute = float(env.get("RATE_LIMIT_PER_MINUTE") or 0)
    burst = int(env.get("RATE_LIMIT_BURST") or 20)
    if per_minute < 0 or burst < 1:
        raise ValueError("RATE_LIMIT_PER_MINUTE must be 0 or more and RATE_LIMIT_BURST 1 or more")
    exempt = env.get("RATE_LIMIT_EXEMPT", "").split()
    for entry in exempt:
        ipaddress.ip_network(entry, strict=False)  # a typo stops the server at start, with the entry named
    return LimitSettings(per_minute, burst, frozenset(exempt), frozenset(env.get("TRUSTED_PROXIES", "").split()))


def is_exempt(address: str, exempt: FrozenSet[str]) -> bool:
    if address in exempt:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(entry, strict=False) for entry in exempt if "/" in entry)


def client_address(peer: str, forwarded_for: Optional[str], trusted_proxies: FrozenSet[str]) -> str:
    """Who sent a request: the peer, or, when the peer is a trusted proxy, the address that proxy
    appended to X-Forwarded-For (the entries before it are the client's own claims)."""
    if peer in trusted_proxies and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer


class ClientLimiter:
    """Token buckets, one per client address."""

    def __init__(self, settings: LimitSettings):
        self.settings = settings
        self.buckets: Dict[str, Tuple[float, float]] = {}  # address -> (tokens, when counted)

    def wait_seconds(self, address: str, now: float) -> Optional[int]:
        """None when the client may send this message now (and it is counted); otherwise the
        whole seconds until it may send one."""
        s = self.settings
        if not s.on or is_exempt(address, s.exempt):
            return None
        tokens, then = self.buckets.get(address, (float(s.burst), now))
        tokens = min(float(s.burst), tokens + (now - then) * s.per_minute / 60)
        if tokens >= 1:
            self._keep(address, tokens - 1, now)
            return None
        self._keep(address, tokens, now)
        return max(1, math.ceil((1 - tokens) * 60 / s.per_minute))

    def _keep(self, address: str, tokens: float, now: float) -> None:
        if address not in self.buckets and len(self.buckets) >= MAX_CLIENTS:
            self._forget_idle(now)
        self.buckets[address] = (tokens, now)

    def _forget_idle(self, now: float) -> None:
        s = self.settings
        refill = s.burst * 60 / s.per_minute  # seconds after which any bucket is full again
        self.buckets = {a: (t, when) for a, (t, when) in self.buckets.items() if now - when < refill}
        while len(self.buckets) >= MAX_CLIENTS:  # everyone is active: drop the oldest
            self.buckets.pop(next(iter(self.buckets)))


def too_many_messages(seconds: int) -> str:
    """What a client over its limit is told (the REST channel's 429 and the widget)."""
    return words()["too_many_messages"].format(seconds=seconds, unit="second" if seconds == 1 else "seconds")


_shared: Optional[ClientLimiter] = None


def shared_limiter() -> ClientLimiter:
    """The server's one limiter (the REST and widget channels share each client's bucket)."""
    global _shared
    if _shared is None:
        _shared = ClientLimiter(settings_from(os.environ))
    return _shared
