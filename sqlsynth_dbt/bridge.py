"""What the ``nl_model`` macro calls (through ``modules.sqlsynth``, see :mod:`dbt_sqlsynth`).

The macro hands over the request (its arguments) and the context it gathered; this module
generates the model with :func:`sqlsynth_dbt.pipeline.generate` and answers with plain data —
``{"ok": bool, "lines": [...], "error": str | None}`` — that the macro prints or raises as a
compilation error. sqlsynth's own errors become that one-line error; nothing here raises into
dbt except a bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from sqlsynth.errors import ConfigError, SpecError, SqlsynthError, describe_invalid
from sqlsynth.spec import NLSpec
from sqlsynth_dbt.context import DbtContext
from sqlsynth_dbt.pipeline import DbtSpec, GenerateResult, generate
from sqlsynth_dbt.project import DbtProject, find_dbt_project

_REQUEST_KEYS = {
    "name",
    "prompt",
    "sources",
    "materialized",
    "path",
    "description",
    "overwrite",
    "translator",
}


def request_spec(request: Mapping[str, Any]) -> DbtSpec:
    """The macro's arguments as a :class:`DbtSpec`; errors name the argument."""
    unknown = sorted(set(request) - _REQUEST_KEYS)
    if unknown:
        raise SpecError(
            f"unknown argument {unknown[0]!r}",
            hint="arguments: " + ", ".join(sorted(_REQUEST_KEYS)),
        )
    sources = request.get("sources") or ()
    try:
        spec = NLSpec(
            name=request.get("name"),
            prompt=request.get("prompt"),
            sources=(sources,) if isinstance(sources, str) else tuple(sources),
            description=request.get("description"),
        )
        return DbtSpec(
            spec=spec,
            materialized=request.get("materialized") or "view",
            path=request.get("path"),
        )
    except PydanticValidationError as exc:
        raise SpecError(
            describe_invalid(exc),
            hint='call it as --args \'{"name": "orders_per_status", "prompt": "..."}\' '
            "(JSON quoting keeps colons and quotes in the prompt)",
        ) from exc


def _project_dir() -> Path:
    """The project dbt is running: ``--project-dir`` / ``DBT_PROJECT_DIR``, else from cwd."""
    from dbt.flags import get_flags

    folder = getattr(get_flags(), "PROJECT_DIR", None)  # type: ignore[no-untyped-call]
    start = Path(folder) if folder else Path.cwd()
    root = find_dbt_project(start)
    if root is None:
        raise ConfigError(
            f"no dbt_project.yml at or above {start}", hint="run dbt inside a dbt project"
        )
    return root


def describe(result: GenerateResult, project: DbtProject) -> list[str]:
    """What a generation wrote, as the lines the macro and the CLI print."""
    lines = []
    for model in result.written:
        sql, yml = project.relative(model.path), project.relative(model.yml_path)
        review = "still approved (SQL unchanged)" if model.entry.review else "needs review"
        lines.append(
            f"wrote {sql} and {yml} "
            f"({model.entry.translator} {model.entry.translator_version}, {model.entry.dialect})"
        )
        tables = ", ".join(model.report.tables) or "no table"
        lines.append(
            f"validation passed (reads {tables}; {len(model.report.warnings)} warning(s)); {review}"
        )
        for finding in model.report.warnings:
            lines.append(f"  warning: {finding.message} ({finding.hint})")
    for name in result.unchanged:
        lines.append(f"{name} is unchanged (same spec and schema); nothing written")
    names = " ".join(m.spec.name for m in result.written)
    if result.written:
        lines.append(
            f"next: review the SQL, `dbt run -s {names}`, then `sqlsynth dbt approve {names}`"
        )
    return lines


def nl_model(request: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """Generate the model the macro asked for; report what happened as plain data."""
    try:
        spec = request_spec(request)
        project = DbtProject(_project_dir())
        gathered = DbtContext.model_validate(context)
        if gathered.project_name != project.name:
            raise ConfigError(
                f"dbt runs project {gathered.project_name!r} but {project.root} holds "
                f"{project.name!r}",
                hint="pass --project-dir to dbt",
            )
        overwrite = bool(request.get("overwrite"))
        translator = request.get("translator")
        result = generate(
            project,
            gathered,
            [spec],
            force=overwrite,
            replace=overwrite,
            translator=str(translator) if translator else None,
        )
    except SqlsynthError as error:
        return {"ok": False, "lines": [], "error": f"nl_model: {error.one_line()}"}
    lines = [f"sqlsynth: {line}" for line in describe(result, project)]
    if result.failed:
        problem = result.failed[0][1].one_line()
        return {"ok": False, "lines": lines, "error": f"nl_model: {problem}; nothing was written"}
    return {"ok": True, "lines": lines, "error": None}
