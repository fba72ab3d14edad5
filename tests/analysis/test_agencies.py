"""``--agency``: a subtier by code, name or abbreviation, or a whole department by its CGAC code,
its FPDS department id or its name; the agency list comes from the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.contracts import ICE_2018, build
from whosbehind.analysis.agencies import agency_names, normalize_name, resolve_agency
from whosbehind.errors import UsageError
from whosbehind.store.engine import Engine


@pytest.fixture
def engine(ice_store: Path):
    opened = Engine(ice_store, read_only=True)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    "query", ["7012", "Immigration and Customs Enforcement", "U.S. Immigration and Customs "
              "Enforcement", "ICE", "immigration & customs enforcement"]
)  # fmt: skip
def test_ice_by_code_name_or_abbreviation(engine: Engine, query: str) -> None:
    selection = resolve_agency(engine, query)
    assert selection.subtier_codes == {"7012"} and not selection.toptier_codes
    assert selection.label == "U.S. Immigration and Customs Enforcement (7012)"


@pytest.mark.parametrize("query", ["7000", "070", "Department of Homeland Security", "DHS"])
def test_a_department_means_every_subtier_under_it(engine: Engine, query: str) -> None:
    selection = resolve_agency(engine, query)
    assert {"7012", "7014", "7013", "7003", "7008", "7022", "7001"} <= selection.subtier_codes
    assert len(selection.subtier_codes) == 34
    assert selection.toptier_codes == {"070", "70", "7000"}  # as records write the department
    assert selection.label.startswith("Department of Homeland Security (070")


def test_ambiguous_and_unknown_names(engine: Engine) -> None:
    with pytest.raises(UsageError, match="several agencies"):
        resolve_agency(engine, "Inspector General")  # every department has one
    # FEMA was a department of its own before 2003 (CGAC 058): the name finds that toptier
    assert resolve_agency(engine, "FEMA").toptier_codes >= {"058"}
    with pytest.raises(UsageError, match="no agency matches"):
        resolve_agency(engine, "Ministry of Silly Walks")
    with pytest.raises(UsageError, match="needs a code"):
        resolve_agency(engine, " ")


def test_without_the_agency_list_codes_and_record_names_still_work(tmp_path: Path) -> None:
    path = tmp_path / "bare.duckdb"
    build(path, ICE_2018 / "fy18.csv", agencies=False)
    engine = Engine(path, read_only=True)
    assert resolve_agency(engine, "7012").subtier_codes == {"7012"}
    assert resolve_agency(engine, "customs enforcement").subtier_codes == {"7012"}
    assert agency_names(engine, ["7012"]) == {"7012": "U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT"}
    engine.close()


def test_names_are_compared_without_case_punctuation_or_a_leading_us() -> None:
    assert normalize_name("U.S. Immigration and Customs Enforcement") == (
        "immigration and customs enforcement"
    )
    assert normalize_name("The Legislative Branch") == "legislative branch"
