"""Browsers may call the servers only from the configured origins: the run command's default
(scripts/run.sh: the demo page's origins) gets CORS headers on the HTTP API and the REST
webhook, preflight and real requests alike; any other page gets none, so the browser keeps
the answer from it."""
import http.client
import json
import re

import pytest

from tests.rasa_support import ROOT, Servers, trained_model

pytestmark = pytest.mark.e2e
DEMO_ORIGINS = ["http://localhost:8080", "http://127.0.0.1:8080"]
FOREIGN = ["https://evil.example", "http://localhost", "http://localhost:8081", "http://127.0.0.1:5005", "null",
           "http://localhost:8080.evil.example", "http://evil.example/http://localhost:8080",
           "HTTP://LOCALHOST:8080.attacker.test"]


def run_sh_default_origins():
    """The origins scripts/run.sh allows when CORS_ORIGINS is not set (widget port 8080)."""
    script = (ROOT / "scripts" / "run.sh").read_text()
    default = re.search(r'CORS_ORIGINS="?\$\{CORS_ORIGINS:-([^}]*)\}', script).group(1)
    return default.replace("$widget_port", "8080").replace("${WIDGET_PORT:-8080}", "8080").replace(",", " ").split()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    origins = run_sh_default_origins()
    with Servers(trained_model(), tmp_path_factory.mktemp("cors"), rasa_args=["--cors", *origins],
                extra_env={"CORS_ORIGINS": " ".join(origins)}) as s:
        yield s


def request(servers, method, path, origin, body=None, headers=()):
    connection = http.client.HTTPConnection("127.0.0.1", servers.rasa_port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Origin": origin, **dict(headers)})
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def preflight(servers, path, origin):
    return request(servers, "OPTIONS", path, origin, headers={
        "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


def test_the_default_allows_exactly_the_demo_page():
    assert sorted(run_sh_default_origins()) == sorted(DEMO_ORIGINS)


@pytest.mark.parametrize("origin", DEMO_ORIGINS)
def test_an_allowed_origin_may_use_the_rest_webhook_and_the_api(servers, origin):
    status, headers = preflight(servers, "/webhooks/rest/webhook", origin)
    assert status < 400 and headers.get("access-control-allow-origin") == origin
    assert "post" in headers.get("access-control-allow-methods", "").lower()
    body = json.dumps({"sender": "cors-ok", "message": "hello"}).encode()
    status, headers = request(servers, "POST", "/webhooks/rest/webhook", origin, body,
                              {"Content-Type": "application/json"})
    assert status == 200 and headers.get("access-control-allow-origin") == origin
    status, headers = request(servers, "GET", "/status", origin)
    assert status == 200 and headers.get("access-control-allow-origin") == origin


@pytest.mark.parametrize("origin", FOREIGN)
def test_any_other_origin_gets_no_cors_headers(servers, origin):
    for path in ("/webhooks/rest/webhook", "/status", "/conversations/cors-ok/tracker"):
        _, headers = preflight(servers, path, origin)
        assert "access-control-allow-origin" not in headers, (path, headers)
    body = json.dumps({"sender": "cors-other", "message": "hello"}).encode()
    _, headers = request(servers, "POST", "/webhooks/rest/webhook", origin, body, {"Content-Type": "application/json"})
    assert "access-control-allow-origin" not in headers
    _, headers = request(servers, "GET", "/status", origin)
    assert "access-control-allow-origin" not in headers


def socketio_handshake(servers, origin):
    """The widget's first request (Engine.IO polling handshake), as a browser on `origin` sends it."""
    return request(servers, "GET", "/socket.io/?EIO=4&transport=polling", origin)


@pytest.mark.parametrize("origin", DEMO_ORIGINS)
def test_the_demo_page_may_open_the_widgets_socket(servers, origin):
    status, headers = socketio_handshake(servers, origin)
    assert status == 200 and headers.get("access-control-allow-origin") == origin


@pytest.mark.parametrize("origin", FOREIGN)
def test_any_other_page_may_not_open_the_widgets_socket(servers, origin):
    status, headers = socketio_handshake(servers, origin)
    assert status >= 400 and "access-control-allow-origin" not in headers
