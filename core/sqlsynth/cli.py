"""The ``sqlsynth`` command line.

User errors print one line (``error: …`` with a hint) and exit 2 for bad input (config,
spec, catalog file, usage) or 1 for a failed check; tracebacks are for bugs only.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click

from sqlsynth.errors import CatalogError, ConfigError, SpecError, SqlsynthError

USAGE_ERRORS = (ConfigError, SpecError, CatalogError)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SqlsynthError as error:
            click.secho(f"error: {error.one_line()}", err=True, fg="red")
            ctx.exit(2 if isinstance(error, USAGE_ERRORS) else 1)


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def _project(ctx: click.Context) -> Any:
    from sqlsynth.config import load_project

    return load_project(ctx.obj["project_dir"])


def _dbt_project(ctx: click.Context) -> Path | None:
    """The dbt project around the start folder, if it is nearer than any sqlsynth project."""
    from sqlsynth_dbt.project import dbt_project_for

    return dbt_project_for(ctx.obj["project_dir"] or Path.cwd())


def _selected_specs(project: Any, names: tuple[str, ...]) -> list[Any]:
    from sqlsynth.spec import load_specs

    specs = load_specs(project.specs_dir)
    if not names:
        return specs
    by_name = {s.name: s for s in specs}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        from sqlsynth.suggest import nearest

        suggestion = nearest(unknown[0], list(by_name))
        raise SpecError(
            f"no spec named {unknown[0]!r} in {project.specs_dir}",
            hint=f"did you mean {suggestion!r}?"
            if suggestion
            else "run `sqlsynth check` to list specs",
        )
    return [by_name[n] for n in names]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder (default: the nearest folder with sqlsynth.toml).",
)
@click.version_option(package_name="sqlsynth")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None) -> None:
    """Natural-language specs to reviewed, validated SQL."""
    # Our findings already explain unparseable SQL; sqlglot's own warnings would repeat them.
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    ctx.obj = {"project_dir": project_dir}


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--warehouse",
    default="warehouse.duckdb",
    show_default=True,
    help="Warehouse URL or DuckDB file.",
)
def init(folder: Path, warehouse: str) -> None:
    """Create sqlsynth.toml and a specs/ folder with an example spec."""
    from sqlsynth.scaffold import init_project

    created = init_project(folder, warehouse=warehouse)
    for path in created:
        click.echo(f"created {path}")
    click.echo("next: write specs in specs/*.yml, then run `sqlsynth generate`")


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--force", is_flag=True, help="Regenerate even unchanged or hand-edited models.")
@click.option(
    "--keep-going", is_flag=True, help="Write the models that succeeded even if others failed."
)
@click.option("--translator", default=None, help="Translator to use (default: from sqlsynth.toml).")
@click.pass_context
def generate(
    ctx: click.Context,
    names: tuple[str, ...],
    force: bool,
    keep_going: bool,
    translator: str | None,
) -> None:
    """Translate and validate specs, then write SQL files and lock entries."""
    from sqlsynth import pipeline
    from sqlsynth.translate import get_translator

    project = _project(ctx)
    specs = _selected_specs(project, names)
    catalog = pipeline.project_catalog(project)
    chosen = get_translator(translator or project.settings.translator, project=project)
    console = _console()
    from rich.progress import Progress

    with Progress(console=console, transient=True, disable=len(specs) < 10) as progress:
        task = progress.add_task("generating", total=len(specs))
        result = pipeline.generate(
            project,
            specs,
            catalog=catalog,
            translator=chosen,
            force=force,
            keep_going=keep_going,
            on_spec=lambda spec: progress.update(task, advance=1, description=spec.name),
        )
    for model in result.written:
        review = "approved (SQL unchanged)" if model.entry.review else "needs review"
        console.print(f"[green]wrote[/] {model.entry.sql_path}  [dim]{review}[/]")
        for finding in model.report.warnings:
            console.print(f"  [yellow]warning[/] {finding.message} [dim]({finding.hint})[/]")
    for name in result.unchanged:
        console.print(f"[dim]unchanged {name}[/]")
    for name, error in result.failed:
        click.secho(f"error: {name}: {error.one_line()}", err=True, fg="red")
    if result.failed:
        if not keep_going:
            click.secho("nothing was written (use --keep-going to write the rest)", err=True)
        ctx.exit(1)
    if result.written:
        console.print("next: review the SQL diff, then run `sqlsynth approve NAME` (or --all)")


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--all", "approve_all", is_flag=True, help="Approve every spec.")
@click.option(
    "--reviewer", default=None, help="Who reviewed (default: $SQLSYNTH_ACTOR or the OS user)."
)
@click.pass_context
def approve(
    ctx: click.Context, names: tuple[str, ...], approve_all: bool, reviewer: str | None
) -> None:
    """Record that a person reviewed the current SQL of the named specs."""
    from sqlsynth import pipeline

    if not names and not approve_all:
        raise click.UsageError("name the specs to approve, or pass --all")
    project = _project(ctx)
    specs = _selected_specs(project, names)
    from sqlsynth.audit import current_actor

    who = reviewer or current_actor()
    catalog = pipeline.project_catalog(project)
    for status in pipeline.approve(project, specs, reviewer=who, catalog=catalog):
        click.echo(f"approved {status.name}: {status.message}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Fail (exit 1) if any spec's SQL is missing, stale, unreviewed or invalid.

    In a dbt project it checks the models sqlsynth generated there (schema read through dbt;
    DBT_PROFILES_DIR and DBT_TARGET choose the profile).
    """
    from sqlsynth import pipeline

    dbt_root = _dbt_project(ctx)
    if dbt_root is not None:
        from sqlsynth_dbt.cli import check_project

        results = check_project(dbt_root)
    else:
        project = _project(ctx)
        specs = _selected_specs(project, ())
        results = pipeline.check(project, specs, catalog=pipeline.project_catalog(project))
    if as_json:
        click.echo(json.dumps([_check_json(r) for r in results], indent=2))
    else:
        _print_check(results)
    if not all(r.ok for r in results):
        ctx.exit(1)


