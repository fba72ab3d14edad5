from __future__ import annotations

from whosbehind.sources.usaspending import metadata


def test_urls() -> None:
    assert metadata.API_BASE == "https://api.usaspending.gov/api/v2/"
    assert metadata.api_url("spending_by_award") == (
        "https://api.usaspending.gov/api/v2/search/spending_by_award/"
    )
    key = "CONT_IDV_80JSC019C0012_8000"
    assert metadata.api_url("award", award_key=key).endswith(f"/awards/{key}/")
    assert metadata.award_page(key) == f"https://www.usaspending.gov/award/{key}/"
    assert all(page.startswith("https://") for page in metadata.DOWNLOAD_PAGES)


def test_publisher_terms_and_cadence_are_stated() -> None:
    assert "USAspending" in metadata.PUBLISHER
    assert "public domain" in metadata.LICENSE
    assert metadata.CADENCE and metadata.FEED_CSV != metadata.FEED_API
