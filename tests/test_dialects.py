"""Generated SQL for all six dialects: it round-trips through sqlglot's own parser for the
dialect at strict error level, the validator accepts it, it runs on the engines we have
(DuckDB, SQLite, PostgreSQL) with the same rows, and each dialect's dangerous SQL is refused.

Round-tripping is plumbing, not proof that a warehouse accepts the SQL: the known gaps are in
docs/dialects.md. Snowflake, BigQuery and MySQL are executed elsewhere (emulators, MariaDB).
"""

from __future__ import annotations

import datetime
import decimal
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy
import sqlglot
import yaml
from sqlglot.errors import ErrorLevel

from sqlsynth.catalog import Catalog
from sqlsynth.plan import (
    Having,
    OrderItem,
    Predicate,
    QueryPlan,
    SelectItem,
    SetOperation,
    compile_plan,
)
from sqlsynth.spec import NLSpec, load_specs
from sqlsynth.translate.embedded import EmbeddedTranslator
from sqlsynth.validate import validate_sql
from sqlsynth.warehouse import load_catalog
from sqlsynth_dbt.project import DbtProject
from tests.conftest import DEMO, build_shop_warehouse
from tests.plan_builders import ORDERS_OF_CUSTOMER, col, item
from tests.warehouse_stand_ins import comparable

DIALECTS = ("duckdb", "postgres", "sqlite", "mysql", "snowflake", "bigquery")
EXAMPLE_DBT = Path(__file__).resolve().parent.parent / "example_dbt_project"


COUNT = SelectItem(aggregate="count", alias="order_count")

# Plan shapes the translators produce, over the demo shop (customers, products, orders).
SHAPES: dict[str, QueryPlan] = {
    "count": QueryPlan(
        select=(COUNT,),
        from_table="orders",
        filters=(Predicate(column=col("orders", "status"), op="=", value="completed"),),
    ),
    "group_by_having": QueryPlan(
        select=(item("customers", "country"), SelectItem(aggregate="count")),
        from_table="customers",
        group_by=(col("customers", "country"),),
        having=(Having(item=SelectItem(aggregate="count"), op=">", value=5),),
    ),
    "join": QueryPlan(
        select=(item("customers", "segment"), item("orders", "amount", "sum")),
        from_table="customers",
        joins=(ORDERS_OF_CUSTOMER,),
        group_by=(col("customers", "segment"),),
    ),
    "superlative": QueryPlan(
        select=(item("products", "name"), item("products", "price")),
        from_table="products",
        order_by=(
            OrderItem(item=item("products", "price"), descending=True),
            OrderItem(item=item("products", "product_id")),
        ),
        limit=1,
    ),
    "top_n": QueryPlan(
        select=(item("customers", "customer_id"), item("orders", "amount", "sum")),
        from_table="customers",
        joins=(ORDERS_OF_CUSTOMER,),
        filters=(Predicate(column=col("orders", "status"), op="=", value="completed"),),
        group_by=(col("customers", "customer_id"),),
        order_by=(
            OrderItem(item=item("orders", "amount", "sum"), descending=True),
            OrderItem(item=item("customers", "customer_id")),
        ),
        limit=5,
    ),
    "not_in": QueryPlan(
        select=(item("customers", "customer_id"),),
        from_table="customers",
        filters=(
            Predicate(
                column=col("customers", "customer_id"),
                op="not in",
                subplan=QueryPlan(
                    select=(item("orders", "customer_id"),),
                    from_table="orders",
                    filters=(
                        Predicate(column=col("orders", "status"), op="=", value="cancelled"),
                        Predicate(column=col("orders", "customer_id"), op="is not null"),
                    ),
                ),
            ),
        ),
    ),
    "intersect": QueryPlan(
        select=(item("customers", "country"),),
        from_table="customers",
        filters=(Predicate(column=col("customers", "segment"), op="=", value="consumer"),),
        order_by=(OrderItem(item=item("customers", "country")),),
        set_operation=SetOperation(
            op="intersect",
            plan=QueryPlan(
                select=(item("customers", "country"),),
                from_table="customers",
                filters=(
                    Predicate(column=col("customers", "signup_date"), op=">=", value="2023-06-01"),
                ),
            ),
        ),
    ),
    "year_filter": QueryPlan(
        select=(COUNT,),
        from_table="orders",
        filters=(
            Predicate(column=col("orders", "order_date"), op=">=", value="2024-01-01"),
            Predicate(column=col("orders", "order_date"), op="<", value="2025-01-01"),
        ),
    ),
    "date_between": QueryPlan(
        select=(item("customers", "customer_id"),),
        from_table="customers",
        filters=(
            Predicate(
                column=col("customers", "signup_date"),
                op="between",
                values=("2022-03-01", "2022-06-30"),
            ),
        ),
    ),
    "distinct": QueryPlan(
        select=(item("customers", "segment"),),
        from_table="customers",
        distinct=True,
        order_by=(OrderItem(item=item("customers", "segment")),),
    ),
    "count_distinct_like": QueryPlan(
        select=(item("customers", "country", "count", distinct=True),),
        from_table="customers",
        filters=(Predicate(column=col("customers", "email"), op="like", value="customer1%"),),
    ),
}


