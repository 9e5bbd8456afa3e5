"""Natural-language specs: what the user asks for, loaded from YAML with precise errors.

>>> spec = NLSpec(name="order_count", prompt="How many orders are there?", sources=("orders",))
>>> len(spec_hash(spec))
64
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from sqlsynth.errors import SpecError, describe_invalid

SPEC_SUFFIXES = (".yml", ".yaml")

# libyaml's safe loader reads the same documents about 9x faster than the pure-Python one, and
# Airflow tasks load the project's specs on every run.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class NLSpec(BaseModel):
    """One request for SQL. Only ``name``, ``prompt``, ``sources`` and ``policy`` define it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)
    prompt: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(
        default=(), description="Tables the SQL may read; empty means any table in the catalog."
    )
    dialect: str | None = None
    policy: dict[str, Any] = Field(default_factory=dict)
    owner: str | None = None
    tags: tuple[str, ...] = ()
    description: str | None = None

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt is blank")
        return value


def spec_hash(spec: NLSpec) -> str:
    """sha256 of what decides the SQL: name, prompt, sources and policy.

    Owner, tags and description are bookkeeping; changing them keeps a review valid. Source
    names are compared without their database/schema prefix, which changes per environment.
    """
    canonical = {
        "name": spec.name,
        "prompt": " ".join(spec.prompt.split()),
        "sources": sorted(s.lower().split(".")[-1] for s in spec.sources),
        "policy": spec.policy,
    }
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _spec_documents(raw: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(location, mapping)`` for a file holding one spec or ``specs: [...]``."""
    if isinstance(raw, dict) and "specs" in raw:
        items = raw["specs"]
        if not isinstance(items, list):
            yield "specs", items
            return
        for index, item in enumerate(items):
            yield f"specs[{index}]", item
    else:
        yield "", raw


_parsed_files: dict[tuple[Path, int, int], tuple[NLSpec, ...]] = {}


def load_spec_file(path: Path) -> list[NLSpec]:
    """Load the specs in one YAML file; errors name the file and the field.

    Parsed files are remembered by path, modification time and size: long-lived processes
    (Airflow workers) resolve specs on every task run, and specs are immutable.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise SpecError(f"{path}: cannot read: {exc.strerror}", hint="check the path") from exc
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    if key not in _parsed_files:
        _parsed_files[key] = tuple(_parse_spec_file(path))
    return list(_parsed_files[key])


def _parse_spec_file(path: Path) -> list[NLSpec]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except OSError as exc:
        raise SpecError(f"{path}: cannot read: {exc.strerror}", hint="check the path") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise SpecError(
            f"{path}:{where} is not valid YAML",
            hint="fix the YAML syntax (quote prompts with colons)",
        ) from exc
    specs = []
    for location, item in _spec_documents(raw):
        if not isinstance(item, dict):
            raise SpecError(
                f"{path}: {location or 'top level'}: expected a mapping with name and prompt",
                hint="write `name: ...` and `prompt: ...`",
            )
        try:
            specs.append(NLSpec.model_validate(item))
        except PydanticValidationError as exc:
            prefix = f"{location}." if location else ""
            raise SpecError(
                f"{path}: {prefix}{describe_invalid(exc)}",
                hint="a spec needs `name` (an identifier) and `prompt`; see README 'Specs'",
            ) from exc
    return specs


def load_specs(folder: Path) -> list[NLSpec]:
    """All specs under ``folder`` (``*.yml``/``*.yaml``, sorted), names unique."""
    if not folder.is_dir():
        raise SpecError(f"spec folder {folder} does not exist", hint="run `sqlsynth init`")
    specs: list[NLSpec] = []
    seen: dict[str, Path] = {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix in SPEC_SUFFIXES):
        for spec in load_spec_file(path):
            if spec.name in seen:
                raise SpecError(
                    f"{path}: spec name {spec.name!r} is already used in {seen[spec.name]}",
                    hint="give every spec a unique name",
                )
            seen[spec.name] = path
            specs.append(spec)
    return specs
