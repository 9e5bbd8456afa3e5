"""A dbt project on disk, and the models sqlsynth generated in it.

A generated model is two files side by side under the project's first model path: ``<name>.sql``
(the SQL, reading through ``ref()``/``source()``) and ``<name>.yml``, whose
``config.meta.sqlsynth`` holds the spec (prompt, sources) and what the core keeps in a lock
entry elsewhere: spec, catalog and SQL hashes, translator, generated-at and the review. So the
YAML file *is* the model's lock entry, it travels with the model, and dbt carries it into
``manifest.json`` and the query comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from sqlsynth.artifact import LockEntry, Review
from sqlsynth.config import Project, Settings, find_project_root, load_project
from sqlsynth.errors import ConfigError, SpecError, describe_invalid
from sqlsynth.spec import NLSpec
from sqlsynth_dbt.jinja import JinjaError, raw, read_literal

DBT_PROJECT_FILE = "dbt_project.yml"
META_KEY = "sqlsynth"
_PATH_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def find_dbt_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``dbt_project.yml``."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / DBT_PROJECT_FILE).is_file():
            return candidate
    return None


def dbt_project_for(start: Path) -> Path | None:
    """The dbt project ``sqlsynth`` commands at ``start`` act on, if any.

    The nearer of a dbt project and a sqlsynth project wins; a folder holding both is a dbt
    project whose ``sqlsynth.toml`` configures the integration (translator, audit log).
    """
    dbt_root = find_dbt_project(start)
    if dbt_root is None:
        return None
    sqlsynth_root = find_project_root(start)
    if sqlsynth_root is not None and dbt_root in sqlsynth_root.parents:
        return None
    return dbt_root


class GeneratedModel(BaseModel):
    """One generated model: its spec and lock entry, read from its YAML file."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    spec: NLSpec
    entry: LockEntry
    yml_path: Path
    sql_path: Path
    document: dict[str, Any]
    """The model's YAML entry as found, so a regeneration keeps what people added."""

    @property
    def materialized(self) -> str | None:
        config = self.document.get("config")
        return config.get("materialized") if isinstance(config, dict) else None


class DbtProject:
    """A dbt project folder: its name, where models live, sqlsynth's settings for it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        path = self.root / DBT_PROJECT_FILE
        try:
            config: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(
                f"{path}: cannot read the dbt project file ({exc})",
                hint="run sqlsynth inside a dbt project, or pass --project-dir",
            ) from exc
        if not isinstance(config, dict) or not isinstance(config.get("name"), str):
            raise ConfigError(f"{path}: has no project `name`", hint="fix dbt_project.yml")
        self.name: str = config["name"]
        paths = config.get("model-paths") or ["models"]
        self.model_paths: tuple[Path, ...] = tuple(self.root / str(p) for p in paths)
        self.sqlsynth = self._sqlsynth_project()

    def _sqlsynth_project(self) -> Project:
        if find_project_root(self.root) == self.root:
            return load_project(self.root)
        return Project(self.root, Settings())

    @property
    def models_dir(self) -> Path:
        """Where new models go: the first of the project's ``model-paths``."""
        return self.model_paths[0]

    @property
    def audit_path(self) -> Path:
        return self.sqlsynth.audit_path

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def model_folder(self, subfolder: str | None, *, spec: str) -> Path:
        """``models/<subfolder>``, refusing paths that would leave the models folder."""
        if not subfolder:
            return self.models_dir
        parts = subfolder.replace("\\", "/").strip("/").split("/")
        if any(not _PATH_PART.match(part) or part in {".", ".."} for part in parts):
            raise SpecError(
                f"{spec}: path {subfolder!r} must be a relative folder under "
                f"{self.relative(self.models_dir)}/",
                hint="use folder names such as `nl` or `marts/nl`",
            )
        return self.models_dir.joinpath(*parts)

    def generated_models(self) -> dict[str, GeneratedModel]:
        """Every model whose YAML carries ``config.meta.sqlsynth``, by name."""
        found: dict[str, GeneratedModel] = {}
        for yml_path in self._yaml_files():
            for document in _model_documents(yml_path):
                model = read_generated_model(document, yml_path, self.root)
                if model is None:
                    continue
                if model.spec.name in found:
                    raise SpecError(
                        f"{yml_path}: model {model.spec.name!r} is also generated in "
                        f"{found[model.spec.name].yml_path}",
                        hint="give every generated model a unique name",
                    )
                found[model.spec.name] = model
        return found

    def _yaml_files(self) -> Iterator[Path]:
        for folder in self.model_paths:
            if folder.is_dir():
                yield from sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml"))


