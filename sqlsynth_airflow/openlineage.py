"""OpenLineage facets for a finished ``NLSQLOperator`` task, from the core's column lineage.

The SQL job facet holds the statements that ran; input datasets are the tables the SQL reads;
when the task materialises, the target table is the output dataset and carries the
``columnLineage`` facet (OpenLineage attaches column lineage to outputs, so a task that only
reads has none). Dataset names follow the OpenLineage naming of the connection's hook where it
has one (PostgreSQL: ``postgres://host:port``, ``database.schema.table``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow.providers.openlineage.extractors import OperatorLineage

    from sqlsynth.catalog import Catalog


@dataclass(frozen=True)
class RanSQL:
    """What a task ran, kept on the operator for the OpenLineage listener."""

    query: str
    select: str
    dialect: str
    target_table: str | None


@dataclass(frozen=True)
class DatasetNaming:
    namespace: str
    qualify: Callable[[str], str]


def dataset_naming(hook: Any) -> DatasetNaming:
    """Namespace and dataset names for the connection behind ``hook``."""
    connection = hook.get_connection(hook.get_conn_id())
    info = None
    if hasattr(hook, "get_openlineage_database_info"):
        info = hook.get_openlineage_database_info(connection)
    if info is None:
        where = connection.host or connection.extra_dejson.get("database") or ""
        return DatasetNaming(f"{connection.conn_type}://{where}", lambda table: table)
    namespace = f"{info.scheme}://{info.authority}" if info.authority else info.scheme
    database = info.database or connection.schema
    schema = hook.get_openlineage_default_schema()

    def qualify(table: str) -> str:
        parts = table.split(".")
        if len(parts) == 1 and schema:
            parts = [schema, *parts]
        if len(parts) == 2 and database:
            parts = [database, *parts]
        return ".".join(parts)

    return DatasetNaming(namespace, qualify)


def _column_lineage_facet(fields: dict[str, Any], naming: DatasetNaming) -> Any:
    """The core's ``columnLineage`` fields as OpenLineage's facet, with dataset names qualified."""
    from airflow.providers.common.compat.openlineage.facet import (
        ColumnLineageDatasetFacet,
        Fields,
        InputField,
    )

    def input_field(field: dict[str, str]) -> Any:
        return InputField(
            namespace=field["namespace"], name=naming.qualify(field["name"]), field=field["field"]
        )

    return ColumnLineageDatasetFacet(
        fields={
            column: Fields(
                inputFields=[input_field(field) for field in lineage["inputFields"]],
                transformationType="",
                transformationDescription="",
            )
            for column, lineage in fields.items()
        }
    )


def operator_lineage(
    ran: RanSQL, *, naming: DatasetNaming, catalog: Catalog
) -> OperatorLineage[Any, Any]:
    """Job SQL facet, input datasets, and the output dataset with column lineage."""
    from airflow.providers.common.compat.openlineage.facet import Dataset, SQLJobFacet
    from airflow.providers.openlineage.extractors import OperatorLineage

    from sqlsynth.lineage import column_lineage

    lineage = column_lineage(ran.select, catalog, dialect=ran.dialect, namespace=naming.namespace)
    event = lineage.to_openlineage(sql=ran.query, output=ran.target_table)
    inputs = [
        Dataset(namespace=d["namespace"], name=naming.qualify(d["name"])) for d in event["inputs"]
    ]
    outputs = [
        Dataset(
            namespace=d["namespace"],
            name=naming.qualify(d["name"]),
            facets={
                "columnLineage": _column_lineage_facet(
                    d["facets"]["columnLineage"]["fields"], naming
                )
            },
        )
        for d in event["outputs"]
    ]
    return OperatorLineage(
        inputs=inputs,
        outputs=outputs,
        job_facets={"sql": SQLJobFacet(query=event["job"]["facets"]["sql"]["query"])},
    )
