#!/usr/bin/env bash
# Print the path of a working Python 3.10 interpreter, or explain what to install.
# Rasa 3.6 supports nothing newer than 3.10, and pyenv's `python3.10` shim exists
# on PATH even when it refuses to run, so every candidate is actually executed.
set -u
works() { "$1" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; }
for candidate in "${PYTHON310:-}" "$(command -v python3.10 2>/dev/null)"; do
  if [ -n "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for candidate in "$(pyenv root)"/versions/3.10.*/bin/python3.10; do
    if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
No working Python 3.10 found. Rasa 3.6 runs on Python 3.10 only.
Install one of:
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv
  - pyenv:         pyenv install 3.10.13
or point PYTHON310 at a python3.10 binary.
MSG
exit 1
