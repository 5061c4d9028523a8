"""Which web origins the widget's socket.io channel accepts (the browser tests check the effect)."""
from actions.widget_channel import WidgetSocketIOInput, allowed_origins


def test_origins_come_from_credentials_else_from_cors_origins(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost https://benefits.example.org")
    assert allowed_origins(None) == ["http://localhost", "https://benefits.example.org"]
    assert allowed_origins("https://portal.example.org") == ["https://portal.example.org"]
    assert allowed_origins(["https://a.example", "https://b.example"]) == ["https://a.example", "https://b.example"]


def test_a_wildcard_or_nothing_means_same_origin_only(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "*")
    assert allowed_origins(None) is None  # "*" would let any web page open conversations
    monkeypatch.delenv("CORS_ORIGINS")
    assert allowed_origins(None) is None


def test_the_channel_keeps_rasa_s_socketio_settings(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://benefits.example.org")
    channel = WidgetSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True})
    assert (channel.name(), channel.session_persistence, channel.origins) == \
        ("socketio", True, ["https://benefits.example.org"])


def test_session_secrets_are_unguessable_and_conversation_ids_do_not_reveal_them():
    import math
    from collections import Counter

    from actions.widget_channel import conversation_id, new_session_secret, usable_session_secret

    secrets_made = [new_session_secret() for _ in range(2000)]
    assert len(set(secrets_made)) == len(secrets_made)
    assert all(len(s) == 32 and usable_session_secret(s) == s for s in secrets_made)
    # 32 URL-safe base64 characters carry 6 bits each: 192 bits. Check the characters are used
    # evenly (a per-character entropy near 6 bits), not just that the ids are long.
    counts = Counter("".join(secrets_made))
    total = sum(counts.values())
    entropy = -sum(n / total * math.log2(n / total) for n in counts.values())
    assert len(counts) == 64 and entropy > 5.95
    ids = {conversation_id(s) for s in secrets_made}
    assert len(ids) == len(secrets_made)
    one = secrets_made[0]
    assert conversation_id(one) == conversation_id(one) and conversation_id(one).startswith("widget-")
    assert one not in conversation_id(one)


def test_a_client_offered_id_the_server_could_not_have_made_is_not_used():
    from actions.widget_channel import conversation_id, usable_session_secret

    # nor is a conversation's id, which someone may have learnt from a log
    for offered in [None, 12, "", "alice", "0" * 31, "a b" * 20, "x" * 129, conversation_id("y" * 32)]:
        assert usable_session_secret(offered) is None, offered