def _check_json(result: Any) -> dict[str, Any]:
    report = result.report
    return {
        "name": result.status.name,
        "ok": result.ok,
        "state": str(result.status.state),
        "message": result.status.message,
        "hint": result.status.hint,
        "findings": [f.model_dump() for f in report.findings] if report else [],
    }


def _print_check(results: list[Any]) -> None:
    console = _console()
    for result in results:
        mark = "[green]ok[/]  " if result.ok else "[red]FAIL[/]"
        console.print(f"{mark} {result.status.name}: {result.status.message}")
        if not result.status.ok and result.status.hint:
            console.print(f"      [dim]fix: {result.status.hint}[/]")
        for finding in result.report.findings if result.report else ():
            colour = "red" if finding.severity == "error" else "yellow"
            console.print(
                f"      [{colour}]{finding.severity}[/] {finding.message} [dim]({finding.hint})[/]"
            )
    failed = sum(not r.ok for r in results)
    console.print(f"{len(results) - failed} of {len(results)} specs fresh and approved")


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--all", "run_all", is_flag=True, help="Run every spec.")
@click.option("--max-rows", type=int, default=None, help="Rows to show per result.")
@click.pass_context
def run(ctx: click.Context, names: tuple[str, ...], run_all: bool, max_rows: int | None) -> None:
    """Run reviewed SQL on the warehouse (refuses stale or unreviewed SQL)."""
    from rich.table import Table

    from sqlsynth import pipeline

    if not names and not run_all:
        raise click.UsageError("name the specs to run, or pass --all")
    project = _project(ctx)
    console = _console()
    for spec in _selected_specs(project, names):
        result = pipeline.run(project, spec, max_rows=max_rows or project.settings.max_rows)
        table = Table(*result.columns, title=f"{spec.name} — {spec.prompt}", title_justify="left")
        for row in result.rows:
            table.add_row(*(str(v) for v in row))
        console.print(table)
        shown = len(result.rows)
        more = f" (showing {shown})" if shown < result.row_count else ""
        console.print(f"[dim]{result.row_count} rows{more}[/]\n")


