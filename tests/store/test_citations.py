"""Every citation id any command prints resolves, on the same store opened read-only.

The store holds the shared data of every source (FedRAMP legacy, marketplace and organization
export; ICE's 2018 contract files and today's award summaries; recorded USAspending API
responses; FPDS pages; the agency list), resolved into organizations. Every command that
prints citation ids runs with ``--json``; every id in its output (found by walking the JSON,
and in the files ``export`` writes) must resolve with ``cite`` to a citation whose bytes, read
independently from where the snapshot was read, hash to its content hash. No registration
step runs between the commands and ``cite``: the store is never opened for writing after
ingest and ``resolve``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.export.support import build_supply_chain_store
from tests.support.contracts import API_RESPONSES, FPDS_PAGES, ICE_LOCAL_GOV
from whosbehind.cli.app import app
from whosbehind.errors import NotFoundError
from whosbehind.model.citation import Citation, selector_part, snapshot_part
from whosbehind.pipeline.contracts.ingest import ingest_fpds, ingest_usaspending
from whosbehind.store.citations import find_citation, find_citations, snapshot_citations
from whosbehind.store.engine import Engine

runner = CliRunner(env={"COLUMNS": "250", "WHOSBEHIND_JUDGEMENTS": "/nonexistent/j.tsv"})
ID = re.compile(r"\bc[0-9a-f]{16}\b")

# every command that prints citation ids, as a user would run it on this store
COMMANDS: list[tuple[str, ...]] = [
    ("agency", "7012"),
    ("agency", "7012", "--as-of", "2020-06-30"),
    ("company", "Palantir"),
    ("company", "GEO GROUP"),
    ("spending", "--by", "recipient", "--agency", "7012"),
    ("spending", "--by", "parent"),
    ("spending", "--by", "fiscal-year"),
    ("awards", "--agency", "7012", "--top", "40"),
    ("awards", "--recipient", "Palantir"),
    ("awards", "--top", "40", "--sort", "piid"),
    ("fedramp", "share"),
    ("fedramp", "share", "--as-of", "2019-06-01", "--feed", "legacy"),
    ("fedramp", "share", "--measure", "letters", "--attribution", "infrastructure"),
    ("fedramp", "offering", "F1603047866"),
    ("fedramp", "offering", "F1603047866", "--as-of", "2019-01-01", "--feed", "legacy"),
    ("fedramp", "runs-on", "Amazon"),
    ("fedramp", "runs-on", "Microsoft", "--feed", "legacy"),
    ("fedramp", "changes", "--from", "2023-06-01"),
    ("fedramp", "changes", "--from", "2018-01-01", "--to", "2020-01-01", "--feed", "legacy"),
    ("fedramp", "timeline", "--every", "year"),
    ("org", "Palantir Technologies"),
    ("org", "PALANTIR USG"),
    ("org", "GEO GROUP"),
    ("org", "Amazon"),
    ("path", "7012", "Amazon", "--top", "5"),
    ("path", "HSCETE14F00057", "Amazon", "--agency", "7012", "--max-hops", "4"),
    ("export", "--format", "csv", "--agency", "7012"),
]


def run(db: Path, *args: str) -> str:
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = build_supply_chain_store(tmp_path_factory.mktemp("cite-all") / "store.duckdb")
    engine = Engine(path)
    try:
        ingest_usaspending(engine, ICE_LOCAL_GOV)
        ingest_usaspending(engine, API_RESPONSES)
        ingest_fpds(engine, FPDS_PAGES)
    finally:
        engine.close()
    run(path, "resolve", "--json")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    yield path
    # nothing wrote to the store: no command registers what it prints
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def _ids(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _ids(key)
            yield from _ids(value)
    elif isinstance(node, list):
        for value in node:
            yield from _ids(value)
    elif isinstance(node, str):
        yield from ID.findall(node)


@pytest.fixture(scope="module")
def printed(db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Every id each command prints, by command."""
    found: dict[str, set[str]] = {}
    out = tmp_path_factory.mktemp("export")
    for command in COMMANDS:
        if command[0] == "export":
            run(db, *command, "--out", str(out / "graph"), "--json")
            ids: set[str] = set()
            for name in ("nodes.csv", "edges.csv", "citations.csv"):
                with (out / "graph" / name).open(newline="") as stream:
                    ids |= {i for row in csv.reader(stream) for cell in row for i in _ids(cell)}
        else:
            ids = set(_ids(json.loads(run(db, *command, "--json"))))
        found[" ".join(command)] = ids
    return found


def test_every_command_prints_ids(printed: dict[str, set[str]]) -> None:
    silent = sorted(command for command, ids in printed.items() if not ids)
    assert silent == []


