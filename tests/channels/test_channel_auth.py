"""Who may talk as whom on the REST channel (actions/channel_auth.py): open by default; with a
shared secret or a JWT (Rasa's conventions) required, a caller needs a valid bearer token, and a
JWT of role `user` talks only as its own username. Widget conversations are never reachable."""
import time

import jwt

from actions.channel_auth import ChannelAuth, auth_from, bearer_token, refusal

KEY = "portal-signing-key-" + "0123456789abcdef" * 4
SECRET = "a-long-shared-secret-for-the-portal"
BOTH = ChannelAuth(shared_secret=SECRET, jwt_key=KEY)


def token(user, key=KEY, algorithm="HS256", **claims):
    return "Bearer " + jwt.encode({"user": user, **claims}, key, algorithm=algorithm)


def test_open_by_default_except_for_widget_conversations():
    assert refusal(ChannelAuth(), None, "me") is None
    assert refusal(ChannelAuth(), None, "widget-0123abcd").status == 403


def test_the_settings_come_from_the_variables_credentials_yml_names():
    creds = {"auth_token_env": "REST_CHANNEL_TOKEN", "jwt_key_env": "REST_CHANNEL_JWT_KEY", "jwt_method": "HS512"}
    assert auth_from(creds, {}) == ChannelAuth(None, None, "HS512")
    assert not auth_from(creds, {"REST_CHANNEL_TOKEN": ""}).required
    assert auth_from(creds, {"REST_CHANNEL_TOKEN": "s", "REST_CHANNEL_JWT_KEY": "k"}) == ChannelAuth("s", "k", "HS512")


def test_no_or_a_malformed_header_is_a_401():
    for header in [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", SECRET]:
        assert refusal(BOTH, header, "me").status == 401, header
    assert bearer_token("bearer abc") == "abc"


def test_the_shared_secret_may_talk_for_anyone_and_a_wrong_one_for_no_one():
    assert refusal(BOTH, f"Bearer {SECRET}", "member-1") is None
    assert refusal(BOTH, f"Bearer {SECRET}", "member-2") is None
    assert refusal(BOTH, f"Bearer {SECRET}x", "member-1").status == 401
    assert refusal(ChannelAuth(shared_secret=SECRET), "Bearer " + "x" * 40, "member-1").status == 401


def test_a_user_token_talks_only_as_its_own_username():
    alice = token({"username": "alice", "role": "user"})
    assert refusal(BOTH, alice, "alice") is None
    assert refusal(BOTH, alice, "bob").status == 403


def test_an_admin_token_may_talk_as_anyone_but_not_in_a_widget_conversation():
    admin = token({"username": "portal", "role": "admin"})
    assert refusal(BOTH, admin, "bob") is None
    assert refusal(BOTH, admin, "widget-0123abcd").status == 403


def test_tokens_that_are_forged_expired_or_without_a_role_are_refused():
    assert refusal(BOTH, token({"username": "alice", "role": "admin"}, key="another-key-" + "0123456789abcdef" * 4),
                   "alice").status == 401
    assert refusal(BOTH, token({"username": "alice", "role": "user"}, exp=int(time.time()) - 10), "alice").status == 401
    assert refusal(BOTH, token({"username": "alice"}), "alice").status == 403
    unsigned = "Bearer " + jwt.encode({"user": {"username": "alice", "role": "admin"}}, None, algorithm="none")
    assert refusal(BOTH, unsigned, "alice").status == 401
    # a token signed with another method than the configured one is not accepted
    hs512 = token({"username": "alice", "role": "admin"}, algorithm="HS512")
    assert refusal(BOTH, hs512, "alice").status == 401
