#!/usr/bin/env bash
# The scaled deployment on this machine, from Debian's packages: PostgreSQL (tracker store),
# Redis (lock store), RASA_SERVERS Rasa servers and ACTION_SERVERS action servers on
# 127.0.0.1, and our own nginx master in front (config generated under RUN_DIR, free of the
# system's /etc/nginx site). Ctrl-C stops what this script started (not PostgreSQL or Redis).
#
#   RASA_AUTH_TOKEN=$(openssl rand -hex 32) bash scripts/run_scaled.sh
#
# Rolling out a new model without dropping conversations, from a second terminal (same
# environment, same RUN_DIR):
#
#   bash scripts/run_scaled.sh rollout [MODEL]
#
# starts new Rasa servers with MODEL (default: the trained model) against the same stores, waits
# until they answer, points nginx at them (a graceful reload: requests in flight finish on the
# old servers), waits for those requests to drain, then stops the old servers. Conversations
# live in PostgreSQL, so each one simply continues on a new server.
#
# Settings (environment): RASA_AUTH_TOKEN (required: the HTTP API refuses requests without
# it), HOST (nginx listens there, default 127.0.0.1), PUBLIC_PORT (5080), RASA_SERVERS (2),
# ACTION_SERVERS (2), RASA_PORTS / ACTION_PORTS (space-separated, default from 5105 / 5155),
# ACTION_LB_PORT (5150), RUN_DIR (var/scaled), MODEL (default: the trained model), the
# store settings of deploy/endpoints.scaled.yml: TRACKER_DB_HOST/PORT/NAME/USER/PASSWORD,
# LOCK_STORE_HOST/PORT/PASSWORD/DB/KEY_PREFIX, and the per-client limits (README, "Limits"):
# RATE_LIMIT_PER_MINUTE (60 chat messages a minute per client address, sustained; 0 turns the
# limits off), RATE_LIMIT_BURST (20 at once) and RATE_LIMIT_EXEMPT (addresses never limited,
# space separated: a portal back end that talks for many people).
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # no calls home from any Rasa process we start
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mode="${1:-serve}"
case "$mode" in serve|rollout) ;; *) echo "usage: run_scaled.sh [rollout [MODEL]]" >&2; exit 2;; esac

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
# Per-client limits: nginx's (below) and the Rasa servers' own (actions/rate_limit.py, for the
# widget's messages over an open websocket), which learn the client from nginx's X-Forwarded-For.
export RATE_LIMIT_PER_MINUTE="${RATE_LIMIT_PER_MINUTE:-60}" RATE_LIMIT_BURST="${RATE_LIMIT_BURST:-20}"
export RATE_LIMIT_EXEMPT="${RATE_LIMIT_EXEMPT:-}" TRUSTED_PROXIES=127.0.0.1
[[ "$RATE_LIMIT_PER_MINUTE" =~ ^[0-9]+$ && "$RATE_LIMIT_BURST" =~ ^[1-9][0-9]*$ ]] \
  || { echo "run_scaled: RATE_LIMIT_PER_MINUTE must be a whole number (0: no limit), RATE_LIMIT_BURST 1 or more" >&2; exit 2; }

bash scripts/setup_env.sh
model="${2:-${MODEL:-$(bash scripts/train.sh)}}"
[ -f "$model" ] || { echo "run_scaled: no model file $model" >&2; exit 2; }
py="$root/.venv/bin/python"
mkdir -p "$run_dir"

is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }
apt_install() {  # Debian's packages, installed only when missing
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y "$@" >"$run_dir/apt.log" 2>&1 \
    || { apt-get -o DPkg::Lock::Timeout=300 update >>"$run_dir/apt.log" 2>&1 \
         && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y "$@" >>"$run_dir/apt.log" 2>&1; } \
    || { echo "run_scaled: could not install $*; see $run_dir/apt.log" >&2; exit 1; }
}

# nginx's config for the current rasa_ports (written by `serve` and again by `rollout`).
write_nginx_conf() {
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
    # max_fails=3: a dead server refuses connections at once and is skipped after three; one
    # slow answer (a conversation waiting for a dead server's lock) must not take a healthy
    # server out of rotation, as max_fails=1 did in a trial.
    echo "  upstream rasa_servers { least_conn;"
    for p in "${rasa_ports[@]}"; do echo "    server 127.0.0.1:$p max_fails=3 fail_timeout=10s;"; done
    echo "  }"
    echo "  upstream rasa_servers_sticky { hash \$remote_addr consistent;"
    for p in "${rasa_ports[@]}"; do echo "    server 127.0.0.1:$p max_fails=3 fail_timeout=10s;"; done
    echo "  }"
    echo "  upstream action_servers { least_conn;"
    for p in "${action_ports[@]}"; do echo "    server 127.0.0.1:$p max_fails=3 fail_timeout=10s;"; done
    echo "    keepalive 128;"
    echo "  }"
    write_rate_limits
    echo "  server { listen $host:$public_port;"
    echo "    $limits_answer"
    echo "    location /socket.io/ { $socketio_limit include $root/deploy/nginx/socketio_proxy.conf; }"
    echo "    location /webhooks/rest/ { $messages_limit include $root/deploy/nginx/rasa_proxy.conf; }"
    echo "    location / { include $root/deploy/nginx/rasa_proxy.conf; }"
    echo "  }"
    echo "  server { listen 127.0.0.1:$action_lb_port;"
    echo "    location / { include $root/deploy/nginx/action_proxy.conf; }"
    echo "  }"
    echo "}"
  } >"$run_dir/nginx.conf.new"
  "$nginx_bin" -t -q -c "$run_dir/nginx.conf.new" -p "$run_dir" 2>"$run_dir/nginx-check.log" \
    || { echo "run_scaled: generated nginx config is invalid:" >&2; cat "$run_dir/nginx-check.log" >&2; return 1; }
  mv "$run_dir/nginx.conf.new" "$run_dir/nginx.conf"
}

