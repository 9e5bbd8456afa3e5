"""Talking to a warehouse: read its schema into a :class:`Catalog`, run reviewed SQL.

DuckDB goes through its own client (the embedded default), Snowflake and BigQuery through
theirs (:mod:`sqlsynth.warehouses`), everything else through a SQLAlchemy URL
(``sqlite:///…``, ``postgresql+psycopg://…``, ``mysql+pymysql://…``). Clients are imported
inside the functions that need them, so importing sqlsynth stays cheap. Connections used here
are read-only wherever the engine lets us say so; Snowflake and BigQuery have no read-only
session, so there the credentials' role is what keeps a warehouse safe (and the validator,
which lets only SELECTs through).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from sqlsynth.catalog import (
    CATALOG_FILE_SUFFIXES,
    Catalog,
    Column,
    ForeignKey,
    Table,
    load_catalog_file,
)

SAMPLE_LIMIT = 20
"""A text column with at most this many distinct values gets them sampled for value linking."""

MAX_SAMPLE_LENGTH = 80

_DIALECTS = {
    "duckdb": "duckdb",
    "postgresql": "postgres",
    "postgres": "postgres",
    "sqlite": "sqlite",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "mysql": "mysql",
    "mariadb": "mysql",
}
_DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")


class QueryResult(BaseModel):
    """The first rows of a result and how many there were in all."""

    model_config = ConfigDict(frozen=True)

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    row_count: int


class Warehouse(Protocol):
    dialect: str

    def catalog(self) -> Catalog: ...

    def query(self, sql: str, *, max_rows: int) -> QueryResult: ...


def redact_url(url: str) -> str:
    """``url`` with any password replaced, safe for messages and logs.

    >>> redact_url("postgresql://ana:s3cret@db:5432/x")
    'postgresql://ana:***@db:5432/x'
    >>> redact_url("snowflake://ana@acct/db?private_key_file_pwd=s3cret&role=bi")
    'snowflake://ana@acct/db?private_key_file_pwd=***&role=bi'
    """
    url = re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", url)
    return _SECRET_PARAMETER.sub(r"\1***", url)


_SECRET_PARAMETER = re.compile(r"([?&][^=&#]*(?:password|pwd|secret|token)[^=&#]*=)[^&#]*", re.I)


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else ""


def dialect_of(url: str) -> str:
    """The sqlglot dialect for a warehouse URL or a database file path.

    >>> dialect_of("postgresql+psycopg://u@localhost/db"), dialect_of("shop.duckdb")
    ('postgres', 'duckdb')
    """
    scheme = _scheme(url)
    if not scheme:
        return "sqlite" if url.endswith((".sqlite", ".sqlite3")) else "duckdb"
    if scheme not in _DIALECTS:
        from sqlsynth.errors import ConfigError

        raise ConfigError(
            f"unknown warehouse URL scheme {scheme!r} in {redact_url(url)}",
            hint="use duckdb:///file.duckdb, sqlite:///file.sqlite, postgresql+psycopg://..., "
            "mysql+pymysql://..., snowflake://USER@ACCOUNT/DATABASE/SCHEMA or "
            "bigquery://PROJECT/DATASET",
        )
    return _DIALECTS[scheme]


def connect(url: str, *, root: Path) -> Warehouse:
    """A warehouse for ``url``; relative file paths are taken from the project ``root``."""
    dialect = dialect_of(url)
    if dialect == "duckdb":
        path = url.split("://", 1)[1].removeprefix("/") if "://" in url else url
        return DuckDBWarehouse(path if path == ":memory:" else str(root / path))
    if dialect == "snowflake":
        from sqlsynth.warehouses.snowflake import SnowflakeWarehouse

        return SnowflakeWarehouse(url)
    if dialect == "bigquery":
        from sqlsynth.warehouses.bigquery import BigQueryWarehouse

        return BigQueryWarehouse(url)
    if "://" not in url:
        url = f"sqlite:///{root / url}"
    elif url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{root / url.removeprefix('sqlite:///')}"
    return SQLAlchemyWarehouse(url)


_catalog_cache: dict[tuple[str, float | None], Catalog] = {}


def load_catalog(source: str, *, root: Path) -> Catalog:
    """The catalog of a warehouse URL or a catalog file, introspected once per process.

    File-based sources are re-read when their modification time changes.
    """
    file_path = root / source if "://" not in source else None
    mtime = file_path.stat().st_mtime if file_path is not None and file_path.exists() else None
    key = (str(file_path or source), mtime)
    if key not in _catalog_cache:
        if file_path is not None and file_path.suffix in CATALOG_FILE_SUFFIXES:
            _catalog_cache[key] = load_catalog_file(file_path)
        else:
            _catalog_cache[key] = connect(source, root=root).catalog()
    return _catalog_cache[key]


def warehouse_error(
    url: str, exc: BaseException, *, hint: str | None = None, secrets: Sequence[str] = ()
) -> Exception:
    """A one-line :class:`WarehouseError` for a client's exception, without any password."""
    from sqlsynth.errors import WarehouseError

    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for secret in (s for s in secrets if s):
        first_line = first_line.replace(secret, "***")
    return WarehouseError(
        f"warehouse {redact_url(url)}: {redact_url(first_line)[:300]}",
        hint=hint or "check that the warehouse is running and the URL in sqlsynth.toml is right",
    )


