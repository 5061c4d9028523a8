"""Thousands of hostile messages over REST against one real server pair (actions/rest_channel.py).

Whatever arrives, the server never answers with a 5xx and stays up; a well-formed request
(a JSON object with a text `message` and a `sender`) always gets a JSON list with at least one
bot message; a malformed one gets a 4xx that says why; bot messages never carry markup
(`<`, `>`, `&`) back, whatever the user typed; and neither server logs a traceback.
About 2,800 requests; example counts are set so the whole module takes about a minute on two cores.
"""
import http.client
import json
import string
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rasa_support import Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
WEBHOOK = "/webhooks/rest/webhook"
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(trained_model(), tmp_path_factory.mktemp("hostile")) as s:
        yield s


def send(servers, body: bytes, content_type="application/json", method="POST", path=WEBHOOK):
    connection = http.client.HTTPConnection("127.0.0.1", servers.rasa_port, timeout=120)
    try:
        headers = {"Content-Type": content_type} if content_type is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def assert_answered(servers, message: str, sender=None, metadata=None):
    """A well-formed request: 200, a JSON list with at least one bot message, no markup."""
    body = {"sender": sender if sender is not None else uuid.uuid4().hex, "message": message}
    if metadata is not None:
        body["metadata"] = metadata
    status, raw = send(servers, json.dumps(body).encode())
    assert status == 200, (status, raw[:500], body)
    reply = json.loads(raw)
    assert isinstance(reply, list) and reply, (reply, body)
    for bot_message in reply:
        assert set(bot_message) & {"text", "custom", "buttons", "image", "attachment"}, bot_message
        shown = json.dumps({k: v for k, v in bot_message.items() if k != "recipient_id"}, ensure_ascii=False)
        # our words never contain them (but the "Q&A" of regulation citations); user text loses them
        assert not set("<>&") & set(shown.replace("Q&A", "")), (shown, body)
    return reply


def assert_refused_or_answered(status: int, raw: bytes):
    assert status < 500, raw[:500]
    parsed = json.loads(raw)  # both the 400s and the answers are JSON
    if status == 200:
        assert isinstance(parsed, list) and parsed
    else:
        assert 400 <= status < 500 and parsed["error"] == "bad request"


# -- what people (and attackers) type ----------------------------------------------------------
FACTS = ["I left my job on March 14", "they offset my loan on June 30", "I was born on May 5, 1980",
         "the balance was about $12,000", "I missed the payment due March 31", "code 1M", "yes", "no"]
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>bold</b>", "</div><h1>hi",
          "<a href=\"javascript:alert(1)\">x</a>", "&lt;script&gt;", "<svg/onload=alert(1)>", "<<>>&&"]
SQL = ["'; DROP TABLE events; --", "1' OR '1'='1", "\" OR 1=1 --", "Robert'); DROP TABLE students;--",
       "UNION SELECT sender_id, data FROM events", "%' AND 1=1 AND '%'='"]
JSONISH = ['{"sender": "someone-else", "message": "hi"}', '"}, {"event": "restart"}', "null", "[]", "{}",
           '{"message": ' * 50, "\\u0000\\ud800", '/inform{"birth_date": "1980-05-05"}', "/restart",
           "/session_start", "/affirm", '/inform{"loan_balance": ', "/nlu_fallback", "/inform@0.99{}",
           '/inform{"loan_balance": {"nested": [1, 2]}}', '/inform{"left_job": [true]}']
FACT_SLOTS = ["separation_date", "offset_date", "birth_date", "missed_payment_due_date", "caught_up_on",
              "loan_balance", "age", "box7_code", "marginal_tax_rate", "amount_rolled_over", "plan_termination_date"]

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
emoji = st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=30)
right_to_left = st.text(alphabet=st.sampled_from(
    list("שלום עזבתי את העבודה במרץ") + list("مرحبا تركت عملي في مارس ١٤") + ["\u202e", "\u202b", "\u200f", "\u061c"]),
    min_size=1, max_size=80)
