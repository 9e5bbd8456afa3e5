"""Which SQL a task may run: the reviewed SQL of its spec, or SQL generated and validated now.

Imported only when a task runs; DAG files import :mod:`sqlsynth_airflow.operators`, which stays
cheap. Every decision about whether SQL is right is the core's: ``model_state`` for reviewed
SQL, ``translate_and_validate`` for generated SQL. This module adds only what Airflow users need
to hear when it refuses. Reviewed mode loads no sqlglot (the pipeline module is imported for
generate mode and lineage only), since every task process pays for what it imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from sqlsynth.artifact import ModelState, model_state, read_lock, sql_body, sql_hash
from sqlsynth.config import Project
from sqlsynth.errors import SpecError, StaleModelError
from sqlsynth.spec import NLSpec, load_specs, spec_hash

if TYPE_CHECKING:
    from sqlsynth.catalog import Catalog
    from sqlsynth.policy import Policy
    from sqlsynth.translate import Translator


@dataclass(frozen=True)
class ResolvedSQL:
    """The SQL a task will run, and what the audit log, XCom and lineage say about it."""

    spec: NLSpec
    sql: str
    dialect: str
    spec_hash: str
    sql_hash: str
    translator: str
    reviewed: bool
    reviewed_by: str | None = None


def _project_specs(project: Project) -> dict[str, NLSpec]:
    if not project.specs_dir.is_dir():
        return {}
    return {spec.name: spec for spec in load_specs(project.specs_dir)}


def project_spec(project: Project, name: str) -> NLSpec:
    """The spec called ``name`` in the project's spec files."""
    specs = _project_specs(project)
    if name in specs:
        return specs[name]
    from sqlsynth.suggest import nearest

    suggestion = nearest(name, list(specs))
    raise SpecError(
        f"no spec named {name!r} in {project.specs_dir}",
        hint=f"did you mean {suggestion!r}?"
        if suggestion
        else "add it to a specs/*.yml file, or pass prompt= instead of spec=",
    )


def inline_spec(name: str, prompt: str, sources: Sequence[str]) -> NLSpec:
    """The spec a task describes with ``prompt=`` (and ``sources=``) instead of ``spec=``."""
    from pydantic import ValidationError as PydanticValidationError

    from sqlsynth.errors import describe_invalid

    try:
        return NLSpec(name=name, prompt=prompt, sources=tuple(sources))
    except PydanticValidationError as exc:
        raise SpecError(
            f"task spec {name!r}: {describe_invalid(exc)}",
            hint="pass a non-blank prompt and name= as an identifier",
        ) from exc


def spec_yaml(spec: NLSpec) -> str:
    """``spec`` as it would be written in a ``specs/*.yml`` file."""
    item: dict[str, Any] = {"name": spec.name, "prompt": " ".join(spec.prompt.split())}
    if spec.sources:
        item["sources"] = list(spec.sources)
    text: str = yaml.safe_dump(
        {"specs": [item]}, sort_keys=False, default_flow_style=None, width=1000
    )
    return text


def _commands(name: str) -> str:
    return f"sqlsynth generate {name} && sqlsynth approve {name}"


def _check_inline_spec(project: Project, spec: NLSpec) -> None:
    """An inline prompt runs only the SQL reviewed for that very prompt, so it must be a spec."""
    known = _project_specs(project).get(spec.name)
    if known is not None and spec_hash(known) == spec_hash(spec):
        return
    if known is None:
        problem = (
            f"{spec.name}: no reviewed SQL for this task's prompt; refusing to run it.\n"
            f"Add the spec to a file in {project.specs_dir} (e.g. airflow.yml):\n\n"
        )
    else:
        problem = (
            f"{spec.name}: this task's prompt or sources differ from spec {spec.name!r} in"
            f" {project.specs_dir}; refusing to run SQL reviewed for another request.\n"
            "Make the spec say what the task says:\n\n"
        )
    raise StaleModelError(
        problem + spec_yaml(spec) + f"\nthen, in {project.root}, review and approve its SQL:\n"
        f"  {_commands(spec.name)}",
        hint=_commands(spec.name),
    )


