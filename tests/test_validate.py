"""The validator, checked against real engines: what it refuses, what it accepts, what it says.

Catalogs come from introspecting real DuckDB, SQLite and PostgreSQL databases built here, and
every query the validator accepts is also run on its engine: accepted SQL must be real SQL.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
import sqlalchemy

from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.errors import ValidationError
from sqlsynth.validate import (
    CHECKS,
    DANGEROUS_FUNCTION_PREFIXES,
    DANGEROUS_FUNCTIONS,
    Finding,
    validate_sql,
)

SHOP_SCHEMA = (
    """CREATE TABLE customers (
        customer_id INTEGER PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        email VARCHAR(200),
        country VARCHAR(50),
        signup_date DATE
    )""",
    """CREATE TABLE products (
        product_id INTEGER PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        category VARCHAR(50),
        price DECIMAL(10, 2)
    )""",
    """CREATE TABLE orders (
        order_id INTEGER PRIMARY KEY,
        customer_id INTEGER REFERENCES customers (customer_id),
        order_date DATE,
        status VARCHAR(20),
        amount DECIMAL(10, 2)
    )""",
    """CREATE TABLE order_items (
        order_id INTEGER REFERENCES orders (order_id),
        product_id INTEGER REFERENCES products (product_id),
        quantity INTEGER,
        PRIMARY KEY (order_id, product_id)
    )""",
    """INSERT INTO customers VALUES
        (1, 'Ada Meyer', 'ada@example.com', 'Germany', '2023-01-10'),
        (2, 'Bruno Rossi', 'bruno@example.com', 'Italy', '2023-02-14'),
        (3, 'Chen Silva', 'chen@example.com', 'Germany', '2023-03-01'),
        (4, 'Dana Novak', NULL, 'Poland', '2023-04-22')""",
    """INSERT INTO products VALUES
        (1, 'Desk', 'furniture', 250.00),
        (2, 'Chair', 'furniture', 120.00),
        (3, 'Lamp', 'lighting', 35.50)""",
    """INSERT INTO orders VALUES
        (10, 1, '2024-01-05', 'completed', 370.00),
        (11, 1, '2024-02-11', 'completed', 35.50),
        (12, 2, '2024-02-20', 'returned', 120.00),
        (13, 3, '2024-03-03', 'completed', 285.50),
        (14, 3, '2024-03-28', 'pending', 71.00)""",
    """INSERT INTO order_items VALUES
        (10, 1, 1), (10, 2, 1), (11, 3, 1), (12, 2, 1), (13, 1, 1), (13, 3, 1), (14, 3, 2)""",
)
SHOP_TABLES = ("customers", "orders", "order_items", "products")


@dataclass(frozen=True)
class Engine:
    """A real database with the shop schema, the catalog read from it, and a way to query it."""

    dialect: str
    schema: str
    catalog: Catalog
    run: Callable[[str], list[tuple[Any, ...]]]


def catalog_from_columns(dialect: str, rows: Iterable[tuple[str, str, str]]) -> Catalog:
    """A catalog from ``(table, column, type)`` rows in column order, as information_schema has."""
    tables: dict[str, list[Column]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append(Column(name=column, type=data_type or "TEXT"))
    return Catalog(
        dialect=dialect,
        tables=tuple(Table(name=name, columns=tuple(cols)) for name, cols in tables.items()),
    )


@pytest.fixture(scope="module")
def duckdb_engine() -> Iterator[Engine]:
    con = duckdb.connect()
    for statement in SHOP_SCHEMA:
        con.execute(statement)
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall()
    yield Engine(
        "duckdb", "main", catalog_from_columns("duckdb", rows), lambda s: con.execute(s).fetchall()
    )
    con.close()


@pytest.fixture(scope="module")
def sqlite_engine() -> Iterator[Engine]:
    con = sqlite3.connect(":memory:")
    for statement in SHOP_SCHEMA:
        con.execute(statement)
    # SQLite has no information_schema; pragma_table_info is its equivalent.
    rows = con.execute(
        "SELECT m.name, c.name, c.type FROM sqlite_master AS m "
        "JOIN pragma_table_info(m.name) AS c WHERE m.type = 'table' ORDER BY m.name, c.cid"
    ).fetchall()
    yield Engine(
        "sqlite", "main", catalog_from_columns("sqlite", rows), lambda s: con.execute(s).fetchall()
    )
    con.close()


@pytest.fixture(scope="module")
def postgres_engine() -> Iterator[Engine]:
    """The shop in a schema of its own on the server `make test` starts; never skipped."""
    url = os.environ.get("TEST_PG_URL")
    if not url:
        pytest.fail("TEST_PG_URL is not set: run `make test`, which starts PostgreSQL")
    schema = f"validate_{uuid.uuid4().hex[:10]}"
    engine = sqlalchemy.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    with engine.begin() as con:
        con.exec_driver_sql(f"CREATE SCHEMA {schema}")
        for statement in SHOP_SCHEMA:
            con.exec_driver_sql(statement)
        rows = con.execute(
            sqlalchemy.text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = :schema ORDER BY table_name, ordinal_position"
            ),
            {"schema": schema},
        ).all()

    def run(sql: str) -> list[tuple[Any, ...]]:
        # The DB-API cursor without parameters, so `LIKE 'a%'` is not read as a placeholder.
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            raw.rollback()
            raw.close()

    yield Engine("postgres", schema, catalog_from_columns("postgres", rows), run)
    with engine.begin() as con:
        con.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()


ENGINES = ["duckdb", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each real engine in turn."""
    found: Engine = request.getfixturevalue(f"{request.param}_engine")
    return found


