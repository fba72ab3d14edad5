"""A file of junk lines fails fast with how many records lack cells and the first one's line;
up to ``MAX_SHORT`` short records are quarantined one by one; line breaks inside quoted cells
are not junk. (How fast: benchmarks/contracts_junk_lines.py, not a timed test.)"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.pipeline.contracts import csv_junk
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.engine import Engine

LOCAL_GOV = ICE_LOCAL_GOV / "us-local-gov-ice-contracts.csv"


def _rows() -> list[list[str]]:
    text = LOCAL_GOV.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(path: Path, rows: list[list[str]], junk_at: int, junk: int) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows[:junk_at])
    out.write("".join(f"junk line {n}, of two cells\n" for n in range(junk)))
    writer.writerows(rows[junk_at:])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _ingest(tmp_path: Path, folder: Path) -> dict[str, dict[str, object]]:
    engine = Engine(tmp_path / "store.duckdb")
    try:
        ingest_usaspending(engine, folder)
        rows = engine.rows(
            "SELECT locator, status, error, (SELECT count(*) FROM contract_award a "
            "WHERE a.feed = s.feed AND a.seq = s.seq) AS awards_inserted FROM snapshot s"
        )
        quarantined = engine.rows(
            "SELECT s.locator, count(*) AS n FROM contract_quarantine q "
            "JOIN snapshot s USING (feed, seq) GROUP BY s.locator"
        )
    finally:
        engine.close()
    found = {Path(str(row["locator"])).name: row for row in rows}
    for row in quarantined:
        found[Path(str(row["locator"])).name]["quarantined"] = row["n"]
    return found


def test_junk_over_the_limit_fails_the_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_junk, "MAX_SHORT", 20)
    rows = _rows()
    folder = tmp_path / "files"
    folder.mkdir()
    _write(folder / "a-junk.csv", rows[:6], junk_at=3, junk=21)
    _write(folder / "b-good.csv", rows[:6], junk_at=6, junk=0)
    found = _ingest(tmp_path, folder)
    assert found["a-junk.csv"]["status"] == "failed"
    assert found["a-junk.csv"]["error"] == (
        f"21 of 26 records have fewer cells than the layout's {len(rows[0])} columns, the "
        "first at line 4 (more than 20: junk, not a contract file of this layout); nothing "
        "of it is stored"
    )
    assert found["b-good.csv"]["status"] == "ok" and found["b-good.csv"]["awards_inserted"] == 5


def test_junk_up_to_the_limit_is_quarantined_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_junk, "MAX_SHORT", 20)
    folder = tmp_path / "files"
    folder.mkdir()
    _write(folder / "junk.csv", _rows()[:6], junk_at=3, junk=20)
    found = _ingest(tmp_path, folder)
    assert found["junk.csv"]["status"] == "ok" and found["junk.csv"]["awards_inserted"] == 5
    assert found["junk.csv"]["quarantined"] == 20


def test_line_breaks_inside_quoted_cells_are_not_junk_but_junk_among_them_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_junk, "MAX_SHORT", 3)
    rows = _rows()[:11]
    described = rows[0].index("prime_award_base_transaction_description")
    for row in rows[1:]:
        row[described] = "one line\nanother\nand a third"
    folder = tmp_path / "files"
    folder.mkdir()
    _write(folder / "multiline.csv", rows, junk_at=11, junk=0)
    _write(folder / "multiline-junk.csv", rows, junk_at=5, junk=4)
    found = _ingest(tmp_path, folder)
    assert found["multiline.csv"]["status"] == "ok"
    assert found["multiline.csv"]["awards_inserted"] == 10
    assert found["multiline-junk.csv"]["status"] == "failed"
    assert str(found["multiline-junk.csv"]["error"]).startswith(
        f"4 of 14 records have fewer cells than the layout's {len(rows[0])} columns, the "
        "first at line 14 ("
    )


@given(st.lists(st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")), max_size=30))
def test_line_count_counts_a_last_line_without_its_break(tmp_path_factory, lines) -> None:  # type: ignore[no-untyped-def]
    for ending in (b"", b"\n"):
        data = b"\n".join(lines) + (ending if lines else b"")
        path = tmp_path_factory.mktemp("lines") / "f.csv"
        path.write_bytes(data)
        expected = 0 if not data else len(data.split(b"\n")) - data.endswith(b"\n")
        assert csv_junk.line_count(path) == expected