# --- fixtures: the catalogs, the example specs, and the same data on each engine -------------


@pytest.fixture(scope="module")
def shop_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shop") / "shop.duckdb"
    build_shop_warehouse(path)
    return path


UPSTREAM_FOLDERS = ("staging", "marts")
_JINJA_RELATION = re.compile(r"\{\{\s*(?:source\('\w+',\s*|ref\()'(\w+)'\)\s*\}\}")


def upstream_keys() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Primary keys (a `unique` test) and foreign keys (`relationships`) the models declare."""
    primary: dict[str, str] = {}
    foreign: dict[tuple[str, str], str] = {}
    for folder in UPSTREAM_FOLDERS:
        for path in (EXAMPLE_DBT / "models" / folder).glob("*.yml"):
            for model in yaml.safe_load(path.read_text()).get("models", []):
                for column in model["columns"]:
                    for test in column.get("data_tests", []):
                        if test == "unique":
                            primary[model["name"]] = column["name"]
                        elif isinstance(test, dict) and "relationships" in test:
                            target = test["relationships"]["arguments"]
                            table = re.sub(r"ref\('(\w+)'\)", r"\1", target["to"])
                            foreign[(model["name"], column["name"])] = table, target["field"]
    return primary, {key: f"{table} ({field})" for key, (table, field) in foreign.items()}


def build_dbt_example_warehouse(path: Path) -> None:
    """The example dbt project's staging and mart models over its seeds, as DuckDB tables with
    the keys its tests declare (the dbt integration reads keys from those tests too)."""
    primary, foreign = upstream_keys()
    models = {
        model.stem: _JINJA_RELATION.sub(r"\1", model.read_text())
        for folder in UPSTREAM_FOLDERS
        for model in (EXAMPLE_DBT / "models" / folder).glob("*.sql")
    }
    with duckdb.connect(str(path)) as con:
        for seed in sorted((EXAMPLE_DBT / "seeds").glob("*.csv")):
            con.execute(f"CREATE TABLE {seed.stem} AS SELECT * FROM read_csv_auto(?)", [str(seed)])
        needs = {
            m: {o for o in models if re.search(rf"\b{o}\b", sql)}
            | {foreign[key].split()[0] for key in foreign if key[0] == m}
            for m, sql in models.items()
        }
        pending = sorted(models)
        while pending:  # a model after the models it reads and references
            name = next(m for m in pending if not needs[m] & set(pending))
            pending.remove(name)
            columns = con.execute(f"DESCRIBE {models[name]}").fetchall()
            defs = [
                f"{column} {kind}"
                + (" PRIMARY KEY" if primary.get(name) == column else "")
                + (f" REFERENCES {foreign[(name, column)]}" if (name, column) in foreign else "")
                for column, kind, *_ in columns
            ]
            con.execute(f"CREATE TABLE {name} ({', '.join(defs)})")
            con.execute(f"INSERT INTO {name} {models[name]}")
        for seed in (EXAMPLE_DBT / "seeds").glob("*.csv"):
            con.execute(f"DROP TABLE {seed.stem}")


@pytest.fixture(scope="module")
def dbt_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dbt_example") / "example.duckdb"
    build_dbt_example_warehouse(path)
    return path


def example_specs() -> list[tuple[str, NLSpec]]:
    """Every demo spec and every spec the example dbt project generated a model from."""
    demo = [("shop", spec) for spec in load_specs(DEMO / "project" / "specs")]
    dbt = [("dbt", model.spec) for model in DbtProject(EXAMPLE_DBT).generated_models().values()]
    return sorted(demo + dbt, key=lambda pair: pair[1].name)


SPECS = example_specs()
CASES = [f"spec:{spec.name}" for _, spec in SPECS] + [f"shape:{name}" for name in SHAPES]


class Case:
    """One query of the matrix: its plan, and the warehouse and spec it belongs to."""

    def __init__(self, plan: QueryPlan, warehouse: Path, sources: tuple[str, ...]) -> None:
        self.plan = plan
        self.warehouse = warehouse
        self.sources = sources

    @property
    def catalog(self) -> Catalog:
        return load_catalog(self.warehouse.name, root=self.warehouse.parent)

    def sql(self, dialect: str) -> str:
        return compile_plan(self.plan, dialect)


@pytest.fixture(scope="module")
def cases(shop_warehouse: Path, dbt_warehouse: Path) -> dict[str, Case]:
    warehouses = {"shop": shop_warehouse, "dbt": dbt_warehouse}
    found = {f"shape:{name}": Case(plan, shop_warehouse, ()) for name, plan in SHAPES.items()}
    translator = EmbeddedTranslator()
    for project, spec in SPECS:
        warehouse = warehouses[project]
        catalog = load_catalog(warehouse.name, root=warehouse.parent)
        draft = translator.translate(spec, catalog, dialect="duckdb")
        assert draft.plan is not None, f"{spec.name}: the embedded translator gave no plan"
        found[f"spec:{spec.name}"] = Case(draft.plan, warehouse, spec.sources)
    return found


Run = Callable[[Path, str], list[tuple[Any, ...]]]


def duckdb_rows(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[Any]]:
    description = con.execute(f"DESCRIBE {table}").fetchall()
    rows = con.execute(f"SELECT * FROM {table}").fetchall()
    return [f"{name} {kind}" for name, kind, *_ in description], rows


def tables_of(warehouse: Path) -> dict[str, tuple[list[str], list[Any]]]:
    """Every table and view of a DuckDB file: its column definitions and its rows."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
        return {name: duckdb_rows(con, name) for name in names}


