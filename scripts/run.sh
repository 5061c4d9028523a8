#!/usr/bin/env bash
# The README's run command: environment, training when stale, the action server and the Rasa
# server (REST, socket.io for the chat widget, HTTP API, SQLite tracker store) and the widget's demo
# page, on localhost. Ctrl-C stops them all.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # no calls home from any Rasa process we start
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup_env.sh
model="$(bash scripts/train.sh)"

host="${HOST:-127.0.0.1}"            # localhost unless asked otherwise
rasa_port="${RASA_PORT:-5005}"
action_port="${ACTION_PORT:-5055}"
widget_port="${WIDGET_PORT:-8080}"     # the demo page with the website chat widget
# The HTTP API reads and writes every conversation by its id: behind RASA_AUTH_TOKEN when that
# is set (`?token=...`), and without one only on localhost.
api_auth=()
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then
  api_auth=(--auth-token "$RASA_AUTH_TOKEN")
else
  case "$host" in
    127.0.0.1|localhost|::1) ;;
    *) echo "run: HOST=$host would let anyone who can reach it read every conversation through the HTTP API;" >&2
       echo "  set RASA_AUTH_TOKEN too, e.g.  export RASA_AUTH_TOKEN=\$(openssl rand -hex 32)" >&2
       exit 2;;
  esac
fi
# Web pages allowed to use the servers from a browser (REST and the widget's socket.io
# channel alike), space separated; the demo page is one of them.
export CORS_ORIGINS="${CORS_ORIGINS:-http://127.0.0.1:$widget_port http://localhost:$widget_port}"
# Per-client limits (actions/rate_limit.py; README, "Limits"): chat messages a minute per client
# address, sustained (0: no limit), how many at once, and addresses never limited.
export RATE_LIMIT_PER_MINUTE="${RATE_LIMIT_PER_MINUTE:-60}" RATE_LIMIT_BURST="${RATE_LIMIT_BURST:-20}"
export RATE_LIMIT_EXEMPT="${RATE_LIMIT_EXEMPT:-}"
mkdir -p var
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$action_port/webhook}"
export TRACKER_DB="${TRACKER_DB:-$root/var/tracker.db}"
if [ -n "${TRACKER_RETENTION_DAYS:-}" ]; then  # delete conversations idle longer than that (README)
  "$root/.venv/bin/python" -m actions.retention --endpoints endpoints.yml
fi

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped."
}
trap stop INT TERM EXIT

# Only the Rasa server calls the action server: loopback only, whatever HOST says.
SANIC_HOST=127.0.0.1 bash scripts/action_server.sh "$action_port" >var/actions.log 2>&1 &
pids+=($!)
"$root/.venv/bin/rasa" run --enable-api "${api_auth[@]}" -i "$host" -p "$rasa_port" --model "$model" \
  --endpoints endpoints.yml --credentials credentials.yml --cors $CORS_ORIGINS \
  >var/rasa.log 2>&1 &
pids+=($!)
"$root/.venv/bin/python" widget/serve.py --host 127.0.0.1 --port "$widget_port" \
  --rasa-url "${WIDGET_SERVER_URL:-http://127.0.0.1:$rasa_port}" >var/widget.log 2>&1 &
pids+=($!)

echo "starting (logs in var/)..."
for _ in $(seq 1 180); do
  if curl -sf "http://$host:$rasa_port/" >/dev/null 2>&1 \
     && curl -sf "http://127.0.0.1:$action_port/health" >/dev/null 2>&1 \
     && curl -sf "http://127.0.0.1:$widget_port/" >/dev/null 2>&1; then
    cat <<MSG

The assistant is running.
  REST:   POST http://$host:$rasa_port/webhooks/rest/webhook
  Try:    curl -s -X POST http://$host:$rasa_port/webhooks/rest/webhook -H 'Content-Type: application/json' \\
            -d '{"sender": "me", "message": "I left my job on March 14 and they offset my loan in June"}'
  Shell:  bash scripts/shell.sh   (a terminal chat against the same servers)
  Widget: http://127.0.0.1:$widget_port/   (demo benefits portal with the chat widget; open it in a browser)
MSG
    if [ -n "${SLACK_SIGNING_SECRET:-}" ] && [ -n "${SLACK_BOT_TOKEN:-}" ]; then
      echo "  Slack:  on. Events and buttons: https://<public host>/webhooks/slack/webhook; /loanhelp: https://<public host>/webhooks/slack/slash"
    else
      echo "  Slack:  off. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on (README, \"Slack for benefits teams\")."
    fi
    echo "Ctrl-C stops them all."
    wait -n "${pids[@]}"
    echo "a server exited; see var/rasa.log and var/actions.log" >&2
    exit 1
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a server failed to start; see var/" >&2; tail -n 20 var/rasa.log var/actions.log >&2; exit 1; }
  done
  sleep 1
done
echo "servers did not become ready in 180 s; see var/" >&2
exit 1
