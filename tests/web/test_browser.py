"""The app in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), served
by `whosbehind serve` in its own process on a store built from the real shared data (ICE's
contracts, the agency list, FedRAMP history and organization export, resolved): search with
suggestions, ICE's page, Palantir to its cloud and on to Amazon, the date control, a citation.
Screenshots of every step are kept in the artifacts folder the first test names
(./scripts/test: test-artifacts/browser/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.browser import artifacts_folder, chromium_context, require_chromium
from tests.support.served import serving

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def shots() -> Path:
    return artifacts_folder() / "browser"


@pytest.fixture(scope="module")
def base_url(web_store: Path, shots: Path) -> Iterator[str]:
    require_chromium()
    shots.mkdir(parents=True, exist_ok=True)
    with serving(web_store, shots / "serve.log") as url:
        yield url


@pytest.fixture(scope="module")
def context(base_url: str) -> Iterator[Any]:
    with chromium_context() as found:
        found.set_default_timeout(60_000)
        yield found


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    opened = context.new_page()
    yield opened
    opened.close()


def _shot(page: Any, shots: Path, name: str) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000, f"{path}: an empty screenshot"
    return path


def test_suggestions_then_search_results(page: Any, base_url: str, shots: Path) -> None:
    print(f"\nbrowser screenshots: {shots}")
    page.goto(base_url + "/")
    box = page.locator("main input[name=q]")
    box.press_sequentially("amaz", delay=60)
    suggestions = page.locator("#suggestions2 li a")
    suggestions.first.wait_for(state="visible")
    labels = suggestions.all_inner_texts()
    assert labels and labels[0].lower().startswith("amazon"), labels
    _shot(page, shots, "01-suggestions")
    box.fill("palantir")
    with page.expect_navigation():
        box.press("Enter")  # no suggestion chosen: the form is sent
    assert page.url.endswith("/search?q=palantir")
    first = page.locator("main section").first.inner_text()
    assert "palantir" in first.lower(), first
    headings = page.locator("main h2").all_inner_texts()
    assert {"Organizations", "Offerings"} <= set(headings), headings
    _shot(page, shots, "02-search-palantir")


def test_open_ice(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/search?q=ICE")
    link = page.locator("a[href='/agency/7012']").first
    assert "Immigration and Customs Enforcement" in link.inner_text()
    with page.expect_navigation():
        link.click()
    assert page.url == base_url + "/agency/7012"
    assert "Immigration and Customs Enforcement" in page.locator("h1").inner_text()
    assert page.locator("a[href^='/company/PALANTIR']").count() > 0
    assert page.locator("a[href^='/cite/']").count() > 50
    assert "data version" in page.locator("footer").inner_text()
    _shot(page, shots, "03-agency-ice")


def test_palantir_to_its_cloud_and_to_amazon(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/search?q=palantir")
    offering = page.locator("a[href='/offering/FR1912671248']")
    with page.expect_navigation():
        offering.click()
    assert page.locator("h1").inner_text().startswith("FR1912671248")
    runs_on = page.locator("section:has(#h-runs-on)")
    assert "Amazon" in runs_on.inner_text()
    _shot(page, shots, "04-offering-palantir")
    with page.expect_navigation():
        runs_on.locator("a[href='/company/Amazon']").first.click()
    assert page.url == base_url + "/company/Amazon"
    assert "Amazon" in page.locator("h1").inner_text()
    cloud = page.locator("section:has(#h-cloud)").inner_text()
    assert "AWS GovCloud" in cloud
    _shot(page, shots, "05-company-amazon")


def test_the_date_control(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/offering/FR1912671248")
    now = page.locator("section:has(#h-authorizations)").inner_text()
    date = page.locator("form.date-control input[name=as_of]")
    date.fill("2023-06-01")
    with page.expect_navigation():
        page.locator("form.date-control button[type=submit]").click()
    assert "as_of=2023-06-01" in page.url
    assert page.locator("form.date-control input[name=as_of]").input_value() == "2023-06-01"
    then = page.locator("section:has(#h-authorizations)")
    heading = then.locator("h2").inner_text()
    shown = re.search(r"snapshot of (\d{4}-\d{2}-\d{2})", heading)
    assert shown and shown.group(1) <= "2023-06-01", heading
    assert then.inner_text() != now
    # the page shows what the library answers for that date (the API is the library's JSON)
    answer = httpx.get(base_url + "/api/offering/FR1912671248", params={"as_of": "2023-06-01"})
    agencies = {row["agency"] for row in answer.json()["authorizations"]}
    assert agencies and all(agency in then.inner_text() for agency in agencies)
    _shot(page, shots, "06-offering-as-of-2023")


def test_follow_a_citation(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/agency/7012")
    cite = page.locator("a[href^='/cite/']").first
    target = cite.get_attribute("href")
    with page.expect_navigation():
        cite.click()
    assert page.url == base_url + target
    text = page.locator("main").inner_text()
    assert re.search(r"\b[0-9a-f]{64}\b", text), "the content hash"
    assert re.search(r"fy1[3-8]\.csv", text), "the file the number comes from"
    _shot(page, shots, "07-citation")
