"""The supply-chain graph: building it, the chains between two entities, and what a citation
names. ``as_of`` is record time (what the records said on that date; default the newest)."""

from __future__ import annotations

from pathlib import Path

from whosbehind.api.dates import When, instant
from whosbehind.api.defaults import PATH_MAX_HOPS, PATH_TOP
from whosbehind.api.options import ExportFormat
from whosbehind.export import formats, graph_plot
from whosbehind.export.build import build_graph
from whosbehind.export.cite import CitedRecord, cited_record
from whosbehind.export.formats import GraphFormat
from whosbehind.export.graph import Graph
from whosbehind.export.paths import PathResult, supply_chain_paths
from whosbehind.sources.gitwalk import read_git_blob
from whosbehind.store.engine import Engine


def supply_chain_graph(
    engine: Engine, *, as_of: When | None = None, agency: str | None = None
) -> Graph:
    """Agencies, companies, awards with money per fiscal year, FedRAMP offerings, ATOs, runs-on
    links and ownership, every node and edge with citation ids; ``agency``: only its part."""
    return build_graph(engine, instant(as_of), agency)


def graph_format(format: ExportFormat) -> GraphFormat:
    """An export format's file suffix (``/``: a folder of tables), media type and writer."""
    return formats.graph_format(format)


def write_graph(graph: Graph, format: ExportFormat, out: Path) -> str:
    """Write ``graph`` to ``out`` (a folder for csv and parquet) as ``format``; says what was
    written."""
    return formats.write_graph(graph, format, out)


def supply_chain_path(
    engine: Engine,
    a: str,
    b: str,
    *,
    as_of: When | None = None,
    agency: str | None = None,
    max_hops: int = PATH_MAX_HOPS,
    top: int = PATH_TOP,
) -> PathResult:
    """The chains linking ``a`` and ``b`` (an agency, a company, a FedRAMP offering), shortest
    first, each hop cited. The graph searched is ``agency``'s (``"*"``: the whole store;
    default: the agency among ``a`` and ``b``, if one is, else the whole store)."""
    return supply_chain_paths(engine, a, b, instant(as_of), agency, max_hops, top)


def cite(engine: Engine, citation_id: str) -> CitedRecord:
    """A citation (source, locator, record time, content hash) and the raw record it names,
    re-read from the stored bytes or the git archive."""
    return cited_record(engine, citation_id, read_git_blob)


def plot_path(result: PathResult, path: Path) -> Path:
    """Draw the chains of a :func:`supply_chain_path` as ``path`` (.png or .svg)."""
    return graph_plot.plot_paths(result, path)
