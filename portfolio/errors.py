"""Errors the portfolio raises, each with a message a contract admin can act on.

File problems (unreadable, encrypted PDFs) belong to `schemas.errors.ContractError`; these
are about the store and the search box, so they carry no file path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class PortfolioError(Exception):
    """A problem with the portfolio store or a request made to it."""


class QuerySyntaxError(PortfolioError, ValueError):
    """The search text has nothing searchable left (empty, only operators, only exclusions)."""

    def __init__(self, text: str, message: str) -> None:
        self.text = text
        self.message = message
        super().__init__(message)


class UnsupportedStore(PortfolioError, ValueError):
    """The store URL names a backend this installation does not have."""


class SchemaTooNew(PortfolioError):
    """The database was written by a newer version of the program than this one."""


class UnknownRecord(PortfolioError, LookupError):
    """No contract with this id is stored (e.g. setting alert lead times for it)."""


class UnknownCorrection(PortfolioError, LookupError):
    """The field of this contract has no correction to undo."""


class InvalidSetting(PortfolioError, ValueError):
    """A `CONTRACTS_*` variable or a `contracts.toml` key holds a value the program cannot
    use. The message names where the value came from, so the admin knows what to edit."""


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


def unreadable_config(config_file: Path, cause: Exception) -> InvalidSetting:
    """The settings file exists but is not TOML the program can read."""
    return InvalidSetting(f"{config_file}: not a valid TOML settings file ({cause})")
