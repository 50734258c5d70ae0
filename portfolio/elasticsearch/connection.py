"""The official client, configured once: auth, TLS, timeouts, retries, version and product checks.

Retries are done here rather than by the transport, for two reasons: elasticsearch-py 8
retries without any pause (backoff arrived in 9), and one policy for both client majors is
easier to reason about. Every request goes through `Retrying`: 429 and 5xx answers and
connection failures/timeouts are retried with exponential backoff; anything else is
translated at once into a `PortfolioError` that says what to do. TLS failures are never
retried (a wrong CA does not fix itself).

Compatibility: the Python client's major version must equal the cluster's (client 9 sends
`compatible-with=9`, which an 8.x cluster rejects with `media_type_header_exception`;
client 8 on a 9.x cluster works by compatibility mode but is unsupported). `check_cluster`
turns both into one clear message, and the client's product check (`X-Elastic-Product:
Elasticsearch` on every 2xx answer) into another. It also refuses 8.x clusters older than
`MINIMUM_VERSION` (see there for why).
"""

from __future__ import annotations

import inspect
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import elasticsearch
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TlsError
from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    Elasticsearch,
    UnsupportedProductError,
    helpers,
)

from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.errors import (
    ClusterRefused,
    ClusterUnreachable,
    IncompatibleCluster,
)
from portfolio.errors import PortfolioError

log = logging.getLogger(__name__)

T = TypeVar("T")

CLIENT_VERSION = ".".join(str(part) for part in elasticsearch.__version__)
CLIENT_MAJOR = elasticsearch.__version__[0]
PINS = {8: "elasticsearch>=8.13,<9", 9: "elasticsearch>=9,<10"}
MINIMUM_VERSION = (8, 15)
"""The oldest cluster served. Clause snippets mark prefix terms (`terminat*`, searched on
`text.exact` only) through `matched_fields` on the unified highlighter, which Elasticsearch
8.15 added: older clusters ignore it and return those snippets without any mark."""
UPGRADE_GUIDE = (
    "https://www.elastic.co/docs/deploy-manage/upgrade/deployment-or-cluster/elasticsearch"
)


ALIAS_ONLY: dict[str, Any] = {"require_alias": True}
"""Options of every write through an alias (bulk, index). Without them, a write to a missing
alias (its index deleted by hand while a watcher still runs) auto-creates a concrete index
of the alias's name, with dynamic mappings (the templates match `<alias>-v*` only): that
bypasses `dynamic: strict` and stops the alias from ever being created again."""
CREATE_ALIAS_ONLY: dict[str, Any] = (
    ALIAS_ONLY if "require_alias" in inspect.signature(Elasticsearch.create).parameters else {}
)
"""`ALIAS_ONLY` for `create`, which takes `require_alias` in the 9.x and later 8.x clients
but not in 8.13's (an unknown keyword would be a TypeError there)."""

TRANSIENT_ITEM_STATUSES = (429, 502, 503, 504)
"""Statuses of a single bulk item worth sending again (a full queue, a shard relocating or
not yet started), as opposed to a document the mapping rejects."""
BULK_ITEM_RETRIES: dict[str, Any] = (
    {"retry_on_status": TRANSIENT_ITEM_STATUSES}
    if "retry_on_status" in inspect.signature(helpers.streaming_bulk).parameters else {}
)
"""Options of every `streaming_bulk`: items refused with a transient status are retried with
the helper's backoff. Clients before 8.16 retry only 429 (they lack `retry_on_status`)."""


WRITES_BLOCKED = (
    "the portfolio's indices are read-only for now: a `contracts es reindex` is probably "
    "running; searches work, writes can be made again when it finishes"
)


class EsRequestFailed(PortfolioError):
    """Elasticsearch answered a request with an error that retrying cannot fix."""


def error_reason(exc: ApiError) -> str:
    """Elasticsearch's own words: `type: reason (caused by: ...)`, from a documented error body."""
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}".rstrip(": ")
        caused = error.get("caused_by")
        if isinstance(caused, dict) and caused.get("reason"):
            text += f" (caused by: {caused['reason']})"
        return text
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])
    return str(exc.message)


