"""Errors the portfolio raises, each with a message a contract admin can act on.

File problems (unreadable, encrypted PDFs) belong to `schemas.errors.ContractError`; these
are about the store and the search box, so they carry no file path.
"""

from __future__ import annotations


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

