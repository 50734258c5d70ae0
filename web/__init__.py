"""The web app: clause search, contract pages with their evidence, and the renewals dashboard.

`create_app(settings)` builds a FastAPI application that reads the configured portfolio
through the `Portfolio` interface only. Pages are server-rendered Jinja2 templates with
autoescaping; the same data is offered as JSON under `/api/` (OpenAPI docs at `/docs`).
`contracts serve` runs it with uvicorn on the loopback interface by default.
"""

from web.app import create_app

__all__ = ["create_app"]
