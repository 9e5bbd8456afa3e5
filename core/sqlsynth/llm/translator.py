"""The ``openai`` translator (any OpenAI-compatible endpoint) and the fallback chain.

Faults are the client's business: each call runs with the ``openai`` client's own timeout
and retries (exponential backoff on 429, 5xx, timeouts and dropped connections), trimmed so
that the worst case fits the time left in the spec's budget. What is still failing after
that becomes one :class:`TranslationError`, which a :class:`FallbackTranslator` answers by
asking the next translator.

A repair round (``feedback`` from the validator) continues the spec's conversation: the
rejected answer and the findings go back to the model.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlsynth.errors import TranslationError
from sqlsynth.llm.cache import CachedAnswer, CacheKey, ResponseCache, round_key
from sqlsynth.llm.context import render_schema, reviewed_examples, tables_for
from sqlsynth.llm.prompt import (
    PROMPT_VERSION,
    Declined,
    Message,
    build_messages,
    extract_sql,
    repair_message,
)
from sqlsynth.spec import spec_hash
from sqlsynth.translate import Draft, Translator

if TYPE_CHECKING:
    from openai import OpenAI
    from openai.types.chat import ChatCompletion

    from sqlsynth.catalog import Catalog
    from sqlsynth.config import Project
    from sqlsynth.spec import NLSpec

# The openai client's backoff between tries: 0.5 s doubling, at most 8 s (openai._constants).
_FIRST_BACKOFF_S = 0.5
_MAX_BACKOFF_S = 8.0
_USAGE_FIELDS = ("prompt_tokens", "completion_tokens", "total_tokens")


def tries_within(budget_s: float, *, timeout_s: float, max_retries: int) -> tuple[float, int]:
    """The per-try timeout and the retries whose worst case (every try timing out, full
    backoff between them) fits in ``budget_s``.

    >>> tries_within(100, timeout_s=10, max_retries=2)
    (10, 2)
    >>> tries_within(12, timeout_s=10, max_retries=2)
    (10, 0)
    >>> tries_within(4, timeout_s=10, max_retries=2)
    (4, 0)
    """
    timeout = min(timeout_s, budget_s)
    retries, worst = 0, timeout
    while retries < max_retries:
        longer = worst + min(_FIRST_BACKOFF_S * 2**retries, _MAX_BACKOFF_S) + timeout
        if longer > budget_s:
            break
        retries, worst = retries + 1, longer
    return timeout, retries


def endpoint_label(base_url: str | None) -> str:
    """The endpoint as it may appear in messages: scheme, host and path, no credentials.

    >>> endpoint_label("https://user:pw@llm.example.com/v1?key=abc")
    'https://llm.example.com/v1'
    """
    if not base_url:
        return "the OpenAI API"
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


@dataclass
class _Conversation:
    """One spec's rounds with the model, and what they cost."""

    key: CacheKey
    messages: list[Message]
    tables: tuple[str, ...]
    examples: tuple[str, ...]
    deadline: float
    feedback: list[tuple[str, ...]] = field(default_factory=list)
    calls: int = 0
    cache_hits: int = 0
    usage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_USAGE_FIELDS, 0))