SQLITE_TYPES = {"INTEGER": "INTEGER", "BIGINT": "INTEGER", "VARCHAR": "TEXT", "DATE": "TEXT"}


def sqlite_copy(warehouse: Path) -> sqlite3.Connection:
    """The warehouse's data in SQLite: dates as ISO text, decimals as REAL."""
    con = sqlite3.connect(":memory:")
    for table, (columns, rows) in tables_of(warehouse).items():
        defs = [f"{c.split()[0]} {SQLITE_TYPES.get(c.split()[1], 'REAL')}" for c in columns]
        con.execute(f"CREATE TABLE {table} ({', '.join(defs)})")
        marks = ", ".join("?" for _ in columns)
        con.executemany(
            f"INSERT INTO {table} VALUES ({marks})",
            [
                tuple(
                    v.isoformat()
                    if isinstance(v, datetime.date)
                    else float(v)
                    if isinstance(v, decimal.Decimal)
                    else v
                    for v in row
                )
                for row in rows
            ],
        )
    return con


@pytest.fixture(scope="module")
def run_sqlite(shop_warehouse: Path, dbt_warehouse: Path) -> Run:
    copies = {w: sqlite_copy(w) for w in (shop_warehouse, dbt_warehouse)}
    return lambda warehouse, sql: copies[warehouse].execute(sql).fetchall()


