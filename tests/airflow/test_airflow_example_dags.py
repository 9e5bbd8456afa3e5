"""The example DAGs, run for real with ``dag.test()`` on DuckDB and on the test PostgreSQL."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.airflow.conftest import EXAMPLE_DAGS
from tests.airflow.helpers import Shop, openlineage_events, task_states, xcom

WAREHOUSES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=WAREHOUSES)
def shop(request: pytest.FixtureRequest) -> Shop:
    """The approved demo shop on each warehouse the DAGs are tested against."""
    found: Shop = request.getfixturevalue(f"{request.param}_shop")
    return found


def unique_table() -> str:
    return f"revenue_report_{uuid.uuid4().hex[:10]}"


def test_example_dags_import_without_errors() -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(EXAMPLE_DAGS))

    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {"sqlsynth_reviewed", "sqlsynth_generate", "sqlsynth_materialise"}


def test_reviewed_dag_runs_the_approved_sql_of_every_spec(shop: Shop) -> None:
    from sqlsynth_reviewed import dag

    run = dag.test()

    assert run.state == "success", task_states(run)
    revenue = xcom(run, "revenue_by_status")
    expected = shop.query(shop.reviewed_sql("revenue_by_status"))
    assert revenue["reviewed"] is True
    assert revenue["reviewed_by"] == "test-reviewer"
    assert revenue["dialect"] == shop.dialect
    assert revenue["row_count"] == len(expected) == 4
    assert sorted(map(tuple, revenue["rows"])) == sorted(
        (status, float(total) if isinstance(total, Decimal) else total)
        for status, total in expected
    )
    assert xcom(run, "customers_per_segment")["row_count"] == 3
    assert len(xcom(run, "summary")) == 3


def test_generate_dag_runs_sql_generated_at_run_time_marked_unreviewed(shop: Shop) -> None:
    from sqlsynth_generate import dag

    run = dag.test()

    assert run.state == "success", task_states(run)
    result = xcom(run, "orders_per_status")
    assert result["reviewed"] is False
    assert result["mode"] == "generate"
    assert result["columns"] == ["status", "order_count"]
    assert sum(count for _, count in result["rows"]) == 400
    generated = [r for r in shop.audit_records if r["details"].get("run_id") == run.run_id]
    assert [(r["event"], r["outcome"], r["details"]["reviewed"]) for r in generated] == [
        ("generate", "ok", False),
        ("run", "ok", False),
    ]


def test_materialise_dag_writes_the_reviewed_result_into_the_target_table(shop: Shop) -> None:
    from sqlsynth_materialise import dag

    table = unique_table()
    run = dag.test(run_conf={"target_table": table})

    assert run.state == "success", task_states(run)
    assert xcom(run, "revenue_report")["target_table"] == table
    assert xcom(run, "revenue_report")["row_count"] == 4
    written = shop.query(f"SELECT * FROM {table} ORDER BY 1")
    assert written == sorted(shop.query(shop.reviewed_sql("revenue_by_status")))
    assert len(xcom(run, "read_report")) == 4


def test_reviewed_dag_refuses_sql_edited_after_approval(duckdb_shop: Shop) -> None:
    from sqlsynth_reviewed import dag

    model = duckdb_shop.root / "models" / "revenue_by_status.sql"
    model.write_text(model.read_text().replace("SUM(amount)", "MAX(amount)"))

    run = dag.test()

    states = task_states(run)
    assert states["revenue_by_status"] == "failed"
    assert states["customers_per_segment"] == "success"
    assert states["summary"] == "upstream_failed"
    refused = duckdb_shop.audit_records[-3:]
    assert any(r["spec"] == "revenue_by_status" and r["outcome"] == "refused" for r in refused), (
        refused
    )


def test_materialised_asset_event_carries_the_spec_and_sql_hashes(duckdb_shop: Shop) -> None:
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import select
    from sqlsynth_materialise import dag

    run = dag.test(run_conf={"target_table": unique_table()})

    with create_session() as session:
        event = session.scalars(
            select(AssetEvent).where(AssetEvent.source_run_id == run.run_id)
        ).one()
        extra = dict(event.extra)
    result = xcom(run, "revenue_report")
    assert extra["sqlsynth_spec"] == "revenue_by_status"
    assert extra["spec_hash"] == result["spec_hash"]
    assert extra["sql_hash"] == result["sql_hash"]
    assert extra["reviewed"] is True


def test_openlineage_complete_event_has_sql_inputs_output_and_column_lineage(shop: Shop) -> None:
    from sqlsynth_materialise import dag

    table = unique_table()
    run = dag.test(run_conf={"target_table": table})

    complete = [
        e for e in openlineage_events(run.run_id, "revenue_report") if e["eventType"] == "COMPLETE"
    ]
    assert len(complete) == 1
    event = complete[0]
    assert f"TABLE {table} AS SELECT" in event["job"]["facets"]["sql"]["query"]
    if shop.dialect == "postgres":
        c = shop.connection
        namespace = f"postgres://{c['host']}:{c['port']}"
        orders, output = f"{c['schema']}.public.orders", f"{c['schema']}.public.{table}"
    else:
        namespace = f"duckdb://{shop.connection['host']}"
        orders, output = "orders", table
    assert [(d["namespace"], d["name"]) for d in event["inputs"]] == [(namespace, orders)]
    [written] = event["outputs"]
    assert (written["namespace"], written["name"]) == (namespace, output)
    fields = written["facets"]["columnLineage"]["fields"]
    assert {
        column: [(f["name"], f["field"]) for f in spec["inputFields"]]
        for column, spec in fields.items()
    } == {
        "status": [(orders, "status")],
        "total_amount": [(orders, "amount")],
    }


def test_openlineage_event_of_a_reading_task_has_the_sql_and_its_inputs(duckdb_shop: Shop) -> None:
    from sqlsynth_reviewed import dag

    run = dag.test()

    [event] = [
        e
        for e in openlineage_events(run.run_id, "top_customers_by_revenue")
        if e["eventType"] == "COMPLETE"
    ]
    assert event["job"]["facets"]["sql"]["query"] == duckdb_shop.reviewed_sql(
        "top_customers_by_revenue"
    )
    assert sorted(d["name"] for d in event["inputs"]) == ["customers", "orders"]
    assert event["outputs"] == []
