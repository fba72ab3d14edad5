"""Who publishes the FPDS ATOM feed, where, under what terms and how often."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

PUBLISHER = "General Services Administration, Federal Procurement Data System (FPDS-NG)"
FEED = "fpds-atom"
LICENSE = "US government work, public domain"
CADENCE = (
    "contract actions appear within days of signature; DoD actions are published with a "
    "90-day delay"
)
ATOM_URL = "https://www.fpds.gov/ezsearch/FEEDS/ATOM"
FEED_VERSION = "1.5.2"  # as in the links of recorded feed pages
PAGE_SIZE = 10  # the public feed returns ten entries per page; ``start`` advances by ten
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
FPDS_NAMESPACE = "https://www.fpds.gov/FPDS"


def feed_url(query: str, start: int = 0) -> str:
    """The public feed URL for an ezSearch query such as ``CONTRACTING_AGENCY_ID:"7012"``."""
    parameters = {"s": "FPDS", "FEEDNAME": "PUBLIC", "VERSION": FEED_VERSION, "q": query}
    if start:
        parameters["start"] = str(start)
    return f"{ATOM_URL}?{urlencode(parameters)}"


def agency_query(agency_code: str, start: dt.date, end: dt.date) -> str:
    """The ezSearch query for one contracting agency's actions last modified in ``[start, end]``.

    ``AGENCY_CODE`` is the contracting (sub-tier) agency code, e.g. 7012 for ICE, as in the
    recorded feed pages; ``LAST_MOD_DATE`` catches modifications of older awards too.
    """
    return f'LAST_MOD_DATE:[{start:%Y/%m/%d},{end:%Y/%m/%d}] AGENCY_CODE:"{agency_code}"'
