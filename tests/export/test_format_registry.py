"""The export and report format registries: the CLI offers exactly what they hold, each graph
format writes through its registered writer what the writer module writes, and an unknown name
is a usage error naming the choices."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from whosbehind.cli.choices import ExportFormat, ReportFormat
from whosbehind.errors import UsageError
from whosbehind.export.formats import GRAPH_FORMATS, graph_format, write_graph
from whosbehind.export.ftm import write_ftm
from whosbehind.export.gexf import write_gexf
from whosbehind.export.graph import Graph
from whosbehind.export.graphml import write_graphml
from whosbehind.export.report_formats import REPORT_FORMATS, render_report


def test_the_cli_offers_every_registered_format_and_no_other() -> None:
    assert set(typing.get_args(ExportFormat)) == set(GRAPH_FORMATS)
    assert set(typing.get_args(ReportFormat)) == {"table", *REPORT_FORMATS}


def test_names_suffixes_and_media_types_are_distinct() -> None:
    files = [spec.suffix for spec in GRAPH_FORMATS.values() if spec.suffix != "/"]
    assert len(set(files)) == len(files)
    assert all(suffix.startswith(".") for suffix in files)
    assert len({spec.media_type for spec in GRAPH_FORMATS.values()}) == len(GRAPH_FORMATS)
    assert [spec.suffix for spec in REPORT_FORMATS.values()] == [".md", ".html"]


@pytest.mark.parametrize(
    ("name", "writer"), [("ftm", write_ftm), ("gexf", write_gexf), ("graphml", write_graphml)]
)
def test_a_registered_format_writes_what_its_writer_writes(
    ice_graph: Graph, tmp_path: Path, name: str, writer: typing.Callable[[Graph, Path], object]
) -> None:
    direct, registered = tmp_path / f"direct.{name}", tmp_path / f"registered.{name}"
    writer(ice_graph, direct)
    message = write_graph(ice_graph, name, registered)
    assert registered.read_bytes() == direct.read_bytes()
    assert str(registered) in message


def test_tables_write_a_folder_and_name_its_files(ice_graph: Graph, tmp_path: Path) -> None:
    message = write_graph(ice_graph, "csv", tmp_path / "tables")
    written = sorted(p.name for p in (tmp_path / "tables").glob("*.csv"))
    assert written == ["citations.csv", "edges.csv", "nodes.csv"]
    assert all(name in message for name in written)


def test_an_unknown_format_names_the_choices() -> None:
    with pytest.raises(UsageError, match="choose one of ftm, gexf, graphml, csv, parquet, sqlite"):
        graph_format("dot")
    with pytest.raises(UsageError, match="choose one of table, markdown, html"):
        render_report(None, "pdf", ("table", *REPORT_FORMATS))  # type: ignore[arg-type]