@pytest.fixture(scope="module")
def run_duckdb() -> Run:
    def run(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    return run


@pytest.fixture(scope="module")
def run_postgres(shop_warehouse: Path, dbt_warehouse: Path) -> Iterator[Run]:
    """The warehouses' data in schemas of their own on the test server; never skipped."""
    url = os.environ.get("TEST_PG_URL")
    if not url:
        pytest.fail("TEST_PG_URL is not set: run `make test`, which starts PostgreSQL")
    schemas = {w: f"dialects_{uuid.uuid4().hex[:10]}" for w in (shop_warehouse, dbt_warehouse)}
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as con:
        for warehouse, schema in schemas.items():
            con.exec_driver_sql(f"CREATE SCHEMA {schema}")
            for table, (columns, rows) in tables_of(warehouse).items():
                defs = [c.replace("VARCHAR", "TEXT").replace("DOUBLE", "FLOAT8") for c in columns]
                con.exec_driver_sql(f"CREATE TABLE {schema}.{table} ({', '.join(defs)})")
                marks = ", ".join("%s" for _ in columns)
                con.exec_driver_sql(f"INSERT INTO {schema}.{table} VALUES ({marks})", rows)

    def run(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"SET search_path TO {schemas[warehouse]}")
            # No parameters, so `LIKE 'a%'` is not read as a placeholder.
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            raw.rollback()
            raw.close()

    yield run
    with engine.begin() as con:
        for schema in schemas.values():
            con.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()


# --- the matrix: every case in every dialect -------------------------------------------------


def layout(sql: str) -> str:
    """SQL with runs of whitespace as one space: sqlglot pretty-prints MySQL's emulated
    NULLS LAST (``CASE WHEN x IS NULL THEN 1 ELSE 0 END, x``) as one line, then splits it."""
    return " ".join(sql.split())


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", CASES)
def test_sql_round_trips_through_the_dialects_parser_unchanged(
    name: str, dialect: str, cases: dict[str, Case]
) -> None:
    sql = cases[name].sql(dialect)
    tree = sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)
    again = tree.sql(dialect=dialect, pretty=True, unsupported_level=ErrorLevel.RAISE)
    assert layout(again) == layout(sql)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", CASES)
def test_validator_accepts_the_sql_for_its_dialect(
    name: str, dialect: str, cases: dict[str, Case]
) -> None:
    case = cases[name]
    report = validate_sql(case.sql(dialect), case.catalog, dialect=dialect, sources=case.sources)
    assert report.findings == ()


ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def run_engine(request: pytest.FixtureRequest) -> tuple[str, Run]:
    """Each engine besides DuckDB in turn, as (dialect, run)."""
    run: Run = request.getfixturevalue(f"run_{request.param}")
    return request.param, run


@pytest.mark.parametrize("name", CASES)
def test_engine_returns_duckdbs_rows_without_the_limit(
    name: str, cases: dict[str, Case], run_duckdb: Run, run_engine: tuple[str, Run]
) -> None:
    dialect, run = run_engine
    case = cases[name]
    unlimited = case.plan.model_copy(update={"limit": None})
    expected = comparable(run_duckdb(case.warehouse, compile_plan(unlimited, "duckdb")))
    found = comparable(run(case.warehouse, compile_plan(unlimited, dialect)))
    assert expected and found == expected


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith("spec:")])
def test_engine_returns_as_many_rows_as_duckdb_for_each_example_spec(
    name: str, cases: dict[str, Case], run_duckdb: Run, run_engine: tuple[str, Run]
) -> None:
    # Not the same rows: a top N over tied values (top_customers) may keep other ties.
    dialect, run = run_engine
    case = cases[name]
    expected = run_duckdb(case.warehouse, case.sql("duckdb"))
    assert len(run(case.warehouse, case.sql(dialect))) == len(expected) > 0


