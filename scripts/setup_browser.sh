#!/usr/bin/env bash
# Headless Chromium for the widget's browser test: Debian's `chromium` package, installed when
# /usr/bin/chromium is missing (CI runs as root). Playwright drives it; it never downloads a
# browser of its own. Prints the browser's path.
set -euo pipefail
browser="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$browser" ]; then
  echo "setup: installing Debian's chromium for the browser test" >&2
  export DEBIAN_FRONTEND=noninteractive
  # one installer at a time (parallel test runs)
  exec 9>/tmp/loan-assistant-apt.lock
  flock 9
  if [ ! -x "$browser" ]; then
    apt-get update -qq >&2
    apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core >&2  # as tested: with recommends
  fi
fi
[ -x "$browser" ] || { echo "setup: $browser is still missing after installing chromium" >&2; exit 1; }
dpkg-query -W -f 'setup: chromium ${Version}\n' chromium >&2 2>/dev/null || true
echo "$browser"
