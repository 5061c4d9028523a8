"""Fixtures for the website widget's tests: the real servers with
the demo page's origin allowed, the demo page server, and Debian's headless Chromium driven by
Playwright."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.rasa_support import ROOT, Servers, free_port, trained_model, wait_for

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"


class DemoPage:
    """widget/serve.py on a free port, pointing the widget at `rasa_url`."""

    def __init__(self, rasa_url: str, workdir: Path, port: int):
        self.port = port
        self.log = workdir / f"demo-{port}.log"
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "widget" / "serve.py"), "--port", str(port), "--rasa-url", rasa_url],
            cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        wait_for(self.url, 30, self.process, self.log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, installed by scripts/setup_browser.sh when missing."""
    out = subprocess.run(["bash", str(ROOT / "scripts" / "setup_browser.sh")], capture_output=True, text=True,
                         timeout=900)
    assert out.returncode == 0, f"could not set up chromium:\n{out.stderr[-3000:]}"
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def browser(chromium_path):
    # Module scope, not session: while Playwright's sync API runs, its event loop is the running
    # loop, and later tests' asyncio.run() would fail.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def demo_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def widget_servers(tmp_path_factory, demo_port):
    origin = f"http://127.0.0.1:{demo_port}"  # configured the way scripts/run.sh does it
    with Servers(trained_model(), tmp_path_factory.mktemp("widget"), extra_env={"CORS_ORIGINS": origin},
                rasa_args=["--cors", origin]) as s:
        yield s


@pytest.fixture(scope="module")
def demo(widget_servers, demo_port, tmp_path_factory):
    page = DemoPage(widget_servers.url, tmp_path_factory.mktemp("demo"), demo_port)
    try:
        yield page
    finally:
        page.stop()


@pytest.fixture()
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

