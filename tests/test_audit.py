"""The audit log: a hash chain that survives concurrent writers and reveals tampering."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from sqlsynth.audit import GENESIS_HASH, AuditLog, AuditRecord
from sqlsynth.errors import AuditError


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit" / "sqlsynth-audit.jsonl")


def _append_three(log: AuditLog) -> list[AuditRecord]:
    return [
        log.append("generate", outcome="ok", spec="orders", spec_hash="a" * 64, sql_hash="b" * 64),
        log.append("approve", outcome="ok", spec="orders", sql_hash="b" * 64),
        log.append("run", outcome="ok", spec="orders", details={"row_count": 3}),
    ]


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


def _append_many(path: str, worker: int, count: int, start: Any) -> None:
    """Runs in a child process: wait for every sibling, then append as fast as possible."""
    log = AuditLog(Path(path))
    start.wait()
    for index in range(count):
        log.append("run", outcome="ok", details={"worker": worker, "index": index})


def test_records_chain_and_verify(log: AuditLog) -> None:
    first, second, third = _append_three(log)

    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev == GENESIS_HASH
    assert second.prev == first.hash
    assert third.prev == second.hash
    result = log.verify()
    assert result.ok
    assert result.records == 3
    assert result.problem is None
    assert result.last_hash == third.hash


def test_records_read_back_exactly_as_append_returned_them(log: AuditLog) -> None:
    appended = _append_three(log)

    assert list(log.records()) == appended


def test_each_record_is_one_canonical_json_line_hashed_over_its_other_fields(
    log: AuditLog,
) -> None:
    log.append("check", outcome="invalid", spec="orders", details={"codes": ["E101"], "ms": 4})

    (line,) = _lines(log.path)
    stored = json.loads(line)
    assert line == json.dumps(stored, sort_keys=True, separators=(",", ":")) + "\n"
    assert stored["ts"].endswith("Z")
    others = {key: value for key, value in stored.items() if key != "hash"}
    canonical = json.dumps(others, sort_keys=True, separators=(",", ":"))
    assert stored["hash"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_append_creates_parent_folders(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a" / "b" / "audit.jsonl")

    log.append("generate", outcome="ok")

    assert log.path.is_file()


def test_several_processes_appending_at_once_lose_and_tear_nothing(log: AuditLog) -> None:
    workers, per_worker = 6, 50
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(workers)
    processes = [
        context.Process(target=_append_many, args=(str(log.path), worker, per_worker, start))
        for worker in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * workers

    stored = [json.loads(line) for line in _lines(log.path)]
    assert [record["seq"] for record in stored] == list(range(1, workers * per_worker + 1))
    written = {(record["details"]["worker"], record["details"]["index"]) for record in stored}
    assert len(written) == workers * per_worker
    assert log.verify().ok


def test_several_threads_with_their_own_log_objects_append_safely(log: AuditLog) -> None:
    def append_some() -> None:
        own = AuditLog(log.path)
        for _ in range(25):
            own.append("validate", outcome="ok")

    threads = [threading.Thread(target=append_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    result = log.verify()
    assert result.ok
    assert result.records == 100


def test_edited_record_is_named_by_verify(log: AuditLog) -> None:
    _append_three(log)
    lines = _lines(log.path)
    lines[1] = lines[1].replace('"outcome":"ok"', '"outcome":"refused"')
    log.path.write_text("".join(lines))

    result = log.verify()

    assert not result.ok
    assert result.records == 1
    assert result.problem is not None
    assert result.problem.startswith("line 2 was edited")


def test_deleted_record_is_detected(log: AuditLog) -> None:
    _append_three(log)
    lines = _lines(log.path)
    del lines[1]
    log.path.write_text("".join(lines))

    result = log.verify()

    assert not result.ok
    assert result.problem is not None
    assert "line 2 has seq 3 where 2 was expected" in result.problem


def test_deleted_first_record_is_detected(log: AuditLog) -> None:
    _append_three(log)
    log.path.write_text("".join(_lines(log.path)[1:]))

    result = log.verify()

    assert not result.ok
    assert result.records == 0
    assert result.problem is not None
    assert result.problem.startswith("line 1 has seq 2")


def test_swapped_records_are_detected(log: AuditLog) -> None:
    _append_three(log)
    first, second, third = _lines(log.path)
    log.path.write_text(first + third + second)

    result = log.verify()

    assert not result.ok
    assert result.problem is not None
    assert result.problem.startswith("line 2 has seq 3")


def test_first_record_moved_to_the_end_is_detected(log: AuditLog) -> None:
    _append_three(log)
    first, second, third = _lines(log.path)
    log.path.write_text(second + third + first)

    result = log.verify()

    assert not result.ok
    assert result.records == 0
    assert result.problem is not None
    assert result.problem.startswith("line 1 has seq 2 where 1 was expected")


def test_record_copied_in_from_another_log_is_detected(log: AuditLog, tmp_path: Path) -> None:
    _append_three(log)
    other = AuditLog(tmp_path / "other.jsonl")
    _append_three(other)
    first, second, third = _lines(log.path)
    log.path.write_text(first + second + _lines(other.path)[2] + third)

    result = log.verify()

    assert not result.ok
    assert result.records == 2
    assert result.problem is not None
    assert result.problem.startswith("line 3 does not chain to line 2 (prev mismatch)")


def test_record_renumbered_to_hide_a_deletion_is_detected(log: AuditLog) -> None:
    _append_three(log)
    first, _, third = _lines(log.path)
    # Renumbering alone changes the content, so the hash no longer matches either.
    log.path.write_text(first + third.replace('"seq":3', '"seq":2'))

    result = log.verify()

    assert not result.ok
    assert result.problem is not None
    assert result.problem.startswith("line 2 was edited")


def test_torn_last_line_fails_verify(log: AuditLog) -> None:
    _append_three(log)
    with log.path.open("a") as handle:
        handle.write('{"actor":"ci","details":{},"ev')

    result = log.verify()

    assert not result.ok
    assert result.records == 3
    assert result.problem is not None
    assert result.problem.startswith("line 4 is torn")


def test_append_refuses_to_extend_a_torn_log(log: AuditLog) -> None:
    _append_three(log)
    with log.path.open("a") as handle:
        handle.write('{"actor":"ci","details":{},"ev')
    before = log.path.read_bytes()

    with pytest.raises(AuditError, match="refusing to append") as raised:
        log.append("run", outcome="ok")

    assert "sqlsynth audit verify" in (raised.value.hint or "")
    assert log.path.read_bytes() == before


def test_append_refuses_to_chain_onto_an_edited_last_record(log: AuditLog) -> None:
    _append_three(log)
    lines = _lines(log.path)
    lines[-1] = lines[-1].replace('"row_count":3', '"row_count":4')
    log.path.write_text("".join(lines))

    with pytest.raises(AuditError, match="was edited"):
        log.append("run", outcome="ok")


def test_line_that_is_not_json_is_named_by_verify(log: AuditLog) -> None:
    _append_three(log)
    lines = _lines(log.path)
    lines.insert(1, "not json\n")
    log.path.write_text("".join(lines))

    result = log.verify()

    assert result.problem == "line 2 is not valid JSON"


def test_records_raises_on_a_line_that_is_not_a_record(log: AuditLog) -> None:
    _append_three(log)
    with log.path.open("a") as handle:
        handle.write('{"seq": 4}\n')

    with pytest.raises(AuditError, match="line 4 is not an audit record"):
        list(log.records())


def test_append_after_a_record_longer_than_one_read_chunk(log: AuditLog) -> None:
    big = log.append("generate", outcome="ok", details={"tables_sent": ["t" * 50] * 1000})

    after = log.append("approve", outcome="ok")

    assert after.seq == 2
    assert after.prev == big.hash
    assert log.verify().ok


def test_secret_keys_in_details_never_reach_the_file(log: AuditLog) -> None:
    record = log.append(
        "run",
        outcome="ok",
        details={
            "password": "hunter2",
            "api_key": "sk-live-123",
            "Authorization": "Bearer abc.def",
            "connection": {"access_token": "tok-456", "host": "db"},
            "credentials": ["user", "pw-789"],
            "row_count": 3,
            "prompt_tokens": 120,
        },
    )

    text = log.path.read_text()
    for secret in ("hunter2", "sk-live-123", "abc.def", "tok-456", "pw-789"):
        assert secret not in text
    assert record.details["password"] == "***"
    assert record.details["connection"] == {"access_token": "***", "host": "db"}
    assert record.details["row_count"] == 3
    assert record.details["prompt_tokens"] == 120


def test_passwords_in_urls_in_details_never_reach_the_file(log: AuditLog) -> None:
    record = log.append(
        "run",
        outcome="failed",
        details={
            "error": "could not connect to postgresql://alice:s3cr@t@db.internal:5432/prod",
            "endpoints": ["https://bob:pa55@llm.example/v1", "https://llm.example:8443/v1"],
        },
    )

    assert "s3cr" not in log.path.read_text()
    assert "pa55" not in log.path.read_text()
    assert record.details["error"] == (
        "could not connect to postgresql://alice:***@db.internal:5432/prod"
    )
    assert record.details["endpoints"] == [
        "https://bob:***@llm.example/v1",
        "https://llm.example:8443/v1",
    ]


def test_missing_log_verifies_with_zero_records_and_stays_missing(log: AuditLog) -> None:
    result = log.verify()

    assert result.ok
    assert result.records == 0
    assert result.last_hash is None
    assert not log.path.exists()
    assert list(log.records()) == []


def test_empty_log_verifies_with_zero_records(log: AuditLog) -> None:
    log.path.parent.mkdir(parents=True)
    log.path.write_text("")

    assert log.verify().ok
    assert log.append("generate", outcome="ok").seq == 1


def test_actor_comes_from_sqlsynth_actor(log: AuditLog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQLSYNTH_ACTOR", "airflow:daily_orders")

    assert log.append("run", outcome="ok").actor == "airflow:daily_orders"


def test_unknown_event_is_refused(log: AuditLog) -> None:
    with pytest.raises(AuditError, match="event"):
        log.append("delete", outcome="ok")  # type: ignore[arg-type]

    assert not log.path.exists()


def test_details_that_are_not_json_are_refused(log: AuditLog) -> None:
    with pytest.raises(AuditError, match="JSON-serialisable"):
        log.append("run", outcome="ok", details={"handle": object()})


def test_append_gives_up_with_audit_error_when_the_lock_stays_held(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", lock_timeout=0.2)

    with FileLock(str(log.lock_path)), pytest.raises(AuditError, match="lock"):
        log.append("run", outcome="ok")