@cli.command()
@click.argument("target", required=False)
@click.option("--prompt", default=None, help="Explain a prompt instead of a spec.")
@click.option("--sources", default="", help="Comma-separated tables the SQL may read.")
@click.pass_context
def explain(ctx: click.Context, target: str | None, prompt: str | None, sources: str) -> None:
    """Show how a spec's words link to the schema, the query plan and the SQL."""
    from sqlsynth import pipeline
    from sqlsynth.enforce import enforce_policy
    from sqlsynth.spec import NLSpec
    from sqlsynth.translate import get_translator

    project = _project(ctx)
    if prompt:
        spec = NLSpec(name="adhoc", prompt=prompt, sources=_split(sources))
    elif target:
        spec = _selected_specs(project, (target,))[0]
    else:
        raise click.UsageError("name a spec or pass --prompt")
    translator = get_translator(project.settings.translator, project=project)
    catalog = pipeline.project_catalog(project)
    draft = translator.translate(spec, catalog, dialect=project.dialect)
    rules = project.settings.policy.for_spec(spec)
    sql = enforce_policy(draft.sql, catalog, dialect=project.dialect, policy=rules)
    click.echo(f"prompt: {spec.prompt}")
    for line in draft.explanation:
        click.echo(f"  {line}")
    if draft.plan is not None:
        click.echo("plan:")
        click.echo(draft.plan.model_dump_json(indent=2, exclude_defaults=True))
    click.echo("sql (after the policy's rewrite):" if sql != draft.sql else "sql:")
    click.echo(sql)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


@cli.command("validate")
@click.argument("file", type=click.File("r"))
@click.option("--dialect", default=None, help="SQL dialect (default: the project's, else duckdb).")
@click.option(
    "--catalog", "catalog_source", default=None, help="Catalog YAML/JSON file or database URL."
)
@click.option("--sources", default="", help="Comma-separated tables the SQL may read.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable findings.")
@click.pass_context
def validate_command(
    ctx: click.Context,
    file: Any,
    dialect: str | None,
    catalog_source: str | None,
    sources: str,
    as_json: bool,
) -> None:
    """Validate a SQL file (or - for stdin) against a catalog; exit 1 on errors."""
    from sqlsynth import pipeline
    from sqlsynth.artifact import sql_body
    from sqlsynth.policy import NO_POLICY
    from sqlsynth.validate import validate_sql
    from sqlsynth.warehouse import load_catalog

    policy = NO_POLICY
    if catalog_source:
        catalog = load_catalog(catalog_source, root=Path.cwd())
        chosen_dialect = dialect or catalog.dialect
    else:
        project = _project(ctx)
        catalog = pipeline.project_catalog(project)
        chosen_dialect = dialect or project.dialect
        policy = project.settings.policy
    report = validate_sql(
        sql_body(file.read()),
        catalog,
        dialect=chosen_dialect,
        sources=_split(sources),
        policy=policy,
    )
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        for finding in report.findings:
            click.echo(f"{finding.severity}: [{finding.check}] {finding.message} ({finding.hint})")
        click.echo("valid" if report.ok else f"invalid: {len(report.errors)} error(s)")
    if not report.ok:
        ctx.exit(1)


@cli.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="OpenLineage-shaped JSON.")
@click.pass_context
def lineage(ctx: click.Context, name: str, as_json: bool) -> None:
    """Column-level lineage of a spec's reviewed SQL."""
    from sqlsynth import pipeline
    from sqlsynth.artifact import read_lock, sql_body
    from sqlsynth.lineage import column_lineage

    project = _project(ctx)
    spec = _selected_specs(project, (name,))[0]
    entry = read_lock(project.lock_path).models.get(spec.name)
    if entry is None:
        raise SqlsynthError(f"{name}: no SQL generated yet", hint=f"sqlsynth generate {name}")
    sql = sql_body((project.root / entry.sql_path).read_text("utf-8"))
    result = column_lineage(sql, pipeline.project_catalog(project), dialect=entry.dialect)
    if as_json:
        click.echo(json.dumps(result.to_openlineage(sql=sql, output=spec.name), indent=2))
        return
    click.echo(f"{spec.name} reads: {', '.join(result.inputs)}")
    for column, fields in result.columns.items():
        sources_text = (
            ", ".join(f"{f.name}.{f.field}" for f in fields) or "(no columns, e.g. count(*))"
        )
        click.echo(f"  {column} <- {sources_text}")


