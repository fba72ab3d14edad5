from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from whosbehind.errors import SnapshotError
from whosbehind.model.contracts import Award, Quarantined, Recipient, Transaction
from whosbehind.sources.usaspending.api_json import PageInfo, page_info
from whosbehind.sources.usaspending.api_reader import (
    load_json,
    parse_award_detail,
    parse_award_search,
    parse_idv_awards,
    parse_recipient,
    parse_transactions,
)


def load(folder: Path, name: str) -> Any:
    return load_json((folder / name).read_bytes())


def test_amounts_keep_their_exact_text(api_responses: Path) -> None:
    payload = load(api_responses, "spending_by_award_contracts.json")
    assert payload["results"][0]["Award Amount"] == Decimal("4345585999.01")
    assert isinstance(payload["page_metadata"]["page"], int)


def test_search_pages_expose_pagination(api_responses: Path) -> None:
    result = parse_award_search(load(api_responses, "spending_by_award_contracts.json"), "s")
    assert result.page == PageInfo(
        page=1,
        has_next=True,
        next_page=2,
        total=None,
        last_record_unique_id=111963182,
        last_record_sort_value="2856157775.98",
    )
    idvs = parse_award_search(load(api_responses, "awards/search_results_idvs.json"), "i")
    assert idvs.page is not None and (idvs.page.page, idvs.page.next_page) == (2, 3)


def test_list_pages_give_next_and_total(api_responses: Path) -> None:
    info = page_info(load(api_responses, "recipients_search.json"), "r")
    assert (info.page, info.has_next, info.next_page, info.total) == (1, True, 2, 6426446)
    last = page_info(load(api_responses, "awards/accounts.json"), "a")
    assert (last.has_next, last.next_page) == (False, None)
    with pytest.raises(SnapshotError, match="page_metadata"):
        page_info({"results": []}, "none")


def test_search_results_become_awards(api_responses: Path) -> None:
    result = parse_award_search(load(api_responses, "spending_by_award_contracts.json"), "s")
    jwst, order = result.records
    assert isinstance(jwst, Award) and isinstance(order, Award)
    assert jwst.award_key == "CONT_AWD_GSFC0200211DNAS502200_8000_-NONE-_-NONE-"
    assert jwst.piid == "GSFC0200211DNAS502200" and jwst.award_type == "contract"
    assert jwst.total_obligation == Decimal("4345585999.01")
    assert (jwst.recipient_name, jwst.recipient_uei) == (
        "NORTHROP GRUMMAN SYSTEMS CORPORATION",
        "VSBAFMDKTWL4",
    )
    assert (jwst.naics_code, jwst.psc_code, jwst.pop_city) == ("336414", "AR34", "REDONDO BEACH")
    assert jwst.start_date == dt.date(2003, 10, 1)
    assert (order.award_type, order.parent_idv_piid) == ("order", "80NM0018D0004")
    assert result.unknown_fields == {} and result.skipped == 0


def test_assistance_and_subaward_results_are_skipped_and_counted(api_responses: Path) -> None:
    grants = parse_award_search(load(api_responses, "awards/search_results_grants.json"), "g")
    assert (grants.records, grants.skipped) == ([], 3)
    subawards = parse_award_search(load(api_responses, "awards/search_results_subawards.json"), "u")
    assert (subawards.records, subawards.skipped) == ([], 3)


def test_contract_detail(api_responses: Path) -> None:
    result = parse_award_detail(load(api_responses, "awards/contract.json"), "awards/contract.json")
    (award,) = result.records
    assert isinstance(award, Award)
    assert award.award_key == "CONT_AWD_80GSFC18C0008_8000_-NONE-_-NONE-"
    assert (award.award_type, award.award_type_code) == ("contract", "D")
    assert (award.awarding_toptier_code, award.awarding_subtier_code) == ("080", "8000")
    assert award.awarding_office_name == "NASA GODDARD SPACE FLIGHT CENTER"
    assert award.recipient_parent_uei == "Z1H9VJS8NG16"
    assert award.total_obligation == Decimal("172213419.67")
    assert award.base_and_exercised == award.potential_total_value == Decimal("172272419.67")
    assert (award.base_action_date, award.potential_end_date) == (
        dt.date(2018, 3, 5),
        dt.date(2025, 8, 23),
    )
    assert (award.naics_code, award.psc_code) == ("541713", "AR11")
    assert result.unknown_fields == {}


