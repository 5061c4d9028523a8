#!/usr/bin/env bash
# The scaled deployment on this machine, from Debian's packages: PostgreSQL (tracker store),
# Redis (lock store), RASA_SERVERS Rasa servers and ACTION_SERVERS action servers on
# 127.0.0.1, and our own nginx master in front (config generated under RUN_DIR, free of the
# system's /etc/nginx site). Ctrl-C stops what this script started (not PostgreSQL or Redis).
#
#   RASA_AUTH_TOKEN=$(openssl rand -hex 32) bash scripts/run_scaled.sh
#
# Settings (environment): RASA_AUTH_TOKEN (required: the HTTP API refuses requests without
# it), HOST (nginx listens there, default 127.0.0.1), PUBLIC_PORT (5080), RASA_SERVERS (2),
# ACTION_SERVERS (2), RASA_PORTS / ACTION_PORTS (space-separated, default from 5105 / 5155),
# ACTION_LB_PORT (5150), RUN_DIR (var/scaled), MODEL (default: the trained model), and the
# store settings of deploy/endpoints.scaled.yml: TRACKER_DB_HOST/PORT/NAME/USER/PASSWORD,
# LOCK_STORE_HOST/PORT/PASSWORD/DB/KEY_PREFIX.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # no calls home from any Rasa process we start
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  echo "run_scaled: RASA_AUTH_TOKEN is not set. The scaled deployment's HTTP API needs a token;" >&2
  echo "  set one from your secret store, e.g.  export RASA_AUTH_TOKEN=\$(openssl rand -hex 32)" >&2
  exit 2
fi

host="${HOST:-127.0.0.1}"
public_port="${PUBLIC_PORT:-5080}"
rasa_servers="${RASA_SERVERS:-2}"
action_servers="${ACTION_SERVERS:-2}"
read -r -a rasa_ports <<<"${RASA_PORTS:-$(seq -s ' ' 5105 $((5105 + rasa_servers - 1)))}"
read -r -a action_ports <<<"${ACTION_PORTS:-$(seq -s ' ' 5155 $((5155 + action_servers - 1)))}"
action_lb_port="${ACTION_LB_PORT:-5150}"
run_dir="${RUN_DIR:-$root/var/scaled}"
[ "${#rasa_ports[@]}" -eq "$rasa_servers" ] || { echo "run_scaled: RASA_PORTS needs $rasa_servers ports" >&2; exit 2; }
[ "${#action_ports[@]}" -eq "$action_servers" ] || { echo "run_scaled: ACTION_PORTS needs $action_servers ports" >&2; exit 2; }

export TRACKER_DB_HOST="${TRACKER_DB_HOST:-127.0.0.1}" TRACKER_DB_PORT="${TRACKER_DB_PORT:-5432}"
export TRACKER_DB_NAME="${TRACKER_DB_NAME:-loan_assistant}" TRACKER_DB_USER="${TRACKER_DB_USER:-postgres}"
export TRACKER_DB_PASSWORD="${TRACKER_DB_PASSWORD:-}"
export LOCK_STORE_HOST="${LOCK_STORE_HOST:-127.0.0.1}" LOCK_STORE_PORT="${LOCK_STORE_PORT:-6379}"
export LOCK_STORE_PASSWORD="${LOCK_STORE_PASSWORD:-}" LOCK_STORE_DB="${LOCK_STORE_DB:-0}"
export LOCK_STORE_KEY_PREFIX="${LOCK_STORE_KEY_PREFIX:-}"
export ACTION_ENDPOINT_URL="http://127.0.0.1:$action_lb_port/webhook"

bash scripts/setup_env.sh
model="${MODEL:-$(bash scripts/train.sh)}"
py="$root/.venv/bin/python"
mkdir -p "$run_dir"

is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }
apt_install() {  # Debian's packages, installed only when missing
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y "$@" >"$run_dir/apt.log" 2>&1 \
    || { apt-get -o DPkg::Lock::Timeout=300 update >>"$run_dir/apt.log" 2>&1 \
         && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y "$@" >>"$run_dir/apt.log" 2>&1; } \
    || { echo "run_scaled: could not install $*; see $run_dir/apt.log" >&2; exit 1; }
}

