#!/usr/bin/env bash
# Runs inside the loopback-only namespace made by run-tests.sh: start PostgreSQL, run pytest, stop.
set -euo pipefail
ip link set lo up

# Cloud clients probe a metadata address unless told not to; nothing may leave the machine.
export SNOWFLAKE_DISABLE_PLATFORM_DETECTION=true NO_GCE_CHECK=True OTEL_SDK_DISABLED=true
export SQLSYNTH_ACTOR=ci-tests

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGBASE=$(mktemp -d /tmp/sqlsynth-pg.XXXXXX)
PGPORT=55432
chmod 755 "$PGBASE"
chown postgres:postgres "$PGBASE"
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
stop_postgres() {
  as_postgres "$PGBIN/pg_ctl" -D "$PGBASE/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGBASE"
}
trap stop_postgres EXIT

as_postgres "$PGBIN/initdb" -D "$PGBASE/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N \
  >"$PGBASE/initdb.log" 2>&1 || { cat "$PGBASE/initdb.log" >&2; exit 1; }
as_postgres "$PGBIN/pg_ctl" -D "$PGBASE/data" -l "$PGBASE/server.log" -w -t 30 -o \
  "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGBASE -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$PGBASE/server.log" >&2; exit 1; }
as_postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE test" >/dev/null
export TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/test"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT; network: loopback only"

.venv/bin/python -m pytest "$@"
