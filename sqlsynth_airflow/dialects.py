"""Which sqlglot dialect an Airflow connection speaks.

The connection type decides first (it names the engine exactly); a hook's SQLAlchemy dialect
name is the fallback for connection types this table does not know.

>>> dialect_of_connection("postgres"), dialect_of_connection("gcpbigquery")
('postgres', 'bigquery')
>>> dialect_of_connection("generic", hook_dialect="mssql")
'tsql'
>>> dialect_of_connection("generic") is None
True
"""

from __future__ import annotations

CONN_TYPE_DIALECTS = {
    "athena": "athena",
    "databricks": "databricks",
    "duckdb": "duckdb",
    "gcpbigquery": "bigquery",
    "google_cloud_platform": "bigquery",
    "hive_cli": "hive",
    "hiveserver2": "hive",
    "mssql": "tsql",
    "mysql": "mysql",
    "oracle": "oracle",
    "postgres": "postgres",
    "presto": "presto",
    "redshift": "redshift",
    "snowflake": "snowflake",
    "spark_sql": "spark",
    "sqlite": "sqlite",
    "teradata": "teradata",
    "trino": "trino",
}
"""Airflow connection type → sqlglot dialect."""

SQLALCHEMY_DIALECTS = {
    "duckdb": "duckdb",
    "mssql": "tsql",
    "mysql": "mysql",
    "oracle": "oracle",
    "postgresql": "postgres",
    "redshift": "redshift",
    "snowflake": "snowflake",
    "sqlite": "sqlite",
    "trino": "trino",
}
"""``DbApiHook.dialect_name`` (a SQLAlchemy dialect name) → sqlglot dialect."""


def dialect_of_connection(conn_type: str | None, *, hook_dialect: str | None = None) -> str | None:
    """The sqlglot dialect for a connection, or None when neither name is known."""
    if conn_type and conn_type in CONN_TYPE_DIALECTS:
        return CONN_TYPE_DIALECTS[conn_type]
    if hook_dialect:
        return SQLALCHEMY_DIALECTS.get(hook_dialect.lower())
    return None
