"""Importing the Torn Apart analysts' curated name maps (real files) as judgements."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from whosbehind.errors import UsageError
from whosbehind.model.orgs import Judgement, RecordRef
from whosbehind.resolve import labeled
from whosbehind.resolve.judgement_import import (
    SOLE_PROPRIETOR,
    ImportResult,
    MappingSpec,
    detect_format,
    import_judgements,
)
from whosbehind.resolve.judgements import (
    append_judgements,
    judgement_key,
    read_judgements,
    validation_problems,
)

ICE = SHARED_DATA / "contracts" / "ice-fy13-fy18"
VENDORS = ICE / labeled.VENDOR_DECORATIONS
HOOVERS = ICE / labeled.HOOVERS
FREEZER = ICE / labeled.FREEZER
CHILDREN = ICE / labeled.CHILD_COMPANIES


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _pairs(result: ImportResult, kind: str) -> set[tuple[str, str]]:
    return {(str(j.left), str(j.right)) for j in result.judgements if j.kind == kind}


def _assert_accounted(result: ImportResult) -> None:
    """Every judgement is valid, unique, cites its file line; nothing is lost uncounted."""
    assert all(validation_problems(j) == [] for j in result.judgements)
    assert len({judgement_key(j) for j in result.judgements}) == len(result.judgements)
    assert result.rows > 0
    assert len(result.judgements) + sum(result.skipped.values()) >= result.rows


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (VENDORS, "vendor-decorations"),
        (HOOVERS, "hoovers"),
        (FREEZER, "freezer"),
        (CHILDREN, "child-companies"),
    ],
)
def test_formats_are_told_apart_by_header(path: Path, expected: str) -> None:
    assert detect_format(path) == expected


def test_unknown_header_asks_for_a_format() -> None:
    with pytest.raises(UsageError, match="cannot tell the format"):
        detect_format(ICE / "products_taxonomy.csv")


def test_vendor_decorations() -> None:
    result = import_judgements(VENDORS, author="analyst", recorded=dt.date(2018, 8, 28))
    _assert_accounted(result)
    assert result.rows == len(_csv_rows(VENDORS))
    same, parents = _pairs(result, "same"), _pairs(result, "parent-of")
    # an own row: the raw recipient name and the DUNS are the clean-named organization
    assert ("duns:618954465", "name:Spectrum Security Services") in same
    assert ("name:SPECTRUM SECURITY SERVICES, INC.", "name:Spectrum Security Services") in same
    # West's rows file Thomson's DUNS with West's name as parent: Thomson owns West
    assert ("name:The Thomson Company", "name:WEST PUBLISHING CORPORATION") in parents
    assert ("duns:251100749", "name:The Thomson Company") in same
    assert ("name:WEST PUBLISHING CORPORATION", "name:The Thomson Company") not in same
    # an acquired company filed as the parent of its own DUNS rolls up to the buyer
    assert ("name:Takkt America Holding", "name:NATIONAL BUSINESS FURNITURE LLC") in parents
    # the same organization spelled differently stays "same", not parent-of itself
    assert ("name:CAP GEMINI", "name:Capgemini") in same
    first = next(j for j in result.judgements if j.source == "vendor_decorations.csv:2")
    assert (first.author, first.recorded) == ("analyst", dt.date(2018, 8, 28))
    # sole proprietors are people: never imported
    individuals = {a.duns for a in labeled.read_awards(ICE) if a.sole_proprietorship}
    assert result.skipped[SOLE_PROPRIETOR] > 0
    assert not {str(j.left) for j in result.judgements} & {f"duns:{d}" for d in individuals}


def test_vendor_decorations_without_award_files_take_every_row_as_raw_to_clean(
    tmp_path: Path,
) -> None:
    copy = tmp_path / VENDORS.name
    shutil.copy(VENDORS, copy)
    result = import_judgements(copy)
    assert _pairs(result, "parent-of") == set()
    assert ("name:WEST PUBLISHING CORPORATION", "name:The Thomson Company") in _pairs(
        result, "same"
    )
    assert SOLE_PROPRIETOR not in result.skipped


def test_hoovers_names_their_duns() -> None:
    result = import_judgements(HOOVERS)
    _assert_accounted(result)
    same = _pairs(result, "same")
    assert ("duns:884745530", "name:Amazon.com, Inc.") in same  # single-quoted, zero-padded
    assert ("duns:009256819", "name:The Boeing Company") in same
    assert {j.kind for j in result.judgements} == {"same"}
    assert result.rows == sum(1 for _ in HOOVERS.open()) - 1


def test_freezer_parents_and_raw_names() -> None:
    result = import_judgements(FREEZER)
    _assert_accounted(result)
    parents = _pairs(result, "parent-of")
    assert ("name:Ahtna", "name:Ahtna Support & Training Services") in parents
    assert ("name:Afognak Native", "name:Alutiiq Diversified Services") in parents
    # raw fy18.csv recipient names map to the cleaned ones
    raw = {a.piid: a.name for a in labeled.read_awards(ICE) if a.locator.startswith("fy18.csv")}
    same = _pairs(result, "same")
    assert (f"name:{raw['HSCEDM14F00011']}", "name:Alutiiq Diversified Services") in same
    rows = _csv_rows(FREEZER)
    assert result.rows == len(rows)
    self_parented = sum(r["recipient_name"] == r["parent_name"] for r in rows)
    assert result.skipped["identical"] >= self_parented


def test_child_companies_map_nothing_yet() -> None:
    result = import_judgements(CHILDREN)
    empty = sum(not r["cleanName"].strip() for r in _csv_rows(CHILDREN))
    assert result.judgements == []
    assert result.skipped == Counter({"empty mapping": empty})


def test_child_companies_strip_stray_tabs(tmp_path: Path) -> None:
    # the real file with two rows given a clean name, as an analyst would fill it in
    text = CHILDREN.read_text().splitlines()
    filled = [text[0], text[1].replace(',""', ',"17th Street Photo Supply"'), text[2]]
    path = tmp_path / "child_companies_clean_names.csv"
    path.write_text("\n".join(filled) + "\n")
    result = import_judgements(path)
    assert [(str(j.left), str(j.right), j.source) for j in result.judgements] == [
        (
            "name:17TH STREET PHOTO SUPPLY INCORPORATED",
            "name:17th Street Photo Supply",
            "child_companies_clean_names.csv:2",
        )
    ]


def test_reimport_finds_everything_present(tmp_path: Path) -> None:
    target = tmp_path / "judgements.tsv"
    first = import_judgements(VENDORS)
    append_judgements(target, first.judgements)
    again = import_judgements(VENDORS, existing=read_judgements(target))
    assert again.judgements == []
    assert (
        again.skipped["already present"]
        == len(first.judgements) + first.skipped["duplicate in this file"]
    )


def test_generic_mapping_with_an_identifier_column() -> None:
    spec = MappingSpec("duns", "cleanName", "same")
    result = import_judgements(VENDORS, mapping=spec, source="torn-apart vendors")
    assert result.format == "mapping"
    by_format = {
        (str(j.left), str(j.right))
        for j in import_judgements(VENDORS).judgements
        if j.left.scheme == "duns"
    }
    assert by_format <= _pairs(result, "same")  # DUNS are zero-padded the same way
    assert all(j.source.startswith("torn-apart vendors:") for j in result.judgements)


def test_generic_mapping_of_parents_agrees_with_the_freezer_reader() -> None:
    spec = MappingSpec("recipient_name", "parent_name", "parent-of")
    generic = _pairs(import_judgements(FREEZER, mapping=spec), "parent-of")
    assert _pairs(import_judgements(FREEZER), "parent-of") <= generic


def test_generic_mapping_reads_scheme_value_cells(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text(
        "from,to\nuei:J7M9HPTGJ1S9,PALANTIR TECHNOLOGIES INC.\n"
        "name:PALANTIR USG INC.,PALANTIR TECHNOLOGIES INC.\n,empty\n"
    )
    result = import_judgements(path, mapping=MappingSpec("from", "to", "parent-of"))
    assert [(j.kind, j.left, j.right) for j in result.judgements] == [
        ("parent-of", RecordRef("name", "PALANTIR TECHNOLOGIES INC."), right)
        for right in (RecordRef("uei", "J7M9HPTGJ1S9"), RecordRef("name", "PALANTIR USG INC."))
    ]
    assert result.skipped == Counter({"empty mapping": 1})


def test_mapping_errors_name_the_column() -> None:
    with pytest.raises(UsageError, match="no column 'vendor'"):
        import_judgements(VENDORS, mapping=MappingSpec("vendor", "cleanName"))
    with pytest.raises(UsageError, match="needs --from-column"):
        import_judgements(VENDORS, format="mapping")
    with pytest.raises(UsageError, match="no such file"):
        import_judgements(ICE / "missing.csv")


def test_existing_judgements_are_not_repeated() -> None:
    present = Judgement(
        "same", RecordRef("name", "Amazon.com, Inc."), RecordRef("duns", "884745530")
    )
    result = import_judgements(HOOVERS, existing=[present])
    assert result.skipped["already present"] == 1
    assert ("duns:884745530", "name:Amazon.com, Inc.") not in _pairs(result, "same")
