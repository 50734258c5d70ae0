"""Where settings come from, and how a bad one is reported.

Both settings models (`contracts.settings.Settings`, `portfolio.elasticsearch.config`)
read `CONTRACTS_*` variables first, then the TOML file named by `CONTRACTS_CONFIG`
(default `contracts.toml` in the working directory). `reported_settings` turns what
pydantic and tomllib raise while reading them into one `InvalidSetting` that names the
variable, or the file and key, so a command prints one line instead of a traceback.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from portfolio.errors import InvalidSetting


def config_file() -> Path:
    """The TOML settings file read after the environment (it need not exist)."""
    return Path(os.environ.get("CONTRACTS_CONFIG", "contracts.toml"))


@contextmanager
def reported_settings(hide_values: bool = False, prefix: str = "CONTRACTS_") -> Iterator[None]:
    """Raise `InvalidSetting` for a settings model that rejects a value or cannot read the
    file. `hide_values` for models holding secrets; `prefix` is what a field's name is
    appended to to spell its variable."""
    try:
        yield
    except ValidationError as exc:
        raise invalid_settings(exc, config_file(), hide_values, prefix) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidSetting(
            f"{config_file()}: not a valid TOML settings file ({exc})"
        ) from None


def invalid_settings(
    error: ValidationError, config_file: Path, hide_values: bool = False,
    prefix: str = "CONTRACTS_",
) -> InvalidSetting:
    """One `InvalidSetting` for every bad value a settings model rejected.

    Each problem names the environment variable if one is set (it wins over the file),
    else the key in `config_file`; values are quoted unless `hide_values` (secrets).
    """
    problems = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "settings"
        variable = f"{prefix}{name.upper()}"
        if variable in os.environ:
            value = "" if hide_values else f"={os.environ[variable]!r}"
            where = f"{variable}{value}"
        else:
            value = "" if hide_values else f" = {item['input']!r}"
            source = f" in {config_file}" if config_file.is_file() else ""
            where = f"{name}{value}{source}"
        problems.append(f"{where}: {item['msg']}")
    return InvalidSetting("invalid setting: " + "; ".join(problems))
