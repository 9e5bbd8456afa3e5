import sqlite3
from pathlib import Path

import pytest
import sqlalchemy

from sqlsynth.errors import WarehouseError
from sqlsynth.warehouse import connect, load_catalog, redact_url
from tests.conftest import build_shop_warehouse


@pytest.fixture
def shop_duckdb(tmp_path: Path) -> Path:
    path = tmp_path / "shop.duckdb"
    build_shop_warehouse(path)
    return path


def test_duckdb_catalog_has_keys_descriptions_and_samples(shop_duckdb: Path) -> None:
    catalog = connect(str(shop_duckdb), root=Path("/")).catalog()
    orders = catalog.table("orders")
    assert orders is not None
    assert orders.primary_key == ("order_id",)
    assert [(fk.columns, fk.ref_table) for fk in orders.foreign_keys] == [
        (("customer_id",), "customers")
    ]
    customers = catalog.table("customers")
    assert customers is not None
    assert customers.description == "People and companies who have placed at least one order"
    country = customers.column("country")
    assert country is not None and "Germany" in country.samples
    email = customers.column("email")
    assert email is not None and email.samples == ()  # 60 distinct values: not a category


def test_catalog_hash_changes_with_the_schema(shop_duckdb: Path, tmp_path: Path) -> None:
    import duckdb

    before = connect(str(shop_duckdb), root=Path("/")).catalog().catalog_hash
    with duckdb.connect(str(shop_duckdb)) as con:
        con.execute("ALTER TABLE products ADD COLUMN colour VARCHAR")
    assert connect(str(shop_duckdb), root=Path("/")).catalog().catalog_hash != before


def test_catalog_is_introspected_once_per_file_version(shop_duckdb: Path) -> None:
    first = load_catalog(shop_duckdb.name, root=shop_duckdb.parent)
    assert load_catalog(shop_duckdb.name, root=shop_duckdb.parent) is first


def test_duckdb_queries_run_read_only(shop_duckdb: Path) -> None:
    warehouse = connect(str(shop_duckdb), root=Path("/"))
    assert warehouse.query("SELECT count(*) FROM orders", max_rows=5).rows == ((400,),)
    with pytest.raises(WarehouseError, match="read-only"):
        warehouse.query("DELETE FROM order_items", max_rows=5)


def test_query_result_keeps_first_rows_and_counts_all(shop_duckdb: Path) -> None:
    result = connect(str(shop_duckdb), root=Path("/")).query(
        "SELECT order_id FROM orders ORDER BY order_id", max_rows=3
    )
    assert result.rows == ((1,), (2,), (3,))
    assert result.row_count == 400


def test_sqlite_catalog_and_read_only_queries(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with sqlite3.connect(path) as con:
        con.executescript(
            "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT, country TEXT);"
            "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT,"
            " author_id INTEGER REFERENCES authors(id));"
            "INSERT INTO authors VALUES (1, 'Ada', 'UK'), (2, 'Bo', 'SE');"
            "INSERT INTO books VALUES (1, 'T1', 1), (2, 'T2', 1);"
        )
    warehouse = connect(f"sqlite:///{path}", root=Path("/"))
    books = warehouse.catalog().table("books")
    assert books is not None
    assert [(fk.columns, fk.ref_table, fk.ref_columns) for fk in books.foreign_keys] == [
        (("author_id",), "authors", ("id",))
    ]
    assert warehouse.query("SELECT count(*) FROM books", max_rows=1).rows == ((2,),)
    with pytest.raises(WarehouseError, match="readonly"):
        warehouse.query("DELETE FROM books", max_rows=1)


def test_postgres_catalog_and_read_only_queries(pg_url: str) -> None:
    engine = sqlalchemy.create_engine(pg_url)
    with engine.begin() as con:
        con.exec_driver_sql("DROP TABLE IF EXISTS wh_loans, wh_members")
        con.exec_driver_sql(
            "CREATE TABLE wh_members (member_id int PRIMARY KEY, name text, tier text);"
            "COMMENT ON COLUMN wh_members.tier IS 'membership level';"
            "CREATE TABLE wh_loans (loan_id int PRIMARY KEY,"
            " member_id int REFERENCES wh_members(member_id), due date);"
            "INSERT INTO wh_members VALUES (1, 'Ana', 'gold'), (2, 'Ben', 'basic');"
        )
    engine.dispose()
    warehouse = connect(pg_url, root=Path("/"))
    catalog = warehouse.catalog()
    assert catalog.dialect == "postgres"
    loans, members = catalog.table("wh_loans"), catalog.table("wh_members")
    assert loans is not None and members is not None
    assert loans.foreign_keys[0].ref_table == "wh_members"
    tier = members.column("tier")
    assert tier is not None and tier.samples == ("basic", "gold")
    assert tier.description == "membership level"
    assert warehouse.query("SELECT count(*) FROM wh_members", max_rows=1).rows == ((2,),)
    with pytest.raises(WarehouseError, match="read-only transaction"):
        warehouse.query("DELETE FROM wh_members", max_rows=1)


def test_unreachable_warehouse_is_one_clear_line_without_the_password() -> None:
    url = "postgresql+psycopg://ana:s3cret@127.0.0.1:1/nowhere"
    with pytest.raises(WarehouseError) as error:
        connect(url, root=Path("/")).catalog()
    line = error.value.one_line()
    assert "s3cret" not in line
    assert "ana:***@127.0.0.1:1/nowhere" in line
    assert "\n" not in line


def test_missing_duckdb_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist"):
        connect("nope.duckdb", root=tmp_path).catalog()


def test_redact_url_leaves_urls_without_password_alone() -> None:
    assert redact_url("postgresql://ana@db/x") == "postgresql://ana@db/x"
