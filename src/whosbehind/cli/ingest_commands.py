"""``whosbehind ingest SOURCE-KIND [SOURCE]``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.context import open_store
from whosbehind.cli.ingest_outcome import finish, list_items, outcome
from whosbehind.cli.render import console, print_json, table

if TYPE_CHECKING:
    from whosbehind import IngestSummary

app = typer.Typer(help="Read public records into the store.", no_args_is_help=True)


@app.command("fedramp")
def ingest_fedramp(
    context: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(
            help="A feed URL, a JSON file, a folder of snapshot files, or a git repository "
            f"whose history holds dated snapshots. Default: the live feed {wb.FEDRAMP_FEED_URL}"
        ),
    ] = None,
    accept_removals: Annotated[
        bool,
        typer.Option(
            "--accept-removals",
            help="Apply snapshots that remove most of a feed's records at once, held by "
            "default (see docs/reliability.md).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest FedRAMP Marketplace snapshots (legacy, marketplace, organization export)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with (
        open_store(context, read_only=False) as engine,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} snapshots"),
            TimeElapsedColumn(),
            console=console(),
            transient=True,
            disable=as_json,
        ) as progress,
    ):
        task = progress.add_task("reading", total=None)

        def step(running: IngestSummary) -> None:
            mb = running.bytes_read / 1e6
            progress.update(task, advance=1, description=f"{mb:,.0f} MB read")

        summary = wb.ingest_fedramp(engine, source, accept_removals=accept_removals, progress=step)
    _report(summary, as_json)


@app.command("sec")
def ingest_sec_command(
    context: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="company_tickers.json, company_tickers_exchange.json, or a folder with either "
            "or both (www.sec.gov/files/)."
        ),
    ],
    accept_removals: Annotated[
        bool,
        typer.Option(
            "--accept-removals",
            help="Apply a file that removes most of the registrants at once, held by default.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest the SEC's company ticker files: registrants (CIK, name, tickers, exchanges)."""
    with open_store(context, read_only=False) as engine:
        summary = wb.ingest_sec(engine, source, accept_removals=accept_removals)
    _report(summary, as_json)


def _report(summary: IngestSummary, as_json: bool) -> None:
    result = outcome(
        summary.snapshots_read, summary.failed, summary.held, summary.found_nothing, "snapshots"
    )
    data: dict[str, object] = {
        "snapshots_read": summary.snapshots_read,
        "megabytes_read": round(summary.bytes_read / 1e6, 1),
        "snapshots_stored": summary.snapshots_stored,
        "snapshots_unchanged": summary.unchanged,
        "snapshots_already_seen": summary.already_seen,
        "snapshots_failed": summary.failed,
        "snapshots_held": summary.held,
        "snapshots_skipped": summary.skipped,
        "versions_inserted": summary.versions_inserted,
        "versions_closed": summary.versions_closed,
        "warnings": dict(summary.warnings.most_common()),
        "errors": summary.errors,
        "held": summary.held_items,
        "outcome": result.json(),
    }
    if as_json:
        print_json(data)
        finish(result)
        return
    counts = [(k.replace("_", " "), v) for k, v in data.items() if isinstance(v, int | float)]
    table("Ingest summary", ["what", "count"], counts)
    if summary.warnings:
        table(
            "Audit warnings: fields the reader did not expect (records)",
            ["field", "count"],
            summary.warnings.most_common(),
        )
    list_items(summary.errors, summary.held_items)
    finish(result)
