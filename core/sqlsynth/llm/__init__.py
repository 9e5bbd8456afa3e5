"""LLM translators: any OpenAI-compatible endpoint behind the :class:`Translator` protocol.

One module per step, strung together by :class:`~sqlsynth.llm.translator.OpenAITranslator`:

- :mod:`~sqlsynth.llm.context`: which tables to send (schema linking), rendered with keys,
  types, descriptions and sampled values; few-shot examples from reviewed models.
- :mod:`~sqlsynth.llm.prompt`: the versioned prompt template and the reading of answers.
- :mod:`~sqlsynth.llm.cache`: answers on disk, so an unchanged project costs no calls.
- :mod:`~sqlsynth.llm.translator`: the client call (timeouts, retries, time budget) and the
  fallback chain.

Importing this package is cheap: the ``openai`` client loads on the first call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlsynth.config import Project
    from sqlsynth.translate import Translator


def openai_translator(project: Project | None = None) -> Translator:
    """The ``openai`` translator of ``project`` (default: the project around the working
    folder), followed by the translators its ``fallback`` setting names."""
    from sqlsynth.config import load_project
    from sqlsynth.llm.translator import FallbackTranslator, OpenAITranslator

    project = project or load_project()
    primary = OpenAITranslator(project)
    chain = [name for name in project.settings.fallback if name != primary.name]
    if not chain:
        return primary
    from sqlsynth.translate import get_translator

    return FallbackTranslator((primary, *(get_translator(n, project=project) for n in chain)))