@pytest.fixture
def catalog(duckdb_engine: Engine) -> Catalog:
    """The shop catalog, for checks that do not depend on the engine."""
    return duckdb_engine.catalog


def only_error(
    sql: str, catalog: Catalog, *, dialect: str = "duckdb", sources: tuple[str, ...] = ()
) -> Finding:
    """The one error ``sql`` has (failing if it has none, or more than one)."""
    report = validate_sql(sql, catalog, dialect=dialect, sources=sources)
    assert len(report.errors) == 1, report.findings
    return report.errors[0]


# -- the SQL must be exactly one read-only statement -------------------------------------------

STATE_CHANGING = [
    ("duckdb", "DELETE FROM orders WHERE status = 'returned'"),
    ("duckdb", "UPDATE orders SET status = 'completed'"),
    ("duckdb", "INSERT INTO orders VALUES (99, 1, '2024-05-01', 'pending', 1.00)"),
    ("duckdb", "INSERT INTO orders SELECT * FROM orders"),
    (
        "duckdb",
        "MERGE INTO orders USING orders AS s ON orders.order_id = s.order_id "
        "WHEN MATCHED THEN DELETE",
    ),
    ("duckdb", "CREATE TABLE big_orders AS SELECT * FROM orders WHERE amount > 100"),
    ("duckdb", "CREATE VIEW big_orders AS SELECT * FROM orders"),
    ("duckdb", "DROP TABLE orders"),
    ("duckdb", "ALTER TABLE orders ADD COLUMN note VARCHAR"),
    ("duckdb", "TRUNCATE orders"),
    ("duckdb", "COPY orders TO '/tmp/orders.csv'"),
    ("duckdb", "COPY orders FROM '/tmp/orders.csv'"),
    ("duckdb", "ATTACH '/tmp/other.duckdb' AS other"),
    ("duckdb", "DETACH other"),
    ("duckdb", "PRAGMA enable_profiling"),
    ("duckdb", "SET threads = 1"),
    ("duckdb", "INSTALL httpfs"),
    ("duckdb", "LOAD httpfs"),
    ("duckdb", "CALL pragma_version()"),
    ("duckdb", "CHECKPOINT"),
    ("duckdb", "BEGIN TRANSACTION"),
    ("duckdb", "USE main"),
    (
        "postgres",
        "MERGE INTO orders USING orders AS s ON orders.order_id = s.order_id "
        "WHEN MATCHED THEN DELETE",
    ),
    ("postgres", "CREATE TABLE t (a INT)"),
    ("postgres", "DROP TABLE orders CASCADE"),
    ("postgres", "TRUNCATE orders"),
    ("postgres", "COPY orders TO PROGRAM 'id'"),
    ("postgres", "SET search_path = public"),
    ("postgres", "SET ROLE postgres"),
    ("postgres", "GRANT SELECT ON orders TO PUBLIC"),
    ("postgres", "REVOKE SELECT ON orders FROM PUBLIC"),
    ("postgres", "CALL refresh_everything()"),
    ("postgres", "DO $$ BEGIN DELETE FROM orders; END $$"),
    ("postgres", "LOCK TABLE orders"),
    ("postgres", "VACUUM orders"),
    ("postgres", "COMMENT ON TABLE orders IS 'x'"),
    ("postgres", "LISTEN orders_changed"),
    ("postgres", "EXPLAIN ANALYZE DELETE FROM orders"),
    ("postgres", "PREPARE wipe AS DELETE FROM orders"),
    ("sqlite", "REPLACE INTO orders VALUES (10, 1, '2024-01-05', 'completed', 0)"),
    ("sqlite", "INSERT OR REPLACE INTO orders VALUES (10, 1, '2024-01-05', 'completed', 0)"),
    ("sqlite", "ATTACH DATABASE '/tmp/other.db' AS other"),
    ("sqlite", "DETACH DATABASE other"),
    ("sqlite", "PRAGMA writable_schema = 1"),
    ("sqlite", "VACUUM INTO '/tmp/copy.db'"),
    ("snowflake", "PUT file:///tmp/orders.csv @stage"),
    ("snowflake", "COPY INTO orders FROM @stage"),
    ("snowflake", "ALTER SESSION SET QUERY_TAG = 'x'"),
    ("snowflake", "USE WAREHOUSE big"),
    ("bigquery", "EXPORT DATA OPTIONS (uri = 'gs://b/*.csv', format = 'CSV') AS SELECT 1"),
    ("bigquery", "DECLARE x INT64"),
    ("bigquery", "LOAD DATA INTO orders FROM FILES (uris = ['gs://b/x.csv'])"),
    ("bigquery", "EXECUTE IMMEDIATE 'DELETE FROM orders WHERE TRUE'"),
]