# --- the shared stores: started here only when they are local and not running -------------
pg_ready() { pg_isready -q -h "$TRACKER_DB_HOST" -p "$TRACKER_DB_PORT"; }
if is_local "$TRACKER_DB_HOST" && ! { command -v pg_isready >/dev/null && pg_ready; }; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  echo "run_scaled: starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
fi
redis_ready() { "$py" -c 'import os, redis; redis.Redis(host=os.environ["LOCK_STORE_HOST"], port=int(os.environ["LOCK_STORE_PORT"]), password=os.environ["LOCK_STORE_PASSWORD"] or None, socket_timeout=2).ping()' 2>/dev/null; }
if is_local "$LOCK_STORE_HOST" && ! redis_ready; then
  command -v redis-server >/dev/null || apt_install redis-server
  echo "run_scaled: starting Redis" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$LOCK_STORE_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_ready && break; sleep 1; done
fi
# The tracker database, created once (Rasa's own `login_db` route would race between servers).
"$py" - <<'PY' || { echo "run_scaled: PostgreSQL at $TRACKER_DB_HOST:$TRACKER_DB_PORT is not reachable" >&2; exit 1; }
import os, psycopg2
from psycopg2 import sql
env = os.environ
conn = psycopg2.connect(host=env["TRACKER_DB_HOST"], port=env["TRACKER_DB_PORT"], dbname="postgres",
                        user=env["TRACKER_DB_USER"], password=env["TRACKER_DB_PASSWORD"], connect_timeout=10)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (env["TRACKER_DB_NAME"],))
    if cur.fetchone() is None:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(env["TRACKER_DB_NAME"])))
PY
redis_ready || { echo "run_scaled: Redis at $LOCK_STORE_HOST:$LOCK_STORE_PORT is not reachable" >&2; exit 1; }

# --- nginx: installed when missing; our own master with a generated config -----------------
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
mkdir -p "$run_dir/nginx-temp"
{
  echo "# Generated by scripts/run_scaled.sh; edit the script or deploy/nginx/*.conf instead."
  echo "worker_processes 1;"
  echo "daemon off;"
  echo "pid $run_dir/nginx.pid;"
  echo "error_log $run_dir/nginx-error.log warn;"
  echo "events { worker_connections 4096; }"
  echo "http {"
  echo "  include $root/deploy/nginx/log_format.conf;"
  echo "  access_log $run_dir/nginx-access.log rasa_no_query;"
  for kind in client_body proxy fastcgi uwsgi scgi; do echo "  ${kind}_temp_path $run_dir/nginx-temp/$kind;"; done
  echo "  upstream rasa_servers { least_conn;"
  for p in "${rasa_ports[@]}"; do echo "    server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"; done
  echo "  }"
  echo "  upstream rasa_servers_sticky { hash \$remote_addr consistent;"
  for p in "${rasa_ports[@]}"; do echo "    server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"; done
  echo "  }"
  echo "  upstream action_servers { least_conn;"
  for p in "${action_ports[@]}"; do echo "    server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"; done
  echo "    keepalive 128;"
  echo "  }"
  echo "  server { listen $host:$public_port;"
  echo "    location /socket.io/ { include $root/deploy/nginx/socketio_proxy.conf; }"
  echo "    location / { include $root/deploy/nginx/rasa_proxy.conf; }"
  echo "  }"
  echo "  server { listen 127.0.0.1:$action_lb_port;"
  echo "    location / { include $root/deploy/nginx/action_proxy.conf; }"
  echo "  }"
  echo "}"
} >"$run_dir/nginx.conf"
"$nginx_bin" -t -q -c "$run_dir/nginx.conf" -p "$run_dir" 2>"$run_dir/nginx-check.log" \
  || { echo "run_scaled: generated nginx config is invalid:" >&2; cat "$run_dir/nginx-check.log" >&2; exit 1; }

