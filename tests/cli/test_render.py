"""Tables show at most a bounded part of any value: a 50 MB field cannot stall a command."""

from __future__ import annotations

import json
import time
from pathlib import Path

import orjson
from typer.testing import CliRunner

from tests.conftest import LEGACY_REPO
from whosbehind.cli.app import app
from whosbehind.cli.render import MAX_CELL, cell_text
from whosbehind.pipeline.ingest_fedramp import ingest_fedramp
from whosbehind.sources.gitwalk import list_snapshot_commits, walk_git_history
from whosbehind.store.engine import Engine

runner = CliRunner(env={"COLUMNS": "200"})
HUGE = 5 * 1024 * 1024


def test_a_cell_is_cut_and_says_how_much_is_left() -> None:
    assert cell_text(None) == "" and cell_text("x" * MAX_CELL) == "x" * MAX_CELL
    cut = cell_text("y" * (MAX_CELL + 12_345))
    assert cut == "y" * MAX_CELL + "… (12,345 more characters in --json)"


def test_offering_with_a_huge_name_and_markup(tmp_path: Path) -> None:
    commit = list_snapshot_commits(LEGACY_REPO, ("data/data.json",))[-1][0]
    paths = ("data/data.json",)
    raw = next(iter(walk_git_history(LEGACY_REPO, paths, only_commits=frozenset({commit}))))
    document = orjson.loads(raw.content)
    provider = document["data"]["Providers"][0]
    package = provider["Package_ID"]
    provider["Cloud_Service_Provider_Package"] = "[/bold] " + "lorem ipsum " * (HUGE // 12)
    path = tmp_path / "data.json"
    path.write_bytes(orjson.dumps(document))
    db = tmp_path / "huge.duckdb"
    engine = Engine(db)
    try:
        ingest_fedramp(engine, str(path))
    finally:
        engine.close()
    started = time.monotonic()
    result = runner.invoke(app, ["--db", str(db), "fedramp", "offering", package])
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "[/bold] lorem ipsum" in result.output and "more characters in --json" in result.output
    assert len(result.output) < 20 * MAX_CELL
    assert elapsed < 60  # it took minutes per megabyte before values were cut
    result = runner.invoke(app, ["--db", str(db), "fedramp", "offering", package, "--json"])
    assert result.exit_code == 0
    names = [v["name"] for v in json.loads(result.output)["versions"]]
    assert max(len(name) for name in names) > HUGE - 16  # all of it (trailing blank trimmed)
