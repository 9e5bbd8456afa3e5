"""What a DAG file pays at parse time for NLSQLOperator, against SQLExecuteQueryOperator.

Airflow re-parses every DAG file every 30 s (``min_file_process_interval``). This writes two
pairs of equivalent one-task DAG files (classic operators; TaskFlow ``@task.sql`` against
``@task.nl_sql``) and parses each in fresh interpreters, interleaved, measured in this one run:
- marginal: after ``import airflow.sdk`` (the DAG processor has Airflow loaded), the time to
  execute the DAG file: the operator's module imports and building the DAG;
- whole: ``import airflow.sdk`` and the DAG file together, from a cold interpreter.

    .venv/bin/python bench/bench_airflow_import.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

DAG_FILES = {
    "SQLExecuteQueryOperator": """
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
from airflow.sdk import DAG

with DAG("baseline", schedule=None) as dag:
    SQLExecuteQueryOperator(
        task_id="revenue_by_status",
        conn_id="shop",
        sql="SELECT status, SUM(amount) AS total_amount FROM orders GROUP BY status",
    )
""",
    "NLSQLOperator": """
from airflow.sdk import DAG

from sqlsynth_airflow.operators import NLSQLOperator

with DAG("nl_sql", schedule=None) as dag:
    NLSQLOperator(task_id="revenue_by_status", conn_id="shop", spec="revenue_by_status")
""",
    "@task.sql": """
from airflow.sdk import DAG, task

with DAG("baseline_taskflow", schedule=None) as dag:
    @task.sql(conn_id="shop")
    def revenue_by_status():
        return "SELECT status, SUM(amount) AS total_amount FROM orders GROUP BY status"

    revenue_by_status()
""",
    "@task.nl_sql": """
from airflow.sdk import DAG, task

with DAG("nl_sql_taskflow", schedule=None) as dag:
    @task.nl_sql(conn_id="shop", sources=["orders"])
    def revenue_by_status():
        return "Total amount of orders for each status"

    revenue_by_status()
""",
}
PAIRS = (("SQLExecuteQueryOperator", "NLSQLOperator"), ("@task.sql", "@task.nl_sql"))

PROBE = """
import runpy, sys, time
started = time.perf_counter()
import airflow.sdk
loaded = time.perf_counter()
runpy.run_path(sys.argv[1])
done = time.perf_counter()
print(done - loaded, done - started)
"""


def parse_seconds(path: Path, env: dict[str, str]) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], env=env, capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(out.stderr)
    marginal, whole = out.stdout.split()[-2:]
    return float(marginal), float(whole)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sqlsynth-bench-import-") as name:
        folder = Path(name)
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(folder / "airflow"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            # Parse from byte code, as installed packages do: a checkout's sources would
            # otherwise be compiled on every parse (e.g. under PYTHONDONTWRITEBYTECODE=1).
            "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        paths = {}
        for index, (label, source) in enumerate(DAG_FILES.items()):
            paths[label] = folder / f"dag_{index}.py"
            paths[label].write_text(source)
        for path in paths.values():  # warm-up: write the byte code, fill the OS file cache
            parse_seconds(path, env)
        marginal: dict[str, list[float]] = {label: [] for label in DAG_FILES}
        whole: dict[str, list[float]] = {label: [] for label in DAG_FILES}
        for run in range(args.runs):
            labels = list(DAG_FILES) if run % 2 else list(reversed(DAG_FILES))
            for label in labels:
                seconds = parse_seconds(paths[label], env)
                marginal[label].append(seconds[0])
                whole[label].append(seconds[1])

    print(f"DAG-file parse cost, fresh interpreter per parse, {args.runs} runs each, interleaved")
    for title, samples in (
        ("marginal (Airflow already imported)", marginal),
        ("whole (import airflow.sdk + DAG file)", whole),
    ):
        print(f"\n{title}: median (min) ms")
        for baseline, ours in PAIRS:
            base, mine = statistics.median(samples[baseline]), statistics.median(samples[ours])
            print(
                f"  {baseline:<24} {base * 1000:7.1f} ({min(samples[baseline]) * 1000:6.1f})"
                f"   {ours:<16} {mine * 1000:7.1f} ({min(samples[ours]) * 1000:6.1f})"
                f"   ratio {mine / base:.2f}x"
            )


if __name__ == "__main__":
    main()
