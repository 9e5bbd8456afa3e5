"""Gather the project's context through dbt's programmatic runner, without the plugin.

``sqlsynth dbt generate/approve`` and ``sqlsynth check`` invoke
``dbt run-operation sqlsynth_emit_context`` in-process (:class:`dbt.cli.main.dbtRunner`). The
macro is the one ``nl_model`` uses; it logs the context as one debug event, which a callback
picks up, so nothing reaches the terminal unless dbt fails. dbt's runner is not thread-safe:
one invocation at a time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlsynth.errors import CatalogError
from sqlsynth_dbt.context import DbtContext

CONTEXT_MARKER = "sqlsynth-context: "


class DbtOptions:
    """Where dbt finds the profile: the command-line flags dbt itself takes."""

    def __init__(self, *, profiles_dir: Path | None = None, target: str | None = None) -> None:
        self.profiles_dir = profiles_dir
        self.target = target

    def flags(self) -> list[str]:
        flags = []
        if self.profiles_dir is not None:
            flags += ["--profiles-dir", str(self.profiles_dir)]
        if self.target is not None:
            flags += ["--target", self.target]
        return flags


def gather_context(
    project_dir: Path,
    *,
    relations: Sequence[str] | None,
    exclude: Sequence[str] = (),
    options: DbtOptions | None = None,
) -> DbtContext:
    """The context of ``relations`` (None: every relation) in the dbt project at ``project_dir``."""
    try:
        from dbt.cli.main import dbtRunner
    except ImportError as exc:
        raise CatalogError(
            f"dbt is not installed here ({exc})",
            hint="pip install 'sqlsynth[dbt]' and your adapter, e.g. dbt-duckdb",
        ) from exc
    captured: list[str] = []
    errors: list[str] = []

    def on_event(event: Any) -> None:
        message = str(getattr(event.data, "msg", "") or "")
        if message.startswith(CONTEXT_MARKER):
            captured.append(message[len(CONTEXT_MARKER) :])
        elif event.info.level == "error" and message.strip():
            errors.append(" ".join(message.split()))

    arguments = {"relations": list(relations) if relations is not None else None}
    arguments["exclude"] = list(exclude)
    args = [
        "--log-level",
        "none",
        "run-operation",
        "sqlsynth_emit_context",
        "--args",
        json.dumps(arguments),
        "--project-dir",
        str(project_dir),
        *(options or DbtOptions()).flags(),
    ]
    result = dbtRunner(callbacks=[on_event]).invoke(args)
    if not captured:
        problem = errors[-1] if errors else str(result.exception or "no context came back")
        raise CatalogError(
            f"dbt could not read the schema of {project_dir}: {problem}",
            hint="does `dbt run-operation sqlsynth_emit_context` work there? Run `dbt deps` "
            "(the sqlsynth package), check the profile and target, build the upstream models",
        )
    return DbtContext.model_validate_json(captured[-1])