class OpenAITranslator:
    """SQL from an OpenAI-compatible chat completions endpoint, configured by the project.

    ``api_key`` overrides ``SQLSYNTH_LLM_API_KEY`` / ``OPENAI_API_KEY`` (the Airflow hook
    passes its connection's password here). The key is handed to the client and nowhere
    else: not to messages, the cache, the audit log or the lock.
    """

    name = "openai"

    def __init__(self, project: Project, *, api_key: str | None = None) -> None:
        settings = project.settings
        self.model = settings.llm_model
        self.version = f"{PROMPT_VERSION}/{self.model}"
        self.base_url = settings.llm_base_url
        self.timeout_s = settings.llm_timeout_s
        self.max_retries = settings.llm_max_retries
        self.budget_s = settings.llm_total_budget_s
        self._root = project.root
        self._lock_path = project.lock_path
        self._api_key = api_key or _configured_key(project)
        self._cache = ResponseCache(project.llm_cache_path) if settings.llm_cache else None
        self._client: OpenAI | None = None
        self._conversations: dict[str, _Conversation] = {}

    def __repr__(self) -> str:
        return f"OpenAITranslator(model={self.model!r}, endpoint={endpoint_label(self.base_url)!r})"

    def translate(
        self, spec: NLSpec, catalog: Catalog, *, dialect: str, feedback: tuple[str, ...] = ()
    ) -> Draft:
        """Ask the model (or the cache) for SQL; ``feedback`` continues the spec's conversation."""
        conversation = self._conversations.get(spec_hash(spec))
        if not feedback or conversation is None:
            conversation = self._start(spec, catalog, dialect)
        else:
            conversation.messages.append(repair_message(feedback))
            conversation.feedback.append(feedback)
        answer = self._answer(spec, conversation)
        conversation.messages.append({"role": "assistant", "content": answer})
        try:
            sql = extract_sql(answer)
        except Declined as declined:
            raise TranslationError(
                f"{spec.name}: {self.model} declined: {self._scrub(str(declined))}",
                hint="rephrase the prompt with the schema's words, or write the SQL by hand",
            ) from None
        details: dict[str, Any] = {
            "prompt_version": PROMPT_VERSION,
            "tables_sent": list(conversation.tables),
            "examples": list(conversation.examples),
            "rounds": len(conversation.feedback) + 1,
            "llm_calls": conversation.calls,
            "cache_hits": conversation.cache_hits,
            "usage": dict(conversation.usage),
        }
        explanation = (
            f"model: {self.model} at {endpoint_label(self.base_url)} (prompt {PROMPT_VERSION})",
            f"tables sent: {', '.join(conversation.tables) or '(none)'}",
            f"examples: {', '.join(conversation.examples) or '(none)'}",
            f"round {details['rounds']}: {conversation.calls} call(s), "
            f"{conversation.cache_hits} from the cache",
        )
        return Draft(
            sql=sql,
            dialect=dialect,
            translator=self.name,
            translator_version=self.version,
            explanation=explanation,
            model=self.model,
            details=details,
        )

    def _start(self, spec: NLSpec, catalog: Catalog, dialect: str) -> _Conversation:
        tables = tables_for(spec, catalog)
        examples = reviewed_examples(self._root, self._lock_path, spec, dialect=dialect)
        messages = build_messages(
            spec.prompt,
            dialect=dialect,
            schema=render_schema(catalog, tables),
            examples=examples,
            sources=spec.sources,
        )
        key = CacheKey(
            spec_hash=spec_hash(spec),
            catalog_hash=catalog.catalog_hash,
            model=self.model,
            prompt_version=PROMPT_VERSION,
            dialect=dialect,
        )
        conversation = _Conversation(
            key=key,
            messages=messages,
            tables=tables,
            examples=tuple(e.name for e in examples),
            deadline=time.monotonic() + self.budget_s,
        )
        self._conversations[key.spec_hash] = conversation
        return conversation

    def _answer(self, spec: NLSpec, conversation: _Conversation) -> str:
        round_id = round_key(conversation.feedback)
        cached = self._cache.get(conversation.key, round_id) if self._cache else None
        if cached is not None:
            conversation.cache_hits += 1
            return cached.content
        remaining = conversation.deadline - time.monotonic()
        if remaining <= 0:
            raise TranslationError(
                f"{spec.name}: the LLM time budget of {self.budget_s:g} s is spent "
                f"after {conversation.calls} call(s)",
                hint="raise llm_total_budget_s, lower llm_max_repairs, or set a fallback",
            )
        completion = self._complete(spec, conversation.messages, remaining)
        conversation.calls += 1
        usage = {
            name: int(getattr(completion.usage, name, 0) or 0) if completion.usage else 0
            for name in _USAGE_FIELDS
        }
        for name, count in usage.items():
            conversation.usage[name] += count
        content = completion.choices[0].message.content if completion.choices else None
        if not content:
            raise TranslationError(
                f"{spec.name}: {self.model} at {endpoint_label(self.base_url)} returned no text",
                hint="check that the model serves chat completions",
            )
        if self._cache:
            self._cache.put(conversation.key, round_id, CachedAnswer(content=content, usage=usage))
        return content

    def _openai(self) -> OpenAI:
        if self._client is None:
            from openai import OpenAI

            if self._api_key is None and self.base_url is None:
                raise TranslationError(
                    "no API key for the OpenAI API",
                    hint="set SQLSYNTH_LLM_API_KEY (or OPENAI_API_KEY), or set llm_base_url "
                    "to an endpoint that needs none",
                )
            # Local endpoints (vLLM, Ollama) need no key, but the client insists on one.
            self._client = OpenAI(
                api_key=self._api_key or "no-key",
                base_url=self.base_url,
                timeout=self.timeout_s,
                max_retries=self.max_retries,
            )
        return self._client

    def _complete(self, spec: NLSpec, messages: list[Message], budget_s: float) -> ChatCompletion:
        import openai

        timeout, retries = tries_within(
            budget_s, timeout_s=self.timeout_s, max_retries=self.max_retries
        )
        client = self._openai().with_options(timeout=timeout, max_retries=retries)
        where = f"{self.model} at {endpoint_label(self.base_url)}"
        tries = f"{retries + 1} tr{'y' if retries == 0 else 'ies'}"
        try:
            return client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=0,
            )
        except openai.APITimeoutError:
            problem, hint = f"did not answer within {timeout:g} s ({tries})", "raise llm_timeout_s"
        except openai.AuthenticationError:
            problem = "rejected the API key (HTTP 401)"
            hint = "check SQLSYNTH_LLM_API_KEY (or OPENAI_API_KEY)"
        except openai.RateLimitError:
            problem, hint = f"is still rate limiting (HTTP 429) after {tries}", "retry later"
        except openai.APIStatusError as exc:
            problem = f"answered HTTP {exc.status_code} ({tries})"
            hint = "check llm_model and the endpoint's health"
        except openai.APIConnectionError:
            problem, hint = f"could not be reached ({tries})", "check llm_base_url"
        except openai.OpenAIError as exc:
            problem, hint = f"failed: {self._scrub(str(exc))}", "check the LLM settings"
        raise TranslationError(
            f"{spec.name}: {where} {problem}", hint=f"{hint}, or set `fallback`"
        ) from None

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text


