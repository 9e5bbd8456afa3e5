"""`sqlsynth dbt generate/approve` and `sqlsynth check` in a copy of the example dbt project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.dbt import built_example, run, sqlsynth, without_plugin, working_copy

NL = Path("models") / "nl"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_example(tmp_path_factory)[0]


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    return working_copy(built, tmp_path)


def edit_prompt(project: Path, name: str, prompt: str) -> None:
    """Change a generated model's prompt in its YAML, as a person would."""
    path = project / NL / f"{name}.yml"
    document = yaml.safe_load(path.read_text())
    document["models"][0]["config"]["meta"]["sqlsynth"]["prompt"] = prompt
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def states(project: Path, expect: int) -> dict[str, str]:
    result = sqlsynth(project, "check", "--json", expect=expect)
    return {r["name"]: r["state"] for r in json.loads(result.stdout)}


def test_check_passes_on_the_example_project(project: Path) -> None:
    result = sqlsynth(project, "check")
    assert "5 of 5 specs fresh and approved" in " ".join(result.stdout.split())


def test_generate_works_without_the_dbt_plugin(project: Path) -> None:
    command = [*without_plugin("sqlsynth.cli", "main"), "dbt", "generate", "orders_per_status"]
    command += ["--prompt", "Number of orders per status", "--sources", "stg_orders"]
    result = run(command, project)
    assert "wrote models/orders_per_status.sql" in result.stdout
    assert "{{ ref('stg_orders') }}" in (project / "models" / "orders_per_status.sql").read_text()


def test_generate_writes_every_spec_of_a_spec_file_in_one_go(project: Path, tmp_path: Path) -> None:
    specs = tmp_path / "specs.yml"
    specs.write_text(
        "specs:\n"
        "  - name: orders_per_status\n"
        "    prompt: Number of orders per status\n"
        "    sources: [stg_orders]\n"
        "  - name: products_per_category\n"
        "    prompt: Number of products per category\n"
        "    sources: [stg_products]\n"
    )
    sqlsynth(project, "dbt", "generate", "--specs", str(specs), "--path", "reports")
    written = sorted(p.name for p in (project / "models" / "reports").iterdir())
    assert written == [
        "orders_per_status.sql",
        "orders_per_status.yml",
        "products_per_category.sql",
        "products_per_category.yml",
    ]


def test_generate_regenerates_every_changed_prompt_in_one_go(project: Path) -> None:
    edit_prompt(project, "category_prices", "Highest unit price of products per category")
    edit_prompt(project, "payments_by_method", "Number of payments per payment method")
    result = sqlsynth(project, "dbt", "generate")
    assert "wrote models/nl/category_prices.sql" in result.stdout
    assert "wrote models/nl/payments_by_method.sql" in result.stdout
    assert "top_customers is unchanged" in result.stdout
    assert "MAX(unit_price)" in (project / NL / "category_prices.sql").read_text()


def test_unchanged_project_is_not_rewritten(project: Path) -> None:
    before = {p.name: p.read_text() for p in (project / NL).iterdir()}
    result = sqlsynth(project, "dbt", "generate")
    assert result.stdout.count("is unchanged") == 5
    assert {p.name: p.read_text() for p in (project / NL).iterdir()} == before


def test_hand_edited_sql_is_not_regenerated_without_force(project: Path) -> None:
    model = project / NL / "category_prices.sql"
    model.write_text(model.read_text().replace("AVG(", "MIN("))
    edit_prompt(project, "category_prices", "Highest unit price of products per category")
    refused = sqlsynth(project, "dbt", "generate", expect=1)
    assert "was edited by hand after it was generated" in refused.stderr
    assert "MIN(" in model.read_text()
    sqlsynth(project, "dbt", "generate", "category_prices", "--force")
    assert "MAX(unit_price)" in model.read_text()


def test_check_fails_on_an_unreviewed_model(project: Path) -> None:
    sqlsynth(
        project, "dbt", "generate", "orders_per_status", "--prompt", "Number of orders per status"
    )
    result = sqlsynth(project, "check", expect=1)
    assert "FAIL orders_per_status: generated but not approved" in result.stdout
    assert "fix: sqlsynth dbt approve orders_per_status" in result.stdout


def test_approve_records_the_reviewer_in_the_model_yaml(project: Path) -> None:
    sqlsynth(
        project, "dbt", "generate", "orders_per_status", "--prompt", "Number of orders per status"
    )
    sqlsynth(project, "dbt", "approve", "orders_per_status", "--reviewer", "ana@example.com")
    document = yaml.safe_load((project / "models" / "orders_per_status.yml").read_text())
    review = document["models"][0]["config"]["meta"]["sqlsynth"]["review"]
    assert review["reviewed_by"] == "ana@example.com"
    assert states(project, expect=0)["orders_per_status"] == "fresh"


def test_check_fails_when_sql_is_edited_after_approval(project: Path) -> None:
    model = project / NL / "category_prices.sql"
    model.write_text(model.read_text().replace("AVG(", "MAX("))
    assert states(project, expect=1)["category_prices"] == "edited-after-approval"


def test_check_fails_when_a_prompt_changes_after_generation(project: Path) -> None:
    edit_prompt(project, "category_prices", "Highest unit price of products per category")
    assert states(project, expect=1)["category_prices"] == "spec-changed"


def test_check_reports_an_unknown_column_in_edited_sql(project: Path) -> None:
    model = project / NL / "category_prices.sql"
    model.write_text(model.read_text().replace("AVG(unit_price)", "AVG(unit_prize)"))
    result = sqlsynth(project, "check", expect=1)
    assert "unknown column `unit_prize`" in result.stdout
    assert "did you mean `unit_price`?" in result.stdout


def test_check_refuses_jinja_other_than_ref_and_source(project: Path) -> None:
    model = project / NL / "category_prices.sql"
    model.write_text(model.read_text() + "{{ run_query('drop table stg_products') }}\n")
    result = sqlsynth(project, "check", expect=1)
    assert "models/nl/category_prices.sql: Jinja other than ref() and source()" in result.stderr


def test_approve_refuses_a_model_whose_prompt_changed(project: Path) -> None:
    edit_prompt(project, "category_prices", "Highest unit price of products per category")
    result = sqlsynth(project, "dbt", "approve", "category_prices", expect=1)
    assert "cannot approve category_prices: the spec changed" in result.stderr
    assert "sqlsynth dbt generate category_prices" in result.stderr


def test_generation_and_approval_are_in_the_audit_log(project: Path) -> None:
    sqlsynth(
        project, "dbt", "generate", "orders_per_status", "--prompt", "Number of orders per status"
    )
    sqlsynth(project, "dbt", "approve", "orders_per_status")
    records = [
        json.loads(line)
        for line in (project / "audit" / "sqlsynth-audit.jsonl").read_text().splitlines()
    ]
    assert [(r["event"], r["spec"]) for r in records] == [
        ("generate", "orders_per_status"),
        ("approve", "orders_per_status"),
    ]
    assert "audit log ok: 2 records" in sqlsynth(project, "audit", "verify").stdout
