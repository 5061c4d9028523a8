"""The per-client message limit (actions/rate_limit.py): a burst, then one message per refill
interval, each client on its own, and how long an over-eager client is told to wait."""
import pytest

from actions.rate_limit import ClientLimiter, LimitSettings, client_address, settings_from, too_many_messages


def limiter(per_minute=60, burst=3, exempt=()):
    return ClientLimiter(LimitSettings(per_minute, burst, frozenset(exempt)))


def test_a_client_may_send_its_burst_at_once_and_then_waits_for_the_refill():
    lim = limiter(per_minute=60, burst=3)
    assert [lim.wait_seconds("10.0.0.1", 100.0) for _ in range(3)] == [None, None, None]
    assert lim.wait_seconds("10.0.0.1", 100.0) == 1  # one message a second: wait a second
    assert lim.wait_seconds("10.0.0.1", 100.5) == 1
    assert lim.wait_seconds("10.0.0.1", 101.01) is None
    assert lim.wait_seconds("10.0.0.1", 101.02) == 1


def test_the_wait_follows_the_rate():
    lim = limiter(per_minute=6, burst=1)  # one message every 10 s
    assert lim.wait_seconds("a", 0.0) is None
    assert lim.wait_seconds("a", 0.0) == 10
    assert lim.wait_seconds("a", 7.5) == 3


def test_one_client_over_its_limit_does_not_touch_another_s():
    lim = limiter(burst=2)
    for _ in range(50):
        lim.wait_seconds("flooder", 5.0)
    assert lim.wait_seconds("flooder", 5.0) is not None
    assert lim.wait_seconds("someone else", 5.0) is None


def test_refused_messages_do_not_count_against_the_client():
    lim = limiter(per_minute=60, burst=1)
    assert lim.wait_seconds("a", 0.0) is None
    for step in range(9):  # a client hammering every 0.1 s still gets its one message a second
        assert lim.wait_seconds("a", 0.1 * (step + 1)) is not None
    assert lim.wait_seconds("a", 1.0) is None


def test_exempt_addresses_and_a_zero_rate_are_never_limited():
    lim = limiter(burst=1, exempt=["192.0.2.10", "10.8.0.0/16"])
    assert all(lim.wait_seconds("192.0.2.10", 0.0) is None for _ in range(100))
    assert all(lim.wait_seconds("10.8.3.4", 0.0) is None for _ in range(100))
    assert lim.wait_seconds("10.9.3.4", 0.0) is None and lim.wait_seconds("10.9.3.4", 0.0) == 1
    off = limiter(per_minute=0, burst=1)
    assert all(off.wait_seconds("a", 0.0) is None for _ in range(100))


def test_settings_from_the_environment():
    assert not settings_from({}).on  # unset: no limit (tests that start servers themselves)
    s = settings_from({"RATE_LIMIT_PER_MINUTE": "60", "RATE_LIMIT_BURST": "5", "RATE_LIMIT_EXEMPT": "10.0.0.5 10.0.0.6",
                       "TRUSTED_PROXIES": "127.0.0.1"})
    assert (s.on, s.per_minute, s.burst, s.exempt, s.trusted_proxies) == \
        (True, 60.0, 5, {"10.0.0.5", "10.0.0.6"}, {"127.0.0.1"})
    with pytest.raises(ValueError):
        settings_from({"RATE_LIMIT_PER_MINUTE": "lots"})
    with pytest.raises(ValueError):
        settings_from({"RATE_LIMIT_PER_MINUTE": "60", "RATE_LIMIT_EXEMPT": "10.0.0.300"})
    with pytest.raises(ValueError):
        settings_from({"RATE_LIMIT_PER_MINUTE": "60", "RATE_LIMIT_BURST": "0"})


def test_the_client_behind_a_trusted_proxy_is_the_address_the_proxy_added():
    proxies = frozenset({"127.0.0.1"})
    assert client_address("127.0.0.1", "198.51.100.7", proxies) == "198.51.100.7"
    # what the client itself put in the header comes first and is not believed
    assert client_address("127.0.0.1", "10.9.9.9, 198.51.100.7", proxies) == "198.51.100.7"
    assert client_address("203.0.113.5", "10.9.9.9", proxies) == "203.0.113.5"  # not a proxy: header ignored
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"


def test_memory_stays_bounded_under_many_addresses(monkeypatch):
    monkeypatch.setattr("actions.rate_limit.MAX_CLIENTS", 100)
    lim = limiter(per_minute=60, burst=2)
    for n in range(1000):
        lim.wait_seconds(f"10.1.{n // 256}.{n % 256}", float(n))
    assert len(lim.buckets) <= 100


def test_the_message_says_how_long_to_wait():
    assert "wait 1 second and" in too_many_messages(1)
    assert "wait 12 seconds and" in too_many_messages(12)
