"""``whosbehind ingest usaspending|fpds|agencies``: contract records into the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.context import open_store
from whosbehind.cli.ingest_outcome import Outcome, finish, list_items, outcome
from whosbehind.cli.render import console, print_json, table

if TYPE_CHECKING:
    from whosbehind import ContractIngestSummary, ContractQuery

Json = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
_SHOWN = 20


def register(ingest: typer.Typer) -> None:
    ingest.command("usaspending")(usaspending)
    ingest.command("fpds")(fpds)
    ingest.command("agencies")(agencies)


def usaspending(
    context: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(
            help="A contract CSV download (today's or the 2018 layout), a zip archive of them, "
            "a folder of such files and recorded API responses (.json), or an API URL."
        ),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(help="Fetch from the live API instead: awarding agency code, e.g. 7012."),
    ] = None,
    from_date: Annotated[
        str | None, typer.Option("--from", help="With --agency: first action date.")
    ] = None,
    to_date: Annotated[
        str | None, typer.Option("--to", help="With --agency: last action date.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Ingest USAspending contract awards and transactions (CSV, zip, API responses)."""
    if source and (agency or from_date or to_date):
        raise wb.UsageError("give a SOURCE or an API query (--agency, --from, --to), not both")
    if not source and not agency:
        raise wb.UsageError("give a SOURCE (file, folder, zip) or --agency CODE --from --to")
    if source:
        what: str | ContractQuery = source
    else:
        if not (agency and from_date and to_date):
            raise wb.UsageError("an API query needs --agency, --from and --to")
        what = wb.ContractQuery.between(agency, from_date, to_date)
    with open_store(context, read_only=False) as engine, _progress(as_json) as step:
        summary = wb.ingest_usaspending(engine, what, progress=step)
    report(summary, as_json)


def fpds(
    context: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(help="An FPDS ATOM page (.xml), a folder of pages, or a feed URL."),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(
            help="Query the live public feed instead: contracting agency code, e.g. 7012."
        ),
    ] = None,
    from_date: Annotated[
        str | None, typer.Option("--from", help="With --agency: first last-modified date.")
    ] = None,
    to_date: Annotated[
        str | None, typer.Option("--to", help="With --agency: last last-modified date.")
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option(help="With a URL or --agency: follow at most this many pages.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Ingest FPDS ATOM feed pages (contract actions): files, or the live feed by agency."""
    if source and (agency or from_date or to_date):
        raise wb.UsageError("give either a SOURCE or --agency/--from/--to, not both")
    if source:
        what: str | ContractQuery = source
    else:
        if not (agency and from_date and to_date):
            raise wb.UsageError("give a SOURCE (page, folder, URL) or --agency CODE --from --to")
        what = wb.ContractQuery.between(agency, from_date, to_date)
    with open_store(context, read_only=False) as engine, _progress(as_json) as step:
        summary = wb.ingest_fpds(engine, what, progress=step, max_pages=max_pages)
    report(summary, as_json)


def agencies(
    context: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(help=f"The agency list CSV, file or URL. Default: {wb.AGENCY_LIST_URL}"),
    ] = None,
    as_json: Json = False,
) -> None:
    """Ingest the agency hierarchy (toptier and subtier codes and names) used by --agency."""
    with open_store(context, read_only=False) as engine:
        summary = wb.ingest_agencies(engine, source)
    report(summary, as_json)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int], None]]:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} files"),
        TimeElapsedColumn(),
        console=console(),
        transient=True,
        disable=quiet,
    ) as progress:
        task = progress.add_task("reading", total=None)
        read = [0]

        def step(label: str, size: int) -> None:
            read[0] += size
            name = label.rsplit("/", 1)[-1]
            progress.update(task, advance=1, description=f"{read[0] / 1e6:,.0f} MB · {name}")

        yield step


def summary_json(summary: ContractIngestSummary) -> dict[str, object]:
    return {
        "snapshots_read": summary.snapshots_read,
        "megabytes_read": round(summary.bytes_read / 1e6, 1),
        "snapshots_stored": summary.snapshots_stored,
        "snapshots_already_seen": summary.already_seen,
        "snapshots_failed": summary.failed,
        "snapshots_skipped": summary.skipped,
        "rows_read": summary.rows_read,
        "rows_quarantined": summary.rows_quarantined,
        "rows_recovered": summary.rows_recovered,
        "transactions_inserted": summary.transactions_inserted,
        "awards_inserted": summary.awards_inserted,
        "other_versions_inserted": summary.other_inserted,
        "versions_closed": summary.versions_closed,
        "duplicate_keys": summary.duplicate_keys,
        "files": [f.to_json() for f in summary.files],
        "quarantine": [
            {
                "file": q.file,
                "line": q.line,
                "field": q.field,
                "reason": q.reason,
                "excerpt": q.raw_excerpt,
            }
            for q in summary.quarantine
        ],
        "skipped": [{"locator": name, "reason": reason} for name, reason in summary.skipped_files],
        "warnings": dict(summary.warnings.most_common()),
        "errors": summary.errors,
        "outcome": _outcome(summary).json(),
    }


def _outcome(summary: ContractIngestSummary) -> Outcome:
    return outcome(
        summary.snapshots_read, summary.failed, 0, summary.found_nothing, "files or responses"
    )


def report(summary: ContractIngestSummary, as_json: bool) -> None:
    """Print the summary; exit 3 when some files failed, 4 when the source held none."""
    data = summary_json(summary)
    if as_json:
        print_json(data)
        finish(_outcome(summary))
        return
    counts = [(k.replace("_", " "), v) for k, v in data.items() if isinstance(v, int | float)]
    table("Ingest summary", ["what", "count"], counts)
    if summary.files:
        table(
            "Snapshots stored",
            ["file", "layout", "rows", "quarantined", "inserted", "closed"],
            [
                (f.locator, f.layout, f.rows, f.quarantined, f.inserted, f.closed)
                for f in summary.files[-_SHOWN:]
            ],
        )
    if summary.quarantine:
        table(
            f"Quarantined rows ({summary.rows_quarantined})",
            ["file", "line", "field", "reason"],
            [(q.file, q.line, q.field, q.reason) for q in summary.quarantine[:_SHOWN]],
        )
    if summary.warnings:
        table("Audit warnings", ["what", "count"], summary.warnings.most_common(_SHOWN))
    for name, reason in summary.skipped_files[:_SHOWN]:
        console().print(f"skipped: {name} ({reason})", highlight=False, markup=False)
    list_items(summary.errors, [])
    finish(_outcome(summary))
