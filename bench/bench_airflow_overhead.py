"""Run-time overhead of NLSQLOperator in reviewed mode against SQLExecuteQueryOperator.

Both operators run the same SQL (the demo's approved ``revenue_by_status``) on the same DuckDB
warehouse through the same Airflow connection, measured in this one run, interleaved:
- warm: ``execute()`` of a fresh operator in one process, ``--repeat`` times each (what a
  long-lived process pays per run: resolving the reviewed SQL from the lock, one audit record);
- cold: a fresh interpreter per run, ``--cold`` times each, as an Airflow task process: the
  first ``execute()`` after the DAG file's imports (lazy imports of the core included), and
  the whole process (interpreter start, Airflow import, DAG file imports, first run).

    .venv/bin/python bench/bench_airflow_overhead.py [--repeat 200] [--cold 15]
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
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = "revenue_by_status"
CONN_ID = "bench_shop"
KINDS = ("SQLExecuteQueryOperator", "NLSQLOperator")


def prepare(folder: Path) -> tuple[Path, str]:
    """The demo project with its warehouse, generated and approved; and the approved SQL."""
    sys.path.insert(0, str(ROOT))
    from sqlsynth import pipeline
    from sqlsynth.config import load_project
    from sqlsynth.spec import load_specs
    from sqlsynth.translate import get_translator
    from tests.conftest import build_shop_warehouse

    root = folder / "shop"
    shutil.copytree(ROOT / "demo" / "project", root)
    build_shop_warehouse(root / "warehouse.duckdb")
    project = load_project(root)
    specs = load_specs(project.specs_dir)
    catalog = pipeline.project_catalog(project)
    pipeline.generate(project, specs, catalog=catalog, translator=get_translator("embedded"))
    pipeline.approve(project, specs, reviewer="bench", catalog=catalog)
    spec = next(s for s in specs if s.name == SPEC)
    return root, pipeline.reviewed_sql(project, spec)[0]


def environment(folder: Path, root: Path) -> dict[str, str]:
    return {
        # Run from byte code, as installed packages do (see the child processes below).
        "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
        "AIRFLOW_HOME": str(folder / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__OPENLINEAGE__DISABLED": "True",
        "SQLSYNTH_PROJECT_DIR": str(root),
        "SQLSYNTH_ACTOR": "bench",
        f"AIRFLOW_CONN_{CONN_ID.upper()}": json.dumps(
            {"conn_type": "duckdb", "host": str(root / "warehouse.duckdb")}
        ),
    }


def make_operator(kind: str, sql: str) -> Any:
    """A fresh operator, as each task run gets (its hook is created on first use)."""
    task_id = f"t_{uuid.uuid4().hex[:8]}"
    if kind == "NLSQLOperator":
        from sqlsynth_airflow.operators import NLSQLOperator

        return NLSQLOperator(task_id=task_id, conn_id=CONN_ID, spec=SPEC)
    from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

    return SQLExecuteQueryOperator(task_id=task_id, conn_id=CONN_ID, sql=sql)


def context_for(operator: Any) -> dict[str, Any]:
    ti = SimpleNamespace(
        dag_id="bench", task_id=operator.task_id, run_id="bench", try_number=1, map_index=-1
    )
    return {"ti": ti, "task_instance": ti}


def execute_seconds(kind: str, sql: str) -> float:
    operator = make_operator(kind, sql)
    context = context_for(operator)
    started = time.perf_counter()
    operator.execute(context)
    return time.perf_counter() - started


def cold_child(kind: str, sql: str) -> None:
    """In a fresh interpreter: import what the DAG file imports, then time the first run."""
    import logging

    import airflow.sdk  # noqa: F401
    from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator  # noqa: F401

    from sqlsynth_airflow.operators import NLSQLOperator  # noqa: F401

    logging.disable(logging.CRITICAL)
    print(execute_seconds(kind, sql))


def summary(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18]
    return f"median {statistics.median(ms):7.2f} ms  min {min(ms):7.2f} ms  p95 {p95:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--cold", type=int, default=15)
    parser.add_argument("--cold-child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--sql", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(args.cold_child, args.sql)
        return

    with tempfile.TemporaryDirectory(prefix="sqlsynth-bench-airflow-") as name:
        folder = Path(name)
        root, sql = prepare(folder)
        env = environment(folder, root)
        os.environ.update(env)
        import logging

        logging.disable(logging.CRITICAL)  # both operators log each statement; not the point

        warm: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for kind in KINDS:  # warm-up: imports, connection lookup, catalog-free caches
            execute_seconds(kind, sql)
        for i in range(args.repeat):
            for kind in KINDS if i % 2 else reversed(KINDS):
                warm[kind].append(execute_seconds(kind, sql))

        cold: dict[str, list[float]] = {kind: [] for kind in KINDS}
        process: dict[str, list[float]] = {kind: [] for kind in KINDS}
        child = [sys.executable, __file__, "--sql", sql, "--cold-child"]
        child_env = {**os.environ, **env}
        # A checkout's sources would otherwise be compiled in every child process.
        child_env.pop("PYTHONDONTWRITEBYTECODE", None)
        for kind in KINDS:  # warm-up: write the byte code
            subprocess.run([*child, kind], env=child_env, capture_output=True, check=True)
        for i in range(args.cold):
            for kind in KINDS if i % 2 else reversed(KINDS):
                started = time.perf_counter()
                out = subprocess.run([*child, kind], env=child_env, capture_output=True, text=True)
                process[kind].append(time.perf_counter() - started)
                if out.returncode:
                    sys.exit(out.stderr)
                cold[kind].append(float(out.stdout.strip().splitlines()[-1]))
        audit_lines = len((root / "audit" / "sqlsynth-audit.jsonl").read_text().splitlines())

    print(f"reviewed-mode run time: {SPEC} on DuckDB, same SQL through the same connection")
    runs = (
        (f"warm: execute() in one process, {args.repeat} runs each", warm),
        (f"cold: first execute() in a fresh process, {args.cold} runs each", cold),
        (f"cold: the whole fresh process, {args.cold} runs each", process),
    )
    for label, samples in runs:
        print(f"\n{label}, interleaved")
        for kind in KINDS:
            print(f"  {kind:<24} {summary(samples[kind])}")
        ratio = statistics.median(samples["NLSQLOperator"]) / statistics.median(
            samples["SQLExecuteQueryOperator"]
        )
        print(f"  ratio NLSQLOperator / SQLExecuteQueryOperator (medians): {ratio:.2f}x")
    print(
        f"\n(NLSQLOperator wrote {audit_lines} audit records, one per run, plus generate/approve)"
    )


if __name__ == "__main__":
    main()
