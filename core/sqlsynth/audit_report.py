"""The audit log summarised: generations, reviews and runs per spec and per owner.

:func:`build_report` verifies the whole chain first and refuses a broken log (an
:class:`~sqlsynth.errors.AuditError`): counts read from a log that was edited would look like
facts. It then counts the records in a time window (``since <= ts < until``, UTC) and
:func:`render` writes the summary as a text table, JSON or CSV.

Owners: the core pipeline writes the spec's owner into each record's ``details`` (``owner``)
when it generates, approves or runs, so a record keeps the owner of its time even after the
spec changes hands. Records without that key (older logs, other writers) take the owner the
spec has today, from ``current_owners``; a spec that no longer exists has ``(no owner)``. A
spec row shows the owner of its latest record; an owner row counts the records written while
that owner owned the spec, so a spec that changed hands counts for both owners.

>>> import pathlib, tempfile
>>> from sqlsynth.audit import AuditLog
>>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
>>> _ = log.append("generate", outcome="ok", spec="order_count", details={"owner": "fin"})
>>> _ = log.append("approve", outcome="ok", spec="order_count", details={"owner": "fin"})
>>> report = build_report(log)
>>> (report.by_spec[0].spec, report.by_spec[0].generations, report.by_owner[0].approvals)
('order_count', 1, 1)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, field_serializer

from sqlsynth.audit import AuditLog, AuditRecord
from sqlsynth.errors import AuditError

ReportFormat = Literal["text", "json", "csv"]
REPORT_FORMATS: tuple[ReportFormat, ...] = ("text", "json", "csv")

NO_OWNER = "(no owner)"
NO_SPEC = "(no spec)"


def parse_instant(text: str, *, end_of_day: bool = False) -> datetime:
    """An ISO date or datetime as an aware UTC datetime; a time without offset is UTC.

    A bare date is midnight at its start, or with ``end_of_day`` midnight after it, so that
    ``--until 2026-11-30`` includes the 30th.

    >>> parse_instant("2026-11-30", end_of_day=True).isoformat()
    '2026-12-01T00:00:00+00:00'
    >>> parse_instant("2026-11-30T10:00:00+01:00").isoformat()
    '2026-11-30T09:00:00+00:00'
    """
    cleaned = text.strip()
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        pass
    else:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + timedelta(days=1) if end_of_day else start
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO date or datetime (e.g. 2026-11-24 or 2026-11-24T09:30:00Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _format_ts(ts: datetime | None) -> str:
    return "" if ts is None else ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Activity(BaseModel):
    """What happened: generations (ok and failed), approvals, runs (ok and failed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    generations: int = 0
    failed_generations: int = 0
    approvals: int = 0
    runs: int = 0
    failed_runs: int = 0
    last_at: AwareDatetime | None = None

    @field_serializer("last_at")
    def _serialize_last_at(self, ts: datetime | None) -> str | None:
        return _format_ts(ts) or None

    def counted(self, record: AuditRecord) -> Self:
        """This activity with ``record`` added; an approval counts only when it was granted
        (Airflow's approval gate also records rejected and timed-out ones)."""
        ok = record.outcome == "ok"
        field = {
            "generate": "generations" if ok else "failed_generations",
            "approve": "approvals" if ok else None,
            "run": "runs" if ok else "failed_runs",
        }.get(record.event)
        update: dict[str, object] = {"last_at": max(filter(None, (self.last_at, record.ts)))}
        if field is not None:
            update[field] = getattr(self, field) + 1
        return self.model_copy(update=update)


class SpecSummary(Activity):
    """One spec's activity; ``owner`` is the owner of its latest record."""

    spec: str
    owner: str


class OwnerSummary(Activity):
    """One owner's activity over the specs they owned when the records were written."""

    owner: str
    specs: int = 0


class AuditReport(BaseModel):
    """The summary of one verified log over one window."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    log: str
    verified_records: int
    last_hash: str | None
    since: AwareDatetime | None
    until: AwareDatetime | None
    records: int
    by_spec: tuple[SpecSummary, ...]
    by_owner: tuple[OwnerSummary, ...]

    @field_serializer("since", "until")
    def _serialize_bounds(self, ts: datetime | None) -> str | None:
        return _format_ts(ts) or None


def _owner(record: AuditRecord, current_owners: Mapping[str, str | None]) -> str:
    if "owner" in record.details:
        owner = record.details["owner"]
    else:
        owner = current_owners.get(record.spec) if record.spec else None
    return str(owner) if owner else NO_OWNER


def build_report(
    log: AuditLog,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    current_owners: Mapping[str, str | None] | None = None,
) -> AuditReport:
    """Verify ``log`` and summarise its records with ``since <= ts < until``.

    Raises :class:`~sqlsynth.errors.AuditError` when the chain is broken or the window is empty
    by construction (``since`` not before ``until``).
    """
    if since is not None and until is not None and since >= until:
        raise AuditError(
            f"--since {_format_ts(since)} is not before --until {_format_ts(until)}",
            hint="pass a window whose start comes before its end",
        )
    verified = log.verify()
    if not verified.ok:
        raise AuditError(
            f"refusing to report on {log.path}: the audit log is broken: {verified.problem}",
            hint="run `sqlsynth audit verify` and restore the log from a copy you trust",
        )
    owners = current_owners or {}
    in_window = [
        record
        for record in log.records()
        if (since is None or record.ts >= since) and (until is None or record.ts < until)
    ]
    by_spec: dict[str, SpecSummary] = {}
    by_owner: dict[str, OwnerSummary] = {}
    specs_of: dict[str, set[str]] = {}
    for record in in_window:
        spec = record.spec or NO_SPEC
        owner = _owner(record, owners)
        row = by_spec.get(spec) or SpecSummary(spec=spec, owner=owner)
        by_spec[spec] = row.counted(record).model_copy(update={"owner": owner})
        by_owner[owner] = (by_owner.get(owner) or OwnerSummary(owner=owner)).counted(record)
        specs_of.setdefault(owner, set()).add(spec)
    return AuditReport(
        log=str(log.path),
        verified_records=verified.records,
        last_hash=verified.last_hash,
        since=since,
        until=until,
        records=len(in_window),
        by_spec=tuple(by_spec[name] for name in sorted(by_spec)),
        by_owner=tuple(
            by_owner[name].model_copy(update={"specs": len(specs_of[name])})
            for name in sorted(by_owner)
        ),
    )


_COUNT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("generations", "generated"),
    ("failed_generations", "gen failed"),
    ("approvals", "approved"),
    ("runs", "runs"),
    ("failed_runs", "runs failed"),
)
CSV_COLUMNS = (
    "scope",
    "name",
    "owner",
    "specs",
    *(field for field, _ in _COUNT_COLUMNS),
    "last_at",
)
"""The CSV header: one row per spec (``scope`` = spec) then one per owner (``scope`` = owner)."""


def _table(headers: list[str], rows: Iterable[list[str]], numeric_from: int) -> list[str]:
    body = [headers, *rows]
    widths = [max(len(row[i]) for row in body) for i in range(len(headers))]
    lines = []
    for row in body:
        cells = [
            cell.rjust(width) if i >= numeric_from and i < len(row) - 1 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _counts(row: Activity) -> list[str]:
    return [str(getattr(row, field)) for field, _ in _COUNT_COLUMNS]


def render_text(report: AuditReport) -> str:
    """Two readable tables, per spec and per owner, under a line saying what was read."""
    window = (
        f"from {_format_ts(report.since) or 'the start'} to {_format_ts(report.until) or 'now'}"
    )
    lines = [
        f"audit log {report.log}: chain intact ({report.verified_records} records)",
        f"{report.records} records {window}",
    ]
    if not report.records:
        return "\n".join(lines) + "\n"
    labels = [label for _, label in _COUNT_COLUMNS]
    lines += ["", "per spec"]
    lines += _table(
        ["spec", "owner", *labels, "last activity"],
        ([r.spec, r.owner, *_counts(r), _format_ts(r.last_at)] for r in report.by_spec),
        numeric_from=2,
    )
    lines += ["", "per owner"]
    lines += _table(
        ["owner", "specs", *labels, "last activity"],
        ([r.owner, str(r.specs), *_counts(r), _format_ts(r.last_at)] for r in report.by_owner),
        numeric_from=1,
    )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading ``= + - @`` would make it a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(report: AuditReport) -> str:
    """One table with a ``scope`` column (:data:`CSV_COLUMNS`), readable by any CSV reader."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for spec in report.by_spec:
        writer.writerow(
            [
                "spec",
                _cell(spec.spec),
                _cell(spec.owner),
                "",
                *_counts(spec),
                _format_ts(spec.last_at),
            ]
        )
    for owner in report.by_owner:
        writer.writerow(
            [
                "owner",
                _cell(owner.owner),
                _cell(owner.owner),
                owner.specs,
                *_counts(owner),
                _format_ts(owner.last_at),
            ]
        )
    return out.getvalue()


def render(report: AuditReport, report_format: ReportFormat | str) -> str:
    """The report as ``text``, ``json`` or ``csv`` (:data:`REPORT_FORMATS`)."""
    if report_format == "json":
        return report.model_dump_json(indent=2) + "\n"
    if report_format == "csv":
        return render_csv(report)
    if report_format == "text":
        return render_text(report)
    raise ValueError(f"unknown report format {report_format!r}; use one of {REPORT_FORMATS}")
