"""What happens while an ``NLSQLOperator`` task runs, after the SQL is resolved.

Run the SQL through the connection's own ``DbApiHook`` (read, or materialise into a target
table: the only write path), keep a compact result for XCom, and append one audit record per
run. Imported inside ``execute``, so DAG files never pay for it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlsynth.audit import AuditEvent, AuditLog
from sqlsynth.config import Project, load_project
from sqlsynth.errors import ConfigError, SqlsynthError, ValidationError
from sqlsynth_airflow.resolve import ResolvedSQL

if TYPE_CHECKING:
    from sqlsynth_airflow.operators import WriteMode

PROJECT_DIR_ENV = "SQLSYNTH_PROJECT_DIR"
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$")
_FETCH_BATCH = 1000


def task_project(project_dir: str | None) -> Project:
    """The sqlsynth project a task reads specs and the lock from, and audits into."""
    folder = project_dir or os.environ.get(PROJECT_DIR_ENV)
    if not folder:
        raise ConfigError(
            "the task names no sqlsynth project",
            hint=f"pass project_dir= to the operator, or set {PROJECT_DIR_ENV} on the workers",
        )
    return load_project(Path(folder))


def check_table_name(name: str) -> str:
    """``name`` if it is a plain (optionally schema-qualified) table name, safe to write into SQL.

    >>> check_table_name("analytics.revenue_report")
    'analytics.revenue_report'
    """
    if not _TABLE_NAME.match(name):
        raise ConfigError(
            f"target_table {name!r} is not a plain table name",
            hint="use letters, digits and underscores, optionally schema-qualified (schema.table)",
        )
    return name


_CREATE_OR_REPLACE = frozenset({"bigquery", "databricks", "duckdb", "snowflake"})
"""Dialects where ``CREATE OR REPLACE TABLE ... AS`` swaps the table in one statement."""


def materialise_statements(
    sql: str, *, target_table: str, write_mode: WriteMode, dialect: str
) -> list[str]:
    """The statements that write the result of ``sql`` into ``target_table``.

    ``replace`` is one atomic statement where the dialect has ``CREATE OR REPLACE TABLE``;
    elsewhere it drops then creates, in one transaction where the driver opens one for DDL
    (PostgreSQL; SQLite commits each statement).

    >>> materialise_statements("SELECT 1 AS x", target_table="t", write_mode="replace",
    ...                        dialect="postgres")
    ['DROP TABLE IF EXISTS t', 'CREATE TABLE t AS SELECT 1 AS x']
    """
    table = check_table_name(target_table)
    if write_mode == "append":
        return [f"INSERT INTO {table} {sql}"]
    if write_mode == "create":
        return [f"CREATE TABLE {table} AS {sql}"]
    if dialect in _CREATE_OR_REPLACE:
        return [f"CREATE OR REPLACE TABLE {table} AS {sql}"]
    return [f"DROP TABLE IF EXISTS {table}", f"CREATE TABLE {table} AS {sql}"]


def json_safe(value: Any) -> Any:
    """A cell value XCom can store and every UI can show.

    >>> json_safe(decimal.Decimal("12.50")), json_safe(dt.date(2026, 1, 31)), json_safe(b"\\x01")
    (12.5, '2026-01-31', '01')
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID | dt.timedelta):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    return str(value)


@dataclass
class RunOutcome:
    """What running the SQL produced: a row count, the first rows, or a custom handler's result."""

    row_count: int | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    result: Any = None


def _compact_handler(outcome: RunOutcome, max_rows: int) -> Callable[[Any], list[Any]]:
    """A DB-API result handler: keep ``max_rows`` rows, count the rest without keeping them."""

    def handle(cursor: Any) -> list[Any]:
        outcome.columns = [str(column[0]) for column in cursor.description or ()]
        first = cursor.fetchmany(max_rows) if max_rows > 0 else []
        total = len(first)
        while batch := cursor.fetchmany(_FETCH_BATCH):
            total += len(batch)
        outcome.rows = [[json_safe(cell) for cell in row] for row in first]
        outcome.row_count = total
        # DbApiHook passes a handler's result through the hook's own row normalisation; an
        # empty list is the one shape every hook accepts.
        return []

    return handle


