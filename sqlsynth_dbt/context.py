"""What dbt knows about a project's relations, turned into a sqlsynth :class:`Catalog`.

The ``sqlsynth_context`` macro gathers it inside dbt: every model, seed, snapshot and source
in ``graph``, with live columns (``adapter.get_columns_in_relation``) and sampled values for
the relations asked for, descriptions and tags from YAML, and the ``unique``, ``not_null`` and
``relationships`` tests. :func:`dbt_catalog` names each relation for the translator (a model's
or seed's name, a source table's name) and remembers how a model reads it: ``ref()`` or
``source()``. Relation names are target-independent, so a catalog hash does not change between
a DuckDB laptop and a PostgreSQL CI target that hold the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlglot import exp
from sqlglot.errors import SqlglotError

from sqlsynth.catalog import Catalog, Column, ForeignKey, Table
from sqlsynth.errors import SpecError
from sqlsynth.policy import PII_TAG
from sqlsynth.suggest import nearest
from sqlsynth.warehouse import MAX_SAMPLE_LENGTH, SAMPLE_LIMIT
from sqlsynth_dbt.jinja import RelationCall

# dbt adapter type → sqlglot dialect, where the names differ.
_DIALECTS = {"sqlserver": "tsql", "fabric": "tsql", "synapse": "tsql", "glue": "spark"}


class ColumnInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    type: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    meta: dict[str, Any] = {}
    samples: tuple[str, ...] = ()

    @property
    def marked_pii(self) -> bool:
        """``meta: {pii: true}`` (or ``contains_pii``) in the column's YAML."""
        return any(self.meta.get(key) in (True, "true", "yes") for key in ("pii", "contains_pii"))


class RelationInfo(BaseModel):
    """One model, seed, snapshot or source as the macro saw it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    unique_id: str
    resource_type: Literal["model", "seed", "snapshot", "source"]
    package_name: str
    name: str
    source_name: str | None = None
    description: str | None = None
    materialized: str | None = None
    original_file_path: str | None = None
    generated: bool = False
    gathered: bool = False
    columns: tuple[ColumnInfo, ...] = ()
    documented_columns: tuple[ColumnInfo, ...] = ()


class DataTestInfo(BaseModel):
    """A generic data test: what the catalog learns keys from."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    attached_node: str | None = None
    column_name: str | None = None
    depends_on: tuple[str, ...] = ()
    field: str | None = None


class DbtContext(BaseModel):
    """Everything the ``sqlsynth_context`` macro reports about the project."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    project_name: str
    adapter_type: str
    relations: tuple[RelationInfo, ...] = ()
    tests: tuple[DataTestInfo, ...] = ()

    @property
    def dialect(self) -> str:
        """The sqlglot dialect of the adapter dbt runs on."""
        return _DIALECTS.get(self.adapter_type, self.adapter_type)

    def model(self, name: str) -> RelationInfo | None:
        """The root project's model, seed or snapshot called ``name``."""
        wanted = name.lower()
        return next(
            (
                r
                for r in self.relations
                if r.resource_type != "source"
                and r.name.lower() == wanted
                and r.package_name == self.project_name
            ),
            None,
        )


class DbtCatalog(BaseModel):
    """The catalog the translator and validator see, and how each of its tables is read."""

    model_config = ConfigDict(frozen=True)

    catalog: Catalog
    calls: dict[str, RelationCall]
    aliases: dict[str, str]
    """Every name a user may write in ``sources`` (lower case) → the catalog name."""

    def resolve(self, name: str, *, spec: str) -> str:
        """The catalog name of a relation named in a spec's ``sources``."""
        wanted = name.strip().lower()
        found = self.aliases.get(wanted)
        if found is None:
            suggestion = nearest(wanted, sorted(self.aliases))
            raise SpecError(
                f"{spec}: sources names {name!r}, which is no model, seed, snapshot or "
                "source in this dbt project",
                hint=f"did you mean {suggestion!r}?"
                if suggestion
                else "name models and seeds as in ref(), sources as source_name.table_name",
            )
        if self.catalog.table(found) is None:
            raise SpecError(
                f"{spec}: {name!r} has no columns in the warehouse and none documented",
                hint=f"build it first (dbt run -s {name}, or dbt seed) and try again",
            )
        return found

    def name_of(self, call: RelationCall) -> str:
        """The catalog name a model's ``ref()``/``source()`` reads (its own name if unknown)."""
        for name, known in self.calls.items():
            same_relation = known.args == call.args or (
                call.function == "ref" and known.args[-1:] == call.args[-1:]
            )
            if known.function == call.function and same_relation:
                return name
        return call.name

    def scoped(self, sources: Iterable[str], *, excluding: str) -> Catalog:
        """The catalog a spec may read: its sources, or every table except the model itself."""
        names = tuple(sources)
        if names:
            return self.catalog.subset(names)
        return self.catalog.model_copy(
            update={
                "tables": tuple(
                    t for t in self.catalog.tables if t.name.lower() != excluding.lower()
                )
            }
        )


def _type(dtype: str | None, dialect: str) -> str:
    if not dtype:
        return "UNKNOWN"
    try:
        return exp.DataType.build(dtype, dialect=dialect).sql(dialect=dialect)
    except (SqlglotError, ValueError):
        return "UNKNOWN"


