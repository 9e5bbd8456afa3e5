"""Real Airflow for the tests in this folder, set up once per test run.

Airflow reads its configuration when it is first imported, so this module sets it up at import
time, before any test imports Airflow: a temporary AIRFLOW_HOME with a SQLite metadata DB,
``example_dags/`` as the DAGs folder (``dag.test()`` runs only DAGs it can find there), and
OpenLineage events written to a file the tests read. Connections come from
``AIRFLOW_CONN_*`` variables set per test. Nothing here reaches the network.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.airflow.helpers import OPENLINEAGE_EVENTS_FILE, Shop
from tests.conftest import DEMO, build_shop_warehouse

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DAGS = REPO / "example_dags"

AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="sqlsynth-airflow-tests-"))
atexit.register(shutil.rmtree, AIRFLOW_HOME, ignore_errors=True)
SHOP_CONN_ID = "sqlsynth_shop"

os.environ.update(
    {
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLE_DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(
            {
                "type": "file",
                "log_file_path": str(AIRFLOW_HOME / OPENLINEAGE_EVENTS_FILE),
                "append": True,
            }
        ),
        "AIRFLOW__OPENLINEAGE__NAMESPACE": "sqlsynth-tests",
    }
)
sys.path.insert(0, str(EXAMPLE_DAGS))


@pytest.fixture(scope="session", autouse=True)
def airflow_db() -> None:
    """A fresh metadata DB, once per run (about 2 s); later ``dag.test()`` calls reuse it."""
    from airflow.utils.db import resetdb

    resetdb()


def generate_and_approve(root: Path) -> None:
    """What a developer does before deploying: `sqlsynth generate` then `sqlsynth approve --all`."""
    from sqlsynth import pipeline
    from sqlsynth.config import load_project
    from sqlsynth.spec import load_specs
    from sqlsynth.translate import get_translator

    project = load_project(root)
    specs = load_specs(project.specs_dir)
    catalog = pipeline.project_catalog(project)
    result = pipeline.generate(
        project, specs, catalog=catalog, translator=get_translator("embedded")
    )
    assert not result.failed, result.failed
    pipeline.approve(project, specs, reviewer="test-reviewer", catalog=catalog)


@pytest.fixture(scope="session")
def duckdb_shop_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("duckdb-shop") / "shop"
    shutil.copytree(DEMO / "project", root)
    build_shop_warehouse(root / "warehouse.duckdb")
    generate_and_approve(root)
    return root


def _use(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> Shop:
    monkeypatch.setenv("SQLSYNTH_PROJECT_DIR", str(shop.root))
    monkeypatch.setenv("SQLSYNTH_ACTOR", "airflow-tests")
    monkeypatch.setenv(f"AIRFLOW_CONN_{shop.conn_id.upper()}", json.dumps(shop.connection))
    return shop


@pytest.fixture
def duckdb_shop(
    duckdb_shop_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Shop:
    """The demo shop on DuckDB, approved, as the project and connection the DAGs use."""
    root = tmp_path / "shop"
    shutil.copytree(duckdb_shop_template, root)
    connection = {"conn_type": "duckdb", "host": str(root / "warehouse.duckdb")}
    return _use(Shop(root, SHOP_CONN_ID, "duckdb", connection), monkeypatch)


def _seed_statements() -> list[str]:
    """The demo seed's CREATE TABLE and COMMENT statements (the data comes from DuckDB)."""
    ddl = (DEMO / "seed_warehouse.sql").read_text().split("INSERT INTO")[0]
    lines = [line for line in ddl.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@pytest.fixture(scope="session")
def postgres_shop_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo shop in a database of its own on the test server, generated and approved there."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = os.environ.get("TEST_PG_URL")
    if not url:
        pytest.fail("TEST_PG_URL is not set: run `make test`, which starts PostgreSQL on 127.0.0.1")
    server = make_url(url)
    database = f"sqlsynth_airflow_{uuid.uuid4().hex[:10]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {database}")
    shop_url = server.set(database=database)
    try:
        source = tmp_path_factory.mktemp("shop-data") / "shop.duckdb"
        build_shop_warehouse(source)
        target = shop_url.set(drivername="postgresql").render_as_string(hide_password=False)
        with duckdb.connect(str(source), read_only=True) as rows, psycopg.connect(target) as con:
            for statement in _seed_statements():
                con.execute(statement)
            for table in ("customers", "products", "orders", "order_items"):
                data = rows.execute(f"SELECT * FROM {table}").fetchall()
                marks = ", ".join(["%s"] * len(data[0]))
                with con.cursor() as cursor:
                    cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", data)
        root = tmp_path_factory.mktemp("postgres-shop") / "shop"
        shutil.copytree(DEMO / "project", root)
        config = root / "sqlsynth.toml"
        warehouse = shop_url.render_as_string(hide_password=False)
        config.write_text(
            config.read_text().replace(
                'warehouse = "warehouse.duckdb"', f'warehouse = "{warehouse}"'
            )
        )
        generate_and_approve(root)
        yield root
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def postgres_shop(
    postgres_shop_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Shop:
    """The demo shop on the test PostgreSQL server, approved: the DAGs' project and connection."""
    from sqlalchemy.engine import make_url

    root = tmp_path / "shop"
    shutil.copytree(postgres_shop_template, root)
    text = (root / "sqlsynth.toml").read_text()
    url = make_url(text.split('warehouse = "')[1].split('"')[0])
    connection = {
        "conn_type": "postgres",
        "host": url.host,
        "port": url.port,
        "login": url.username,
        "password": url.password or "",
        "schema": url.database,
    }
    return _use(Shop(root, SHOP_CONN_ID, "postgres", connection), monkeypatch)
