"""One error hierarchy for everything a contract file can do wrong.

Each error names the file and says, in words a contract admin understands, what is wrong
and what to do about it (`hint`). The ingest flow turns these into quarantine reasons.
"""

from __future__ import annotations

from pathlib import Path


class ContractError(Exception):
    """A problem with one contract file; the run goes on with the others."""

    reason = "unreadable"
    hint = "check the file opens in a PDF viewer, then drop it again"

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{self.path.name}: {message}")

    def explain(self) -> str:
        """Plain-words reason plus a hint, as written to a quarantine `.reason.txt` file."""
        return f"{self.reason}: {self.message}\nhint: {self.hint}\n"


class EmptyFile(ContractError):
    reason = "empty file"
    hint = "the file has 0 bytes; the copy probably failed: copy it again"


class NotAPdf(ContractError):
    reason = "not a PDF"
    hint = "only PDF files are read; export or print the document to PDF and drop it again"


class EncryptedPdf(ContractError):
    reason = "encrypted"
    hint = "remove the password (e.g. print to PDF) and drop it again"


class CorruptPdf(ContractError):
    reason = "corrupt PDF"
    hint = "the file is damaged or truncated; download or export it again"
