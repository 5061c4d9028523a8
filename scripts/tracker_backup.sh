#!/usr/bin/env bash
# Backup and restore of the scaled deployment's tracker store (PostgreSQL): every conversation.
#
#   bash scripts/tracker_backup.sh backup FILE     # pg_dump of the tracker database into FILE
#   bash scripts/tracker_backup.sh restore FILE    # FILE into a fresh tracker database
#
# A backup may run while the servers answer: pg_dump reads one consistent snapshot, and each
# turn is saved in one transaction, so a backup holds whole turns only. `restore` creates the
# database and restores into it; it refuses a database that already holds a tracker table
# (restore under a new TRACKER_DB_NAME and point the servers at it, or drop the damaged one
# first). Rasa servers pointed at that name continue every conversation as it was in the
# backup, without a restart (README, "Outages, backups and restores").
#
# Settings (environment), as for scripts/run_scaled.sh: TRACKER_DB_HOST (127.0.0.1),
# TRACKER_DB_PORT (5432), TRACKER_DB_NAME (loan_assistant), TRACKER_DB_USER (postgres),
# TRACKER_DB_PASSWORD. Needs PostgreSQL's client tools (pg_dump, pg_restore, psql).
set -euo pipefail
usage() { echo "usage: tracker_backup.sh backup FILE | restore FILE" >&2; exit 2; }
[ $# -eq 2 ] || usage
mode="$1" file="$2"
case "$mode" in backup|restore) ;; *) usage;; esac

export PGHOST="${TRACKER_DB_HOST:-127.0.0.1}" PGPORT="${TRACKER_DB_PORT:-5432}" PGUSER="${TRACKER_DB_USER:-postgres}"
export PGCONNECT_TIMEOUT=10
if [ -n "${TRACKER_DB_PASSWORD:-}" ]; then export PGPASSWORD="$TRACKER_DB_PASSWORD"; fi
db="${TRACKER_DB_NAME:-loan_assistant}"
where="$PGHOST:$PGPORT/$db"
# One value from a query; the database name travels as a psql variable, never spliced into SQL.
query() { printf '%s\n' "$2" | psql -X -q -t -A -v ON_ERROR_STOP=1 -v name="$db" -d "$1"; }

if [ "$mode" = backup ]; then
  # Written beside FILE first: an interrupted backup never leaves a truncated FILE behind.
  pg_dump --format=custom --no-owner --no-privileges --file "$file.partial" "$db"
  mv "$file.partial" "$file"
  echo "tracker_backup: $where backed up to $file ($(stat -c %s "$file") bytes)"
  exit 0
fi

[ -r "$file" ] || { echo "tracker_backup: no backup file $file" >&2; exit 2; }
pg_restore --list "$file" >/dev/null || { echo "tracker_backup: $file is not a pg_dump backup" >&2; exit 2; }
if [ "$(query postgres "SELECT count(*) FROM pg_database WHERE datname = :'name'")" = 0 ]; then
  query postgres "CREATE DATABASE :\"name\"" >/dev/null
elif [ "$(query "$db" "SELECT to_regclass('public.events') IS NOT NULL")" = t ]; then
  echo "tracker_backup: $where already has a tracker table; restore into a fresh database (another" \
       "TRACKER_DB_NAME) or drop this one first" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction -d "$db" "$file"
echo "tracker_backup: $file restored into $where:" \
     "$(query "$db" "SELECT count(DISTINCT sender_id) || ' conversations, ' || count(*) || ' events' FROM events")"
