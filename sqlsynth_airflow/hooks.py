"""The ``sqlsynth`` connection type: an LLM endpoint for sqlsynth's ``openai`` translator.

Base URL in *host*, API key in *password*, model in *extra* (``{"model": "gpt-4o-mini"}``), so
the key lives in Airflow's connection store (or its secrets backend) and never in a DAG file
or ``sqlsynth.toml``. Any OpenAI-compatible endpoint works (OpenAI, Azure OpenAI, vLLM,
Ollama, LiteLLM); the project's other LLM settings (timeouts, retries, repair rounds, cache,
fallback chain) still apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.common.compat.sdk import BaseHook

if TYPE_CHECKING:
    from sqlsynth.config import Project
    from sqlsynth.translate import Translator


@dataclass(frozen=True)
class LLMEndpoint:
    """Where an LLM translator sends its requests; the key never appears in ``repr``."""

    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)


class SqlsynthHook(BaseHook):
    """Reads an LLM endpoint from a connection of type ``sqlsynth``.

    :param sqlsynth_conn_id: the connection (default ``sqlsynth_default``).
    """

    conn_name_attr: ClassVar[str] = "sqlsynth_conn_id"
    default_conn_name: ClassVar[str] = "sqlsynth_default"
    conn_type: ClassVar[str] = "sqlsynth"
    hook_name: ClassVar[str] = "sqlsynth LLM translator"

    def __init__(self, sqlsynth_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sqlsynth_conn_id = sqlsynth_conn_id

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return {
            "hidden_fields": ["schema", "login", "port"],
            "relabeling": {"host": "Base URL", "password": "API key"},
            "placeholders": {
                "host": "https://api.openai.com/v1 (any OpenAI-compatible endpoint)",
                "extra": '{"model": "gpt-4o-mini"}',
            },
        }

    def get_conn(self) -> LLMEndpoint:
        connection = self.get_connection(self.sqlsynth_conn_id)
        model = connection.extra_dejson.get("model")
        if not model:
            from sqlsynth.errors import ConfigError

            raise ConfigError(
                f"connection {self.sqlsynth_conn_id!r} names no model",
                hint='set its extra to {"model": "<model name>"}',
            )
        return LLMEndpoint(
            model=str(model), base_url=connection.host or None, api_key=connection.password or None
        )

    def get_translator(self, project: Project) -> Translator:
        """The project's ``openai`` translator, sending its requests to this connection's
        endpoint with this connection's key and model."""
        from pydantic import SecretStr

        from sqlsynth.config import Project
        from sqlsynth.translate import get_translator

        endpoint = self.get_conn()
        settings = project.settings.model_copy(
            update={
                "translator": "openai",
                "llm_model": endpoint.model,
                "llm_base_url": endpoint.base_url or project.settings.llm_base_url,
                "llm_api_key": SecretStr(endpoint.api_key)
                if endpoint.api_key
                else project.settings.llm_api_key,
            }
        )
        return get_translator("openai", project=Project(project.root, settings))
