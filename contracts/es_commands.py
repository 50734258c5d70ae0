"""`contracts es ...`: maintenance of an Elasticsearch portfolio (status, reindex, prune).

Kept apart from the everyday commands because only clusters need them. `contracts reindex`
already means "re-extract the archived PDFs" (the watched-folder commands), so the index
rebuild is `contracts es reindex`: new index generation from the stored records, alias
swap, old generation kept until `contracts es prune`.

Errors are printed as one line (the backend's messages say what to do); credentials are
never printed: the URL holds none, and the configuration is not shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.options import HomeOption
from contracts.settings import load_settings
from portfolio.errors import InvalidSetting, PortfolioError

if TYPE_CHECKING:
    from portfolio.elasticsearch.reindex import Reindexer

out = Console()
err = Console(stderr=True)

es_app = typer.Typer(
    help="Maintain an Elasticsearch portfolio: index status, reindex (new mappings, no "
    "downtime), prune old index generations.",
    no_args_is_help=True,
)

StoreOption = Annotated[
    str | None, typer.Option("--store", help="cluster URL (default: CONTRACTS_STORE)")
]


def register(app: typer.Typer) -> None:
    """Add the `contracts es` command group to the CLI."""
    app.add_typer(es_app, name="es")


@contextmanager
def _cluster(home: Path | None, store: str | None) -> Iterator[Reindexer]:
    """A maintenance handle on the configured cluster; one-line errors, exit code 1
    (2 for a bad setting)."""
    from portfolio.elasticsearch import cluster_url
    from portfolio.elasticsearch.config import load_config
    from portfolio.elasticsearch.connection import connect
    from portfolio.elasticsearch.mappings import IndexNames
    from portfolio.elasticsearch.reindex import Reindexer

    try:
        url = cluster_url(load_settings(home=home, store=store).store_url)
        if url is None:
            raise PortfolioError(
                "the portfolio is not on Elasticsearch: set CONTRACTS_STORE=elasticsearch and "
                "CONTRACTS_ES_URL (or pass --store https://host:9200)"
            )
        config = load_config(url)
        client, retry, _ = connect(config)
        try:
            yield Reindexer(client, IndexNames(config.index_prefix), retry, config)
        finally:
            client.close()
    except InvalidSetting:
        raise  # the command group prints it, with exit status 2 like any bad setting
    except PortfolioError as exc:
        err.print(f"[red]error[/]: {exc}", highlight=False)
        raise typer.Exit(code=1) from exc


@es_app.command()
def status(
    json_out: Annotated[bool, typer.Option("--json")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Each alias, the index it points at, its mapping version and size; old generations."""
    from portfolio.elasticsearch.mappings import MAPPING_VERSION
    from portfolio.elasticsearch.reindex import index_status

    with _cluster(home, store) as cluster:
        rows = index_status(cluster.client, cluster.names, cluster.retry)
    if json_out:
        out.print_json(json.dumps([asdict(row) for row in rows]))
        return
    table = Table("alias", "index", "mapping", "documents", "generations")
    for row in rows:
        mapping = "-" if row.mapping_version is None else str(row.mapping_version)
        if row.mapping_version is not None and row.mapping_version < MAPPING_VERSION:
            mapping += f" (code: {MAPPING_VERSION}, reindex)"
        table.add_row(row.alias, row.index or "(none yet)", mapping,
                      "-" if row.documents is None else str(row.documents),
                      ", ".join(row.generations) or "-")
    out.print(table)


@es_app.command()
def reindex(
    delete_old: Annotated[
        bool, typer.Option("--delete-old", help="delete the previous generation afterwards")
    ] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Build a new generation of every index from the records and switch the aliases to it.

    Searches keep working throughout; writes wait (they fail with a clear message) until
    the switch. The old indices are kept unless --delete-old: `contracts es prune` later.
    """
    with _cluster(home, store) as cluster:
        report = cluster.run(delete_old=delete_old)
    for alias, (old, new) in report.swapped.items():
        out.print(f"{alias}: {old or '(new)'} → {new}")
    counts = ", ".join(f"{n} {kind}" for kind, n in report.documents.items())
    out.print(f"generation {report.generation}: {counts}")
    if report.deleted:
        out.print("deleted: " + ", ".join(report.deleted))
    elif any(old for old, _ in report.swapped.values()):
        out.print("old indices kept: `contracts es prune` deletes them")
    for warning in report.warnings:
        err.print(f"[yellow]warning[/]: {escape(warning)}", highlight=False)


@es_app.command()
def prune(
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Delete the index generations no alias points at (after a reindex)."""
    from portfolio.elasticsearch.reindex import prune as prune_indices

    if not yes:
        typer.confirm("Delete every portfolio index that no alias points at?", abort=True)
    with _cluster(home, store) as cluster:
        deleted = prune_indices(cluster.client, cluster.names, cluster.retry)
    out.print("deleted: " + ", ".join(deleted) if deleted else "nothing to delete")