@pytest.mark.parametrize(("dialect", "sql"), STATE_CHANGING)
def test_statement_that_writes_or_changes_state_is_rejected(
    dialect: str, sql: str, catalog: Catalog
) -> None:
    error = only_error(sql, catalog, dialect=dialect)
    assert error.check == "read_only"
    assert error.message.startswith("only a read-only SELECT may run")


def test_statement_sqlglot_cannot_parse_is_rejected_as_a_parse_error(catalog: Catalog) -> None:
    error = only_error("EXPORT DATABASE '/tmp/everything'", catalog)
    assert error.check == "parse"
    assert "line 1, column" in error.message


def test_delete_hidden_in_cte_is_rejected(catalog: Catalog) -> None:
    sql = "WITH gone AS (DELETE FROM orders RETURNING *) SELECT order_id FROM gone"
    error = only_error(sql, catalog, dialect="postgres")
    assert error.check == "read_only"
    assert error.message == "DELETE inside the CTE `gone` is not read-only"


@pytest.mark.parametrize(
    "cte",
    [
        "INSERT INTO orders SELECT * FROM orders RETURNING order_id",
        "UPDATE orders SET amount = 0 RETURNING order_id",
    ],
    ids=["insert", "update"],
)
def test_write_hidden_in_cte_is_rejected(cte: str, catalog: Catalog) -> None:
    error = only_error(f"WITH w AS ({cte}) SELECT order_id FROM w", catalog, dialect="postgres")
    assert error.check == "read_only"
    assert "inside the CTE `w`" in error.message


def test_select_into_is_rejected(catalog: Catalog) -> None:
    error = only_error("SELECT order_id INTO copy FROM orders", catalog, dialect="postgres")
    assert error.message.startswith("SELECT ... INTO")


@pytest.mark.parametrize("lock", ["FOR UPDATE", "FOR SHARE", "FOR NO KEY UPDATE"])
def test_locking_clause_is_rejected(lock: str, catalog: Catalog) -> None:
    error = only_error(f"SELECT order_id FROM orders {lock}", catalog, dialect="postgres")
    assert error.check == "read_only"
    assert "locking clause" in error.message


def test_stacked_statements_are_rejected(catalog: Catalog) -> None:
    error = only_error("SELECT order_id FROM orders; DROP TABLE orders", catalog)
    assert error.check == "single_statement"
    assert error.message == "found 2 statements; exactly one is allowed"


def test_trailing_semicolon_is_accepted(engine: Engine) -> None:
    sql = "SELECT order_id FROM orders;"
    assert validate_sql(sql, engine.catalog, dialect=engine.dialect).findings == ()
    assert len(engine.run(sql)) == 5


@pytest.mark.parametrize("sql", ["", "   \n", "-- only a comment", ";"])
def test_empty_sql_is_rejected(sql: str, catalog: Catalog) -> None:
    error = only_error(sql, catalog)
    assert (error.check, error.message) == ("single_statement", "the SQL is empty")


def test_syntax_error_is_one_finding_with_its_position(catalog: Catalog) -> None:
    error = only_error("SELECT order_id FROM orders WHERE", catalog)
    assert error.check == "parse"
    assert error.message == (
        "not valid duckdb SQL: incomplete WHERE at line 1, column 33 near `WHERE`"
    )


def test_later_checks_are_skipped_once_a_gate_fails(catalog: Catalog) -> None:
    report = validate_sql(
        "DELETE FROM no_such_table WHERE no_such_column = 1", catalog, dialect="duckdb"
    )
    assert [f.check for f in report.findings] == ["read_only"]


def test_unknown_dialect_is_reported_not_raised(catalog: Catalog) -> None:
    error = only_error("SELECT 1", catalog, dialect="postgresql")
    assert error.check == "dialect"
    assert "postgres" in error.message


# -- no file, network, sleep or admin functions -------------------------------------------------

LISTED_DANGEROUS = {
    "duckdb": [
        "read_csv",
        "read_csv_auto",
        "read_parquet",
        "read_json",
        "read_json_auto",
        "read_text",
        "read_blob",
        "glob",
        "parquet_scan",
        "parquet_metadata",
        "sniff_csv",
        "query",
        "query_table",
        "getenv",
        "duckdb_secrets",
    ],
    "postgres": [
        "pg_read_file",
        "pg_read_binary_file",
        "pg_ls_dir",
        "pg_stat_file",
        "pg_sleep",
        "pg_sleep_for",
        "pg_sleep_until",
        "dblink",
        "dblink_exec",
        "lo_import",
        "lo_export",
        "pg_terminate_backend",
        "pg_cancel_backend",
        "set_config",
        "current_setting",
        "pg_reload_conf",
    ],
    "sqlite": ["load_extension", "readfile", "writefile", "fts3_tokenizer", "edit"],
    "snowflake": ["system$wait", "get_presigned_url"],
    "bigquery": ["external_query"],
}
DANGEROUS_CASES = [(d, name) for d, names in LISTED_DANGEROUS.items() for name in names]