def _version_advice(server: str | None) -> str:
    major = int(server.split(".")[0]) if server and server[0].isdigit() else None
    pin = PINS.get(major) if major is not None else None
    where = f"this {server} cluster" if server else "the cluster"
    fix = f"install `pip install '{pin}'`" if pin else "install the client of the cluster's major"
    return (
        f"the Python client is elasticsearch {CLIENT_VERSION} and its major version must match "
        f"the cluster's: for {where}, {fix}"
    )


def translate(exc: ApiError, url: str, what: str) -> PortfolioError:
    """A non-retryable error answer, as a message about the contract store."""
    reason = error_reason(exc)
    if isinstance(exc, UnsupportedProductError):
        return IncompatibleCluster(
            f"the server at {url} is not Elasticsearch (it did not answer with the "
            "X-Elastic-Product: Elasticsearch header): OpenSearch and other look-alikes are not "
            "supported; if a proxy strips response headers, let that one through"
        )
    if "cluster_block_exception" in reason:
        return EsRequestFailed(WRITES_BLOCKED + f" ({reason})")
    if "media_type_header_exception" in reason:
        return IncompatibleCluster(
            f"Elasticsearch at {url} rejected the client's version ({reason}): "
            + _version_advice(None)
        )
    if isinstance(exc, AuthenticationException):
        return ClusterRefused(
            f"Elasticsearch at {url} did not accept the credentials (401) to {what}: check "
            "CONTRACTS_ES_API_KEY, or CONTRACTS_ES_USERNAME and CONTRACTS_ES_PASSWORD",
            401,
        )
    if isinstance(exc, AuthorizationException):
        return ClusterRefused(
            f"the Elasticsearch user or API key may not {what} (403: {reason}); it needs the "
            "privileges listed in the README, section 'Scaling out'",
            403,
        )
    return EsRequestFailed(f"Elasticsearch could not {what} ({exc.status_code}: {reason})")


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, TlsError):
        return False
    if isinstance(exc, TransportConnectionError | ConnectionTimeout):
        return True
    return isinstance(exc, ApiError) and (exc.status_code == 429 or exc.status_code >= 500)


class Retrying:
    """Runs one request, retrying 429/5xx/connection failures with exponential backoff.

    Errors a caller lists in `expect` (e.g. ConflictError: "already exists" is an answer
    for the ledger) pass through untouched; every other error becomes a `PortfolioError`.
    """

    def __init__(self, config: EsConfig) -> None:
        self.url = config.url
        self.max_retries = config.max_retries
        self.backoff = config.retry_backoff
        self.backoff_max = config.retry_backoff_max

    def delay(self, attempt: int) -> float:
        """Seconds before retry `attempt` (1-based): doubling, capped, with a little jitter."""
        base = min(self.backoff_max, self.backoff * 2 ** (attempt - 1))
        return base * random.uniform(0.8, 1.0)  # jitter spreads clients out

    def __call__(
        self, what: str, request: Callable[[], T], expect: tuple[type[ApiError], ...] = ()
    ) -> T:
        for attempt in range(self.max_retries + 1):
            try:
                return request()
            except expect:
                raise
            except (ApiError, TransportConnectionError, ConnectionTimeout) as exc:
                if not _retryable(exc) or attempt == self.max_retries:
                    raise self.failure(exc, what) from exc
                wait = self.delay(attempt + 1)
                log.warning(
                    "Elasticsearch could not %s (%s); retry %d of %d in %.1f s",
                    what, _short(exc), attempt + 1, self.max_retries, wait,
                )
                time.sleep(wait)  # looked up at call time: tests replace it
        raise AssertionError("unreachable")  # pragma: no cover

    def failure(self, exc: Exception, what: str) -> PortfolioError:
        """The `PortfolioError` to raise for a request that failed for good."""
        if isinstance(exc, ApiError):
            return translate(exc, self.url, what)
        if isinstance(exc, TlsError):
            return ClusterUnreachable(
                f"TLS verification of {self.url} failed ({exc.message}): set CONTRACTS_ES_CA_CERTS "
                "to the cluster's CA certificate (PEM), or CONTRACTS_ES_SSL_ASSERT_FINGERPRINT"
            )
        attempts = self.max_retries + 1
        return ClusterUnreachable(
            f"no answer from Elasticsearch at {self.url} to {what} after {attempts} attempt(s): "
            f"{_short(exc)}"
        )


