"""CSRF tokens for the requests that change something (corrections).

The app has no accounts, so a page elsewhere on the web could otherwise make a visitor's
browser post a correction to a server on their loopback interface. Every request that
changes state must therefore be a POST carrying a token that only pages of this app can
know: a signed double submit. The token is `<nonce>.<HMAC-SHA256(secret, nonce)>`; the
app sets it in the `contracts_csrf` cookie (HttpOnly, SameSite=Strict) and puts the same
token in each form (`csrf_token`) or, for API clients, expects it in the `X-CSRF-Token`
header (`GET /api/csrf` hands one out). A request is accepted only when the submitted
token equals the cookie's and the signature is this app's, so neither a forged cookie
nor a token from another server passes.

The secret is `CONTRACTS_WEB_SECRET` when set (several server processes must share it),
else random per start: a form loaded before a restart is refused (403) and works again
once the page is reloaded.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request
from starlette.responses import Response

COOKIE = "contracts_csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CsrfTokens:
    """Issues and checks this app's tokens (see the module docstring)."""

    def __init__(self, secret: str | bytes | None = None) -> None:
        if secret is None:
            secret = secrets.token_bytes(32)
        self._key = secret.encode() if isinstance(secret, str) else secret

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()

    def new(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign(nonce)}"

    def valid(self, token: str | None) -> bool:
        """True for a well-formed token signed with this app's secret."""
        if not token or token.count(".") != 1 or len(token) > 200:
            return False
        nonce, signature = token.split(".")
        return hmac.compare_digest(signature.encode(), self._sign(nonce).encode())

    def for_page(self, request: Request) -> tuple[str, bool]:
        """The token a page puts in its forms, and whether the cookie must be (re)set."""
        current = request.cookies.get(COOKIE)
        if self.valid(current):
            return str(current), False
        return self.new(), True

    def check(self, request: Request, submitted: str | None) -> None:
        """Refuse (403) unless `submitted` is this app's token and equals the cookie's."""
        cookie = request.cookies.get(COOKIE)
        if not (
            submitted
            and cookie
            and self.valid(submitted)
            and hmac.compare_digest(submitted.encode(), cookie.encode())
        ):
            raise HTTPException(
                status_code=403,
                detail="missing or invalid CSRF token: reload the page and try again "
                f"(API clients: GET /api/csrf, then send the token in {HEADER} with the "
                "cookie it sets)",
            )


def set_cookie(response: Response, token: str) -> None:
    """Put the token in the cookie (readable by this site's requests only, not by script)."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