@cli.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="Where to write the HTML page.",
)
@click.pass_context
def report(ctx: click.Context, output: Path) -> None:
    """Write one self-contained HTML page for reviewers: every spec, its SQL, state, findings
    and a lineage graph. In a dbt project it shows the models sqlsynth generated there."""
    from sqlsynth.review_report import dbt_project_report, project_report, write_report

    dbt_root = _dbt_project(ctx)
    found = dbt_project_report(dbt_root) if dbt_root is not None else project_report(_project(ctx))
    size = write_report(found, output)
    fresh = sum(m.ok for m in found.models)
    click.echo(
        f"wrote {output} ({len(found.models)} specs, {fresh} fresh and approved, {size:,} bytes)"
    )


@cli.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the catalog as YAML (a snapshot for offline checks).",
)
@click.pass_context
def catalog(ctx: click.Context, output: Path | None) -> None:
    """Show the warehouse schema sqlsynth sees, or snapshot it to a file."""
    from sqlsynth import pipeline
    from sqlsynth.catalog import write_catalog_file

    project = _project(ctx)
    found = pipeline.project_catalog(project)
    if output:
        write_catalog_file(found, output)
        click.echo(
            f"wrote {output} ({len(found.tables)} tables, catalog hash {found.catalog_hash[:12]})"
        )
        return
    for table in found.tables:
        keys = f" pk({', '.join(table.primary_key)})" if table.primary_key else ""
        click.echo(f"{table.name}{keys}")
        for column in table.columns:
            samples = f"  e.g. {', '.join(column.samples[:5])}" if column.samples else ""
            click.echo(f"  {column.name} {column.type}{samples}")


class _DbtCommands(click.Group):
    """`sqlsynth dbt …`: its commands load from sqlsynth_dbt only when one is used."""

    def _commands(self) -> click.Group:
        from sqlsynth_dbt.cli import dbt_commands

        return dbt_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._commands().get_command(ctx, cmd_name)


@cli.group("dbt", cls=_DbtCommands)
def dbt() -> None:
    """Generate and approve models in a dbt project, as `nl_model` does but without the plugin."""


@cli.group(cls=_Group)
def audit() -> None:
    """The append-only, hash-chained audit log."""


def _audited_project(ctx: click.Context) -> Any:
    """The dbt project around the start folder, else the sqlsynth project; both have specs."""
    dbt_root = _dbt_project(ctx)
    if dbt_root is not None:
        from sqlsynth_dbt.project import DbtProject

        return DbtProject(dbt_root)
    return _project(ctx)


@audit.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check the hash chain; exit 1 if a record was edited, removed or reordered."""
    from sqlsynth.audit import AuditLog

    result = AuditLog(_audited_project(ctx).audit_path).verify()
    if result.ok:
        click.echo(f"audit log ok: {result.records} records, chain intact")
        return
    click.secho(f"audit log BROKEN: {result.problem}", err=True, fg="red")
    ctx.exit(1)


def _owners(project: Any) -> dict[str, str | None]:
    """Each spec's owner today, by spec name: for records that do not carry one."""
    from sqlsynth_dbt.project import DbtProject

    if isinstance(project, DbtProject):
        return {name: model.spec.owner for name, model in project.generated_models().items()}
    return {spec.name: spec.owner for spec in _selected_specs(project, ())}


@audit.command("report")
@click.option("--since", default=None, help="Start, inclusive: ISO date or datetime (UTC).")
@click.option(
    "--until", default=None, help="End, exclusive: ISO datetime, or a date to include that day."
)
@click.option(
    "--format",
    "report_format",
    type=click.Choice(("text", "json", "csv")),
    default="text",
    show_default=True,
)
@click.pass_context
def audit_report(
    ctx: click.Context, since: str | None, until: str | None, report_format: str
) -> None:
    """Generations, reviews and runs per spec and per owner; refuses a broken log (exit 2)."""
    from sqlsynth.audit import AuditLog
    from sqlsynth.audit_report import build_report, parse_instant, render
    from sqlsynth.errors import AuditError

    try:
        start = parse_instant(since) if since is not None else None
        end = parse_instant(until, end_of_day=True) if until is not None else None
    except ValueError as error:
        click.secho(f"error: {error}", err=True, fg="red")
        ctx.exit(2)
    project = _audited_project(ctx)
    try:
        report = build_report(
            AuditLog(project.audit_path), since=start, until=end, current_owners=_owners(project)
        )
    except AuditError as error:
        click.secho(f"error: {error.one_line()}", err=True, fg="red")
        ctx.exit(2)
    click.echo(render(report, report_format), nl=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sqlsynth")


if __name__ == "__main__":
    main()
