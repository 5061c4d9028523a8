"""One client cannot starve the rest in the scaled shape (issue 13, item 3): nginx's per-client
limits (scripts/run_scaled.sh, deploy/nginx/too_many_requests.conf) with their defaults, and no
address exempt. Twenty people, each at an address of their own, talk while one client floods
the REST channel with real messages: the people keep their answers and their latency, the
flooder gets its burst, then about one message a second, and otherwise a 429 with Retry-After
and a bot message, from nginx, before any Rasa server spends time on it."""
import asyncio
import json
import re

import pytest

from actions.presenting import words
from tests.production.abuse_support import check_people, twenty_people
from tests.production.scaled_support import ScaledDeployment
from tests.rasa_support import ROOT, trained_model

pytestmark = pytest.mark.scaled


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    with ScaledDeployment(tmp_path_factory.mktemp("scaled-abuse"), rasa_servers=2, model=trained_model(),
                          rate_limit_exempt="") as d:
        yield d


def no_header(_sender):
    return None


def test_one_flooding_client_does_not_starve_twenty_people(deployment):
    calm, _, _ = asyncio.run(twenty_people(deployment.url, "calm", no_header))
    flooded, flood_answers, seconds = asyncio.run(twenty_people(deployment.url, "flooded", no_header, flood=True))

    calm_p95, flooded_p95 = check_people(calm, flooded)
    assert flooded_p95 <= 2 * calm_p95 + 0.25, (calm_p95, flooded_p95)
    statuses = [status for status, _, _ in flood_answers]
    assert statuses.count(200) <= 20 + (seconds + 3) + 2, (statuses.count(200), len(statuses))
    assert statuses.count(429) >= len(statuses) * 0.6, (statuses.count(200), len(statuses))
    refused = [(headers, body) for status, headers, body in flood_answers if status == 429]
    assert all(headers.get("Retry-After") == "1" and body == [{"text": words()["too_many_messages_moment"]}]
               for headers, body in refused)
    # nginx answered them: no Rasa server saw the refused messages
    stored = deployment.event_counts()
    flood_turns = sum(counts.get("user", 0) for sender, counts in stored.items() if sender.startswith("flood-"))
    assert flood_turns == statuses.count(200)
    print(f"per-turn p95: {calm_p95 * 1000:.0f} ms calm, {flooded_p95 * 1000:.0f} ms under the flood "
          f"({statuses.count(200)} of the flooder's {len(statuses)} messages answered)")


def test_nginx_says_what_the_assistant_says():
    conf = (ROOT / "deploy" / "nginx" / "too_many_requests.conf").read_text()
    body = json.loads(re.search(r"return 429 '(.*?)\\n';", conf).group(1))
    assert body == [{"text": words()["too_many_messages_moment"]}]
