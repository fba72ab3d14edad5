"""Who publishes USAspending contract data, where, under what terms and how often."""

from __future__ import annotations

PUBLISHER = "U.S. Department of the Treasury, Bureau of the Fiscal Service (USAspending.gov)"
FEED_CSV = "usaspending-csv"
FEED_API = "usaspending-api"

API_BASE = "https://api.usaspending.gov/api/v2/"
ENDPOINTS = {
    "spending_by_award": "search/spending_by_award/",
    "award": "awards/{award_key}/",
    "transactions": "transactions/",
    "idv_awards": "idvs/awards/",
    "recipient": "recipient/{recipient_id}/",
    "bulk_download": "bulk_download/awards/",
    "download_status": "download/status/",
}
DOWNLOAD_PAGES = (
    "https://www.usaspending.gov/download_center/custom_award_data",
    "https://www.usaspending.gov/download_center/award_data_archive",
    "https://files.usaspending.gov/award_data_archive/",
)
DATA_DICTIONARY = "https://files.usaspending.gov/docs/Data_Dictionary_Crosswalk.xlsx"
AWARD_PAGE = "https://www.usaspending.gov/award/{award_key}/"

LICENSE = (
    "U.S. federal government data: public domain in the United States (17 U.S.C. 105); "
    "the usaspending-api code is CC0 1.0"
)
CADENCE = (
    "contract data follows FPDS and is loaded nightly; award data archive files "
    "(FY*_Contracts_Full_YYYYMMDD.zip) are regenerated monthly"
)


def api_url(endpoint: str, **parts: str) -> str:
    """The full URL of a named endpoint, e.g. ``api_url("award", award_key="CONT_AWD_...")``."""
    return API_BASE + ENDPOINTS[endpoint].format(**parts)


def award_page(award_key: str) -> str:
    return AWARD_PAGE.format(award_key=award_key)
