#!/usr/bin/env bash
# The one command that runs every test suite. .ci/run calls it; so does `make test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup_env.sh
py="$root/.venv/bin/python"
"$py" -c 'import sys; assert sys.version_info[:2] == (3, 10), sys.version'
echo "== lint (ruff: undefined names, unused imports, likely bugs)"
"$root/.venv/bin/ruff" check --quiet rules_core actions tests benchmarks widget
echo "== headless Chromium for the chat widget's browser test (Debian's package, installed when missing)"
bash scripts/setup_browser.sh >/dev/null
echo "== training the model if config, domain or data changed"
bash scripts/train.sh >/dev/null
echo "== all suites: rules core, parsers, actions, Rasa checks (validate, held-out NLU, test stories), end to end"
"$py" -m pytest tests -q -p no:cacheprovider "$@"
