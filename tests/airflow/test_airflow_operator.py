"""NLSQLOperator's behaviour, one rule per test: real operator, real connections, real core.

These call ``execute()`` directly, Airflow's fastest honest path for an operator (the example
DAG tests cover ``dag.test()``), so the exception a task fails with can be read in full.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from sqlsynth_airflow.operators import NLSQLOperator
from tests.airflow.helpers import Shop
from tests.llm_server import answer, scripted_llm


def context_for(operator: NLSQLOperator) -> dict[str, Any]:
    """The parts of an Airflow task context the operator reads."""
    ti = SimpleNamespace(
        id=uuid.uuid4(),
        dag_id="nl_sql_tests",
        task_id=operator.task_id,
        run_id="manual__tests",
        try_number=1,
        map_index=-1,
    )
    return {"ti": ti, "task_instance": ti}


def run(operator: NLSQLOperator) -> Any:
    return operator.execute(context_for(operator))


def refusal(operator: NLSQLOperator) -> str:
    with pytest.raises(AirflowFailException) as raised:
        run(operator)
    return str(raised.value)


def reviewed_task(shop: Shop, **kwargs: Any) -> NLSQLOperator:
    kwargs.setdefault("spec", "revenue_by_status")
    return NLSQLOperator(task_id="revenue", conn_id=shop.conn_id, **kwargs)


def set_review(shop: Shop, name: str, review: dict[str, Any] | None) -> None:
    lock_path = shop.root / "sqlsynth.lock"
    lock = json.loads(lock_path.read_text())
    lock["models"][name]["review"] = review
    lock_path.write_text(json.dumps(lock, indent=2))


def add_spec(shop: Shop, text: str) -> None:
    (shop.root / "specs" / "airflow.yml").write_text(text)


# Reviewed mode: only approved SQL runs.


def test_reviewed_mode_runs_the_approved_sql_and_reports_where_it_came_from(
    duckdb_shop: Shop,
) -> None:
    result = run(reviewed_task(duckdb_shop))

    assert result["reviewed"] is True
    assert result["reviewed_by"] == "test-reviewer"
    assert result["translator"] == "embedded"
    assert len(result["spec_hash"]) == len(result["sql_hash"]) == 64
    assert result["row_count"] == 4
    assert result["columns"] == ["status", "total_amount"]


def test_unapproved_sql_is_refused_naming_the_approve_command(duckdb_shop: Shop) -> None:
    set_review(duckdb_shop, "revenue_by_status", None)

    message = refusal(reviewed_task(duckdb_shop))

    assert "revenue_by_status: generated but not approved; refusing to run it" in message
    assert "hint: sqlsynth approve revenue_by_status" in message


def test_sql_edited_after_approval_is_refused(duckdb_shop: Shop) -> None:
    model = duckdb_shop.root / "models" / "revenue_by_status.sql"
    model.write_text(model.read_text().replace("SUM(amount)", "MAX(amount)"))

    message = refusal(reviewed_task(duckdb_shop))

    assert "was edited after test-reviewer approved it" in message
    assert "sqlsynth approve revenue_by_status" in message


def test_spec_changed_after_generation_is_refused(duckdb_shop: Shop) -> None:
    specs = duckdb_shop.root / "specs" / "orders.yml"
    specs.write_text(specs.read_text().replace("for each status", "per status"))

    message = refusal(reviewed_task(duckdb_shop))

    assert "the spec changed after the SQL was generated" in message
    assert "sqlsynth generate revenue_by_status" in message


def test_spec_never_generated_is_refused_naming_generate_and_approve(duckdb_shop: Shop) -> None:
    add_spec(duckdb_shop, "name: order_count\nprompt: How many orders are there?\n")

    message = refusal(reviewed_task(duckdb_shop, spec="order_count"))

    assert "order_count: no SQL generated yet" in message
    assert "sqlsynth generate order_count && sqlsynth approve order_count" in message


def test_unknown_spec_name_is_refused_with_the_nearest_name(duckdb_shop: Shop) -> None:
    message = refusal(reviewed_task(duckdb_shop, spec="revenue_by_stat"))

    assert "no spec named 'revenue_by_stat'" in message
    assert "did you mean 'revenue_by_status'?" in message


def test_sql_reviewed_for_another_dialect_is_refused(
    duckdb_shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_SHOP_SQLITE",
        json.dumps({"conn_type": "sqlite", "host": str(tmp_path / "shop.sqlite")}),
    )

    message = refusal(NLSQLOperator(task_id="t", conn_id="shop_sqlite", spec="revenue_by_status"))

    assert "written for duckdb, but the connection speaks sqlite" in message


def test_task_without_a_project_is_refused_naming_the_setting(
    duckdb_shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SQLSYNTH_PROJECT_DIR")

    message = refusal(reviewed_task(duckdb_shop))

    assert "names no sqlsynth project" in message
    assert "project_dir=" in message and "SQLSYNTH_PROJECT_DIR" in message


def test_project_dir_argument_wins_over_the_environment(
    duckdb_shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SQLSYNTH_PROJECT_DIR", "/nonexistent")

    result = run(reviewed_task(duckdb_shop, project_dir=str(duckdb_shop.root)))

    assert result["row_count"] == 4


def test_a_refusal_is_audited_with_the_task_that_was_refused(duckdb_shop: Shop) -> None:
    set_review(duckdb_shop, "revenue_by_status", None)
    refusal(reviewed_task(duckdb_shop))

    record = duckdb_shop.audit_records[-1]

    assert (record["event"], record["outcome"], record["spec"]) == (
        "run",
        "refused",
        "revenue_by_status",
    )
    assert record["details"]["task_id"] == "revenue"
    assert record["details"]["error"].startswith("revenue_by_status: generated but not approved")


def test_every_run_is_audited_without_rows_or_connection_details(duckdb_shop: Shop) -> None:
    result = run(NLSQLOperator(task_id="crm", conn_id=duckdb_shop.conn_id, spec="german_customers"))

    record = duckdb_shop.audit_records[-1]
    assert (record["event"], record["outcome"]) == ("run", "ok")
    assert record["sql_hash"] == result["sql_hash"]
    assert record["details"]["row_count"] == result["row_count"] > 0
    audit_text = (duckdb_shop.root / "audit" / "sqlsynth-audit.jsonl").read_text()
    assert not re.search(r"customer\d+@example\.com", audit_text)  # no result rows
    assert "warehouse.duckdb" not in audit_text


# Inline prompts: reviewed mode runs them only when the project holds the same spec, approved.


def test_inline_prompt_matching_an_approved_spec_runs(duckdb_shop: Shop) -> None:
    task = NLSQLOperator(
        task_id="customers_per_segment",
        conn_id=duckdb_shop.conn_id,
        prompt="Number of customers per segment",
        sources=["customers"],
    )

    assert run(task)["row_count"] == 3


def test_inline_prompt_without_a_spec_is_refused_showing_the_spec_to_add(
    duckdb_shop: Shop,
) -> None:
    task = NLSQLOperator(
        task_id="average_order_amount",
        conn_id=duckdb_shop.conn_id,
        prompt="Average amount of orders per status",
        sources=["orders"],
    )

    message = refusal(task)

    assert "average_order_amount: no reviewed SQL for this task's prompt" in message
    assert (
        "specs:\n"
        "- name: average_order_amount\n"
        "  prompt: Average amount of orders per status\n"
        "  sources: [orders]\n"
    ) in message
    assert (
        "sqlsynth generate average_order_amount && sqlsynth approve average_order_amount" in message
    )


def test_the_spec_shown_in_the_refusal_makes_the_task_runnable_once_approved(
    duckdb_shop: Shop,
) -> None:
    from tests.airflow.conftest import generate_and_approve

    task = NLSQLOperator(
        task_id="average_order_amount",
        conn_id=duckdb_shop.conn_id,
        prompt="Average amount of orders per status",
        sources=["orders"],
    )
    message = refusal(task)
    add_spec(duckdb_shop, message.split("\n\n")[1])
    generate_and_approve(duckdb_shop.root)

    assert run(task)["row_count"] == 4


def test_inline_prompt_differing_from_the_project_spec_is_refused(duckdb_shop: Shop) -> None:
    task = NLSQLOperator(
        task_id="customers_per_segment",
        conn_id=duckdb_shop.conn_id,
        prompt="Number of customers in each segment",
        sources=["customers"],
    )

    message = refusal(task)

    assert "this task's prompt or sources differ from spec 'customers_per_segment'" in message
    assert "prompt: Number of customers in each segment" in message


# Results: a compact XCom, or a table.


def test_xcom_keeps_at_most_max_rows_rows_and_counts_them_all(duckdb_shop: Shop) -> None:
    result = run(reviewed_task(duckdb_shop, spec="german_customers", max_rows=2))

    assert len(result["rows"]) == 2
    assert result["row_count"] == 10
    assert result["truncated"] is True
    assert result["columns"] == ["name", "email"]


def test_a_custom_handler_result_goes_to_xcom_instead_of_rows(duckdb_shop: Shop) -> None:
    from airflow.providers.common.sql.hooks.handlers import fetch_one_handler

    result = run(reviewed_task(duckdb_shop, spec="customer_count", handler=fetch_one_handler))

    assert result["result"] == [60]
    assert "rows" not in result


def test_no_xcom_when_xcom_push_is_off(duckdb_shop: Shop) -> None:
    assert run(reviewed_task(duckdb_shop, do_xcom_push=False)) is None


def test_target_table_receives_the_result_with_create_table_as(duckdb_shop: Shop) -> None:
    result = run(reviewed_task(duckdb_shop, target_table="revenue_report"))

    assert result["target_table"] == "revenue_report"
    assert result["row_count"] == 4
    assert "rows" not in result
    assert len(duckdb_shop.query("SELECT * FROM revenue_report")) == 4


def test_create_refuses_to_overwrite_an_existing_table_and_audits_the_failure(
    duckdb_shop: Shop,
) -> None:
    run(reviewed_task(duckdb_shop, target_table="revenue_report"))

    with pytest.raises(Exception, match="revenue_report"):
        run(reviewed_task(duckdb_shop, target_table="revenue_report"))

    record = duckdb_shop.audit_records[-1]
    assert (record["event"], record["outcome"]) == ("run", "failed")
    assert record["details"]["target_table"] == "revenue_report"


def test_replace_rewrites_the_target_table(duckdb_shop: Shop) -> None:
    run(reviewed_task(duckdb_shop, target_table="revenue_report"))

    result = run(reviewed_task(duckdb_shop, target_table="revenue_report", write_mode="replace"))

    assert result["row_count"] == 4
    assert len(duckdb_shop.query("SELECT * FROM revenue_report")) == 4


def test_a_failed_replace_keeps_the_previous_table(duckdb_shop: Shop) -> None:
    run(reviewed_task(duckdb_shop, target_table="revenue_report"))
    with duckdb.connect(duckdb_shop.connection["host"]) as con:  # the warehouse changes under it
        con.execute("DROP TABLE order_items")
        con.execute("ALTER TABLE orders RENAME COLUMN amount TO amount_eur")

    with pytest.raises(duckdb.BinderException):
        run(reviewed_task(duckdb_shop, target_table="revenue_report", write_mode="replace"))

    assert len(duckdb_shop.query("SELECT * FROM revenue_report")) == 4


def test_append_inserts_the_result_into_the_target_table(duckdb_shop: Shop) -> None:
    run(reviewed_task(duckdb_shop, target_table="revenue_report"))

    result = run(reviewed_task(duckdb_shop, target_table="revenue_report", write_mode="append"))

    assert result["row_count"] == 4
    assert len(duckdb_shop.query("SELECT * FROM revenue_report")) == 8


def test_target_table_must_be_a_plain_table_name(duckdb_shop: Shop) -> None:
    task = reviewed_task(duckdb_shop, target_table="report AS SELECT 1; DROP TABLE orders; --")

    message = refusal(task)

    assert "is not a plain table name" in message
    assert duckdb_shop.query("SELECT COUNT(*) FROM orders") == [(400,)]


def test_materialising_on_sqlite_counts_the_rows_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from sqlsynth.scaffold import init_project

    warehouse = tmp_path / "shop.sqlite"
    with sqlite3.connect(warehouse) as con:
        con.execute("CREATE TABLE orders (order_id INTEGER PRIMARY KEY, status TEXT)")
        con.executemany("INSERT INTO orders VALUES (?, ?)", [(1, "new"), (2, "new"), (3, "paid")])
    init_project(tmp_path / "project", warehouse=f"sqlite:///{warehouse}")
    monkeypatch.setenv("SQLSYNTH_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv(
        "AIRFLOW_CONN_SHOP_SQLITE", json.dumps({"conn_type": "sqlite", "host": str(warehouse)})
    )
    task = NLSQLOperator(
        task_id="orders_per_status",
        conn_id="shop_sqlite",
        prompt="Number of orders per status",
        sources=["orders"],
        mode="generate",
        target_table="orders_per_status",
    )

    result = run(task)

    assert result["dialect"] == "sqlite"
    assert result["row_count"] == 2


# Generate mode: SQL written at run time, validated, and never passed off as reviewed.


def test_generate_mode_marks_the_result_unreviewed_in_xcom_and_audit(duckdb_shop: Shop) -> None:
    task = NLSQLOperator(
        task_id="orders_per_status",
        conn_id=duckdb_shop.conn_id,
        prompt="Number of orders per status",
        sources=["orders"],
        mode="generate",
    )

    result = run(task)

    assert result["reviewed"] is False
    assert result["reviewed_by"] is None
    generate, ran = duckdb_shop.audit_records[-2:]
    assert (generate["event"], generate["details"]["reviewed"]) == ("generate", False)
    assert (ran["event"], ran["details"]["reviewed"]) == ("run", False)
    assert generate["sql_hash"] == ran["sql_hash"] == result["sql_hash"]


def test_generate_mode_refuses_a_prompt_it_cannot_place(duckdb_shop: Shop) -> None:
    task = NLSQLOperator(
        task_id="weather",
        conn_id=duckdb_shop.conn_id,
        prompt="What will the weather be in Lisbon tomorrow?",
        mode="generate",
    )

    message = refusal(task)

    assert "could not place 'weather'" in message
    record = duckdb_shop.audit_records[-1]
    assert (record["event"], record["outcome"], record["spec"]) == (
        "generate",
        "refused",
        "weather",
    )


LLM_KEY = "sk-airflow-test-0123456789"


def use_llm_connection(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SQLSYNTH_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_SHOP_LLM", json.dumps({"conn_type": "sqlsynth", **fields}))


def llm_task(shop: Shop) -> NLSQLOperator:
    return NLSQLOperator(
        task_id="orders_per_status",
        conn_id=shop.conn_id,
        prompt="Number of orders per status",
        sources=["orders"],
        mode="generate",
        llm_conn_id="shop_llm",
    )


def test_generate_mode_asks_the_llm_of_a_sqlsynth_connection(
    duckdb_shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scripted_llm(LLM_KEY) as llm:
        llm.script = [answer("SELECT status, COUNT(*) AS orders FROM orders GROUP BY status")]
        use_llm_connection(
            monkeypatch, host=llm.base_url, password=LLM_KEY, extra={"model": "shop-model"}
        )

        result = run(llm_task(duckdb_shop))

    assert (result["translator"], result["reviewed"]) == ("openai", False)
    assert result["columns"] == ["status", "orders"]
    assert [request.body["model"] for request in llm.requests] == ["shop-model"]
    audit_text = (duckdb_shop.root / "audit" / "sqlsynth-audit.jsonl").read_text()
    assert LLM_KEY not in audit_text


def test_an_llm_answer_that_fails_validation_is_refused(
    duckdb_shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scripted_llm(LLM_KEY) as llm:
        llm.responder = lambda request: answer("DELETE FROM orders")
        use_llm_connection(
            monkeypatch, host=llm.base_url, password=LLM_KEY, extra={"model": "shop-model"}
        )

        message = refusal(llm_task(duckdb_shop))

    assert "failed validation" in message
    assert duckdb_shop.query("SELECT COUNT(*) FROM orders") == [(400,)]
    record = duckdb_shop.audit_records[-1]
    assert (record["event"], record["outcome"]) == ("generate", "invalid")


def test_an_llm_connection_without_a_model_is_refused(
    duckdb_shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_llm_connection(monkeypatch, host="http://127.0.0.1:9/v1", password=LLM_KEY)

    message = refusal(llm_task(duckdb_shop))

    assert "connection 'shop_llm' names no model" in message
    assert LLM_KEY not in message


# Human-in-the-loop approval of generated SQL (Airflow 3.1+).


class RecordingSupervisor:
    """Airflow's task-runner channel to its supervisor, recording what the task sends."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, msg: Any) -> None:
        self.sent.append(msg)


