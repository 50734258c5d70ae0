"""A recording fake of the Elasticsearch HTTP API, for wire tests. It is NOT an Elasticsearch.

It runs on loopback in a thread (stdlib `http.server`), records every request the
official client sends (method, path, query, headers, body) and answers each with the
response a test scripted for that route: bodies and headers shaped like Elasticsearch's
documented responses (`es_answers`), including `X-Elastic-Product: Elasticsearch`, which
the client checks. It does not index, search or aggregate anything: a test that needs a
document found scripts the answer that says so, and then asserts what was asked.

What this proves: the requests the backend sends (paths, query parameters, bodies,
NDJSON), and that it reads documented responses correctly (hits, highlights,
aggregations, bulk item errors, retries). What it cannot prove: that a real cluster
answers those requests that way; that is the conformance suite's job with
`CONTRACTS_TEST_ES_URL`.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import elasticsearch

CLIENT_MAJOR = elasticsearch.__version__[0]


@dataclass
class Request:
    """One request as received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        return [json.loads(line) for line in self.body.decode().splitlines() if line.strip()]


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    product: bool = True
    """Send `X-Elastic-Product: Elasticsearch` (a real cluster always does)."""
    delay: float = 0.0


Answer = Reply | dict[str, Any] | Callable[[Request], "Reply | dict[str, Any]"]


class _Route:
    def __init__(self, method: str, pattern: str, answers: list[Answer]) -> None:
        self.method = method
        self.pattern = re.compile(pattern)
        self.answers = answers

    def next(self) -> Answer:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


class RecordingEsApi:
    """The fake server (see the module docstring). Use as a context manager."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Request] = []
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def __enter__(self) -> RecordingEsApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- scripting and inspecting ----------------------------------------------------------

    def route(self, method: str, path_pattern: str, *answers: Answer) -> None:
        """Answer `method` on paths fully matching `path_pattern` with `answers` in turn.

        The last answer repeats. Routes added later win over earlier ones.
        """
        with self._lock:
            self._routes.insert(0, _Route(method, path_pattern, list(answers)))

    def sent(self, method: str | None = None, path_pattern: str | None = None) -> list[Request]:
        """The requests received, optionally only those of one method and path pattern."""
        with self._lock:
            found = list(self.requests)
        return [
            r for r in found
            if (method is None or r.method == method)
            and (path_pattern is None or re.fullmatch(path_pattern, r.path))
        ]

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = next((r for r in self._routes if r.method == request.method
                          and r.pattern.fullmatch(request.path)), None)
            answer = route.next() if route else None
        if answer is None:
            return Reply(400, {"error": f"the fake has no answer for {request.method} "
                                        f"{request.path}", "status": 400})
        if callable(answer):
            answer = answer(request)
        return answer if isinstance(answer, Reply) else Reply(body=answer)


def _handler(fake: RecordingEsApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            request = Request(
                method=self.command,
                path=unquote(parts.path),
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            reply = fake._answer(request)
            if reply.delay:
                threading.Event().wait(reply.delay)
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("content-type",
                             f"application/vnd.elasticsearch+json;compatible-with={CLIENT_MAJOR}")
            if reply.product:
                self.send_header("x-elastic-product", "Elasticsearch")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(0 if self.command == "HEAD" else len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
