"""The example dbt project: it builds, and its generated models are visible in dbt's artifacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.dbt import EXAMPLE, Result, built_example, dbt, manifest_node


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    return built_example(tmp_path_factory)


def recorded_meta(name: str) -> dict:  # type: ignore[type-arg]
    document = yaml.safe_load((EXAMPLE / "models" / "nl" / f"{name}.yml").read_text())
    return document["models"][0]["config"]["meta"]["sqlsynth"]  # type: ignore[no-any-return]


def test_dbt_build_passes(built: tuple[Path, Result]) -> None:
    output = built[1].stdout
    assert "ERROR=0" in output
    assert "Completed successfully" in output


def test_every_generated_model_is_approved() -> None:
    names = sorted(p.stem for p in (EXAMPLE / "models" / "nl").glob("*.yml"))
    assert len(names) == 5
    assert all(recorded_meta(name)["review"]["reviewed_by"] for name in names)


def test_manifest_shows_what_a_generated_model_reads(built: tuple[Path, Result]) -> None:
    node = manifest_node(built[0], "completed_orders_by_country")
    assert sorted(node["depends_on"]["nodes"]) == [
        "model.shop_analytics.stg_customers",
        "model.shop_analytics.stg_orders",
    ]


def test_manifest_carries_column_lineage_and_spec(built: tuple[Path, Result]) -> None:
    meta = manifest_node(built[0], "payments_by_method")["config"]["meta"]["sqlsynth"]
    assert meta["lineage"]["total_amount"] == ["stg_payments.amount"]
    assert meta["prompt"] == "Total amount of payments per payment method, highest first"
    assert meta["spec_hash"] == recorded_meta("payments_by_method")["spec_hash"]


def test_query_comment_tags_statements_with_spec_hash_and_reviewer(
    built: tuple[Path, Result],
) -> None:
    log = (built[0] / "logs" / "dbt.log").read_text()
    comments = [
        json.loads(line[3:-3])
        for line in log.splitlines()
        if line.startswith("/* {") and '"node_id": "model.shop_analytics.top_customers"' in line
    ]
    assert comments
    assert comments[0]["sqlsynth_spec_hash"] == recorded_meta("top_customers")["spec_hash"]
    assert comments[0]["sqlsynth_reviewed_by"] == "analytics-lead@example.com"


def test_generated_models_are_selectable_by_tag(built: tuple[Path, Result]) -> None:
    listed = dbt(built[0], "ls", "-s", "tag:sqlsynth", "--output", "name", "--quiet")
    assert sorted(listed.stdout.split()) == [
        "category_prices",
        "completed_orders_by_country",
        "payments_by_method",
        "revenue_by_segment",
        "top_customers",
    ]
