"""An optional shared token, for a server bound to something other than loopback.

With a token configured every request must carry it: `Authorization: Bearer <token>`, the
`contracts_token` cookie, or `?token=<token>` once (which sets the cookie, so links and
downloads keep working). Without a token the app trusts whoever can reach it, which is why
`contracts serve` binds to 127.0.0.1 by default and warns otherwise.
"""

from __future__ import annotations

import hmac

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

COOKIE = "contracts_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


class TokenMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, token: str) -> None:
        super().__init__(app)
        self.token = token

    def _matches(self, offered: str | None) -> bool:
        return offered is not None and hmac.compare_digest(offered.encode(), self.token.encode())

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        header = request.headers.get("authorization", "")
        bearer = header[7:] if header.lower().startswith("bearer ") else None
        from_query = request.query_params.get("token")
        if self._matches(bearer) or self._matches(request.cookies.get(COOKIE)):
            return await call_next(request)
        if self._matches(from_query):
            response = await call_next(request)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
            return response
        return PlainTextResponse("a valid token is required", status_code=401)
