"""Snowflake through the real snowflake-connector-python, against fakesnow serving Snowflake's
HTTP API on 127.0.0.1 (started by the `fakesnow_url` fixture).

fakesnow runs Snowflake SQL by translating it to DuckDB with sqlglot, so it accepts some SQL
Snowflake would not; it is a check of the plumbing and of results, not proof of validity.
Gaps found (fakesnow 0.12.1), and how these tests live with them:

- ``SHOW IMPORTED KEYS`` lists primary keys with an empty referenced side, so no foreign key
  can be read: the catalog reads none, and the demo test adds the seed's declared keys to a
  ``sqlsynth catalog --output`` snapshot (the join spec needs them).
- No column comments: in server mode ``COMMENT ON COLUMN`` fails (its describe step prefixes
  the statement with DESCRIBE), and a comment inside CREATE TABLE is dropped. Table comments
  work, so the catalog test checks those.
- Passwords are not checked, so "bad credentials" cannot be shown here (MySQL shows it).
- ``SUM`` over ``NUMBER(10,2)`` returns a float where Snowflake returns a decimal: rows are
  compared as numbers rounded to 6 places.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sqlsynth.errors import ConfigError, WarehouseError
from sqlsynth.warehouse import connect, dialect_of
from sqlsynth.warehouses.snowflake import connect_parameters
from tests.conftest import CliRun
from tests.warehouse_stand_ins import SHOP_TABLES, demo_results_match_duckdb, shop_sql


@pytest.fixture(scope="module")
def shop_snowflake(fakesnow_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo shop in database SHOP, schema PUBLIC of the fakesnow server."""
    import snowflake.connector

    statements = ["CREATE DATABASE IF NOT EXISTS shop", "CREATE SCHEMA IF NOT EXISTS shop.public"]
    statements += ["USE SCHEMA shop.public", *shop_sql("snowflake", tmp_path_factory)]
    with snowflake.connector.connect(**connect_parameters(fakesnow_url)) as con:
        cursor = con.cursor()
        for statement in statements:
            cursor.execute(statement)
    yield fakesnow_url


def test_snowflake_url_becomes_connector_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SNOWFLAKE_PASSWORD", "from-env")
    found = connect_parameters("snowflake://ana@xy12345.eu-central-1/shop/public?warehouse=bi")
    assert found == {
        "account": "xy12345.eu-central-1",
        "user": "ana",
        "password": "from-env",
        "database": "shop",
        "schema": "public",
        "warehouse": "bi",
        "login_timeout": 30,
        "network_timeout": 300,
        "session_parameters": {"STATEMENT_TIMEOUT_IN_SECONDS": 300},
    }
    assert dialect_of("snowflake://ana@xy12345/shop") == "snowflake"


def test_a_snowflake_statement_timeout_is_a_session_parameter() -> None:
    found = connect_parameters("snowflake://ana@xy12345/shop?statement_timeout=60")

    assert found["session_parameters"] == {"STATEMENT_TIMEOUT_IN_SECONDS": 60}
    assert "statement_timeout" not in found


def test_unknown_snowflake_url_parameter_is_a_config_error_without_secrets() -> None:
    url = "snowflake://ana:pw-s3cret@xy12345/shop?private_key_file_pwd=key-s3cret&wharehouse=bi"
    with pytest.raises(ConfigError, match="unknown parameter 'wharehouse'") as error:
        connect(url, root=Path("/"))
    line = error.value.one_line()
    assert "ana:***@xy12345/shop?private_key_file_pwd=***&wharehouse=bi" in line
    assert "s3cret" not in line


@pytest.mark.parametrize("parameter", ["login_timeout=30s", "port=https", "network_timeout=-5"])
def test_a_snowflake_number_parameter_that_is_not_a_count_is_a_one_line_config_error(
    parameter: str,
) -> None:
    name, _, value = parameter.partition("=")
    with pytest.raises(ConfigError, match=f"{name}={value} is not a whole number") as error:
        connect(f"snowflake://ana:pw-s3cret@xy12345/shop?{parameter}", root=Path("/"))
    line = error.value.one_line()
    assert "ana:***@xy12345" in line and "s3cret" not in line and "\n" not in line


def test_snowflake_catalog_has_tables_columns_keys_comments_and_samples(
    shop_snowflake: str,
) -> None:
    catalog = connect(shop_snowflake, root=Path("/")).catalog()
    assert catalog.dialect == "snowflake"
    assert sorted(catalog.table_names) == sorted(t.upper() for t in SHOP_TABLES)
    customers, items = catalog.table("customers"), catalog.table("order_items")
    assert customers is not None and items is not None
    assert customers.db_schema == "PUBLIC"
    assert customers.primary_key == ("CUSTOMER_ID",)
    assert items.primary_key == ("ORDER_ID", "PRODUCT_ID")
    assert customers.description == "People and companies who have placed at least one order"
    segment, email, signup = (customers.column(n) for n in ("segment", "email", "signup_date"))
    assert segment is not None and email is not None and signup is not None
    assert (segment.type, signup.type) == ("TEXT", "DATE")
    assert segment.samples == ("consumer", "enterprise", "small business")
    assert email.samples == ()  # 60 distinct values: not a category
    price = catalog.table("products").column("price")  # type: ignore[union-attr]
    assert price is not None and price.type == "NUMBER(10,2)" and not price.nullable


def test_snowflake_query_keeps_first_rows_and_counts_all(shop_snowflake: str) -> None:
    result = connect(shop_snowflake, root=Path("/")).query(
        "SELECT order_id FROM orders ORDER BY order_id", max_rows=3
    )
    assert result.columns == ("ORDER_ID",)
    assert result.rows == ((1,), (2,), (3,))
    assert result.row_count == 400


def test_demo_specs_generated_for_snowflake_give_duckdb_results(
    shop_snowflake: str, tmp_path: Path, sqlsynth: CliRun
) -> None:
    found = demo_results_match_duckdb(shop_snowflake, tmp_path, sqlsynth, declare_foreign_keys=True)
    # Names as Snowflake spells them; the join comes from the declared foreign key.
    assert "JOIN ORDERS AS o" in found["top_customers_by_revenue"].sql


def test_sql_snowflake_refuses_is_one_line(shop_snowflake: str) -> None:
    with pytest.raises(WarehouseError) as error:
        connect(shop_snowflake, root=Path("/")).query("SELECT * FROM nope", max_rows=1)
    line = error.value.one_line()
    assert "NOPE does not exist" in line
    assert "snow-s3cret" not in line and "\n" not in line


def test_unreachable_snowflake_is_one_line_without_the_password() -> None:
    url = (
        "snowflake://ana:snow-s3cret@fakesnow/shop/public?host=127.0.0.1&port=1&protocol=http"
        "&login_timeout=5&network_timeout=5"
    )
    with pytest.raises(WarehouseError) as error:
        connect(url, root=Path("/")).catalog()
    line = error.value.one_line()
    assert "ana:***@fakesnow/shop/public" in line and "Could not connect" in line
    assert "snow-s3cret" not in line and "\n" not in line
