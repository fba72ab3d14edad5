from __future__ import annotations

import csv
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest

from whosbehind.errors import SnapshotError, SourceError
from whosbehind.model.contracts import Award, ContractRecord, Quarantined, Transaction
from whosbehind.sources.usaspending import columns
from whosbehind.sources.usaspending.csv_reader import CsvReport, iter_csv_records

FY_FILES = ("fy13.csv", "fy14.csv", "fy15.csv", "fy16.csv", "fy17.csv", "fy18.csv")
ROWS_PER_FILE = {
    "fy13.csv": 157,
    "fy14.csv": 193,
    "fy15.csv": 444,
    "fy16.csv": 936,
    "fy17.csv": 1739,
    "fy18.csv": 2203,
}


T = TypeVar("T")
Read = tuple[list[ContractRecord], CsvReport]


def read(source: Path, **kwargs: str) -> Read:
    report = CsvReport()
    return list(iter_csv_records(source, report, **kwargs)), report


def of_type(records: list[ContractRecord], kind: type[T]) -> list[T]:
    return [record for record in records if isinstance(record, kind)]


@pytest.fixture(scope="module")
def ice_read(ice_2018: Path) -> Read:
    return read(ice_2018, name="ice-fy13-fy18")


def independent_rows(folder: Path) -> list[dict[str, str]]:
    """The FY13-FY18 rows read with nothing but the csv module and the data dictionary."""
    with (folder / "follow_the_money_data_dictionary.csv").open(newline="") as stream:
        names = [name for _, name in csv.reader(stream)]
    rows: list[dict[str, str]] = []
    for name in FY_FILES:
        with (folder / name).open(newline="", encoding="utf-8") as stream:
            lines = list(csv.reader(stream))
        rows.extend(dict(zip(names, line, strict=True)) for line in lines[name == "fy13.csv" :])
    return rows


def test_every_fy13_to_fy18_row_is_read_or_quarantined(ice_read: Read, ice_2018: Path) -> None:
    records, report = ice_read
    transactions, quarantined = of_type(records, Transaction), of_type(records, Quarantined)
    assert {Path(item.name).name: item.rows for item in report.files} == ROWS_PER_FILE
    assert report.rows == sum(ROWS_PER_FILE.values()) == 5672
    assert len(transactions) + len(quarantined) == 5672
    # The export is clean: nothing needs quarantine. NAN cells, mixed date styles and
    # Excel exponents sit in columns that parse or that the reader does not need.
    assert quarantined == [] and report.quarantined == 0
    assert all(q.reason for q in quarantined)


def test_obligations_per_fiscal_year_agree_to_the_cent(ice_read: Read, ice_2018: Path) -> None:
    records, _ = ice_read
    expected: defaultdict[int, Decimal] = defaultdict(Decimal)
    for row in independent_rows(ice_2018):
        expected[int(row["fiscal_year"])] += Decimal(row["federal_action_obligation"])
    actual: defaultdict[int, Decimal] = defaultdict(Decimal)
    for transaction in of_type(records, Transaction):
        actual[transaction.fiscal_year] += transaction.federal_action_obligation
    assert actual == expected
    assert actual[2018] == Decimal("343840113.41")
    assert all(
        isinstance(t.federal_action_obligation, Decimal) for t in of_type(records, Transaction)
    )


def test_awards_carry_ice_under_dhs_and_the_parent_idv(ice_read: Read) -> None:
    records, _ = ice_read
    awards: list[Award] = of_type(records, Award)
    assert len(awards) == 5672  # one row per award and fiscal year
    assert {a.awarding_subtier_code for a in awards} == {"7012"}
    assert {a.awarding_subtier_name for a in awards} == {"U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT"}
    assert {a.awarding_toptier_code for a in awards} == {"70"}  # as the 2018 export wrote it
    assert Counter(a.award_type for a in awards) == {"order": 4527, "contract": 1060, "idv": 85}
    # Palantir's ICM (HSCETC14C00002) is a single-award IDC: an IDV that obligates money itself.
    palantir = [a for a in awards if a.piid == "HSCETC14C00002"]
    assert [a.award_key for a in palantir] == ["CONT_IDV_HSCETC14C00002_7012"] * 2
    assert palantir[-1].award_type_code == "IDV_B"
    assert palantir[-1].potential_total_value == Decimal("53148388.39")
    order = next(a for a in awards if a.piid == "HSCEDM14F00011")
    assert (order.parent_idv_piid, order.parent_idv_agency_code) == ("GS21F0017Y", "4732")
    assert order.award_key == "CONT_AWD_HSCEDM14F00011_7012_GS21F0017Y_4732"
    assert all(a.recipient_duns is None or len(a.recipient_duns) == 9 for a in awards)
    idv = next(a for a in awards if a.award_type == "idv")
    assert idv.award_key.startswith("CONT_IDV_") and idv.award_type_code in {"IDV_B", "IDV_E"}


