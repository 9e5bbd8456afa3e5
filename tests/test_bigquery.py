"""BigQuery through the real google-cloud-bigquery client, against bqemulator on 127.0.0.1
(its own venv, .bqemu/, made by `make test`; started by the `bqemulator_endpoint` fixture).

bqemulator runs GoogleSQL by translating it to DuckDB with sqlglot, so it accepts some SQL
BigQuery would not; it checks the plumbing and the results, not validity. Gaps found
(bqemulator 1.4.0), and how these tests live with them:

- No table constraints: ``PRIMARY KEY (…) NOT ENFORCED`` in DDL fails to parse, and
  constraints given through the API are accepted but never returned. The catalog reads none,
  and the demo test adds the seed's declared keys to a ``sqlsynth catalog --output`` snapshot.
- Column descriptions (``OPTIONS(description=…)``) are dropped, and so is a table description
  set by ``ALTER TABLE … SET OPTIONS``; one given in CREATE TABLE is kept. A parameterised
  type such as ``NUMERIC(10, 2)`` comes back without its precision and scale.
- No authentication at all, so "bad credentials" is shown with a credentials file that
  does not exist rather than with a wrong key.
- It answers some requests with HTTP 500, which the client retries: every call here has a
  retry deadline (the URL's ``retry_timeout``) and queries a ``timeout``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sqlsynth.errors import ConfigError, WarehouseError
from sqlsynth.warehouse import connect, dialect_of
from tests.conftest import CliRun
from tests.warehouse_stand_ins import SHOP_TABLES, demo_results_match_duckdb, shop_sql

PROJECT = "test-proj"


@pytest.fixture(scope="module")
def shop_bigquery(
    bqemulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo shop as dataset `shop` of the emulator; a `bigquery://` URL for it."""
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    client = bigquery.Client(
        project=PROJECT,
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options=ClientOptions(api_endpoint=bqemulator_endpoint),
    )
    retry = bigquery.DEFAULT_RETRY.with_timeout(8)
    client.create_dataset(f"{PROJECT}.shop", exists_ok=True, retry=retry, timeout=10)
    config = bigquery.QueryJobConfig(default_dataset=f"{PROJECT}.shop")
    for statement in shop_sql("bigquery", tmp_path_factory):
        job = client.query(statement, job_config=config, retry=retry, job_retry=None)
        job.result(timeout=15)
    client.close()  # type: ignore[no-untyped-call]
    yield f"bigquery://{PROJECT}/shop?api_endpoint={bqemulator_endpoint}&retry_timeout=8&timeout=15"


def test_bigquery_url_names_project_and_dataset() -> None:
    from sqlsynth.warehouses.bigquery import BigQueryURL

    found = BigQueryURL.parse("bigquery://acme/shop?location=EU&api_endpoint=127.0.0.1:9050")
    assert (found.project, found.dataset, found.location) == ("acme", "shop", "EU")
    assert found.api_endpoint == "http://127.0.0.1:9050"
    assert dialect_of("bigquery://acme/shop") == "bigquery"
    with pytest.raises(ConfigError, match="not a BigQuery URL") as error:
        connect("bigquery://acme", root=Path("/"))
    assert "use bigquery://PROJECT/DATASET" in error.value.one_line()


@pytest.mark.parametrize("parameter", ["timeout=5m", "retry_timeout=-1", "timeout=nan"])
def test_a_bigquery_timeout_that_is_not_seconds_is_a_one_line_config_error(
    parameter: str,
) -> None:
    name, _, value = parameter.partition("=")
    with pytest.raises(ConfigError, match=f"{name}={value} is not a number of seconds") as error:
        connect(f"bigquery://acme/shop?{parameter}", root=Path("/"))
    assert "use bigquery://PROJECT/DATASET" in error.value.one_line()


def test_bigquery_catalog_has_tables_types_descriptions_and_samples(shop_bigquery: str) -> None:
    catalog = connect(shop_bigquery, root=Path("/")).catalog()
    assert catalog.dialect == "bigquery"
    assert sorted(catalog.table_names) == sorted(SHOP_TABLES)
    customers, products = catalog.table("customers"), catalog.table("products")
    assert customers is not None and products is not None
    assert customers.db_schema == "shop"
    assert customers.description == "People and companies who have placed at least one order"
    assert [(c.name, c.type, c.nullable) for c in products.columns] == [
        ("product_id", "INT64", True),
        ("name", "STRING", False),
        ("category", "STRING", False),
        ("price", "NUMERIC", False),  # BigQuery says NUMERIC(10, 2); the emulator drops it
    ]
    category, name = products.column("category"), products.column("name")
    assert category is not None and name is not None
    assert category.samples == ("electronics", "furniture", "lighting", "stationery")
    assert name.samples == ()  # 24 distinct names: not a category


def test_bigquery_query_runs_in_the_dataset_and_counts_all_rows(shop_bigquery: str) -> None:
    result = connect(shop_bigquery, root=Path("/")).query(
        "SELECT order_id FROM orders ORDER BY order_id", max_rows=3
    )
    assert result.columns == ("order_id",)
    assert result.rows == ((1,), (2,), (3,))
    assert result.row_count == 400


def test_demo_specs_generated_for_bigquery_give_duckdb_results(
    shop_bigquery: str, tmp_path: Path, sqlsynth: CliRun
) -> None:
    demo_results_match_duckdb(shop_bigquery, tmp_path, sqlsynth, declare_foreign_keys=True)


def test_sql_bigquery_refuses_is_one_line(shop_bigquery: str) -> None:
    with pytest.raises(WarehouseError) as error:
        connect(shop_bigquery, root=Path("/")).query("SELECT * FROM nope", max_rows=1)
    line = error.value.one_line()
    assert "Not found: Table test-proj.shop.nope" in line and "\n" not in line


def test_unreachable_bigquery_is_one_line() -> None:
    url = f"bigquery://{PROJECT}/shop?api_endpoint=http://127.0.0.1:1&retry_timeout=2"
    with pytest.raises(WarehouseError) as error:
        connect(url, root=Path("/")).catalog()
    line = error.value.one_line()
    assert "no answer within 2 s" in line and "\n" not in line


def test_missing_credentials_are_one_line_saying_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BIGQUERY_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    with pytest.raises(WarehouseError) as error:
        connect(f"bigquery://{PROJECT}/shop", root=Path("/")).catalog()
    line = error.value.one_line()
    assert "no-such-key.json" in line and "GOOGLE_APPLICATION_CREDENTIALS" in line
    assert "\n" not in line