controls = st.text(alphabet=st.characters(max_codepoint=0x1F) | st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
                   min_size=1, max_size=40)


def mixed(*parts):
    """A fact sentence with hostile text around or inside it."""
    return st.tuples(st.sampled_from(FACTS), st.one_of(*parts), st.booleans()).map(
        lambda t: f"{t[1]} {t[0]}" if t[2] else f"{t[0]} {t[1]}")


@settings(max_examples=60, **SETTINGS)
@given(st.sampled_from(["", " ", "\n", "\t\t", "\u00a0", "\u200b", "\u3000", " \n \t "]) |
       st.text(alphabet=string.whitespace, max_size=20))
def test_empty_and_blank_messages_are_answered(servers, text):
    assert_answered(servers, text)


@settings(max_examples=500, **SETTINGS)
@given(st.one_of(any_text, mixed(any_text)))
def test_arbitrary_unicode_is_answered(servers, text):
    assert_answered(servers, text)


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(controls, mixed(controls), st.binary(max_size=120).map(lambda b: b.decode("latin-1"))))
def test_control_characters_and_binary_junk_are_answered(servers, text):
    assert_answered(servers, text)


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(emoji, right_to_left, mixed(emoji, right_to_left)))
def test_emoji_and_right_to_left_text_are_answered(servers, text):
    assert_answered(servers, text)


@settings(max_examples=400, **SETTINGS)
@given(st.one_of(st.sampled_from(MARKUP), mixed(st.sampled_from(MARKUP)),
                 st.tuples(st.sampled_from(FACT_SLOTS), st.sampled_from(MARKUP + SQL)).map(
                     lambda t: "/inform" + json.dumps({t[0]: t[1]}))))
def test_markup_is_never_echoed(servers, text):
    assert_answered(servers, text)


@settings(max_examples=60, **SETTINGS)
@given(st.sampled_from(MARKUP + SQL), st.sampled_from([
    "what if I had left my job on May 3 {}?", "what if {} I had left on May 3?", "What if I wait until {} January?",
    "what if I had left in {} June?"]))
def test_what_if_questions_do_not_echo_markup(servers, hostile, template):
    assert_answered(servers, template.format(hostile))


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(st.sampled_from(SQL + JSONISH), mixed(st.sampled_from(SQL + JSONISH)),
                 st.tuples(st.sampled_from(FACT_SLOTS), st.recursive(
                     st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
                     max_leaves=6)).map(lambda t: "/inform" + json.dumps({t[0]: t[1]}))))
def test_sql_and_json_lookalikes_and_forged_entities_are_answered(servers, text):
    assert_answered(servers, text)


@settings(max_examples=250, **SETTINGS)
@given(sender=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=255).filter(
           lambda s: s.strip()) | st.sampled_from(SQL + MARKUP) | st.integers(min_value=-10**18, max_value=10**18),
       text=st.sampled_from(FACTS + ["hello", "what is a QPLO?"]),
       metadata=st.none() | st.dictionaries(any_text, st.none() | any_text | st.integers(), max_size=4) |
       st.fixed_dictionaries({"today": st.none() | any_text | st.integers() | st.sampled_from(
           ["2025-11-01", "1900-01-01", "9999-12-31", "2025-02-30", "tomorrow"])}))
def test_unknown_senders_and_odd_metadata_are_answered(servers, sender, text, metadata):
    assert_answered(servers, text, sender=sender, metadata=metadata)


@settings(max_examples=40, **SETTINGS)
@given(st.integers(min_value=1_000, max_value=100_000), st.sampled_from(FACTS + MARKUP))
def test_long_messages_up_to_100_kb_are_answered(servers, length, phrase):
    text = (phrase + " ") * (length // (len(phrase) + 1) + 1)
    assert_answered(servers, text[:length])


# -- requests that are not chat messages -----------------------------------------------------------
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "text/html",
                 "multipart/form-data; boundary=xyz", "application/json; charset=latin-1", "", None]