@pytest.mark.parametrize("name", [n for n in SHAPES if SHAPES[n].order_by])
def test_engine_returns_duckdbs_rows_in_duckdbs_order(
    name: str, cases: dict[str, Case], run_duckdb: Run, run_engine: tuple[str, Run]
) -> None:
    dialect, run = run_engine
    case = cases[f"shape:{name}"]
    expected = comparable(run_duckdb(case.warehouse, case.sql("duckdb")), ordered=True)
    found = comparable(run(case.warehouse, case.sql(dialect)), ordered=True)
    assert expected and found == expected


# --- NULLs sort last everywhere --------------------------------------------------------------

SCORES = [("a", 3), ("b", None), ("c", 1)]


def scores_plan(descending: bool) -> QueryPlan:
    return QueryPlan(
        select=(item("scores", "name"),),
        from_table="scores",
        order_by=(OrderItem(item=item("scores", "score"), descending=descending),),
    )


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_nulls_sort_last_on_duckdb_and_sqlite(descending: bool) -> None:
    expected = [("a",), ("c",), ("b",)] if descending else [("c",), ("a",), ("b",)]
    with duckdb.connect() as duck:
        duck.execute("CREATE TABLE scores (name VARCHAR, score INTEGER)")
        duck.executemany("INSERT INTO scores VALUES (?, ?)", SCORES)
        assert duck.execute(compile_plan(scores_plan(descending), "duckdb")).fetchall() == expected
    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE scores (name TEXT, score INTEGER)")
    lite.executemany("INSERT INTO scores VALUES (?, ?)", SCORES)
    assert lite.execute(compile_plan(scores_plan(descending), "sqlite")).fetchall() == expected


@pytest.mark.postgres
@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_nulls_sort_last_on_postgres(descending: bool, pg_url: str) -> None:
    expected = [("a",), ("c",), ("b",)] if descending else [("c",), ("a",), ("b",)]
    engine = sqlalchemy.create_engine(pg_url)
    with engine.connect() as con:
        con.exec_driver_sql("CREATE TEMP TABLE scores (name TEXT, score INTEGER)")
        con.exec_driver_sql("INSERT INTO scores VALUES (%s, %s)", SCORES)
        found = con.exec_driver_sql(compile_plan(scores_plan(descending), "postgres")).all()
    engine.dispose()
    assert [tuple(row) for row in found] == expected


# --- reserved words as names: quoted where the dialect needs it ------------------------------


def keyword_plan(word: str) -> QueryPlan:
    """A plan that names ``word`` as a table and as a column in every clause."""
    return QueryPlan(
        select=(item(word, word), item(word, "plain")),
        from_table=word,
        filters=(Predicate(column=col(word, word), op="is null"),),
        group_by=(col(word, word), col(word, "plain")),
        order_by=(OrderItem(item=item(word, word)),),
    )


def run_keyword_plans(
    words: list[str], execute: Callable[[str], object], dialect: str
) -> list[str]:
    failed = []
    for word in words:
        execute(f'CREATE TABLE "{word}" ("{word}" INTEGER, plain INTEGER)')
        try:
            execute(compile_plan(keyword_plan(word), dialect))
        except Exception as error:  # the engine's own error type: any means the SQL failed
            failed.append(f"{word}: {str(error).splitlines()[0]}")
    return failed


def test_every_duckdb_keyword_works_as_a_name_on_duckdb() -> None:
    with duckdb.connect() as con:
        words = [
            row[0]
            for row in con.execute("SELECT DISTINCT keyword_name FROM duckdb_keywords()").fetchall()
        ]
        assert len(words) > 400
        assert run_keyword_plans(words, con.execute, "duckdb") == []


