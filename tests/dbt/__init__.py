"""Helpers for the dbt integration tests: copies of the example project and the real CLIs.

Every dbt command runs as a subprocess of the `dbt` next to this Python, with anonymous usage
statistics off and the profile read from the project copy, so nothing reaches the network and
nothing is written into the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "example_dbt_project"
DBT = Path(sys.executable).with_name("dbt")
SQLSYNTH = Path(sys.executable).with_name("sqlsynth")
GENERATED = ("target", "dbt_packages", "logs", "*.duckdb*", "audit", "package-lock.yml")

Result = subprocess.CompletedProcess[str]


def environment(project: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a dbt or sqlsynth run in ``project``: its own profile, no tracking."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "SHOP_"))}
    env.update(
        DBT_PROFILES_DIR=str(project),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_USE_COLORS="false",
        SQLSYNTH_ACTOR="test-reviewer",
    )
    env.update(extra or {})
    return env


def run(
    command: list[str],
    project: Path,
    *,
    expect: int | None = 0,
    env: dict[str, str] | None = None,
) -> Result:
    """Run ``command`` in ``project``; fail the test if it exits otherwise than ``expect``."""
    result = subprocess.run(
        command,
        cwd=project,
        env=environment(project, env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if expect is not None and result.returncode != expect:
        pytest.fail(
            f"`{' '.join(command)}` exited {result.returncode}, expected {expect}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def dbt(
    project: Path, *args: str, expect: int | None = 0, env: dict[str, str] | None = None
) -> Result:
    return run([str(DBT), *args], project, expect=expect, env=env)


def sqlsynth(
    project: Path, *args: str, expect: int | None = 0, env: dict[str, str] | None = None
) -> Result:
    return run([str(SQLSYNTH), *args], project, expect=expect, env=env)


def nl_model(
    project: Path,
    *,
    expect: int | None = 0,
    target: str | None = None,
    env: dict[str, str] | None = None,
    **arguments: Any,
) -> Result:
    """``dbt run-operation nl_model --args '<JSON>'``, as the README tells users to call it."""
    target_flags = ["--target", target] if target else []
    return dbt(
        project,
        "run-operation",
        "nl_model",
        "--args",
        json.dumps(arguments),
        *target_flags,
        expect=expect,
        env=env,
    )


def copy_example(destination: Path) -> Path:
    """The example project at ``destination/example_dbt_project``, next to a link to the dbt
    package, which its packages.yml installs from ``../sqlsynth_dbt``."""
    destination.mkdir(parents=True, exist_ok=True)
    (destination / "sqlsynth_dbt").symlink_to(REPO / "sqlsynth_dbt")
    project = destination / "example_dbt_project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(*GENERATED))
    return project


_BUILT: dict[str, tuple[Path, Result]] = {}


def built_example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """The example project on DuckDB, packages installed, seeds loaded and `dbt build` run:
    once per test session, since every dbt command costs seconds. Returns the build's output."""
    if "duckdb" not in _BUILT:
        project = copy_example(tmp_path_factory.mktemp("built-example"))
        dbt(project, "deps")
        dbt(project, "seed")
        _BUILT["duckdb"] = (project, dbt(project, "build"))
    return _BUILT["duckdb"]


def working_copy(built: Path, destination: Path) -> Path:
    """A throwaway copy of a built project: its DuckDB file, packages and target/ included."""
    (destination / "sqlsynth_dbt").symlink_to(REPO / "sqlsynth_dbt")
    project = destination / "example_dbt_project"
    shutil.copytree(built, project, symlinks=True)
    return project


def model_files(project: Path) -> set[str]:
    """Every file under models/, relative to the project."""
    files = (project / "models").rglob("*")
    return {p.relative_to(project).as_posix() for p in files if p.is_file()}


def manifest_node(project: Path, name: str) -> dict[str, Any]:
    """The model called ``name`` in target/manifest.json."""
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    node: dict[str, Any] = manifest["nodes"][f"model.shop_analytics.{name}"]
    return node


def without_plugin(module: str, function: str) -> list[str]:
    """A Python command line that runs ``module.function`` (a CLI) with the dbt plugin module
    replaced by an empty one, as if sqlsynth's plugin were not installed."""
    code = (
        "import sys, types; sys.modules['dbt_sqlsynth'] = types.ModuleType('dbt_sqlsynth'); "
        f"from {module} import {function}; sys.exit({function}())"
    )
    return [sys.executable, "-c", code]
