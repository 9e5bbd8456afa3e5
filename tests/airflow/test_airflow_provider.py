"""sqlsynth as an Airflow provider: discovery, the connection type, the decorator, import cost."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest

import sqlsynth
from sqlsynth_airflow.dialects import dialect_of_connection
from sqlsynth_airflow.hooks import LLMEndpoint, SqlsynthHook


def providers_manager():  # type: ignore[no-untyped-def]
    from airflow.providers_manager import ProvidersManager

    return ProvidersManager()


def test_airflow_discovers_the_provider_through_its_entry_point() -> None:
    provider = providers_manager().providers["sqlsynth"]

    assert provider.version == sqlsynth.__version__
    assert provider.data["name"] == "sqlsynth"
    assert provider.data["description"]


def test_the_sqlsynth_connection_type_is_registered_with_its_hook() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the hooks property warns about its import path
        hook = providers_manager().hooks["sqlsynth"]

    assert hook is not None
    assert hook.hook_class_name == "sqlsynth_airflow.hooks.SqlsynthHook"
    assert hook.connection_id_attribute_name == "sqlsynth_conn_id"


def test_task_nl_sql_is_the_providers_decorator() -> None:
    from airflow.sdk import task

    from sqlsynth_airflow.decorators import nl_sql_task

    assert task.nl_sql is nl_sql_task


def test_a_sqlsynth_connection_names_the_llm_endpoint_and_hides_its_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_LLM",
        json.dumps(
            {
                "conn_type": "sqlsynth",
                "host": "https://llm.internal/v1",
                "password": "sk-secret",
                "extra": {"model": "gpt-4o-mini"},
            }
        ),
    )

    endpoint = SqlsynthHook(sqlsynth_conn_id="llm").get_conn()

    assert endpoint == LLMEndpoint(
        model="gpt-4o-mini", base_url="https://llm.internal/v1", api_key="sk-secret"
    )
    assert "sk-secret" not in repr(endpoint)


@pytest.mark.parametrize(
    ("conn_type", "hook_dialect", "dialect"),
    [
        ("duckdb", None, "duckdb"),
        ("postgres", "postgresql", "postgres"),
        ("sqlite", "sqlite", "sqlite"),
        ("snowflake", None, "snowflake"),
        ("gcpbigquery", None, "bigquery"),
        ("mssql", "mssql", "tsql"),
        ("odbc", "mssql", "tsql"),
        ("odbc", None, None),
    ],
)
def test_connection_types_map_to_sqlglot_dialects(
    conn_type: str, hook_dialect: str | None, dialect: str | None
) -> None:
    assert dialect_of_connection(conn_type, hook_dialect=hook_dialect) == dialect


def test_a_dag_file_importing_the_operator_loads_no_heavy_module() -> None:
    """Airflow re-parses DAG files every 30 s: the core, sqlglot, DuckDB and OpenLineage wait
    until a task runs."""
    probe = (
        "import sys\n"
        "import sqlsynth_airflow.operators, sqlsynth_airflow.decorators\n"
        "heavy = ('sqlglot', 'duckdb', 'openlineage', 'sqlsynth.', 'pydantic_settings')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout

    assert loaded.strip().splitlines()[-1] == "[]"
