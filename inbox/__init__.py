"""The watched folder: which files to take, when they are finished, and where they go.

`junk` (files that are never contracts), `stability` (when a file is finished),
`watcher` (events, polling and rescans into stable batches), `journal` (the inbox's own
SQLite state, written ahead of every move), `moves` (atomic, cross-device safe) and
`intake` (claim, archive, quarantine, recover). Extraction and indexing stay in
`extractors` and `portfolio`; the `ingest-inbox` flow wires them together.
"""
