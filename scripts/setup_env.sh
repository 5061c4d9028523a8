#!/usr/bin/env bash
# Create or refresh .venv from the pinned requirement sets. Idempotent and quick when
# nothing changed: a stamp holds the hash of every requirements/constraints file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="$root/.venv"
# One setup at a time (parallel test runs, `make run` beside `make test`): the second waits and
# then finds the stamp current.
exec 8>"$root/.venv.lock"
flock 8
stamp="$venv/.requirements.sha256"
want="$(cat requirements/*.txt | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
py="$(bash scripts/python310.sh)"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  rm -rf "$venv"
  echo "setup: creating .venv with $py" >&2
  "$py" -m venv "$venv"
fi
echo "setup: installing pinned requirements (first run takes a few minutes)" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check pip==24.0
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r requirements/app.txt -r requirements/dev.txt -c requirements/constraints.txt
"$venv/bin/python" -m pip check >&2
# Make the repository importable from anywhere in the venv (rules_core, actions) without a
# build step: a .pth file is what an editable install amounts to.
"$venv/bin/python" -c 'import site, sys; open(site.getsitepackages()[0] + "/loan_assistant.pth", "w").write(sys.argv[1] + "\n")' "$root"
echo "$want" > "$stamp"
