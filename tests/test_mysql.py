"""MySQL through SQLAlchemy and PyMySQL, against the MariaDB server `make test` starts
(Debian's mariadb-server on 127.0.0.1, TEST_MYSQL_URL): a real engine, so results must
match DuckDB's exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from sqlsynth.errors import WarehouseError
from sqlsynth.warehouse import connect, dialect_of
from tests.conftest import CliRun
from tests.warehouse_stand_ins import SHOP_TABLES, demo_project, demo_results_match_duckdb, shop_sql


@pytest.fixture(scope="module")
def shop_mysql(mysql_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo shop on the test MariaDB server."""
    engine = sqlalchemy.create_engine(mysql_url)
    with engine.begin() as con:
        for statement in shop_sql("mysql", tmp_path_factory):
            con.exec_driver_sql(statement)
    engine.dispose()
    yield mysql_url


def test_mysql_urls_have_the_mysql_dialect() -> None:
    assert dialect_of("mysql+pymysql://u@h/db") == "mysql"
    assert dialect_of("mariadb+pymysql://u@h/db") == "mysql"


def test_mysql_catalog_has_keys_comments_and_samples(shop_mysql: str) -> None:
    catalog = connect(shop_mysql, root=Path("/")).catalog()
    assert catalog.dialect == "mysql"
    assert sorted(catalog.table_names) == sorted(SHOP_TABLES)
    orders, customers = catalog.table("orders"), catalog.table("customers")
    assert orders is not None and customers is not None
    assert orders.primary_key == ("order_id",)
    assert [(k.columns, k.ref_table, k.ref_columns) for k in orders.foreign_keys] == [
        (("customer_id",), "customers", ("customer_id",))
    ]
    assert customers.description == "People and companies who have placed at least one order"
    segment, email = customers.column("segment"), customers.column("email")
    assert segment is not None and email is not None
    assert segment.samples == ("consumer", "enterprise", "small business")
    assert segment.description == "Customer segment: consumer, small business or enterprise"
    assert email.samples == ()  # 60 distinct values: not a category


def test_mysql_queries_run_read_only(shop_mysql: str) -> None:
    warehouse = connect(shop_mysql, root=Path("/"))
    assert warehouse.query("SELECT COUNT(*) FROM orders", max_rows=1).rows == ((400,),)
    with pytest.raises(WarehouseError, match="READ ONLY transaction"):
        warehouse.query("DELETE FROM order_items", max_rows=1)
    assert warehouse.query("SELECT COUNT(*) FROM order_items", max_rows=1).rows == ((1200,),)


def test_demo_specs_generated_for_mysql_give_duckdb_results(
    shop_mysql: str, tmp_path: Path, sqlsynth: CliRun
) -> None:
    demo_results_match_duckdb(shop_mysql, tmp_path, sqlsynth)


def test_wrong_password_is_one_line_without_the_password(shop_mysql: str) -> None:
    url = sqlalchemy.engine.make_url(shop_mysql).set(password="not-the-s3cret")
    with pytest.raises(WarehouseError) as error:
        connect(url.render_as_string(hide_password=False), root=Path("/")).catalog()
    line = error.value.one_line()
    assert "Access denied" in line
    assert "not-the-s3cret" not in line and "\n" not in line


def test_cli_reports_a_wrong_password_in_one_line(
    shop_mysql: str, tmp_path: Path, sqlsynth: CliRun
) -> None:
    url = sqlalchemy.engine.make_url(shop_mysql).set(password="not-the-s3cret")
    root = demo_project(tmp_path / "project", url.render_as_string(hide_password=False))
    result = sqlsynth("catalog", cwd=root)
    assert result.exit_code == 1
    assert result.output.startswith("error: warehouse mysql+pymysql://sqlsynth:***@127.0.0.1:")
    assert "Access denied" in result.output and "(hint: check that the warehouse" in result.output
    assert result.output.count("\n") == 1 and "not-the-s3cret" not in result.output


def test_unreachable_mysql_is_one_line_without_the_password() -> None:
    url = "mysql+pymysql://ana:s3cret@127.0.0.1:1/shop"
    with pytest.raises(WarehouseError) as error:
        connect(url, root=Path("/")).catalog()
    line = error.value.one_line()
    assert "ana:***@127.0.0.1:1/shop" in line and "Can't connect" in line
    assert "s3cret" not in line and "\n" not in line
