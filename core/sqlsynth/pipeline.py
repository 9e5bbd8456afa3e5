"""The pipeline in one place: spec → catalog → translate → enforce → validate → artifact → run.

``enforce`` is the policy's rewrite step (:mod:`sqlsynth.enforce`: PII masked, run-time rows
capped), so the SQL a person reviews is the SQL that runs.

Each step lives in its own module; this one strings them together and decides what is
written when. Writes happen only after every requested spec translated and validated, and a
failure while writing restores the files it had already replaced, so the lock and the SQL
files always agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from sqlsynth.artifact import (
    Lock,
    LockEntry,
    ModelState,
    ModelStatus,
    Review,
    lock_text,
    model_state,
    read_lock,
    render_sql_file,
    sql_body,
    sql_hash,
    utc_now,
    write_lock,
)
from sqlsynth.audit import AuditLog
from sqlsynth.catalog import Catalog
from sqlsynth.config import Project
from sqlsynth.enforce import enforce_policy
from sqlsynth.errors import SqlsynthError, StaleModelError, ValidationError
from sqlsynth.fsutil import write_all_or_nothing
from sqlsynth.policy import NO_POLICY, Policy
from sqlsynth.spec import NLSpec, spec_hash
from sqlsynth.translate import Draft, Translator
from sqlsynth.validate import ValidationReport, validate_sql
from sqlsynth.warehouse import QueryResult, connect, load_catalog


def project_catalog(project: Project) -> Catalog:
    """The catalog the project validates against: its catalog file, else its warehouse."""
    return load_catalog(project.settings.catalog or project.settings.warehouse, root=project.root)


def translate_and_validate(
    spec: NLSpec,
    catalog: Catalog,
    *,
    dialect: str,
    translator: Translator,
    max_repairs: int = 0,
    policy: Policy = NO_POLICY,
    run_time: bool = False,
) -> tuple[Draft, ValidationReport]:
    """A draft for ``spec`` that passed validation; raises the translator's or validator's error.

    Each draft goes through the policy's rewrite step (``policy``, the project's, narrowed by
    the spec's: PII masked, and at ``run_time`` rows capped) before it is validated, so the SQL
    reviewed is the SQL that runs. With ``max_repairs``, a rejected draft's findings go back to
    the translator as ``feedback``, at most that many times; a translator that answers the same
    SQL again (the embedded one always does) ends the rounds early.
    """
    rules = policy.for_spec(spec, run_time=run_time)

    def translate(feedback: tuple[str, ...] = ()) -> Draft:
        found = (
            translator.translate(spec, catalog, dialect=dialect, feedback=feedback)
            if feedback
            else translator.translate(spec, catalog, dialect=dialect)
        )
        sql = enforce_policy(found.sql, catalog, dialect=dialect, policy=rules)
        return found if sql == found.sql else found.model_copy(update={"sql": sql})

    def validate(sql: str) -> ValidationReport:
        return validate_sql(sql, catalog, dialect=dialect, sources=spec.sources, policy=rules)

    draft = translate()
    report = validate(draft.sql)
    repairs = 0
    while not report.ok and repairs < max_repairs:
        feedback = tuple(
            f"[{f.check}] {f.message}" + (f" (hint: {f.hint})" if f.hint else "")
            for f in report.errors
        )
        repaired = translate(feedback)
        if repaired.sql == draft.sql:
            break
        draft, repairs = repaired, repairs + 1
        report = validate(draft.sql)
    if not report.ok and repairs:
        still = "; ".join(f"[{f.check}] {f.message}" for f in report.errors)
        raise ValidationError(
            f"{spec.name}: SQL still failed validation after {repairs} repair round(s): {still}",
            hint="rephrase the prompt, or write the SQL by hand and `sqlsynth approve` it",
            findings=report.errors,
        )
    report.raise_for_errors(spec.name)
    return draft, report


class PlannedModel(BaseModel):
    """A validated draft ready to be written (its SQL file), and the lock entry it will get."""

    model_config = ConfigDict(frozen=True)

    spec: NLSpec
    draft: Draft
    report: ValidationReport
    path: Path
    text: str
    entry: LockEntry

    @property
    def files(self) -> tuple[tuple[Path, str], ...]:
        """Every ``(path, text)`` the model writes; they are written together or not at all."""
        return ((self.path, self.text),)


ModelT = TypeVar("ModelT", bound=PlannedModel)


class GenerateResult(BaseModel, Generic[ModelT]):
    """What one ``generate`` did: models written, specs skipped as unchanged, failures."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    written: tuple[ModelT, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[tuple[str, SqlsynthError], ...] = ()


def _is_hand_edited(entry: LockEntry | None, root: Path) -> bool:
    path = root / entry.sql_path if entry else None
    return bool(
        entry and path and path.is_file() and sql_hash(path.read_text("utf-8")) != entry.sql_hash
    )


