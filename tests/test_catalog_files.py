"""Catalog files: a snapshot of the warehouse that validation can use without a connection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sqlsynth.catalog import load_catalog_file, write_catalog_file
from sqlsynth.errors import CatalogError
from sqlsynth.warehouse import connect
from tests.conftest import CliRun, build_shop_warehouse


def test_snapshot_round_trips_with_the_same_hash(tmp_path: Path) -> None:
    build_shop_warehouse(tmp_path / "shop.duckdb")
    catalog = connect("shop.duckdb", root=tmp_path).catalog()
    write_catalog_file(catalog, tmp_path / "catalog.yml")
    assert load_catalog_file(tmp_path / "catalog.yml").catalog_hash == catalog.catalog_hash


def test_malformed_catalog_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yml"
    path.write_text("dialect: duckdb\ntables:\n  - columns: []\n")
    with pytest.raises(CatalogError, match=r"catalog\.yml: tables\.0\.name: Field required"):
        load_catalog_file(path)


def test_validate_reads_sql_from_stdin_against_a_catalog_file(
    tmp_path: Path, sqlsynth: CliRun
) -> None:
    (tmp_path / "catalog.yml").write_text(
        "dialect: postgres\ntables:\n  - name: orders\n    columns:\n"
        "      - {name: order_id, type: INTEGER}\n      - {name: customer_id, type: INTEGER}\n"
    )
    ok = sqlsynth(
        "validate",
        "-",
        "--catalog",
        "catalog.yml",
        cwd=tmp_path,
        input="SELECT order_id FROM orders",
    )
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().endswith("valid")
    bad = sqlsynth(
        "validate",
        "-",
        "--catalog",
        "catalog.yml",
        "--json",
        cwd=tmp_path,
        input="SELECT custmer_id FROM orders",
    )
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert [f["check"] for f in report["findings"]] == ["known_columns"]
    assert "customer_id" in report["findings"][0]["hint"]


def test_project_can_validate_against_a_snapshot_instead_of_the_warehouse(
    shop_project: Path, sqlsynth: CliRun
) -> None:
    assert sqlsynth("catalog", "--output", "catalog.yml", cwd=shop_project).exit_code == 0
    (shop_project / "warehouse.duckdb").unlink()
    config = shop_project / "sqlsynth.toml"
    config.write_text(config.read_text() + 'catalog = "catalog.yml"\n')
    result = sqlsynth("generate", "customer_count", cwd=shop_project)
    assert result.exit_code == 0, result.output + result.stderr
