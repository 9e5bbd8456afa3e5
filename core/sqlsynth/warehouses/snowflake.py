"""Snowflake through ``snowflake-connector-python``.

The URL is ``snowflake://USER[:PASSWORD]@ACCOUNT/DATABASE/SCHEMA?warehouse=WH&role=ROLE``
(the shape snowflake-sqlalchemy uses). The password may come from ``SNOWFLAKE_PASSWORD``
instead of the URL. Further query parameters the connector knows are passed through
(``authenticator``, ``private_key_file``, and ``host``/``port``/``protocol`` for a local
stand-in such as fakesnow).

>>> connect_parameters("snowflake://ana@xy12345/shop/public?warehouse=bi")["database"]
'shop'

The catalog comes from ``INFORMATION_SCHEMA`` (tables, columns, comments) and
``SHOW PRIMARY KEYS`` / ``SHOW IMPORTED KEYS`` (information_schema has no key columns).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sqlsynth.catalog import Catalog, Column, ForeignKey, Table
from sqlsynth.errors import ConfigError
from sqlsynth.warehouse import (
    QueryResult,
    collect_result,
    missing_client_error,
    redact_url,
    text_samples,
    warehouse_error,
)

PASSTHROUGH_PARAMETERS = frozenset(
    {
        "warehouse",
        "role",
        "authenticator",
        "private_key_file",
        "private_key_file_pwd",
        "host",
        "port",
        "protocol",
        "login_timeout",
        "network_timeout",
        "statement_timeout",
    }
)
_INTEGER_PARAMETERS = frozenset({"port", "login_timeout", "network_timeout", "statement_timeout"})
DEFAULT_TIMEOUTS = {"login_timeout": 30, "network_timeout": 300}
"""Seconds; the connector's own defaults let a retried request hang for many minutes."""
DEFAULT_STATEMENT_TIMEOUT = 300
"""Seconds a statement may run; Snowflake's own default is two days of warehouse credits."""

_CONNECT_HINT = (
    "check the account, user and password (URL or SNOWFLAKE_PASSWORD) in the `warehouse` URL, "
    "and that Snowflake is reachable from here"
)


