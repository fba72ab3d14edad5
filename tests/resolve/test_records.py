"""Org records from a real store: ICE's FY13-FY18 contracts and the FedRAMP organization export,
checked against the same CSV files read with nothing but the csv module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import duns, rows_2018
from tests.support.registry import build_contracts_and_fedramp
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.names import name_key
from whosbehind.resolve.records import clean_id, collect_records, stable_key
from whosbehind.store.engine import Engine


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[OrgRecord]]:
    path = build_contracts_and_fedramp(tmp_path_factory.mktemp("records") / "store.duckdb")
    engine = Engine(path, read_only=True)
    try:
        yield collect_records(engine)
    finally:
        engine.close()


def _text(value: str) -> str | None:
    return " ".join(value.split()) or None


def _letters(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def test_one_record_per_distinct_recipient_statement_and_reported_parent(
    records: list[OrgRecord],
) -> None:
    rows = [r for r in rows_2018() if r["recipient_name"].strip()]
    statements = {
        (_text(r["recipient_name"]), duns(r["recipient_duns"]),
         _text(r["recipient_parent_name"]), duns(r["recipient_parent_duns"]))
        for r in rows
    }  # fmt: skip
    parents = {
        (name, number)
        for child, _, name, number in statements
        if name and _letters(name) != _letters(child or "")
    }
    # a parent under the child's own name is known by its DUNS alone, where not the child's own
    # and stated so by recipients of two or more name keys (one alone: its own headquarters)
    self_namers: dict[str, set[str]] = {}
    for child, own, name, number in statements:
        if name and _letters(name) == _letters(child or "") and number and number != own:
            self_namers.setdefault(number, set()).add(name_key(child or ""))
    parents |= {("", number) for number, keys in self_namers.items() if len(keys) >= 2}
    found = {
        (r.name, r.duns, r.parent_name, r.parent_duns)
        for r in records
        if r.record_key.startswith("usaspending:")
    }
    assert found == statements
    assert {
        (r.name, r.duns) for r in records if r.record_key.startswith("usaspending-parent:")
    } == parents


def test_sisters_naming_themselves_with_one_parent_duns_make_one_nameless_parent_record(
    records: list[OrgRecord],
) -> None:
    """TIME WARNER CABLE INC., TIME WARNER CABLE ENTERPRISES LLC and TIME WARNER ENTERTAINMENT
    COMPANY, L.P. each give their own name as parent, with parent DUNS 150776503."""
    sisters = [r for r in records if r.parent_duns == "150776503"]
    assert {r.name for r in sisters} == {
        "TIME WARNER CABLE INC.",
        "TIME WARNER CABLE ENTERPRISES LLC",
        "TIME WARNER ENTERTAINMENT COMPANY, L.P.",
    }
    assert all(_letters(r.parent_name or "") == _letters(r.name) for r in sisters)
    assert "150776503" not in {r.duns for r in sisters}
    (parent,) = [r for r in records if r.duns == "150776503"]
    assert parent.record_key == stable_key("usaspending-parent", None, "150776503", None)
    assert parent.name == "" and parent.uei is None
    assert parent.parent_name is None and parent.parent_duns is None
    assert parent.citation.startswith("parent reported in ") and "fy1" in parent.citation
    firsts = [r.first_seen for r in sisters if r.first_seen]
    lasts = [r.last_seen for r in sisters if r.last_seen]
    assert (parent.first_seen, parent.last_seen) == (min(firsts), max(lasts))
    # no record of a parent under a sister's name: it would join that sister by name key
    named = {r.name for r in records if r.record_key.startswith("usaspending-parent:")}
    assert not named & {r.name for r in sisters}


def test_palantir_and_amazon_records_with_their_reported_parents(
    records: list[OrgRecord],
) -> None:
    by_name: dict[str, list[OrgRecord]] = {}
    for record in records:
        by_name.setdefault(record.name, []).append(record)
    usg = [r for r in by_name["PALANTIR USG, INC."] if r.source == "usaspending"]
    # one statement per reported parent: itself in FY17, Palantir Technologies in FY18
    assert {r.parent_name for r in usg} == {"PALANTIR USG INC.", "PALANTIR TECHNOLOGIES INC."}
    assert {r.duns for r in usg} == {"825284321"}
    fy18 = next(r for r in usg if r.parent_name == "PALANTIR TECHNOLOGIES INC.")
    assert fy18.first_seen is not None and fy18.first_seen.year == 2018
    assert fy18.city == "PALO ALTO" and fy18.state == "CA"
    assert "fy18.csv#award_id_piid=" in fy18.citation
    technologies = by_name["PALANTIR TECHNOLOGIES INC."]
    assert any(r.record_key.startswith("usaspending-parent:") for r in technologies)
    amazon_parent = [r for r in by_name["AMAZON.COM INC."] if r.source == "usaspending"]
    assert [r.duns for r in amazon_parent] == ["884745530"]
    assert by_name["AMAZON.COM LLC"][0].parent_name == "AMAZON.COM INC."


def test_fedramp_providers_one_record_per_provider_key_and_uei(records: list[OrgRecord]) -> None:
    fedramp = [r for r in records if r.source == "fedramp"]
    assert fedramp and all(r.record_key.startswith("fedramp:") for r in fedramp)
    amazon = [r for r in fedramp if r.record_key.split("|")[0] == "fedramp:amazon"]
    assert amazon and all(r.name == "Amazon" for r in amazon)
    assert any(r.uei for r in amazon)
    assert all("fedramp-products.json#$" in r.citation for r in fedramp)
    dated = [r for r in fedramp if r.first_seen]
    assert dated and all(r.last_seen and r.first_seen <= r.last_seen for r in dated)  # type: ignore[operator]


def test_keys_are_unique_sorted_and_stable(records: list[OrgRecord], tmp_path: Path) -> None:
    keys = [r.record_key for r in records]
    assert keys == sorted(set(keys))
    again = build_contracts_and_fedramp(tmp_path / "again.duckdb")
    engine = Engine(again, read_only=True)
    try:
        assert collect_records(engine) == records
    finally:
        engine.close()


def test_empty_store_has_no_records(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "empty.duckdb")
    try:
        assert collect_records(engine) == []
    finally:
        engine.close()


@given(st.text(max_size=12))
def test_clean_id_is_idempotent_and_never_keeps_placeholders(text: str) -> None:
    cleaned = clean_id(text)
    assert clean_id(cleaned) == cleaned
    if cleaned is not None:
        assert cleaned == cleaned.strip().upper() and len(set(cleaned)) > 1
    assert clean_id("000000000") is None and clean_id("  ") is None


@given(st.lists(st.one_of(st.none(), st.text(max_size=8)), max_size=5))
def test_stable_key_depends_only_on_the_parts(parts: list[str | None]) -> None:
    assert stable_key("x", *parts) == stable_key("x", *parts)
    assert stable_key("x", *parts).startswith("x:")
    assert stable_key("x", *parts, "extra") != stable_key("x", *parts)


def test_providers_of_earlier_snapshots_are_records_with_today_s_ueis_only(
    engine: Engine,
) -> None:
    """A provider gone from the newest legacy snapshot still owns its offerings of earlier
    dates; a UEI is taken only from versions live in the newest snapshot (the feed has filed
    offerings under another provider's UEI in the past)."""
    fedramp = [r for r in collect_records(engine) if r.source == "fedramp"]
    live = {
        str(row["provider_key"]): row["uei"]
        for row in engine.rows(
            "SELECT provider_key, any_value(uei) AS uei FROM fedramp_offering o WHERE "
            "to_seq IS NULL OR to_seq > (SELECT max(seq) FROM snapshot WHERE feed = o.feed "
            "AND status = 'ok') GROUP BY 1"
        )
    }
    ever = {str(k) for (k,) in engine.connection.execute(
        "SELECT DISTINCT provider_key FROM fedramp_offering WHERE provider_key <> ''"
    ).fetchall()}  # fmt: skip
    keys = {r.record_key.removeprefix("fedramp:").split("|")[0] for r in fedramp}
    assert keys == ever and ever - set(live)
    for record in fedramp:
        key = record.record_key.removeprefix("fedramp:").split("|")[0]
        if record.uei:
            assert key in live
