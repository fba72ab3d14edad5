"""The initial authorization an offering record states by itself (without a separate list)."""

from __future__ import annotations

import datetime as dt

from whosbehind.model.fedramp import Authorization, Offering
from whosbehind.sources.fedramp import normalize as norm

JAB = "Joint Authorization Board"


def initial_authorization(
    offering: Offering,
    agency_raw: str | None,
    subagency: object = "",
    expiration: dt.date | None = None,
    unstated: str = "",
) -> Authorization:
    """The JAB P-ATO of a JAB offering, else the ATO of the agency the record names (``unstated``
    when it names none), dated with the offering's authorization date."""
    agency = JAB if offering.path == "jab" else (agency_raw or unstated)
    return Authorization(
        package_id=offering.package_id,
        kind="initial",
        agency=norm.agency(agency),
        subagency=norm.text(subagency),
        ordinal=0,
        agency_raw=agency_raw or "",
        agency_id=None,
        letter_date=offering.authorization_date,
        last_sign_date=None,
        expiration_date=expiration,
        locator=offering.locator,
    )
