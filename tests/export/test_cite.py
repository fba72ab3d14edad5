"""Citation ids found in an export resolve to their citation and the raw record it names."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LEGACY_REPO, MARKETPLACE_REPO, SHARED_DATA
from whosbehind.analysis.fedramp.share import fedramp_share
from whosbehind.errors import NotFoundError, UsageError
from whosbehind.export.cite import cited_record
from whosbehind.export.graph import Graph
from whosbehind.export.jsonpath import select
from whosbehind.model.timeutil import parse_user_instant
from whosbehind.sources.fedramp.reader import PERSONAL_FIELDS
from whosbehind.store.asof import LIVE, snapshot_at
from whosbehind.store.citations import find_citation
from whosbehind.store.engine import Engine

DATA = SHARED_DATA / "contracts" / "ice-fy13-fy18"
PERSONAL = ("recipient_phone_number", "recipient_fax_number")


def read_git(repo: Path, commit: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "-c", "safe.directory=*", f"--git-dir={repo}", "cat-file", "blob",
         f"{commit}:{path}"],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip


def test_an_award_citation_gives_the_csv_lines_of_its_piid(
    chain_store: Path, ice_graph: Graph
) -> None:
    award = ice_graph.nodes["award:CONT_IDV_HSCETC14C00002_7012"]
    engine = Engine(chain_store, read_only=True)
    try:
        for citation_id in sorted(award.citations):
            found = cited_record(engine, citation_id, read_git)
            assert found.citation == ice_graph.citations[citation_id]
            assert found.bytes_from == "store (raw_object)"
            assert found.selector == "award_id_piid=HSCETC14C00002"
            assert found.records
            assert all(r["award_id_piid"] == "HSCETC14C00002" for r in found.records)
            assert {r["recipient_name"] for r in found.records} == {"PALANTIR USG, INC."}
            expected = _lines_of(found.citation.locator, "HSCETC14C00002")
            # the store keeps the bytes with personal contact fields emptied
            assert all(r[field] == "" for r in found.records for field in PERSONAL)
            assert [{**r, **dict.fromkeys(PERSONAL, "")} for r in expected] == found.records
    finally:
        engine.close()


def _lines_of(locator: str, piid: str) -> list[dict[str, object]]:
    """The cited file's lines whose first field (award_id_piid in the 2018 layout) is ``piid``,
    read independently of whosbehind's layout code."""
    dictionary = DATA / "follow_the_money_data_dictionary.csv"
    path = DATA / Path(locator.partition("#")[0]).name
    with dictionary.open(newline="", encoding="utf-8-sig") as stream:
        names = [row[1] for row in csv.reader(stream)]
    with path.open(newline="", encoding="utf-8-sig") as stream:
        reader = csv.reader(stream)
        return [
            {"line": reader.line_num, **dict(zip(names, row, strict=False))}
            for row in reader
            if row[0] == piid and row != names
        ]


def test_an_offering_citation_gives_the_json_record_from_the_git_archive(
    chain_store: Path, ice_graph: Graph
) -> None:
    offering = next(n for n in ice_graph.nodes.values() if n.kind == "offering" and n.citations)
    pid = offering.attributes["package_id"]
    citation_id = next(
        c for c in sorted(offering.citations)
        if ice_graph.citations[c].selector.endswith(f"(@.id=='{pid}')]")
    )  # fmt: skip
    engine = Engine(chain_store, read_only=True)
    try:
        found = cited_record(engine, citation_id, read_git)
    finally:
        engine.close()
    assert found.bytes_from.startswith(f"git {MARKETPLACE_REPO}")
    assert found.selector.startswith("$.data.Products[?(@.id==")
    assert len(found.records) == 1 and found.records[0]["id"] == pid
    assert json.dumps(found.to_json())  # plain JSON


def test_an_agency_citation_gives_the_agency_list_row(chain_store: Path, ice_graph: Graph) -> None:
    engine = Engine(chain_store, read_only=True)
    try:
        found = cited_record(engine, sorted(ice_graph.nodes["agency:7012"].citations)[0], read_git)
    finally:
        engine.close()
    assert found.selector == "subtier_code=7012"
    assert any("U.S. Immigration and Customs Enforcement" in str(r) for r in found.records)


def test_a_snapshot_citation_is_found_in_the_snapshot_rows(chain: Engine) -> None:
    share = fedramp_share(chain, parse_user_instant("2024-01-01"))
    issued = share.snapshot.cite()
    assert find_citation(chain, issued.id) == issued
    found = cited_record(chain, issued.id, read_git)
    assert found.records == [] and found.note.startswith("the whole file (")


def test_an_unknown_id_says_what_an_id_names(chain: Engine) -> None:
    with pytest.raises(NotFoundError, match="names a snapshot and a record stored here"):
        cited_record(chain, "c0123456789abcdef", read_git)


def test_jsonpath_selects_as_the_fedramp_locators_say() -> None:
    document = {"data": {"Providers": [{"Package_ID": "F1", "Letters": [{"A": "it's"}]},
                                       {"Package_ID": 7}]}}  # fmt: skip
    assert select(document, "$.data.Providers[?(@.Package_ID=='F1')].Letters") == [[{"A": "it's"}]]
    assert select(document, "$.data.Providers[?(@.Package_ID==7)]") == [{"Package_ID": 7}]
    assert select(document, "$.data.Providers[0]['Package_ID']") == ["F1"]
    assert select(document, r"$.data.Providers[?(@.Package_ID=='F1')].Letters[?(@.A=='it\'s')]")
    with pytest.raises(UsageError):
        select(document, "data.Providers")


def test_cite_shows_git_bytes_through_the_ingest_redaction(chain: Engine) -> None:
    snapshot = snapshot_at(chain, "fedramp-legacy", parse_user_instant("2020-01-01"))
    assert snapshot is not None
    paths = [row["locator"] for row in chain.rows(
        f"SELECT locator FROM fedramp_offering WHERE feed = ? AND {LIVE} ORDER BY locator",
        snapshot.live_params(),
    )]  # fmt: skip
    commit = snapshot.locator.split("@")[1].split(":")[0]
    published = json.loads(read_git(LEGACY_REPO, commit, "data/data.json"))
    with_contacts = [p for p in paths if "CSP_POC_Email" in select(published, p)[0]]
    assert len(with_contacts) > 10  # the published record names a person
    for path in with_contacts[:10]:
        found = cited_record(chain, snapshot.cite(path).id, read_git)
        assert found.bytes_from.startswith("git ") and len(found.records) == 1
        assert not _keys(found.records) & PERSONAL_FIELDS


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in _keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in _keys(value)}
    return set()


def test_cite_masks_the_official_a_description_names(chain_store: Path, ice_graph: Graph) -> None:
    """The FY15 Mythics order's description names its COR ('COR IS <first> <last>: 202-...'):
    what cite shows has the name masked, as the store does (model/redaction.py)."""
    award = next(node for key, node in ice_graph.nodes.items() if "HSCETE15J00192" in key)
    engine = Engine(chain_store, read_only=True)
    try:
        records = [
            record
            for citation_id in sorted(award.citations)
            for record in cited_record(engine, citation_id, read_git).records
        ]
    finally:
        engine.close()
    described = [str(r["award_description"]) for r in records if "COR IS" in str(r)]
    assert described, "the cited lines hold the description naming the COR"
    assert all(re.search(r"COR IS \[name removed\]: \[phone removed\]", t) for t in described)
    assert not any(re.search(r"COR IS [A-Z]+ [A-Z]+", str(record)) for record in records)
