"""Settings from `CONTRACTS_*` environment variables and an optional `contracts.toml`.

Precedence: explicit arguments > environment > `contracts.toml` (in the working
directory, or the file named by `CONTRACTS_CONFIG`) > defaults. The data directory
(`CONTRACTS_HOME`, default `./contracts-data`) holds `inbox/`, `archive/`, `failed/`
and the embedded `portfolio.db`.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from portfolio.errors import UnsupportedStore
from portfolio.settings_file import config_file, reported_settings

if TYPE_CHECKING:
    from extractors.ocr import OcrOptions

DEFAULT_LEAD_DAYS = (90, 60, 30, 14, 7, 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONTRACTS_", extra="ignore")

    home: Path = Field(default=Path("contracts-data"), description="data directory")
    store: str | None = Field(
        default=None, description="portfolio URL; default: the SQLite file HOME/portfolio.db"
    )
    es_url: str | None = Field(
        default=None, description="Elasticsearch cluster, used when store = \"elasticsearch\""
    )
    alert_lead_days: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_LEAD_DAYS)
    )
    notify_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="apprise URLs"
    )
    watch_poll_seconds: float | None = Field(
        default=None, description="poll the watched folder this often instead of OS events "
        "(network shares, where inotify does not fire)",
    )
    watch_stable_seconds: float = Field(
        default=3.0, gt=0, description="a dropped file is taken once unchanged for this long"
    )
    watch_rescan_seconds: float = Field(
        default=60.0, gt=0, description="full rescan of the watched folder (missed events)"
    )
    watch_batch_size: int = Field(default=50, ge=1, description="files per ingest flow run")
    own_roles: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["Customer", "Client", "Subscriber", "Licensee", "Buyer",
                                 "Purchaser"],
        description="roles our side plays; the other party is the counterparty in listings",
    )
    workers: int = Field(default=0, description="extraction processes; 0 = one per core")
    text_layer: str = "pdfium"
    ocr: bool = Field(default=True, description="OCR scanned pages (no usable text layer)")
    ocr_max_pages: int = Field(default=100, ge=0, description="pages OCR'd per document")
    ocr_time_budget: float = Field(default=300.0, gt=0, description="OCR seconds per document")
    ocr_language: str = Field(default="eng", description="Tesseract languages, e.g. eng+deu")
    ocr_min_confidence: float = Field(
        default=70.0, ge=0, le=100, description="warn about OCR'd text below this confidence"
    )
    ocr_cache: Path | None = Field(
        default=None, description="OCR results by page image; default HOME/ocr-cache"
    )
    user: str | None = Field(
        default=None, description="the name corrections are recorded under (web app and CLI); "
        "default: the OS login name",
    )
    web_secret: str | None = Field(
        default=None, description="key signing the web app's CSRF tokens; default: a random "
        "key per start (set it when several server processes share the work)",
    )

    @field_validator("alert_lead_days", "notify_urls", "own_roles", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`CONTRACTS_NOTIFY_URLS=a,b` as well as a JSON/TOML list."""
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )

    @property
    def own_role_set(self) -> frozenset[str]:
        return frozenset(role.lower() for role in self.own_roles)

    @property
    def store_url(self) -> str:
        """The portfolio to open; `CONTRACTS_STORE=elasticsearch` means `CONTRACTS_ES_URL`.

        Elasticsearch credentials and TLS settings (`CONTRACTS_ES_*`) are read by the
        backend itself where it runs (`portfolio.elasticsearch.config`), never put in here.
        """
        if self.store is not None and self.store.strip().lower() in ("elasticsearch", "es"):
            if not self.es_url:
                raise UnsupportedStore(
                    "CONTRACTS_STORE=elasticsearch needs CONTRACTS_ES_URL, e.g. "
                    "https://es.example.com:9200"
                )
            return self.es_url if "://" in self.es_url else f"https://{self.es_url}"
        return self.store or str(self.home / "portfolio.db")

    def ocr_options(self) -> OcrOptions:
        """How extraction reads scanned pages (imported lazily: numpy/PIL are not needed
        by commands that never extract)."""
        from extractors.ocr import OcrOptions

        return OcrOptions(
            enabled=self.ocr, language=self.ocr_language, max_pages=self.ocr_max_pages,
            time_budget=self.ocr_time_budget, min_confidence=self.ocr_min_confidence,
            cache_dir=self.ocr_cache or self.home / "ocr-cache",
        )

    @property
    def user_name(self) -> str:
        """Who corrections are made by unless a person says otherwise (`--by`, a form)."""
        if self.user and self.user.strip():
            return self.user.strip()
        return login_name()

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def failed(self) -> Path:
        return self.home / "failed"


def login_name() -> str:
    """The OS login name, or "unknown" where there is none (a container's bare uid)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


def load_settings(**overrides: object) -> Settings:
    """Settings with explicit overrides (None values are ignored).

    A bad value raises `InvalidSetting` naming the variable or file key it came from, so
    the command prints one line instead of a pydantic traceback.
    """
    with reported_settings():
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