def _affected_rows(cursor: Any) -> int | None:
    count = getattr(cursor, "rowcount", -1)
    return count if isinstance(count, int) and count >= 0 else None


def run_query(
    hook: Any, sql: str, *, max_rows: int, handler: Callable[[Any], Any] | None
) -> RunOutcome:
    """Run a read-only query on ``hook``: keep its first ``max_rows`` rows or a handler's result."""
    outcome = RunOutcome()
    if handler is not None:
        outcome.result = json_safe(hook.run(sql, handler=handler))
        return outcome
    hook.run(sql, handler=_compact_handler(outcome, max_rows))
    return outcome


def run_materialise(
    hook: Any, sql: str, *, target_table: str, write_mode: WriteMode, dialect: str
) -> RunOutcome:
    """Write the query's result into ``target_table``; the row count is the rows written."""
    statements = materialise_statements(
        sql, target_table=target_table, write_mode=write_mode, dialect=dialect
    )
    counts = hook.run(statements, handler=_affected_rows, return_last=False)
    written = counts[-1] if isinstance(counts, list) and counts else None
    if written is None and write_mode != "append":
        # e.g. SQLite reports no row count for CREATE TABLE AS; the new table is the count.
        first = hook.get_first(f"SELECT COUNT(*) FROM {target_table}")
        written = int(first[0]) if first else None
    return RunOutcome(row_count=written)


def xcom_payload(
    resolved: ResolvedSQL, outcome: RunOutcome, *, mode: str, target_table: str | None
) -> dict[str, Any]:
    """The task's XCom: a compact result and where its SQL came from (hashes, translator)."""
    payload: dict[str, Any] = {
        "spec": resolved.spec.name,
        "mode": mode,
        "reviewed": resolved.reviewed,
        "reviewed_by": resolved.reviewed_by,
        "translator": resolved.translator,
        "dialect": resolved.dialect,
        "spec_hash": resolved.spec_hash,
        "sql_hash": resolved.sql_hash,
        "row_count": outcome.row_count,
    }
    if target_table is not None:
        payload["target_table"] = target_table
    elif outcome.result is not None:
        payload["result"] = outcome.result
    else:
        payload["columns"] = outcome.columns
        payload["rows"] = outcome.rows
        payload["truncated"] = (outcome.row_count or 0) > len(outcome.rows)
    return payload


class TaskAudit:
    """Appends this task's records to the project's audit log: never secrets, never rows."""

    def __init__(
        self, project: Project, context: Mapping[str, Any], *, mode: str, conn_id: str | None
    ) -> None:
        self.log = AuditLog(project.audit_path)
        ti = context.get("ti") or context.get("task_instance")
        self.where: dict[str, Any] = {
            "mode": mode,
            "conn_id": conn_id,
            "dag_id": getattr(ti, "dag_id", None),
            "task_id": getattr(ti, "task_id", None),
            "run_id": getattr(ti, "run_id", None),
            "try_number": getattr(ti, "try_number", None),
            "map_index": getattr(ti, "map_index", None),
        }

    def record(
        self,
        event: AuditEvent,
        outcome: str,
        *,
        spec: str | None,
        resolved: ResolvedSQL | None = None,
        **details: Any,
    ) -> None:
        self.log.append(
            event,
            outcome=outcome,
            spec=spec,
            spec_hash=resolved.spec_hash if resolved else None,
            sql_hash=resolved.sql_hash if resolved else None,
            translator=resolved.translator if resolved else None,
            details={
                **self.where,
                **({"reviewed": resolved.reviewed} if resolved else {}),
                **{key: value for key, value in details.items() if value is not None},
            },
        )

    def refused(self, event: AuditEvent, spec: str | None, error: SqlsynthError) -> None:
        outcome = "invalid" if isinstance(error, ValidationError) else "refused"
        message = error.message.strip().splitlines()[0]
        self.record(event, outcome, spec=spec, error=message, hint=error.hint)


def first_line(error: BaseException) -> str:
    """The error's first line, for audit records (database messages can be long)."""
    text = str(error).strip()
    line = text.splitlines()[0] if text else ""
    return f"{type(error).__name__}: {line}"[:300]
