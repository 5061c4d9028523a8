"""Builds dist/loan-chat.js, the one file a page includes: the vendored socket.io-client
bundle (kept out of the page's globals), the widget's styles (the chat's, and the printable
summary's), its words, and the widget.
Pure Python, no Node.js needed: `python widget/build.py` prints the file's path."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "vendor" / "socket.io.min.js"
DIST = HERE / "dist" / "loan-chat.js"


def vendored_socketio_version() -> str:
    match = re.search(r"Socket\.IO v(\d+\.\d+\.\d+)", VENDOR.read_text(encoding="utf-8")[:200])
    if not match:
        raise SystemExit(f"{VENDOR}: no Socket.IO version banner; re-run `npm ci && npm run vendor` in widget/")
    return match.group(1)


def bundle() -> str:
    words = json.loads((HERE / "src" / "words.json").read_text(encoding="utf-8"))
    css = (HERE / "src" / "widget.css").read_text(encoding="utf-8")
    print_css = (HERE / "src" / "print.css").read_text(encoding="utf-8")
    widget = (HERE / "src" / "widget.js").read_text(encoding="utf-8")
    version = vendored_socketio_version()
    return "\n".join([
        f"/*! 401(k) loan assistant chat widget. Includes Socket.IO client v{version} (MIT licence, "
        "widget/vendor/socket.io-client.LICENSE). */",
        "(function () {",
        # The UMD bundle sees an AMD `define` here, so it hands its export to us instead of
        # setting window.io (a portal may use another socket.io version).
        "var io, exports, module;",
        "var define = function (factory) { io = factory(); }; define.amd = true;",
        VENDOR.read_text(encoding="utf-8").strip(),
        ";",
        f"var WIDGET_CSS = {json.dumps(css)};",
        f"var PRINT_CSS = {json.dumps(print_css)};",
        f"var WIDGET_WORDS = {json.dumps(words, ensure_ascii=False)};",
        widget,
        "})();",
        "",
    ])


def build() -> Path:
    DIST.parent.mkdir(exist_ok=True)
    text = bundle()
    if not DIST.exists() or DIST.read_text(encoding="utf-8") != text:
        DIST.write_text(text, encoding="utf-8")
    return DIST


if __name__ == "__main__":
    print(build())
    sys.exit(0)
