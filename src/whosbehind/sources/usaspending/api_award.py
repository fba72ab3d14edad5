"""The ``awards/<generated id>`` detail response of a contract or IDV, read into an Award."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from whosbehind.model.contracts import Award, classify_award_type, normalize_duns, split_award_key
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
    awarding, funding = fields.sub("awarding_agency"), fields.sub("funding_agency")
    recipient = fields.sub("recipient")
    location, place = recipient.sub("location"), fields.sub("place_of_performance")
    period = fields.sub("period_of_performance")
    parent_piid = parent.text("piid") or parts.parent_idv_piid
    type_code = fields.text("type")
    psc = fields.sub("psc_hierarchy").sub("base_code")
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
            award_type_description=fields.text("type_description"),
            awarding_toptier_code=awarding.sub("toptier_agency").text("code"),
            awarding_toptier_name=awarding.sub("toptier_agency").text("name"),
            awarding_subtier_code=awarding.sub("subtier_agency").text("code"),
            awarding_subtier_name=awarding.sub("subtier_agency").text("name"),
            awarding_office_name=awarding.text("office_agency_name"),
            funding_toptier_code=funding.sub("toptier_agency").text("code"),
            funding_toptier_name=funding.sub("toptier_agency").text("name"),
            funding_subtier_code=funding.sub("subtier_agency").text("code"),
            funding_subtier_name=funding.sub("subtier_agency").text("name"),
            recipient_name=recipient.text("recipient_name"),
            recipient_duns=normalize_duns(recipient.text("recipient_unique_id")),
            recipient_uei=recipient.text("recipient_uei"),
            recipient_parent_name=recipient.text("parent_recipient_name"),
            recipient_parent_duns=normalize_duns(recipient.text("parent_recipient_unique_id")),
            recipient_parent_uei=recipient.text("parent_recipient_uei"),
            recipient_city=location.text("city_name"),
            recipient_state=location.text("state_code"),
            recipient_zip=location.text("zip5"),
            recipient_country=location.text("location_country_code"),
            psc_code=latest.text("product_or_service_code") or psc.text("code"),
            psc_description=latest.text("product_or_service_description")
            or psc.text("description"),
            naics_code=latest.text("naics"),
            naics_description=latest.text("naics_description"),
            pop_city=place.text("city_name"),
            pop_state=place.text("state_code"),
            pop_country=place.text("location_country_code"),
            description=fields.text("description"),
            total_obligation=fields.money("total_obligation"),
            base_and_exercised=fields.money("base_exercised_options"),
            potential_total_value=fields.money("base_and_all_options"),
            base_action_date=fields.date("date_signed", action=True),
            start_date=period.date("start_date"),
            current_end_date=period.date("end_date"),
            potential_end_date=period.date("potential_end_date"),
        ),
        unknown,
    )
