from __future__ import annotations

import csv
from pathlib import Path

import pytest

from whosbehind.errors import SnapshotError
from whosbehind.sources.usaspending import columns
from whosbehind.sources.usaspending.csv_layout import (
    AWARD_SUMMARIES,
    AWARDS_2018,
    TRANSACTIONS,
    detect_layout,
)


def first_row(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return next(csv.reader(stream))


def test_reference_columns_match_the_published_data_dictionary(ice_2018: Path) -> None:
    with (ice_2018 / "follow_the_money_data_dictionary.csv").open(newline="") as stream:
        dictionary = [name for _, name in csv.reader(stream)]
    assert tuple(dictionary) == columns.AWARDS_2018
    assert len(columns.AWARDS_2018) == 259
    assert len(columns.TRANSACTIONS) == len(set(columns.TRANSACTIONS)) == 297


def test_the_2018_header_is_recognised(ice_2018: Path) -> None:
    match = detect_layout(first_row(ice_2018 / "fy13.csv"), "fy13.csv")
    assert match is not None
    assert (match.layout, match.has_header, match.missing, match.unknown) == (
        AWARDS_2018,
        True,
        (),
        (),
    )


@pytest.mark.parametrize("name", ["fy14.csv", "fy15.csv", "fy16.csv", "fy17.csv", "fy18.csv"])
def test_headerless_2018_files_are_read_by_position(ice_2018: Path, name: str) -> None:
    match = detect_layout(first_row(ice_2018 / name), name)
    assert match is not None
    assert match.layout is AWARDS_2018 and not match.has_header
    assert match.columns == columns.AWARDS_2018
    assert "no header" in match.describe()


def test_the_current_award_summary_header_is_recognised(ice_local_gov: Path) -> None:
    header = first_row(ice_local_gov / "us-local-gov-ice-contracts.csv")
    assert len(header) == 279
    match = detect_layout(header, "local")
    assert match is not None and match.layout is AWARD_SUMMARIES
    assert match.unknown == ()
    # The 2023 download predates the outlay, FIPS and current-district columns.
    assert "total_outlayed_amount" in match.missing and len(match.missing) == 9


def test_a_transactions_header_is_recognised() -> None:
    match = detect_layout(list(columns.TRANSACTIONS), "tx")
    assert match is not None and match.layout is TRANSACTIONS
    assert match.missing == match.unknown == ()


def test_a_removed_column_is_reported_missing(ice_2018: Path) -> None:
    header = [name for name in first_row(ice_2018 / "fy13.csv") if name != "naics_description"]
    match = detect_layout(header, "fy13.csv")
    assert match is not None and match.layout is AWARDS_2018
    assert match.missing == ("naics_description",)
    assert "missing 1: naics_description" in match.describe()


def test_a_removed_required_column_is_an_error_naming_it(ice_2018: Path) -> None:
    header = [name for name in first_row(ice_2018 / "fy13.csv") if name != "action_date"]
    with pytest.raises(SnapshotError) as caught:
        detect_layout(header, "fy13.csv")
    assert caught.value.locator == "fy13.csv"
    assert "action_date" in caught.value.reason and "awards-2018" in caught.value.reason


def test_an_unexpected_column_is_reported_unknown(ice_local_gov: Path) -> None:
    header = [*first_row(ice_local_gov / "us-local-gov-ice-contracts.csv"), "brand_new_column"]
    match = detect_layout(header, "local")
    assert match is not None
    assert match.unknown == ("brand_new_column",)
    assert "unknown 1: brand_new_column" in match.describe()


def test_a_repeated_column_is_an_error() -> None:
    with pytest.raises(SnapshotError, match="repeats award_id_piid"):
        detect_layout([*columns.AWARDS_2018, "award_id_piid"], "twice")


@pytest.mark.parametrize(
    "name", ["freezer.csv", "hoovers_names_and_duns.csv", "thin_contracts.csv", "iceFacs.csv"]
)
def test_curated_side_files_are_no_contract_layout(ice_2018: Path, name: str) -> None:
    assert detect_layout(first_row(ice_2018 / name), name) is None


def test_a_trimmed_export_with_the_needed_columns_is_recognised() -> None:
    header = [
        "award_id_piid",
        "modification_number",
        "federal_action_obligation",
        "action_date",
        "awarding_sub_agency_code",
        "recipient_name",
    ]
    match = detect_layout(header, "trimmed")
    assert match is not None and match.layout is AWARDS_2018
    assert len(match.missing) == 253
    assert match.describe().endswith("and 241 more")
