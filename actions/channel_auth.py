"""Who may talk as whom on the REST channel (issue 13, item 4).

The REST channel is open by default: the embedded default listens on localhost, where the
only clients are the person's own tools. A portal back end that relays its users' messages can
make the channel require a bearer token (`Authorization: Bearer <token>`), in one of two forms:

- a shared secret: the back end is trusted to talk for any of its users (any sender id);
- a JWT signed with the key the channel is given, following Rasa's own conventions for its
  HTTP API (`--jwt-secret` / `--jwt-method`, default HS256): the payload's
  `{"user": {"username": ..., "role": ...}}` says who the caller is; role `admin` may talk as
  any sender, role `user` only as the sender id equal to its username. An expired token
  (`exp`) is refused.

The secrets stay in the environment; credentials.yml names the variables that hold them.
Whatever the token, no REST caller may use a sender id of the widget's conversations: those
are continued only through the widget, by the holder of the session's secret.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, Mapping, Optional

import jwt

WIDGET_PREFIX = "widget-"  # sender ids of the website widget's conversations (widget_channel.py)


@dataclass(frozen=True)
class ChannelAuth:
    shared_secret: Optional[str] = None
    jwt_key: Optional[str] = None
    jwt_method: str = "HS256"

    @property
    def required(self) -> bool:
        return bool(self.shared_secret or self.jwt_key)


@dataclass(frozen=True)
class Refusal:
    status: int  # 401: who are you? 403: you may not talk as this sender
    reason: str


def auth_from(credentials: Mapping[str, Any], env: Mapping[str, str]) -> ChannelAuth:
    """The channel's settings: credentials.yml names the environment variables."""
    def secret(key: str) -> Optional[str]:
        name = credentials.get(key)
        return (env.get(name) or None) if name else None

    return ChannelAuth(secret("auth_token_env"), secret("jwt_key_env"), str(credentials.get("jwt_method") or "HS256"))


def bearer_token(authorization: Optional[str]) -> Optional[str]:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def refusal(auth: ChannelAuth, authorization: Optional[str], sender: str) -> Optional[Refusal]:
    """None when the caller may send a message as `sender`; otherwise why not."""
    if sender.startswith(WIDGET_PREFIX):
        return Refusal(403, "this conversation belongs to the website widget and continues only there")
    if not auth.required:
        return None
    token = bearer_token(authorization)
    if token is None:
        return Refusal(401, "this channel needs an 'Authorization: Bearer <token>' header")
    if auth.shared_secret and hmac.compare_digest(token.encode(), auth.shared_secret.encode()):
        return None
    if not auth.jwt_key:
        return Refusal(401, "the token is not valid")
    try:
        payload = jwt.decode(token, auth.jwt_key, algorithms=[auth.jwt_method])
    except jwt.ExpiredSignatureError:
        return Refusal(401, "the token has expired")
    except jwt.PyJWTError:
        return Refusal(401, "the token is not valid")
    user = payload.get("user") if isinstance(payload.get("user"), dict) else {}
    if user.get("role") == "admin":
        return None
    if user.get("role") == "user" and user.get("username") == sender:
        return None
    return Refusal(403, "the token does not allow talking as this sender")