def connect_parameters(url: str) -> dict[str, Any]:
    """Keyword arguments for ``snowflake.connector.connect`` from a ``snowflake://`` URL."""
    parts = urlsplit(url)
    path = [unquote(p) for p in parts.path.split("/") if p]
    query = dict(parse_qsl(parts.query))
    unknown = sorted(query.keys() - PASSTHROUGH_PARAMETERS)
    if not parts.hostname or not parts.username or len(path) > 2 or unknown:
        raise ConfigError(
            f"not a Snowflake URL sqlsynth understands: {redact_url(url)}"
            + (f" (unknown parameter {unknown[0]!r})" if unknown else ""),
            hint="use snowflake://USER@ACCOUNT/DATABASE/SCHEMA?warehouse=WH&role=ROLE; "
            f"parameters: {', '.join(sorted(PASSTHROUGH_PARAMETERS))}",
        )
    parameters: dict[str, Any] = {
        "account": parts.hostname,
        "user": unquote(parts.username),
        **DEFAULT_TIMEOUTS,
    }
    password = unquote(parts.password) if parts.password else os.environ.get("SNOWFLAKE_PASSWORD")
    if password:
        parameters["password"] = password
    parameters.update(zip(("database", "schema"), path, strict=False))
    for key, value in query.items():
        if key in _INTEGER_PARAMETERS and not (value.isdecimal() and int(value) > 0):
            raise ConfigError(
                f"{key}={value} is not a whole number above 0 in {redact_url(url)}",
                hint=f"give {key} as digits only, e.g. {key}=30",
            )
        parameters[key] = int(value) if key in _INTEGER_PARAMETERS else value
    statement_timeout = parameters.pop("statement_timeout", DEFAULT_STATEMENT_TIMEOUT)
    parameters["session_parameters"] = {"STATEMENT_TIMEOUT_IN_SECONDS": statement_timeout}
    return parameters


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SnowflakeWarehouse:
    """A Snowflake database (and schema, when the URL names one)."""

    dialect = "snowflake"

    def __init__(self, url: str) -> None:
        self.url = url
        self.parameters = connect_parameters(url)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        try:
            import snowflake.connector
        except ModuleNotFoundError as exc:
            raise missing_client_error(self.url, exc.name or "snowflake", "snowflake") from exc
        secrets = (
            self.parameters.get("password", ""),
            self.parameters.get("private_key_file_pwd", ""),
        )
        try:
            con = snowflake.connector.connect(**self.parameters)
        except snowflake.connector.errors.Error as exc:
            raise warehouse_error(self.url, exc, hint=_CONNECT_HINT, secrets=secrets) from exc
        try:
            yield con
        except snowflake.connector.errors.Error as exc:
            raise warehouse_error(
                self.url,
                exc,
                hint="Snowflake refused the statement: check the SQL and the role's grants",
                secrets=secrets,
            ) from exc
        finally:
            con.close()

    def catalog(self) -> Catalog:
        with self._connection() as con:
            cursor = con.cursor()

            def run(sql: str) -> list[tuple[Any, ...]]:
                return list(cursor.execute(sql).fetchall())

            database, schema = run("SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()")[0]
            if schema:
                scope, keys_in = "= CURRENT_SCHEMA()", f"SCHEMA {_quote(database)}.{_quote(schema)}"
            else:
                scope, keys_in = "<> 'INFORMATION_SCHEMA'", f"DATABASE {_quote(database)}"
            objects = run(
                "SELECT table_schema, table_name, comment FROM information_schema.tables "
                f"WHERE table_schema {scope} ORDER BY 1, 2"
            )
            columns = run(
                "SELECT table_schema, table_name, column_name, data_type, is_nullable, comment, "
                "numeric_precision, numeric_scale FROM information_schema.columns "
                f"WHERE table_schema {scope} ORDER BY table_schema, table_name, ordinal_position"
            )
            keys = _Keys(
                primary=_rows_by_name(cursor, f"SHOW PRIMARY KEYS IN {keys_in}"),
                imported=_rows_by_name(cursor, f"SHOW IMPORTED KEYS IN {keys_in}"),
            )
            tables = []
            for table_schema, name, comment in objects:
                mine = [c[2:] for c in columns if (c[0], c[1]) == (table_schema, name)]
                text = [c[0] for c in mine if c[1] == "TEXT"]
                samples = text_samples(run, f"{_quote(table_schema)}.{_quote(name)}", text, _quote)
                tables.append(
                    Table(
                        name=name,
                        db_schema=table_schema,
                        description=comment or None,
                        columns=tuple(_column(*c, samples=samples.get(c[0], ())) for c in mine),
                        primary_key=keys.primary_key(table_schema, name),
                        foreign_keys=keys.foreign_keys(table_schema, name),
                    )
                )
        return Catalog(dialect="snowflake", tables=tuple(tables))

    def query(self, sql: str, *, max_rows: int) -> QueryResult:
        with self._connection() as con:
            cursor = con.cursor()
            cursor.execute(sql)
            return collect_result(cursor, max_rows, tuple(d[0] for d in cursor.description or ()))


def _rows_by_name(cursor: Any, sql: str) -> list[dict[str, Any]]:
    """A SHOW command's rows as dicts keyed by lower-case column name."""
    cursor.execute(sql)
    names = [d[0].lower() for d in cursor.description or ()]
    return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def _column(
    name: str,
    data_type: str,
    nullable: str,
    comment: str | None,
    precision: int | None,
    scale: int | None,
    *,
    samples: tuple[str, ...],
) -> Column:
    if data_type == "NUMBER" and precision is not None:
        data_type = f"NUMBER({precision},{scale or 0})"
    return Column(
        name=name,
        type=data_type,
        description=comment or None,
        nullable=nullable == "YES",
        samples=samples,
    )


@dataclass(frozen=True)
class _Keys:
    """The rows of SHOW PRIMARY KEYS and SHOW IMPORTED KEYS, by lower-case column name."""

    primary: list[dict[str, Any]]
    imported: list[dict[str, Any]]

    def primary_key(self, schema: str, table: str) -> tuple[str, ...]:
        mine = [r for r in self.primary if (r["schema_name"], r["table_name"]) == (schema, table)]
        return tuple(r["column_name"] for r in sorted(mine, key=lambda r: int(r["key_sequence"])))

    def foreign_keys(self, schema: str, table: str) -> tuple[ForeignKey, ...]:
        # A row without a referenced table is no foreign key (fakesnow lists primary keys so).
        mine = [
            r
            for r in self.imported
            if (r["fk_schema_name"], r["fk_table_name"]) == (schema, table) and r["pk_table_name"]
        ]
        keys: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(mine, key=lambda r: (r["fk_name"], int(r["key_sequence"]))):
            keys.setdefault(row["fk_name"], []).append(row)
        return tuple(
            ForeignKey(
                columns=tuple(r["fk_column_name"] for r in parts),
                ref_table=parts[0]["pk_table_name"],
                ref_columns=tuple(r["pk_column_name"] for r in parts),
            )
            for parts in keys.values()
        )
