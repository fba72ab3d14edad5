"""``whosbehind export`` (the supply-chain graph in six formats) and ``whosbehind cite``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from whosbehind.cli.choices import ExportFormat
from whosbehind.cli.render import cite_line, console, print_json, table
from whosbehind.errors import SourceError, StoreError
from whosbehind.export.build import build_graph
from whosbehind.export.cite import cited_record
from whosbehind.export.formats import graph_format
from whosbehind.model.timeutil import parse_user_instant
from whosbehind.store.engine import Engine, resolve_db_path


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
    writer = graph_format(format)
    path = resolve_db_path((context.find_root().obj or {}).get("db"))
    if not path.exists():
        raise StoreError(f"{path}: no store here yet (run `whosbehind ingest` first)")
    engine = Engine(path, read_only=True)
    try:
        graph = build_graph(engine, parse_user_instant(as_of) if as_of else None, agency)
        written = writer.write(graph, out)
    finally:
        engine.close()
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
    path = resolve_db_path((context.find_root().obj or {}).get("db"))
    engine = Engine(path, read_only=True)
    try:
        found = cited_record(engine, citation_id, read_git_blob)
    finally:
        engine.close()
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


def read_git_blob(repo: Path, commit: str, path: str) -> bytes:
    """The bytes of ``path`` at ``commit`` in the git archive ``repo``."""
    git_dir = repo / ".git" if (repo / ".git").exists() else repo
    done = subprocess.run(
        [
            "git",
            "-c",
            "safe.directory=*",
            f"--git-dir={git_dir}",
            "cat-file",
            "blob",
            f"{commit}:{path}",
        ],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise SourceError(f"{repo}: cannot read {commit}:{path} ({done.stderr.decode().strip()})")
    return done.stdout
