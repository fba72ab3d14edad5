"""Search over a real store (ICE's FY13-FY18 contracts, the agency list, FedRAMP history and
organization export, the SEC's company tickers, resolved into organizations): expected answers
come from the source files read with the csv or json module, or from the registry tables, never
from the index under test."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.export.support import build_supply_chain_store
from tests.support.contracts import ICE_2018, SHARED_DATA, rows_2018
from tests.support.registry import copy_store
from whosbehind.analysis.search import KINDS, SearchIndex
from whosbehind.analysis.search.entries import entries
from whosbehind.errors import UsageError
from whosbehind.model.redaction import masked_text
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.pipeline.ingest_sec import ingest_sec
from whosbehind.resolve.registry import run_resolve
from whosbehind.store.engine import Engine
from whosbehind.store.published_reader import PublishedStore

SEC_FOLDER = SHARED_DATA / "sec"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_supply_chain_store(tmp_path_factory.mktemp("search") / "search.duckdb")
    engine = Engine(path)
    try:
        ingest_sec(engine, str(SEC_FOLDER))
        run_resolve(engine, judgements_path=None)
    finally:
        engine.close()
    return path


@pytest.fixture(scope="module")
def engine(store: Path) -> Iterator[Engine]:
    opened = Engine(store, read_only=True, isolated=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def index(engine: Engine) -> SearchIndex:
    return SearchIndex.build(engine)


def _org_of_duns(engine: Engine, duns: str) -> str:
    found = engine.connection.execute(
        "SELECT DISTINCT m.org_id FROM org_record r JOIN org_member m USING (record_key) "
        "WHERE r.duns = ?",
        [duns],
    ).fetchall()
    assert len(found) == 1, found
    return str(found[0][0])


def _palantir_row() -> dict[str, str]:
    return next(r for r in rows_2018() if r["recipient_name"].startswith("PALANTIR"))


def test_a_name_finds_the_organization(index: SearchIndex, engine: Engine) -> None:
    row = _palantir_row()
    hits = index.search("palantir", 10)
    assert hits[0].kind == "organization"
    assert "palantir" in hits[0].label.lower()
    assert hits[0].id == _org_of_duns(engine, row["recipient_duns"].zfill(9))
    assert hits[0].url == f"/company/{hits[0].id}"
    offerings = [hit for hit in hits if hit.kind == "offering"]
    assert offerings and all("palantir" in hit.label.lower() for hit in offerings)


def test_a_typo_still_finds_it(index: SearchIndex) -> None:
    assert "palantir" in index.search("palantr", 5)[0].label.lower()


def test_identifiers_find_their_organization(index: SearchIndex, engine: Engine) -> None:
    duns = _palantir_row()["recipient_duns"]
    org = _org_of_duns(engine, duns.zfill(9))
    assert index.search(duns, 3)[0].id == org
    assert index.search(duns.lstrip("0"), 3)[0].id == org  # typed without its leading zeros
    uei = engine.connection.execute(
        "SELECT r.uei, m.org_id FROM org_record r JOIN org_member m USING (record_key) "
        "WHERE r.uei IS NOT NULL ORDER BY r.uei LIMIT 1"
    ).fetchall()[0]
    assert index.search(uei[0].lower(), 3)[0].id == uei[1]


def test_a_cik_finds_the_registrant(index: SearchIndex, engine: Engine) -> None:
    tickers = json.loads((SEC_FOLDER / "company_tickers.json").read_text())
    cik = next(str(row["cik_str"]) for row in tickers.values() if row["ticker"] == "PLTR")
    org = engine.connection.execute(
        "SELECT DISTINCT m.org_id FROM org_record r JOIN org_member m USING (record_key) "
        "WHERE ltrim(r.cik, '0') = ?",
        [cik],
    ).fetchall()
    assert len(org) == 1
    assert index.search(cik, 3)[0].id == org[0][0]
    assert index.search(cik.zfill(10), 3)[0].id == org[0][0]


def test_a_piid_from_the_ice_file_finds_its_award(index: SearchIndex) -> None:
    with (ICE_2018 / "fy18.csv").open(encoding="utf-8") as stream:
        piid = stream.readline().split(",", 1)[0].strip('"')
    hits = index.search(piid, 5)
    assert (hits[0].kind, hits[0].id) == ("award", piid)
    assert index.search(piid.lower(), 5)[0].id == piid


def test_a_word_of_a_description_finds_the_award(index: SearchIndex) -> None:
    """Words of FY18 descriptions (each award's latest) that no other description holds, even
    with another ending: each finds its award among the first five (the index stems English
    words, so a word shares its stem with a few others). The descriptions are read as stored,
    with officials' names, e-mail addresses and phone numbers masked."""
    rows = [row for row in rows_2018() if row["action_date"].endswith("/2018")]
    words_of = [set(re.findall(r"[a-z]{8,}", _stored(row).lower())) for row in rows]
    every = " ".join(" ".join(_stored(row).lower().split()) for row in rows_2018())
    rare = sorted(
        word
        for words in words_of
        for word in words
        if len(re.findall(rf"\b{word[:5]}", every)) == 1
    )
    assert len(rare) >= 20
    for word in rare[:: len(rare) // 20]:
        piid = next(r["award_id_piid"] for r, ws in zip(rows, words_of, strict=True) if word in ws)
        found = [hit.id for hit in index.search(word, 5, kinds=["award"])]
        assert piid in found, word


def _stored(row: dict[str, str]) -> str:
    return masked_text(row["award_description"]) or ""


def test_a_masked_official_is_not_found(index: SearchIndex) -> None:
    """Officials named after "COR:" and "ALT. COR:" in an FY18 description are masked at
    ingest, so the index cannot find anything by their names."""
    row = next(r for r in rows_2018() if "ALT. COR: ETHELINE" in r["award_description"])
    assert "ETHELINE" not in _stored(row) and "GALLOWAY" not in _stored(row)
    assert index.search("etheline", 20, kinds=["award"]) == []
    assert row["award_id_piid"] not in [h.id for h in index.search("galloway", 20, kinds=["award"])]


def test_an_agency_by_abbreviation_and_code(index: SearchIndex) -> None:
    assert (index.search("ICE", 3)[0].kind, index.search("ICE", 3)[0].id) == ("agency", "7012")
    assert index.search("7012", 3)[0].id == "7012"
    assert index.search("immigration customs", 3)[0].id == "7012"


def test_an_offering_by_package_id(index: SearchIndex, engine: Engine) -> None:
    package, name = engine.connection.execute(
        "SELECT package_id, arg_max(name, from_seq) FROM fedramp_offering "
        "WHERE name ILIKE '%palantir%' GROUP BY 1 ORDER BY 1 LIMIT 1"
    ).fetchall()[0]
    hit = index.search(package, 3)[0]
    assert (hit.kind, hit.id, hit.label, hit.url) == (
        "offering",
        package,
        name,
        f"/offering/{package}",
    )


@pytest.mark.parametrize("other", ["A", "Z"])
def test_an_organization_named_two_ways_as_short_takes_the_first_in_sort_order(
    store: Path, tmp_path: Path, other: str
) -> None:
    """An organization's label is its shortest name; of two as short, the first in sort order
    (``arg_min`` on the length took the one its scan met first, which follows write order).
    One of its records renamed to a name as short as its shortest, before it and after it."""
    with Engine(copy_store(store, tmp_path)) as engine:
        org, names = engine.connection.execute(
            "SELECT m.org_id, list(r.name ORDER BY r.record_key) FROM org_record r "
            "JOIN org_member m USING (record_key) GROUP BY 1 HAVING count(DISTINCT r.name) > 1 "
            "ORDER BY 1 LIMIT 1"
        ).fetchall()[0]
        short = min(names, key=lambda name: (len(name), name))
        spelled = other * len(short)
        assert (spelled < short) == (other == "A") and spelled != short
        (record,) = engine.connection.execute(
            "SELECT min(r.record_key) FROM org_record r JOIN org_member m USING (record_key) "
            "WHERE m.org_id = ? AND r.name <> ?",
            [org, short],
        ).fetchall()[0]
        engine.execute("UPDATE org_record SET name = ? WHERE record_key = ?", [spelled, record])
        (label,) = [e.label for e in entries(engine) if e.kind == "organization" and e.id == org]
    assert label == min(short, spelled)


@pytest.mark.parametrize("other", ["A", "Z"])
def test_an_offering_named_two_ways_in_its_newest_snapshot_takes_the_first_in_sort_order(
    store: Path, tmp_path: Path, other: str
) -> None:
    """An offering's label and provider are those of its newest row (the greatest snapshot
    number); of two rows as new (two feeds count their snapshots apart), the first in sort
    order (``arg_max`` took the row its scan met first, which follows write order)."""
    with Engine(copy_store(store, tmp_path)) as engine:
        package, newest, name, provider, seq = engine.connection.execute(
            "SELECT package_id, arg_max(rowid, from_seq), arg_max(name, from_seq), "
            "arg_max(provider, from_seq), max(from_seq) FROM fedramp_offering GROUP BY 1 "
            "HAVING count(DISTINCT feed) > 1 AND count(DISTINCT from_seq) > 1 ORDER BY 1 LIMIT 1"
        ).fetchall()[0]
        (older, newer) = engine.connection.execute(
            "SELECT min(rowid) FILTER (WHERE from_seq < ?), count(*) FILTER (WHERE from_seq = ?) "
            "FROM fedramp_offering WHERE package_id = ?",
            [seq, seq, package],
        ).fetchall()[0]
        assert newer == 1  # one newest row: the tie is the one made here
        spelled, named = other + " TIED OFFERING", other + " TIED PROVIDER"
        engine.execute(
            "UPDATE fedramp_offering SET from_seq = ?, name = ?, provider = ? WHERE rowid = ?",
            [seq, spelled, named, older],
        )
        (entry,) = [e for e in entries(engine) if e.kind == "offering" and e.id == package]
    assert newest != older
    assert entry.label == min(name, spelled)
    assert entry.detail == f"{min(provider, named)} · {package}"


def test_an_organization_read_from_the_awards_lists_its_identifiers_sorted(
    ice_store: Path,
) -> None:
    """Without a registry an organization is a recipient name, its detail its UEIs then its
    DUNS, each in sort order (``list(DISTINCT x)`` gave them in the order rows were written:
    on the real ICE file, 6 of the 11 names with several identifiers came out unsorted)."""
    engine = Engine(ice_store, read_only=True)
    try:
        stated: dict[str, tuple[set[str], set[str]]] = {}
        for name, uei, duns in engine.connection.execute(
            "SELECT recipient_name, recipient_uei, recipient_duns FROM contract_award "
            "WHERE latest AND recipient_name IS NOT NULL"
        ).fetchall():
            ueis, dunses = stated.setdefault(name, (set(), set()))
            ueis.update([uei] if uei else [])
            dunses.update([duns] if duns else [])
        found = {e.id: e.detail for e in entries(engine) if e.kind == "organization"}
    finally:
        engine.close()
    assert sum(len(u) + len(d) > 1 for u, d in stated.values()) > 5
    assert found == {
        name: " · ".join([*sorted(ueis), *sorted(dunses)])
        for name, (ueis, dunses) in stated.items()
    }


def test_suggestions_complete_the_last_word(index: SearchIndex) -> None:
    first = index.suggest("amaz", 5)[0]
    assert first.kind == "organization" and first.label.lower().startswith("amazon")
    assert all("palantir" in h.label.lower() for h in index.suggest("palan", 3))
    assert index.suggest("U.S. Immigration and Cus", 3)[0].id == "7012"
    with (ICE_2018 / "fy18.csv").open(encoding="utf-8") as stream:
        piid = stream.readline().split(",", 1)[0].strip('"')
    assert piid in [hit.id for hit in index.suggest(piid[:-1], 20, kinds=["award"])]


def test_kinds_and_limits(index: SearchIndex) -> None:
    assert {hit.kind for hit in index.search("palantir", 20, kinds=["offering"])} == {"offering"}
    assert len(index.search("services", 7)) == 7
    with pytest.raises(UsageError, match="unknown kind people"):
        index.search("palantir", kinds=["people"])
    with pytest.raises(UsageError, match="limit 0"):
        index.search("palantir", 0)
    assert index.search("   ", 5) == [] and index.suggest("", 5) == []


@given(st.text(max_size=40))
def test_any_text_is_a_query(index: SearchIndex, text: str) -> None:
    for hits in (index.search(text, 5), index.suggest(text, 5)):
        assert len(hits) <= 5 and all(hit.kind in KINDS for hit in hits)


def test_the_index_follows_the_published_copy(tmp_db: Path) -> None:
    from tests.support.contracts import build

    build(tmp_db, ICE_2018 / "fy13.csv")
    with (ICE_2018 / "fy14.csv").open(encoding="utf-8") as stream:
        piid = stream.readline().split(",", 1)[0].strip('"')
    reader = PublishedStore(tmp_db)
    try:
        before = reader.built("search", SearchIndex.build)
        assert piid not in [hit.id for hit in before.search(piid, 5)]
        writer = Engine(tmp_db)
        ingest_usaspending(writer, ICE_2018 / "fy14.csv")
        writer.close()
        reader.refresh()
        after = reader.built("search", SearchIndex.build)
        assert after is not before and after.size > before.size
        assert after.search(piid, 5)[0].id == piid
        assert reader.built("search", SearchIndex.build) is after
    finally:
        reader.close()