# --- the servers -----------------------------------------------------------------------------
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$run_dir"/*.pid
  echo "stopped."
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

for i in "${!action_ports[@]}"; do
  n=$((i + 1))
  SANIC_HOST=127.0.0.1 "$root/.venv/bin/rasa" run actions --actions actions.actions --port "${action_ports[$i]}" \
    >"$run_dir/actions-$n.log" 2>&1 &
  pids+=($!); echo $! >"$run_dir/actions-$n.pid"
done
for i in "${!rasa_ports[@]}"; do
  n=$((i + 1))
  # A deep listen backlog: under a burst the kernel queues connections instead of dropping them,
  # which nginx would see as connect timeouts and count against a busy but healthy server.
  SANIC_BACKLOG="${SANIC_BACKLOG:-1024}" \
  "$root/.venv/bin/rasa" run --enable-api --auth-token "$RASA_AUTH_TOKEN" -i 127.0.0.1 -p "${rasa_ports[$i]}" \
    --model "$model" --endpoints deploy/endpoints.scaled.yml --credentials credentials.yml \
    --cors "${CORS_ORIGINS:-http://localhost}" >"$run_dir/rasa-$n.log" 2>&1 &
  pids+=($!); echo $! >"$run_dir/rasa-$n.pid"
done
"$nginx_bin" -c "$run_dir/nginx.conf" -p "$run_dir" >"$run_dir/nginx.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")

echo "run_scaled: starting $rasa_servers Rasa and $action_servers action servers (logs in $run_dir)..." >&2
ready() {
  local p
  for p in "${action_ports[@]}"; do curl -sf "http://127.0.0.1:$p/health" >/dev/null || return 1; done
  for p in "${rasa_ports[@]}"; do curl -sf "http://127.0.0.1:$p/" >/dev/null || return 1; done
  curl -sf "http://$host:$public_port/" >/dev/null
}
for _ in $(seq 1 300); do
  if ready; then
    cat <<MSG

The scaled assistant is running ($rasa_servers Rasa servers, $action_servers action servers, PostgreSQL
$TRACKER_DB_HOST:$TRACKER_DB_PORT/$TRACKER_DB_NAME, Redis $LOCK_STORE_HOST:$LOCK_STORE_PORT).
  REST:     POST http://$host:$public_port/webhooks/rest/webhook
  HTTP API: http://$host:$public_port/status?token=\$RASA_AUTH_TOKEN   (every API call needs the token)
  Try:      curl -s -X POST http://$host:$public_port/webhooks/rest/webhook -H 'Content-Type: application/json' \\
              -d '{"sender": "me", "message": "I left my job on March 14 and they offset my loan in June"}'
Ctrl-C stops the servers and nginx.
MSG
    echo "READY http://$host:$public_port"  # a line for scripts that drive this one
    # Keep serving while nginx and at least one Rasa server live; losing one server is the
    # failure this shape is built to survive, so it is reported, not fatal.
    reported=" "
    while kill -0 "$nginx_pid" 2>/dev/null; do
      alive=0
      for i in "${!rasa_ports[@]}"; do
        pid="$(cat "$run_dir/rasa-$((i + 1)).pid" 2>/dev/null || true)"
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then alive=$((alive + 1));
        elif [[ "$reported" != *" $i "* ]]; then
          echo "run_scaled: Rasa server $((i + 1)) (port ${rasa_ports[$i]}) is down; nginx sends its traffic to the others" >&2
          reported+="$i "
        fi
      done
      [ "$alive" -gt 0 ] || { echo "run_scaled: every Rasa server is down" >&2; exit 1; }
      sleep 1
    done
    echo "run_scaled: nginx exited; see $run_dir/nginx-error.log" >&2
    exit 1
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run_scaled: a server failed to start; see $run_dir" >&2; tail -n 20 "$run_dir"/*.log >&2; exit 1; }
  done
  sleep 1
done
echo "run_scaled: servers did not become ready in 300 s; see $run_dir" >&2
exit 1
