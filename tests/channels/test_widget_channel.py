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
