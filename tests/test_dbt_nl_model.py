"""`dbt run-operation nl_model` in a copy of the example project, through the real dbt CLI."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from tests.dbt import (
    built_example,
    dbt,
    manifest_node,
    model_files,
    nl_model,
    run,
    without_plugin,
    working_copy,
)

ORDERS_PER_STATUS = {
    "name": "orders_per_status",
    "prompt": "Number of orders per status",
    "sources": ["stg_orders"],
    "path": "reports",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_example(tmp_path_factory)[0]


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    return working_copy(built, tmp_path)


def meta(project: Path, name: str, folder: str = "reports") -> dict:  # type: ignore[type-arg]
    document = yaml.safe_load((project / "models" / folder / f"{name}.yml").read_text())
    return document["models"][0]["config"]["meta"]["sqlsynth"]  # type: ignore[no-any-return]


def test_nl_model_writes_a_model_that_reads_through_ref(project: Path) -> None:
    result = nl_model(project, **ORDERS_PER_STATUS)
    assert "wrote models/reports/orders_per_status.sql" in result.stdout
    assert "validation passed (reads stg_orders" in result.stdout
    sql = (project / "models" / "reports" / "orders_per_status.sql").read_text()
    assert "FROM {{ ref('stg_orders') }} AS stg_orders" in sql
    assert '"main"' not in sql and "shop.duckdb" not in sql


def test_nl_model_records_spec_hash_prompt_translator_and_review_in_yaml(project: Path) -> None:
    nl_model(project, **ORDERS_PER_STATUS)
    recorded = meta(project, "orders_per_status")
    assert recorded["prompt"] == "{% raw %}Number of orders per status{% endraw %}"
    assert recorded["sources"] == ["stg_orders"]
    assert len(recorded["spec_hash"]) == 64
    assert recorded["translator"] == "embedded"
    assert recorded["review"] is None


def test_generated_model_builds_and_the_project_tests_pass(project: Path) -> None:
    nl_model(project, **ORDERS_PER_STATUS)
    dbt(project, "run", "-s", "orders_per_status")
    dbt(project, "test")
    with duckdb.connect(str(project / "shop.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT * FROM main.orders_per_status").fetchall()
    assert sum(count for _, count in rows) == 200


def test_prompt_with_colons_and_quotes_passes_through_json_args(project: Path) -> None:
    prompt = "Number of orders with status 'completed': per status"
    nl_model(project, name="completed_orders", prompt=prompt, sources=["stg_orders"])
    recorded = yaml.safe_load((project / "models" / "completed_orders.yml").read_text())
    assert recorded["models"][0]["config"]["meta"]["sqlsynth"]["prompt"] == (
        "{% raw %}" + prompt + "{% endraw %}"
    )
    assert "= 'completed'" in (project / "models" / "completed_orders.sql").read_text()


def test_jinja_in_a_prompt_is_kept_verbatim_and_never_rendered(project: Path) -> None:
    prompt = "Number of orders whose status is \"{{ env_var('SQLSYNTH_TEST_SECRET') }}\""
    secret = {"SQLSYNTH_TEST_SECRET": "hunter2"}
    nl_model(project, name="odd_status_orders", prompt=prompt, sources=["stg_orders"])
    dbt(project, "run", "-s", "odd_status_orders", env=secret)
    node = manifest_node(project, "odd_status_orders")
    assert node["config"]["meta"]["sqlsynth"]["prompt"] == prompt
    assert node["description"] == prompt
    assert "{{ env_var(''SQLSYNTH_TEST_SECRET'') }}" in node["compiled_code"]
    written = [*(project / "target").rglob("*"), *(project / "logs").rglob("*")]
    assert not [p for p in written if p.is_file() and b"hunter2" in p.read_bytes()]


def test_unknown_source_is_refused_with_a_suggestion_and_writes_nothing(project: Path) -> None:
    before = model_files(project)
    result = nl_model(
        project,
        name="orders_per_status",
        prompt="Number of orders per status",
        sources=["stg_order"],
        expect=1,
    )
    assert "no model, seed, snapshot or source" in result.stdout
    assert "did you mean 'stg_orders'?" in result.stdout
    assert model_files(project) == before


def test_prompt_naming_an_unknown_column_is_refused_and_writes_nothing(project: Path) -> None:
    before = model_files(project)
    result = nl_model(
        project,
        name="shoe_sizes",
        prompt="Average shoe size of customers",
        sources=["stg_customers"],
        expect=1,
    )
    assert "could not place 'shoe', 'size'" in result.stdout
    assert "nothing was written" in result.stdout
    assert model_files(project) == before


def test_blank_prompt_is_refused(project: Path) -> None:
    result = nl_model(project, name="blank", prompt="   ", expect=1)
    assert "nl_model: prompt: Value error, prompt is blank" in result.stdout


def test_hand_written_model_is_never_overwritten(project: Path) -> None:
    before = (project / "models" / "staging" / "stg_orders.sql").read_text()
    result = nl_model(
        project, name="stg_orders", prompt="Number of orders", overwrite=True, expect=1
    )
    assert "was not generated by sqlsynth; it is never overwritten" in result.stdout
    assert (project / "models" / "staging" / "stg_orders.sql").read_text() == before


def test_path_outside_the_models_folder_is_refused(project: Path) -> None:
    result = nl_model(project, **{**ORDERS_PER_STATUS, "path": "../macros"}, expect=1)
    assert "must be a relative folder under models/" in result.stdout
    assert not (project / "macros").exists()


def test_same_name_with_another_prompt_needs_overwrite(project: Path) -> None:
    nl_model(project, **ORDERS_PER_STATUS)
    other = {**ORDERS_PER_STATUS, "prompt": "Number of orders per order date"}
    refused = nl_model(project, **other, expect=1)
    assert "was generated from a different prompt or sources" in refused.stdout
    nl_model(project, **other, overwrite=True)
    assert "order_date" in (project / "models" / "reports" / "orders_per_status.sql").read_text()


def test_same_spec_again_is_unchanged_and_writes_nothing(project: Path) -> None:
    nl_model(project, **ORDERS_PER_STATUS)
    before = {p: p.read_text() for p in (project / "models" / "reports").iterdir()}
    again = nl_model(project, **ORDERS_PER_STATUS)
    assert "orders_per_status is unchanged" in again.stdout
    assert {p: p.read_text() for p in (project / "models" / "reports").iterdir()} == before


def test_missing_plugin_is_a_clear_compilation_error(project: Path) -> None:
    command = [*without_plugin("dbt.cli.main", "cli"), "run-operation", "nl_model", "--args"]
    result = run([*command, '{"name": "x", "prompt": "Number of orders"}'], project, expect=1)
    assert "the sqlsynth dbt plugin is not loaded" in result.stdout
    assert "sqlsynth dbt generate" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_broken_core_is_a_clear_compilation_error(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken" / "sqlsynth"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('sqlsynth is broken on purpose')\n")
    result = dbt(
        project,
        "run-operation",
        "nl_model",
        "--args",
        '{"name": "x", "prompt": "Number of orders"}',
        env={"PYTHONPATH": str(broken.parent)},
        expect=1,
    )
    assert "sqlsynth could not be imported (ImportError: sqlsynth is broken on purpose)" in (
        result.stdout
    )
    assert "pip install 'sqlsynth[dbt]'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
