"""``whosbehind agency`` and ``whosbehind company`` end to end on real records (the store of
tests/analysis/test_agency_report.py): every output format, every citation resolvable."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from tests.analysis.test_agency_report import report_store
from whosbehind.cli.app import app
from whosbehind.errors import NotFoundError, UsageError

__all__ = ["report_store"]  # the session fixture, shared

runner = CliRunner(env={"COLUMNS": "250"})
VOID = {"meta", "br", "hr", "img", "link", "input"}


def run(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


def test_agency_markdown_footnotes_resolve_to_citations(report_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "ice.md"
    code, _ = run(report_store, "agency", "7012", "--as-of", "2020-06-30", "--format", "markdown",
                  "--out", str(out))  # fmt: skip
    assert code == 0
    text = out.read_text()
    body, _, sources = text.partition("\n## Sources\n")
    used = set(re.findall(r"\[\^(c[0-9a-f]{16})\]", body))
    defined = dict(re.findall(r"^\[\^(c[0-9a-f]{16})\]: (.+)$", sources, re.MULTILINE))
    assert used and used == set(defined)
    code, out_json = run(report_store, "agency", "7012", "--as-of", "2020-06-30", "--json")
    citations = json.loads(out_json)["citations"]
    assert set(citations) == used
    for key, line in defined.items():
        citation = citations[key]
        assert citation["locator"] in line and citation["content_hash"] in line
        assert citation["record_time"] in line and citation["source"] in line
    assert "| PALANTIR TECHNOLOGIES INC. | HSCETC14C00002 |" in body
    assert "WEB-ENABLED INVESTIGATING CASE MANAGEMENT" in body and "FALCON" in body
    assert "## Cloud offerings it authorized" in body and "Intelliworx" in body
    assert "## Coverage notes" in body and "reported parent" in body


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and str(values.get("href", "")).startswith("#"):
            self.links.add(str(values["href"])[1:])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_agency_html_is_well_formed_and_every_link_has_its_source(report_store: Path) -> None:
    code, page = run(report_store, "agency", "ICE", "--as-of", "2020-06-30", "--format", "html")
    assert code == 0 and page.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert checker.links and checker.links <= checker.ids
    assert "HSCETC13F00030" in page and "&amp;" in page  # escaped text, e.g. "ASSET PROTECTION &"


def test_agency_json_round_trips_with_a_citation_for_every_row(report_store: Path) -> None:
    code, out = run(report_store, "agency", "7012", "--as-of", "2020-06-30", "--from-fy", "2017",
                    "--to-fy", "2018", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert json.loads(json.dumps(data)) == data
    assert data["report"] == "agency" and data["agency"]["subtier_codes"] == ["7012"]
    assert data["fiscal_years"] == {"from": 2017, "to": 2018}
    assert data["total"] == "668584206.88"  # FY2017 + FY2018 of the files
    sections = {s["key"]: s for s in data["sections"]}
    assert [r["fiscal year"] for r in sections["money"]["rows"]] == ["FY2017", "FY2018"]
    for section in sections.values():
        for row in section["rows"]:
            assert row["citations"] and set(row["citations"]) <= set(data["citations"])
    for citation in data["citations"].values():
        assert set(citation) == {
            "id", "source", "locator", "selector", "record_time", "content_hash"
        }  # fmt: skip
    cloud = sections["cloud"]["rows"]
    assert {r["package id"]: r["first ATO"] for r in cloud}["FR1724526654"] == "2018-09-27"


def test_agency_table_and_plots(report_store: Path, tmp_path: Path) -> None:
    png, svg = tmp_path / "ice.png", tmp_path / "ice.svg"
    code, out = run(report_store, "agency", "7012", "--plot", str(png))
    assert code == 0 and "PALANTIR TECHNOLOGIES INC." in out and "Sources" in out
    assert png.read_bytes().startswith(b"\x89PNG")
    code, _ = run(report_store, "agency", "7012", "--plot", str(svg), "--format", "markdown")
    assert code == 0 and "<svg" in svg.read_text()


def test_company_formats(report_store: Path) -> None:
    code, out = run(report_store, "company", "Palantir Technologies", "--as-of", "2020-06-30",
                    "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["report"] == "company" and data["company"]["name"] == "PALANTIR TECHNOLOGIES INC."
    sections = {s["key"]: s for s in data["sections"]}
    assert sections["subsidiaries"]["rows"][0]["organization"] == "PALANTIR USG, INC."
    assert {r["package id"] for r in sections["cloud"]["rows"]} == {"FR1912671248"}
    assert {r["infrastructure provider"] for r in sections["infrastructure"]["rows"]} >= {"Amazon"}
    code, text = run(report_store, "company", "Palantir", "--format", "markdown")
    assert code == 0 and "## Agencies served" in text and "[^c" in text


def test_bad_format_and_unknown_agency_are_usage_errors(report_store: Path) -> None:
    bad_format = runner.invoke(
        app, ["--db", str(report_store), "agency", "7012", "--format", "pdf"]
    )
    assert bad_format.exit_code == 2 and "'pdf' is not one of" in bad_format.output
    result = runner.invoke(app, ["--db", str(report_store), "agency", "Ministry of Nothing"])
    assert isinstance(result.exception, UsageError)
    result = runner.invoke(app, ["--db", str(report_store), "company", "Nobody At All Inc"])
    assert isinstance(result.exception, NotFoundError)
