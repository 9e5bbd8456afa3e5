"""Execution accuracy, coverage, precision and latency of the embedded translator on a benchmark.

Takes any folder laid out like ``spider_train`` (``questions.jsonl`` and
``database/<db_id>/<db_id>.sqlite``). From each question it reads only ``id``, ``db_id`` and
``question``; each catalog is introspected from the SQLite database itself by sqlsynth. It
writes predictions as JSON Lines (``id``, ``db_id``, ``sql``; an empty ``sql`` is a refusal),
writes each answer's explanation (the links, with their kind and score, and the reading's
notes) to ``explanations.jsonl``, runs the scorer on them and prints one table:

- accuracy overall and per hardness (easy, medium, hard, extra: the scorer reads these);
- coverage: the share of questions answered (not refused);
- precision: the share of answers that are correct;
- p50/p95 translation latency per question (catalog introspection, once per database, apart).

Databases are split deterministically by a hash of their id into ``dev`` (~70 %) and
``check`` (~30 %), so a rule tuned on dev can be checked on databases it was not tuned on.

    .venv/bin/python bench/bench_spider.py ../shared/benchmarks/spider_train --split all
    .venv/bin/python bench/bench_spider.py ../shared/benchmarks/spider_train --split dev \\
        --out bench/out/dev
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SAWarning

from sqlsynth.errors import TranslationError
from sqlsynth.spec import NLSpec
from sqlsynth.translate import get_translator
from sqlsynth.warehouse import connect

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCORER = ROOT.parent / "shared" / "benchmarks" / "score.py"
HARDNESS = ("easy", "medium", "hard", "extra")
DEV_SHARE = 70


def split_of(db_id: str) -> str:
    """``dev`` or ``check``: a stable hash of the database id, not of anything in it."""
    bucket = int(hashlib.sha256(db_id.encode()).hexdigest(), 16) % 100
    return "dev" if bucket < DEV_SHARE else "check"


@dataclass(frozen=True)
class Question:
    id: int
    db_id: str
    question: str


def read_questions(folder: Path) -> list[Question]:
    """Only ``id``, ``db_id`` and ``question``: the gold SQL and hardness stay unread."""
    questions = []
    with (folder / "questions.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                questions.append(Question(row["id"], row["db_id"], row["question"]))
    return questions


@dataclass(frozen=True)
class Prediction:
    question: Question
    sql: str
    refusal: str
    latency_ms: float
    explanation: tuple[str, ...] = ()
    """How the translator read the question: each word's link (kind and score), notes."""


def predict(folder: Path, questions: list[Question]) -> tuple[list[Prediction], float]:
    """Translate every question; returns the predictions and the introspection time (s)."""
    translator = get_translator("embedded")
    by_db: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_db[question.db_id].append(question)
    predictions: list[Prediction] = []
    introspection = 0.0
    for db_id in sorted(by_db):
        database = folder / "database" / db_id / f"{db_id}.sqlite"
        started = time.perf_counter()
        catalog = connect(f"sqlite:///{database.resolve()}", root=folder).catalog()
        introspection += time.perf_counter() - started
        for question in by_db[db_id]:
            spec = NLSpec(name=f"q{question.id}", prompt=question.question)
            started = time.perf_counter()
            explanation: tuple[str, ...] = ()
            try:
                draft = translator.translate(spec, catalog, dialect="sqlite")
                sql, refusal, explanation = draft.sql, "", draft.explanation
            except TranslationError as exc:
                sql, refusal = "", str(exc).splitlines()[0]
            except Exception as exc:  # a crash is a bug; count it apart, keep measuring
                sql, refusal = "", f"CRASH {type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - started) * 1000
            predictions.append(Prediction(question, sql, refusal, elapsed, explanation))
    predictions.sort(key=lambda p: p.question.id)
    return predictions, introspection


