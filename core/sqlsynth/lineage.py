"""Column-level lineage: which table columns each output column of a query derives from.

sqlglot does the walking (:func:`sqlglot.lineage.lineage`, after qualifying the query against
the catalog); this module keeps only the leaves, the base-table columns, and shapes them as
OpenLineage expects: a SQL job facet, input datasets, and a ``columnLineage`` facet on the
output dataset. Airflow's OpenLineage integration and ``sqlsynth lineage --json`` both emit it.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from pydantic import BaseModel, ConfigDict
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError
from sqlglot.lineage import Node
from sqlglot.lineage import lineage as sqlglot_lineage

from sqlsynth.catalog import Catalog
from sqlsynth.errors import ValidationError
from sqlsynth.validate import catalog_schema, read_tables


class InputField(BaseModel):
    """One column of one input table, as OpenLineage's ``inputFields`` entries name it."""

    model_config = ConfigDict(frozen=True)

    namespace: str
    name: str
    field: str


class Lineage(BaseModel):
    """The tables a query reads, and for each output column the table columns it derives from."""

    model_config = ConfigDict(frozen=True)

    namespace: str = ""
    inputs: tuple[str, ...] = ()
    columns: dict[str, tuple[InputField, ...]] = {}

    def to_openlineage(self, *, sql: str, output: str | None = None) -> dict[str, Any]:
        """An OpenLineage run-event fragment: job SQL facet, inputs, outputs, column lineage.

        The ``columnLineage`` facet belongs on the output dataset; without an ``output``
        name it is returned under a top-level ``columnLineage`` key instead.

        >>> lineage = Lineage(inputs=("orders",), columns={"amount": (
        ...     InputField(namespace="", name="orders", field="amount"),)})
        >>> event = lineage.to_openlineage(sql="SELECT amount FROM orders", output="report")
        >>> event["outputs"][0]["facets"]["columnLineage"]["fields"]["amount"]["inputFields"]
        [{'namespace': '', 'name': 'orders', 'field': 'amount'}]
        """
        facet = {
            "fields": {
                column: {"inputFields": [field.model_dump() for field in fields]}
                for column, fields in self.columns.items()
            }
        }
        event: dict[str, Any] = {
            "job": {"facets": {"sql": {"query": sql}}},
            "inputs": [{"namespace": self.namespace, "name": name} for name in self.inputs],
            "outputs": [],
        }
        if output is None:
            event["columnLineage"] = facet
        else:
            event["outputs"] = [
                {"namespace": self.namespace, "name": output, "facets": {"columnLineage": facet}}
            ]
        return event


def _catalog_name(catalog: Catalog, table: str, column: str | None = None) -> str:
    """The catalog's own spelling of a name sqlglot normalized (e.g. upper case in Snowflake)."""
    found = catalog.table(table)
    if found is None:
        return column or table.lower()
    if column is None:
        return found.name
    known = found.column(column)
    return known.name if known else column


def _input_fields(
    node: Node, catalog: Catalog, *, dialect: str, namespace: str
) -> tuple[InputField, ...]:
    fields = set()
    for leaf in node.walk():
        if isinstance(leaf.expression, exp.Table) and leaf.expression.name:
            table = leaf.expression.name
            column = exp.to_column(leaf.name, dialect=dialect).name  # e.g. `o."Unit Price"`
            fields.add(
                InputField(
                    namespace=namespace,
                    name=_catalog_name(catalog, table),
                    field=_catalog_name(catalog, table, column),
                )
            )
    return tuple(sorted(fields, key=lambda f: (f.name, f.field)))


def column_lineage(sql: str, catalog: Catalog, *, dialect: str, namespace: str = "") -> Lineage:
    """Lineage of one SELECT: output column → the input table columns it derives from.

    Columns used only to filter, join or group (``WHERE``, ``ON``) are not inputs of an output
    column; ``count(*)`` and literals derive from no column at all.

    >>> from sqlsynth.catalog import Column, Table
    >>> catalog = Catalog(tables=(Table(name="orders", columns=(
    ...     Column(name="status"), Column(name="amount", type="DECIMAL(10, 2)"))),))
    >>> result = column_lineage(
    ...     "SELECT status, SUM(amount) AS total, COUNT(*) AS n FROM orders GROUP BY status",
    ...     catalog, dialect="duckdb")
    >>> result.inputs, [f.field for f in result.columns["total"]], result.columns["n"]
    (('orders',), ['amount'], ())
    """
    try:
        statement = sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)
        schema = catalog_schema(catalog, dialect)
        nodes = sqlglot_lineage(None, statement.copy(), schema, dialect=dialect)
    except SqlglotError as exc:
        raise ValidationError(
            f"cannot compute lineage: {str(exc).splitlines()[0]}",
            hint="lineage needs one valid SELECT; run `sqlsynth validate` on the SQL",
        ) from exc
    inputs = sorted({_catalog_name(catalog, table.name) for table in read_tables(statement)})
    return Lineage(
        namespace=namespace,
        inputs=tuple(inputs),
        columns={
            name: _input_fields(node, catalog, dialect=dialect, namespace=namespace)
            for name, node in nodes.items()
        },
    )