@pytest.mark.parametrize(("dialect", "name"), DANGEROUS_CASES)
def test_dangerous_function_call_is_rejected(dialect: str, name: str, catalog: Catalog) -> None:
    sql = f"SELECT order_id, {name}('/etc/passwd') AS leak FROM orders"
    error = only_error(sql, catalog, dialect=dialect)
    assert error.check == "dangerous_functions"
    assert f"`{name}()`" in error.message.lower()
    assert error.hint is not None and "reading files or the network, sleeping" in error.hint


@pytest.mark.parametrize(("dialect", "name"), DANGEROUS_CASES)
def test_dangerous_table_function_is_rejected(dialect: str, name: str, catalog: Catalog) -> None:
    error = only_error(f"SELECT * FROM {name}('/etc/passwd')", catalog, dialect=dialect)
    assert error.check == "dangerous_functions"


@pytest.mark.parametrize(("dialect", "name"), DANGEROUS_CASES)
def test_listed_function_is_in_the_published_deny_list(dialect: str, name: str) -> None:
    assert name in DANGEROUS_FUNCTIONS[dialect] or name.startswith(DANGEROUS_FUNCTION_PREFIXES)


def test_dangerous_function_names_ignore_case(catalog: Catalog) -> None:
    error = only_error("SELECT PG_SLEEP(10)", catalog, dialect="postgres")
    assert error.check == "dangerous_functions"


def test_dangerous_function_hidden_in_a_cte_is_rejected(catalog: Catalog) -> None:
    sql = "WITH slow AS (SELECT pg_catalog.pg_sleep(10) AS s) SELECT s FROM slow"
    assert only_error(sql, catalog, dialect="postgres").check == "dangerous_functions"


def test_file_reader_of_another_dialect_is_still_rejected(catalog: Catalog) -> None:
    sql = "SELECT pg_read_file('/etc/passwd') AS leak"
    assert only_error(sql, catalog, dialect="duckdb").check == "dangerous_functions"