def _short(exc: Exception) -> str:
    if isinstance(exc, ApiError):
        return f"{exc.status_code} {error_reason(exc)}"
    return type(exc).__name__ + (f": {exc.message}" if hasattr(exc, "message") else "")


def build_client(config: EsConfig) -> Elasticsearch:
    """The official client for `config` (no request is sent yet)."""
    options: dict[str, Any] = {
        "request_timeout": config.request_timeout,
        "max_retries": 0,  # `Retrying` retries, with backoff, in every client version
        "retry_on_timeout": False,
    }
    if config.url.startswith("https:"):
        options["verify_certs"] = config.verify_certs
        if config.ca_certs is not None:
            options["ca_certs"] = str(config.ca_certs)
        if config.ssl_assert_fingerprint:
            options["ssl_assert_fingerprint"] = config.ssl_assert_fingerprint
        if not config.verify_certs:
            log.warning("TLS certificate verification is OFF for %s (CONTRACTS_ES_VERIFY_CERTS)",
                        config.url)
    elif config.has_credentials:
        log.warning("credentials are sent to %s over plain HTTP: use https://", config.url)
    if config.api_key is not None:
        options["api_key"] = config.api_key.get_secret_value()
    elif config.username is not None and config.password is not None:
        options["basic_auth"] = (config.username, config.password.get_secret_value())
    return Elasticsearch(config.url, **options)


def check_cluster(client: Elasticsearch, retry: Retrying) -> str | None:
    """The cluster's version after checking it is an Elasticsearch of the client's major,
    and no older than `MINIMUM_VERSION`.

    Returns None when the credentials may not read the version (`monitor` privilege): the
    product and media-type checks on every later answer still catch a wrong server.
    """
    try:
        info = retry("read the cluster version", client.info)
    except ClusterRefused as exc:
        if exc.status != 403:
            raise
        log.warning("cannot read the Elasticsearch version (no monitor privilege): not checked;"
                    " it must be %s or later", ".".join(map(str, MINIMUM_VERSION)))
        return None
    version = str(info["version"]["number"])
    if _major_minor(version) < MINIMUM_VERSION:
        raise IncompatibleCluster(_too_old(version, retry.url))
    if int(version.split(".")[0]) != CLIENT_MAJOR:
        raise IncompatibleCluster(f"Elasticsearch at {retry.url} is {version}: " +
                                  _version_advice(version))
    return version


def _major_minor(version: str) -> tuple[int, int]:
    """(8, 14) of "8.14.3" (or of "8.14.0-SNAPSHOT")."""
    major, minor = version.split("-")[0].split(".")[:2]
    return int(major), int(minor)


def _too_old(version: str, url: str) -> str:
    """Why a cluster older than `MINIMUM_VERSION` is refused, and how to get past it."""
    minimum = ".".join(map(str, MINIMUM_VERSION))
    return (
        f"Elasticsearch at {url} is {version}; contract-intel needs Elasticsearch {minimum} or "
        f"later (clause highlighting of prefix searches such as `terminat*` relies on a "
        f"{minimum} feature): upgrade the cluster to the latest 8.x (a rolling upgrade, one node "
        f"at a time: {UPGRADE_GUIDE}), keeping the 8.x Python client (`pip install "
        f"'{PINS[8]}'`), or to 9.x with `pip install '{PINS[9]}'`"
    )


def connect(config: EsConfig) -> tuple[Elasticsearch, Retrying, str | None]:
    """A checked client (see `check_cluster`), its retry policy and the cluster's version."""
    client = build_client(config)
    retry = Retrying(config)
    try:
        version = check_cluster(client, retry)
    except BaseException:
        client.close()
        raise
    return client, retry, version
