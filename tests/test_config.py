from pathlib import Path

import pytest

from sqlsynth.config import load_project
from sqlsynth.errors import ConfigError


def test_project_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "sqlsynth.toml").write_text('warehouse = "shop.duckdb"\n')
    (tmp_path / "specs" / "deep").mkdir(parents=True)
    project = load_project(tmp_path / "specs" / "deep")
    assert project.root == tmp_path.resolve()
    assert project.dialect == "duckdb"
    assert project.lock_path == tmp_path.resolve() / "sqlsynth.lock"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sqlsynth.toml").write_text('warehouse = "shop.duckdb"\n')
    monkeypatch.setenv("SQLSYNTH_WAREHOUSE", "postgresql+psycopg://u@localhost/db")
    assert load_project(tmp_path).dialect == "postgres"


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sqlsynth]\nwarehouse = "x.sqlite"\n')
    assert load_project(tmp_path).dialect == "sqlite"


def test_unknown_setting_is_named(tmp_path: Path) -> None:
    (tmp_path / "sqlsynth.toml").write_text('warehose = "x.duckdb"\n')
    with pytest.raises(ConfigError, match="warehose"):
        load_project(tmp_path)


def test_no_project_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_project(tmp_path)
    assert "sqlsynth init" in error.value.one_line()
