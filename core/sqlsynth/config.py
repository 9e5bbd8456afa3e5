"""Project configuration: one home, read once.

Settings come from ``sqlsynth.toml`` (or ``[tool.sqlsynth]`` in ``pyproject.toml``) in the
project folder, overridden by ``SQLSYNTH_*`` environment variables. Relative paths are
relative to the project folder, so commands behave the same from any sub-folder.
"""

from __future__ import annotations

import functools
import json
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from sqlsynth.errors import ConfigError, describe_invalid
from sqlsynth.policy import Policy

CONFIG_FILE = "sqlsynth.toml"


class Settings(BaseSettings):
    """What a project sets; every field has a default that suits a DuckDB project."""

    model_config = SettingsConfigDict(env_prefix="SQLSYNTH_", extra="forbid", frozen=True)

    warehouse: str = "warehouse.duckdb"
    catalog: str | None = None
    dialect: str | None = None
    specs: Path = Path("specs")
    models: Path = Path("models")
    lock: Path = Path("sqlsynth.lock")
    audit_log: Path = Path("audit/sqlsynth-audit.jsonl")
    translator: str = "embedded"
    fallback: tuple[str, ...] = Field(
        default=(), description="Translators to try, in order, when the translator fails."
    )
    max_rows: int = 20
    policy: Policy = Field(
        default_factory=Policy,
        description="Governance rules ([policy]): allowed tables, PII, filters, row limit.",
    )
    # LLM translators (`translator = "openai"`): any OpenAI-compatible endpoint.
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: SecretStr | None = Field(
        default=None,
        # Only from the environment: a key in sqlsynth.toml would end up in version control.
        validation_alias=AliasChoices("SQLSYNTH_LLM_API_KEY", "OPENAI_API_KEY"),
        exclude=True,
        repr=False,
    )
    llm_api_key_file: Path | None = Field(
        default=None,
        description="A file holding only the key (a mounted secret); never in the repo.",
    )
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    llm_max_repairs: int = Field(default=2, ge=0)
    llm_total_budget_s: float = Field(default=120.0, gt=0)
    llm_cache: bool = True
    llm_cache_dir: Path = Path(".sqlsynth/cache")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # File values arrive as init arguments; the environment must win over them.
        return (env_settings, init_settings)


class Project:
    """A project folder and its settings, with every path resolved against the folder."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root.resolve()
        self.settings = settings

    def path(self, relative: Path | str) -> Path:
        return (self.root / relative).resolve()

    @property
    def specs_dir(self) -> Path:
        return self.path(self.settings.specs)

    @property
    def models_dir(self) -> Path:
        return self.path(self.settings.models)

    @property
    def lock_path(self) -> Path:
        return self.path(self.settings.lock)

    @property
    def audit_path(self) -> Path:
        return self.path(self.settings.audit_log)

    @property
    def llm_cache_path(self) -> Path:
        return self.path(self.settings.llm_cache_dir)

    @property
    def dialect(self) -> str:
        from sqlsynth.warehouse import dialect_of

        return self.settings.dialect or dialect_of(self.settings.warehouse)


def _read_config(folder: Path) -> dict[str, Any] | None:
    """The settings table found in ``folder``, or None when it holds no configuration."""
    for name, table in ((CONFIG_FILE, ()), ("pyproject.toml", ("tool", "sqlsynth"))):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}", hint="fix the syntax") from exc
        for key in table:
            data = data.get(key) if isinstance(data, dict) else None
        if isinstance(data, dict):
            return data
    return None


def _find_config(start: Path | None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest folder at or above ``start`` holding sqlsynth configuration, and that table."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        values = _read_config(candidate)
        if values is not None:
            return candidate, values
    return None


def find_project_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` holding sqlsynth configuration."""
    found = _find_config(start)
    return found[0] if found else None


def load_project(start: Path | None = None) -> Project:
    """Find the project around ``start`` (default: the working folder) and read its settings."""
    found = _find_config(start)
    if found is None:
        raise ConfigError(
            f"no sqlsynth project found at or above {(start or Path.cwd()).resolve()}",
            hint="run `sqlsynth init` to create sqlsynth.toml, or cd into a project",
        )
    root, values = found
    return Project(root, _settings(json.dumps(values, sort_keys=True), _environment(), root))


def _environment() -> tuple[tuple[str, str], ...]:
    read = ("SQLSYNTH_", "OPENAI_API_KEY")
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(read)))


@functools.lru_cache(maxsize=32)
def _settings(values_json: str, environment: tuple[tuple[str, str], ...], root: Path) -> Settings:
    """Settings for one file content and environment, built once per process: workers load
    the project on every task run, and building pydantic settings costs about a millisecond."""
    try:
        return Settings(**json.loads(values_json))
    except PydanticValidationError as exc:
        raise ConfigError(
            f"{root / CONFIG_FILE}: {describe_invalid(exc)}",
            hint="see README 'Configuration' for the settings sqlsynth knows",
        ) from exc
    except SettingsError as exc:  # e.g. SQLSYNTH_POLICY that is not JSON
        cause = f": {exc.__cause__}" if exc.__cause__ else ""
        raise ConfigError(
            f"{exc}{cause}",
            hint="SQLSYNTH_* variables for tables and lists (policy, fallback) are JSON",
        ) from exc
