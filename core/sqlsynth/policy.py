"""Governance policy: which tables SQL may read, how PII may leave it, which filters it must
carry, and how many rows SQL generated at run time may return.

A project sets its policy under ``[policy]`` in ``sqlsynth.toml`` (``[tool.sqlsynth.policy]`` in
``pyproject.toml``, or ``SQLSYNTH_POLICY`` as JSON); a spec's ``policy:`` mapping may only
narrow it (:meth:`Policy.for_spec`). The validator's policy checks and the rewrite step that
masks PII and caps rows (:mod:`sqlsynth.enforce`) read the merged result. This module imports
no sqlglot: every Airflow task reads the settings, and reviewed runs never parse SQL.

>>> project = Policy(allowed_tables=("orders", "customers"), pii="mask", row_limit=1000)
>>> spec = NLSpec(name="n", prompt="p", policy={"allowed_tables": ["orders"], "row_limit": 50})
>>> merged = project.for_spec(spec, run_time=True)
>>> merged.allowed_tables, merged.pii_mode, merged.row_limit
(('orders',), 'mask', 50)
>>> project.for_spec(spec).row_limit is None  # build time: models return every row
True
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from sqlsynth.catalog import Catalog
from sqlsynth.errors import SpecError, describe_invalid
from sqlsynth.spec import NLSpec

PiiMode = Literal["refuse", "mask"]

PII_TAG = "pii"
"""The tag that always marks PII: in catalog files, dbt column tags, dbt ``meta: {pii: true}``."""


def _names(value: object) -> object:
    """One name or a list of names, each stripped; TOML users write either."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)):
        return tuple(v.strip() if isinstance(v, str) else v for v in value)
    return value


Names = Annotated[tuple[Annotated[str, Field(min_length=1)], ...], BeforeValidator(_names)]
QualifiedColumn = Annotated[str, Field(pattern=r"^[^.\s]+(\.[^.\s]+){1,2}$")]