def reviewed(project: Project, spec: NLSpec, *, inline: bool, dialect: str | None) -> ResolvedSQL:
    """The approved SQL of ``spec``; refuses when it is missing, stale, unreviewed or for
    another SQL dialect than the connection's (``dialect``, None when unknown).

    The same rule as :func:`sqlsynth.pipeline.reviewed_sql` (:func:`~sqlsynth.artifact.model_state`
    decides), read without importing the pipeline: a task process pays for what it imports.
    """
    if inline:
        _check_inline_spec(project, spec)
    entry = read_lock(project.lock_path).models.get(spec.name)
    status = model_state(spec, entry, project.root)
    if not status.ok or entry is None:
        missing = status.state in (ModelState.NOT_GENERATED, ModelState.MISSING_FILE)
        raise StaleModelError(
            f"{spec.name}: {status.message}; refusing to run it (project {project.root})",
            hint=_commands(spec.name) if missing else status.hint,
        )
    if dialect is not None and entry.dialect != dialect:
        raise StaleModelError(
            f"{spec.name}: its reviewed SQL is written for {entry.dialect}, but the connection"
            f" speaks {dialect}; refusing to run it",
            hint=f'set `dialect = "{dialect}"` (or a {dialect} warehouse) in the project\'s'
            f" sqlsynth.toml, then {_commands(spec.name)}",
        )
    return ResolvedSQL(
        spec=spec,
        sql=sql_body((project.root / entry.sql_path).read_text("utf-8")),
        dialect=entry.dialect,
        spec_hash=entry.spec_hash,
        sql_hash=entry.sql_hash,
        translator=entry.translator,
        reviewed=True,
        reviewed_by=entry.review.reviewed_by if entry.review else None,
    )


def generated(
    spec: NLSpec,
    *,
    catalog: Catalog,
    dialect: str,
    translator: Translator,
    max_repairs: int,
    policy: Policy,
) -> ResolvedSQL:
    """SQL translated and validated now (with up to ``max_repairs`` rounds of validator
    feedback for translators that use it); it is unreviewed, and says so.

    The project ``policy`` applies as at run time: the SQL is capped at its ``row_limit``."""
    from sqlsynth.pipeline import translate_and_validate

    draft, _ = translate_and_validate(
        spec,
        catalog,
        dialect=dialect,
        translator=translator,
        max_repairs=max_repairs,
        policy=policy,
        run_time=True,
    )
    return ResolvedSQL(
        spec=spec,
        sql=draft.sql,
        dialect=dialect,
        spec_hash=spec_hash(spec),
        sql_hash=sql_hash(draft.sql),
        translator=draft.translator,
        reviewed=False,
    )


def revalidated(
    resolved: ResolvedSQL, *, catalog: Catalog, reviewer: str, policy: Policy
) -> ResolvedSQL:
    """SQL a person approved in Airflow, validated again (it waited in the metadata DB)."""
    from dataclasses import replace

    from sqlsynth.validate import validate_sql

    report = validate_sql(
        resolved.sql,
        catalog,
        dialect=resolved.dialect,
        sources=resolved.spec.sources,
        policy=policy.for_spec(resolved.spec, run_time=True),
    )
    report.raise_for_errors(resolved.spec.name)
    return replace(resolved, reviewed=True, reviewed_by=reviewer)


def connection_catalog(project: Project, uri: str) -> Catalog:
    """The schema to validate and trace lineage against: the project's catalog file when it
    sets one (offline snapshots), else the database the connection reaches."""
    from sqlsynth.pipeline import project_catalog
    from sqlsynth.warehouse import load_catalog

    if project.settings.catalog:
        return project_catalog(project)
    return load_catalog(uri, root=project.root)