def test_idv_detail(api_responses: Path) -> None:
    (award,) = parse_award_detail(load(api_responses, "awards/idv.json"), "idv").records
    assert isinstance(award, Award)
    assert (award.award_key, award.award_type, award.award_type_code) == (
        "CONT_IDV_80JSC019C0012_8000",
        "idv",
        "IDV_B_B",
    )
    assert award.recipient_parent_uei == "ZFN2JJXBLZT3" != award.recipient_uei
    assert award.base_and_exercised is None
    assert award.psc_code == "1555"  # from psc_hierarchy when the transaction data lacks it


def test_detail_of_a_grant_is_refused(api_responses: Path) -> None:
    with pytest.raises(SnapshotError, match="'grant' is not a contract"):
        parse_award_detail(load(api_responses, "awards/grant.json"), "grant")


def test_executive_names_are_never_read(api_responses: Path) -> None:
    payload = load(api_responses, "awards/contract.json")
    payload["executive_details"]["officers"][0] = {"name": "JANE DOE", "amount": 1}
    assert "JANE DOE" not in repr(parse_award_detail(payload, "c").records)


def test_detail_audits_unexpected_keys(api_responses: Path) -> None:
    payload = load(api_responses, "awards/contract.json")
    payload["new_thing"] = 1
    assert parse_award_detail(payload, "c").unknown_fields == {"award.new_thing": 1}


def test_transactions(api_responses: Path) -> None:
    key = "CONT_AWD_80GSFC18C0008_8000_-NONE-_-NONE-"
    result = parse_transactions(load(api_responses, "awards/transactions.json"), key, "t")
    transactions = [record for record in result.records if isinstance(record, Transaction)]
    assert len(transactions) == len(result.records) == 3
    assert [(t.modification_number, t.federal_action_obligation) for t in transactions] == [
        ("P00065", Decimal("1600000.0")),
        ("P00064", Decimal("1200000.0")),
        ("P00063", Decimal("282046.29")),
    ]
    first = transactions[0]
    assert (first.award_key, first.transaction_number, first.fiscal_year) == (key, "0", 2025)
    assert (first.action_type, first.action_type_description) == ("C", "FUNDING ONLY ACTION")
    assert result.page is not None and result.page.next_page == 2


def test_a_malformed_transaction_is_quarantined(api_responses: Path) -> None:
    payload = load(api_responses, "awards/transactions.json")
    payload["results"][1]["federal_action_obligation"] = "n/a"
    payload["results"][2]["action_date"] = None
    payload["results"][0]["surprise"] = True
    result = parse_transactions(payload, "K", "transactions.json")
    quarantined = [r for r in result.records if isinstance(r, Quarantined)]
    assert [(q.file, q.line, q.field) for q in quarantined] == [
        ("transactions.json", 2, "federal_action_obligation"),
        ("transactions.json", 3, "action_date"),
    ]
    assert "P00064" in quarantined[0].raw_excerpt
    assert result.unknown_fields == {"results[].surprise": 1}


def test_orders_under_an_idv(api_responses: Path) -> None:
    result = parse_idv_awards(load(api_responses, "awards/idv_awards.json"), "idv_awards")
    awards = [r for r in result.records if isinstance(r, Award)]
    assert len(awards) == 10
    assert {(a.award_type, a.parent_idv_piid) for a in awards} == {("order", "NNK14MA74C")}
    assert awards[0].total_obligation == Decimal("295048.0")


def test_recipient_profile(api_responses: Path) -> None:
    (recipient,) = parse_recipient(load(api_responses, "recipient_university.json"), "r").records
    assert isinstance(recipient, Recipient)
    assert (recipient.duns, recipient.uei, recipient.recipient_level) == (
        "062761671",
        "Z1H9VJS8NG16",
        "C",
    )
    assert recipient.parent_id == "0b441d38-e3c0-de89-ee08-69fc9e6ee58a-P"
    assert "UNVERSITY OF IOWA" in recipient.alternate_names.split(" | ")


def test_a_response_without_results_is_a_snapshot_error() -> None:
    with pytest.raises(SnapshotError, match="results list"):
        parse_award_search(json.loads('{"detail": "throttled"}'), "s")