class Policy(BaseModel):
    """The rules SQL must follow; every field is optional and an empty policy allows all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed_schemas: Names | None = Field(
        default=None, description="Schemas SQL may read; unset: any."
    )
    allowed_tables: Names | None = Field(
        default=None, description="Tables (`table` or `schema.table`) SQL may read; unset: any."
    )
    pii: PiiMode | None = Field(
        default=None,
        description='PII in results: "refuse" (the default) or "mask" (a hash of the value).',
    )
    pii_tags: Names = Field(default=(), description="Column tags that mark PII besides `pii`.")
    pii_columns: tuple[QualifiedColumn, ...] = Field(
        default=(), description="More PII columns, as `table.column`."
    )
    required_filters: dict[str, Names] = Field(
        default_factory=dict,
        description="table → a column every read must pin (`col = value` or `col IN (values)`), "
        "or a predicate it must AND in.",
    )
    row_limit: int | None = Field(
        default=None, gt=0, description="Most rows SQL generated at run time may return."
    )

    @property
    def pii_mode(self) -> PiiMode:
        return self.pii or "refuse"

    @property
    def policy_hash(self) -> str | None:
        """sha256 of the rules, None for an empty policy: the lock records it, so ``generate``
        redoes SQL written under other rules (and locks from before a policy stay valid)."""
        if self == NO_POLICY:
            return None
        canonical = self.model_dump_json(exclude_defaults=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def for_spec(self, spec: NLSpec, *, run_time: bool = False) -> Policy:
        """This (project) policy narrowed by ``spec.policy``; ``row_limit`` only at run time.

        Allow-lists intersect, PII columns and tags and required filters add up, the smaller
        row limit wins, and only the project can choose ``pii = "mask"`` (a spec may only refuse).
        """
        try:
            own = Policy.model_validate(spec.policy)
        except PydanticValidationError as exc:
            raise SpecError(
                f"spec {spec.name}: policy.{describe_invalid(exc)}",
                hint="see README 'Policies' for the keys a policy takes",
            ) from exc
        merged = self.narrowed_by(own)
        return merged if run_time else merged.model_copy(update={"row_limit": None})

    def narrowed_by(self, other: Policy) -> Policy:
        """The policy that allows only what both allow."""
        filters = {k.lower(): v for k, v in self.required_filters.items()}
        for table, more in other.required_filters.items():
            filters[table.lower()] = tuple(dict.fromkeys((*filters.get(table.lower(), ()), *more)))
        limits = [n for n in (self.row_limit, other.row_limit) if n is not None]
        return Policy(
            allowed_schemas=_intersect_schemas(self.allowed_schemas, other.allowed_schemas),
            allowed_tables=_intersect_tables(self.allowed_tables, other.allowed_tables),
            # Masking lets a digest of PII out, refusing lets nothing out: only the project
            # may choose masking; a spec may only ask for refusal.
            pii="refuse" if "refuse" in (self.pii, other.pii) else self.pii,
            pii_tags=tuple(dict.fromkeys((*self.pii_tags, *other.pii_tags))),
            pii_columns=tuple(dict.fromkeys((*self.pii_columns, *other.pii_columns))),
            required_filters=filters,
            row_limit=min(limits) if limits else None,
        )

    def pii_columns_of(self, catalog: Catalog) -> frozenset[tuple[str, str]]:
        """``(table, column)`` in lower case for every PII column: tagged or listed.

        >>> from sqlsynth.catalog import Column, Table
        >>> catalog = Catalog(tables=(Table(name="customers", columns=(
        ...     Column(name="email", tags=("PII",)), Column(name="phone"))),))
        >>> sorted(Policy(pii_columns=("customers.phone",)).pii_columns_of(catalog))
        [('customers', 'email'), ('customers', 'phone')]
        """
        tags = {PII_TAG, *(t.lower() for t in self.pii_tags)}
        found = {
            (table.name.lower(), column.name.lower())
            for table in catalog.tables
            for column in table.columns
            if tags & {t.lower() for t in column.tags}
        }
        for listed in self.pii_columns:
            *_, table, column = listed.lower().split(".")
            found.add((table, column))
        return frozenset(found)

    def filters_for(self, table: str) -> tuple[str, ...]:
        """The filters every read of ``table`` (bare name, any case) must carry."""
        wanted = table.lower()
        return tuple(
            f
            for name, found in self.required_filters.items()
            if name.lower().split(".")[-1] == wanted
            for f in found
        )

    def allows_table(self, name: str, schema: str | None) -> bool:
        """Whether ``allowed_tables`` lets SQL read ``schema.name`` (``schema`` None: unknown)."""
        if self.allowed_tables is None:
            return True
        return any(_matches(entry, name, schema) for entry in self.allowed_tables)

    def allows_schema(self, schema: str | None) -> bool:
        """Whether ``allowed_schemas`` lets SQL read ``schema``; an unknown schema is refused."""
        if self.allowed_schemas is None:
            return True
        return schema is not None and schema.lower() in {s.lower() for s in self.allowed_schemas}


NO_POLICY = Policy()
"""The empty policy: nothing beyond the validator's own checks (PII tagged ``pii`` is refused)."""


def _split(entry: str) -> tuple[str | None, str]:
    parts = entry.lower().split(".")
    return (parts[-2] if len(parts) > 1 else None), parts[-1]


def _matches(entry: str, name: str, schema: str | None) -> bool:
    entry_schema, entry_name = _split(entry)
    if entry_name != name.lower():
        return False
    return entry_schema is None or (schema is not None and entry_schema == schema.lower())


def _intersect_schemas(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> Names | None:
    if a is None or b is None:
        return b if a is None else a
    keep = {s.lower() for s in a}
    return tuple(s for s in b if s.lower() in keep)


def _intersect_tables(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> Names | None:
    """Entries both lists allow, each as the more specific of the pair that matches."""
    if a is None or b is None:
        return b if a is None else a
    both: list[str] = []
    for x in a:
        for y in b:
            (sx, nx), (sy, ny) = _split(x), _split(y)
            if nx == ny and (sx is None or sy is None or sx == sy):
                both.append(x if sx is not None else y)
    return tuple(dict.fromkeys(both))
