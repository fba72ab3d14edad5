"""Search, the offering page and the changes page, against the store's records read here
with plain SQL and the library's own answers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests.web.conftest import Ask
from whosbehind.analysis.fedramp.changes import fedramp_changes
from whosbehind.model.timeutil import parse_user_instant
from whosbehind.resolve.registry import lookup

HTML = {"accept": "text/html"}


def test_search_finds_agencies_organizations_offerings_and_piids(
    client: TestClient, ask: Ask[Any]
) -> None:
    ice = client.get("/api/search", params={"q": "Immigration and Customs"}).json()["results"]
    assert any(h["kind"] == "agency" and h["id"] == "7012" for h in ice)
    palantir = client.get("/api/search", params={"q": "Palantir"}).json()["results"]
    orgs = {h["id"] for h in palantir if h["kind"] == "organization"}
    assert ask(lambda e: lookup(e, "Palantir Technologies Inc."))[0] in orgs
    assert {"FR1912671248", "FR2434554673"} <= {
        h["id"] for h in palantir if h["kind"] == "offering"
    }
    piid, recipient = ask(
        lambda e: e.connection.execute(
            "SELECT piid, recipient_name FROM contract_award WHERE latest "
            "AND recipient_name ILIKE 'PALANTIR%' ORDER BY piid LIMIT 1"
        ).fetchall()[0]  # fetchone() left the result unfinished on the app's connection
    )
    (award,) = client.get("/api/search", params={"q": piid.lower()}).json()["results"]
    assert award["kind"] == "award" and award["id"] == piid and recipient in award["detail"]
    suggested = client.get("/api/suggest", params={"q": "Palantir"}).json()["results"]
    assert 0 < len(suggested) <= len(palantir)
    page = client.get("/search", params={"q": "Palantir"}, headers=HTML).text
    assert "/offering/FR1912671248" in page and "/company/" in page


def test_every_search_hit_opens_a_page(client: TestClient) -> None:
    for q in ("Palantir", "Amazon", "7012"):
        for hit in client.get("/api/search", params={"q": q}).json()["results"]:
            assert client.get(hit["url"], headers=HTML).status_code == 200, hit


def test_offering_page_shows_both_clocks_agencies_and_runs_on(
    client: TestClient, ask: Ask[Any]
) -> None:
    data = client.get("/api/offering/FR1912671248").json()
    assert data["package_id"] == "FR1912671248"
    underlying = ask(
        lambda e: sorted(
            r[0]
            for r in e.connection.execute(
                "SELECT DISTINCT underlying_id FROM fedramp_runs_on "
                "WHERE package_id = 'FR1912671248' AND to_seq IS NULL AND feed = ?",
                [data["snapshot"]["feed"]],
            ).fetchall()
        )
    )
    assert sorted(r["underlying_id"] for r in data["runs_on"]) == underlying
    page = client.get("/offering/FR1912671248", headers=HTML).text
    assert "What the record said, when" in page and "What was true, when" in page
    for other in underlying:
        assert f'href="/offering/{other}"' in page
    agencies = {a["agency"] for a in data["authorizations"]}
    assert agencies and all(agency in page for agency in agencies)


def test_changes_between_two_dates(client: TestClient, ask: Ask[Any]) -> None:
    expected = ask(
        lambda e: fedramp_changes(
            e, parse_user_instant("2019-01-01"), parse_user_instant("2024-01-01")
        )
    )
    data = client.get("/api/changes", params={"from": "2019-01-01", "to": "2024-01-01"}).json()
    assert data["counts"] == expected.counts() and len(data["changes"]) == len(expected.changes)
    page = client.get("/changes", params={"from": "2019-01-01", "to": "2024-01-01"}, headers=HTML)
    rows = re.findall(r"<tr><td>", page.text)
    assert len(rows) == len(expected.changes)
    csv = client.get(
        "/changes", params={"from": "2019-01-01", "to": "2024-01-01", "download": "changes"}
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == len(expected.changes) + 1


def test_links_on_the_agency_page_resolve(client: TestClient) -> None:
    """Every link on ICE's page opens; of the citations (hundreds, a few seconds each: the
    raw record is read from its file), one per cited snapshot (the first 7 hex digits of an
    id name the snapshot), and every id is one the page's JSON lists."""
    page = client.get("/agency/7012", headers=HTML).text
    links = sorted(set(re.findall(r'href="([^"]+)"', page)))
    internal = [link for link in links if not urlsplit(link).netloc]
    cites = [link for link in internal if link.startswith("/cite/")]
    listed = client.get("/api/agency/7012").json()["citations"]
    assert {link.removeprefix("/cite/") for link in cites} <= set(listed)
    one_per_snapshot = {link[:14]: link for link in cites}.values()
    internal = [link for link in internal if link not in cites] + sorted(one_per_snapshot)
    assert len(internal) > 20 and len(one_per_snapshot) > 1
    failed = {}
    for link in internal:
        status = client.get(link.replace("&amp;", "&"), headers=HTML).status_code
        if status >= 400:
            failed[link] = status
    assert failed == {}
