#!/usr/bin/env bash
# Runs inside the loopback-only namespace made by run-tests.sh: start PostgreSQL and MariaDB,
# run pytest, stop them. (fakesnow and bqemulator are started by pytest fixtures.)
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

MYBASE=$(mktemp -d /tmp/sqlsynth-mysql.XXXXXX)
MYPORT=53306
chmod 755 "$MYBASE"
chown mysql:mysql "$MYBASE"
stop_mysql() {
  if [ -f "$MYBASE/mysqld.pid" ]; then
    kill "$(cat "$MYBASE/mysqld.pid")" 2>/dev/null || true
    for _ in $(seq 100); do [ -f "$MYBASE/mysqld.pid" ] || break; sleep 0.1; done
  fi
  rm -rf "$MYBASE"
}
trap 'stop_postgres; stop_mysql' EXIT

as_postgres "$PGBIN/initdb" -D "$PGBASE/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N \
  >"$PGBASE/initdb.log" 2>&1 || { cat "$PGBASE/initdb.log" >&2; exit 1; }
as_postgres "$PGBIN/pg_ctl" -D "$PGBASE/data" -l "$PGBASE/server.log" -w -t 30 -o \
  "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGBASE -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$PGBASE/server.log" >&2; exit 1; }
as_postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE test" >/dev/null
export TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/test"

# A throwaway MariaDB: a user with a password, so tests see it kept out of errors.
(cd / && mariadb-install-db --no-defaults --datadir="$MYBASE/data" --user=mysql \
  --auth-root-authentication-method=normal --skip-test-db >"$MYBASE/install.log" 2>&1) \
  || { cat "$MYBASE/install.log" >&2; exit 1; }
cat >"$MYBASE/init.sql" <<'SQL'
CREATE DATABASE test;
CREATE USER 'sqlsynth'@'127.0.0.1' IDENTIFIED BY 'test-secret';
GRANT ALL ON test.* TO 'sqlsynth'@'127.0.0.1';
SQL
chown mysql:mysql "$MYBASE/init.sql"
(cd / && runuser -u mysql -- "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults \
  --datadir="$MYBASE/data" --socket="$MYBASE/mysqld.sock" --pid-file="$MYBASE/mysqld.pid" \
  --port=$MYPORT --bind-address=127.0.0.1 --skip-name-resolve --init-file="$MYBASE/init.sql" \
  --skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=32M \
  --log-error="$MYBASE/error.log" >"$MYBASE/server.out" 2>&1 &)
for _ in $(seq 300); do
  mariadb-admin --no-defaults -S "$MYBASE/mysqld.sock" -u root ping >/dev/null 2>&1 && break
  sleep 0.1
done
mariadb-admin --no-defaults -S "$MYBASE/mysqld.sock" -u root ping >/dev/null 2>&1 \
  || { cat "$MYBASE/error.log" >&2; exit 1; }
export TEST_MYSQL_URL="mysql+pymysql://sqlsynth:test-secret@127.0.0.1:$MYPORT/test"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT," \
  "MariaDB $(mariadb-admin --no-defaults -S "$MYBASE/mysqld.sock" -u root version \
  | awk '/Server version/ {print $3}') on 127.0.0.1:$MYPORT; network: loopback only"

# The fixtures start fakesnow (Snowflake) and bqemulator (BigQuery) on 127.0.0.1 from these.
export TEST_BQEMULATOR="$PWD/.bqemu/bin/bqemulator" TEST_BQEMULATOR_HOME="$PWD/.bqemu/home"
.venv/bin/python -m pytest "$@"
