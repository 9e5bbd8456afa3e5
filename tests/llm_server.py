"""A scripted OpenAI-compatible endpoint on 127.0.0.1 for the LLM translator tests.

Serves ``POST /v1/chat/completions`` from a standard-library HTTP server in a thread. Each
request gets the next :class:`Reply` of the script (or the answer of a ``responder``
function), so a test states exactly what the "model" does: answer SQL, answer garbage,
rate-limit, fail, or answer too slowly. Every request body and header is kept for
assertions.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the endpoint does for one request."""

    content: str | None = None
    status: int = 200
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def answer(content: str) -> Reply:
    return Reply(content=content)


def error(status: int, *, retry_after_ms: int | None = 10) -> Reply:
    """An HTTP error; ``retry-after-ms`` keeps the client's backoff short in tests."""
    headers = {} if retry_after_ms is None else {"retry-after-ms": str(retry_after_ms)}
    return Reply(status=status, headers=headers)


@dataclass
class Request:
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))

    @property
    def last_user_text(self) -> str:
        return next(m["content"] for m in reversed(self.messages) if m["role"] == "user")


class ScriptedLLM:
    """The endpoint; ``script`` replies are used in order, then ``responder`` (if set)."""

    def __init__(self, api_key: str = "sk-test-0123456789abcdef") -> None:
        self.api_key = api_key
        self.script: list[Reply] = []
        self.responder: Callable[[Request], Reply] | None = None
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def calls(self) -> int:
        return len(self.requests)

    def start(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self.script:
                return self.script.pop(0)
        if self.responder is not None:
            return self.responder(request)
        return Reply(status=500, content="script exhausted: the test did not expect this call")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        llm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                request = Request(
                    body=body, headers={k.lower(): v for k, v in self.headers.items()}
                )
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                if request.headers.get("authorization") != f"Bearer {llm.api_key}":
                    self._send(401, {"error": {"message": "invalid api key", "type": "auth"}})
                    return
                reply = llm._next_reply(request)
                time.sleep(reply.delay_s)
                if reply.status != 200:
                    message = reply.content or f"scripted HTTP {reply.status}"
                    self._send(reply.status, {"error": {"message": message}}, reply.headers)
                    return
                self._send(200, _completion(body.get("model", "test-model"), reply.content))

            def _send(self, status: int, payload: object, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout); nothing to answer

        return Handler


def _completion(model: str, content: str | None) -> dict[str, Any]:
    prompt_tokens, completion_tokens = 100, len((content or "").split())
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


@contextmanager
def scripted_llm(api_key: str = "sk-test-0123456789abcdef") -> Iterator[ScriptedLLM]:
    server = ScriptedLLM(api_key).start()
    try:
        yield server
    finally:
        server.stop()
