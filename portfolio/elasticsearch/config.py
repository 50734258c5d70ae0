"""How to reach the cluster: URL, credentials, TLS, timeouts, retries, index names.

The store URL (`CONTRACTS_STORE=https://es.example.com:9200`, or `CONTRACTS_STORE=
elasticsearch` with `CONTRACTS_ES_URL`) says *where*; everything else comes from
`CONTRACTS_ES_*` environment variables or `es_*` keys in `contracts.toml`, read where the
portfolio is opened (the CLI, a Prefect worker). Credentials never travel inside the URL:
URLs are logged and stored as Prefect flow parameters, so one with a user name or password
in it is refused.

Secrets are `SecretStr`: a config printed, logged or put in an exception shows `**********`;
validation errors never repeat the input (`hide_input_in_errors`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from portfolio.elasticsearch.errors import EsConfigError
from portfolio.settings_file import config_file, reported_settings


class EsConfig(BaseModel):
    """Everything the backend needs to connect; built by `load_config` or directly in tests."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    url: str
    api_key: SecretStr | None = Field(
        default=None, description="an encoded API key (the `encoded` value Elasticsearch returns)"
    )
    username: str | None = None
    password: SecretStr | None = None
    ca_certs: Path | None = Field(default=None, description="PEM file of the cluster's CA")
    verify_certs: bool = Field(default=True, description="TLS certificate verification")
    ssl_assert_fingerprint: str | None = Field(
        default=None, description="SHA-256 fingerprint of the CA (instead of ca_certs)"
    )
    request_timeout: float = Field(default=30.0, gt=0, description="seconds per request")
    bulk_timeout: float = Field(default=120.0, gt=0, description="seconds per bulk request")
    max_retries: int = Field(default=3, ge=0, description="retries on 429/5xx/timeouts")
    retry_backoff: float = Field(
        default=0.5, ge=0, description="seconds before the first retry; doubles each time"
    )
    retry_backoff_max: float = Field(default=30.0, ge=0, description="longest wait between retries")
    bulk_chunk_size: int = Field(default=500, ge=1, description="actions per bulk request")
    index_prefix: str = Field(default="contracts", pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    refresh: bool = Field(
        default=False,
        description="make every write searchable before returning (refresh=wait_for); "
        "interactive use and tests, not bulk ingest",
    )

    @model_validator(mode="after")
    def _credentials_are_not_in_the_url(self) -> Self:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EsConfigError(
                f"not an Elasticsearch URL: {_redacted(self.url)} (expected https://host:9200)"
            )
        if parts.username or parts.password:
            raise EsConfigError(
                f"the Elasticsearch URL {_redacted(self.url)} contains credentials: put them in "
                "CONTRACTS_ES_API_KEY, or CONTRACTS_ES_USERNAME and CONTRACTS_ES_PASSWORD "
                "(URLs end up in logs and flow parameters)"
            )
        if self.api_key is not None and (self.username or self.password):
            raise EsConfigError(
                "both an API key and a user name/password are set for Elasticsearch: keep one"
            )
        if (self.username is None) != (self.password is None):
            raise EsConfigError(
                "CONTRACTS_ES_USERNAME and CONTRACTS_ES_PASSWORD go together: set both"
            )
        if self.ca_certs is not None and not self.ca_certs.is_file():
            raise EsConfigError(f"the CA certificate file {self.ca_certs} does not exist")
        return self

    @property
    def has_credentials(self) -> bool:
        return self.api_key is not None or self.username is not None


def _redacted(url: str) -> str:
    """The URL with any user information replaced, safe to show."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


class EsSettings(BaseSettings):
    """`CONTRACTS_ES_*` variables and `es_*` keys of `contracts.toml` (env wins)."""

    model_config = SettingsConfigDict(
        env_prefix="CONTRACTS_", extra="ignore", hide_input_in_errors=True
    )

    es_api_key: SecretStr | None = None
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_certs: Path | None = None
    es_verify_certs: bool = True
    es_ssl_assert_fingerprint: str | None = None
    es_request_timeout: float = 30.0
    es_bulk_timeout: float = 120.0
    es_max_retries: int = 3
    es_retry_backoff: float = 0.5
    es_retry_backoff_max: float = 30.0
    es_bulk_chunk_size: int = 500
    es_index_prefix: str = "contracts"
    es_refresh: bool = False

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The same sources, in the same order, as `contracts.settings.Settings`."""
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )


def load_config(url: str) -> EsConfig:
    """The connection settings for the cluster at `url`, from the environment and TOML."""
    with reported_settings(hide_values=True):
        settings = EsSettings()
    values = {
        name.removeprefix("es_"): value
        for name, value in settings.model_dump().items()
        if value is not None
    }
    with reported_settings(hide_values=True, prefix="CONTRACTS_ES_"):  # fields drop "es_"
        return EsConfig(url=url, **values)