# https://sqlite.org/lang_keywords.html (SQLite 3.40)
_SQLITE_KEYWORDS_TEXT = """
    abort action add after all alter always analyze and as asc attach autoincrement before begin
    between by cascade case cast check collate column commit conflict constraint create cross
    current current_date current_time current_timestamp database default deferrable deferred
    delete desc detach distinct do drop each else end escape except exclude exclusive exists
    explain fail filter first following for foreign from full generated glob group groups having
    if ignore immediate in index indexed initially inner insert instead intersect into is isnull
    join key last left like limit match materialized natural no not nothing notnull null nulls of
    offset on or order others outer over partition plan pragma preceding primary query raise range
    recursive references regexp reindex release rename replace restrict returning right rollback
    row rows savepoint select set table temp temporary then ties to transaction trigger unbounded
    union unique update using vacuum values view virtual when where window with without
"""
SQLITE_KEYWORDS = _SQLITE_KEYWORDS_TEXT.split()


def test_every_sqlite_keyword_works_as_a_name_on_sqlite() -> None:
    con = sqlite3.connect(":memory:")
    assert run_keyword_plans(SQLITE_KEYWORDS, con.execute, "sqlite") == []


@pytest.mark.postgres
def test_every_reserved_postgres_keyword_works_as_a_name_on_postgres(pg_url: str) -> None:
    engine = sqlalchemy.create_engine(pg_url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')")
        words = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET search_path TO pg_temp")

        def execute(sql: str) -> None:
            cursor.execute("SAVEPOINT keyword")
            try:
                cursor.execute(sql)
            finally:
                cursor.execute("ROLLBACK TO SAVEPOINT keyword")

        assert len(words) > 90
        failed = []
        for word in words:
            cursor.execute(f'CREATE TEMP TABLE "{word}" ("{word}" INTEGER, plain INTEGER)')
            try:
                execute(compile_plan(keyword_plan(word), "postgres"))
            except Exception as error:
                failed.append(f"{word}: {str(error).splitlines()[0]}")
        assert failed == []
    finally:
        raw.rollback()
        raw.close()
        engine.dispose()


# https://docs.snowflake.com/en/sql-reference/reserved-keywords (no engine here to run them on)
_SNOWFLAKE_RESERVED_TEXT = """
    account all alter and any as between by case cast check column connect connection constraint
    create cross current current_date current_time current_timestamp current_user database delete
    distinct drop else exists false following for from full grant group gscluster having ilike in
    increment inner insert intersect into is issue join lateral left like localtime localtimestamp
    minus natural not null of on or order organization qualify regexp revoke right rlike row rows
    sample schema select set some start table tablesample then to trigger true try_cast union
    unique update using values view when whenever where with
"""
SNOWFLAKE_RESERVED = _SNOWFLAKE_RESERVED_TEXT.split()


@pytest.mark.parametrize("word", SNOWFLAKE_RESERVED)
def test_snowflake_reserved_word_is_quoted_as_a_name(word: str) -> None:
    sql = compile_plan(keyword_plan(word.upper()), "snowflake", pretty=False)
    assert f'FROM "{word.upper()}"' in sql and f'SELECT "{word.upper()}"' in sql


# --- each dialect's dangerous SQL is refused -------------------------------------------------

UNSAFE: list[tuple[str, str, str]] = [
    ("mysql", "SELECT LOAD_FILE('/etc/passwd') AS f FROM orders", "dangerous_functions"),
    ("mysql", "SELECT order_id FROM orders WHERE SLEEP(5) = 0", "dangerous_functions"),
    ("mysql", "SELECT BENCHMARK(1000000, MD5('x')) AS b FROM orders", "dangerous_functions"),
    ("mysql", "SELECT GET_LOCK('l', 10) AS l FROM orders", "dangerous_functions"),
    ("mysql", "SELECT RELEASE_ALL_LOCKS() AS l FROM orders", "dangerous_functions"),
    ("mysql", "SELECT MASTER_POS_WAIT('bin.1', 4) AS w FROM orders", "dangerous_functions"),
    ("mysql", "SELECT SYS_EXEC('id') AS x FROM orders", "dangerous_functions"),
    ("mysql", "SELECT NEXTVAL(order_seq) AS n FROM orders", "dangerous_functions"),
    ("mysql", "SELECT order_id FROM orders INTO OUTFILE '/tmp/o.csv'", "parse"),
    ("mysql", "SELECT order_id FROM orders INTO DUMPFILE '/tmp/o.bin'", "parse"),
    ("mysql", "SELECT order_id INTO @o FROM orders", "read_only"),
    ("mysql", "LOAD DATA INFILE '/tmp/x' INTO TABLE orders", "parse"),
    ("snowflake", "SELECT SYSTEM$WAIT(10) AS w FROM orders", "dangerous_functions"),
    ("snowflake", "SELECT $1 FROM @my_stage/orders.csv", "dangerous_functions"),
    ("snowflake", "SELECT $1 FROM '@\"my stage\"/orders.csv'", "dangerous_functions"),
    ("snowflake", "SELECT * FROM @~/private", "dangerous_functions"),
    ("snowflake", "SELECT * FROM TABLE(INFER_SCHEMA(LOCATION => '@s'))", "dangerous_functions"),
    ("snowflake", "SELECT GET_PRESIGNED_URL(@s, 'o.csv') AS u FROM orders", "dangerous_functions"),
    ("snowflake", "SELECT AI_PARSE_DOCUMENT(TO_FILE('@s', 'x.pdf')) AS d", "dangerous_functions"),
    ("snowflake", "SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))", "dangerous_functions"),
    (
        "snowflake",
        "SELECT SNOWFLAKE.CORTEX.COMPLETE('llama3', status) AS c FROM orders",
        "dangerous_functions",
    ),
    ("snowflake", "SELECT AI_COMPLETE('llama3', status) AS c FROM orders", "dangerous_functions"),
    ("snowflake", "GET @s file:///tmp/", "read_only"),
    ("snowflake", "PUT file:///tmp/x.csv @s", "read_only"),
    ("snowflake", "COPY INTO orders FROM @s", "read_only"),
    ("snowflake", "LIST @s", "read_only"),
    ("snowflake", "CALL cleanup()", "read_only"),
    ("bigquery", "SELECT * FROM EXTERNAL_QUERY('c', 'SELECT 1')", "dangerous_functions"),
    ("bigquery", "SELECT * FROM ML.PREDICT(MODEL d.m, TABLE orders)", "dangerous_functions"),
    (
        "bigquery",
        "SELECT * FROM ML.GENERATE_TEXT(MODEL d.m, (SELECT status AS prompt FROM orders))",
        "dangerous_functions",
    ),
    ("bigquery", "SELECT AI.GENERATE('x', connection_id => 'c') AS g", "dangerous_functions"),
    ("bigquery", "SELECT OBJ.GET_ACCESS_URL(ref, 'r') AS u FROM orders", "dangerous_functions"),
    ("bigquery", "EXPORT DATA OPTIONS (uri = 'gs://b/*') AS SELECT 1", "read_only"),
    ("bigquery", "EXECUTE IMMEDIATE 'DROP TABLE orders'", "read_only"),
    ("bigquery", "CALL BQ.ABORT_SESSION()", "read_only"),
]


@pytest.mark.parametrize(("dialect", "sql", "check"), UNSAFE)
def test_unsafe_sql_for_the_dialect_is_refused(
    dialect: str, sql: str, check: str, cases: dict[str, Case]
) -> None:
    report = validate_sql(sql, cases["shape:count"].catalog, dialect=dialect)
    assert [f.check for f in report.errors][:1] == [check]


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("snowflake", "SELECT TRANSLATE(status, 'a', 'b') AS t FROM orders"),
        ("bigquery", "SELECT GENERATE_DATE_ARRAY('2024-01-01', '2024-01-31') AS days"),
        ("mysql", "SELECT DATE_FORMAT(order_date, '%Y') AS y FROM orders"),
    ],
)
def test_ordinary_functions_that_resemble_refused_ones_pass(
    dialect: str, sql: str, cases: dict[str, Case]
) -> None:
    report = validate_sql(sql, cases["shape:count"].catalog, dialect=dialect)
    assert report.errors == ()
