"""``whosbehind fedramp share|timeline|offering|runs-on|changes``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.choices import (
    AttributionName,
    FeedChoice,
    ImpactLevel,
    MeasureName,
    Period,
    ShareGrouping,
)
from whosbehind.cli.context import open_store
from whosbehind.cli.render import (
    Wide,
    cell_text,
    cite_line,
    console,
    percent,
    print_json,
    set_wide,
    table,
)

if TYPE_CHECKING:
    from whosbehind import ShareResult

app = typer.Typer(
    help="FedRAMP authorizations: shares, histories, dependencies, changes.", no_args_is_help=True
)

AsOf = Annotated[
    str | None,
    typer.Option(
        help="Record time: what the record said on this date (end of day UTC). Default: now."
    ),
]
ValidAt = Annotated[
    str | None,
    typer.Option(
        help="Valid time: what was true on this date according to the record. Default: --as-of."
    ),
]
Impact = Annotated[ImpactLevel | None, typer.Option(help="Only this impact level.")]
Measure = Annotated[
    MeasureName,
    typer.Option(
        help="authorizations: 1 per offering plus 1 per agency ATO letter; offerings: 1 per "
        "offering; letters: agency ATO letters only.",
    ),
]
Attribution = Annotated[
    AttributionName,
    typer.Option(
        help="infrastructure: the offering's provider and each provider it runs on; direct: "
        "its own provider only.",
    ),
]
Top = Annotated[int, typer.Option(help="How many providers to list.")]
Feed = Annotated[
    FeedChoice, typer.Option(help="auto: for each date the newest feed that covers it.")
]
By = Annotated[
    ShareGrouping,
    typer.Option(
        help="provider, or parent: each provider's ultimate parent on the valid date "
        "(needs `whosbehind resolve`).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON, citations included.")]


@app.command()
def share(
    context: typer.Context,
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    impact: Impact = None,
    measure: Measure = "authorizations",
    attribution: Attribution = "infrastructure",
    top: Top = 10,
    feed: Feed = "auto",
    by: By = "provider",
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """Shares of FedRAMP authorizations by provider (or parent), with HHI and CR4."""
    set_wide(wide)
    with open_store(context) as engine:
        result = wb.fedramp_share(
            engine,
            as_of=as_of,
            valid_at=valid_at,
            measure=wb.Measure(measure),
            attribution=wb.Attribution(attribution),
            impact=wb.Impact(impact) if impact else None,
            feed=wb.Feed(feed),
            by=wb.ShareBy(by),
        )
    if as_json:
        print_json(result.to_json(top))
        return
    _share_table(result, top)


def _share_table(result: ShareResult, top: int) -> None:
    citation = result.snapshot.cite().to_json()
    table(
        f"FedRAMP {result.measure} by {result.by}, {result.attribution} attribution"
        f"{', impact ' + result.impact if result.impact else ''}, as of {result.as_of.date()}",
        ["#", result.by, "count", "share"] + (["providers"] if result.by == "parent" else []),
        [
            (i, row.provider, row.count, percent(row.share))
            + (("; ".join(row.providers),) if result.by == "parent" else ())
            for i, row in enumerate(result.rows[:top], 1)
        ],
        caption=f"total {result.total} {result.measure} · HHI {result.hhi:,.0f} · CR4 "
        f"{percent(result.cr4)} · {len(result.rows)} {result.by}s · snapshot "
        f"{result.snapshot.feed.removeprefix('fedramp-')} {result.snapshot.record_time.date()}"
        + "".join(f"\nnote: {note}" for note in result.notes)
        + f"\nsource {cite_line(citation)}",
    )


@app.command()
def timeline(
    context: typer.Context,
    from_date: Annotated[
        str | None, typer.Option("--from", help="First date. Default: the first snapshot.")
    ] = None,
    to_date: Annotated[str | None, typer.Option("--to", help="Last date. Default: today.")] = None,
    every: Annotated[Period, typer.Option(help="One point per period end.")] = "year",
    valid_at: ValidAt = None,
    impact: Impact = None,
    measure: Measure = "authorizations",
    attribution: Attribution = "infrastructure",
    top: Top = 5,
    feed: Feed = "auto",
    plot: Annotated[Path | None, typer.Option(help="Write a chart: FILE.png or FILE.svg.")] = None,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """Shares over time, one point per period end, and a chart."""
    set_wide(wide)
    with open_store(context) as engine:
        series = wb.fedramp_timeline(
            engine,
            start=from_date,
            stop=to_date,
            every=wb.Period(every),
            valid_at=valid_at,
            measure=wb.Measure(measure),
            attribution=wb.Attribution(attribution),
            impact=wb.Impact(impact) if impact else None,
            feed=wb.Feed(feed),
        )
    if plot:
        wb.plot_timeline(series, plot, top=top)
    if as_json:
        print_json(series.to_json(top))
        return
    leaders = series.leaders(top)
    rows = []
    for point in series.points:
        by_name = {row.provider: row.share for row in point.rows}
        rows.append(
            [
                point.as_of.date(),
                point.snapshot.feed.removeprefix("fedramp-"),
                point.total,
                f"{point.hhi:,.0f}",
                percent(point.cr4),
                *(percent(by_name.get(name, 0.0)) for name in leaders),
            ]
        )
    table(
        f"FedRAMP {measure} shares over time ({attribution} attribution)",
        ["as of", "feed", "total", "hhi", "cr4", *leaders],
        rows,
        caption=f"chart written to {plot}" if plot else "",
    )


@app.command()
def offering(
    context: typer.Context,
    offering_id: Annotated[str, typer.Argument(metavar="ID|NAME", help="Package id or name.")],
    as_of: AsOf = None,
    feed: Feed = "auto",
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """An offering's history: status changes, re-stamped dates, agencies, runs-on links."""
    set_wide(wide)
    with open_store(context) as engine:
        report = wb.fedramp_offering(engine, offering_id, as_of=as_of, feed=wb.Feed(feed))
    if as_json:
        print_json(report.to_json())
        return
    from rich.markup import escape

    current = report.current
    name, provider = (escape(cell_text(text)) for text in _names(current))
    status = current.status_raw if current else "not listed"
    impact = current.impact_raw if current else ""
    console().print(
        f"[bold]{escape(report.package_id)}[/bold] {name} — "
        f"{provider} · {escape(cell_text(status))} · "
        f"{escape(cell_text(impact))} · {_authorized(current)}",
        highlight=False,
    )
    table(
        "Versions over record time",
        [
            "feed",
            "first seen",
            "last seen",
            "status",
            "authorization date",
            "impact",
            "provider",
            "name",
        ],
        [
            (
                v.feed.removeprefix("fedramp-"),
                v.first_seen.date(),
                v.last_seen.date() if v.last_seen else None,
                v.status_raw,
                v.authorization_date,
                v.impact_raw,
                v.provider,
                v.name,
            )
            for v in report.versions
        ],
    )
    table(
        f"Authorizations as of {report.snapshot.record_time.date()}",
        ["kind", "agency", "subagency", "letter date", "expires"],
        [
            (a.kind, a.agency, a.subagency, a.letter_date, a.expiration_date)
            for a in report.authorizations
        ],
    )
    edge_columns = ["offering", "name", "provider", "status"]
    table(
        "Runs on",
        edge_columns,
        [(r.underlying_id, r.name, r.provider, r.status) for r in report.runs_on],
    )
    table(
        "Runs on it",
        edge_columns,
        [(r.package_id, r.name, r.provider, r.status) for r in report.runs_on_it],
    )
    if report.status_history:
        table(
            "Status history (organization export, valid time)",
            ["since", "status"],
            [(s.start_date, s.status_raw) for s in report.status_history],
        )
    for citation in report.citations:
        console().print(
            "source " + cite_line(citation.to_json()),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@app.command("runs-on")
def runs_on(
    context: typer.Context,
    provider: Annotated[str, typer.Argument(help="Infrastructure provider name, or part of it.")],
    as_of: AsOf = None,
    feed: Feed = "auto",
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """Offerings that run on a provider's infrastructure, with their authorizing agencies."""
    set_wide(wide)
    with open_store(context) as engine:
        report = wb.fedramp_runs_on(engine, provider, as_of=as_of, feed=wb.Feed(feed))
    if as_json:
        print_json(report.to_json())
        return
    table(
        f"Offerings running on {provider} as of {report.snapshot.record_time.date()}",
        ["offering", "name", "provider", "status", "runs on", "agencies"],
        [
            (
                r.package_id,
                r.offering,
                r.provider,
                r.status,
                r.runs_on_offering,
                "; ".join(r.agencies[:6]) + (" …" if len(r.agencies) > 6 else ""),
            )
            for r in report.rows
        ],
        caption=f"{len(report.rows)} offerings · source "
        + cite_line(report.snapshot.cite().to_json()),
    )


@app.command()
def changes(
    context: typer.Context,
    from_date: Annotated[
        str, typer.Option("--from", help="Compare the record as of this date ...")
    ],
    to_date: Annotated[
        str | None,
        typer.Option("--to", help="... with the record as of this date. Default: now."),
    ] = None,
    feed: Feed = "auto",
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """New and removed offerings, status changes, letters, runs-on links, re-stamped dates."""
    set_wide(wide)
    with open_store(context) as engine:
        report = wb.fedramp_changes(engine, since=from_date, until=to_date, feed=wb.Feed(feed))
    if as_json:
        print_json(report.to_json())
        return
    table(
        f"FedRAMP changes, {report.before.record_time.date()} → {report.after.record_time.date()}"
        f" ({report.after.feed})",
        ["change", "offering", "name / agency / underlying", "provider", "detail"],
        [(c.kind, c.package_id, c.what, c.provider, c.detail) for c in report.changes],
        caption=", ".join(f"{kind}: {n}" for kind, n in report.counts().items() if n),
    )


def _names(current: wb.Offering | None) -> tuple[str, str]:
    return (current.name, current.provider) if current else ("", "")


def _authorized(current: wb.Offering | None) -> str:
    """E.g. 'authorized 2019-06-01', 'authorized, date not given' or 'not authorized'."""
    date = current.authorization_date if current else None
    if date:
        return f"authorized {date}"
    if current is not None and current.status == "authorized":
        return "authorized, date not given"
    return "not authorized"
