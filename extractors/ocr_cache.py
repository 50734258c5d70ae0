"""OCR results on disk, keyed by what was OCR'd: the page image and the engine.

A page costs seconds of CPU to OCR and the same scan comes back often (re-ingest after
an extractor upgrade, `reindex`, the same signed copy inside two PDFs), so every
Tesseract result is kept as a small JSON file named by the sha256 of (page-image
fingerprint, engine signature). A different engine version or language is a different
key, never a stale hit. What is stored is Tesseract's raw words (see
`extractors.ocr_text`), so changes to how text is assembled need no re-OCR.

Writes are atomic (temporary file, then rename), so concurrent workers and a crash
mid-write never leave a half file behind; an unreadable entry counts as a miss.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from extractors.ocr_text import TesseractPage


def cache_key(image_fingerprint: str, engine_signature: str) -> str:
    return hashlib.sha256(f"{image_fingerprint}|{engine_signature}".encode()).hexdigest()


class OcrCache:
    """A directory of `<key[:2]>/<key>.json` entries; `None` directory = no caching."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path | None:
        return self.directory / key[:2] / f"{key}.json" if self.directory else None

    def get(self, key: str) -> TesseractPage | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            return TesseractPage.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            return None

    def put(self, key: str, page: TesseractPage) -> None:
        """Store quietly: a full or read-only disk costs a re-OCR later, not this ingest."""
        path = self._path(key)
        if path is None:
            return
        temporary: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            temporary = Path(name)
            with os.fdopen(handle, "wb") as out:
                out.write(page.model_dump_json().encode())
            os.replace(temporary, path)
        except OSError:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
