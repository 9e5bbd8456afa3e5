"""Shared fixtures: a real DuckDB shop project, the test PostgreSQL and MariaDB servers,
fakesnow and bqemulator on 127.0.0.1, the CLI."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

from sqlsynth.cli import cli

DEMO = Path(__file__).resolve().parent.parent / "demo"


def build_shop_warehouse(path: Path) -> None:
    """The demo's shop warehouse (customers, products, orders, order_items) as a DuckDB file."""
    with duckdb.connect(str(path)) as con:
        con.execute((DEMO / "seed_warehouse.sql").read_text())


@pytest.fixture
def shop_project(tmp_path: Path) -> Path:
    """A copy of the demo project with its warehouse built, ready for `sqlsynth generate`."""
    root = tmp_path / "shop"
    shutil.copytree(DEMO / "project", root)
    build_shop_warehouse(root / "warehouse.duckdb")
    return root


@pytest.fixture
def pg_url() -> str:
    """The PostgreSQL server started by `make test`; a missing server is a failure, not a skip."""
    url = os.environ.get("TEST_PG_URL")
    if not url:
        pytest.fail("TEST_PG_URL is not set: run `make test`, which starts PostgreSQL on 127.0.0.1")
    return url


@pytest.fixture(scope="session")
def mysql_url() -> str:
    """The MariaDB server started by `make test`; a missing server is a failure, not a skip."""
    url = os.environ.get("TEST_MYSQL_URL")
    if not url:
        pytest.fail("TEST_MYSQL_URL is not set: run `make test`, which starts MariaDB on 127.0.0.1")
    return url


@pytest.fixture(scope="session")
def fakesnow_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `snowflake://` URL of fakesnow serving Snowflake's HTTP API to the real connector.

    The password is checked by nobody; it is there to prove it never shows in errors.
    """
    from tests.warehouse_stand_ins import free_port, local_server

    port = free_port()
    log = tmp_path_factory.mktemp("fakesnow") / "server.log"
    command = [sys.executable, "-m", "fakesnow", "-s", "--host", "127.0.0.1", "-p", str(port)]
    with pytest.MonkeyPatch.context() as env:
        # Else the connector probes the cloud metadata address on connect.
        env.setenv("SNOWFLAKE_DISABLE_PLATFORM_DETECTION", "true")
        # fakesnow leaves a folder per connection in the temp dir: keep them in pytest's.
        server_env = {**os.environ, "TMPDIR": str(log.parent)}
        with local_server(command, port, env=server_env, log=log):
            yield (
                "snowflake://sqlsynth:snow-s3cret@fakesnow/shop/public?host=127.0.0.1"
                f"&port={port}&protocol=http&login_timeout=10&network_timeout=20"
            )


@pytest.fixture(scope="session")
def bqemulator_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """bqemulator (BigQuery's REST API) on 127.0.0.1, from the venv `make test` made for it."""
    from tests.warehouse_stand_ins import free_port, local_server

    binary, home = os.environ.get("TEST_BQEMULATOR"), os.environ.get("TEST_BQEMULATOR_HOME")
    if not binary or not home or not Path(binary).is_file():
        pytest.fail(
            "TEST_BQEMULATOR is not set or missing: run `make test`, which installs bqemulator "
            "into .bqemu/ and points TEST_BQEMULATOR at it"
        )
    port = free_port()
    log = tmp_path_factory.mktemp("bqemulator") / "server.log"
    command = [binary, "start", "--rest-host", "127.0.0.1", "--rest-port", str(port)]
    command += ["--grpc-port", "0", "--project", "test-proj", "--log-level", "warning"]
    server_env = {**os.environ, "HOME": home, "OTEL_SDK_DISABLED": "true"}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NO_GCE_CHECK", "True")  # google-auth must not probe the metadata address
        with local_server(command, port, env=server_env, log=log, within=60):
            yield f"http://127.0.0.1:{port}"


CliRun = Callable[..., Result]


@pytest.fixture
def sqlsynth(monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """Run the real `sqlsynth` command line in-process, in a project folder."""
    monkeypatch.setenv("SQLSYNTH_ACTOR", "test-reviewer")
    runner = CliRunner()

    def run(*args: str, cwd: Path, input: str | None = None) -> Result:
        monkeypatch.chdir(cwd)
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run
