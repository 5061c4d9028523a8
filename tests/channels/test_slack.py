"""Slack through the real servers, without the internet: signed Events API callbacks, button
clicks and /loanhelp commands go to the Rasa server; the bot's replies are caught on a local
stand-in for Slack's Web API (SLACK_API_URL). Each test asserts what a Slack user would see."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from actions.presenting import words
from rules_core import api
from rules_core.render import dollars, long_date
from tests.rasa_support import Servers, free_port, post_json, trained_model

pytestmark = pytest.mark.e2e
SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
_ts = itertools.count(1)


def slack_ts() -> str:
    """A fresh Slack message timestamp ("seconds.micro"), unique in this run."""
    return f"{int(time.time())}.{next(_ts):06d}"


# ---- the stand-in for Slack's Web API -----------------------------------------------------
class SlackStandIn:
    """Records every Web API call (method, token, JSON body) and answers like Slack: ok. It also
    serves shared files (`share`) as Slack's file host does, to the bot token only, and takes
    uploads the way Slack's upload flow does: files.getUploadURLExternal gives an upload URL,
    the bytes are POSTed there, files.completeUploadExternal shares them in a channel/thread."""

    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        self.shared: Dict[str, bytes] = {}  # path -> bytes, for GET with the bot token
        self.uploaded: Dict[str, bytes] = {}  # file id -> bytes POSTed to its upload URL
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # noqa: N802 - a shared file, as files.slack.com serves it
                with stand_in.lock:
                    stand_in.calls.append({"method": "download", "path": self.path, "auth": self.headers.get("Authorization"),
                                           "body": {}, "ts": slack_ts()})
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send_response(302)  # Slack sends a browser without the token to its login page
                    self.send_header("Location", "https://slack.com/signin")
                    self.end_headers()
                    return
                found = stand_in.shared.get(self.path)
                self._answer(200 if found is not None else 404, found or b"", "text/csv")

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "/upload/" in self.path:  # the upload URL files.getUploadURLExternal handed out
                    with stand_in.lock:
                        stand_in.uploaded[self.path.rsplit("/", 1)[-1]] = raw
                    return self._answer(200, f"OK - {len(raw)}".encode(), "text/plain")
                body = json.loads(raw) if self.headers.get("Content-Type", "").startswith("application/json") \
                    else dict(urllib.parse.parse_qsl(raw.decode()))
                path, _, query = self.path.partition("?")  # some methods send their arguments in the query
                body.update(urllib.parse.parse_qsl(query))
                ts, method = slack_ts(), path.rsplit("/", 1)[-1]
                with stand_in.lock:
                    stand_in.calls.append({"method": method, "auth": self.headers.get("Authorization"),
                                           "body": body, "ts": ts})
                answer: Dict[str, Any] = {"ok": True, "channel": body.get("channel"), "ts": ts}
                if method == "files.getUploadURLExternal":
                    file_id = f"F{ts.replace('.', '')}"
                    answer.update(file_id=file_id, upload_url=f"{stand_in.root}upload/{file_id}")
                elif method == "files.completeUploadExternal":
                    answer["files"] = [{"id": f["id"], "title": f.get("title")} for f in json.loads(body["files"])]
                self._answer(200, json.dumps(answer).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.url = f"{self.root}api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def share(self, name: str, content: bytes, filetype: str = "csv", size: Optional[int] = None) -> Dict[str, Any]:
        """A file as a user's message carries it (the event's `files`), served by the stand-in."""
        file_id = f"F{next(_ts):06d}"
        path = f"/files-pri/T1-{file_id}/download/{urllib.parse.quote(name)}"
        self.shared[path] = content
        return {"id": file_id, "name": name, "title": name, "filetype": filetype, "mimetype": "text/csv" if filetype == "csv"
                else "application/octet-stream", "size": len(content) if size is None else size,
                "url_private": self.root.rstrip("/") + path, "url_private_download": self.root.rstrip("/") + path}

    def method_calls(self, method: str) -> List[Dict[str, Any]]:
        with self.lock:
            return [c for c in self.calls if c["method"] == method]

    def posts(self, thread: Optional[str] = None, channel: Optional[str] = None) -> List[Dict[str, Any]]:
        with self.lock:
            found = [c for c in self.calls if c["method"] == "chat.postMessage"]
        return [c for c in found if (thread is None or c["body"].get("thread_ts") == thread)
                and (channel is None or c["body"].get("channel") == channel)]

    def wait_for(self, count_before: int, thread: Optional[str], channel: str, done: Callable[[List[dict]], bool],
                 seconds: float = 90) -> List[Dict[str, Any]]:
        """The posts after the first `count_before` in this thread, once `done` says the turn is in."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            new = [c for c in self.posts(channel=channel) if c["body"].get("thread_ts") == thread][count_before:]
            if new and done(new):
                time.sleep(0.5)  # a turn's last messages follow within milliseconds
                return [c for c in self.posts(channel=channel) if c["body"].get("thread_ts") == thread][count_before:]
            time.sleep(0.2)
        raise AssertionError(f"no reply in thread {thread}; calls so far: {json.dumps(self.calls)[-3000:]}")


