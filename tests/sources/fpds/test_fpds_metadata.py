from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

from tests.support.contracts import FPDS_PAGES
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


def test_agency_query_is_the_query_of_the_recorded_feed_pages() -> None:
    page = (FPDS_PAGES / "full_response.xml").read_text()
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*FEEDS/ATOM[^"]*)"', page)]
    recorded = {parse_qs(urlsplit(link).query)["q"][0] for link in links}
    built = metadata.agency_query("4740", dt.date(2013, 10, 1), dt.date(2014, 9, 30))
    assert recorded == {built}
    first = metadata.feed_url(built)
    assert parse_qs(urlsplit(first).query) == {
        k: v for k, v in parse_qs(urlsplit(links[0]).query).items() if k != "start"
    }
