"""`make demo`: the main job end to end on the embedded default (DuckDB, no network, no key).

Builds the example shop warehouse in .demo/, then drives the real `sqlsynth` command line
through the build-time loop (generate → check → approve → check) and the run-time step (run
the reviewed SQL), shows lineage and the audit chain, builds the example dbt project (whose
models `dbt run-operation nl_model` generated) and checks its models, runs the reviewed SQL in
Airflow (`airflow dags test` on example_dags/sqlsynth_reviewed.py), and prints a summary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
WORK = HERE.parent / ".demo" / "shop"
SQLSYNTH = str(Path(sys.executable).with_name("sqlsynth"))
console = Console(highlight=False)


def build_project() -> None:
    """A fresh copy of the example project and its warehouse, so every demo starts clean."""
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(HERE / "project", WORK)
    with duckdb.connect(str(WORK / "warehouse.duckdb")) as con:
        con.execute((HERE / "seed_warehouse.sql").read_text())
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("customers", "products", "orders", "order_items")
        }
    console.print(
        f"[bold]warehouse[/] {WORK / 'warehouse.duckdb'}: "
        + ", ".join(f"{table} {count}" for table, count in counts.items())
    )


def step(title: str, *args: str, expect: int = 0) -> float:
    """Run one sqlsynth command as a user would, and stop the demo if it misbehaves."""
    console.rule(f"[bold]{title}")
    console.print(f"[cyan]$ sqlsynth {' '.join(args)}[/]")
    started = time.perf_counter()
    code = subprocess.call([SQLSYNTH, *args], cwd=WORK)
    elapsed = time.perf_counter() - started
    if code != expect:
        console.print(
            f"[red]demo failed: `sqlsynth {' '.join(args)}` exited {code}, expected {expect}"
        )
        sys.exit(1)
    return elapsed


def build_dbt_example() -> float:
    """The example dbt project on DuckDB: `dbt build` passes, its generated models are approved."""
    console.rule("[bold]10. Build the example dbt project (models made by `nl_model`)")
    work = WORK.parent / "dbt"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "sqlsynth_dbt").symlink_to(HERE.parent / "sqlsynth_dbt")
    project = work / "example_dbt_project"
    leftovers = shutil.ignore_patterns("target", "dbt_packages", "logs", "*.duckdb*", "audit")
    shutil.copytree(HERE.parent / "example_dbt_project", project, ignore=leftovers)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }
    dbt = str(Path(sys.executable).with_name("dbt"))
    started = time.perf_counter()
    for command in ([dbt, "deps"], [dbt, "seed"], [dbt, "build"], [SQLSYNTH, "check"]):
        console.print(f"[cyan]$ {Path(command[0]).name} {' '.join(command[1:])}[/]")
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0:
            console.print(done.stdout + done.stderr, markup=False)
            console.print(f"[red]demo failed: `{' '.join(command)}` exited {done.returncode}")
            sys.exit(1)
        console.print(lines[-1] if lines else "", markup=False)
    return time.perf_counter() - started


def run_reviewed_dag() -> float:
    """Airflow runs the reviewed SQL: `airflow dags test` on example_dags/sqlsynth_reviewed.py."""
    console.rule("[bold]11. Airflow runs the reviewed SQL (example_dags/sqlsynth_reviewed.py)")
    home = WORK.parent / "airflow"
    shutil.rmtree(home, ignore_errors=True)
    warehouse = {"conn_type": "duckdb", "host": str(WORK / "warehouse.duckdb")}
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(HERE.parent / "example_dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__OPENLINEAGE__DISABLED": "True",
        "AIRFLOW_CONN_SQLSYNTH_SHOP": json.dumps(warehouse),
        "SQLSYNTH_PROJECT_DIR": str(WORK),
        "SQLSYNTH_ACTOR": "airflow-demo",
    }
    airflow = str(Path(sys.executable).with_name("airflow"))
    log_path = WORK.parent / "airflow.log"
    log_path.unlink(missing_ok=True)
    started = time.perf_counter()
    for command in ([airflow, "db", "migrate"], [airflow, "dags", "test", "sqlsynth_reviewed"]):
        console.print(f"[cyan]$ airflow {' '.join(command[1:])}[/]  [dim](log: {log_path})[/]")
        with log_path.open("a") as log:
            code = subprocess.call(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        if code != 0:
            console.print(f"[red]demo failed: `airflow {' '.join(command[1:])}` exited {code}")
            sys.exit(1)
    audit = (WORK / "audit" / "sqlsynth-audit.jsonl").read_text().splitlines()
    for record in map(json.loads, audit):
        if record["details"].get("dag_id") == "sqlsynth_reviewed":
            console.print(
                f"task {record['details']['task_id']}: {record['outcome']}, reviewed SQL"
                f" {record['sql_hash'][:12]}, {record['details'].get('row_count')} rows"
            )
    return time.perf_counter() - started


def summary(timings: dict[str, float]) -> None:
    import json

    lock = json.loads((WORK / "sqlsynth.lock").read_text())
    table = Table(title="sqlsynth demo summary", title_justify="left")
    for column in ("spec", "SQL file", "translator", "reviewed by"):
        table.add_column(column)
    for name, entry in sorted(lock["models"].items()):
        review = entry["review"]["reviewed_by"] if entry["review"] else "-"
        table.add_row(name, entry["sql_path"], entry["translator"], review)
    console.print(table)
    audit_lines = (WORK / "audit" / "sqlsynth-audit.jsonl").read_text().splitlines()
    console.print(
        f"{len(lock['models'])} specs → reviewed SQL; {len(audit_lines)} audit records; "
        + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
    )
    console.print(
        f"[green]demo ok[/] — explore it: cd {WORK.relative_to(Path.cwd())} && sqlsynth --help"
    )


def main() -> None:
    build_project()
    timings = {
        "generate": step("1. Generate SQL from the specs (embedded translator)", "generate"),
        "check (unreviewed)": step("2. CI check refuses unreviewed SQL", "check", expect=1),
        "approve": step(
            "3. A reviewer approves the SQL", "approve", "--all", "--reviewer", "demo-reviewer"
        ),
        "check": step("4. CI check passes", "check"),
        "run": step("5. Run the reviewed SQL on the warehouse", "run", "--all"),
    }
    step("6. Column lineage of one model", "lineage", "top_customers_by_revenue")
    step("7. The audit log's hash chain", "audit", "verify")
    step("8. Who generated, approved and ran what", "audit", "report")
    timings["review page"] = step(
        "9. A self-contained HTML page for reviewers", "report", "--output", "report.html"
    )
    timings["dbt example"] = build_dbt_example()
    timings["airflow DAG"] = run_reviewed_dag()
    summary(timings)


if __name__ == "__main__":
    main()
