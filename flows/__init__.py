"""Prefect flows: they wire extractors, portfolio and alerts; no logic of their own."""
