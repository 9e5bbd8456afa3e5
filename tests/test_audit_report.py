"""`sqlsynth audit report`: a real log, written by the real CLI, summarised three ways."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sqlsynth.audit import AuditLog, AuditRecord
from sqlsynth.audit_report import build_report, render_csv
from sqlsynth_dbt.project import DbtProject
from tests.conftest import CliRun, build_shop_warehouse
from tests.dbt import copy_example

OPS_SPEC = """\
specs:
  - name: mystery
    prompt: Frobnicate the quux
    sources: [customers]
    owner: ops@example.com
"""

# What the scenario below does, per spec: generations, failed generations, approvals, runs,
# failed runs; and each spec's owner.
EXPECTED_BY_SPEC = {
    "average_price_by_category": ("merchandising@example.com", 1, 0, 0, 0, 0),
    "customer_count": ("analytics@example.com", 1, 0, 1, 2, 0),
    "customers_per_segment": ("analytics@example.com", 1, 0, 0, 0, 0),
    "german_customers": ("crm@example.com", 1, 0, 1, 1, 0),
    "mystery": ("ops@example.com", 0, 1, 0, 0, 0),
    "revenue_by_status": ("finance@example.com", 1, 0, 1, 0, 1),
    "top_customers_by_revenue": ("finance@example.com", 1, 0, 0, 0, 0),
}
# Per owner: specs, generations, failed generations, approvals, runs, failed runs.
EXPECTED_BY_OWNER = {
    "analytics@example.com": (2, 2, 0, 1, 2, 0),
    "crm@example.com": (1, 1, 0, 1, 1, 0),
    "finance@example.com": (2, 2, 0, 1, 0, 1),
    "merchandising@example.com": (1, 1, 0, 0, 0, 0),
    "ops@example.com": (1, 0, 1, 0, 0, 0),
}
COUNTS = ("generations", "failed_generations", "approvals", "runs", "failed_runs")


def invoke(sqlsynth: CliRun, project: Path, *args: str, expect: int = 0) -> str:
    result = sqlsynth(*args, cwd=project)
    assert result.exit_code == expect, result.output
    return result.output


@pytest.fixture
def audited_project(shop_project: Path, sqlsynth: CliRun) -> Path:
    """The shop after: generate (one spec fails), approve three, run, and one failing run."""
    (shop_project / "specs" / "ops.yml").write_text(OPS_SPEC)
    invoke(sqlsynth, shop_project, "generate", "--keep-going", expect=1)
    invoke(sqlsynth, shop_project, "approve", "customer_count", "german_customers")
    invoke(sqlsynth, shop_project, "approve", "revenue_by_status")
    invoke(sqlsynth, shop_project, "run", "customer_count", "german_customers")
    invoke(sqlsynth, shop_project, "run", "customer_count")
    # An empty warehouse: the reviewed SQL no longer finds its table, and the run fails.
    (shop_project / "warehouse.duckdb").unlink()
    duckdb.connect(str(shop_project / "warehouse.duckdb")).close()
    invoke(sqlsynth, shop_project, "run", "revenue_by_status", expect=1)
    return shop_project


def log_of(project: Path) -> AuditLog:
    return AuditLog(project / "audit" / "sqlsynth-audit.jsonl")


def records_of(project: Path) -> list[AuditRecord]:
    return list(log_of(project).records())


def report_json(sqlsynth: CliRun, project: Path, *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        invoke(sqlsynth, project, "audit", "report", "--format", "json", *args)
    )
    return found


def spec_counts(report: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {row["spec"]: (row["owner"], *(row[c] for c in COUNTS)) for row in report["by_spec"]}


def owner_counts(report: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {row["owner"]: (row["specs"], *(row[c] for c in COUNTS)) for row in report["by_owner"]}


def at(record: AuditRecord) -> str:
    return record.ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- what the pipeline records ---------------------------------------------------------------


def test_generate_approve_and_run_records_carry_the_specs_owner(audited_project: Path) -> None:
    owners = {
        (r.event, r.outcome, r.spec, r.details.get("owner")) for r in records_of(audited_project)
    }
    assert ("generate", "ok", "customer_count", "analytics@example.com") in owners
    assert ("generate", "refused", "mystery", "ops@example.com") in owners
    assert ("approve", "ok", "german_customers", "crm@example.com") in owners
    assert ("run", "ok", "customer_count", "analytics@example.com") in owners
    assert ("run", "failed", "revenue_by_status", "finance@example.com") in owners


# --- the three formats -----------------------------------------------------------------------


def test_json_report_counts_per_spec(audited_project: Path, sqlsynth: CliRun) -> None:
    report = report_json(sqlsynth, audited_project)
    assert spec_counts(report) == EXPECTED_BY_SPEC


def test_json_report_counts_per_owner(audited_project: Path, sqlsynth: CliRun) -> None:
    report = report_json(sqlsynth, audited_project)
    assert owner_counts(report) == EXPECTED_BY_OWNER


def test_json_report_says_the_chain_verified(audited_project: Path, sqlsynth: CliRun) -> None:
    report = report_json(sqlsynth, audited_project)
    verified = log_of(audited_project).verify()
    assert (report["verified_records"], report["last_hash"]) == (
        verified.records,
        verified.last_hash,
    )
    assert report["records"] == verified.records == 14


def test_csv_report_has_the_same_counts_as_json(audited_project: Path, sqlsynth: CliRun) -> None:
    output = invoke(sqlsynth, audited_project, "audit", "report", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    by_spec = {
        r["name"]: (r["owner"], *(int(r[c]) for c in COUNTS)) for r in rows if r["scope"] == "spec"
    }
    by_owner = {
        r["name"]: (int(r["specs"]), *(int(r[c]) for c in COUNTS))
        for r in rows
        if r["scope"] == "owner"
    }
    assert (by_spec, by_owner) == (EXPECTED_BY_SPEC, EXPECTED_BY_OWNER)


def test_csv_last_activity_is_the_latest_record_of_the_spec(
    audited_project: Path, sqlsynth: CliRun
) -> None:
    output = invoke(sqlsynth, audited_project, "audit", "report", "--format", "csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(output)) if r["scope"] == "spec"}
    last = max(r.ts for r in records_of(audited_project) if r.spec == "customer_count")
    assert rows["customer_count"]["last_at"] == last.strftime("%Y-%m-%dT%H:%M:%SZ")


def text_rows(output: str, section: str) -> dict[str, list[str]]:
    """The rows of one text table, by their first cell, split on runs of two spaces."""
    lines = output.splitlines()
    start = lines.index(section) + 2  # past the section title and the header
    rows: dict[str, list[str]] = {}
    for line in lines[start:]:
        if not line.strip():
            break
        cells = [cell.strip() for cell in line.split("  ") if cell.strip()]
        rows[cells[0]] = cells[1:]
    return rows


def test_text_report_is_a_table_per_spec(audited_project: Path, sqlsynth: CliRun) -> None:
    output = invoke(sqlsynth, audited_project, "audit", "report")
    rows = text_rows(output, "per spec")
    assert {name: tuple(cells[:6]) for name, cells in rows.items()} == {
        name: (owner, *(str(n) for n in counts))
        for name, (owner, *counts) in EXPECTED_BY_SPEC.items()
    }


def test_text_report_is_a_table_per_owner(audited_project: Path, sqlsynth: CliRun) -> None:
    output = invoke(sqlsynth, audited_project, "audit", "report")
    rows = text_rows(output, "per owner")
    assert {name: tuple(cells[:6]) for name, cells in rows.items()} == {
        name: tuple(str(n) for n in counts) for name, counts in EXPECTED_BY_OWNER.items()
    }


def test_text_report_headline_names_the_log_and_its_records(
    audited_project: Path, sqlsynth: CliRun
) -> None:
    headline = invoke(sqlsynth, audited_project, "audit", "report").splitlines()[:2]
    assert headline == [
        f"audit log {audited_project.resolve() / 'audit' / 'sqlsynth-audit.jsonl'}: "
        "chain intact (14 records)",
        "14 records from the start to now",
    ]


def test_unknown_format_is_a_usage_error(audited_project: Path, sqlsynth: CliRun) -> None:
    output = invoke(sqlsynth, audited_project, "audit", "report", "--format", "xml", expect=2)
    assert "'xml' is not one of 'text', 'json', 'csv'" in output


# --- the window ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "totals"),
    [
        pytest.param(
            "--since",
            {
                "generations": 0,
                "failed_generations": 0,
                "approvals": 3,
                "runs": 3,
                "failed_runs": 1,
            },
            id="since-keeps-records-from-that-instant-on",
        ),
        pytest.param(
            "--until",
            {
                "generations": 6,
                "failed_generations": 1,
                "approvals": 0,
                "runs": 0,
                "failed_runs": 0,
            },
            id="until-keeps-records-before-that-instant",
        ),
    ],
)
def test_the_window_starts_or_ends_at_an_instant(
    window: str, totals: dict[str, int], audited_project: Path, sqlsynth: CliRun
) -> None:
    first_approval = next(r for r in records_of(audited_project) if r.event == "approve")
    report = report_json(sqlsynth, audited_project, window, at(first_approval))
    assert {c: sum(row[c] for row in report["by_spec"]) for c in COUNTS} == totals


def test_until_a_date_includes_that_whole_day(audited_project: Path, sqlsynth: CliRun) -> None:
    last = records_of(audited_project)[-1].ts
    report = report_json(sqlsynth, audited_project, "--until", last.date().isoformat())
    assert report["records"] == 14
    assert report["until"] == f"{(last.date() + timedelta(days=1)).isoformat()}T00:00:00Z"


def test_window_after_every_record_reports_none(audited_project: Path, sqlsynth: CliRun) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    report = report_json(sqlsynth, audited_project, "--since", tomorrow)
    assert (report["records"], report["by_spec"], report["by_owner"]) == (0, [], [])


def test_datetime_with_an_offset_is_read_in_utc(audited_project: Path, sqlsynth: CliRun) -> None:
    first_approval = next(r for r in records_of(audited_project) if r.event == "approve")
    in_berlin = first_approval.ts.astimezone(timezone(timedelta(hours=1))).isoformat()
    report = report_json(sqlsynth, audited_project, "--since", in_berlin)
    assert report["since"] == first_approval.ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert sum(row["approvals"] for row in report["by_spec"]) == 3


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "24/11/2026", ""])
def test_bad_date_is_one_line_error_and_exit_2(
    value: str, audited_project: Path, sqlsynth: CliRun
) -> None:
    output = invoke(sqlsynth, audited_project, "audit", "report", "--since", value, expect=2)
    assert output.count("\n") == 1
    assert output.startswith(f"error: {value!r} is not an ISO date or datetime")


def test_since_after_until_is_refused(audited_project: Path, sqlsynth: CliRun) -> None:
    output = invoke(
        sqlsynth,
        audited_project,
        "audit",
        "report",
        "--since",
        "2026-11-02",
        "--until",
        "2026-11-01",
        expect=2,
    )
    assert output.startswith("error: --since 2026-11-02T00:00:00Z is not before --until")


def test_only_granted_approvals_count(tmp_path: Path) -> None:
    # The Airflow approval gate also records approvals it did not get.
    log = AuditLog(tmp_path / "audit.jsonl")
    for outcome in ("rejected", "timed-out", "failed", "ok"):
        log.append("approve", outcome=outcome, spec="order_count", details={"owner": "fin"})

    report = build_report(log)

    assert [(r.spec, r.approvals) for r in report.by_spec] == [("order_count", 1)]
    assert [(r.owner, r.approvals) for r in report.by_owner] == [("fin", 1)]


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("generate", outcome="ok", spec="s", details={"owner": '=HYPERLINK("x")'})

    rows = list(csv.DictReader(io.StringIO(render_csv(build_report(log)))))

    assert {row["owner"] for row in rows} == {'\'=HYPERLINK("x")'}


# --- owners and a broken log -----------------------------------------------------------------


def test_records_without_an_owner_take_the_specs_owner_today(
    audited_project: Path, sqlsynth: CliRun
) -> None:
    # Another writer (an Airflow task, an older sqlsynth) records no owner.
    log_of(audited_project).append("run", outcome="ok", spec="customers_per_segment")
    report = report_json(sqlsynth, audited_project)
    assert spec_counts(report)["customers_per_segment"] == ("analytics@example.com", 1, 0, 0, 1, 0)


def test_records_of_a_removed_spec_without_an_owner_count_as_no_owner(
    audited_project: Path, sqlsynth: CliRun
) -> None:
    log_of(audited_project).append("run", outcome="ok", spec="retired_spec")
    report = report_json(sqlsynth, audited_project)
    assert owner_counts(report)["(no owner)"] == (1, 0, 0, 0, 1, 0)


def test_records_keep_the_owner_of_their_time(audited_project: Path, sqlsynth: CliRun) -> None:
    specs = audited_project / "specs" / "customers.yml"
    specs.write_text(specs.read_text().replace("crm@example.com", "sales@example.com"))
    (audited_project / "warehouse.duckdb").unlink()
    build_shop_warehouse(audited_project / "warehouse.duckdb")
    invoke(sqlsynth, audited_project, "approve", "german_customers")
    report = report_json(sqlsynth, audited_project)
    owners = owner_counts(report)
    assert spec_counts(report)["german_customers"][0] == "sales@example.com"
    assert (owners["crm@example.com"], owners["sales@example.com"]) == (
        (1, 1, 0, 1, 1, 0),
        (1, 0, 0, 1, 0, 0),
    )


def test_report_refuses_a_log_with_an_edited_record(
    audited_project: Path, sqlsynth: CliRun
) -> None:
    path = log_of(audited_project).path
    lines = path.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace('"outcome":"ok"', '"outcome":"refused"')
    path.write_text("".join(lines))
    output = invoke(sqlsynth, audited_project, "audit", "report", expect=2)
    assert output.count("\n") == 1
    assert output.startswith(
        f"error: refusing to report on {path.resolve()}: the audit log is broken: line 4 was edited"
    )


def test_report_refuses_a_log_with_a_deleted_record(
    audited_project: Path, sqlsynth: CliRun
) -> None:
    path = log_of(audited_project).path
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:5] + lines[6:]))
    output = invoke(sqlsynth, audited_project, "audit", "report", "--format", "csv", expect=2)
    assert "line 6 has seq 7 where 6 was expected" in output


def test_audit_verify_fails_on_a_reordered_log(audited_project: Path, sqlsynth: CliRun) -> None:
    path = log_of(audited_project).path
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[3:9] + lines[2:3] + lines[9:]))
    output = invoke(sqlsynth, audited_project, "audit", "verify", expect=1)
    assert "line 3 has seq 4 where 3 was expected" in output


def test_in_a_dbt_project_owners_come_from_the_generated_models(
    tmp_path: Path, sqlsynth: CliRun
) -> None:
    project = copy_example(tmp_path / "dbt")
    audit_path = DbtProject(project).audit_path
    AuditLog(audit_path).append("run", outcome="ok", spec="top_customers")
    report: dict[str, Any] = json.loads(
        invoke(sqlsynth, project, "audit", "report", "--format", "json")
    )
    assert spec_counts(report) == {"top_customers": ("crm@example.com", 0, 0, 0, 1, 0)}