# libyaml when it is there: large projects hold many YAML files.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _model_documents(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        if META_KEY not in text:  # most YAML files are not sqlsynth's; skip parsing them
            return []
        data: Any = yaml.load(text, Loader=_SafeLoader)
    except (OSError, yaml.YAMLError):
        return []  # not ours to judge: dbt reports broken YAML itself
    models = data.get("models") if isinstance(data, dict) else None
    return [m for m in models or () if isinstance(m, dict)]


def _meta(document: dict[str, Any]) -> Any:
    config = document.get("config")
    meta = config.get("meta") if isinstance(config, dict) else None
    return meta.get(META_KEY) if isinstance(meta, dict) else None


def read_generated_model(
    document: dict[str, Any], yml_path: Path, root: Path
) -> GeneratedModel | None:
    """The generated model a YAML entry describes, or None for an ordinary model."""
    meta = _meta(document)
    if meta is None:
        return None
    name = document.get("name")
    where = f"{yml_path}: model {name!r}: config.meta.{META_KEY}"
    if not isinstance(meta, dict) or not isinstance(name, str):
        raise SpecError(f"{where} is not a mapping", hint="restore the file from version control")
    try:
        prompt = read_literal(str(meta.get("prompt", "")))
        description = meta.get("description")
        spec = NLSpec(
            name=name,
            prompt=prompt,
            sources=tuple(meta.get("sources") or ()),
            policy=meta.get("policy") or {},
            owner=meta.get("owner"),
            description=read_literal(description) if isinstance(description, str) else None,
        )
        sql_path = yml_path.with_name(f"{name}.sql")
        entry = LockEntry.model_validate(
            {
                **{k: meta.get(k) for k in _ENTRY_FIELDS},
                "sql_path": sql_path.relative_to(root).as_posix(),
                "review": meta.get("review"),
            }
        )
    except JinjaError as exc:
        raise SpecError(
            f"{where}: {exc}",
            hint="keep the prompt inside {% raw %}…{% endraw %} so dbt never renders it",
        ) from exc
    except PydanticValidationError as exc:
        raise SpecError(
            f"{where}: {describe_invalid(exc)}",
            hint="edit only the prompt and sources there; regenerate with "
            f"`sqlsynth dbt generate {name}`",
        ) from exc
    return GeneratedModel(
        spec=spec, entry=entry, yml_path=yml_path, sql_path=sql_path, document=document
    )


_ENTRY_FIELDS = (
    "spec_hash",
    "catalog_hash",
    "sql_hash",
    "dialect",
    "translator",
    "translator_version",
    "generated_at",
)


def meta_for(spec: NLSpec, entry: LockEntry, lineage: dict[str, list[str]]) -> dict[str, Any]:
    """``config.meta.sqlsynth`` of a generated model: the spec, its lock entry, its lineage."""
    meta: dict[str, Any] = {"prompt": raw(spec.prompt), "sources": list(spec.sources)}
    if spec.policy:
        meta["policy"] = spec.policy
    if spec.description:  # the model's description when it is not the prompt
        meta["description"] = raw(spec.description)
    if spec.owner:
        meta["owner"] = spec.owner
    data = entry.model_dump(mode="json")
    meta.update({k: data[k] for k in _ENTRY_FIELDS})
    meta["review"] = data["review"]
    meta["lineage"] = lineage
    return meta


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, as dbt projects write YAML."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML as dbt projects write it: keys in the given order, lists indented, a blank line
    after ``version``."""
    rest = {k: v for k, v in data.items() if k != "version"}
    text = yaml.dump(
        rest,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,  # one line per value: prompts stay greppable
        default_flow_style=False,
    )
    return f"version: {data['version']}\n\n{text}" if "version" in data else text


def with_review(model: GeneratedModel, review: Review) -> str:
    """The model's YAML file with ``review`` recorded; everything else in it is kept."""
    data: Any = yaml.load(model.yml_path.read_text("utf-8"), Loader=_SafeLoader)
    for document in data["models"]:
        if isinstance(document, dict) and document.get("name") == model.spec.name:
            document["config"]["meta"][META_KEY]["review"] = review.model_dump(mode="json")
    return dump_yaml(data)