def missing_client_error(url: str, module: str, extra: str) -> Exception:
    from sqlsynth.errors import WarehouseError

    return WarehouseError(
        f"the client for {redact_url(url)} is not installed ({module})",
        hint=f"pip install 'sqlsynth[{extra}]'",
    )


class DuckDBWarehouse:
    """A DuckDB database file, opened read-only."""

    dialect = "duckdb"

    def __init__(self, path: str) -> None:
        self.path = path

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        import duckdb

        if self.path != ":memory:" and not Path(self.path).exists():
            from sqlsynth.errors import WarehouseError

            raise WarehouseError(
                f"DuckDB database {self.path} does not exist",
                hint="build the warehouse first, or fix `warehouse` in sqlsynth.toml",
            )
        try:
            con = duckdb.connect(self.path, read_only=self.path != ":memory:")
        except duckdb.Error as exc:
            raise warehouse_error(self.path, exc) from exc
        try:
            yield con
        finally:
            con.close()

    def catalog(self) -> Catalog:
        with self._connection() as con:
            objects = con.execute(
                "SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE NOT internal "
                "UNION ALL SELECT schema_name, view_name, comment FROM duckdb_views() "
                "WHERE NOT internal AND NOT temporary ORDER BY 1, 2"
            ).fetchall()
            columns = con.execute(
                "SELECT schema_name, table_name, column_name, data_type, is_nullable, comment "
                "FROM duckdb_columns() WHERE NOT internal ORDER BY schema_name, table_name, "
                "column_index"
            ).fetchall()
            constraints = con.execute(
                "SELECT schema_name, table_name, constraint_type, constraint_column_names, "
                "referenced_table, referenced_column_names FROM duckdb_constraints() "
                "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') ORDER BY 1, 2, 3"
            ).fetchall()
            tables = []
            for schema, name, comment in objects:
                cols = [c for c in columns if (c[0], c[1]) == (schema, name)]
                keys = [k for k in constraints if (k[0], k[1]) == (schema, name)]
                tables.append(self._table(con, schema, name, comment, cols, keys))
        return Catalog(dialect="duckdb", tables=tuple(tables))

    def _table(
        self,
        con: Any,
        schema: str,
        name: str,
        comment: str | None,
        cols: Sequence[tuple[Any, ...]],
        keys: Sequence[tuple[Any, ...]],
    ) -> Table:
        primary = next((tuple(k[3]) for k in keys if k[2] == "PRIMARY KEY"), ())
        foreign = tuple(
            ForeignKey(columns=tuple(k[3]), ref_table=k[4], ref_columns=tuple(k[5]))
            for k in keys
            if k[2] == "FOREIGN KEY"
        )
        columns = []
        for _, _, col, data_type, nullable, col_comment in cols:
            samples: tuple[str, ...] = ()
            if data_type == "VARCHAR":
                samples = _samples(
                    con.execute(_sample_sql(f'"{schema}"."{name}"', f'"{col}"')).fetchall()
                )
            columns.append(
                Column(
                    name=col,
                    type=data_type,
                    description=col_comment or None,
                    nullable=bool(nullable),
                    samples=samples,
                )
            )
        return Table(
            name=name,
            db_schema=schema,
            description=comment or None,
            columns=tuple(columns),
            primary_key=primary,
            foreign_keys=foreign,
        )

    def query(self, sql: str, *, max_rows: int) -> QueryResult:
        import duckdb

        with self._connection() as con:
            try:
                cursor = con.execute(sql)
            except duckdb.Error as exc:
                raise warehouse_error(self.path, exc) from exc
            return collect_result(cursor, max_rows, tuple(d[0] for d in cursor.description or ()))


def _sample_sql(table: str, column: str, *, alias: str | None = None) -> str:
    selected = f"{column} AS {alias}" if alias else column
    return (
        f"SELECT {selected} FROM {table} WHERE {column} IS NOT NULL GROUP BY {column} "
        f"ORDER BY COUNT(*) DESC, {column} LIMIT {SAMPLE_LIMIT + 1}"
    )


