"""Shared fixtures: a real DuckDB shop project, the test PostgreSQL server, the CLI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
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
