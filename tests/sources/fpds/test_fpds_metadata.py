from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from whosbehind.sources.fpds import metadata


def test_feed_url_carries_the_query_and_start() -> None:
    url = metadata.feed_url('CONTRACTING_AGENCY_ID:"7012"', start=20)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == metadata.ATOM_URL
    query = parse_qs(parts.query)
    assert query["q"] == ['CONTRACTING_AGENCY_ID:"7012"']
    assert query["FEEDNAME"] == ["PUBLIC"] and query["start"] == ["20"]
    assert "start" not in parse_qs(urlsplit(metadata.feed_url("PIID:X")).query)


def test_namespaces_and_terms() -> None:
    assert metadata.ATOM_NAMESPACE == "http://www.w3.org/2005/Atom"
    assert metadata.FPDS_NAMESPACE == "https://www.fpds.gov/FPDS"
    assert "public domain" in metadata.LICENSE and metadata.PUBLISHER and metadata.CADENCE
