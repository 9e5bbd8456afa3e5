"""Latency of translate + validate per spec, and the validator's cost against a bare parse.

Builds the demo shop warehouse in a temporary folder, then for every demo spec measures
(in this one run, on this machine):
- translate + validate latency (p50, p95 over --repeat runs, after a warm-up), and
- validate_sql time as a ratio to ``sqlglot.parse_one`` of the same SQL (the baseline).

    .venv/bin/python bench/bench_translate_validate.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlglot

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlsynth.spec import load_specs  # noqa: E402
from sqlsynth.translate import get_translator  # noqa: E402
from sqlsynth.validate import validate_sql  # noqa: E402
from sqlsynth.warehouse import connect  # noqa: E402
from tests.conftest import build_shop_warehouse  # noqa: E402


def timings_ms(action: Callable[[], object], repeat: int) -> list[float]:
    action()  # warm-up: per-catalog caches, first-call imports
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "shop.duckdb"
        build_shop_warehouse(db)
        catalog = connect(str(db), root=Path(folder)).catalog()
    specs = load_specs(ROOT / "demo" / "project" / "specs")
    translator = get_translator("embedded")

    print(f"{'spec':<28} {'p50 ms':>8} {'p95 ms':>8} {'validate/parse':>15}")
    all_samples: list[float] = []
    ratios: list[float] = []
    for spec in specs:

        def pipeline_step(spec=spec):  # type: ignore[no-untyped-def]
            draft = translator.translate(spec, catalog, dialect="duckdb")
            return validate_sql(draft.sql, catalog, dialect="duckdb", sources=spec.sources)

        samples = timings_ms(pipeline_step, args.repeat)
        sql = translator.translate(spec, catalog, dialect="duckdb").sql
        validate_ms = statistics.median(
            timings_ms(lambda sql=sql: validate_sql(sql, catalog, dialect="duckdb"), args.repeat)
        )
        parse_ms = statistics.median(
            timings_ms(lambda sql=sql: sqlglot.parse_one(sql, read="duckdb"), args.repeat)
        )
        ratio = validate_ms / parse_ms
        ratios.append(ratio)
        all_samples.extend(samples)
        print(
            f"{spec.name:<28} {percentile(samples, 50):>8.2f} {percentile(samples, 95):>8.2f}"
            f" {ratio:>14.1f}x"
        )
    print(
        f"{'all specs':<28} {percentile(all_samples, 50):>8.2f} {percentile(all_samples, 95):>8.2f}"
        f" {statistics.median(ratios):>14.1f}x (median)"
    )
    print(f"{len(specs)} specs x {args.repeat} runs; baseline: sqlglot.parse_one of the same SQL")


if __name__ == "__main__":
    main()