def _plan_model(
    project: Project,
    spec: NLSpec,
    catalog: Catalog,
    translator: Translator,
    previous: LockEntry | None,
) -> PlannedModel:
    dialect = spec.dialect or project.dialect
    draft, report = translate_and_validate(
        spec,
        catalog,
        dialect=dialect,
        translator=translator,
        max_repairs=project.settings.llm_max_repairs,
        policy=project.settings.policy,
    )
    path = project.models_dir / f"{spec.name}.sql"
    text = render_sql_file(
        draft.sql,
        spec=spec,
        translator=draft.translator,
        translator_version=draft.translator_version,
        dialect=dialect,
    )
    digest = sql_hash(text)
    keep_review = previous and previous.review and previous.review.sql_hash == digest
    entry = LockEntry(
        spec_hash=spec_hash(spec),
        catalog_hash=catalog.catalog_hash,
        policy_hash=project.settings.policy.for_spec(spec).policy_hash,
        sql_hash=digest,
        sql_path=path.relative_to(project.root).as_posix(),
        dialect=dialect,
        translator=draft.translator,
        translator_version=draft.translator_version,
        generated_at=utc_now(),
        review=previous.review if keep_review and previous else None,
    )
    return PlannedModel(spec=spec, draft=draft, report=report, path=path, text=text, entry=entry)


def _needs_generation(
    spec: NLSpec, entry: LockEntry | None, catalog: Catalog, project: Project
) -> bool:
    if entry is None or not (project.root / entry.sql_path).is_file():
        return True
    return (
        entry.spec_hash != spec_hash(spec)
        or entry.catalog_hash != catalog.catalog_hash
        or entry.policy_hash != project.settings.policy.for_spec(spec).policy_hash
    )


def generate(
    project: Project,
    specs: Sequence[NLSpec],
    *,
    catalog: Catalog,
    translator: Translator,
    force: bool = False,
    keep_going: bool = False,
    on_spec: Callable[[NLSpec], None] | None = None,
) -> GenerateResult[PlannedModel]:
    """Generate SQL for ``specs``; unchanged specs are skipped, hand edits are never overwritten.

    Without ``keep_going`` one failure writes nothing at all: the project stays as it was.
    ``on_spec`` is called as each spec starts, for progress display.
    """
    lock = read_lock(project.lock_path)
    audit = AuditLog(project.audit_path)
    planned: list[PlannedModel] = []
    unchanged: list[str] = []
    failed: list[tuple[str, SqlsynthError]] = []
    for spec in specs:
        if on_spec is not None:
            on_spec(spec)
        previous = lock.models.get(spec.name)
        if not force and not _needs_generation(spec, previous, catalog, project):
            unchanged.append(spec.name)
            continue
        if not force and _is_hand_edited(previous, project.root):
            failed.append((spec.name, _hand_edit_error(spec, previous)))
            continue
        try:
            planned.append(_plan_model(project, spec, catalog, translator, previous))
        except SqlsynthError as error:
            failed.append((spec.name, error))
            audit_failed_generation(audit, spec, translator.name, error)
    if failed and not keep_going:
        return GenerateResult[PlannedModel](unchanged=tuple(unchanged), failed=tuple(failed))
    _write_models(project, planned, lock)
    for model in planned:
        audit_generation(
            audit, model.spec.name, model.entry, model.report, model.draft, owner=model.spec.owner
        )
    return GenerateResult[PlannedModel](
        written=tuple(planned), unchanged=tuple(unchanged), failed=tuple(failed)
    )


def audit_failed_generation(
    audit: AuditLog, spec: NLSpec, translator: str, error: SqlsynthError, **details: Any
) -> None:
    """The audit record of a spec that could not be generated (no SQL was written)."""
    audit.append(
        "generate",
        outcome="invalid" if isinstance(error, ValidationError) else "refused",
        spec=spec.name,
        spec_hash=spec_hash(spec),
        translator=translator,
        details={"error": error.one_line(), "owner": spec.owner, **details},
    )


def audit_generation(
    audit: AuditLog,
    name: str,
    entry: LockEntry,
    report: ValidationReport,
    draft: Draft,
    **details: Any,
) -> None:
    """The audit record of SQL written for a spec: hashes, tables read, warnings, facts."""
    audit.append(
        "generate",
        outcome="ok",
        spec=name,
        spec_hash=entry.spec_hash,
        sql_hash=entry.sql_hash,
        translator=entry.translator,
        model=draft.model,
        details={
            "catalog_hash": entry.catalog_hash,
            "tables": list(report.tables),
            "warnings": [f.check for f in report.warnings],
            "path": entry.sql_path,
            **draft.details,
            **details,
        },
    )


def _hand_edit_error(spec: NLSpec, entry: LockEntry | None) -> SqlsynthError:
    where = entry.sql_path if entry else spec.name
    return StaleModelError(
        f"{where} was edited by hand and its spec or catalog changed; "
        "regenerating would lose the edit",
        hint=f"merge the edit into the spec, or run `sqlsynth generate --force {spec.name}`",
    )