def test_duckdb_file_read_is_rejected_although_duckdb_runs_it(
    duckdb_engine: Engine, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    sql = f"SELECT * FROM read_csv('{secret}')"
    assert duckdb_engine.run(sql) == [("hunter2",)]
    report = validate_sql(sql, duckdb_engine.catalog, dialect="duckdb")
    assert [f.check for f in report.errors] == ["dangerous_functions"]


def test_quoted_file_path_used_as_a_table_is_rejected(
    duckdb_engine: Engine, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    sql = f"SELECT * FROM '{secret}'"
    assert duckdb_engine.run(sql) == [("hunter2",)]
    error = only_error(sql, duckdb_engine.catalog)
    assert error.check == "dangerous_functions"
    assert "file path" in error.message


@pytest.mark.parametrize(
    "table", ["'data.csv'", "'s3://bucket/orders.parquet'", '"orders.json"', "'logs/*.csv'"]
)
def test_file_like_table_names_are_rejected(table: str, catalog: Catalog) -> None:
    assert only_error(f"SELECT * FROM {table}", catalog).check == "dangerous_functions"


def test_snowflake_stage_used_as_a_table_is_rejected(catalog: Catalog) -> None:
    error = only_error("SELECT $1 FROM @landing/orders.csv", catalog, dialect="snowflake")
    assert error.check == "dangerous_functions"


@pytest.mark.postgres
def test_postgres_sleep_is_rejected_although_postgres_runs_it(postgres_engine: Engine) -> None:
    sql = "SELECT pg_sleep(0) AS slept"
    assert postgres_engine.run(sql) == [("",)]  # void: it ran
    assert only_error(sql, postgres_engine.catalog, dialect="postgres").check == (
        "dangerous_functions"
    )


# -- every table and column exists --------------------------------------------------------------


def test_unknown_table_suggests_the_nearest_table(engine: Engine) -> None:
    sql = "SELECT order_id FROM ordrs"
    error = only_error(sql, engine.catalog, dialect=engine.dialect)
    assert (error.check, error.message) == ("known_tables", "unknown table `ordrs`")
    assert error.hint == "did you mean `orders`?"
    with pytest.raises(Exception, match=r"(?i)ordrs"):
        engine.run(sql)


def test_unknown_column_suggests_the_nearest_column(engine: Engine) -> None:
    sql = "SELECT custmer_id, SUM(amount) AS revenue FROM orders GROUP BY custmer_id"
    report = validate_sql(sql, engine.catalog, dialect=engine.dialect)
    assert report.errors[0].message == "unknown column `custmer_id`"
    assert report.errors[0].hint == "did you mean `customer_id`?"
    with pytest.raises(Exception, match=r"(?i)custmer_id"):
        engine.run(sql)


def test_unknown_qualified_column_names_its_table(engine: Engine) -> None:
    sql = "SELECT o.amout FROM orders AS o"
    error = only_error(sql, engine.catalog, dialect=engine.dialect)
    assert error.message == "unknown column `amout` in `orders` (as `o`)"
    assert error.hint == "did you mean `amount`?"


def test_every_unknown_column_is_reported(catalog: Catalog) -> None:
    sql = "SELECT o.stauts, c.nmae FROM orders AS o JOIN customers AS c USING (customer_id)"
    report = validate_sql(sql, catalog, dialect="duckdb")
    assert [(f.message, f.hint) for f in report.errors] == [
        ("unknown column `stauts` in `orders` (as `o`)", "did you mean `status`?"),
        ("unknown column `nmae` in `customers` (as `c`)", "did you mean `name`?"),
    ]


def test_ambiguous_column_asks_to_qualify_it(engine: Engine) -> None:
    sql = (
        "SELECT name, quantity FROM order_items AS oi "
        "JOIN products AS p ON p.product_id = oi.product_id "
        "JOIN orders AS o ON o.order_id = oi.order_id "
        "JOIN customers AS c ON c.customer_id = o.customer_id"
    )
    error = only_error(sql, engine.catalog, dialect=engine.dialect)
    assert error.message == "column `name` is ambiguous: it is in c, p"
    assert error.hint == "qualify it, e.g. `c.name`"
    with pytest.raises(Exception, match=r"(?i)ambiguous"):
        engine.run(sql)


def test_unknown_alias_suggests_the_aliases_in_scope(catalog: Catalog) -> None:
    error = only_error("SELECT ord.amount FROM orders AS o", catalog)
    assert (
        error.message == "`ord.amount` refers to `ord`, which is not a table or alias in this query"
    )


def test_unknown_column_of_a_cte_names_the_cte(catalog: Catalog) -> None:
    sql = (
        "WITH revenue AS (SELECT customer_id, SUM(amount) AS total FROM orders "
        "GROUP BY customer_id) SELECT r.totl FROM revenue AS r"
    )
    error = only_error(sql, catalog)
    assert error.message == "unknown column `totl` in `r`"
    assert error.hint == "did you mean `total`?"


def test_column_hidden_by_a_subquery_is_unknown(engine: Engine) -> None:
    sql = "SELECT status FROM (SELECT order_id, amount FROM orders) AS o"
    error = only_error(sql, engine.catalog, dialect=engine.dialect)
    assert error.message == "unknown column `status`"
    with pytest.raises(Exception, match=r"(?i)status"):
        engine.run(sql)


def test_unknown_column_in_a_correlated_subquery_is_reported(catalog: Catalog) -> None:
    sql = (
        "SELECT name FROM customers AS c WHERE EXISTS "
        "(SELECT 1 FROM orders AS o WHERE o.customer_id = c.customerid)"
    )
    error = only_error(sql, catalog)
    assert error.message == "unknown column `customerid` in `customers` (as `c`)"
    assert error.hint == "did you mean `customer_id`?"


def test_upper_case_sql_resolves_against_a_lower_case_catalog(engine: Engine) -> None:
    sql = "SELECT CUSTOMER_ID, SUM(AMOUNT) AS TOTAL FROM ORDERS GROUP BY CUSTOMER_ID"
    assert validate_sql(sql, engine.catalog, dialect=engine.dialect).findings == ()
    assert len(engine.run(sql)) == 3


PSEUDOCOLUMN = {"duckdb": "rowid", "sqlite": "rowid", "postgres": "ctid"}


def test_engine_pseudocolumn_is_a_known_column(engine: Engine) -> None:
    sql = f"SELECT o.{PSEUDOCOLUMN[engine.dialect]}, o.order_id FROM orders AS o"
    assert validate_sql(sql, engine.catalog, dialect=engine.dialect).findings == ()
    assert len(engine.run(sql)) == 5


@pytest.mark.postgres
def test_quoted_identifier_must_match_case_in_postgres(postgres_engine: Engine) -> None:
    sql = 'SELECT "Status" FROM orders'
    error = only_error(sql, postgres_engine.catalog, dialect="postgres")
    assert error.message == "unknown column `Status`"
    assert error.hint == "did you mean `status`?"
    with pytest.raises(psycopg.errors.UndefinedColumn, match="Status"):
        postgres_engine.run(sql)


@pytest.mark.postgres
def test_quoted_table_name_must_match_case_in_postgres(postgres_engine: Engine) -> None:
    sql = 'SELECT order_id FROM "Orders"'
    error = only_error(sql, postgres_engine.catalog, dialect="postgres")
    assert error.message == 'table `"Orders"` does not match the case of `orders` in the catalog'
    assert error.hint == "write it as `orders`"
    with pytest.raises(psycopg.errors.UndefinedTable, match="Orders"):
        postgres_engine.run(sql)


def test_quoted_identifier_ignores_case_in_duckdb(duckdb_engine: Engine) -> None:
    sql = 'SELECT "Status" FROM orders'
    assert validate_sql(sql, duckdb_engine.catalog, dialect="duckdb").findings == ()
    assert len(duckdb_engine.run(sql)) == 5


def test_schema_qualified_table_resolves_by_bare_name(engine: Engine) -> None:
    sql = f"SELECT o.order_id FROM {engine.schema}.orders AS o"
    report = validate_sql(sql, engine.catalog, dialect=engine.dialect, sources=("orders",))
    assert report.findings == ()
    assert report.tables == ("orders",)
    assert len(engine.run(sql)) == 5


# -- only the spec's sources are read ------------------------------------------------------------


def test_table_outside_the_sources_is_rejected(catalog: Catalog) -> None:
    sql = (
        "SELECT c.name, SUM(o.amount) AS revenue FROM orders AS o "
        "JOIN customers AS c ON c.customer_id = o.customer_id GROUP BY c.name"
    )
    error = only_error(sql, catalog, sources=("orders",))
    assert error.check == "allowed_sources"
    assert error.message == "`customers` is not one of the spec's sources (orders)"
    assert error.hint == "add `customers` to the spec's `sources`, or answer without it"


def test_sources_compare_bare_lower_case_names(catalog: Catalog) -> None:
    sql = "SELECT o.order_id, c.name FROM orders AS o JOIN customers AS c USING (customer_id)"
    report = validate_sql(sql, catalog, dialect="duckdb", sources=("MAIN.Orders", "customers"))
    assert report.findings == ()


def test_cte_named_like_a_table_does_not_hide_the_table_it_reads(engine: Engine) -> None:
    sql = "WITH orders AS (SELECT customer_id, name FROM customers) SELECT name FROM orders"
    report = validate_sql(sql, engine.catalog, dialect=engine.dialect, sources=("orders",))
    assert report.tables == ("customers",)
    assert [f.check for f in report.errors] == ["allowed_sources"]
    assert len(engine.run(sql)) == 4


# -- warnings: legal, but rarely what a model should be ------------------------------------------


def test_select_star_is_a_warning_not_an_error(catalog: Catalog) -> None:
    report = validate_sql("SELECT * FROM orders", catalog, dialect="duckdb")
    assert report.ok
    assert [(f.check, f.hint) for f in report.warnings] == [
        ("select_star", "list the columns the model returns")
    ]


def test_select_star_inside_a_cte_is_fine(engine: Engine) -> None:
    sql = "WITH recent AS (SELECT * FROM orders) SELECT order_id, amount FROM recent"
    assert validate_sql(sql, engine.catalog, dialect=engine.dialect).findings == ()
    assert len(engine.run(sql)) == 5


def test_join_without_a_condition_is_a_warning(catalog: Catalog) -> None:
    sql = "SELECT c.name, o.amount FROM customers AS c, orders AS o"
    report = validate_sql(sql, catalog, dialect="duckdb")
    assert report.ok
    assert [(f.check, f.message) for f in report.warnings] == [
        ("cartesian_join", "`o` is joined without a condition linking it to the other tables")
    ]


def test_join_condition_in_where_is_not_a_warning(engine: Engine) -> None:
    sql = (
        "SELECT c.name, o.amount FROM customers AS c, orders AS o "
        "WHERE o.customer_id = c.customer_id AND o.status = 'completed'"
    )
    assert validate_sql(sql, engine.catalog, dialect=engine.dialect).findings == ()
    assert len(engine.run(sql)) == 3


def test_join_on_a_constant_condition_is_a_warning(catalog: Catalog) -> None:
    sql = "SELECT c.name, p.name AS product FROM customers AS c JOIN products AS p ON 1 = 1"
    report = validate_sql(sql, catalog, dialect="duckdb")
    assert [f.check for f in report.warnings] == ["cartesian_join"]


def test_join_to_a_one_row_total_is_not_a_warning(engine: Engine) -> None:
    sql = (
        "SELECT o.status, SUM(o.amount) / t.total AS share FROM orders AS o "
        "CROSS JOIN (SELECT SUM(amount) AS total FROM orders) AS t GROUP BY o.status, t.total"
    )
    assert validate_sql(sql, engine.catalog, dialect=engine.dialect).findings == ()
    assert len(engine.run(sql)) == 3


def test_explicit_cross_join_is_still_a_warning(catalog: Catalog) -> None:
    sql = "SELECT c.name, p.name AS product FROM customers AS c CROSS JOIN products AS p"
    report = validate_sql(sql, catalog, dialect="duckdb")
    assert report.ok
    assert [f.message for f in report.warnings] == [
        "CROSS JOIN `p` pairs every row with every row of the other tables"
    ]


# -- ordinary analytic SQL passes, and is real SQL on its engine ---------------------------------

PORTABLE_SQL = {
    "join-group-having-order-by-alias": """
        SELECT c.country, COUNT(*) AS order_count, SUM(o.amount) AS revenue
        FROM orders AS o
        JOIN customers AS c ON c.customer_id = o.customer_id
        WHERE o.status = 'completed'
        GROUP BY c.country
        HAVING COUNT(*) >= 1
        ORDER BY revenue DESC
    """,
    "window-functions": """
        SELECT
            customer_id,
            order_id,
            amount,
            ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY amount DESC) AS rank_in_customer,
            SUM(amount) OVER (PARTITION BY customer_id) AS customer_total,
            LAG(order_date) OVER (PARTITION BY customer_id ORDER BY order_date) AS previous_order
        FROM orders
    """,
    "cte-chain": """
        WITH customer_revenue AS (
            SELECT customer_id, SUM(amount) AS revenue FROM orders GROUP BY customer_id
        ),
        ranked AS (
            SELECT customer_id, revenue, RANK() OVER (ORDER BY revenue DESC) AS revenue_rank
            FROM customer_revenue
        )
        SELECT c.name, r.revenue
        FROM ranked AS r
        JOIN customers AS c ON c.customer_id = r.customer_id
        WHERE r.revenue_rank <= 3
        ORDER BY r.revenue DESC
    """,
    "union": """
        SELECT customer_id FROM customers WHERE country = 'Germany'
        UNION
        SELECT customer_id FROM orders WHERE amount > 100
    """,
    "union-all-with-order-by": """
        SELECT 'customer' AS kind, name FROM customers
        UNION ALL
        SELECT 'product' AS kind, name FROM products
        ORDER BY kind, name
    """,
    "intersect": "SELECT customer_id FROM customers INTERSECT SELECT customer_id FROM orders",
    "except": "SELECT customer_id FROM customers EXCEPT SELECT customer_id FROM orders",
    "exists-correlated": """
        SELECT c.name FROM customers AS c
        WHERE EXISTS (
            SELECT 1 FROM orders AS o WHERE o.customer_id = c.customer_id AND o.status = 'returned'
        )
    """,
    "not-exists-unqualified-inner-columns": """
        SELECT name FROM customers
        WHERE NOT EXISTS (SELECT 1 FROM orders WHERE orders.customer_id = customers.customer_id)
    """,
    "scalar-subquery": """
        SELECT c.name,
            (SELECT MAX(o.amount) FROM orders AS o WHERE o.customer_id = c.customer_id)
                AS largest_order
        FROM customers AS c
    """,
    "in-subquery": """
        SELECT name FROM products
        WHERE product_id IN (SELECT product_id FROM order_items WHERE quantity >= 2)
    """,
    "derived-table": """
        SELECT big.customer_id, big.total
        FROM (SELECT customer_id, SUM(amount) AS total FROM orders GROUP BY customer_id) AS big
        WHERE big.total > 100
    """,
    "case": """
        SELECT order_id,
            CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 50 THEN 'medium'
                ELSE 'small' END AS size
        FROM orders
    """,
    "order-by-alias-and-ordinal": """
        SELECT status, COUNT(*) AS n FROM orders GROUP BY status ORDER BY n DESC, 1
    """,
    "group-by-ordinal": "SELECT status, SUM(amount) AS total FROM orders GROUP BY 1",
    "using-join": "SELECT order_id, name FROM orders JOIN customers USING (customer_id)",
    "left-join-coalesce": """
        SELECT p.category, COALESCE(SUM(oi.quantity * p.price), 0) AS sales
        FROM products AS p
        LEFT JOIN order_items AS oi ON oi.product_id = p.product_id
        GROUP BY p.category
    """,
    "four-way-join": """
        SELECT c.name AS customer, p.name AS product, oi.quantity
        FROM order_items AS oi
        JOIN orders AS o ON o.order_id = oi.order_id
        JOIN customers AS c ON c.customer_id = o.customer_id
        JOIN products AS p ON p.product_id = oi.product_id
        WHERE o.status <> 'returned'
    """,
    "self-join": """
        SELECT a.order_id, b.order_id AS later_order_id
        FROM orders AS a
        JOIN orders AS b ON b.customer_id = a.customer_id AND b.order_date > a.order_date
    """,
    "distinct-limit": "SELECT DISTINCT country FROM customers ORDER BY country LIMIT 3",
    "count-distinct-and-null-handling": """
        SELECT country, COUNT(DISTINCT customer_id) AS customers, COUNT(email) AS with_email
        FROM customers WHERE email IS NOT NULL OR country IN ('Poland', 'Italy')
        GROUP BY country
    """,
    "like-between-cast": """
        SELECT order_id, CAST(amount AS INTEGER) AS whole_amount FROM orders
        WHERE status LIKE 'comp%' AND amount BETWEEN 10 AND 500
    """,
    "aggregate-of-window": """
        SELECT customer_id, MAX(running) AS peak FROM (
            SELECT customer_id,
                SUM(amount) OVER (PARTITION BY customer_id ORDER BY order_date) AS running
            FROM orders
        ) AS r GROUP BY customer_id
    """,
}

ENGINE_SQL = {
    "duckdb": {
        "qualify": """
            SELECT customer_id, amount FROM orders
            QUALIFY ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY amount DESC) = 1
        """,
        "group-by-all": "SELECT status, COUNT(*) AS n FROM orders GROUP BY ALL",
        "date-trunc-filter": """
            SELECT date_trunc('month', order_date) AS month,
                SUM(amount) FILTER (WHERE status = 'completed') AS completed
            FROM orders GROUP BY 1 ORDER BY 1
        """,
        "string-agg": """
            SELECT customer_id, string_agg(status, ',' ORDER BY order_date) AS statuses
            FROM orders GROUP BY customer_id
        """,
    },
    "postgres": {
        "distinct-on": """
            SELECT DISTINCT ON (customer_id) customer_id, order_id, amount
            FROM orders ORDER BY customer_id, amount DESC
        """,
        "date-trunc-cast": """
            SELECT date_trunc('month', order_date) AS month, SUM(amount)::numeric(12, 2) AS revenue
            FROM orders GROUP BY 1 ORDER BY 1
        """,
        "ilike-filter": """
            SELECT status, COUNT(*) FILTER (WHERE amount > 50) AS big_orders
            FROM orders WHERE status ILIKE 'C%' GROUP BY status
        """,
        "lateral": """
            SELECT c.name, last_order.amount
            FROM customers AS c
            CROSS JOIN LATERAL (
                SELECT o.amount FROM orders AS o WHERE o.customer_id = c.customer_id
                ORDER BY o.order_date DESC LIMIT 1
            ) AS last_order
        """,
        "generate-series": """
            SELECT d.day::date AS day, COUNT(o.order_id) AS orders
            FROM generate_series(DATE '2024-03-01', DATE '2024-03-05', INTERVAL '1 day') AS d(day)
            LEFT JOIN orders AS o ON o.order_date = d.day
            GROUP BY d.day ORDER BY d.day
        """,
    },
    "sqlite": {
        "strftime": """
            SELECT strftime('%Y-%m', order_date) AS month, SUM(amount) AS revenue
            FROM orders GROUP BY month ORDER BY month
        """,
        "group-concat-ifnull": """
            SELECT customer_id, group_concat(status) AS statuses, IFNULL(MAX(amount), 0) AS top
            FROM orders GROUP BY customer_id
        """,
    },
}

ORDINARY = [
    pytest.param(engine_name, sql, id=f"{engine_name}-{name}", marks=marks)
    for engine_name, marks in (("duckdb", ()), ("sqlite", ()), ("postgres", pytest.mark.postgres))
    for name, sql in {**PORTABLE_SQL, **ENGINE_SQL[engine_name]}.items()
]


@pytest.mark.parametrize(("engine_name", "sql"), ORDINARY)
def test_ordinary_analytic_sql_is_accepted_and_runs(
    engine_name: str, sql: str, request: pytest.FixtureRequest
) -> None:
    engine: Engine = request.getfixturevalue(f"{engine_name}_engine")
    report = validate_sql(sql, engine.catalog, dialect=engine.dialect, sources=SHOP_TABLES)
    assert report.findings == ()
    engine.run(sql)


# -- the report ------------------------------------------------------------------------------------


def test_report_lists_the_tables_read_without_ctes(catalog: Catalog) -> None:
    sql = (
        "WITH revenue AS (SELECT customer_id, SUM(amount) AS total FROM orders "
        "GROUP BY customer_id) SELECT c.name, r.total FROM revenue AS r "
        "JOIN Customers AS c ON c.customer_id = r.customer_id"
    )
    assert validate_sql(sql, catalog, dialect="duckdb").tables == ("customers", "orders")


def test_raise_for_errors_names_the_model_and_the_first_error(catalog: Catalog) -> None:
    report = validate_sql("SELECT o.amout, o.stauts FROM orders AS o", catalog, dialect="duckdb")
    with pytest.raises(ValidationError) as raised:
        report.raise_for_errors("revenue_by_status")
    assert raised.value.message == (
        "revenue_by_status: SQL failed validation: [known_columns] "
        "unknown column `amout` in `orders` (as `o`) (and 1 more)"
    )
    assert raised.value.hint == "did you mean `amount`?"
    assert raised.value.findings == report.errors


def test_raise_for_errors_ignores_warnings(catalog: Catalog) -> None:
    validate_sql("SELECT * FROM orders", catalog, dialect="duckdb").raise_for_errors("all")


def test_every_finding_names_its_check(catalog: Catalog) -> None:
    sql = "SELECT * FROM orders AS o, customers AS c WHERE o.stauts = 'x' AND c.nmae = 'y'"
    report = validate_sql(sql, catalog, dialect="duckdb", sources=("orders",))
    assert {f.check for f in report.findings} == {
        "known_columns",
        "allowed_sources",
        "select_star",
        "cartesian_join",
    }
    assert {f.check for f in report.findings} <= {check.__name__ for check in CHECKS}
