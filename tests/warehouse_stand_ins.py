"""The demo shop on other engines, and the local servers that stand in for cloud warehouses.

The shop's tables come from demo/seed_warehouse.sql, translated by sqlglot into each
dialect; its rows come from the DuckDB build of that script, so every engine holds exactly
the data DuckDB does and results can be compared row for row.
"""

from __future__ import annotations

import datetime
import decimal
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from sqlsynth.catalog import ForeignKey, Table, load_catalog_file, write_catalog_file
from sqlsynth.config import load_project
from sqlsynth.pipeline import reviewed_sql, run
from sqlsynth.spec import load_specs
from sqlsynth.warehouse import DuckDBWarehouse
from tests.conftest import DEMO, build_shop_warehouse

SHOP_TABLES = ("customers", "products", "orders", "order_items")


def _seed_tables() -> dict[str, exp.Create]:
    """The seed's CREATE TABLEs with its COMMENT ON statements folded in, keys table-level."""
    statements = sqlglot.parse((DEMO / "seed_warehouse.sql").read_text(), read="duckdb")
    creates = {s.this.this.name: s for s in statements if isinstance(s, exp.Create)}
    for create in creates.values():
        create.comments = None
        schema = create.this
        for column in [e for e in schema.expressions if isinstance(e, exp.ColumnDef)]:
            for constraint in list(column.args.get("constraints") or []):
                key: exp.Expr | None = None
                if isinstance(constraint.kind, exp.PrimaryKeyColumnConstraint):
                    key = exp.PrimaryKey(expressions=[exp.to_identifier(column.name)])
                elif isinstance(constraint.kind, exp.Reference):
                    # MySQL ignores a column-level REFERENCES; a table-level one it keeps.
                    key = exp.ForeignKey(
                        expressions=[exp.to_identifier(column.name)],
                        reference=constraint.kind.copy(),
                    )
                if key is not None:
                    constraint.pop()
                    schema.append("expressions", key)
    for comment in (s for s in statements if isinstance(s, exp.Comment)):
        if comment.args["kind"].upper() == "TABLE":
            create = creates[comment.this.name]
            properties = create.args.get("properties") or exp.Properties(expressions=[])
            properties.append("expressions", exp.SchemaCommentProperty(this=comment.expression))
            create.set("properties", properties)
        else:
            table, name = comment.this.table, comment.this.name
            column = next(c for c in creates[table].this.expressions if c.name == name)
            column.append(
                "constraints",
                exp.ColumnConstraint(kind=exp.CommentColumnConstraint(this=comment.expression)),
            )
    return creates


def shop_schema_sql(dialect: str) -> list[str]:
    """CREATE TABLE statements for the shop in ``dialect``, with keys and comments.

    BigQuery is the exception: bqemulator parses neither ``PRIMARY KEY … NOT ENFORCED`` nor
    keeps column ``OPTIONS(description=…)`` (nor applies ``ALTER TABLE … SET OPTIONS``), so its
    tables get no keys and only a table description.
    """
    if dialect != "bigquery":
        return [create.sql(dialect) for create in _seed_tables().values()]
    statements = []
    for create in _seed_tables().values():
        create = create.copy()
        for key in list(create.this.find_all(exp.PrimaryKey, exp.ForeignKey)):
            key.pop()
        for comment in list(create.find_all(exp.CommentColumnConstraint)):
            comment.parent.pop()  # type: ignore[union-attr]
        description = create.find(exp.SchemaCommentProperty)
        create.set("properties", None)
        options = ""
        if description is not None:
            text = exp.Literal.string(description.this.name).sql("bigquery")
            options = f" OPTIONS (description = {text})"
        statements.append(create.sql("bigquery") + options)
    return statements


def shop_rows(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every shop table's rows, from the DuckDB build of the seed script."""
    path = tmp_path / "shop-rows.duckdb"
    build_shop_warehouse(path)
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in SHOP_TABLES}


def _literal(value: Any) -> exp.Expr:
    if isinstance(value, datetime.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, decimal.Decimal):
        return exp.Literal.number(str(value))
    return exp.convert(value)


def shop_insert_sql(
    dialect: str, rows: dict[str, list[tuple[Any, ...]]], *, batch: int = 500
) -> list[str]:
    """INSERT … VALUES statements for the shop's rows, in batches, parents first."""
    statements = []
    for table in SHOP_TABLES:
        for start in range(0, len(rows[table]), batch):
            values = exp.values(
                [tuple(_literal(v) for v in row) for row in rows[table][start : start + batch]]
            )
            statements.append(exp.insert(values, table).sql(dialect))
    return statements


