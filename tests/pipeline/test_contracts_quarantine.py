"""Bad input: malformed rows are quarantined with file, line, field and reason (the reference
reader's, line for line) and counted; a changed layout is reported from the header."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.support.contracts import ICE_2018, ICE_LOCAL_GOV
from whosbehind.model.contracts import Quarantined, Transaction
from whosbehind.pipeline.contracts.ingest import ContractIngestSummary, ingest_usaspending
from whosbehind.sources.usaspending import columns
from whosbehind.sources.usaspending.csv_reader import iter_csv_records
from whosbehind.store.engine import Engine

POSITION = {name: index for index, name in enumerate(columns.AWARDS_2018)}


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    return path


def ingest(path: Path, db: Path) -> tuple[ContractIngestSummary, list[dict[str, object]]]:
    engine = Engine(db)
    try:
        summary = ingest_usaspending(engine, path)
        stored = engine.rows(
            "SELECT file, line, field, reason, raw_excerpt FROM contract_quarantine ORDER BY line"
        )
        return summary, stored
    finally:
        engine.close()


def reference_quarantine(path: Path) -> list[tuple[str, int, str, str]]:
    return [
        (q.file, q.line, q.field, q.reason)
        for q in iter_csv_records(path)
        if isinstance(q, Quarantined)
    ]


def test_broken_rows_are_quarantined_as_the_reference_reader_does(tmp_path: Path) -> None:
    rows = read_rows(ICE_2018 / "fy14.csv")
    rows[4][POSITION["action_date"]] = "31/02/2014"
    rows[9][POSITION["federal_action_obligation"]] = "12,5O0.00"
    rows[14][POSITION["federal_action_obligation"]] = "NAN"
    rows[19] = rows[19][:100]
    rows[24][POSITION["period_of_performance_start_date"]] = "sometime"
    rows[29][POSITION["potential_total_value_of_award"]] = "1_000"
    rows[34][POSITION["award_id_piid"]] = " "
    damaged = write_rows(tmp_path / "fy14.csv", rows)
    summary, stored = ingest(damaged, tmp_path / "q.duckdb")
    expected = reference_quarantine(damaged)
    assert [(s["file"], s["line"], s["field"], s["reason"]) for s in stored] == expected
    assert [(line, field) for _, line, field, _ in expected] == [
        (5, "action_date"),
        (10, "federal_action_obligation"),
        (15, "federal_action_obligation"),
        (20, "*"),
        (25, "period_of_performance_start_date"),
        (30, "potential_total_value_of_award"),
        (35, "award_id_piid"),
    ]
    assert stored[1]["reason"] == "not an amount: '12,5O0.00'"
    assert stored[2]["reason"] == "not a number: 'NAN'"  # written, so not "empty"
    assert stored[3]["reason"] == "row has 100 cells, the header 259"
    assert "12,5O0.00" in str(stored[1]["raw_excerpt"])
    assert summary.rows_quarantined == 7 and summary.rows_read == 193
    assert summary.transactions_inserted == 193 - 7
    assert summary.files[0].quarantined == 7


def test_lines_count_line_breaks_inside_cells(tmp_path: Path) -> None:
    rows = read_rows(ICE_2018 / "fy13.csv")  # the one file with a header
    description = columns.AWARDS_2018.index("award_description")
    rows[3][description] = "FIRST LINE\nSECOND LINE\nTHIRD"
    rows[10][POSITION["federal_action_obligation"]] = "lots"
    rows[20] = [*rows[20], "extra"]
    damaged = write_rows(tmp_path / "fy13.csv", rows)
    summary, stored = ingest(damaged, tmp_path / "q.duckdb")
    assert [(s["line"], s["field"]) for s in stored] == [(13, "federal_action_obligation"),
                                                          (23, "*")]  # fmt: skip
    assert [(s["file"], s["line"], s["field"], s["reason"]) for s in stored] == (
        reference_quarantine(damaged)
    )
    engine = Engine(tmp_path / "q.duckdb", read_only=True)
    text = engine.scalar(
        "SELECT description FROM contract_award WHERE description LIKE 'FIRST LINE%'"
    )
    engine.close()
    assert text == "FIRST LINE\nSECOND LINE\nTHIRD"
    assert summary.transactions_inserted == 157 - 2


def test_bytes_that_are_not_utf8_quarantine_their_row_only(tmp_path: Path) -> None:
    lines = (ICE_2018 / "fy14.csv").read_bytes().split(b"\n")
    name = next(csv.reader([lines[6].decode()]))[POSITION["recipient_name"]].encode()
    lines[6] = lines[6].replace(name, b"\xff" + name[1:], 1)  # in a column that is read
    damaged = tmp_path / "fy14.csv"
    damaged.write_bytes(b"\n".join(lines))
    summary, stored = ingest(damaged, tmp_path / "q.duckdb")
    assert [(s["line"], s["field"], s["reason"]) for s in stored] == [(7, "*", "not valid UTF-8")]
    assert summary.transactions_inserted == 192


def test_amounts_with_fractions_of_a_cent_are_not_rounded(tmp_path: Path) -> None:
    rows = read_rows(ICE_2018 / "fy14.csv")
    rows[2][POSITION["federal_action_obligation"]] = "100.005"
    damaged = write_rows(tmp_path / "fy14.csv", rows)
    summary, stored = ingest(damaged, tmp_path / "q.duckdb")
    assert [(s["line"], s["field"]) for s in stored] == [(3, "federal_action_obligation")]
    assert "fractions of a cent" in str(stored[0]["reason"])
    assert summary.transactions_inserted == 192


def test_a_row_only_the_fast_reader_refuses_is_read_by_the_reference(tmp_path: Path) -> None:
    """Leading spaces in an amount trip nothing; the reference reader takes the row as it is."""
    rows = read_rows(ICE_2018 / "fy14.csv")
    rows[5][POSITION["federal_action_obligation"]] = " 12.50"
    damaged = write_rows(tmp_path / "fy14.csv", rows)
    summary, stored = ingest(damaged, tmp_path / "q.duckdb")
    assert stored == [] and summary.transactions_inserted == 193
    engine = Engine(tmp_path / "q.duckdb", read_only=True)
    expected = sum(
        t.federal_action_obligation for t in iter_csv_records(damaged) if isinstance(t, Transaction)
    )
    assert engine.scalar("SELECT sum(federal_action_obligation) FROM contract_transaction") == (
        expected
    )
    engine.close()


def test_implausible_values_are_quarantined_not_stored(tmp_path: Path) -> None:
    rows = read_rows(ICE_2018 / "fy14.csv")
    rows[2][POSITION["action_date"]] = "01/01/0001"  # fiscal year 1
    rows[4][POSITION["action_date"]] = "30/12/9999"  # fiscal year 10000
    full_width = "\uff11\uff12\uff13\uff14.\uff10\uff10"  # 1234.00 in full-width digits
    rows[6][POSITION["federal_action_obligation"]] = full_width
    rows[8][POSITION["federal_action_obligation"]] = "Infinity"
    rows[10][POSITION["potential_total_value_of_award"]] = "nan"
    rows[12][POSITION["period_of_performance_current_end_date"]] = "01/01/2250"
    damaged = write_rows(tmp_path / "fy14.csv", rows)
    summary, stored = ingest(damaged, tmp_path / "q.duckdb")
    assert [(s["file"], s["line"], s["field"], s["reason"]) for s in stored] == (
        reference_quarantine(damaged)
    )
    assert [(s["line"], s["field"], s["reason"]) for s in stored] == [
        (3, "action_date", "implausible date 0001-01-01: an action date lies in 1970..2099"),
        (5, "action_date", "implausible date 9999-12-30: an action date lies in 1970..2099"),
        (7, "federal_action_obligation", f"not an amount: {full_width!r}"),
        (9, "federal_action_obligation", "not a number: 'Infinity'"),
        (11, "potential_total_value_of_award", "not a number: 'nan'"),
        (13, "period_of_performance_current_end_date",
         "implausible date 2250-01-01: a date lies in 1900..2199"),
    ]  # fmt: skip
    engine = Engine(tmp_path / "q.duckdb", read_only=True)
    years = engine.scalar("SELECT max(fiscal_year) - min(fiscal_year) FROM contract_transaction")
    engine.close()
    assert summary.rows_quarantined == 6 and years <= 2


def _without(source: Path, column: str, target: Path) -> Path:
    rows = read_rows(source)
    index = rows[0].index(column)
    return write_rows(target, [row[:index] + row[index + 1 :] for row in rows])


def test_a_missing_column_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    trimmed = _without(ICE_2018 / "fy13.csv", "naics_description", tmp_path / "fy13.csv")
    summary, _ = ingest(trimmed, tmp_path / "q.duckdb")
    assert summary.snapshots_stored == 1 and summary.transactions_inserted == 157
    assert summary.warnings["missing column naics_description"] == 157
    assert "missing 1: naics_description" in summary.files[0].layout
    engine = Engine(tmp_path / "q.duckdb", read_only=True)
    audit = engine.rows("SELECT path, count FROM audit_field WHERE path LIKE '(missing)%'")
    engine.close()
    assert audit == [{"path": "(missing) naics_description", "count": 157}]


def test_a_missing_required_column_fails_the_file_with_the_reason(tmp_path: Path) -> None:
    trimmed = _without(ICE_2018 / "fy13.csv", "federal_action_obligation", tmp_path / "fy13.csv")
    summary, _ = ingest(trimmed, tmp_path / "q.duckdb")
    assert summary.failed == 1 and summary.snapshots_stored == 0
    assert "missing required column(s) federal_action_obligation" in summary.errors[0]
    engine = Engine(tmp_path / "q.duckdb", read_only=True)
    failed = engine.rows("SELECT status, error, locator FROM snapshot")
    engine.close()
    assert failed[0]["status"] == "failed" and "federal_action_obligation" in failed[0]["error"]


def test_an_unknown_column_is_counted(tmp_path: Path) -> None:
    source = ICE_LOCAL_GOV / "us-reg-state-gov-ice-contracts.csv"
    rows = read_rows(source)
    extended = write_rows(
        tmp_path / "extra.csv",
        [[*row, "new" if i else "brand_new_column"] for i, row in enumerate(rows)],
    )
    summary, _ = ingest(extended, tmp_path / "q.duckdb")
    assert summary.awards_inserted == 331
    assert summary.warnings["unknown column brand_new_column"] == 331


def test_a_named_file_that_is_no_contract_csv_fails(tmp_path: Path) -> None:
    summary, _ = ingest(ICE_2018 / "freezer.csv", tmp_path / "q.duckdb")
    assert summary.failed == 1
    assert "not a USAspending contract CSV: no known layout (14 columns)" in summary.errors[0]


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage"])
def test_empty_or_unreadable_files_fail_cleanly(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_bytes(content)
    summary, _ = ingest(bad, tmp_path / "q.duckdb")
    assert summary.failed == 1 and summary.snapshots_stored == 0


def test_quarantine_excerpts_never_hold_personal_columns(tmp_path: Path) -> None:
    source = ICE_LOCAL_GOV / "us-reg-state-gov-ice-contracts.csv"
    rows = read_rows(source)
    header = rows[0]
    rows[1][header.index("highly_compensated_officer_1_name")] = "JANE DOE"
    rows[1][header.index("total_obligated_amount")] = "lots"
    damaged = write_rows(tmp_path / "summaries.csv", rows[:3])
    summary, stored = ingest(damaged, tmp_path / "q.duckdb")
    assert [(s["line"], s["field"]) for s in stored] == [(2, "total_obligated_amount")]
    assert "JANE DOE" not in repr(stored) and summary.awards_inserted == 1
    engine = Engine(tmp_path / "q.duckdb", read_only=True)
    copy = engine.scalar("SELECT content FROM raw_object")
    engine.close()
    import gzip

    text = gzip.decompress(copy).decode()
    assert "JANE DOE" not in text and "lots" in text
    assert len(list(csv.reader(io.StringIO(text)))) == 3