def _write_models(project: Project, planned: Sequence[PlannedModel], lock: Lock) -> None:
    """Write SQL files then the lock, all or nothing."""
    if not planned:
        return
    models = {**lock.models, **{m.spec.name: m.entry for m in planned}}
    new_lock = lock.model_copy(update={"models": models})
    write_all_or_nothing(
        [*(f for m in planned for f in m.files), (project.lock_path, lock_text(new_lock))]
    )


def approve(
    project: Project, specs: Sequence[NLSpec], *, reviewer: str, catalog: Catalog
) -> list[ModelStatus]:
    """Record that ``reviewer`` approved the current SQL of each spec (after validating it)."""
    lock = read_lock(project.lock_path)
    updated = dict(lock.models)
    approved = []
    for spec in specs:
        state = model_state(spec, lock.models.get(spec.name), project.root)
        if state.state in (
            ModelState.NOT_GENERATED,
            ModelState.MISSING_FILE,
            ModelState.SPEC_CHANGED,
        ):
            raise StaleModelError(f"cannot approve {spec.name}: {state.message}", hint=state.hint)
        entry = lock.models[spec.name]
        text = (project.root / entry.sql_path).read_text("utf-8")
        report = validate_sql(
            sql_body(text),
            catalog,
            dialect=entry.dialect,
            sources=spec.sources,
            policy=project.settings.policy.for_spec(spec),
        )
        report.raise_for_errors(spec.name)
        review = Review(reviewed_by=reviewer, reviewed_at=utc_now(), sql_hash=sql_hash(text))
        updated[spec.name] = entry.model_copy(update={"review": review})
        approved.append(model_state(spec, updated[spec.name], project.root))
    write_lock(lock.model_copy(update={"models": updated}), project.lock_path)
    audit = AuditLog(project.audit_path)
    for spec in specs:
        entry = updated[spec.name]
        audit.append(
            "approve",
            outcome="ok",
            spec=spec.name,
            spec_hash=entry.spec_hash,
            sql_hash=entry.sql_hash if entry.review is None else entry.review.sql_hash,
            translator=entry.translator,
            details={"reviewer": reviewer, "owner": spec.owner},
        )
    return approved


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: ModelStatus
    report: ValidationReport | None = None

    @property
    def ok(self) -> bool:
        return self.status.ok and (self.report is None or self.report.ok)


def check(
    project: Project,
    specs: Sequence[NLSpec],
    *,
    catalog: Catalog,
    lock: Lock | None = None,
    sql_of: Callable[[str], str] = sql_body,
) -> list[CheckResult]:
    """Every spec's state, and its SQL re-validated against today's catalog.

    Integrations that keep lock entries and SQL files their own way pass ``lock`` (default:
    the project's lock file) and ``sql_of``, which turns a SQL file's text into the SQL to
    validate (default: :func:`~sqlsynth.artifact.sql_body`; dbt resolves ``ref()`` there).
    """
    lock = lock if lock is not None else read_lock(project.lock_path)
    results = []
    for spec in specs:
        entry = lock.models.get(spec.name)
        status = model_state(spec, entry, project.root)
        report = None
        if entry is not None and (project.root / entry.sql_path).is_file():
            body = sql_of((project.root / entry.sql_path).read_text("utf-8"))
            report = validate_sql(
                body,
                catalog,
                dialect=entry.dialect,
                sources=spec.sources,
                policy=project.settings.policy.for_spec(spec),
            )
        results.append(CheckResult(status=status, report=report))
    return results


def reviewed_sql(project: Project, spec: NLSpec) -> tuple[str, LockEntry]:
    """The approved SQL of ``spec``; refuses when it is missing, stale or unreviewed."""
    lock = read_lock(project.lock_path)
    entry = lock.models.get(spec.name)
    status = model_state(spec, entry, project.root)
    if not status.ok or entry is None:
        raise StaleModelError(
            f"{spec.name}: {status.message}; refusing to run it", hint=status.hint
        )
    return sql_body((project.root / entry.sql_path).read_text("utf-8")), entry


def run(project: Project, spec: NLSpec, *, max_rows: int) -> QueryResult:
    """Run the reviewed SQL of ``spec`` on the project's warehouse, and audit the run."""
    sql, entry = reviewed_sql(project, spec)
    audit = AuditLog(project.audit_path)
    started = time.perf_counter()
    try:
        result = connect(project.settings.warehouse, root=project.root).query(
            sql, max_rows=max_rows
        )
    except SqlsynthError as error:
        audit.append(
            "run",
            outcome="failed",
            spec=spec.name,
            spec_hash=entry.spec_hash,
            sql_hash=sql_hash(sql),
            translator=entry.translator,
            details={"error": error.one_line(), "owner": spec.owner},
        )
        raise
    audit.append(
        "run",
        outcome="ok",
        spec=spec.name,
        spec_hash=entry.spec_hash,
        sql_hash=entry.sql_hash,
        translator=entry.translator,
        details={
            "row_count": result.row_count,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "owner": spec.owner,
        },
    )
    return result