def shop_sql(dialect: str, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Everything that builds the shop in ``dialect``: drop its tables, create them, fill them."""
    statements = [f"DROP TABLE IF EXISTS {table}" for table in reversed(SHOP_TABLES)]
    statements += shop_schema_sql(dialect)
    rows = shop_rows(tmp_path_factory.mktemp("rows"))
    return statements + shop_insert_sql(dialect, rows)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def local_server(
    command: Sequence[str], port: int, *, env: dict[str, str], log: Path, within: float = 30
) -> Iterator[None]:
    """Run ``command`` until the block ends; fail the test if it does not listen in time."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + within
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"{command[0]} did not start on 127.0.0.1:{port}:\n"
                        + log.read_text(errors="replace")[-2000:]
                    )
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def comparable(rows: Sequence[Sequence[Any]], *, ordered: bool = False) -> list[tuple[Any, ...]]:
    """Rows with numbers as rounded floats and dates as ISO text; sorted unless ``ordered``."""

    def value(v: Any) -> Any:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, int | float | decimal.Decimal):
            return round(float(v), 6)
        if isinstance(v, datetime.date):
            return v.isoformat()
        return str(v)

    found = [tuple(value(v) for v in row) for row in rows]
    return found if ordered else sorted(found, key=repr)


def demo_project(root: Path, warehouse: str) -> Path:
    """A copy of the demo project whose warehouse is ``warehouse``."""
    shutil.copytree(DEMO / "project", root)
    config = root / "sqlsynth.toml"
    text = config.read_text()
    assert 'warehouse = "warehouse.duckdb"' in text
    config.write_text(text.replace('"warehouse.duckdb"', json.dumps(warehouse)))
    return root


def add_declared_foreign_keys(root: Path, sqlsynth: Callable[..., Any]) -> None:
    """Snapshot the warehouse's catalog with `sqlsynth catalog --output`, add the foreign keys
    the seed declares but an emulator cannot report, and validate against that file."""
    result = sqlsynth("catalog", "--output", "catalog.yml", cwd=root)
    assert result.exit_code == 0, result.output
    snapshot = load_catalog_file(root / "catalog.yml")
    declared = DuckDBWarehouse(str(_duckdb_shop(root.parent))).catalog()

    def spelled(table: Table, name: str) -> str:
        column = table.column(name)
        assert column is not None, f"{table.name} has no column {name}"
        return column.name

    tables = []
    for table in snapshot.tables:
        seed = declared.table(table.name)
        assert seed is not None, table.name
        keys = []
        for key in seed.foreign_keys:
            target = snapshot.table(key.ref_table)
            assert target is not None, key.ref_table
            keys.append(
                ForeignKey(
                    columns=tuple(spelled(table, c) for c in key.columns),
                    ref_table=target.name,
                    ref_columns=tuple(spelled(target, c) for c in key.ref_columns),
                )
            )
        tables.append(table.model_copy(update={"foreign_keys": tuple(keys)}))
    write_catalog_file(snapshot.model_copy(update={"tables": tuple(tables)}), root / "catalog.yml")
    config = root / "sqlsynth.toml"
    config.write_text(config.read_text() + 'catalog = "catalog.yml"\n')


def _duckdb_shop(folder: Path) -> Path:
    path = folder / "reference-shop.duckdb"
    if not path.exists():
        build_shop_warehouse(path)
    return path


def generate_and_run_demo(root: Path, sqlsynth: Callable[..., Any]) -> dict[str, DemoResult]:
    """`sqlsynth generate`, `approve --all` and `run --all` on a demo project, then every
    spec's reviewed SQL and its rows through the run-time API."""
    for command in (("generate",), ("approve", "--all"), ("run", "--all")):
        result = sqlsynth(*command, cwd=root)
        assert result.exit_code == 0, f"sqlsynth {' '.join(command)}:\n{result.output}"
    project = load_project(root)
    found = {}
    for spec in load_specs(project.specs_dir):
        sql, _ = reviewed_sql(project, spec)
        rows = run(project, spec, max_rows=1000).rows
        # As multisets: the demo has ties (two customers with equal revenue), and engines
        # order tied rows differently.
        found[spec.name] = DemoResult(sql=sql, rows=comparable(rows))
    return found


def demo_results_match_duckdb(
    warehouse: str,
    folder: Path,
    sqlsynth: Callable[..., Any],
    *,
    declare_foreign_keys: bool = False,
) -> dict[str, DemoResult]:
    """Generate and run the demo specs on ``warehouse``; assert every spec gives rows, and the
    rows DuckDB gives. ``declare_foreign_keys`` for emulators that cannot report them."""
    expected = duckdb_demo_results(folder, sqlsynth)
    root = demo_project(folder / "warehouse-project", warehouse)
    if declare_foreign_keys:
        add_declared_foreign_keys(root, sqlsynth)
    found = generate_and_run_demo(root, sqlsynth)
    assert found.keys() == expected.keys()
    for name, result in found.items():
        assert result.rows == expected[name].rows, f"{name}:\n{result.sql}"
        assert result.rows, name
    return found


def duckdb_demo_results(folder: Path, sqlsynth: Callable[..., Any]) -> dict[str, DemoResult]:
    """The demo specs' results on DuckDB, the embedded default, to compare other engines with."""
    root = demo_project(folder / "duckdb-project", "warehouse.duckdb")
    build_shop_warehouse(root / "warehouse.duckdb")
    return generate_and_run_demo(root, sqlsynth)


@dataclass(frozen=True)
class DemoResult:
    sql: str
    rows: list[tuple[Any, ...]]
