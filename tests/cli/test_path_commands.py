"""``whosbehind path`` and ``whosbehind agency --plot-graph`` end to end on a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.export.support import build_supply_chain_store
from whosbehind.cli.app import app
from whosbehind.export.paths import PathResult

runner = CliRunner(env={"COLUMNS": "250"})
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str, db: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_supply_chain_store(tmp_path_factory.mktemp("path-cli") / "store.duckdb")


def test_path_json_round_trips_and_every_citation_id_is_citable(db: Path) -> None:
    code, text = run("path", "7012", "Amazon", "--top", "3", "--json", db=db)
    assert code == 0, text
    data = json.loads(text)
    result = PathResult.from_json(data)
    assert result.to_json() == data
    assert [len(chain.hops) for chain in result.chains] == [2, 3, 3]
    assert result.chains[0].nodes == ("agency:7012", "offering:F1603047866",
                                      "company:uei:NQEWN6C1LSU5")  # fmt: skip
    assert data["scope"]["agency"]["subtier_codes"] == ["7012"]
    edge = result.chains[0].hops[1].edges[0]
    assert (edge.kind, edge.forward) == ("provides", False)
    code, cited = run("cite", edge.citations[0], "--json", db=db)  # found in the stored records
    assert code == 0, cited
    record = json.loads(cited)
    assert record["citation"] == data["citations"][edge.citations[0]]
    assert record["records"][0]["id"] == "F1603047866"


def test_path_table_shows_directions_money_and_a_plot(db: Path, tmp_path: Path) -> None:
    plot = tmp_path / "chain.svg"
    code, text = run("path", "HSCETE14F00057", "Amazon", "--agency", "7012", "--max-hops", "4",
                     "--top", "8", "--plot", str(plot), db=db)  # fmt: skip
    assert code == 0, text
    assert "Chain 1 of 8: 3 hops" in text and "—authorized→" in text and "←provides—" in text
    assert "CONCUR TECHNOLOGIES, INC." in text and "—paid_to→" in text and "USD" in text
    assert "at most 4 hops" in text and f"chart written to {plot}" in text
    root = ET.parse(plot).getroot()
    labels = {element.text for element in root.iter(f"{SVG}text")}
    assert {"HSCETE14F00057", "AWS GovCloud", "Amazon", "CONCUR TECHNOLOGIES, INC."} <= labels
    code, text = run("path", "7012", "Amazon", "--max-hops", "1", db=db)
    assert code == 0 and "no chain of at most 1 hops" in text


def test_agency_plot_graph_writes_png(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ice.png"
    code, text = run("agency", "7012", "--top", "5", "--plot-graph", str(out), db=db)
    assert code == 0, text
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert f"supply-chain graph written to {out}" in text


def test_errors_list_candidates_on_one_line(db: Path) -> None:
    env = {**os.environ, "WHOSBEHIND_DB": str(db)}
    for args, needles in (
        (["path", "7012", "Palantir"], ["matches", "nodes", "company:duns:362130952"]),
        (["path", "7012", "AWS GovClod"], ["not in the supply-chain graph", "AWS GovCloud"]),
        (["path", "7012", "Amazon", "--top", "0"], ["at least 1"]),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "whosbehind", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert all(needle in done.stderr for needle in needles), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
