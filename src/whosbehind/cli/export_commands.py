"""``whosbehind export`` (the supply-chain graph in six formats) and ``whosbehind cite``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

import whosbehind as wb
from whosbehind.cli.choices import ExportFormat
from whosbehind.cli.context import open_store
from whosbehind.cli.render import cite_line, console, print_json, table


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("cite")(cite)


def export(
    context: typer.Context,
    format: Annotated[
        ExportFormat,
        typer.Option("--format", help="What to write."),
    ],
    out: Annotated[Path, typer.Option(help="Output file (a folder for csv and parquet).")],
    agency: Annotated[
        str | None,
        typer.Option(
            help="Only this agency: subtier code (7012) or name, or a toptier agency (070, "
            "7000, its name) with every subtier under it."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="Record time: what the records said on this date. Default: the newest."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the graph's metadata as JSON.")
    ] = False,
) -> None:
    """Write the supply-chain graph, every node and edge with citation ids.

    Agencies, companies, awards with money per fiscal year, FedRAMP offerings, ATOs, runs-on
    links and ownership.
    """
    with open_store(context) as engine:
        graph = wb.supply_chain_graph(engine, as_of=as_of, agency=agency)
        written = wb.write_graph(graph, wb.ExportFormat(format), out)
    if as_json:
        print_json({**graph.metadata, "out": str(out)})
        return
    meta = graph.metadata
    table(
        f"Exported {len(graph.nodes):,} nodes, {len(graph.edges):,} edges, "
        f"{len(graph.citations):,} citations",
        ["what", "count"],
        sorted(graph.counts().items()),
        caption=f"{written}\nobligated {meta['obligated']} USD; companies grouped by "
        f"{meta['company_grouping']}; `whosbehind cite ID` prints any citation.",
    )


def cite(
    context: typer.Context,
    citation_id: Annotated[
        str, typer.Argument(metavar="ID", help="A citation id (c + 16 hex) any output printed.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A citation (source, locator, record time, content hash) and the raw record it names."""
    with open_store(context) as engine:
        found = wb.cite(engine, citation_id)
    data = found.to_json()
    if as_json:
        print_json(data)
        return
    out = console()
    out.print(cite_line(data["citation"]), highlight=False, soft_wrap=True, markup=False)
    out.print(f"bytes: {found.bytes_from or 'not available'}", highlight=False, markup=False)
    if found.note:
        out.print(found.note, highlight=False, markup=False)
    for record in found.records:
        out.file.write(json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n")