# nginx's per-client limits (deploy/nginx/too_many_requests.conf answers a client over them):
# the REST channel's messages, and the widget's socket.io requests (a handshake and long-polls
# are several requests per message, so five times as many). The Slack routes are signed by
# Slack and come from Slack's few addresses: not limited per address.
write_rate_limits() {
  messages_limit="" socketio_limit="" limits_answer=""
  [ "$RATE_LIMIT_PER_MINUTE" -gt 0 ] || return 0
  echo "  geo \$rate_limit_exempt { default 0;"
  for address in $RATE_LIMIT_EXEMPT; do echo "    $address 1;"; done
  echo "  }"
  echo "  map \$rate_limit_exempt \$rate_limit_client { default \$binary_remote_addr; 1 \"\"; }"
  echo "  limit_req_zone \$rate_limit_client zone=chat_messages:10m rate=${RATE_LIMIT_PER_MINUTE}r/m;"
  echo "  limit_req_zone \$rate_limit_client zone=socketio_requests:10m rate=$((RATE_LIMIT_PER_MINUTE * 5))r/m;"
  # Seconds until a client over the limit may send one more message.
  echo "  map \$rate_limit_client \$rate_limit_retry_after { default $(( (60 + RATE_LIMIT_PER_MINUTE - 1) / RATE_LIMIT_PER_MINUTE )); }"
  echo "  limit_req_status 429;"
  limits_answer="include $root/deploy/nginx/too_many_requests.conf;"
  messages_limit="limit_req zone=chat_messages burst=$RATE_LIMIT_BURST nodelay;"
  socketio_limit="limit_req zone=socketio_requests burst=$((RATE_LIMIT_BURST * 3)) nodelay;"
}

# Rasa server number $1 on port $2; its pid goes to rasa-$1.pid (the serve loop watches those).
start_rasa_server() {
  # A deep listen backlog: under a burst the kernel queues connections instead of dropping them,
  # which nginx would see as connect timeouts and count against a busy but healthy server.
  # Its own per-client limit is a backstop behind nginx's (the widget's websocket messages):
  # twice nginx's burst, so what nginx lets through is never refused again.
  SANIC_BACKLOG="${SANIC_BACKLOG:-1024}" RATE_LIMIT_BURST=$((RATE_LIMIT_BURST * 2)) \
  "$root/.venv/bin/rasa" run --enable-api --auth-token "$RASA_AUTH_TOKEN" -i 127.0.0.1 -p "$2" \
    --model "$model" --endpoints deploy/endpoints.scaled.yml --credentials credentials.yml \
    --cors ${CORS_ORIGINS:-} >"$run_dir/rasa-$1.log" 2>&1 &  # unquoted: space-separated origins; none by default
  echo $! >"$run_dir/rasa-$1.pid"
}
rasa_status() { curl -sf "http://127.0.0.1:$1/status?token=$RASA_AUTH_TOKEN"; }
# What `rollout` needs to know of the running deployment; no secrets (those come from the
# environment again).
save_state() {
  declare -p host public_port action_ports action_lb_port nginx_bin rasa_ports \
    TRACKER_DB_HOST TRACKER_DB_PORT TRACKER_DB_NAME TRACKER_DB_USER \
    LOCK_STORE_HOST LOCK_STORE_PORT LOCK_STORE_DB LOCK_STORE_KEY_PREFIX \
    RATE_LIMIT_PER_MINUTE RATE_LIMIT_BURST RATE_LIMIT_EXEMPT >"$run_dir/scaled.env"
}

