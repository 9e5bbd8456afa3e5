"""`dbt run-operation nl_model` against a no-op `dbt run-operation` in the same project.

Copies the example dbt project to a temporary folder, builds it on DuckDB, adds a macro that
does nothing, then times, interleaved, the no-op operation and `nl_model` generating a new
model (its files removed and the project re-parsed after each, untimed, so both timed commands
start from the same parsed, unchanged project). Prints medians and the ratio; the target is
<= 1.2x. Every command is the real `dbt` CLI in a subprocess, as a user runs it.

    .venv/bin/python bench/bench_dbt_nl_model.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).with_name("dbt"))
NOOP_MACRO = "{% macro bench_noop() %}{% endmacro %}\n"
REQUEST = {
    "name": "orders_per_status",
    "prompt": "Number of orders per status",
    "sources": ["stg_orders"],
    "path": "bench",
}


def dbt(project: Path, *args: str) -> float:
    """Run dbt in ``project``; its wall time in seconds."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    started = time.perf_counter()
    result = subprocess.run([DBT, *args], cwd=project, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"dbt {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def prepare(workdir: Path) -> Path:
    (workdir / "sqlsynth_dbt").symlink_to(REPO / "sqlsynth_dbt")
    project = workdir / "example_dbt_project"
    shutil.copytree(
        REPO / "example_dbt_project",
        project,
        ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "*.duckdb*", "audit"),
    )
    (project / "macros").mkdir(exist_ok=True)
    (project / "macros" / "bench_noop.sql").write_text(NOOP_MACRO)
    for command in (("deps",), ("seed",), ("build",)):
        dbt(project, *command)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="sqlsynth-bench-dbt-") as tmp:
        project = prepare(Path(tmp))
        generated = project / "models" / "bench"
        noop: list[float] = []
        nl_model: list[float] = []
        for _ in range(rounds):
            noop.append(dbt(project, "run-operation", "bench_noop"))
            nl_model.append(
                dbt(project, "run-operation", "nl_model", "--args", json.dumps(REQUEST))
            )
            shutil.rmtree(generated)
            dbt(project, "parse")  # untimed: the next round starts from a parsed project
    base, generate = statistics.median(noop), statistics.median(nl_model)
    print(f"dbt {rounds} rounds, DuckDB, example project ({os.cpu_count()} CPUs)")
    print(f"  no-op run-operation   median {base:.2f}s  (min {min(noop):.2f}s)")
    print(f"  run-operation nl_model median {generate:.2f}s  (min {min(nl_model):.2f}s)")
    print(f"  ratio {generate / base:.2f}x  (target <= 1.2x)")


if __name__ == "__main__":
    main()
