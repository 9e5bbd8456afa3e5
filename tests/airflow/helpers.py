"""What the Airflow tests read back: XComs, task states, OpenLineage events, audit records.

Airflow is imported inside the functions: ``conftest.py`` configures it before first import.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPENLINEAGE_EVENTS_FILE = "openlineage-events.jsonl"
"""OpenLineage's file transport appends every event to this file in AIRFLOW_HOME."""


@dataclass(frozen=True)
class Shop:
    """A sqlsynth project whose specs are generated and approved, and its Airflow connection."""

    root: Path
    conn_id: str
    dialect: str
    connection: dict[str, Any]

    @property
    def audit_records(self) -> list[dict[str, Any]]:
        path = self.root / "audit" / "sqlsynth-audit.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` read straight from the warehouse, bypassing Airflow and sqlsynth."""
        if self.dialect == "duckdb":
            import duckdb

            with duckdb.connect(self.connection["host"], read_only=True) as con:
                return [tuple(row) for row in con.execute(sql).fetchall()]
        import psycopg

        c = self.connection
        with psycopg.connect(
            host=c["host"],
            port=c["port"],
            user=c["login"],
            password=c["password"],
            dbname=c["schema"],
        ) as con:
            return [tuple(row) for row in con.execute(sql).fetchall()]

    def reviewed_sql(self, name: str) -> str:
        """The approved SQL of spec ``name``, as the core resolves it."""
        from sqlsynth.config import load_project
        from sqlsynth.pipeline import reviewed_sql
        from sqlsynth.spec import load_specs

        project = load_project(self.root)
        spec = next(s for s in load_specs(project.specs_dir) if s.name == name)
        return reviewed_sql(project, spec)[0]


def xcom(dag_run: Any, task_id: str) -> Any:
    """The return value a task of ``dag_run`` pushed to XCom."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        row = session.scalar(
            select(XComModel).where(
                XComModel.dag_id == dag_run.dag_id,
                XComModel.run_id == dag_run.run_id,
                XComModel.task_id == task_id,
                XComModel.key == "return_value",
            )
        )
        return XComModel.deserialize_value(row) if row is not None else None


def task_states(dag_run: Any) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}


def openlineage_events(run_id: str, task_id: str) -> list[dict[str, Any]]:
    """The events the OpenLineage provider emitted for one task of one DAG run."""
    path = Path(os.environ["AIRFLOW_HOME"]) / OPENLINEAGE_EVENTS_FILE
    if not path.exists():
        return []
    events = [json.loads(line) for line in path.read_text().splitlines()]
    return [
        event
        for event in events
        if event["run"]["facets"].get("airflow", {}).get("dagRun", {}).get("run_id") == run_id
        and event["job"]["name"].endswith(f".{task_id}")
    ]
