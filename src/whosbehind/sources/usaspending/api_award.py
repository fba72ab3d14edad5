"""The ``awards/<generated id>`` detail response of a contract or IDV, read into an Award."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from whosbehind.model.contracts import Award, classify_award_type, split_award_key
from whosbehind.sources.award_fields import read_award_fields
from whosbehind.sources.usaspending.api_json import Fields
from whosbehind.sources.usaspending.values import BadField

CONTRACT_CATEGORIES = frozenset({"contract", "idv"})
DETAIL_FIELDS = frozenset(
    {
        "id", "generated_unique_award_id", "piid", "fain", "uri", "category", "type",
        "type_description", "description", "total_obligation", "subaward_count",
        "total_subaward_amount", "date_signed", "base_exercised_options", "base_and_all_options",
        "total_account_outlay", "total_account_obligation", "account_outlays_by_defc",
        "account_obligations_by_defc", "parent_award", "latest_transaction_contract_data",
        "funding_agency", "awarding_agency", "period_of_performance", "recipient",
        "executive_details", "place_of_performance", "psc_hierarchy", "naics_hierarchy",
        "total_outlay",
    }
)  # fmt: skip


def award_from_detail(payload: Mapping[str, Any], locator: str) -> tuple[Award, dict[str, int]]:
    """The Award and the unexpected top-level keys. Raises BadField when it is no contract."""
    fields = Fields(payload)
    unknown = {f"award.{name}": 1 for name in sorted(payload.keys() - DETAIL_FIELDS)}
    category = fields.text("category")
    if category not in CONTRACT_CATEGORIES:
        raise BadField("category", f"{category!r} is not a contract or IDV")
    key = fields.required_text("generated_unique_award_id")
    parts = split_award_key(key)
    if parts is None:
        raise BadField("generated_unique_award_id", f"not a contract award key: {key}")
    parent = fields.sub("parent_award")
    latest = fields.sub("latest_transaction_contract_data")
    parent_piid = parent.text("piid") or parts.parent_idv_piid
    type_code = fields.text("type")
    return (
        Award(
            award_key=key,
            piid=fields.text("piid") or parts.piid,
            award_type=classify_award_type(
                is_idv=category == "idv",
                type_code=type_code,
                parent_idv_piid=parent_piid,
            ),
            locator=locator,
            parent_idv_piid=parent_piid,
            parent_idv_agency_code=parts.parent_idv_agency_code
            or latest.text("referenced_idv_agency_iden"),
            award_type_code=type_code,
            **read_award_fields("api_detail", fields.read),
        ),
        unknown,
    )
