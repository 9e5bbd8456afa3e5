"""Column lineage, checked on a real DuckDB shop: each output column's input table columns."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.errors import ValidationError
from sqlsynth.lineage import InputField, Lineage, column_lineage

SHOP_SCHEMA = (
    "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR, country VARCHAR)",
    "CREATE TABLE products (product_id INTEGER PRIMARY KEY, name VARCHAR, price DECIMAL(10, 2))",
    """CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER, status VARCHAR,
        amount DECIMAL(10, 2))""",
    "CREATE TABLE order_items (order_id INTEGER, product_id INTEGER, quantity INTEGER)",
    "INSERT INTO customers VALUES (1, 'Ada', 'Germany'), (2, 'Bruno', 'Italy')",
    "INSERT INTO products VALUES (1, 'Desk', 250.00), (2, 'Lamp', 35.50)",
    "INSERT INTO orders VALUES (10, 1, 'completed', 285.50), (11, 2, 'returned', 35.50)",
    "INSERT INTO order_items VALUES (10, 1, 1), (10, 2, 1), (11, 2, 1)",
    'CREATE TABLE "Price List" ("Unit Price" DECIMAL(10, 2), "group" VARCHAR)',
)


@pytest.fixture(scope="module")
def shop() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    for statement in SHOP_SCHEMA:
        con.execute(statement)
    yield con
    con.close()


@pytest.fixture(scope="module")
def catalog(shop: duckdb.DuckDBPyConnection) -> Catalog:
    """The catalog as introspected from DuckDB's information_schema."""
    tables: dict[str, list[Column]] = {}
    for table, column, data_type in shop.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall():
        tables.setdefault(table, []).append(Column(name=column, type=data_type))
    return Catalog(
        dialect="duckdb",
        tables=tuple(Table(name=name, columns=tuple(cols)) for name, cols in tables.items()),
    )


def lineage_of(sql: str, catalog: Catalog, shop: duckdb.DuckDBPyConnection) -> Lineage:
    """The lineage of ``sql``, after proving DuckDB really runs it."""
    shop.execute(sql).fetchall()
    return column_lineage(sql, catalog, dialect="duckdb")


def fields(lineage: Lineage) -> dict[str, list[str]]:
    """``{output column: ["table.column", ...]}``, the shape the assertions read best in."""
    return {
        column: [f"{field.name}.{field.field}" for field in inputs]
        for column, inputs in lineage.columns.items()
    }


