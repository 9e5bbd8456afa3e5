"""Run reviewed SQL on a schedule: the demo shop's approved specs on its DuckDB warehouse.

Every task runs only SQL a person approved with `sqlsynth approve`, and fails, naming the
command to run, when the SQL is missing, stale or unapproved. Set on the workers:

    SQLSYNTH_PROJECT_DIR=/path/to/project    # sqlsynth.toml, specs/, models/, sqlsynth.lock
    AIRFLOW_CONN_SQLSYNTH_SHOP='{"conn_type": "duckdb", "host": "/path/to/warehouse.duckdb"}'
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, task

from sqlsynth_airflow.operators import NLSQLOperator

with DAG("sqlsynth_reviewed", schedule=None, catchup=False, tags=["sqlsynth", "example"]) as dag:
    revenue = NLSQLOperator(
        task_id="revenue_by_status", spec="revenue_by_status", conn_id="sqlsynth_shop"
    )
    top_customers = NLSQLOperator(
        task_id="top_customers_by_revenue", spec="top_customers_by_revenue", conn_id="sqlsynth_shop"
    )

    # The TaskFlow form: the function returns the prompt. Reviewed mode runs it only because the
    # project holds the same spec (customers_per_segment in specs/customers.yml), approved.
    @task.nl_sql(conn_id="sqlsynth_shop", sources=["customers"])
    def customers_per_segment() -> str:
        return "Number of customers per segment"

    @task
    def summary(*results: dict[str, Any]) -> list[str]:
        return [f"{r['spec']}: {r['row_count']} rows, SQL {r['sql_hash'][:12]}" for r in results]

    summary(revenue.output, top_customers.output, customers_per_segment())