@settings(max_examples=300, **SETTINGS)
@given(st.binary(max_size=300) | st.sampled_from([b"", b"{", b"{\"sender\": \"a\", \"message\": \"\xff\xfe\"}",
                                                   b"\x00" * 50, b'{"sender":"a","message":"hi"', b"sender=a&message=hi"]),
       st.sampled_from(CONTENT_TYPES))
def test_malformed_bodies_and_wrong_content_types_never_fail_the_server(servers, body, content_type):
    assert_refused_or_answered(*send(servers, body, content_type))


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(json_values, st.fixed_dictionaries(
    {"sender": json_values, "message": json_values}, optional={"metadata": json_values, "input_channel": json_values})))
def test_json_of_the_wrong_shape_is_refused_with_a_reason(servers, body):
    status, raw = send(servers, json.dumps(body).encode())
    assert_refused_or_answered(status, raw)
    well_formed = (isinstance(body, dict) and isinstance(body.get("message"), str)
                   and isinstance(body.get("sender"), (str, int)) and not isinstance(body.get("sender"), bool)
                   and str(body["sender"]).strip() and isinstance(body.get("metadata", {}), (dict, type(None))))
    if not well_formed:
        assert status == 400, (body, raw[:300])


def test_huge_bodies_and_wrong_methods(servers):
    five_mb = json.dumps({"sender": "big", "message": "x" * 5_000_000}).encode()
    status, raw = send(servers, five_mb)
    assert status == 200 and "shorter message" in json.loads(raw)[0]["text"]
    assert send(servers, b"[" * 100_000 + b"]" * 100_000)[0] == 400  # nesting deeper than the parser allows
    assert send(servers, json.dumps({"sender": "s" * 256, "message": "hi"}).encode())[0] == 400
    for method in ("GET", "PUT", "DELETE"):
        assert send(servers, b"{}", method=method)[0] in (404, 405)


API_TEXT_ROUTES = ["/model/parse", "/conversations/api-fuzz/messages"]


@settings(max_examples=100, **SETTINGS)
@given(st.sampled_from(API_TEXT_ROUTES), st.one_of(
    st.binary(max_size=100), json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"text": json_values, "sender": json_values}).map(lambda v: json.dumps(v).encode())))
def test_the_http_apis_text_routes_refuse_malformed_bodies(servers, path, body):
    status, raw = send(servers, body, path=path)
    assert status < 500, (path, body, raw[:300])
    json.loads(raw)


def test_the_http_api_still_parses_and_takes_messages(servers):
    status, raw = send(servers, json.dumps({"text": "what is a qualified plan loan offset?"}).encode(), path="/model/parse")
    assert status == 200 and json.loads(raw)["intent"]["name"] == "faq_what_is_qplo"
    status, raw = send(servers, json.dumps({"text": "hello", "sender": "user"}).encode(),
                       path="/conversations/api-ok/messages")
    assert status == 200 and json.loads(raw)["latest_message"]["text"] == "hello"


def test_the_server_is_still_up_and_still_answers_properly(servers):
    # runs last in this module: after everything above, a normal conversation still works
    status, raw = send(servers, b"", method="GET", path="/status")
    assert status == 200 and json.loads(raw)["model_id"]
    c = Chat(servers, "after-the-storm", today="2025-11-01")
    c.say("left my job 3/14, they offset the loan on June 30, I'm 41, owed about 12k")
    a = Chat.assessment(c.say("yes"))
    assert a["classification"] == "qualified_plan_loan_offset" and a["form_1099r_box7"] == "M1"
    for log in ("rasa.log", "actions.log"):
        text = (servers.workdir / log).read_text(errors="replace")
        assert "Traceback" not in text and "Exception occurred while handling" not in text, \
            text[text.find("Traceback") - 2000:text.find("Traceback") + 3000]
