"""API responses and FPDS pages read into records, whatever endpoint a recorded file came from.

A USAspending response is recognised by its shape: an award search page, an award's detail, a
transactions page, the orders under an IDV, a recipient profile. Anything else (agency
profiles, account trees, download tickets) holds no contract record: it is skipped and named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from whosbehind.errors import SnapshotError
from whosbehind.model.contracts import ContractRecord, Recipient
from whosbehind.sources.fpds.atom_reader import parse_feed
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.sources.usaspending.api_ids import award_key_of_transaction
from whosbehind.sources.usaspending.api_reader import (
    ApiResult,
    load_json,
    parse_award_detail,
    parse_award_search,
    parse_idv_awards,
    parse_recipient,
    parse_transactions,
)


@dataclass
class ParsedPage:
    kind: str  # award-search, award-detail, transactions, idv-awards, recipient, fpds-feed
    records: list[ContractRecord | Recipient] = field(default_factory=list)
    grain: str = "award"  # "transaction" when awards come with their transactions (FPDS)
    skipped: int = 0  # results outside scope (assistance awards, subawards, other entries)
    unknown_fields: dict[str, int] = field(default_factory=dict)
    next_url: str | None = None
    stated_time: dt.datetime | None = None  # when the page says its records were modified


class NotAnAwardResponse(Exception):
    """The response is valid JSON but holds no contract record (skip it, say so)."""


def parse_api_snapshot(raw: RawSnapshot) -> ParsedPage:
    try:
        payload = load_json(raw.content)
    except ValueError as error:
        raise SnapshotError(raw.locator, f"not valid JSON: {error}") from None
    # Snapshots from the live fetcher say which endpoint answered and for which award.
    award_key = getattr(raw, "award_key", None)
    if getattr(raw, "endpoint", "") == "transactions" and isinstance(award_key, str):
        kind, result = "transactions", parse_transactions(payload, award_key, raw.locator)
    else:
        kind, result = _dispatch(payload, raw.locator)
    page = ParsedPage(kind, list(result.records), "award", result.skipped)
    page.unknown_fields.update(result.unknown_fields)
    return page


def _dispatch(payload: Any, locator: str) -> tuple[str, ApiResult]:
    if not isinstance(payload, Mapping):
        raise NotAnAwardResponse("not a JSON object")
    if "generated_unique_award_id" in payload and "category" in payload:
        if payload.get("category") not in ("contract", "idv"):
            raise NotAnAwardResponse(f"an award of category {payload.get('category')!r}")
        return "award-detail", parse_award_detail(payload, locator)
    if "recipient_id" in payload and "name" in payload:
        return "recipient", parse_recipient(payload, locator)
    results = payload.get("results")
    if not isinstance(results, list) or "page_metadata" not in payload:
        raise NotAnAwardResponse("no page of award results")
    first = next((item for item in results if isinstance(item, Mapping)), {})
    if "category" in payload:
        raise NotAnAwardResponse(f"totals by {payload.get('category')}, not award records")
    if "generated_internal_id" in first or (
        "spending_level" in payload and ("Award ID" in first or not first)
    ):
        return "award-search", parse_award_search(payload, locator)
    if str(first.get("id", "")).startswith(("CONT_TX_", "ASST_TX_")):
        key = award_key_of_transaction(str(first.get("id")), str(first.get("type") or ""))
        if key is None:
            raise NotAnAwardResponse("a transactions page of assistance awards")
        return "transactions", parse_transactions(payload, key, locator)
    if "generated_unique_award_id" in first and "piid" in first:
        return "idv-awards", parse_idv_awards(payload, locator)
    raise NotAnAwardResponse("results that are no contract awards")


def parse_fpds_snapshot(raw: RawSnapshot) -> ParsedPage:
    feed = parse_feed(raw.content, raw.locator)
    page = ParsedPage("fpds-feed", list(feed.records), "transaction", feed.skipped)
    page.unknown_fields.update(feed.unknown_fields)
    page.next_url = feed.next_url
    page.stated_time = feed.modified
    return page
