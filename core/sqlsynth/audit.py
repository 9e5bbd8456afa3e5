"""The audit log: who generated, approved, checked and ran which SQL, and when.

One JSON object per line (JSON Lines), append-only. Each record carries the hash of the
record before it, so editing, deleting or reordering a record breaks the chain and
``sqlsynth audit verify`` names the line. Several processes (Airflow workers, CI jobs, a
developer's CLI) may append at once: appends are serialised by a lock file next to the log
and each record reaches the file in one ``os.write`` on a file opened ``O_APPEND``.

What is recorded is who/what/when: hashes, translator, model, outcome and a few small
facts. Never secrets and never result rows; ``details`` is scrubbed defensively as well.

A chain alone cannot reveal that its newest records were cut off, and anyone who can
write the file can rebuild the whole chain. Keep ``VerifyResult.last_hash`` somewhere else
(a CI artifact, the lock file, XCom) to anchor it.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from filelock import FileLock, Timeout
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, field_serializer
from pydantic import ValidationError as PydanticValidationError

from sqlsynth.errors import AuditError, describe_invalid

AuditEvent = Literal["generate", "approve", "run", "check", "validate"]

GENESIS_HASH = "0" * 64
"""The ``prev`` of the first record: there is nothing before it."""

DEFAULT_LOCK_TIMEOUT_S = 30.0
_TAIL_CHUNK = 8192
_SHA256_HEX = r"^[0-9a-f]{64}$"
_VERIFY_HINT = "run `sqlsynth audit verify` to find the broken line"

_SECRET_KEY = re.compile(
    r"passw|pwd|secret|token$|api[_-]?key|private[_-]?key|authorization|credential",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(
    r"(?P<userinfo>\b[a-z][a-z0-9+.\-]*://[^:/?#@\s]*:)[^\s/?#]*(?=@)", re.IGNORECASE
)
_REDACTED = "***"
_JSON_DETAILS: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


class AuditRecord(BaseModel):
    """One line of the log, exactly as stored."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    seq: int = Field(ge=1, description="1-based position in the log.")
    ts: AwareDatetime = Field(description="When the record was written, in UTC.")
    event: AuditEvent
    actor: str = Field(description="SQLSYNTH_ACTOR, else the OS user.")
    spec: str | None
    spec_hash: str | None
    sql_hash: str | None
    translator: str | None
    model: str | None = Field(description="The LLM model name, if an LLM was involved.")
    outcome: str = Field(description='e.g. "ok", "invalid", "refused", "failed".')
    details: dict[str, Any]
    prev: str = Field(pattern=_SHA256_HEX, description="Hash of the previous record.")
    hash: str = Field(pattern=_SHA256_HEX, description="sha256 of every other field.")

    @field_serializer("ts")
    def _serialize_ts(self, ts: datetime) -> str:
        return _format_ts(ts)