def test_join_and_aggregate_lineage_names_the_input_columns(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of(
        """
        SELECT c.country, COUNT(*) AS order_count, SUM(o.amount) AS revenue
        FROM orders AS o
        JOIN customers AS c ON c.customer_id = o.customer_id
        WHERE o.status = 'completed'
        GROUP BY c.country
        """,
        catalog,
        shop,
    )
    assert result.inputs == ("customers", "orders")
    assert fields(result) == {
        "country": ["customers.country"],
        "order_count": [],
        "revenue": ["orders.amount"],
    }


def test_count_star_derives_from_no_columns(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of("SELECT COUNT(*) AS order_count FROM orders", catalog, shop)
    assert result.columns == {"order_count": ()}
    assert result.inputs == ("orders",)


def test_expression_derives_from_columns_of_both_tables(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of(
        "SELECT oi.quantity * p.price AS line_total FROM order_items AS oi "
        "JOIN products AS p ON p.product_id = oi.product_id",
        catalog,
        shop,
    )
    assert fields(result) == {"line_total": ["order_items.quantity", "products.price"]}


def test_cte_lineage_reaches_the_base_tables(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of(
        """
        WITH customer_revenue AS (
            SELECT customer_id, SUM(amount) AS revenue FROM orders GROUP BY customer_id
        )
        SELECT c.name, r.revenue
        FROM customer_revenue AS r
        JOIN customers AS c ON c.customer_id = r.customer_id
        """,
        catalog,
        shop,
    )
    assert result.inputs == ("customers", "orders")
    assert fields(result) == {"name": ["customers.name"], "revenue": ["orders.amount"]}


def test_union_lineage_includes_both_branches(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of(
        "SELECT name, 'customer' AS kind FROM customers "
        "UNION ALL SELECT name, 'product' AS kind FROM products",
        catalog,
        shop,
    )
    assert result.inputs == ("customers", "products")
    assert fields(result) == {"name": ["customers.name", "products.name"], "kind": []}


def test_window_function_derives_from_its_partition_and_order_columns(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of(
        "SELECT order_id, "
        "RANK() OVER (PARTITION BY customer_id ORDER BY amount DESC) AS amount_rank FROM orders",
        catalog,
        shop,
    )
    assert fields(result) == {
        "order_id": ["orders.order_id"],
        "amount_rank": ["orders.amount", "orders.customer_id"],
    }


def test_subquery_lineage_follows_the_derived_table(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of(
        "SELECT big.total FROM (SELECT customer_id, SUM(amount) AS total FROM orders "
        "GROUP BY customer_id) AS big WHERE big.total > 100",
        catalog,
        shop,
    )
    assert fields(result) == {"total": ["orders.amount"]}


def test_star_maps_every_column_to_itself(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of("SELECT * FROM customers", catalog, shop)
    assert fields(result) == {
        "customer_id": ["customers.customer_id"],
        "name": ["customers.name"],
        "country": ["customers.country"],
    }


def test_names_use_the_catalog_spelling(catalog: Catalog, shop: duckdb.DuckDBPyConnection) -> None:
    result = lineage_of("SELECT STATUS FROM ORDERS", catalog, shop)
    assert result.inputs == ("orders",)
    assert result.columns == {"status": (InputField(namespace="", name="orders", field="status"),)}


def test_quoted_names_keep_their_catalog_spelling(
    catalog: Catalog, shop: duckdb.DuckDBPyConnection
) -> None:
    result = lineage_of(
        'SELECT p."Unit Price" * 2 AS doubled FROM "Price List" AS p', catalog, shop
    )
    assert result.inputs == ("Price List",)
    assert fields(result) == {"doubled": ["Price List.Unit Price"]}


def test_openlineage_event_puts_column_lineage_on_the_output_dataset(catalog: Catalog) -> None:
    sql = "SELECT status, SUM(amount) AS revenue FROM orders GROUP BY status"
    result = column_lineage(sql, catalog, dialect="duckdb", namespace="duckdb://shop")

    def orders(column: str) -> dict[str, str]:
        return {"namespace": "duckdb://shop", "name": "orders", "field": column}

    assert result.to_openlineage(sql=sql, output="revenue_by_status") == {
        "job": {"facets": {"sql": {"query": sql}}},
        "inputs": [{"namespace": "duckdb://shop", "name": "orders"}],
        "outputs": [
            {
                "namespace": "duckdb://shop",
                "name": "revenue_by_status",
                "facets": {
                    "columnLineage": {
                        "fields": {
                            "status": {"inputFields": [orders("status")]},
                            "revenue": {"inputFields": [orders("amount")]},
                        }
                    }
                },
            }
        ],
    }


def test_openlineage_event_without_an_output_has_top_level_column_lineage(
    catalog: Catalog,
) -> None:
    sql = "SELECT COUNT(*) AS n FROM orders"
    event = column_lineage(sql, catalog, dialect="duckdb").to_openlineage(sql=sql)
    assert event["outputs"] == []
    assert event["columnLineage"] == {"fields": {"n": {"inputFields": []}}}


def test_sql_that_is_not_a_query_has_no_lineage(catalog: Catalog) -> None:
    with pytest.raises(ValidationError, match="cannot compute lineage"):
        column_lineage("SELECT FROM WHERE", catalog, dialect="duckdb")
