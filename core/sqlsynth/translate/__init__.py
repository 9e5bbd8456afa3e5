"""Translators turn an :class:`~sqlsynth.spec.NLSpec` into a :class:`Draft` of SQL.

Every translator follows :class:`Translator`; the validator judges the draft afterwards, so a
translator never has the last word on whether SQL is safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from sqlsynth.errors import TranslationError
from sqlsynth.plan import QueryPlan

if TYPE_CHECKING:
    from sqlsynth.catalog import Catalog
    from sqlsynth.config import Project
    from sqlsynth.spec import NLSpec


class Draft(BaseModel):
    """SQL proposed for a spec, with how it was reached (for `explain` and the audit log)."""

    model_config = ConfigDict(frozen=True)

    sql: str
    dialect: str
    translator: str
    translator_version: str
    plan: QueryPlan | None = None
    explanation: tuple[str, ...] = ()
    model: str | None = Field(default=None, description="The LLM model, if one answered.")
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="Small facts for the audit record (tokens, rounds, cache hits, tables sent).",
    )


class Translator(Protocol):
    name: str
    version: str

    def translate(
        self, spec: NLSpec, catalog: Catalog, *, dialect: str, feedback: tuple[str, ...] = ()
    ) -> Draft:
        """Return SQL for ``spec`` in ``dialect``, or raise :class:`TranslationError`."""
        ...


def get_translator(name: str, *, project: Project | None = None) -> Translator:
    """The translator registered under ``name``; imports its module only when asked for.

    ``openai`` reads its settings (and ``fallback`` chain) from ``project``, by default the
    project around the working folder.
    """
    if name == "embedded":
        from sqlsynth.translate.embedded import EmbeddedTranslator

        return EmbeddedTranslator()
    if name == "openai":
        from sqlsynth.llm import openai_translator

        return openai_translator(project)
    raise TranslationError(
        f"unknown translator {name!r}",
        hint="use `embedded` (the offline default) or `openai` (any OpenAI-compatible endpoint)",
    )