def _samples(rows: Sequence[tuple[Any, ...]]) -> tuple[str, ...]:
    """Sampled values, or none when the column has too many distinct values to be a category."""
    if len(rows) > SAMPLE_LIMIT:
        return ()
    values = (str(r[0]) for r in rows)
    return tuple(sorted(v for v in values if len(v) <= MAX_SAMPLE_LENGTH))


def text_samples(
    run: Callable[[str], Sequence[tuple[Any, ...]]],
    table: str,
    columns: Sequence[str],
    quote: Callable[[str], str],
) -> dict[str, tuple[str, ...]]:
    """Samples of several text columns of one table in one query, for warehouses where each
    round trip costs (Snowflake, BigQuery). ``table`` is already quoted, ``quote`` quotes a
    column name."""
    if not columns:
        return {}
    sql = " UNION ALL ".join(
        f"SELECT {i} AS sample_column, sample_value FROM ("
        f"{_sample_sql(table, quote(name), alias='sample_value')}) AS sample_{i}"
        for i, name in enumerate(columns)
    )
    found: dict[int, list[tuple[Any, ...]]] = {i: [] for i in range(len(columns))}
    for index, value in run(sql):
        found[int(index)].append((value,))
    return {columns[i]: _samples(rows) for i, rows in found.items()}


def collect_result(cursor: Any, max_rows: int, columns: tuple[str, ...]) -> QueryResult:
    first = cursor.fetchmany(max_rows)
    total = len(first)
    while batch := cursor.fetchmany(1000):
        total += len(batch)
    return QueryResult(columns=columns, rows=tuple(tuple(r) for r in first), row_count=total)


class SQLAlchemyWarehouse:
    """Any database SQLAlchemy can reach; queries run in a read-only transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = dialect_of(url)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        import sqlalchemy

        try:
            engine = sqlalchemy.create_engine(self.url, poolclass=sqlalchemy.pool.NullPool)
            with engine.connect() as con:
                if self.dialect == "sqlite":
                    con.exec_driver_sql("PRAGMA query_only = ON")
                elif self.dialect == "postgres":
                    con = con.execution_options(postgresql_readonly=True)
                elif self.dialect == "mysql":
                    # Before the first statement that touches a table, so the transaction
                    # SQLAlchemy begins is already read-only.
                    con.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
                yield con
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise warehouse_error(self.url, exc, secrets=self._secrets()) from exc
        except ModuleNotFoundError as exc:
            raise missing_client_error(self.url, exc.name or "?", self.dialect) from exc

    def _secrets(self) -> tuple[str, ...]:
        import sqlalchemy

        try:
            password = sqlalchemy.engine.make_url(self.url).password
        except sqlalchemy.exc.ArgumentError:
            return ()
        return (str(password),) if password else ()

    def catalog(self) -> Catalog:
        import sqlalchemy

        with self._connection() as con:
            inspector = sqlalchemy.inspect(con)
            names = sorted(inspector.get_table_names()) + sorted(inspector.get_view_names())
            tables = tuple(self._table(con, inspector, name) for name in names)
        return Catalog(dialect=self.dialect, tables=tables)

    def _table(self, con: Any, inspector: Any, name: str) -> Table:
        import sqlalchemy

        preparer = con.dialect.identifier_preparer
        columns = []
        for col in inspector.get_columns(name):
            samples: tuple[str, ...] = ()
            if isinstance(col["type"], sqlalchemy.String):
                sql = _sample_sql(preparer.quote(name), preparer.quote(col["name"]))
                samples = _samples(con.exec_driver_sql(sql).fetchall())
            columns.append(
                Column(
                    name=col["name"],
                    type=str(col["type"]),
                    description=col.get("comment") or None,
                    nullable=bool(col.get("nullable", True)),
                    samples=samples,
                )
            )
        primary = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
        foreign = tuple(
            ForeignKey(
                columns=tuple(fk["constrained_columns"]),
                ref_table=fk["referred_table"],
                ref_columns=tuple(fk["referred_columns"]),
            )
            for fk in inspector.get_foreign_keys(name)
            if fk.get("referred_table")
        )
        try:
            description = inspector.get_table_comment(name).get("text") or None
        except NotImplementedError:  # SQLite keeps no comments
            description = None
        return Table(
            name=name,
            description=description,
            columns=tuple(columns),
            primary_key=primary,
            foreign_keys=foreign,
        )

    def query(self, sql: str, *, max_rows: int) -> QueryResult:
        with self._connection() as con:
            result = con.exec_driver_sql(sql)
            return collect_result(result, max_rows, tuple(result.keys()))
