from __future__ import annotations

from pathlib import Path

import pytest

from whosbehind.errors import SnapshotError
from whosbehind.model.agencies import toptier_variants
from whosbehind.sources.usaspending.agency_list import parse_agency_list
from whosbehind.sources.usaspending.api_ids import award_key_of_transaction


def test_the_authoritative_agency_list(shared_data: Path) -> None:
    path = shared_data / "reference" / "authoritative_agency_list_2019-06-13.csv"
    parsed = parse_agency_list(path.read_bytes(), str(path))
    by_code = {a.subtier_code: a for a in parsed.agencies}
    assert len(parsed.agencies) == 1475 and parsed.skipped == 32 and parsed.duplicates == 0
    ice = by_code["7012"]
    assert (ice.subtier_name, ice.subtier_abbreviation) == (
        "U.S. Immigration and Customs Enforcement",
        "ICE",
    )
    assert (ice.toptier_code, ice.department_id, ice.toptier_abbreviation) == ("070", "7000", "DHS")
    assert sum(a.toptier_code == "070" for a in parsed.agencies) == 34


def test_a_file_that_is_no_agency_list() -> None:
    with pytest.raises(SnapshotError, match="no column"):
        parse_agency_list(b"a,b\n1,2\n", "x.csv")


def test_toptier_codes_as_records_write_them() -> None:
    assert toptier_variants("070") == {"070", "70"}
    assert toptier_variants("80") == {"80", "080"}


def test_transaction_ids_name_their_award() -> None:
    assert award_key_of_transaction("CONT_TX_8000_-NONE-_80GSFC18C0008_P00065_-NONE-_0") == (
        "CONT_AWD_80GSFC18C0008_8000_-NONE-_-NONE-"
    )
    assert award_key_of_transaction("CONT_TX_7012_4732_HSCEDM14F00011_0_GS21F0017Y_0") == (
        "CONT_AWD_HSCEDM14F00011_7012_GS21F0017Y_4732"
    )
    assert award_key_of_transaction("CONT_TX_7012_-NONE-_HSCETC14C00002_P00018_-NONE-_0",
                                    "IDV_B") == "CONT_IDV_HSCETC14C00002_7012"  # fmt: skip
    assert award_key_of_transaction("ASST_TX_123") is None
