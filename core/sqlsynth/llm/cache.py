"""Model answers on disk, so regenerating an unchanged project makes no LLM calls.

One JSON file per (spec_hash, catalog_hash, model, prompt version, dialect), holding every
round of that spec's conversation keyed by the feedback that led to it. Few-shot examples
are left out of the key on purpose: approving another model must not invalidate answers.
A spec whose answers failed validation fails the same way from the cache; change its
prompt (a new spec hash) or delete its file to ask again.

Files hold the answer text and token usage only: never the API key, the endpoint or the
prompt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from sqlsynth.fsutil import atomic_write_text


class CacheKey(BaseModel):
    model_config = ConfigDict(frozen=True)

    spec_hash: str
    catalog_hash: str
    model: str
    prompt_version: str
    dialect: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


class CachedAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    content: str
    usage: dict[str, int] = {}


class _CacheFile(BaseModel):
    key: CacheKey
    rounds: dict[str, CachedAnswer] = {}


def round_key(feedback_so_far: Sequence[Sequence[str]]) -> str:
    """Which round of the conversation: a hash of every feedback sent so far (none: round 0)."""
    return hashlib.sha256(json.dumps([list(f) for f in feedback_so_far]).encode()).hexdigest()[:16]


class ResponseCache:
    """Answers under ``folder``; a corrupt or foreign file is a miss, never an error.

    >>> import tempfile, pathlib
    >>> cache = ResponseCache(pathlib.Path(tempfile.mkdtemp()))
    >>> key = CacheKey(spec_hash="s", catalog_hash="c", model="m", prompt_version="v1",
    ...                dialect="duckdb")
    >>> cache.put(key, round_key([]), CachedAnswer(content="SELECT 1"))
    >>> cache.get(key, round_key([])).content
    'SELECT 1'
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: CacheKey) -> Path:
        return self.folder / "llm" / f"{key.digest}.json"

    def _read(self, key: CacheKey) -> _CacheFile:
        path = self._path(key)
        try:
            stored = _CacheFile.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, PydanticValidationError):
            return _CacheFile(key=key)
        return stored if stored.key == key else _CacheFile(key=key)

    def get(self, key: CacheKey, round_id: str) -> CachedAnswer | None:
        return self._read(key).rounds.get(round_id)

    def put(self, key: CacheKey, round_id: str, answer: CachedAnswer) -> None:
        stored = self._read(key)
        stored.rounds[round_id] = answer
        atomic_write_text(self._path(key), stored.model_dump_json(indent=2) + "\n")
