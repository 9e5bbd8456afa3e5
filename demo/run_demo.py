"""`make demo`: the main job end to end on the embedded default (DuckDB, no network, no key).

Builds the example shop warehouse in .demo/, then drives the real `sqlsynth` command line
through the build-time loop (generate → check → approve → check) and the run-time step (run
the reviewed SQL), and finishes with lineage, the audit chain and a summary.
"""

from __future__ import annotations

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
    summary(timings)


if __name__ == "__main__":
    main()