@pytest.fixture
def supervisor(monkeypatch: pytest.MonkeyPatch) -> RecordingSupervisor:
    from airflow.sdk.execution_time import task_runner

    recorder = RecordingSupervisor()
    monkeypatch.setattr(task_runner, "SUPERVISOR_COMMS", recorder, raising=False)
    return recorder


def approval_task(shop: Shop) -> NLSQLOperator:
    return NLSQLOperator(
        task_id="orders_per_status",
        conn_id=shop.conn_id,
        prompt="Number of orders per status",
        sources=["orders"],
        mode="generate",
        require_approval=True,
    )


def response(option: str, *, by: str = "ana") -> dict[str, Any]:
    """The event Airflow resumes the task with once a person answered in the UI or API."""
    return {
        "chosen_options": [option],
        "params_input": {},
        "responded_at": datetime.now(UTC),
        "responded_by_user": {"id": by, "name": by},
        "timedout": False,
    }


def wait_for_approval(task: NLSQLOperator, context: dict[str, Any]) -> Any:
    from airflow.sdk.exceptions import TaskAwaitingInput

    with pytest.raises(TaskAwaitingInput) as parked:
        task.execute(context)
    return parked.value


def test_approval_request_shows_the_generated_sql_and_parks_the_task(
    duckdb_shop: Shop, supervisor: RecordingSupervisor
) -> None:
    task = approval_task(duckdb_shop)

    parked = wait_for_approval(task, context_for(task))

    assert parked.method_name == "execute_complete"
    [request] = supervisor.sent
    assert request.options == ["Approve", "Reject"]
    assert "orders_per_status" in request.subject
    assert "```sql\nSELECT" in request.body and "FROM orders" in request.body
    events = [r["event"] for r in duckdb_shop.audit_records if r["spec"] == "orders_per_status"]
    assert events == ["generate"]