class FallbackTranslator:
    """Translators tried in order: when one raises :class:`TranslationError`, the next answers.

    A repair round goes back to the translator that answered the spec last, so an endpoint
    that is down is not retried for every round. The draft says who failed and why.
    """

    def __init__(self, translators: Sequence[Translator]) -> None:
        self.translators = tuple(translators)
        self.name = ">".join(t.name for t in self.translators)
        self.version = ">".join(t.version for t in self.translators)
        self._answered_by: dict[str, int] = {}

    def translate(
        self, spec: NLSpec, catalog: Catalog, *, dialect: str, feedback: tuple[str, ...] = ()
    ) -> Draft:
        key = spec_hash(spec)
        start = self._answered_by.get(key, 0) if feedback else 0
        failures: list[TranslationError] = []
        for index in range(start, len(self.translators)):
            translator = self.translators[index]
            try:
                draft = translator.translate(
                    spec, catalog, dialect=dialect, feedback=feedback if index == start else ()
                )
            except TranslationError as error:
                failures.append(error)
                continue
            self._answered_by[key] = index
            if not failures:
                return draft
            fell_back = [
                {"translator": self.translators[start + i].name, "error": error.one_line()}
                for i, error in enumerate(failures)
            ]
            notes = tuple(f"{f['translator']} failed, fell back: {f['error']}" for f in fell_back)
            return draft.model_copy(
                update={
                    "explanation": (*notes, *draft.explanation),
                    "details": {**draft.details, "fallback_from": fell_back},
                }
            )
        raise TranslationError(
            "; ".join(error.message for error in failures),
            hint=failures[-1].hint,
        )


def _configured_key(project: Project) -> str | None:
    """The key from the environment, else from ``llm_api_key_file`` (a secret file)."""
    settings = project.settings
    if settings.llm_api_key is not None:
        return settings.llm_api_key.get_secret_value()
    if settings.llm_api_key_file is None:
        return None
    path = project.path(settings.llm_api_key_file)
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise TranslationError(
            f"cannot read the API key file {path}: {exc.strerror}",
            hint="fix `llm_api_key_file`, or set SQLSYNTH_LLM_API_KEY",
        ) from exc
    return key or None
