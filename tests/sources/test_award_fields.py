"""The Award field map: every field is mapped or computed, each format declares every mapped
field, the places it names exist in that format, and on the real shared files each reader's
Awards hold the values found at those places by an independent lookup (csv, json, ElementTree).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.conftest import SHARED_DATA
from whosbehind.model.contracts import Award, normalize_duns, split_award_key
from whosbehind.pipeline.contracts.pages import parse_api_snapshot, parse_fpds_snapshot
from whosbehind.sources.award_fields import AWARD_FIELDS, COMPUTED, FORMATS, READER, Format
from whosbehind.sources.fetch import read_file
from whosbehind.sources.usaspending.api_award import DETAIL_FIELDS
from whosbehind.sources.usaspending.columns import AWARD_SUMMARIES, TRANSACTIONS
from whosbehind.sources.usaspending.csv_reader import iter_csv_records

LOCAL_GOV = SHARED_DATA / "contracts" / "ice-local-gov" / "us-local-gov-ice-contracts.csv"
API = SHARED_DATA / "usaspending-api"
FPDS = SHARED_DATA / "fpds-atom" / "full_response.xml"
NS = "{https://www.fpds.gov/FPDS}"


def _read(fmt: Format) -> set[str]:
    return {n for n, spec in AWARD_FIELDS.items() if spec.of(fmt) not in ((), READER)}


def test_every_award_field_is_mapped_or_computed_once() -> None:
    fields = {field.name for field in dataclasses.fields(Award)}
    assert set(AWARD_FIELDS) | COMPUTED == fields
    assert not set(AWARD_FIELDS) & COMPUTED


def test_each_format_declares_every_mapped_field_and_reads_most() -> None:
    for fmt in FORMATS:
        declared = {name for name, spec in AWARD_FIELDS.items() if isinstance(spec.of(fmt), tuple)}
        assert declared == set(AWARD_FIELDS)
        assert len(_read(fmt)) >= 20, fmt
    # what a format does not state is a gap of the publisher, not of the map
    not_stated = {fmt: {n for n, s in AWARD_FIELDS.items() if s.of(fmt) == ()} for fmt in FORMATS}
    assert not_stated["csv"] == set()
    assert "recipient_parent_name" in not_stated["api_summary"]


def test_every_place_exists_in_its_format() -> None:
    columns = set(AWARD_SUMMARIES) | set(TRANSACTIONS)
    for name, spec in AWARD_FIELDS.items():
        for place in spec.of("csv"):
            assert spec.of("csv") == READER or place in columns, (name, place)
        for place in spec.of("api_detail"):
            assert place.split("/")[0] in DETAIL_FIELDS, (name, place)


def _expected(kind: str, raw: str | None) -> str | None:
    return normalize_duns(raw) if kind == "duns" else raw


def _check_text_fields(award: Award, fmt: Format, lookup: Any) -> int:
    """Compare every text and DUNS field the map reads for ``fmt`` with ``lookup(place)``."""
    checked = 0
    for name, spec in AWARD_FIELDS.items():
        places = spec.of(fmt)
        if places in ((), READER) or spec.kind not in ("text", "duns") or name == "description":
            continue
        found = [lookup(place) for place in places]
        raw = next((value for value in found if value is not None), None)
        assert getattr(award, name) == _expected(spec.kind, raw), (fmt, name, award.award_key)
        checked += raw is not None
    return checked


def test_csv_awards_hold_their_columns() -> None:
    with LOCAL_GOV.open(newline="", encoding="utf-8") as stream:
        rows = {row["contract_award_unique_key"]: row for row in csv.DictReader(stream)}
    awards = [r for r in iter_csv_records(LOCAL_GOV) if isinstance(r, Award)]
    assert len(awards) > 100
    checked = 0
    for award in awards:
        row = rows[award.award_key]
        checked += _check_text_fields(award, "csv", lambda col, row=row: row[col].strip() or None)
    assert checked > 20 * len(awards)


def _json_at(document: Any, place: str) -> str | None:
    for key in place.split("/"):
        document = document.get(key) if isinstance(document, dict) else None
    return (
        None
        if document is None or isinstance(document, dict | list)
        else str(document).strip() or None
    )


@pytest.mark.parametrize("name", ["contract.json", "idv.json"])
def test_api_detail_awards_hold_their_paths(name: str) -> None:
    path = API / "awards" / name
    payload = json.loads(path.read_bytes())
    (award,) = [r for r in parse_api_snapshot(read_file(path)).records if isinstance(r, Award)]
    assert _check_text_fields(award, "api_detail", lambda p: _json_at(payload, p)) > 15


def test_api_search_awards_hold_their_paths() -> None:
    path = API / "spending_by_award_contracts.json"
    results = {r["generated_internal_id"]: r for r in json.loads(path.read_bytes())["results"]}
    awards = [r for r in parse_api_snapshot(read_file(path)).records if isinstance(r, Award)]
    assert awards
    for award in awards:
        result = results[award.award_key]
        parts = split_award_key(award.award_key)
        assert parts is not None

        def lookup(place: str, result: Any = result, agency: str = parts.agency_code) -> Any:
            found = _json_at(result, place)
            if place == "Awarding Sub Agency Code" and found is None:
                return agency  # a search result without it: the award key's agency
            return found

        assert _check_text_fields(award, "api_summary", lookup) > 8


def _xml_at(document: ET.Element, place: str) -> str | None:
    path, _, attribute = place.partition("@")
    element = document.find("/".join(f"{NS}{part}" for part in path.split("/")))
    if element is None:
        return None
    value = element.get(attribute) if attribute else element.text
    return (value or "").strip() or None


def test_fpds_awards_hold_their_elements() -> None:
    root = ET.fromstring(FPDS.read_bytes())
    documents = [element for element in root.iter() if element.tag in (f"{NS}award", f"{NS}IDV")]
    awards = [r for r in parse_fpds_snapshot(read_file(FPDS)).records if isinstance(r, Award)]
    assert len(awards) >= 8 and len(documents) == 10  # one award per key: its newest entry
    for award in awards:
        entry = int(award.locator.rpartition("#entry[")[2].rstrip("]"))
        document = documents[entry - 1]
        assert _check_text_fields(award, "fpds", lambda p, d=document: _xml_at(d, p)) > 15
