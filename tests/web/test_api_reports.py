"""The reports through the JSON API and the pages, against the library's answers and the
contract files themselves (summed here with csv and Decimal)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.support.contracts import rows_2018, totals_2018
from tests.web.conftest import Ask
from whosbehind.analysis.reports.agency import agency_report
from whosbehind.analysis.reports.company import company_report


def test_ice_agency_json_totals_match_the_files_and_the_library(
    client: TestClient, ask: Ask[Any]
) -> None:
    response = client.get("/api/agency/7012")
    assert response.status_code == 200
    data = response.json()
    per_year, _ = totals_2018()
    assert Decimal(data["total"]) == sum(per_year.values())
    assert Decimal(data["total"]) == ask(lambda e: agency_report(e, "7012").total)
    money = next(s for s in data["sections"] if s["key"] == "money")
    assert {row["fiscal year"]: Decimal(row["obligated"]) for row in money["rows"]} == {
        f"FY{year}": amount for year, amount in per_year.items()
    }
    cited = {c for s in data["sections"] for row in s["rows"] for c in row["citations"]}
    assert cited and cited <= set(data["citations"])


def test_agency_page_shows_the_total_and_links_every_figure_to_a_citation(
    client: TestClient,
) -> None:
    per_year, _ = totals_2018()
    page = client.get("/agency/7012", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f"{sum(per_year.values()):,.2f}" in html
    for amount in per_year.values():  # each year's figure is a link to its citation
        assert re.search(
            rf'<a href="/cite/c[0-9a-f]{{16}}">{re.escape(f"{amount:,.2f}")}</a>', html
        )
    assert "<svg" in html and "FY2018" in html  # the chart, drawn on the server
    assert "data version" in html


def test_a_table_downloads_as_csv_with_the_same_figures(client: TestClient) -> None:
    response = client.get("/api/agency/7012/tables/money", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    per_year, _ = totals_2018()
    assert {r["fiscal year"]: Decimal(r["obligated"]) for r in rows} == {
        f"FY{y}": a for y, a in per_year.items()
    }
    as_json = client.get("/api/agency/7012/tables/money", params={"format": "json"}).json()
    assert [r["obligated"] for r in as_json] == [r["obligated"] for r in rows]


def test_palantir_company_total_is_its_actions_and_its_subsidiary(
    client: TestClient, ask: Ask[Any]
) -> None:
    expected = sum(
        Decimal(row["federal_action_obligation"])
        for row in rows_2018()
        if any(
            name.upper().startswith("PALANTIR TECHNOLOGIES")
            for name in (row["recipient_name"], row["recipient_parent_name"])
        )
    )
    data = client.get("/api/company/Palantir Technologies").json()
    assert (
        Decimal(data["total"])
        == expected
        == ask(lambda e: company_report(e, "Palantir Technologies").total)
    )
    page = client.get("/company/Palantir Technologies").text
    assert f"{expected:,.2f}" in page and "PALANTIR USG, INC." in page


def test_a_citation_page_shows_the_source_and_the_record(client: TestClient) -> None:
    data = client.get("/api/agency/7012").json()
    money = next(s for s in data["sections"] if s["key"] == "money")
    citation = money["rows"][0]["citations"][0]
    found = client.get(f"/api/cite/{citation}").json()
    assert found["citation"]["id"] == citation
    assert found["citation"]["content_hash"] == data["citations"][citation]["content_hash"]
    page = client.get(f"/cite/{citation}").text
    assert found["citation"]["content_hash"] in page and found["citation"]["source"] in page


def test_the_data_version_names_the_newest_snapshot_of_each_feed(
    client: TestClient, ask: Ask[Any]
) -> None:
    version = client.get("/api/version").json()
    newest = ask(
        lambda e: dict(
            e.connection.execute(
                "SELECT feed, max(seq) FROM snapshot WHERE status = 'ok' GROUP BY feed"
            ).fetchall()
        )
    )
    assert {f["feed"]: f["seq"] for f in version["feeds"]} == newest
    assert version["digest"] in client.get("/").text
