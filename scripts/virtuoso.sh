#!/usr/bin/env bash
# Debian's Virtuoso on 127.0.0.1, for `tnmt-kg push` and `tnmt-kg serve --endpoint`.
#
#   scripts/virtuoso.sh start    write var/virtuoso/virtuoso.ini, start the server, print its endpoint
#   scripts/virtuoso.sh status   say whether it runs (exit 0 if it does, 3 if not)
#   scripts/virtuoso.sh stop     stop it
#
# Environment: VIRTUOSO_HTTP_PORT (default 8890), VIRTUOSO_SQL_PORT (default 1111), VAR_DIR (default
# the repository's var/; the database goes to $VAR_DIR/virtuoso). The server listens on 127.0.0.1
# only. Its `dba` user (password `dba` in a new database) may update through the authenticated
# endpoints, with HTTP Digest: /sparql-auth (SPARQL query and update) and /sparql-graph-crud-auth
# (Graph Store Protocol); the anonymous /sparql answers queries only. Install the server with
# `make services` (Debian's virtuoso-opensource-7-bin).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="${VAR_DIR:-$ROOT/var}"
DB="$VAR_DIR/virtuoso"
HTTP_PORT="${VIRTUOSO_HTTP_PORT:-8890}"
SQL_PORT="${VIRTUOSO_SQL_PORT:-1111}"
PID_FILE="$DB/virtuoso.pid"
ENDPOINT="http://127.0.0.1:$HTTP_PORT/sparql"

running_pid() {
  # The pid of our server if it still runs (the pid file may outlive a crash or a reboot).
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

answers() {
  # The SPARQL endpoint answers an ASK.
  local url="$ENDPOINT?query=ASK%7B%7D"
  if command -v curl >/dev/null 2>&1; then
    curl -sf -o /dev/null --max-time 2 "$url"
  else
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url" 2>/dev/null
  fi
}

write_ini() {
  # The shape of tests/test_virtuoso.py's; Debian's defaults elsewhere.
  cat >"$DB/virtuoso.ini" <<EOF
; written by scripts/virtuoso.sh on every start: edit the script, not this file
[Database]
DatabaseFile = $DB/virtuoso.db
ErrorLogFile = $DB/virtuoso.log
LockFile = $DB/virtuoso.lck
TransactionFile = $DB/virtuoso.trx
xa_persistent_file = $DB/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = $DB/virtuoso-temp.db
TransactionFile = $DB/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:$SQL_PORT
DisableUnixSocket = 1
DirsAllowed = ., $DB/load
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CaseMode = 2
ThreadsPerQuery = 2
MaxClientConnections = 8

[HTTPServer]
ServerPort = 127.0.0.1:$HTTP_PORT
ServerRoot = $DB
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 30
EOF
}

start() {
  if pid="$(running_pid)"; then
    echo "virtuoso already runs (pid $pid)" >&2
    echo "$ENDPOINT"
    return 0
  fi
  local server
  server="$(command -v virtuoso-t || true)"
  if [[ -z "$server" ]]; then
    echo "error: virtuoso-t not found: install Debian's virtuoso-opensource-7-bin (make services)" >&2
    return 2
  fi
  mkdir -p "$DB/load"
  write_ini
  # In the foreground of a session of its own, so the pid we keep is the server's.
  (cd "$DB" && exec setsid "$server" +configfile "$DB/virtuoso.ini" +foreground \
     >>"$DB/virtuoso.out" 2>&1 </dev/null) &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 240); do
    if ! running_pid >/dev/null; then
      echo "error: virtuoso exited at start-up; see $DB/virtuoso.log and $DB/virtuoso.out" >&2
      tail -n 5 "$DB/virtuoso.log" >&2 2>/dev/null || true
      rm -f "$PID_FILE"
      return 1
    fi
    if answers; then
      echo "virtuoso runs (pid $(cat "$PID_FILE"), database $DB); update as dba at" \
           "http://127.0.0.1:$HTTP_PORT/sparql-auth and http://127.0.0.1:$HTTP_PORT/sparql-graph-crud-auth" >&2
      echo "$ENDPOINT"
      return 0
    fi
    sleep 0.25
  done
  echo "error: virtuoso did not answer at $ENDPOINT within 60 s; stopping it" >&2
  stop >/dev/null
  return 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "virtuoso is not running"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; echo "virtuoso stopped"; return 0; }
    sleep 0.25
  done
  echo "virtuoso did not stop in 30 s: killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  echo "virtuoso stopped"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    if answers; then
      echo "virtuoso runs (pid $pid): $ENDPOINT"
    else
      echo "virtuoso runs (pid $pid) but $ENDPOINT does not answer (yet)"
    fi
    return 0
  fi
  echo "virtuoso is not running"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