def test_approved_sql_runs_and_records_the_reviewer(
    duckdb_shop: Shop, supervisor: RecordingSupervisor
) -> None:
    task = approval_task(duckdb_shop)
    context = context_for(task)
    parked = wait_for_approval(task, context)

    result = task.execute_complete(context, event=response("Approve"), **parked.kwargs)

    assert result["reviewed"] is True
    assert result["reviewed_by"] == "ana"
    assert result["row_count"] == 4
    approve, ran = duckdb_shop.audit_records[-2:]
    assert (approve["event"], approve["outcome"], approve["details"]["reviewer"]) == (
        "approve",
        "ok",
        "ana",
    )
    assert (ran["event"], ran["outcome"]) == ("run", "ok")


def test_rejected_sql_never_runs(duckdb_shop: Shop, supervisor: RecordingSupervisor) -> None:
    from airflow.providers.standard.exceptions import HITLRejectException

    task = approval_task(duckdb_shop)
    context = context_for(task)
    parked = wait_for_approval(task, context)

    with pytest.raises(HITLRejectException, match="ana rejected"):
        task.execute_complete(context, event=response("Reject"), **parked.kwargs)

    last = duckdb_shop.audit_records[-1]
    assert (last["event"], last["outcome"]) == ("approve", "rejected")
    assert not any(r["event"] == "run" for r in duckdb_shop.audit_records[-2:])