def test_day_first_and_two_digit_year_dates(ice_read: Read) -> None:
    records, _ = ice_read
    first = next(a for a in of_type(records, Award) if a.piid == "HSCEDM14F00011")
    # fy14.csv row 1: action_date 27/03/2014, period_of_performance_start_date 01/05/14 00:00
    assert str(first.latest_action_date) == "2014-03-27"
    assert str(first.start_date) == "2014-05-01"
    assert first.locator == "ice-fy13-fy18/fy14.csv#L1"  # no header row in fy14.csv


def test_side_files_in_the_folder_are_skipped_and_listed(ice_read: Read) -> None:
    _, report = ice_read
    skipped = {Path(name).name for name, _ in report.skipped}
    assert "freezer.csv" in skipped and "follow_the_money_data_dictionary.csv" in skipped
    assert report.unknown_fields == {}


def test_current_award_summaries(ice_local_gov: Path) -> None:
    records, report = read(ice_local_gov)
    awards: list[Award] = of_type(records, Award)
    assert len(awards) == report.rows == 720 + 331
    assert of_type(records, Transaction) == [] and report.quarantined == 0
    expected = Decimal(0)
    for name in ("us-local-gov-ice-contracts.csv", "us-reg-state-gov-ice-contracts.csv"):
        with (ice_local_gov / name).open(newline="", encoding="utf-8") as stream:
            expected += sum(
                Decimal(row["total_obligated_amount"]) for row in csv.DictReader(stream)
            )
    assert sum(a.total_obligation or Decimal(0) for a in awards) == expected
    first = awards[0]
    assert first.award_key == "CONT_AWD_HSCEOP07P01060_7012_-NONE-_-NONE-"
    assert (first.recipient_uei, first.recipient_parent_uei) == ("FXFKPJKNZKE8", "FXFKPJKNZKE8")
    assert str(first.potential_end_date) == "2007-08-30"  # written "2007-08-30 00:00:00"
    assert {a.awarding_subtier_code for a in awards} == {"7012"}
    assert Counter(a.award_type for a in awards)["idv"] == 4


def test_an_unknown_column_is_counted_per_row(ice_local_gov: Path, tmp_path: Path) -> None:
    source = ice_local_gov / "us-reg-state-gov-ice-contracts.csv"
    with source.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    target = tmp_path / "extra.csv"
    with target.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(
            [[*row, "new" if i else "brand_new_column"] for i, row in enumerate(rows)]
        )
    records, report = read(target)
    assert len(of_type(records, Award)) == 331
    assert report.unknown_fields == {"brand_new_column": 331}
    assert report.files[0].unknown_columns == ("brand_new_column",)


def damaged_copy(ice_2018: Path, tmp_path: Path) -> Path:
    """fy14.csv with four rows broken the ways real exports break."""
    with (ice_2018 / "fy14.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    position = {name: index for index, name in enumerate(columns.AWARDS_2018)}
    rows[4][position["action_date"]] = "31/02/2014"
    rows[9][position["federal_action_obligation"]] = "12,5O0.00"
    rows[14][position["federal_action_obligation"]] = "NAN"
    rows[19] = rows[19][:100]
    target = tmp_path / "fy14.csv"
    with target.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    return target


def test_malformed_rows_are_quarantined_with_line_field_and_reason(
    ice_2018: Path, tmp_path: Path
) -> None:
    records, report = read(damaged_copy(ice_2018, tmp_path), name="fy14.csv")
    quarantined: list[Quarantined] = of_type(records, Quarantined)
    assert [(q.line, q.field) for q in quarantined] == [
        (5, "action_date"),
        (10, "federal_action_obligation"),
        (15, "federal_action_obligation"),
        (20, "*"),
    ]
    assert "not a calendar date" in quarantined[0].reason
    assert quarantined[2].reason == "not a number: 'NAN'"  # not "empty": it is written
    assert quarantined[3].reason == "row has 100 cells, the header 259"
    assert (
        "award_id_piid=" in quarantined[1].raw_excerpt and "12,5O0.00" in quarantined[1].raw_excerpt
    )
    assert len(of_type(records, Transaction)) == 193 - 4
    assert report.quarantined == 4 and report.rows == 193


def test_zip_archives_are_read_like_folders(ice_2018: Path, tmp_path: Path) -> None:
    archive = tmp_path / "FY2014_7012_Contracts_Full.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(ice_2018 / "fy13.csv", "fy13.csv")
        bundle.write(ice_2018 / "fy14.csv", "fy14.csv")
        bundle.writestr("readme.txt", "About these files")
    records, report = read(archive)
    assert len(of_type(records, Transaction)) == 157 + 193
    assert [Path(item.name).name for item in report.files] == [
        "FY2014_7012_Contracts_Full.zip!fy13.csv",
        "FY2014_7012_Contracts_Full.zip!fy14.csv",
    ]
    assert report.skipped == [(f"{archive}!readme.txt", "not a CSV file")]


def test_a_transactions_download_yields_each_action_and_the_latest_award(
    ice_local_gov: Path, tmp_path: Path
) -> None:
    # A real award summary row, written as two transaction rows in the 297-column layout.
    with (ice_local_gov / "us-reg-state-gov-ice-contracts.csv").open(newline="") as stream:
        summary = next(csv.DictReader(stream))
    base = {name: summary.get(name, "") for name in columns.TRANSACTIONS}
    later = dict(
        base,
        modification_number="P00001",
        action_date="2019-02-01",
        federal_action_obligation="-0.10",
        total_dollars_obligated="100.00",
    )
    first = dict(
        base,
        modification_number="0",
        action_date="2018-11-30",
        federal_action_obligation="100.10",
        total_dollars_obligated="100.10",
    )
    target = tmp_path / "Contracts_PrimeTransactions_1.csv"
    with target.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns.TRANSACTIONS)
        writer.writeheader()
        writer.writerows([later, first])
    records, report = read(target)
    transactions: list[Transaction] = of_type(records, Transaction)
    assert [(t.modification_number, t.fiscal_year) for t in transactions] == [
        ("P00001", 2019),
        ("0", 2019),
    ]
    assert sum(t.federal_action_obligation for t in transactions) == Decimal("100.00")
    (award,) = of_type(records, Award)
    assert award.award_key == summary["contract_award_unique_key"]
    assert award.total_obligation == Decimal("100.00") and award.locator.endswith("#L2")
    assert report.files[0].layout == "transactions"


