#!/usr/bin/env bash
# A terminal chat: `rasa shell` with the action server, on the current model.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # no calls home from any Rasa process we start
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup_env.sh
model="$(bash scripts/train.sh)"
action_port="${ACTION_PORT:-5055}"
mkdir -p var
export ACTION_ENDPOINT_URL="http://127.0.0.1:$action_port/webhook"
export TRACKER_DB="${TRACKER_DB:-$root/var/shell-tracker.db}"
if ! curl -sf "http://127.0.0.1:$action_port/health" >/dev/null 2>&1; then
  bash scripts/action_server.sh "$action_port" >var/actions-shell.log 2>&1 &
  trap 'kill $! 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$action_port/health" >/dev/null 2>&1 && break; sleep 1; done
fi
"$root/.venv/bin/rasa" shell --model "$model" --endpoints endpoints.yml
