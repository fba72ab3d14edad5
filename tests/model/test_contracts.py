from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.model.contracts import (
    CONTRACT_FACT_TYPES,
    Award,
    Transaction,
    classify_award_type,
    fiscal_year,
    make_award_key,
    money_from_json,
    normalize_duns,
    parse_money,
    split_award_key,
)

amounts = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15)
# PIIDs are letters, digits and dashes; USAspending's generated keys join parts with "_", so a
# key is unambiguous only because no PIID holds an underscore.
piids = st.from_regex(r"[0-9A-Z][0-9A-Z-]{2,30}", fullmatch=True)
agencies = st.from_regex(r"[0-9A-Z]{4}", fullmatch=True)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2017, 9, 30), 2017),
        (dt.date(2017, 10, 1), 2018),
        (dt.date(2018, 9, 30), 2018),
        (dt.date(2018, 1, 1), 2018),
        (dt.date(2018, 12, 31), 2019),
    ],
)
def test_federal_fiscal_year_starts_on_october_first(day: dt.date, year: int) -> None:
    assert fiscal_year(day) == year


@given(st.dates(min_value=dt.date(1800, 1, 1)))
def test_fiscal_year_is_the_year_ending_on_the_next_september_30(day: dt.date) -> None:
    year = fiscal_year(day)
    assert dt.date(year - 1, 10, 1) <= day <= dt.date(year, 9, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8392.90", Decimal("8392.90")),
        ("-1200.5", Decimal("-1200.5")),
        ("0", Decimal(0)),
        (" 28000 ", Decimal(28000)),
        (".5", Decimal("0.5")),
        ("1.40E+11", Decimal(140000000000)),  # annual_revenue in the 2018 ICE export
    ],
)
def test_parse_money_keeps_exact_values(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected


def test_excel_exponents_come_back_in_plain_notation() -> None:
    assert str(parse_money("1.40E+11")) == "140000000000"


@pytest.mark.parametrize("text", ["", "NAN", "NaN", "inf", "1,234.50", "$5", "12a", "1E+999"])
def test_parse_money_rejects_what_is_no_amount(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


@given(amounts)
def test_any_decimal_written_as_a_string_round_trips_exactly(value: Decimal) -> None:
    parsed = parse_money(str(value))
    assert parsed == value
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent <= 0:
        assert str(parsed) == str(value)
    assert parse_money(format(value, "f")) == value


@given(amounts)
def test_money_from_json_never_goes_through_binary_floats(value: Decimal) -> None:
    assert money_from_json(value) == value
    assert money_from_json(str(value)) == value


def test_money_from_json_reads_a_stray_float_by_its_shortest_repr() -> None:
    assert money_from_json(4345585999.01) == Decimal("4345585999.01")
    assert money_from_json(0.1) == Decimal("0.1")  # Decimal(0.1) would be 0.1000000000000000055...
    assert money_from_json(None) is None
    with pytest.raises(ValueError):
        money_from_json(True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("74108176", "074108176"),
        ("8094141", "008094141"),
        ("618954465", "618954465"),
        ("", None),
        (None, None),
        ("N/A", "N/A"),
    ],
)
def test_duns_numbers_get_back_their_leading_zeros(raw: str | None, expected: str | None) -> None:
    assert normalize_duns(raw) == expected


def test_award_types() -> None:
    assert classify_award_type(is_idv=True, type_code="IDV_B", parent_idv_piid=None) == "idv"
    assert classify_award_type(is_idv=False, type_code="C", parent_idv_piid=None) == "order"
    assert classify_award_type(is_idv=False, type_code="A", parent_idv_piid=None) == "order"
    assert classify_award_type(is_idv=False, type_code="B", parent_idv_piid="GS21F0017Y") == "order"
    assert classify_award_type(is_idv=False, type_code="D", parent_idv_piid=None) == "contract"


def test_award_keys_match_usaspending_generated_ids() -> None:
    # Both keys appear verbatim in USAspending downloads and API responses.
    key = make_award_key(is_idv=False, piid="HSCEOP07P01060", agency_code="7012")
    assert key == "CONT_AWD_HSCEOP07P01060_7012_-NONE-_-NONE-"
    idv = make_award_key(is_idv=True, piid="80JSC019C0012", agency_code="8000")
    assert idv == "CONT_IDV_80JSC019C0012_8000"
    order = split_award_key("CONT_AWD_80KSC024FA106_8000_NNK14MA74C_8000")
    assert order is not None
    assert (order.piid, order.parent_idv_piid, order.parent_idv_agency_code) == (
        "80KSC024FA106",
        "NNK14MA74C",
        "8000",
    )
    assert split_award_key("ASST_NON_NNX17AC34G_8000") is None


@given(st.booleans(), piids, agencies, st.none() | piids, st.none() | agencies)
def test_award_keys_split_back_into_their_parts(
    is_idv: bool, piid: str, agency: str, parent: str | None, parent_agency: str | None
) -> None:
    key = make_award_key(
        is_idv=is_idv,
        piid=piid,
        agency_code=agency,
        parent_idv_piid=parent,
        parent_idv_agency_code=parent_agency,
    )
    parts = split_award_key(key)
    assert parts is not None
    assert (parts.is_idv, parts.piid, parts.agency_code) == (is_idv, piid, agency)
    if not is_idv:
        assert (parts.parent_idv_piid, parts.parent_idv_agency_code) == (parent, parent_agency)


def test_fact_classes_are_frozen_and_name_their_table_and_key() -> None:
    for kind in CONTRACT_FACT_TYPES:
        names = {field.name for field in dataclasses.fields(kind)}
        assert kind.TABLE.startswith("contract_")
        assert set(kind.KEY) <= names
    transaction = Transaction(
        "K", "0", "0", dt.date(2018, 1, 2), 2018, Decimal("1.00"), None, None, "x"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        transaction.federal_action_obligation = Decimal(2)  # type: ignore[misc]
    award = Award(award_key="K", piid="P", award_type="contract", locator="x")
    assert award.parent_idv_piid is None and award.total_obligation is None
