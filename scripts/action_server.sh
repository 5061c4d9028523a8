#!/usr/bin/env bash
# The action server as every script and test starts it: rasa-sdk's own entry point, the way the
# container runs it (deploy/Dockerfile.actions). `rasa run actions` would start the same server
# but first imports Rasa itself, about 80 MiB more per action server for nothing it uses.
# Usage: action_server.sh PORT [rasa-sdk options...]. Listens on 127.0.0.1 unless SANIC_HOST says
# otherwise (rasa-sdk binds 0.0.0.0 by default; only the Rasa server calls the action server).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export RASA_TELEMETRY_ENABLED=false
export SANIC_HOST="${SANIC_HOST:-127.0.0.1}"
port="$1"; shift
exec "$root/.venv/bin/python" -m rasa_sdk --actions actions.actions --port "$port" "$@"