def test_personal_columns_never_reach_an_excerpt(ice_local_gov: Path, tmp_path: Path) -> None:
    with (ice_local_gov / "us-reg-state-gov-ice-contracts.csv").open(newline="") as stream:
        rows = list(csv.reader(stream))
    header = rows[0]
    rows[1][header.index("highly_compensated_officer_1_name")] = "JANE DOE"
    rows[1][header.index("total_obligated_amount")] = "lots"
    target = tmp_path / "summaries.csv"
    with target.open("w", newline="") as stream:
        csv.writer(stream).writerows(rows[:2])
    records, _ = read(target)
    (quarantined,) = of_type(records, Quarantined)
    assert quarantined.field == "total_obligated_amount"
    assert "JANE DOE" not in repr(records)


def test_a_named_file_that_is_no_contract_csv_is_an_error(ice_2018: Path) -> None:
    with pytest.raises(SnapshotError, match="not a USAspending contract CSV"):
        read(ice_2018 / "freezer.csv")
    with pytest.raises(SourceError, match="no such file"):
        read(ice_2018 / "fy19.csv")
    with pytest.raises(SourceError, match="no such file"):
        read(ice_2018 / "FY2019_Contracts_Full.zip")


def test_a_broken_zip_is_a_snapshot_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SnapshotError, match="not a zip archive"):
        read(broken)


def test_text_that_is_not_utf8_is_a_snapshot_error(ice_2018: Path, tmp_path: Path) -> None:
    target = tmp_path / "latin1.csv"
    target.write_bytes((ice_2018 / "fy13.csv").read_bytes() + b"\xff\xfe broken\n")
    with pytest.raises(SnapshotError, match="unreadable CSV"):
        read(target)


def test_a_trimmed_export_without_the_idv_flag(tmp_path: Path) -> None:
    target = tmp_path / "trimmed.csv"
    target.write_text(
        "award_id_piid,modification_number,federal_action_obligation,action_date,"
        "awarding_sub_agency_code,idv_type_code,award_type_code,award_description\n"
        'HSCETC14C00002,P00018,1344000,04/05/2018,7012,B,,"ICM\nOPERATIONS"\n'
        "HSCEMS13P00036,0,7000,25/07/2013,7012,,B,ANNUAL SITE FEE\n",
        encoding="utf-8",
    )
    records, report = read(target, name="trimmed.csv")
    awards = {a.piid: a for a in of_type(records, Award)}
    assert awards["HSCETC14C00002"].award_key == "CONT_IDV_HSCETC14C00002_7012"
    assert awards["HSCETC14C00002"].description == "ICM\nOPERATIONS"
    assert awards["HSCEMS13P00036"].award_type == "contract"
    # A quoted cell spanning two lines: the next row starts on line 4.
    assert awards["HSCEMS13P00036"].locator == "trimmed.csv#L4"
    assert len(report.files[0].missing_columns) == 251