# ---- signed requests ------------------------------------------------------------------------
def signed_headers(body: bytes, content_type: str, timestamp: Optional[int] = None,
                   secret: str = SECRET) -> Dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def send(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def event_body(text: str, channel: str, ts: str, thread: Optional[str] = None, kind: str = "app_mention",
               files: Optional[List[Dict[str, Any]]] = None) -> bytes:
    event = {"type": kind, "user": "UEMPLOYEE", "text": text, "ts": ts, "channel": channel, "event_ts": ts}
    if thread:
        event["thread_ts"] = thread
    if files:
        event.update(files=files, upload=True)
    if channel.startswith("D"):
        event["channel_type"] = "im"
    return json.dumps({"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                       "event_id": f"Ev{ts}", "event_time": int(time.time()), "event": event,
                       "authorizations": [{"user_id": BOT_USER, "is_bot": True}]}).encode()


def button_body(value: str, channel: str, thread: str, message_ts: str) -> bytes:
    payload = {"type": "block_actions", "user": {"id": "UEMPLOYEE"}, "channel": {"id": channel},
               "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "thread_ts": thread},
               "message": {"ts": message_ts, "thread_ts": thread, "type": "message"},
               "actions": [{"type": "button", "action_id": "follow_ups-0", "value": value}]}
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def pdf_click_body(value: str, channel: str, thread: Optional[str], message_ts: str) -> bytes:
    """A click on "Save as PDF" (its own actions block, `summary`)."""
    container = {"type": "message", "message_ts": message_ts, "channel_id": channel}
    message = {"ts": message_ts, "type": "message"}
    if thread:
        container["thread_ts"] = message["thread_ts"] = thread
    payload = {"type": "block_actions", "user": {"id": "UEMPLOYEE"}, "channel": {"id": channel},
               "container": container, "message": message,
               "actions": [{"type": "button", "block_id": "summary", "action_id": "summary-pdf", "value": value}]}
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def command_body(text: str) -> bytes:
    return urllib.parse.urlencode({"command": "/loanhelp", "text": text, "user_id": "UBENEFITS", "channel_id": "C9",
                                   "response_url": "http://127.0.0.1:9/unused"}).encode()


# ---- what a Slack user sees ----------------------------------------------------------------
def all_text(post: Dict[str, Any]) -> str:
    """Every word a post shows: its blocks' texts, fields, context and buttons."""
    found: List[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(post.get("blocks") or [])
    return "\n".join(found) or post.get("text", "")


def card_fields(blocks: List[Dict[str, Any]]) -> Dict[str, str]:
    fields = {}
    for block in blocks:
        for field in block.get("fields") or ():
            label, _, value = field["text"].partition("\n")
            fields[label.strip("*")] = value
    return fields


def buttons(blocks: List[Dict[str, Any]]) -> Dict[str, str]:
    return {e["text"]["text"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


def expected_fields(facts: Dict[str, Any]) -> Dict[str, str]:
    """What the card must say, from the rules core itself."""
    result, labels = api.assess(facts), words()["fact_labels"]
    tax = result["additional_tax"]
    return {labels["event_date"]: long_date(date.fromisoformat(result["event_date"])),
            labels["form_1099r_box7"]: result["form_1099r_box7"],
            labels["rollover_deadline"]: long_date(date.fromisoformat(result["rollover_deadline"])),
            labels["taxable_amount"]: dollars(Decimal(result["taxable_amount"])),
            labels["additional_tax"]: f"{dollars(Decimal(tax['amount']))} (applies)"}


def card(posts: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    return next((p for p in posts if any(b["type"] == "header" for b in p["body"].get("blocks") or ())), None)


# ---- servers ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def slack_api():
    stand_in = SlackStandIn()
    yield stand_in
    stand_in.server.shutdown()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, slack_api):
    with Servers(trained_model(), tmp_path_factory.mktemp("slack"),
                extra_env={"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_api.url}) as s:
        yield s


def webhook(servers: Servers) -> str:
    return f"{servers.url}/webhooks/slack/webhook"


def say(servers: Servers, slack_api: SlackStandIn, text: str, channel: str, thread: Optional[str],
        done: Callable[[List[dict]], bool] = bool) -> List[Dict[str, Any]]:
    """A mention (or a DM) in a thread; returns the bot's posts in that thread for this turn."""
    ts = slack_ts()
    before = len([c for c in slack_api.posts(channel=channel) if c["body"].get("thread_ts") == (thread or ts)])
    body = event_body(text, channel, ts, thread, "message" if channel.startswith("D") else "app_mention")
    status, _ = send(webhook(servers), body, signed_headers(body, "application/json"))
    assert status == 200
    reply_thread = thread or (None if channel.startswith("D") else ts)
    return slack_api.wait_for(before, reply_thread, channel, done)


def has_card(posts: List[dict]) -> bool:
    return card(posts) is not None


# ---- conversations in threads ---------------------------------------------------------------
FACTS = {"left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30", "age": 41,
         "loan_balance": "12000", "loan_in_good_standing": True}


def test_a_thread_is_one_conversation_answered_with_a_card(servers, slack_api):
    channel, root = "CBENEFITS", slack_ts()
    before = len(slack_api.posts(thread=root))
    body = event_body(f"<@{BOT_USER}> I left my job on 2025-03-14 and the plan offset my loan on 2025-06-30, "
                      "I'm 41 and owed 12000", channel, root)
    status, _ = send(webhook(servers), body, signed_headers(body, "application/json"))
    assert status == 200
    question = slack_api.wait_for(before, root, channel, bool)
    said = "\n".join(all_text(p["body"]) for p in question)
    assert "up to date" in said and all(p["auth"] == f"Bearer {TOKEN}" for p in question)
    answer_buttons = buttons(question[-1]["body"]["blocks"])
    assert "Yes, up to date" in answer_buttons

    # the follow-up in the same thread continues the case: the answer is one card
    posts = say(servers, slack_api, f"<@{BOT_USER}> yes", channel, root, has_card)
    answer = card(posts)["body"]
    assert expected_fields(FACTS).items() <= card_fields(answer["blocks"]).items()
    context = [b for b in answer["blocks"] if b["type"] == "context"][0]
    assert "Sources:" in all_text({"blocks": [context]}) and "not tax or legal advice" in all_text({"blocks": [context]})
    # the card replaces the long text answer: no post repeats the conclusion on its own
    assert len(posts) == 1, [p["body"]["text"] for p in posts]
    follow_ups = buttons(answer["blocks"])
    assert set(follow_ups) == {"What if I roll it all over?", "Explain code M1", "Start over", "Save as PDF"}

    # a follow-up button: the click arrives as an interactive payload and stays in the thread
    before = len(slack_api.posts(thread=root))
    click = button_body(follow_ups["What if I roll it all over?"], channel, root, posts[0]["ts"])
    status, _ = send(webhook(servers), click, signed_headers(click, "application/x-www-form-urlencoded"))
    assert status == 200
    what_if = "\n".join(all_text(p["body"]) for p in slack_api.wait_for(before, root, channel, bool))
    assert "$12,000.00 → $0.00" in what_if, what_if

    before = len(slack_api.posts(thread=root))
    click = button_body(follow_ups["Explain code M1"], channel, root, posts[0]["ts"])
    send(webhook(servers), click, signed_headers(click, "application/x-www-form-urlencoded"))
    explained = "\n".join(all_text(p["body"]) for p in slack_api.wait_for(before, root, channel, bool))
    assert "Code M1" in explained and "loan offset" in explained

    # another thread in the same channel is another conversation: it knows none of these facts
    other = say(servers, slack_api, f"<@{BOT_USER}> what if I roll over all of it?", channel, None)
    other_text = "\n".join(all_text(p["body"]) for p in other)
    assert "→" not in other_text and other_text, other_text
    assert other[0]["body"]["thread_ts"] != root


def test_start_over_forgets_the_thread_s_facts(servers, slack_api):
    channel, root = "CBENEFITS", slack_ts()
    body = event_body(f"<@{BOT_USER}> I left my job on 2025-03-14 and the plan offset my loan on 2025-06-30, "
                      "I'm 41 and owed 12000", channel, root)
    send(webhook(servers), body, signed_headers(body, "application/json"))
    slack_api.wait_for(0, root, channel, bool)
    posts = say(servers, slack_api, f"<@{BOT_USER}> yes", channel, root, has_card)
    start_over = buttons(card(posts)["body"]["blocks"])["Start over"]
    click = button_body(start_over, channel, root, posts[0]["ts"])
    status, _ = send(webhook(servers), click, signed_headers(click, "application/x-www-form-urlencoded"))
    assert status == 200
    time.sleep(3)  # the restart itself may say nothing; the next question shows the facts are gone
    after = say(servers, slack_api, f"<@{BOT_USER}> what if I roll over all of it?", channel, root)
    assert "→" not in "\n".join(all_text(p["body"]) for p in after)


def test_a_direct_message_is_answered_in_the_dm_without_a_thread(servers, slack_api):
    posts = say(servers, slack_api, "what does code L1 mean?", "DEMPLOYEE", None)
    assert all("thread_ts" not in p["body"] for p in posts)
    assert "Code L1" in "\n".join(all_text(p["body"]) for p in posts)


# ---- the slash command ------------------------------------------------------------------------
def slash(servers: Servers, text: str, **sign: Any) -> Tuple[int, Any]:
    body = command_body(text)
    status, raw = send(f"{servers.url}/webhooks/slack/slash", body,
                       signed_headers(body, "application/x-www-form-urlencoded", **sign))
    return status, (json.loads(raw) if status == 200 else raw.decode())


LINE = "left 2025-03-14 offset 2025-06-30 born 1985-07-01 balance 12000 current as-of 2025-11-01"
LINE_FACTS = {"as_of": "2025-11-01", "left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30",
              "birth_date": "1985-07-01", "loan_balance": "12000", "loan_in_good_standing": True}


def test_slash_command_answers_in_the_channel_in_one_message(servers, slack_api):
    posts_before = len(slack_api.posts())
    status, answer = slash(servers, LINE)
    assert status == 200 and answer["response_type"] == "in_channel"
    assert expected_fields(LINE_FACTS).items() <= card_fields(answer["blocks"]).items()
    assert "qualified plan loan offset" in answer["blocks"][0]["text"]["text"]
    assert len(slack_api.posts()) == posts_before  # the answer is the HTTP response itself


def test_slash_command_private_answer_and_friendly_usage(servers):
    status, answer = slash(servers, "private " + LINE)
    assert answer["response_type"] == "ephemeral" and card_fields(answer["blocks"])[words()["fact_labels"]["form_1099r_box7"]] == "M1"

    _, incomplete = slash(servers, LINE.replace(" current", ""))
    said = all_text(incomplete)
    assert incomplete["response_type"] == "ephemeral" and "`current`" in said and "How to use /loanhelp" in said

    _, bad = slash(servers, "left 03/05/2025 offset yesterday-ish balance lots")
    said = all_text(bad)
    assert "could be March 5, 2025 or May 3, 2025" in said and "\"lots\"" in said and "Traceback" not in said

    _, empty = slash(servers, "")
    assert "How to use /loanhelp" in all_text(empty)


# ---- refused requests ---------------------------------------------------------------------------
def test_bad_or_stale_signatures_are_refused_and_get_no_reply(servers, slack_api):
    channel = "CBENEFITS"
    forged_thread, stale_thread = slack_ts(), slack_ts()
    forged = event_body(f"<@{BOT_USER}> what is a qplo?", channel, forged_thread)
    status, _ = send(webhook(servers), forged, signed_headers(forged, "application/json", secret="not-the-secret"))
    assert status == 400
    stale = event_body(f"<@{BOT_USER}> what is a qplo?", channel, stale_thread)
    status, _ = send(webhook(servers), stale, signed_headers(stale, "application/json", timestamp=int(time.time()) - 6 * 60))
    assert status == 400
    status, text = slash(servers, LINE, secret="not-the-secret")
    assert status == 400 and "blocks" not in text
    status, _ = slash(servers, LINE, timestamp=int(time.time()) - 6 * 60)
    assert status == 400
    # a genuine request afterwards is answered; the refused ones never were
    say(servers, slack_api, f"<@{BOT_USER}> what is a qplo?", channel, None)
    assert not slack_api.posts(thread=forged_thread) and not slack_api.posts(thread=stale_thread)


def test_the_request_url_check_answers_the_challenge_only_when_signed(servers):
    body = json.dumps({"token": "unused", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    status, answer = send(webhook(servers), body, signed_headers(body, "application/json"))
    assert status == 200 and json.loads(answer) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    status, answer = send(webhook(servers), body, signed_headers(body, "application/json", secret="not-the-secret"))
    assert status == 400 and b"3eZbrw" not in answer


def test_without_slack_settings_the_server_runs_and_refuses_slack(tmp_path):
    s = Servers(trained_model(), tmp_path, extra_env={"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": ""})
    try:
        s.start_actions()
        s.start_rasa()
        body = event_body("hello", "DEMPLOYEE", slack_ts())
        # signed with an empty key: exactly what an unconfigured connector must not accept
        status, text = send(f"{s.url}/webhooks/slack/webhook", body, signed_headers(body, "application/json", secret=""))
        assert status == 503 and b"not configured" in text
        reply = post_json(f"{s.url}/webhooks/rest/webhook", {"sender": "no-slack", "message": "what is a qplo?"})
        assert any("qualified plan loan offset" in m.get("text", "").lower() for m in reply)
    finally:
        s.stop_all()


# ---- batch triage: a CSV uploaded in a thread ----------------------------------------------------
LAYOFF_CSV = (
    "employee_id,name,as_of,left_job,separation_date,offset_date,birth_date,loan_balance,loan_in_good_standing,"
    "missed_payment_due_date,caught_up_on\r\n"
    "E1,Ann Lee,2025-11-01,yes,2025-03-14,2025-06-30,1984-07-01,12000,true,,\r\n"
    "E2,Bo Chen,2025-11-01,yes,2024-01-10,2025-06-30,1980-02-02,5000,true,,\r\n"
    "E3,Cy Diaz,2026-02-01,no,,,1969-01-01,8000,,2025-08-31,no\r\n"
    "E4,Dee,2025-11-01,yes,,,,,,,\r\n"
    "E5,=HYPERLINK(\"http://x\"),2025-11-01,maybe,2025-03-14,2025-06-30,,lots,,,\r\n"
    "E6,Eve,2025-11-01,yes,2025-09-20,2025-10-15,1990-01-01,3000,true,,\r\n"
)


def upload(servers: Servers, slack_api: SlackStandIn, files: List[Dict[str, Any]], channel: str = "CBENEFITS",
           secret: str = SECRET) -> Tuple[int, str]:
    """A message mentioning the bot (a direct message in a D channel) with files attached;
    returns (status, the message's ts)."""
    root = slack_ts()
    body = event_body(f"<@{BOT_USER}> triage these please", channel, root, files=files,
                      kind="message" if channel.startswith("D") else "app_mention")
    status, _ = send(webhook(servers), body, signed_headers(body, "application/json", secret=secret))
    return status, root


def wait_until(found: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("nothing arrived in time")


def test_a_csv_uploaded_with_a_mention_gets_the_results_file_and_a_summary_in_its_thread(servers, slack_api):
    from rules_core.batch import RESULT_COLUMNS, result_cells

    shared = slack_api.share("layoff March.csv", ("\ufeff" + LAYOFF_CSV).encode())
    completes_before = len(slack_api.method_calls("files.completeUploadExternal"))
    status, root = upload(servers, slack_api, [shared])
    assert status == 200
    complete = wait_until(lambda: slack_api.method_calls("files.completeUploadExternal")[completes_before:])[0]
    assert complete["body"]["channel_id"] == "CBENEFITS" and complete["body"]["thread_ts"] == root
    assert complete["auth"] == f"Bearer {TOKEN}"
    (download,) = [c for c in slack_api.method_calls("download") if shared["id"] in c["path"]]
    assert download["auth"] == f"Bearer {TOKEN}"  # the file was fetched with the bot token

    # the results file: one row per row, in order, each equal to the rules core's answer
    file_id = json.loads(complete["body"]["files"])[0]["id"]
    assert [c["body"]["filename"] for c in slack_api.method_calls("files.getUploadURLExternal")
            if f"F{c['ts'].replace('.', '')}" == file_id] == ["layoff_March-results.csv"]
    text = slack_api.uploaded[file_id].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["employee_id"] for r in rows] == ["E1", "E2", "E3", "E4", "E5", "E6"]
    source = list(csv.DictReader(io.StringIO(LAYOFF_CSV, newline="")))
    facts_of = {"E1": {"as_of": "2025-11-01", "left_job": True, "separation_date": "2025-03-14",
                       "offset_date": "2025-06-30", "birth_date": "1984-07-01", "loan_balance": "12000",
                       "loan_in_good_standing": True},
                "E3": {"as_of": "2026-02-01", "left_job": False, "birth_date": "1969-01-01", "loan_balance": "8000",
                       "missed_payment_due_date": "2025-08-31", "caught_up_on": None}}
    for row in rows:
        if row["employee_id"] in facts_of:
            assert [row[c] for c in RESULT_COLUMNS] == result_cells(api.assess(facts_of[row["employee_id"]]))
    by_id = {r["employee_id"]: r for r in rows}
    assert by_id["E1"]["classification"] == "qualified_plan_loan_offset"
    assert by_id["E2"]["classification"] == "plan_loan_offset"  # offset more than a year after leaving
    assert by_id["E3"]["classification"] == "deemed_distribution"
    assert by_id["E4"]["classification"] == "needs_more_facts"
    assert "left_job" in by_id["E5"]["error"] and "loan_balance" in by_id["E5"]["error"]
    assert by_id["E5"]["name"].startswith("'=")  # neutralised for the spreadsheet
    assert len(source) == len(rows)

    # the summary: one message in the same thread
    (summary,) = [p for p in slack_api.posts(thread=root, channel="CBENEFITS")]
    said = all_text(summary["body"])
    assert "`layoff March.csv`" in said and "rows answered: 6" in said
    for line in ("Qualified plan loan offsets (QPLO): 2", "Ordinary plan loan offsets: 1", "Deemed distributions: 1",
                 "Rows needing more facts (see the `missing_facts` column): 1",
                 "Rows that could not be read (see the `error` column): 1"):
        assert line in said, said
    assert "Other answers" not in said
    # the earliest deadline still ahead over all rows: E2's 60-day rollover and E3's cure deadline
    # have passed on their as_of dates; E1's QPLO window ends before E6's
    assert (by_id["E1"]["qplo_window_end"], by_id["E6"]["qplo_window_end"]) == ("2026-03-14", "2026-09-20")
    assert by_id["E2"]["rollover_deadline"] < "2025-11-01" and by_id["E3"]["cure_deadline"] < "2026-02-01"
    assert "Earliest deadline still ahead:* March 14, 2026, End of the 12-month QPLO window (row 1, E1)" in said, said

    # Slack retries an event it thinks was not received: the same file is not answered twice
    body = event_body(f"<@{BOT_USER}> triage these please", "CBENEFITS", root, files=[shared])
    headers = dict(signed_headers(body, "application/json"), **{"X-Slack-Retry-Num": "1",
                                                                "X-Slack-Retry-Reason": "http_timeout"})
    send(webhook(servers), body, headers)
    time.sleep(3)
    assert len(slack_api.method_calls("files.completeUploadExternal")) == completes_before + 1


def test_files_too_big_not_csv_or_unreadable_are_refused_politely_in_the_thread(servers, slack_api):
    big = slack_api.share("everyone.csv", LAYOFF_CSV.encode(), size=3_500_000)
    _, root = upload(servers, slack_api, [big])
    refused = wait_until(lambda: slack_api.posts(thread=root))
    assert "is 3.5 MB; I take CSV files up to 2 MB" in all_text(refused[0]["body"])
    assert not [c for c in slack_api.method_calls("download") if big["id"] in c["path"]]  # not even fetched

    pdf = slack_api.share("scan.pdf", b"%PDF-1.4", filetype="pdf")
    _, root = upload(servers, slack_api, [pdf])
    assert "is not a CSV file" in all_text(wait_until(lambda: slack_api.posts(thread=root))[0]["body"])

    no_facts = slack_api.share("names.csv", b"employee_id,name\r\nE1,Ann\r\n")
    _, root = upload(servers, slack_api, [no_facts])
    said = all_text(wait_until(lambda: slack_api.posts(thread=root))[0]["body"])
    assert "could not read `names.csv`" in said and "no column names a fact" in said and "Traceback" not in said


def test_an_upload_with_a_bad_signature_is_refused_and_the_file_never_fetched(servers, slack_api):
    shared = slack_api.share("forged.csv", LAYOFF_CSV.encode())
    status, root = upload(servers, slack_api, [shared], secret="not-the-secret")
    assert status == 400
    time.sleep(2)
    assert not slack_api.posts(thread=root)
    assert not [c for c in slack_api.method_calls("download") if shared["id"] in c["path"]]


def test_a_csv_sent_to_the_bot_directly_is_answered_in_the_dm(servers, slack_api):
    shared = slack_api.share("team.csv", b"employee_id,as_of,missed_payment_due_date\r\nE7,2025-10-01,2025-08-31\r\n")
    completes_before = len(slack_api.method_calls("files.completeUploadExternal"))
    status, _ = upload(servers, slack_api, [shared], channel="DBENEFITS")
    assert status == 200
    complete = wait_until(lambda: slack_api.method_calls("files.completeUploadExternal")[completes_before:])[0]
    assert complete["body"]["channel_id"] == "DBENEFITS" and "thread_ts" not in complete["body"]
    (summary,) = slack_api.posts(channel="DBENEFITS")[-1:]
    said = all_text(summary["body"])
    assert "thread_ts" not in summary["body"] and "rows answered: 1" in said and "Other answers" in said
    assert "Earliest deadline still ahead:* December 31, 2025, Cure deadline (row 1, E7)" in said


# ---- "Save as PDF": the answer's summary posted as a file in its thread ----------------------------
def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def answered_thread(servers: Servers, slack_api: SlackStandIn, channel: str = "CBENEFITS") -> Tuple[str, Dict[str, Any]]:
    """A thread whose conversation has been answered: (its root ts, the answer card's post)."""
    root = slack_ts()
    body = event_body(f"<@{BOT_USER}> I left my job on 2025-03-14 and the plan offset my loan on 2025-06-30, "
                      "I'm 41 and owed 12000", channel, root)
    send(webhook(servers), body, signed_headers(body, "application/json"))
    slack_api.wait_for(0, root, channel, bool)
    posts = say(servers, slack_api, f"<@{BOT_USER}> yes", channel, root, has_card)
    return root, card(posts)


def click_pdf(servers: Servers, value: str, channel: str, thread: Optional[str], message_ts: str,
              secret: str = SECRET) -> int:
    click = pdf_click_body(value, channel, thread, message_ts)
    status, _ = send(webhook(servers), click, signed_headers(click, "application/x-www-form-urlencoded", secret=secret))
    return status


def test_save_as_pdf_posts_the_answer_as_a_pdf_in_its_thread(servers, slack_api):
    root, answer = answered_thread(servers, slack_api)
    (block,) = [b for b in answer["body"]["blocks"] if b.get("block_id") == "summary"]
    (button,) = block["elements"]
    assert button["text"]["text"] == "Save as PDF" and len(button["value"]) == 32

    completes_before = len(slack_api.method_calls("files.completeUploadExternal"))
    posts_before = len(slack_api.posts(thread=root))
    assert click_pdf(servers, button["value"], "CBENEFITS", root, answer["ts"]) == 200
    complete = wait_until(lambda: slack_api.method_calls("files.completeUploadExternal")[completes_before:])[0]
    assert complete["body"]["channel_id"] == "CBENEFITS" and complete["body"]["thread_ts"] == root
    assert complete["auth"] == f"Bearer {TOKEN}"
    file_id = json.loads(complete["body"]["files"])[0]["id"]
    (asked,) = [c for c in slack_api.method_calls("files.getUploadURLExternal") if f"F{c['ts'].replace('.', '')}" == file_id]
    today = date.today()
    assert asked["body"]["filename"] == f"401k-loan-summary-{today.isoformat()}.pdf"
    data = slack_api.uploaded[file_id]
    assert data.startswith(b"%PDF")

    # the PDF says what the card said: the rules core's answer on the same facts, as of today
    expected = api.assess({**FACTS, "as_of": today.isoformat()})
    text = pdf_text(data)
    assert "Your 401(k) loan: a summary to keep" in text and f"Summary made on {long_date(today)}." in text
    for entry in expected["timeline"]:
        if entry["rule"] != "user_fact":
            assert f"{entry['label']}: {long_date(date.fromisoformat(entry['date']))}." in text
    assert "code M1" in text and "$1,200.00" in text
    urls = {c["url"] for group in ("explanations", "timeline", "next_steps")
            for e in expected[group] for c in e.get("citations") or ()}
    assert urls and all(url in text.replace(" ", "") for url in urls)
    assert " ".join(expected["disclaimer"].split()) in text
    # the click is not a message to the conversation: nothing else is said in the thread
    time.sleep(2)
    assert len(slack_api.posts(thread=root)) == posts_before


def test_save_as_pdf_refuses_a_forged_click_and_another_thread_s_answer(servers, slack_api):
    root, answer = answered_thread(servers, slack_api)
    value = buttons(answer["body"]["blocks"])["Save as PDF"]
    completes_before = len(slack_api.method_calls("files.completeUploadExternal"))
    assert click_pdf(servers, value, "CBENEFITS", root, answer["ts"], secret="not-the-secret") == 400

    # the same value clicked in another thread finds nothing there: a sentence, no file
    other = slack_ts()
    assert click_pdf(servers, value, "CBENEFITS", other, other) == 200
    said = all_text(wait_until(lambda: slack_api.posts(thread=other))[0]["body"])
    assert "can no longer find that answer" in said and "Traceback" not in said
    time.sleep(2)
    assert len(slack_api.method_calls("files.completeUploadExternal")) == completes_before


def test_save_as_pdf_in_a_direct_message_posts_the_pdf_in_the_dm(servers, slack_api):
    channel = "DSUMMARY"
    say(servers, slack_api, "I left my job on 2025-03-14 and the plan offset my loan on 2025-06-30, "
                            "I'm 41 and owed 12000", channel, None)
    answer = card(say(servers, slack_api, "yes", channel, None, has_card))
    completes_before = len(slack_api.method_calls("files.completeUploadExternal"))
    assert click_pdf(servers, buttons(answer["body"]["blocks"])["Save as PDF"], channel, None, answer["ts"]) == 200
    complete = wait_until(lambda: slack_api.method_calls("files.completeUploadExternal")[completes_before:])[0]
    assert complete["body"]["channel_id"] == channel and "thread_ts" not in complete["body"]
    data = slack_api.uploaded[json.loads(complete["body"]["files"])[0]["id"]]
    assert "Rollover deadline: October 15, 2026." in pdf_text(data)