class VerifyResult(BaseModel):
    """The outcome of checking the whole chain; ``problem`` names the first broken line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    records: int = Field(description="Records that verified, up to the first problem.")
    problem: str | None = None
    last_hash: str | None = Field(
        default=None, description="Hash of the last verified record; store it to anchor the chain."
    )


class AuditLog:
    """An append-only, hash-chained JSON Lines file.

    >>> import pathlib, tempfile
    >>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit" / "audit.jsonl")
    >>> first = log.append("generate", outcome="ok", spec="order_count", details={"rows": 3})
    >>> second = log.append("approve", outcome="ok", spec="order_count")
    >>> second.seq, second.prev == first.hash
    (2, True)
    >>> log.verify().ok
    True
    """

    def __init__(self, path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.lock_timeout = lock_timeout

    def append(
        self,
        event: AuditEvent,
        *,
        outcome: str,
        spec: str | None = None,
        spec_hash: str | None = None,
        sql_hash: str | None = None,
        translator: str | None = None,
        model: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditRecord:
        """Add one record after the last one and return it as stored.

        Refuses to extend a chain whose last line is torn or edited: a record chained to a
        broken one would make the damage look legitimate.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                last = self._last_record()
                content = {
                    "seq": last.seq + 1 if last else 1,
                    "ts": _format_ts(datetime.now(UTC)),
                    "event": event,
                    "actor": current_actor(),
                    "spec": spec,
                    "spec_hash": spec_hash,
                    "sql_hash": sql_hash,
                    "translator": translator,
                    "model": model,
                    "outcome": outcome,
                    "details": _scrub(_json_details(details or {})),
                    "prev": last.hash if last else GENESIS_HASH,
                }
                line, record = _build_line(content)
                _append_line(self.path, line)
        except OSError as exc:
            raise AuditError(
                f"cannot write the audit log {self.path}: {exc}",
                hint="check that the folder exists and is writable",
            ) from exc
        return record

    def records(self) -> Iterator[AuditRecord]:
        """Every record, oldest first, streamed from the file.

        Parses but does not check the chain (that is ``verify``'s job); a line that is not a
        record raises ``AuditError`` naming it.
        """
        for line_no, raw in self._lines():
            try:
                record, _ = _parse_line(raw)
            except _BadLine as exc:
                raise AuditError(f"{self.path} line {line_no} {exc}", hint=_VERIFY_HINT) from None
            yield record

    def verify(self) -> VerifyResult:
        """Walk the chain once and report the first line that was edited, moved, removed or torn.

        Removing the newest records cannot be seen from the chain itself; compare
        ``last_hash`` with a copy kept elsewhere for that.
        """
        count = 0
        prev = GENESIS_HASH
        for line_no, raw in self._lines():
            try:
                record, content_hash = _parse_line(raw)
            except _BadLine as exc:
                return _broken(count, prev, f"line {line_no} {exc}")
            if record.hash != content_hash:
                problem = f"line {line_no} was edited: its hash does not match its content"
                return _broken(count, prev, problem)
            if record.seq != count + 1:
                problem = (
                    f"line {line_no} has seq {record.seq} where {count + 1} was expected:"
                    " a record was deleted, inserted or reordered"
                )
                return _broken(count, prev, problem)
            if record.prev != prev:
                before = f"line {line_no - 1}" if line_no > 1 else "the start of the log"
                problem = (
                    f"line {line_no} does not chain to {before} (prev mismatch):"
                    " a record was deleted, inserted or reordered"
                )
                return _broken(count, prev, problem)
            count += 1
            prev = record.hash
        return VerifyResult(ok=True, records=count, last_hash=prev if count else None)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise AuditError(
                f"another process has held the audit log lock {self.lock_path}"
                f" for more than {self.lock_timeout:g} s",
                hint="retry; if no sqlsynth process is running, the lock holder died mid-write:"
                f" run `sqlsynth audit verify` on {self.path}",
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _committed_size(self) -> int:
        """The log's size with no append in flight, so readers never see half a record."""
        try:
            with self._locked():
                return self.path.stat().st_size
        except OSError:
            # A read-only copy of the log cannot hold a lock file, and nothing appends to it.
            return self.path.stat().st_size

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, raw line with its newline) up to the committed size, one at a time."""
        if not self.path.exists():
            return
        size = self._committed_size()
        offset = 0
        with self.path.open("rb") as handle:
            for line_no, raw in enumerate(handle, start=1):
                if offset >= size:
                    return
                yield line_no, raw[: size - offset]
                offset += len(raw)

    def _last_record(self) -> AuditRecord | None:
        """The last record, read backwards from the end of the file; None for an empty log."""
        raw = _read_last_line(self.path)
        if raw is None:
            return None
        try:
            record, content_hash = _parse_line(raw)
        except _BadLine as exc:
            raise AuditError(
                f"refusing to append to {self.path}: its last line {exc}", hint=_VERIFY_HINT
            ) from None
        if record.hash != content_hash:
            raise AuditError(
                f"refusing to append to {self.path}: its last record (seq {record.seq}) was edited",
                hint=_VERIFY_HINT,
            )
        return record


def current_actor() -> str:
    """Who is acting: ``SQLSYNTH_ACTOR`` (set it in CI and on workers), else the OS user."""
    actor = os.environ.get("SQLSYNTH_ACTOR", "").strip()
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name and no passwd entry (containers)
        return "unknown"


class _BadLine(Exception):
    """A line that is not a complete audit record; the message completes "line N ..."."""


def _broken(count: int, prev: str, problem: str) -> VerifyResult:
    return VerifyResult(ok=False, records=count, problem=problem, last_hash=prev if count else None)


def _format_ts(ts: datetime) -> str:
    # One fixed format, so a record's hash never depends on how a library prints datetimes.
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, ASCII only: the same data always gives the same bytes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def _content_hash(content: Mapping[str, Any]) -> str:
    fields = {key: value for key, value in content.items() if key != "hash"}
    return hashlib.sha256(_canonical_json(fields).encode("ascii")).hexdigest()


def _build_line(content: dict[str, Any]) -> tuple[bytes, AuditRecord]:
    """The stored line for ``content`` and the record it reads back as."""
    try:
        line = (_canonical_json({**content, "hash": _content_hash(content)}) + "\n").encode()
        record, _ = _parse_line(line)
    except (TypeError, ValueError, _BadLine) as exc:
        raise AuditError(
            f"not a valid audit record: {exc}",
            hint="details must be plain JSON (no NaN); event one of "
            + ", ".join(get_args(AuditEvent)),
        ) from None
    return line, record


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_line(raw: bytes) -> tuple[AuditRecord, str]:
    """The record on a stored line, and the hash its content actually has.

    The hash is taken over the JSON as stored rather than as pydantic re-serialises it, so
    verification does not depend on the pydantic version that wrote the line.
    """
    if not raw.endswith(b"\n"):
        raise _BadLine("is torn (no line end): a write was interrupted")
    try:
        stored = json.loads(raw, parse_constant=_reject_constant)
    except ValueError:  # includes JSONDecodeError and UnicodeDecodeError
        raise _BadLine("is not valid JSON") from None
    if not isinstance(stored, dict):
        raise _BadLine("is not a JSON object")
    try:
        record = AuditRecord.model_validate_json(raw)
    except PydanticValidationError as exc:
        raise _BadLine(f"is not an audit record ({describe_invalid(exc)})") from None
    return record, _content_hash(stored)


def _json_details(details: Mapping[str, Any]) -> dict[str, Any]:
    try:
        plain: dict[str, Any] = _JSON_DETAILS.dump_python(dict(details), mode="json")
    except ValueError as exc:
        raise AuditError(
            f"audit details must be JSON-serialisable: {exc}",
            hint="pass plain strings, numbers, lists and dicts",
        ) from None
    return plain


def _scrub(value: Any) -> Any:
    """Redact values under secret-looking keys and passwords inside URLs.

    A last line of defence: callers should never pass secrets in the first place.
    """
    if isinstance(value, dict):
        return {
            key: _REDACTED if _SECRET_KEY.search(str(key)) else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, str):
        return _URL_PASSWORD.sub(rf"\g<userinfo>{_REDACTED}", value)
    return value


def _read_last_line(path: Path) -> bytes | None:
    """The last line with its newline (if it has one), reading backwards from the end.

    Logs grow without bound; appending must cost the same on day 1000 as on day 1.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        position = handle.seek(0, os.SEEK_END)
        tail = b""
        while position > 0:
            step = min(_TAIL_CHUNK, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
            # The file's final byte is the last line's own newline; look before it.
            newline = tail.rfind(b"\n", 0, len(tail) - 1)
            if newline >= 0:
                return tail[newline + 1 :]
        return tail or None


def _append_line(path: Path, line: bytes) -> None:
    """Write one whole line at the end of the file and make it durable."""
    created = not path.exists()
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o666)
    try:
        written = os.write(fd, line)
        while written < len(line):  # a short write (disk nearly full); we still hold the lock
            written += os.write(fd, line[written:])
        os.fsync(fd)
    finally:
        os.close(fd)
    if created and os.name == "posix":
        # A new file's directory entry is durable only once its folder is synced.
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
