"""Serves the demo page (a mock benefits portal with the widget) and the built widget on
localhost. Static files only; the widget talks to the Rasa server directly.

    python widget/serve.py --port 8080 --rasa-url http://127.0.0.1:5005
"""
from __future__ import annotations

import argparse
import functools
import signal
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import build  # noqa: E402

HERE = Path(__file__).resolve().parent


class DemoHandler(SimpleHTTPRequestHandler):
    rasa_url = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        if path == "/":
            path = "/index.html"
        page_file = HERE / "demo" / path.lstrip("/")
        if path.endswith(".html") and page_file.parent == HERE / "demo" and page_file.is_file():
            page = page_file.read_text(encoding="utf-8").replace("__RASA_URL__", self.rasa_url)
            return self._send(page.encode("utf-8"), "text/html; charset=utf-8")
        if path == "/loan-chat.js":
            return self._send(build().read_bytes(), "text/javascript; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        sys.stderr.write("demo: " + format % args + "\n")


def stop_on_signal(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM from run.sh or a test ends serve_forever like Ctrl-C


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    build()
    handler = functools.partial(type("Handler", (DemoHandler,), {"rasa_url": args.rasa_url}), directory=str(HERE / "demo"))
    server = ThreadingHTTPServer((args.host, args.port), handler)
    signal.signal(signal.SIGTERM, stop_on_signal)
    print(f"demo page: http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