def _samples(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > SAMPLE_LIMIT:
        return ()
    return tuple(sorted(v for v in values if len(v) <= MAX_SAMPLE_LENGTH))


def _catalog_names(relations: Iterable[RelationInfo]) -> dict[str, str]:
    """unique_id → catalog name: a model's or seed's name, a source table's name if free."""
    relations = list(relations)
    taken = {r.name.lower() for r in relations if r.resource_type != "source"}
    names: dict[str, str] = {}
    for relation in relations:
        name = relation.name
        if relation.resource_type == "source" and name.lower() in taken:
            name = f"{relation.source_name}__{relation.name}"
        names[relation.unique_id] = name
    return names


def _call(relation: RelationInfo, project_name: str) -> RelationCall:
    if relation.resource_type == "source":
        return RelationCall("source", (relation.source_name or "", relation.name))
    if relation.package_name != project_name:
        return RelationCall("ref", (relation.package_name, relation.name))
    return RelationCall("ref", (relation.name,))


def _keys(
    context: DbtContext, names: Mapping[str, str]
) -> tuple[dict[str, tuple[str, ...]], dict[str, list[ForeignKey]]]:
    unique: dict[str, set[str]] = {}
    not_null: dict[str, set[str]] = {}
    foreign: dict[str, list[ForeignKey]] = {}
    for test in context.tests:
        if not test.attached_node or not test.column_name:
            continue
        column = test.column_name.strip('"`[]')
        if test.name == "unique":
            unique.setdefault(test.attached_node, set()).add(column)
        elif test.name == "not_null":
            not_null.setdefault(test.attached_node, set()).add(column)
        elif test.name == "relationships" and test.field:
            parents = [n for n in test.depends_on if n != test.attached_node and n in names]
            if len(parents) == 1:
                foreign.setdefault(test.attached_node, []).append(
                    ForeignKey(
                        columns=(column,),
                        ref_table=names[parents[0]],
                        ref_columns=(test.field.strip('"`[]'),),
                    )
                )
    primary = {
        node: tuple(sorted(columns & not_null.get(node, set())))[:1]
        for node, columns in unique.items()
    }
    return primary, foreign


def _tags(column: ColumnInfo, docs: ColumnInfo | None) -> tuple[str, ...]:
    tags = {*column.tags, *(docs.tags if docs else ())}
    if column.marked_pii or (docs is not None and docs.marked_pii):
        tags.add(PII_TAG)
    return tuple(sorted(tags))


def _table(
    relation: RelationInfo,
    name: str,
    dialect: str,
    primary_key: tuple[str, ...],
    foreign_keys: list[ForeignKey],
) -> Table | None:
    documented = {c.name.lower(): c for c in relation.documented_columns}
    live = relation.columns or relation.documented_columns
    if not live:
        return None
    columns = []
    for column in live:
        docs = documented.get(column.name.lower())
        columns.append(
            Column(
                name=column.name,
                type=_type(column.type or (docs.type if docs else None), dialect),
                description=column.description or (docs.description if docs else None) or None,
                tags=_tags(column, docs),
                samples=_samples(column.samples),
            )
        )
    known = {c.name.lower() for c in columns}
    return Table(
        name=name,
        description=relation.description or None,
        columns=tuple(columns),
        primary_key=tuple(c for c in primary_key if c.lower() in known),
        foreign_keys=tuple(
            fk for fk in foreign_keys if all(c.lower() in known for c in fk.columns)
        ),
    )


def dbt_catalog(context: DbtContext, *, dialect: str | None = None) -> DbtCatalog:
    """The gathered relations as a catalog, and the ``ref()``/``source()`` each name stands for.

    >>> context = DbtContext(project_name="shop", adapter_type="duckdb", relations=(
    ...     RelationInfo(unique_id="model.shop.stg_orders", resource_type="model",
    ...                  package_name="shop", name="stg_orders", gathered=True,
    ...                  columns=(ColumnInfo(name="status", type="VARCHAR"),)),))
    >>> found = dbt_catalog(context)
    >>> found.catalog.table_names, found.calls["stg_orders"].jinja
    (('stg_orders',), "{{ ref('stg_orders') }}")
    """
    dialect = dialect or context.dialect
    names = _catalog_names(context.relations)
    primary, foreign = _keys(context, names)
    tables: list[Table] = []
    calls: dict[str, RelationCall] = {}
    aliases: dict[str, str] = {}
    for relation in context.relations:
        name = names[relation.unique_id]
        call = _call(relation, context.project_name)
        aliases.setdefault(name.lower(), name)
        if relation.resource_type == "source":
            aliases.setdefault(f"{relation.source_name}.{relation.name}".lower(), name)
        else:
            aliases.setdefault(f"{relation.package_name}.{relation.name}".lower(), name)
        if not relation.gathered:
            continue
        table = _table(
            relation,
            name,
            dialect,
            primary.get(relation.unique_id, ()),
            foreign.get(relation.unique_id, []),
        )
        if table is not None:
            tables.append(table)
            calls[name.lower()] = call
    # Keys may point at relations that were not gathered; keep only those the catalog holds.
    held = {t.name.lower() for t in tables}
    tables = [
        t.model_copy(
            update={"foreign_keys": tuple(f for f in t.foreign_keys if f.ref_table.lower() in held)}
        )
        for t in tables
    ]
    catalog = Catalog(dialect=dialect, tables=tuple(sorted(tables, key=lambda t: t.name.lower())))
    return DbtCatalog(catalog=catalog, calls=calls, aliases=aliases)
