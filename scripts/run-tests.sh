#!/usr/bin/env bash
# `make test`: lint, then the whole suite in a network namespace that has only loopback, next
# to a throwaway PostgreSQL server on 127.0.0.1. Any outbound connection fails loudly there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "make test needs root: it creates a loopback-only network namespace (unshare -n) and" >&2
  echo "starts PostgreSQL as the 'postgres' user. Run it as root (CI does), e.g. in a container." >&2
  exit 2
fi

# Debian's PostgreSQL only when its binaries are absent.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "installing Debian's postgresql (its binaries are absent)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# Debian's Chromium renders the review report headless (tests/test_review_report.py).
command -v chromium >/dev/null || {
  echo "installing Debian's chromium (it is absent)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

# Debian's MariaDB only when its server is absent (MySQL tests run against it).
if ! command -v mariadbd >/dev/null 2>&1 && ! [ -x /usr/sbin/mariadbd ]; then
  echo "installing Debian's mariadb-server (its binaries are absent)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null
fi

# BigQuery's stand-in, bqemulator, pins other sqlglot and duckdb versions than sqlsynth, so it
# lives in a venv of its own, reinstalled only when its pins change. It must not fetch DuckDB
# extensions at start-up (no network in the namespace), so they are installed here from the
# wheels into a HOME of its own, which the test fixture starts it with.
BQEMU=.bqemu
if [ ! -f "$BQEMU/.installed-stamp" ] || [ scripts/bqemulator-requirements.txt -nt "$BQEMU/.installed-stamp" ]; then
  echo "installing bqemulator into $BQEMU/ (BigQuery's test stand-in)"
  rm -rf "$BQEMU"
  .venv/bin/python -m venv "$BQEMU"  # the same interpreter as sqlsynth's venv
  "$BQEMU/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r scripts/bqemulator-requirements.txt
  mkdir -p "$BQEMU/home"
  HOME="$PWD/$BQEMU/home" "$BQEMU/bin/python" - <<'PY'
import pathlib

import duckdb
import duckdb_extension_avro
import duckdb_extension_spatial

con = duckdb.connect()
for module, name in ((duckdb_extension_spatial, "spatial"), (duckdb_extension_avro, "avro")):
    folder = pathlib.Path(module.__file__).parent
    con.execute(f"INSTALL '{next(folder.glob(f'extensions/v*/{name}.duckdb_extension'))}'")
PY
  touch "$BQEMU/.installed-stamp"
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

exec unshare -n bash scripts/in-test-namespace.sh "$@"
