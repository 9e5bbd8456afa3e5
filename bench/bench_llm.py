"""LLM translator figures on the demo project, against the scripted endpoint of the tests.

The real ``openai`` client talks to ``tests/llm_server.py`` on 127.0.0.1; nothing leaves the
machine. Prints, measured in this run:
- LLM calls per generated model when `sqlsynth generate` runs over the six demo specs,
- repair success on the scripted repair cases (rounds and calls each took),
- the cache hit rate and LLM calls when the unchanged project is regenerated (--force).

    .venv/bin/python bench/bench_llm.py
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlsynth import pipeline  # noqa: E402
from sqlsynth.audit import AuditLog  # noqa: E402
from sqlsynth.config import Project, load_project  # noqa: E402
from sqlsynth.errors import SqlsynthError  # noqa: E402
from sqlsynth.spec import NLSpec, load_specs  # noqa: E402
from sqlsynth.translate import get_translator  # noqa: E402
from tests.conftest import DEMO, build_shop_warehouse  # noqa: E402
from tests.llm_server import ScriptedLLM, answer, scripted_llm  # noqa: E402
from tests.test_llm_translator import API_KEY, demo_model  # noqa: E402

REPAIR_CASES = {
    "unknown column, fixed": [
        "SELECT status, SUM(total) AS revenue FROM orders GROUP BY status",
        "SELECT status, SUM(amount) AS revenue FROM orders GROUP BY status",
    ],
    "garbage, then SQL": [
        "Revenue is money.",
        "SELECT status, SUM(amount) AS revenue FROM orders GROUP BY status",
    ],
    "two typos, one per round": [
        "SELECT staus, SUM(amont) AS revenue FROM orders GROUP BY staus",
        "SELECT status, SUM(amont) AS revenue FROM orders GROUP BY status",
        "SELECT status, SUM(amount) AS revenue FROM orders GROUP BY status",
    ],
    "never fixed": [
        "SELECT SUM(total) FROM orders",
        "SELECT SUM(totl) FROM orders",
        "SELECT SUM(tota) FROM orders",
    ],
    "repeats itself": ["SELECT SUM(total) FROM orders"] * 3,
}


def make_project(folder: Path, llm: ScriptedLLM) -> Project:
    root = folder / "shop"
    shutil.copytree(DEMO / "project", root)
    build_shop_warehouse(root / "warehouse.duckdb")
    settings = {
        "warehouse": "warehouse.duckdb",
        "translator": "openai",
        "llm_base_url": llm.base_url,
        "llm_model": "bench-model",
        "llm_timeout_s": 2.0,
    }
    text = "".join(f"{name} = {json.dumps(value)}\n" for name, value in settings.items())
    (root / "sqlsynth.toml").write_text(text)
    return load_project(root)


def generate(project: Project, *, force: bool) -> pipeline.GenerateResult[pipeline.PlannedModel]:
    return pipeline.generate(
        project,
        load_specs(project.specs_dir),
        catalog=pipeline.project_catalog(project),
        translator=get_translator("openai", project=project),
        force=force,
    )


def main() -> None:
    os.environ["SQLSYNTH_LLM_API_KEY"] = API_KEY
    with tempfile.TemporaryDirectory() as folder, scripted_llm(API_KEY) as llm:
        project = make_project(Path(folder), llm)
        llm.responder = demo_model
        first = generate(project, force=False)
        written = len(first.written)
        print(f"generate: {written} models, {llm.calls} LLM calls, {llm.calls / written:.2f}/model")

        before = llm.calls
        again = generate(project, force=True)
        records = [r for r in AuditLog(project.audit_path).records() if r.event == "generate"]
        hits = sum(r.details.get("cache_hits", 0) for r in records[-len(again.written) :])
        print(
            f"rerun (--force): {len(again.written)} models, {llm.calls - before} LLM calls, "
            f"cache hit rate {hits / len(again.written):.0%}"
        )

        print(f"\n{'repair case':<26} {'outcome':<8} {'rounds':>6} {'calls':>6}")
        fixed = 0
        catalog = pipeline.project_catalog(project)
        for index, (case, answers) in enumerate(REPAIR_CASES.items()):
            llm.responder = None
            llm.script = [answer(sql) for sql in answers]
            before = llm.calls
            spec = NLSpec(name=f"case_{index}", prompt="Revenue per order status")
            try:
                draft, _ = pipeline.translate_and_validate(
                    spec,
                    catalog,
                    dialect=project.dialect,
                    translator=get_translator("openai", project=project),
                    max_repairs=project.settings.llm_max_repairs,
                )
                outcome, rounds = "valid", draft.details["rounds"]
                fixed += rounds > 1
            except SqlsynthError:
                outcome, rounds = "failed", llm.calls - before
            print(f"{case:<26} {outcome:<8} {rounds:>6} {llm.calls - before:>6}")
        print(f"repair success: {fixed}/{len(REPAIR_CASES)} scripted cases valid after repair")


if __name__ == "__main__":
    main()
