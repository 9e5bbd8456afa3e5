"""``sqlsynth init``: the smallest project that works, written without overwriting anything."""

from __future__ import annotations

from pathlib import Path

from sqlsynth.errors import ConfigError
from sqlsynth.fsutil import atomic_write_text

CONFIG_TEMPLATE = """\
# sqlsynth project settings; SQLSYNTH_<NAME> environment variables override them.
warehouse = "{warehouse}"      # DuckDB file, or a SQLAlchemy URL (postgresql+psycopg://…)
specs = "specs"                # natural-language specs (*.yml)
models = "models"              # generated, reviewed SQL
lock = "sqlsynth.lock"         # what was generated from what, and who approved it
audit_log = "audit/sqlsynth-audit.jsonl"
translator = "embedded"        # offline and deterministic
"""

EXAMPLE_SPEC = """\
# One spec per file, or a list under `specs:`.
name: example_row_count
prompt: "How many rows are in the {table} table?"
sources: [{table}]
owner: you@example.com
"""


def init_project(folder: Path, *, warehouse: str, table: str = "orders") -> list[Path]:
    """Create ``sqlsynth.toml`` and ``specs/`` in ``folder``; refuse if a project is there."""
    config = folder / "sqlsynth.toml"
    if config.exists():
        raise ConfigError(f"{config} already exists", hint="edit it, or init another folder")
    spec = folder / "specs" / "example_row_count.yml"
    atomic_write_text(config, CONFIG_TEMPLATE.format(warehouse=warehouse))
    created = [config]
    if not spec.exists():
        atomic_write_text(spec, EXAMPLE_SPEC.format(table=table))
        created.append(spec)
    (folder / "models").mkdir(exist_ok=True)
    return created