def write_predictions(predictions: list[Prediction], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "predictions.jsonl"
    with path.open("w", encoding="utf-8") as lines:
        for p in predictions:
            row = {"id": p.question.id, "db_id": p.question.db_id, "sql": p.sql}
            lines.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (out / "explanations.jsonl").open("w", encoding="utf-8") as lines:
        for p in predictions:
            if p.sql:  # which links were exact, lemma, fuzzy or partial: what to refuse
                row = {"id": p.question.id, "explanation": list(p.explanation)}
                lines.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (out / "refusals.jsonl").open("w", encoding="utf-8") as lines:
        for p in predictions:
            if p.refusal:
                row = {"id": p.question.id, "question": p.question.question, "why": p.refusal}
                lines.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def score(
    scorer: Path, folder: Path, predictions: Path, out: Path, db_ids: list[str]
) -> list[dict[str, object]]:
    """Run the scorer; returns its per-question details (status and hardness)."""
    details = out / "details.jsonl"
    command = [
        sys.executable,
        str(scorer),
        str(predictions),
        "--gold",
        str(folder / "questions.jsonl"),
        "--db-dir",
        str(folder / "database"),
        "--db",
        ",".join(db_ids),
        "--details",
        str(details),
        "--json",
        str(out / "summary.json"),
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with details.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def percentile(samples: list[float], q: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def table(label: str, predictions: list[Prediction], details: list[dict[str, object]]) -> list[str]:
    """The rows of the results table for one set of questions."""
    ids = {p.question.id for p in predictions}
    rows = [d for d in details if d["id"] in ids]
    answered = {p.question.id for p in predictions if p.sql}
    correct = {d["id"] for d in rows if d["status"] == "correct"}
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in rows:
        tally[str(d.get("hardness"))][1] += 1
        tally[str(d.get("hardness"))][0] += d["status"] == "correct"
    easy_medium = [sum(tally[h][i] for h in ("easy", "medium")) for i in (0, 1)]
    latencies = [p.latency_ms for p in predictions]

    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:5.1f}%" if whole else "    -"

    cells = [
        label,
        f"{len(rows):5d}",
        pct(len(correct), len(rows)),
        *(pct(*tally[h]) for h in HARDNESS),
        pct(*easy_medium),
        pct(len(answered), len(rows)),
        pct(len(correct & answered), len(answered)),
        f"{percentile(latencies, 50):6.1f}",
        f"{percentile(latencies, 95):6.1f}",
    ]
    return [" | ".join(cells)]


HEADER = (
    "set   |     n | overall |  easy | medium |  hard | extra | easy+med | coverage "
    "| precision | p50 ms | p95 ms"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="benchmark folder (questions.jsonl, database/)")
    parser.add_argument("--split", choices=("all", "dev", "check"), default="all")
    parser.add_argument("--db", help="comma list of db_ids (overrides --split)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "spider")
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    args = parser.parse_args()
    # SQLite schemas declare keys loosely; SQLAlchemy warns about each while introspecting
    warnings.filterwarnings("ignore", category=SAWarning)

    questions = read_questions(args.folder)
    if args.db:
        wanted = set(args.db.split(","))
        questions = [q for q in questions if q.db_id in wanted]
    elif args.split != "all":
        questions = [q for q in questions if split_of(q.db_id) == args.split]
    if not questions:
        parser.error("no questions selected")

    predictions, introspection = predict(args.folder, questions)
    path = write_predictions(predictions, args.out)
    db_ids = sorted({q.db_id for q in questions})
    details = score(args.scorer, args.folder, path, args.out, db_ids)

    print(HEADER)
    print("-" * len(HEADER))
    sets = [(args.split if not args.db else "dbs", predictions)]
    if args.split == "all" and not args.db:
        for name in ("dev", "check"):
            sets.append((name, [p for p in predictions if split_of(p.question.db_id) == name]))
    for name, chosen in sets:
        for line in table(f"{name:<5}", chosen, details):
            print(line)
    outcomes = Counter(str(d["status"]) for d in details)
    print()
    print(f"outcomes: {', '.join(f'{k}={v}' for k, v in sorted(outcomes.items()))}")
    print(
        f"databases: {len(db_ids)}; catalog introspection {introspection:.1f}s in all "
        f"(once per database, not in the latency); files in {args.out}"
    )


if __name__ == "__main__":
    main()