def test_every_printed_id_resolves_read_only_to_bytes_with_its_hash(
    db: Path, printed: dict[str, set[str]]
) -> None:
    every = sorted(set().union(*printed.values()))
    engine = Engine(db, read_only=True)
    try:
        resolved = find_citations(engine, every)
        assert [i for i in every if i not in resolved] == []
        snapshots = engine.rows("SELECT feed, sha256, kind, locator, commit_id FROM snapshot")
    finally:
        engine.close()
    read_from = {(s["feed"], s["sha256"]): s for s in snapshots}
    checked: dict[tuple[str, str], str] = {}
    for citation_id, citation in resolved.items():
        assert citation.id == citation_id
        key = (citation.source, citation.content_hash)
        if key not in checked:
            checked[key] = hashlib.sha256(_published_bytes(read_from[key])).hexdigest()
        assert checked[key] == citation.content_hash, citation_id
    assert len(every) > 500 and len(checked) > 20  # the store's sources, all cited


def _published_bytes(snapshot: dict[str, Any]) -> bytes:
    """The bytes where the snapshot was read, read with git and open(), not with whosbehind."""
    hint = str(snapshot["locator"])
    if snapshot["kind"] == "git":
        repo, _, path = hint.partition(f"@{snapshot['commit_id']}:")
        return subprocess.run(
            ["git", "-c", "safe.directory=*", f"--git-dir={repo}", "cat-file", "blob",
             f"{snapshot['commit_id']}:{path}"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
    return Path(hint).read_bytes()


@pytest.mark.parametrize(
    "command", ["awards --recipient Palantir", "fedramp offering F1603047866", "org PALANTIR USG"]
)
def test_cite_prints_each_id_with_the_record_it_names(
    db: Path, printed: dict[str, set[str]], command: str
) -> None:
    for citation_id in sorted(printed[command]):
        data = json.loads(run(db, "cite", citation_id, "--json"))
        assert data["citation"]["id"] == citation_id
        if data["citation"]["selector"]:
            assert data["records"], data
        else:
            assert data["note"].startswith("the whole file (")


def test_locators_name_the_public_source_not_this_machine(db: Path) -> None:
    engine = Engine(db, read_only=True)
    try:
        cited = list(snapshot_citations(engine).values())
    finally:
        engine.close()
    machine = (str(ROOT.parent), "/tmp", "127.0.0.1", "localhost")
    assert [c.locator for c in cited if any(part in c.locator for part in machine)] == []
    marketplace = [c.locator for c in cited if c.source == "fedramp-marketplace"]
    # the archive's commit names the upstream commit; the feed names the repository
    assert marketplace and all(
        re.fullmatch(r"github\.com/GSA/marketplace-fedramp-gov-data@[0-9a-f]{40}:data\.json", loc)
        for loc in marketplace
    )
    assert {c.locator for c in cited if c.source == "usaspending-csv"} >= {"fy18.csv"}


def test_an_id_is_the_snapshot_hash_then_the_record_hash() -> None:
    import datetime as dt

    when = dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    whole = Citation("usaspending-csv", "fy18.csv", when, "ab" * 32)
    narrowed = whole.narrow("award_id_piid=X")
    assert whole.id[:8] == narrowed.id[:8] == "c" + snapshot_part(*_four(whole))
    assert narrowed.id[8:] == selector_part("award_id_piid=X") != whole.id[8:]
    # the same instant in another zone (a machine's DuckDB session) is the same id
    assert Citation(*_four(whole)[:2], when.astimezone(dt.UTC), "ab" * 32).id == whole.id
    assert Citation.from_json(json.loads(json.dumps(narrowed.to_json()))) == narrowed


def _four(c: Citation) -> tuple[str, str, Any, str]:
    return (c.source, c.locator, c.record_time, c.content_hash)


def test_an_unknown_id_says_what_ids_name(db: Path) -> None:
    result = runner.invoke(app, ["--db", str(db), "cite", "c0123456789abcdef"])
    assert isinstance(result.exception, NotFoundError)
    assert "names a snapshot and a record stored here" in str(result.exception)


def test_a_copied_store_resolves_the_same_ids(
    db: Path, printed: dict[str, set[str]], tmp_path: Path
) -> None:
    copy = tmp_path / "elsewhere.duckdb"
    shutil.copy(db, copy)
    some = sorted(printed["fedramp share"])[:5] + sorted(printed["awards --recipient Palantir"])
    engine = Engine(copy, read_only=True)
    try:
        assert all(find_citation(engine, i) is not None for i in some)
    finally:
        engine.close()
