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

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

exec unshare -n bash scripts/in-test-namespace.sh "$@"
