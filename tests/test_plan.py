"""QueryPlan compiles to read-only SQL that parses in every dialect and runs on real engines."""

from __future__ import annotations

import doctest
import sqlite3
from collections.abc import Iterator
from typing import Any

import duckdb
import pydantic
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

import sqlsynth.plan
import sqlsynth.translate.linking
from sqlsynth.plan import (
    AnyOf,
    Having,
    Join,
    JoinKey,
    OrderItem,
    Predicate,
    QueryPlan,
    SelectItem,
    SetOperation,
    compile_plan,
)
from tests.plan_builders import ORDERS_OF_CUSTOMER, col, item

DIALECTS = ("duckdb", "postgres", "sqlite", "snowflake", "bigquery")

SCHEMA = """
CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR, country VARCHAR);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER REFERENCES customers (customer_id),
    status VARCHAR,
    amount INTEGER,
    order_date DATE
);
"""
CUSTOMERS = [
    (1, "Ada", "Germany"),
    (2, "Bruno", "France"),
    (3, "Chen", "Germany"),
    (4, "Dana", None),
    (5, "O'Brien", "Ireland"),
]
ORDERS = [
    (10, 1, "completed", 120, "2023-02-01"),
    (11, 1, "shipped", 80, "2023-11-15"),
    (12, 2, "completed", 200, "2024-01-03"),
    (13, 3, "cancelled", 50, "2024-03-09"),
    (14, 3, "completed", 75, "2024-05-20"),
    (15, 5, "completed", None, "2024-06-30"),
]


TOTAL_AMOUNT = item("orders", "amount", "sum")

PLANS: dict[str, tuple[QueryPlan, list[tuple[Any, ...]]]] = {
    "count_star": (
        QueryPlan(
            select=(SelectItem(aggregate="count", alias="customer_count"),), from_table="customers"
        ),
        [(5,)],
    ),
    "filters_and_or_group": (
        QueryPlan(
            select=(item("orders", "order_id"),),
            from_table="orders",
            filters=(
                Predicate(column=col("orders", "amount"), op=">=", value=75),
                AnyOf(
                    any_of=(
                        Predicate(column=col("orders", "status"), op="=", value="shipped"),
                        Predicate(column=col("orders", "order_date"), op=">=", value="2024-01-01"),
                    )
                ),
            ),
            order_by=(OrderItem(item=item("orders", "order_id")),),
        ),
        [(11,), (12,), (14,)],
    ),
    "between_in_like_null": (
        QueryPlan(
            select=(item("customers", "name"),),
            from_table="customers",
            filters=(
                Predicate(column=col("customers", "customer_id"), op="between", values=(1, 4)),
                Predicate(column=col("customers", "name"), op="in", values=("Ada", "Dana", "Chen")),
                Predicate(column=col("customers", "name"), op="contains", value="a"),
                Predicate(column=col("customers", "country"), op="is not null"),
            ),
        ),
        [("Ada",)],
    ),
    "join_group_having_order_limit": (
        QueryPlan(
            select=(
                item("customers", "country"),
                TOTAL_AMOUNT,
                SelectItem(aggregate="count", alias="order_count"),
            ),
            from_table="customers",
            joins=(ORDERS_OF_CUSTOMER,),
            filters=(Predicate(column=col("orders", "status"), op="!=", value="cancelled"),),
            group_by=(col("customers", "country"),),
            having=(Having(item=SelectItem(aggregate="count"), op=">", value=1),),
            order_by=(OrderItem(item=TOTAL_AMOUNT, descending=True),),
            limit=1,
        ),
        [("Germany", 275, 3)],
    ),
    "distinct_and_count_distinct": (
        QueryPlan(
            select=(
                item("orders", "customer_id", "count", distinct=True),
                item("orders", "amount", "max"),
                item("orders", "amount", "avg"),
            ),
            from_table="orders",
            filters=(Predicate(column=col("orders", "status"), op="=", value="completed"),),
        ),
        [(4, 200, 395 / 3)],
    ),
    "not_in_subplan": (
        QueryPlan(
            select=(item("customers", "name"),),
            from_table="customers",
            filters=(
                Predicate(
                    column=col("customers", "customer_id"),
                    op="not in",
                    subplan=QueryPlan(
                        select=(item("orders", "customer_id"),),
                        from_table="orders",
                        filters=(Predicate(column=col("orders", "customer_id"), op="is not null"),),
                    ),
                ),
            ),
        ),
        [("Dana",)],
    ),
    "above_the_average": (
        QueryPlan(
            select=(item("orders", "order_id"),),
            from_table="orders",
            filters=(
                Predicate(
                    column=col("orders", "amount"),
                    op=">",
                    subplan=QueryPlan(
                        select=(item("orders", "amount", "avg"),), from_table="orders"
                    ),
                ),
            ),
        ),
        [(10,), (12,)],
    ),
    "union_ordered": (
        QueryPlan(
            select=(item("customers", "country"),),
            from_table="customers",
            filters=(Predicate(column=col("customers", "name"), op="=", value="Ada"),),
            set_operation=SetOperation(
                op="union",
                plan=QueryPlan(
                    select=(item("customers", "country"),),
                    from_table="customers",
                    filters=(Predicate(column=col("customers", "name"), op="=", value="O'Brien"),),
                ),
            ),
            order_by=(OrderItem(item=item("customers", "country"), descending=True),),
        ),
        [("Ireland",), ("Germany",)],
    ),
    "except": (
        QueryPlan(
            select=(item("customers", "customer_id"),),
            from_table="customers",
            set_operation=SetOperation(
                op="except",
                plan=QueryPlan(select=(item("orders", "customer_id"),), from_table="orders"),
            ),
        ),
        [(4,)],
    ),
}


