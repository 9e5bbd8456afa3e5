"""The warehouse schema the SQL is checked against.

A :class:`Catalog` is a plain, hashable description of tables, columns, keys and a few
sampled values. It comes from a live warehouse (:mod:`sqlsynth.warehouse`) or from a
YAML/JSON file, so validation and translation never need a connection of their own.

>>> catalog = Catalog(dialect="duckdb", tables=(Table(name="orders", columns=(
...     Column(name="id", type="INTEGER"),)),))
>>> catalog.table("ORDERS").name
'orders'
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from sqlsynth.errors import CatalogError, describe_invalid


class Column(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: str = "TEXT"
    description: str | None = None
    nullable: bool = True
    tags: tuple[str, ...] = ()
    samples: tuple[str, ...] = Field(
        default=(), description="Distinct values of a low-cardinality text column."
    )


class ForeignKey(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


class Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str
    db_schema: str | None = Field(default=None, alias="schema")
    description: str | None = None
    columns: tuple[Column, ...] = ()
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    def column(self, name: str) -> Column | None:
        """The column called ``name``, ignoring case."""
        wanted = name.lower()
        return next((c for c in self.columns if c.name.lower() == wanted), None)


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    dialect: str = "duckdb"
    tables: tuple[Table, ...] = ()

    def table(self, name: str) -> Table | None:
        """The table called ``name`` (``schema.table`` or bare), ignoring case."""
        parts = name.lower().split(".")
        bare, schema = parts[-1], (parts[-2] if len(parts) > 1 else None)
        for table in self.tables:
            if table.name.lower() == bare and (
                schema is None or (table.db_schema or "").lower() == schema
            ):
                return table
        return None

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    @property
    def catalog_hash(self) -> str:
        """sha256 of the canonical JSON form; changes whenever the schema does."""
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def sqlglot_schema(self) -> dict[str, dict[str, str]]:
        """``{table: {column: type}}`` for sqlglot's qualifier and lineage."""
        return {t.name: {c.name: c.type for c in t.columns} for t in self.tables}

    def subset(self, names: tuple[str, ...] | list[str]) -> Catalog:
        """Only the named tables (unknown names are ignored)."""
        keep = {n.lower().split(".")[-1] for n in names}
        return self.model_copy(
            update={"tables": tuple(t for t in self.tables if t.name.lower() in keep)}
        )


CATALOG_FILE_SUFFIXES = (".yml", ".yaml", ".json")


def load_catalog_file(path: Path) -> Catalog:
    """Read a catalog from YAML or JSON (the same shape as ``Catalog.model_dump``)."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(
            f"{path}: cannot read catalog file: {exc.strerror}", hint="check the path"
        ) from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML/JSON: {exc}", hint="fix the syntax") from exc
    try:
        return Catalog.model_validate(raw)
    except PydanticValidationError as exc:
        raise CatalogError(
            f"{path}: {describe_invalid(exc)}",
            hint="a catalog file has `dialect` and `tables: [{name, columns: [{name, type}]}]`",
        ) from exc


def write_catalog_file(catalog: Catalog, path: Path) -> None:
    """Write ``catalog`` as YAML, e.g. to snapshot a warehouse for offline checks."""
    from sqlsynth.fsutil import atomic_write_text

    data = catalog.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    atomic_write_text(path, yaml.safe_dump(data, sort_keys=False))
