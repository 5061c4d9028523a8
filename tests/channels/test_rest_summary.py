"""The answer's PDF summary over REST (issue 12, item 3): the answer names a URL, the URL gives
the PDF of that answer, read back with pypdf; another conversation, a made-up token or an
expired link get a reason, never the PDF. Through the real servers."""
from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime, timezone
from typing import Any, Dict, Tuple

import pytest
from pypdf import PdfReader

from rules_core.render import long_date
from tests.rasa_support import Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
LINK_HOURS = 0.015  # 54 seconds: long enough to fetch across a restart, short enough to see it expire


def fetch(url: str) -> Tuple[int, Dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}, refused.read()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def summary_of(reply) -> Dict[str, Any]:
    (custom,) = [m["custom"] for m in reply if "assessment" in (m.get("custom") or {})]
    return custom["summary"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(trained_model(), tmp_path_factory.mktemp("rest-summary"),
                 extra_env={"SUMMARY_LINK_HOURS": str(LINK_HOURS)}) as s:
        yield s


@pytest.fixture(scope="module")
def answered(servers):
    chat = Chat(servers, "summary-case-1", today="2025-11-01")
    chat.say("I left my job on 2025-03-14 and the plan offset my loan on 2025-06-30, I'm 41 and owed 12000")
    reply = chat.say("/affirm")
    return chat, reply, time.time()


def test_the_answer_names_a_url_whose_pdf_is_that_answer(servers, answered):
    chat, reply, _ = answered
    assessment, summary = Chat.assessment(reply), summary_of(reply)
    assert summary["url"].startswith(f"{servers.url}/webhooks/rest/summary/") and summary["url"].endswith(
        summary["path"]) and len(summary["token"]) == 32  # 192 random bits, URL-safe
    status, headers, body = fetch(summary["url"])
    assert status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")
    assert headers["content-disposition"] == 'attachment; filename="401k-loan-summary-2025-11-01.pdf"'
    assert headers["cache-control"] == "no-store"
    text = pdf_text(body)
    assert "Your 401(k) loan: a summary to keep" in text
    assert f"Summary made on {long_date(date.today())}." in text
    assert "Dates and days left are counted from November 1, 2025." in text
    # the person's dates, each with its label, as the answer gave them
    for entry in assessment["timeline"]:
        if entry["rule"] != "user_fact":
            assert f"{entry['label']}: {long_date(date.fromisoformat(entry['date']))}." in text
    assert "Rollover deadline: October 15, 2026." in text and "code M1" in text and "$1,200.00" in text
    urls = {c["url"] for group in ("explanations", "timeline", "next_steps")
            for e in assessment[group] for c in e.get("citations") or ()}
    assert urls and all(url in text.replace(" ", "") for url in urls)  # every source's address
    assert all(step["title"] in text for step in assessment["next_steps"])
    assert " ".join(assessment["disclaimer"].split()) in text


def test_another_conversation_or_a_made_up_token_gets_no_pdf(servers, answered):
    _, reply, _ = answered
    summary = summary_of(reply)
    other = Chat(servers, "summary-case-2", today="2025-11-01")
    other.say("what is a qplo?")
    base = f"{servers.url}/webhooks/rest/summary/"
    wrong_sender = f"{base}{summary['token']}.pdf?sender=summary-case-2"
    made_up = f"{base}{'A' * 32}.pdf?sender=summary-case-1"
    for url in (wrong_sender, made_up, f"{base}{summary['token']}.pdf?sender=nobody-here", f"{base}{summary['token']}.pdf", f"{base}{summary['token']}?sender=summary-case-1",
                f"{base}..%2F..%2Fstatus?sender=summary-case-1"):
        status, headers, body = fetch(url)
        assert status == 404 and b"%PDF" not in body, url
        assert "works only with the conversation it was made in" in json.loads(body)["reason"]


def test_a_link_still_works_after_the_server_restarts(servers, answered):
    fresh = summary_of(Chat(servers, "summary-case-1", today="2025-11-01").say("/show_full_answer"))
    servers.stop("rasa")
    servers.start_rasa()  # the answer is read from the tracker store, not from the process's memory
    status, _, body = fetch(fresh["url"])  # the same port
    assert status == 200 and "Rollover deadline: October 15, 2026." in pdf_text(body)


def test_the_link_expires_when_it_says(servers, answered):
    _, reply, answered_at = answered
    summary = summary_of(reply)
    expires = datetime.fromisoformat(summary["expires"].replace("Z", "+00:00"))
    assert abs(expires.timestamp() - (answered_at + LINK_HOURS * 3600)) < 30
    time.sleep(max(0.0, expires.timestamp() - datetime.now(timezone.utc).timestamp()) + 1.5)
    status, _, body = fetch(summary["url"])
    assert status == 410 and b"%PDF" not in body and "has expired" in json.loads(body)["reason"]
    # a fresh answer in the same conversation comes with a fresh link that works
    fresh = summary_of(Chat(servers, "summary-case-1", today="2025-11-01").say("/show_full_answer"))
    assert fresh["token"] != summary["token"]
    status, _, body = fetch(fresh["url"])
    assert status == 200 and body.startswith(b"%PDF")