if [ "$mode" = rollout ]; then
  # The running deployment's settings: ports, nginx, the stores (passwords and the token come
  # from the environment).
  [ -f "$run_dir/scaled.env" ] || { echo "run_scaled: no running deployment in $run_dir" >&2; exit 2; }
  # shellcheck disable=SC1091
  source "$run_dir/scaled.env"
  export ACTION_ENDPOINT_URL="http://127.0.0.1:$action_lb_port/webhook"
  old_ports=("${rasa_ports[@]}")
  old_pid_files=("$run_dir"/rasa-*.pid)
  last="$(for f in "${old_pid_files[@]}"; do basename "$f" .pid; done | cut -d- -f2 | sort -n | tail -1)"
  if [ -n "${NEW_RASA_PORTS:-}" ]; then read -r -a rasa_ports <<<"$NEW_RASA_PORTS"
  else read -r -a rasa_ports <<<"$("$py" -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "${#old_ports[@]}")"; fi
  new_pid_files=()
  for i in "${!rasa_ports[@]}"; do
    n=$((last + i + 1))
    start_rasa_server "$n" "${rasa_ports[$i]}"
    disown
    new_pid_files+=("$run_dir/rasa-$n.pid")
  done
  abort() {
    echo "run_scaled rollout: $1; the old servers keep serving" >&2
    for f in "${new_pid_files[@]}"; do kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; done
    exit 1
  }
  echo "run_scaled rollout: starting ${#rasa_ports[@]} Rasa servers with $(basename "$model") on ${rasa_ports[*]}" >&2
  for _ in $(seq 1 300); do
    up=0
    for p in "${rasa_ports[@]}"; do rasa_status "$p" | grep -q "\"$(basename "$model")\"" && up=$((up + 1)); done
    [ "$up" -eq "${#rasa_ports[@]}" ] && break
    for f in "${new_pid_files[@]}"; do kill -0 "$(cat "$f")" 2>/dev/null || abort "a new server failed to start (see ${f%.pid}.log)"; done
    sleep 1
  done
  [ "$up" -eq "${#rasa_ports[@]}" ] || abort "the new servers did not answer in 300 s"
  workers_before="$(pgrep -c -P "$(cat "$run_dir/nginx.pid")" || true)"
  write_nginx_conf || abort "nginx config"
  "$nginx_bin" -s reload -c "$run_dir/nginx.conf" -p "$run_dir"
  echo "run_scaled rollout: nginx now sends new requests to ${rasa_ports[*]}; draining ${old_ports[*]}" >&2
  # After a reload the old nginx worker lives until its last request is answered: when only the
  # new workers are left, nothing is in flight on the old servers any more.
  sleep 1
  for _ in $(seq 1 150); do
    [ "$(pgrep -c -P "$(cat "$run_dir/nginx.pid")" || true)" -le "$workers_before" ] && break
    sleep 1
  done
  for f in "${old_pid_files[@]}"; do
    pid="$(cat "$f" 2>/dev/null || true)"; rm -f "$f"
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true  # SIGTERM: Sanic's graceful shutdown
  done
  save_state
  echo "run_scaled rollout: done; $(basename "$model") serves on ${rasa_ports[*]}" >&2
  exit 0
fi

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
if [ -n "${TRACKER_RETENTION_DAYS:-}" ]; then  # conversations idle longer than that are deleted (README)
  "$py" -m actions.retention --endpoints deploy/endpoints.scaled.yml || exit 1
fi
redis_ready || { echo "run_scaled: Redis at $LOCK_STORE_HOST:$LOCK_STORE_PORT is not reachable" >&2; exit 1; }

# --- nginx: installed when missing; our own master with a generated config -----------------
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
mkdir -p "$run_dir/nginx-temp"
write_nginx_conf || exit 1

# --- the servers -----------------------------------------------------------------------------
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for f in "$run_dir"/rasa-*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done  # rolled-out servers
  wait 2>/dev/null || true
  rm -f "$run_dir"/*.pid "$run_dir/scaled.env"
  echo "stopped."
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

for i in "${!action_ports[@]}"; do
  n=$((i + 1))
  SANIC_HOST=127.0.0.1 bash "$root/scripts/action_server.sh" "${action_ports[$i]}" \
    >"$run_dir/actions-$n.log" 2>&1 &
  pids+=($!); echo $! >"$run_dir/actions-$n.pid"
done
for i in "${!rasa_ports[@]}"; do
  start_rasa_server $((i + 1)) "${rasa_ports[$i]}"
  pids+=("$(cat "$run_dir/rasa-$((i + 1)).pid")")
done
"$nginx_bin" -c "$run_dir/nginx.conf" -p "$run_dir" >"$run_dir/nginx.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")

echo "run_scaled: starting $rasa_servers Rasa and $action_servers action servers (logs in $run_dir)..." >&2
ready() {
  local p
  for p in "${action_ports[@]}"; do curl -sf "http://127.0.0.1:$p/health" >/dev/null || return 1; done
  # ready = model loaded and both stores answering (GET /webhooks/ready/, 503 with the reasons until then)
  for p in "${rasa_ports[@]}"; do curl -sf "http://127.0.0.1:$p/webhooks/ready/" >/dev/null || return 1; done
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
    save_state
    echo "READY http://$host:$public_port"  # a line for scripts that drive this one
    # Keep serving while nginx and at least one Rasa server live; losing one server is the
    # failure this shape is built to survive, so it is reported, not fatal.
    reported=" "
    while kill -0 "$nginx_pid" 2>/dev/null; do
      alive=0
      for f in "$run_dir"/rasa-*.pid; do
        pid="$(cat "$f" 2>/dev/null || true)"
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then alive=$((alive + 1));
        elif [ -f "$f" ] && [[ "$reported" != *" $f "* ]]; then
          echo "run_scaled: Rasa server $(basename "$f" .pid) is down; nginx sends its traffic to the others" >&2
          reported+="$f "
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
