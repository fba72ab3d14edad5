"""The graph's export formats: one registry of name, file suffix, media type and writer.

``whosbehind export --format NAME`` and any other caller (the web app's downloads) write a
``Graph`` through ``write_graph``; a new format is a writer module in this package and one
``GraphFormat`` in ``GRAPH_FORMATS``. ``csv`` and ``parquet`` write a folder of tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whosbehind.errors import UsageError
from whosbehind.export.ftm import write_ftm
from whosbehind.export.gexf import write_gexf
from whosbehind.export.graph import Graph
from whosbehind.export.graphml import write_graphml
from whosbehind.export.sqlite import write_sqlite
from whosbehind.export.tabular import write_csv, write_parquet


@dataclass(frozen=True, slots=True)
class GraphFormat:
    """One export format: ``write`` writes the graph to ``out`` and says what it wrote."""

    name: str
    suffix: str  # of the file written; "/" for a folder
    media_type: str
    write: Callable[[Graph, Path], str]


def _ftm(graph: Graph, out: Path) -> str:
    return f"{write_ftm(graph, out):,} FollowTheMoney entities in {out}"


def _tables(writer: Callable[[Graph, Path], list[Path]]) -> Callable[[Graph, Path], str]:
    def write(graph: Graph, out: Path) -> str:
        return f"{', '.join(p.name for p in writer(graph, out))} in {out}"

    return write


def _file(writer: Callable[[Graph, Path], None]) -> Callable[[Graph, Path], str]:
    def write(graph: Graph, out: Path) -> str:
        writer(graph, out)
        return str(out)

    return write


GRAPH_FORMATS: dict[str, GraphFormat] = {
    spec.name: spec
    for spec in (
        GraphFormat("ftm", ".ftm.json", "application/x-ndjson", _ftm),
        GraphFormat("gexf", ".gexf", "application/gexf+xml", _file(write_gexf)),
        GraphFormat("graphml", ".graphml", "application/graphml+xml", _file(write_graphml)),
        GraphFormat("csv", "/", "text/csv", _tables(write_csv)),
        GraphFormat("parquet", "/", "application/vnd.apache.parquet", _tables(write_parquet)),
        GraphFormat("sqlite", ".sqlite", "application/vnd.sqlite3", _file(write_sqlite)),
    )
}


def graph_format(name: str) -> GraphFormat:
    """The format called ``name``; a ``UsageError`` naming the choices for any other."""
    if name not in GRAPH_FORMATS:
        raise UsageError(f"unknown format {name!r}; choose one of {', '.join(GRAPH_FORMATS)}")
    return GRAPH_FORMATS[name]


def write_graph(graph: Graph, name: str, out: Path) -> str:
    """Write ``graph`` to ``out`` in the format ``name``; what was written, for a message."""
    return graph_format(name).write(graph, out)
