"""``sqlsynth dbt …``: generate and approve models in a dbt project without the dbt plugin.

Each command reads the project's schema once through dbt's programmatic runner
(:mod:`sqlsynth_dbt.runner`), then does what ``nl_model`` does in Python. ``sqlsynth check``
calls :func:`check_project` when it runs in a dbt project. Heavy modules load inside the
commands, so ``sqlsynth --help`` stays quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlsynth.pipeline import CheckResult
    from sqlsynth_dbt.context import DbtContext
    from sqlsynth_dbt.pipeline import DbtSpec
    from sqlsynth_dbt.project import DbtProject, GeneratedModel
    from sqlsynth_dbt.runner import DbtOptions


def relations_for(specs: Iterable[Any]) -> list[str] | None:
    """The relations specs may read (None: all, when any spec may read any relation)."""
    names: set[str] = set()
    for spec in specs:
        if not spec.sources:
            return None
        names.update(spec.sources)
    return sorted(names)


def _context(project: DbtProject, specs: Iterable[Any], options: DbtOptions) -> DbtContext:
    from sqlsynth_dbt.runner import gather_context

    return gather_context(project.root, relations=relations_for(specs), options=options)


def check_project(root: Path, *, options: DbtOptions | None = None) -> list[CheckResult]:
    """``sqlsynth check`` in a dbt project: every generated model, checked by the core."""
    from sqlsynth_dbt.pipeline import check
    from sqlsynth_dbt.project import DbtProject
    from sqlsynth_dbt.runner import DbtOptions

    project = DbtProject(root)
    models = list(project.generated_models().values())
    if not models:
        return []
    context = _context(project, (m.spec for m in models), options or DbtOptions())
    return check(project, models, context=context)


def _dbt_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        (
            click.option(
                "--project-dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help="dbt project folder (default: the nearest with dbt_project.yml).",
            ),
            click.option(
                "--profiles-dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help="Folder of profiles.yml (default: dbt's, e.g. $DBT_PROFILES_DIR).",
            ),
            click.option("--target", default=None, help="dbt target (default: the profile's)."),
        )
    ):
        command = decorator(command)
    return command


def _project(ctx: click.Context, project_dir: Path | None) -> DbtProject:
    from sqlsynth.errors import ConfigError
    from sqlsynth_dbt.project import DbtProject, find_dbt_project

    start = project_dir or (ctx.find_root().obj or {}).get("project_dir") or Path.cwd()
    root = find_dbt_project(start)
    if root is None:
        raise ConfigError(
            f"no dbt project (dbt_project.yml) at or above {Path(start).resolve()}",
            hint="cd into a dbt project or pass --project-dir",
        )
    return DbtProject(root)


def _options(profiles_dir: Path | None, target: str | None) -> DbtOptions:
    from sqlsynth_dbt.runner import DbtOptions

    return DbtOptions(profiles_dir=profiles_dir, target=target)


def _select(project: DbtProject, names: Iterable[str], *, everything: bool) -> list[GeneratedModel]:
    from sqlsynth.errors import SpecError
    from sqlsynth.suggest import nearest

    models = project.generated_models()
    if everything:
        return list(models.values())
    selected = []
    for name in names:
        if name not in models:
            suggestion = nearest(name, list(models))
            raise SpecError(
                f"no generated model named {name!r} in {project.root}",
                hint=f"did you mean {suggestion!r}?"
                if suggestion
                else "generate it first: sqlsynth dbt generate NAME --prompt ...",
            )
        selected.append(models[name])
    return selected


@click.group("dbt")
def dbt_commands() -> None:
    """Generate, approve and check models in a dbt project (no dbt plugin needed)."""


@dbt_commands.command()
@click.argument("names", nargs=-1)
@click.option("--prompt", default=None, help="Generate NAME from this prompt (a new model).")
@click.option("--sources", default="", help="Comma-separated relations the new model may read.")
@click.option("--materialized", default="view", show_default=True, help="For new models.")
@click.option("--path", "subfolder", default=None, help="Folder under the model path, e.g. nl.")
@click.option(
    "--specs",
    "spec_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A sqlsynth spec file (name, prompt, sources): one new model per spec.",
)
@click.option("--force", is_flag=True, help="Regenerate even unchanged, edited or re-prompted.")
@click.option("--translator", default=None, help="Translator (default: sqlsynth.toml's).")
@_dbt_options
@click.pass_context
def generate(
    ctx: click.Context,
    names: tuple[str, ...],
    prompt: str | None,
    sources: str,
    materialized: str,
    subfolder: str | None,
    spec_files: tuple[Path, ...],
    force: bool,
    translator: str | None,
    project_dir: Path | None,
    profiles_dir: Path | None,
    target: str | None,
) -> None:
    """Generate models: NAME --prompt TEXT, --specs FILE, or regenerate NAMEs (default: all).

    Regenerating reads each model's prompt and sources from its YAML, so editing the prompt
    there and running `sqlsynth dbt generate` updates every changed model in one go.
    """
    from sqlsynth_dbt.bridge import describe
    from sqlsynth_dbt.pipeline import generate as generate_models

    project = _project(ctx, project_dir)
    requests = _requests(project, names, prompt, sources, materialized, subfolder, spec_files)
    if not requests:
        click.echo(f"no generated models in {project.root} yet; add one with NAME --prompt TEXT")
        return
    context = _context(project, (r.spec for r in requests), _options(profiles_dir, target))
    result = generate_models(
        project, context, requests, force=force, replace=force, translator=translator
    )
    for line in describe(result, project):
        click.echo(line)
    for name, error in result.failed:
        click.secho(f"error: {name}: {error.one_line()}", err=True, fg="red")
    if result.failed:
        click.secho("nothing was written", err=True)
        ctx.exit(1)


def _requests(
    project: DbtProject,
    names: tuple[str, ...],
    prompt: str | None,
    sources: str,
    materialized: str,
    subfolder: str | None,
    spec_files: tuple[Path, ...],
) -> list[DbtSpec]:
    from sqlsynth.spec import load_spec_file
    from sqlsynth_dbt.bridge import request_spec
    from sqlsynth_dbt.pipeline import DbtSpec

    if prompt is not None:
        if len(names) != 1:
            raise click.UsageError("--prompt generates one model: name it, e.g. NAME --prompt ...")
        return [
            request_spec(
                {
                    "name": names[0],
                    "prompt": prompt,
                    "sources": [s.strip() for s in sources.split(",") if s.strip()],
                    "materialized": materialized,
                    "path": subfolder,
                }
            )
        ]
    requests = [
        DbtSpec(spec=spec, materialized=materialized, path=subfolder)
        for file in spec_files
        for spec in load_spec_file(file)
    ]
    if spec_files and not names:
        return requests
    for model in _select(project, names, everything=not names):
        requests.append(
            DbtSpec(spec=model.spec, materialized=model.materialized or materialized, path=None)
        )
    return requests


@dbt_commands.command()
@click.argument("names", nargs=-1)
@click.option("--all", "approve_all", is_flag=True, help="Approve every generated model.")
@click.option(
    "--reviewer", default=None, help="Who reviewed (default: $SQLSYNTH_ACTOR or the OS user)."
)
@_dbt_options
@click.pass_context
def approve(
    ctx: click.Context,
    names: tuple[str, ...],
    approve_all: bool,
    reviewer: str | None,
    project_dir: Path | None,
    profiles_dir: Path | None,
    target: str | None,
) -> None:
    """Record that a person reviewed the current SQL of generated models (in their YAML)."""
    from sqlsynth.audit import current_actor
    from sqlsynth_dbt.pipeline import approve as approve_models

    if not names and not approve_all:
        raise click.UsageError("name the models to approve, or pass --all")
    project = _project(ctx, project_dir)
    models = _select(project, names, everything=approve_all)
    context = _context(project, (m.spec for m in models), _options(profiles_dir, target))
    who = reviewer or current_actor()
    for name in approve_models(project, models, reviewer=who, context=context):
        click.echo(f"approved {name} (reviewer {who})")
