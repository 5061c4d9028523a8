"""Abuse of the embedded default's Rasa server (issue 13, items 3 and 4): one client flooding
cannot starve twenty people talking at the same time; the REST channel, told to, takes only
callers with a valid bearer token, each talking only as whom the token allows; and a widget
conversation is read and continued only by the holder of its session's secret.

Every simulated person has a loopback address of its own (127.0.1.N): the limits are per
client address."""
import asyncio
import json
import urllib.request

import jwt
import pytest

from actions.rate_limit import too_many_messages
from actions.widget_channel import conversation_id
from tests.production.abuse_support import Widget, check_people, post, session_from, twenty_people, until
from tests.rasa_support import Servers, trained_model

pytestmark = pytest.mark.e2e
SECRET = "portal-shared-secret-" + "7" * 24
JWT_KEY = "portal-jwt-signing-key-" + "5" * 48
LIMITS = {"RATE_LIMIT_PER_MINUTE": "60", "RATE_LIMIT_BURST": "20"}  # scripts/run.sh's defaults


def user_token(username, role="user"):
    return "Bearer " + jwt.encode({"user": {"username": username, "role": role}}, JWT_KEY, algorithm="HS256")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    env = {**LIMITS, "REST_CHANNEL_TOKEN": SECRET, "REST_CHANNEL_JWT_KEY": JWT_KEY}
    with Servers(trained_model(), tmp_path_factory.mktemp("abuse"), extra_env=env) as s:
        yield s


def test_one_flooding_client_does_not_starve_twenty_people(servers):
    # The people are portal users with their own JWTs; the flooder has the portal's secret.
    calm, _, _ = asyncio.run(twenty_people(servers.url, "calm", user_token))
    flooded, flood_answers, seconds = asyncio.run(
        twenty_people(servers.url, "flooded", user_token, flood_authorization=f"Bearer {SECRET}", flood=True))

    calm_p95, flooded_p95 = check_people(calm, flooded)
    assert flooded_p95 <= 2 * calm_p95 + 0.25, (calm_p95, flooded_p95)
    statuses = [status for status, _, _ in flood_answers]
    # the flooder gets its burst and then about one message a second, nothing more
    assert statuses.count(200) <= 20 + (seconds + 3) + 2, (statuses.count(200), len(statuses))
    assert statuses.count(429) >= len(statuses) * 0.6, (statuses.count(200), len(statuses))
    for status, headers, body in flood_answers:
        if status == 429:
            wait = int(headers["Retry-After"])
            assert 1 <= wait <= 60 and body == [{"text": too_many_messages(wait)}]
    print(f"per-turn p95: {calm_p95 * 1000:.0f} ms calm, {flooded_p95 * 1000:.0f} ms under the flood "
          f"({statuses.count(200)} of the flooder's {len(statuses)} messages answered)")


# --- who may talk as whom: the REST channel ----------------------------------------------------
async def rest_as(url, sender, authorization, text="hello", address="127.0.1.200"):
    async with session_from(address) as session:
        return await post(session, url, sender, text, authorization)


def test_the_rest_channel_takes_only_callers_with_a_valid_token(servers):
    for authorization in ["", "Bearer wrong-" + SECRET, "Basic " + SECRET,
                          "Bearer " + jwt.encode({"user": {"username": "x", "role": "admin"}}, "not-the-key" * 4)]:
        status, headers, body = asyncio.run(rest_as(servers.url, "auth-nobody", authorization))
        assert status == 401 and headers.get("WWW-Authenticate") == "Bearer" and body["reason"], authorization
    status, _, reply = asyncio.run(rest_as(servers.url, "auth-member-7", f"Bearer {SECRET}"))
    assert status == 200 and reply and reply[0]["text"]
    status, _, reply = asyncio.run(rest_as(servers.url, "auth-alice", user_token("auth-alice")))
    assert status == 200 and reply and reply[0]["text"]
    status, _, body = asyncio.run(rest_as(servers.url, "auth-bob", user_token("auth-alice")))
    assert status == 403 and "sender" in body["reason"]
    status, _, reply = asyncio.run(rest_as(servers.url, "auth-bob", user_token("portal", role="admin")))
    assert status == 200 and reply
    # nothing was stored for the refused callers
    assert tracker_user_texts(servers, "auth-nobody") == [] and tracker_user_texts(servers, "auth-bob") == ["hello"]


def tracker_user_texts(servers, sender):
    with urllib.request.urlopen(f"{servers.url}/conversations/{sender}/tracker", timeout=30) as response:
        events = json.loads(response.read())["events"]
    return [e["text"] for e in events if e["event"] == "user"]


# --- who may talk as whom: the widget ----------------------------------------------------------
def test_a_widget_conversation_is_only_for_the_holder_of_its_session_secret(servers):
    async def scenario():
        alice = await Widget(servers.url, "127.0.1.101").open()
        secret = alice.secret
        assert len(secret) >= 22 and secret != conversation_id(secret)
        await alice.say("I left my job on 3/14/2025 and they offset my loan on 6/30/2025")
        stored_as = conversation_id(secret)
        assert tracker_user_texts(servers, stored_as)[-1].startswith("I left my job")

        # Mallory knows the conversation's id (it is what logs and the HTTP API show) ...
        mallory = await Widget(servers.url, "127.0.1.102").open(session_id=stored_as)
        assert conversation_id(mallory.secret) != stored_as  # ... and offering it only gets her a new session
        await mallory.say("I am 99", session_id=stored_as, wait=False)  # not her session: ignored
        await mallory.say("I am 98", session_id=secret, wait=False)  # even with the secret, not on her socket
        await asyncio.sleep(2)
        assert mallory.texts == []
        assert "I am 99" not in tracker_user_texts(servers, stored_as)
        assert "I am 98" not in tracker_user_texts(servers, stored_as)
        # Alice's next answer reaches Alice, and Mallory, talking in her own session, hears only hers.
        answer = await alice.say("yes")
        own = await mallory.say("what is a qplo?")
        assert answer and own and not set(answer) & set(mallory.texts)
        await mallory.close()
        await alice.close()

        # Back after a page reload, with the secret kept by the widget: the same conversation.
        again = await Widget(servers.url, "127.0.1.101").open(session_id=secret)
        assert again.secret == secret
        await again.say("I'm 41")
        await again.close()
        assert tracker_user_texts(servers, stored_as)[-3:] == [
            "I left my job on 3/14/2025 and they offset my loan on 6/30/2025", "yes", "I'm 41"]

        # And no REST caller, however trusted, can send into it.
        status, _, body = await rest_as(servers.url, stored_as, f"Bearer {SECRET}")
        assert status == 403 and "widget" in body["reason"]
    asyncio.run(scenario())


def test_a_widget_over_its_limit_is_told_to_wait(servers):
    async def scenario():
        eager = await Widget(servers.url, "127.0.1.150").open()
        for _ in range(30):  # 20 a second (engine.io itself refuses more than 16 in one long-poll POST)
            await eager.say("what is a qplo?", wait=False)
            await asyncio.sleep(0.05)
        await until(lambda: any(too_many_messages(1) == t for t in eager.texts))
        await eager.close()
        calm = await Widget(servers.url, "127.0.1.151").open()  # someone else is not affected
        assert await calm.say("what is a qplo?")
        assert not any("faster than I can answer" in t for t in calm.texts)
        await calm.close()
    asyncio.run(scenario())
