"""``whosbehind serve``: the web pages and JSON API over the store, read-only."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

import whosbehind as wb


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    context: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            help="Store file (overrides the global --db). Read through the copy writers "
            "publish beside it (NAME.published.duckdb), so ingests go on while it serves."
        ),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /docs) over the store, read-only.

    Search, agency, company, offering, market, changes and path pages, each number linked to
    its source; downloads of every table and graph; an OpenRefine reconciliation service at
    /reconcile.
    """
    import uvicorn

    from whosbehind.web import PublishedProvider, create_app

    path = wb.resolve_db_path(db or (context.find_root().obj or {}).get("db"))
    store = PublishedProvider(path)
    try:
        store.search_index()  # built now, the first search is as fast as the next
    except wb.StoreError as error:  # a first ingest still running: 503 until it publishes
        typer.echo(f"not ready yet: {error}", err=True)
    typer.echo(f"serving {path} on http://{host}:{port}/ (Ctrl-C stops)")
    # uvicorn shuts down on SIGTERM, then raises the signal again; Python's default action for
    # it ends the process at once, before `finally` removes the reader's mark beside the store
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        uvicorn.run(create_app(store), host=host, port=port, log_level="warning")
    finally:
        store.close()


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
