"""A failure in the middle of `generate` loses nothing: no partial file, the lock unchanged."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlsynth.fsutil import atomic_write_text
from tests.conftest import CliRun


def snapshot(root: Path) -> dict[str, str]:
    files = [*sorted((root / "models").glob("*.sql")), root / "sqlsynth.lock"]
    return {p.name: p.read_text() for p in files if p.is_file()}


def add_spec(root: Path, name: str, prompt: str) -> None:
    (root / "specs" / f"{name}.yml").write_text(f"name: {name}\nprompt: {prompt!r}\n")


def test_an_untranslatable_spec_writes_nothing(shop_project: Path, sqlsynth: CliRun) -> None:
    sqlsynth("generate", "customer_count", cwd=shop_project)
    before = snapshot(shop_project)
    add_spec(shop_project, "weather", "What is the weather on Mars tomorrow?")
    result = sqlsynth("generate", cwd=shop_project)
    assert result.exit_code == 1
    assert "error: weather:" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(shop_project) == before


def test_keep_going_writes_the_specs_that_succeeded(shop_project: Path, sqlsynth: CliRun) -> None:
    add_spec(shop_project, "weather", "What is the weather on Mars tomorrow?")
    result = sqlsynth("generate", "--keep-going", cwd=shop_project)
    assert result.exit_code == 1
    assert (shop_project / "models" / "customer_count.sql").is_file()
    assert not (shop_project / "models" / "weather.sql").exists()


def test_a_write_failure_restores_files_already_written(
    shop_project: Path, sqlsynth: CliRun
) -> None:
    sqlsynth("generate", cwd=shop_project)
    sqlsynth("approve", "--all", cwd=shop_project)
    for model in (shop_project / "models").glob("*.sql"):  # hand edits that --force overwrites
        model.write_text(model.read_text() + "-- reviewed note\n")
    # A folder where the last model file must go makes its write fail after the others succeeded.
    last = shop_project / "models" / "top_customers_by_revenue.sql"
    last.unlink()
    last.mkdir()
    before = snapshot(shop_project)
    result = sqlsynth("generate", "--force", cwd=shop_project)
    assert result.exit_code == 1
    assert "could not write" in result.stderr
    assert snapshot(shop_project) == before
    assert not list((shop_project / "models").glob(".*.tmp"))


def test_hand_edited_sql_is_not_overwritten_when_the_spec_changes(
    shop_project: Path, sqlsynth: CliRun
) -> None:
    sqlsynth("generate", cwd=shop_project)
    model = shop_project / "models" / "customer_count.sql"
    model.write_text(model.read_text() + "-- my careful edit\n")
    spec = shop_project / "specs" / "customers.yml"
    spec.write_text(
        spec.read_text().replace("How many customers are there?", "How many customers?")
    )
    result = sqlsynth("generate", "customer_count", cwd=shop_project)
    assert result.exit_code == 1
    assert "edited by hand" in result.stderr
    assert model.read_text().endswith("-- my careful edit\n")


def test_written_files_get_the_umask_mode_not_a_private_one(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.sql"
        atomic_write_text(fresh, "SELECT 1")
        shared = tmp_path / "shared.sql"
        shared.write_text("old")
        shared.chmod(0o664)
        atomic_write_text(shared, "SELECT 2")
    finally:
        os.umask(previous)

    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert shared.read_text() == "SELECT 2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.sql", "shared.sql"]
