"""Ad-hoc questions: SQL generated and validated at run time (development use).

The embedded translator works offline. The result is marked unreviewed in XCom and in the
audit log; to run the same question on a schedule, add it as a spec and approve its SQL.
"""

from __future__ import annotations

from airflow.sdk import DAG

from sqlsynth_airflow.operators import NLSQLOperator

with DAG("sqlsynth_generate", schedule=None, catchup=False, tags=["sqlsynth", "example"]) as dag:
    NLSQLOperator(
        task_id="orders_per_status",
        prompt="Number of orders per status",
        sources=["orders"],
        mode="generate",
        conn_id="sqlsynth_shop",
    )