def test_unanswered_approval_fails_the_task_when_it_times_out(
    duckdb_shop: Shop, supervisor: RecordingSupervisor
) -> None:
    from airflow.providers.standard.exceptions import HITLTimeoutError

    task = approval_task(duckdb_shop)
    context = context_for(task)
    parked = wait_for_approval(task, context)
    timed_out = {**response("Approve"), "chosen_options": [], "timedout": True}

    with pytest.raises(HITLTimeoutError):
        task.execute_complete(context, event=timed_out, **parked.kwargs)


# What a DAG author learns when the DAG file is parsed.


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({}, "pass exactly one of spec="),
        ({"spec": "a", "prompt": "b"}, "pass exactly one of spec="),
        ({"spec": "a", "mode": "yolo"}, "mode must be one of reviewed, generate"),
        ({"spec": "a", "sources": ["orders"]}, "sources= and name= go with prompt="),
        ({"prompt": "b", "name": "not-an-identifier"}, "is not an identifier"),
        ({"spec": "a", "write_mode": "upsert"}, "write_mode must be one of"),
        ({"spec": "a", "target_table": "t", "handler": print}, "pick one"),
        ({"spec": "a", "require_approval": True}, "apply to mode='generate'"),
        ({"spec": "a", "llm_conn_id": "llm"}, "apply to mode='generate'"),
    ],
)
def test_arguments_are_checked_when_the_dag_is_parsed(
    arguments: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValueError, match="NLSQLOperator 'task'") as raised:
        NLSQLOperator(task_id="task", conn_id="c", **arguments)

    assert problem in str(raised.value)


def test_prompt_spec_conn_id_sources_and_project_dir_are_templated() -> None:
    task = NLSQLOperator(
        task_id="status_counts",
        conn_id="{{ params.conn }}",
        prompt="Number of orders with status {{ params.status }}",
        sources=["{{ params.table }}"],
        project_dir="{{ params.project }}",
    )

    task.render_template_fields(
        {"params": {"conn": "shop", "status": "shipped", "table": "orders", "project": "/p"}}
    )

    assert task.conn_id == "shop"
    assert task.prompt == "Number of orders with status shipped"
    assert task.sources == ["orders"]
    assert task.project_dir == "/p"
    assert {"prompt", "spec", "conn_id", "sources"} <= set(NLSQLOperator.template_fields)