@pytest.fixture(scope="module")
def engines() -> Iterator[dict[str, Any]]:
    """The same tables and rows in a real DuckDB and a real SQLite database."""
    ddb = duckdb.connect()
    lite = sqlite3.connect(":memory:")
    for con in (ddb, lite):
        for statement in SCHEMA.split(";"):
            if statement.strip():
                con.execute(statement)
        con.executemany("INSERT INTO customers VALUES (?, ?, ?)", CUSTOMERS)
        con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", ORDERS)
    yield {"duckdb": ddb, "sqlite": lite}
    ddb.close()
    lite.close()


def normalised(rows: list[Any], *, ordered: bool) -> list[tuple[Any, ...]]:
    result = [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]
    return result if ordered else sorted(result, key=repr)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", sorted(PLANS))
def test_plan_compiles_to_one_read_only_query_in_every_dialect(name: str, dialect: str) -> None:
    sql = compile_plan(PLANS[name][0], dialect)
    tree = sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)
    assert isinstance(tree, exp.Select | exp.Union | exp.Intersect | exp.Except)
    writes = (exp.Insert, exp.Update, exp.Delete, exp.Drop, exp.Create, exp.Merge, exp.Command)
    assert not any(tree.find_all(*writes))


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
@pytest.mark.parametrize("name", sorted(PLANS))
def test_compiled_plan_returns_the_expected_rows(
    name: str, engine: str, engines: dict[str, Any]
) -> None:
    plan, expected = PLANS[name]
    result = engines[engine].execute(compile_plan(plan, engine)).fetchall()
    ordered = bool(plan.order_by)
    assert normalised(result, ordered=ordered) == normalised(expected, ordered=ordered)


def test_same_plan_compiles_to_the_same_bytes_even_after_a_json_round_trip() -> None:
    for plan, _ in PLANS.values():
        again = QueryPlan.model_validate_json(plan.model_dump_json())
        for dialect in DIALECTS:
            assert compile_plan(plan, dialect) == compile_plan(again, dialect)


def test_joins_use_short_aliases_and_aggregates_readable_names() -> None:
    sql = compile_plan(PLANS["join_group_having_order_limit"][0], "duckdb")
    assert "FROM customers AS c" in sql
    assert "JOIN orders AS o" in sql
    assert "SUM(o.amount) AS total_amount" in sql
    assert "ORDER BY\n  total_amount DESC" in sql


def test_single_table_plans_have_no_aliases() -> None:
    sql = compile_plan(PLANS["count_star"][0], "duckdb", pretty=False)
    assert sql == "SELECT COUNT(*) AS customer_count FROM customers"


def test_alias_collisions_fall_back_to_longer_aliases() -> None:
    plan = QueryPlan(
        select=(item("categories", "name"), item("customers", "name")),
        from_table="categories",
        joins=(
            Join(
                table="customers",
                on=(JoinKey(left=col("customers", "category_id"), right=col("categories", "id")),),
            ),
        ),
    )
    sql = compile_plan(plan, "duckdb", pretty=False)
    assert "FROM categories AS c JOIN customers AS cu" in sql
    assert "SELECT c.name, cu.name AS customers_name" in sql


def test_values_are_literals_never_sql(engines: dict[str, Any]) -> None:
    hostile = "x'; DROP TABLE customers; --"
    plan = QueryPlan(
        select=(item("customers", "name"),),
        from_table="customers",
        filters=(Predicate(column=col("customers", "name"), op="=", value=hostile),),
    )
    for dialect in DIALECTS:
        statements = sqlglot.parse(compile_plan(plan, dialect), read=dialect)
        assert len(statements) == 1
    for engine, con in engines.items():
        assert con.execute(compile_plan(plan, engine)).fetchall() == []
        assert con.execute("SELECT COUNT(*) FROM customers").fetchall() == [(5,)]


def test_awkward_names_are_quoted() -> None:
    plan = QueryPlan(
        select=(item("order", "Unit Price"), item("order", "group")),
        from_table="order",
    )
    sql = compile_plan(plan, "postgres", pretty=False)
    assert sql == 'SELECT "Unit Price", "group" FROM "order"'


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: QueryPlan(select=(item("orders", "amount"),), from_table="customers"),
            "not in FROM or a join",
        ),
        (
            lambda: QueryPlan(select=(item("orders", "status"), TOTAL_AMOUNT), from_table="orders"),
            "neither aggregated nor in GROUP BY",
        ),
        (lambda: SelectItem(aggregate="sum"), "only count may omit its column"),
        (
            lambda: Predicate(
                column=col("orders", "amount"),
                op=">",
                subplan=QueryPlan(select=(item("orders", "amount"),), from_table="orders"),
            ),
            "subplan of one aggregate",
        ),
        (
            lambda: Predicate(column=col("orders", "amount"), op="between", values=(1,)),
            "does not take these operands",
        ),
        (
            lambda: QueryPlan(
                select=(item("orders", "status"),),
                from_table="orders",
                distinct=True,
                order_by=(OrderItem(item=item("orders", "amount")),),
            ),
            "order by selected items only",
        ),
    ],
)
def test_inconsistent_plans_are_rejected(build: Any, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        build()


def test_ordering_puts_nulls_last_in_every_engine(engines: dict[str, Any]) -> None:
    plan = QueryPlan(
        select=(item("orders", "order_id"), item("orders", "amount")),
        from_table="orders",
        order_by=(OrderItem(item=item("orders", "amount"), descending=True),),
    )
    for engine, con in engines.items():
        last = con.execute(compile_plan(plan, engine)).fetchall()[-1]
        assert last == (15, None), engine


def test_docstring_examples_hold() -> None:
    for module in (sqlsynth.plan, sqlsynth.translate.linking):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__
