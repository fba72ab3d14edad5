"""Tables show at most a bounded part of any value (a 50 MB field cannot stall a command), and
never split a number, a date or an id across lines, at 80 or 120 columns: text columns are cut
with "…" instead, or shown whole with ``--wide``."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from tests.conftest import LEGACY_REPO
from whosbehind.cli.app import app
from whosbehind.cli.render import MAX_CELL, cell_text, new_table, set_wide, show
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
    result = runner.invoke(app, ["--db", str(db), "fedramp", "offering", package])
    assert result.exit_code == 0, result.output
    assert "[/bold] lorem ipsum" in result.output and "more characters in --json" in result.output
    # what the table lays out is bounded (laying out the whole value took minutes per megabyte)
    assert len(result.output) < 20 * MAX_CELL
    result = runner.invoke(app, ["--db", str(db), "fedramp", "offering", package, "--json"])
    assert result.exit_code == 0
    names = [v["name"] for v in json.loads(result.output)["versions"]]
    assert max(len(name) for name in names) > HUGE - 16  # all of it (trailing blank trimmed)


COLUMNS = ["award_id", "recipient", "recipient_parent", "obligated", "first action", "citations"]
LONG_NAME = "SOCIAL SCIENCES AUTOMATION AND INFORMATION TECHNOLOGY SOLUTIONS INCORPORATED"
ROWS = [
    (
        "HSCETC15J00001",
        LONG_NAME,
        "GENERAL DYNAMICS INFORMATION TECHNOLOGY letter 2023-04-27 to 2026-04-27",
        "1,234,567,890.12",
        "2017-10-01",
        "c4bca36636b9dd07 1f2e3d4c5b6a7988",
    ),
    (
        "HSCEMD16C00002",
        "PALANTIR USG INC",
        "PALANTIR TECHNOLOGIES INC.",
        "41,000.00",
        "2018-01-02",
        "",
    ),
]


def render(rows: list[tuple[str, ...]], width: int, wide: bool = False) -> list[str]:
    set_wide(wide)
    try:
        out = Console(file=io.StringIO(), width=width, color_system=None)
        show(out, new_table("Awards", COLUMNS, rows, width))
        return out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    finally:
        set_wide(False)


TOKEN_COLUMNS = (0, 3, 4, 5)  # award_id, obligated, first action, citations: always shown


def tokens(rows: list[tuple[str, ...]]) -> set[str]:
    """The numbers, dates and ids of the token columns (text columns may be cut or left out)."""
    return {w for row in rows for i in TOKEN_COLUMNS for w in row[i].split()}


def test_numbers_dates_and_ids_stay_whole_and_text_is_cut_at_80_and_120() -> None:
    for width in (80, 120):
        lines = render(ROWS, width)
        assert all(len(line) <= width for line in lines)
        for token in tokens(ROWS):
            assert any(token in line for line in lines), f"{token} split at {width} columns"
        assert not any(LONG_NAME in line for line in lines) and any("…" in line for line in lines)
        first_row = next(line for line in lines if "HSCETC15J00001" in line)
        assert "…" in first_row and "2017-10-01" in first_row  # the text cut on the row's line
        assert not any(re.search(r"[0-9]…", line) for line in lines)  # no token shown in part
        hidden = [line for line in lines if line.startswith("not shown at")]
        assert all("--wide shows all" in line for line in hidden)


def test_wide_shows_the_whole_text_wrapped_at_word_boundaries() -> None:
    lines = render(ROWS, 120, wide=True)
    text = " ".join(" ".join(lines).split())
    for word in LONG_NAME.split():
        assert word in text
    for token in tokens(ROWS):
        assert any(token in line for line in lines)


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Z]{4}[0-9]{6,12}", fullmatch=True),
            st.text(alphabet="ABCDEFGH .,", max_size=90),
            st.text(alphabet="ABCDEFGH .,", max_size=60),
            st.decimals(0, 10**12, places=2).map(lambda d: f"{d:,.2f}"),
            st.dates().map(lambda d: d.isoformat()),
            st.just(""),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from([80, 120]),
    st.booleans(),
)
def test_no_token_is_ever_split(rows: list[tuple[str, ...]], width: int, wide: bool) -> None:
    lines = render(rows, width, wide)
    for token in tokens(rows):
        assert any(token in line for line in lines), token
