"""Materialise reviewed SQL into a table, then read it with common-sql like any other table.

`target_table` is the only way NLSQLOperator writes: the reviewed SELECT becomes
`CREATE TABLE ... AS` (or `INSERT INTO` with write_mode="append"). The asset event carries
the spec and SQL hashes, and OpenLineage gets the table as output with column lineage.
"""

from __future__ import annotations

from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
from airflow.sdk import DAG, Asset

from sqlsynth_airflow.operators import NLSQLOperator

REVENUE_REPORT = Asset("sqlsynth_revenue_report")

with DAG(
    "sqlsynth_materialise",
    schedule=None,
    catchup=False,
    tags=["sqlsynth", "example"],
    params={"target_table": "revenue_by_status_report"},
) as dag:
    write_report = NLSQLOperator(
        task_id="revenue_report",
        spec="revenue_by_status",
        conn_id="sqlsynth_shop",
        target_table="{{ params.target_table }}",
        write_mode="replace",
        outlets=[REVENUE_REPORT],
    )
    read_report = SQLExecuteQueryOperator(
        task_id="read_report",
        conn_id="sqlsynth_shop",
        sql="SELECT * FROM {{ params.target_table }} ORDER BY 1",
    )
    write_report >> read_report
