"""Every page works offline, without script and from the keyboard: assets only from the app,
the core tables in the HTML the server sends, semantic landmarks, a label for every field, a
skip link and a visible focus, text contrast of at least 4.5:1 (WCAG AA), a date control and
the data version on every page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

HTML = {"accept": "text/html"}
STATIC = Path(__file__).resolve().parents[2] / "src" / "whosbehind" / "web" / "static"
PAGES = (
    "/",
    "/search?q=palantir",
    "/agency/7012",
    "/agency/7012/graph",
    "/company/PALANTIR TECHNOLOGIES INC.",
    "/offering/FR1912671248",
    "/market",
    "/changes?from=2018-01-01&to=2019-12-31",
    "/path?a=7012&b=Amazon",
    "/docs",
)
# Pages without a date to move: the API's documentation, and a citation (one record, as recorded
# at one time).
UNDATED = ("/docs", "/cite/")


class Page(HTMLParser):
    """The parts of a page these tests read."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.labelled: list[bool] = []  # per visible field: inside a <label> or labelled by id
        self.fields: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if tag == "label":
            self.open_labels += 1
            if "for" in found:
                self.label_for.add(found["for"])
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.fields.append(found)
            self.labelled.append(self.open_labels > 0)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def pages(client: TestClient) -> dict[str, Page]:
    found = {}
    citation = next(iter(client.get("/api/agency/7012").json()["citations"]))
    for url in (*PAGES, f"/cite/{citation}"):
        response = client.get(url, headers=HTML)
        assert response.status_code == 200, (url, response.text[:300])
        found[url] = parse(response.text)
    return found


def test_every_asset_comes_from_the_app_itself(client: TestClient, pages: dict[str, Page]) -> None:
    assets = set()
    for url, page in pages.items():
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for attrs in page.all(tag):
                if attr in attrs:
                    target = urlsplit(attrs[attr])
                    assert not target.netloc and not target.scheme, (url, attrs[attr])
                    assets.add(target.path)
    assert {"/static/app.css", "/static/app.js"} <= assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    for script in STATIC.glob("*.js"):  # scripts fetch only the app's own API
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", script.read_text()), script


def test_pages_are_semantic_labelled_and_keyboard_reachable(pages: dict[str, Page]) -> None:
    for url, page in pages.items():
        html_tag = page.all("html")
        assert html_tag and html_tag[0].get("lang") == "en", url
        assert len(page.all("h1")) == 1, url
        assert len(page.all("main")) == 1 and page.all("nav") and page.all("footer"), url
        skip = page.all("a")[0]
        assert skip.get("href") == "#main" and skip.get("class") == "skip", url
        for field, inside in zip(page.fields, page.labelled, strict=True):
            named = inside or field.get("id") in page.label_for or field.get("aria-label")
            assert named, (url, field)
        for table in page.all("th"):
            assert table.get("scope") in ("col", "row"), url
        assert not [a for a in page.all("a") if a.get("tabindex", "0").startswith("-")], url


def test_core_tables_are_in_the_html_without_script(client: TestClient) -> None:
    data = client.get("/api/agency/7012").json()
    money = next(s for s in data["sections"] if s["key"] == "money")
    page = parse(client.get("/agency/7012", headers=HTML).text)
    text = " ".join(page.text)
    assert money["rows"], "the agency has money per year"
    for row in money["rows"]:
        assert str(row["fiscal year"]) in text
    graph = parse(client.get("/agency/7012/graph", headers=HTML).text)
    assert graph.all("table") and len(graph.all("tr")) > 10  # the graph's edges, as a table


def test_every_page_has_a_date_control_and_names_its_data_version(
    client: TestClient, pages: dict[str, Page]
) -> None:
    digest = client.get("/api/version").json()["digest"]
    for url, page in pages.items():
        assert digest in " ".join(page.text), url
        if url.startswith(UNDATED):
            continue
        forms = [f for f in page.all("form") if "date-control" in f.get("class", "")]
        assert forms, url
        dates = [f for f in page.fields if f.get("type") == "date"]
        assert dates, url


def _luminance(color: str) -> float:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    channels = [int(color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_contrast_is_at_least_wcag_aa() -> None:
    assert round(contrast("#000", "#fff"), 1) == 21.0 and contrast("#777", "#fff") < 4.5
    css = (STATIC / "app.css").read_text()
    colors = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{3,6})", css))
    for ink in ("ink", "link", "muted"):
        assert contrast(colors[ink], colors["paper"]) >= 4.5, ink
    assert contrast(colors["link"], "#e8eefa") >= 4.5  # a highlighted suggestion
    assert "outline: 3px solid var(--focus)" in css  # focus is visible


def test_search_results_open_as_of_the_date_chosen(client: TestClient) -> None:
    page = parse(
        client.get("/search", params={"q": "palantir", "as_of": "2020-06-30"}, headers=HTML).text
    )
    hits = [a["href"] for a in page.all("a") if a.get("href", "").startswith("/company/")]
    assert hits and all(href.endswith("as_of=2020-06-30") for href in hits)
    kept = [f for f in page.all("input") if f.get("name") == "as_of" and f.get("type") == "hidden"]
    assert kept and kept[0]["value"] == "2020-06-30"  # a new search keeps the date
    assert client.get("/search", params={"q": "x", "as_of": "June"}).status_code == 422
