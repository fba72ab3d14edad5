"""The registry on real data: ICE's FY13-FY18 contracts and the FedRAMP organization export,
resolved, resolved again, grown incrementally, judged, and interrupted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

import pytest

from tests.support.registry import add_fedramp, build_contracts_and_fedramp, copy_store
from whosbehind.errors import MissingDataError
from whosbehind.model.orgs import Judgement, MatchedPair, OrgRecord, RecordRef
from whosbehind.resolve.judgements import append_judgements
from whosbehind.resolve.matching import MATCH_THRESHOLD, REVIEW_THRESHOLD, match_records
from whosbehind.resolve.records import collect_records
from whosbehind.resolve.registry import (
    lookup,
    org_of,
    ownership_edges,
    run_resolve,
    uncertain_pairs,
)
from whosbehind.resolve.registry_read import current_id
from whosbehind.resolve.ultimate import parent_of
from whosbehind.store.engine import Engine

USG, TECHNOLOGIES = "duns:825284321", "duns:362130952"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_contracts_and_fedramp(tmp_path_factory.mktemp("registry") / "base.duckdb")


@pytest.fixture
def engine(base: Path, tmp_path: Path) -> Iterator[Engine]:
    opened = Engine(copy_store(base, tmp_path))
    yield opened
    opened.close()


def _members(engine: Engine) -> dict[str, str]:
    return org_of(engine)


def _judge(path: Path, kind: str, left: str, right: str, line_note: str) -> None:
    append_judgements(
        path,
        [
            Judgement(
                kind,  # type: ignore[arg-type]
                RecordRef.parse(left),
                RecordRef.parse(right),
                source="test",
                note=line_note,
            )
        ],
    )


def test_first_run_resolves_every_record_and_joins_shared_duns(engine: Engine) -> None:
    records = collect_records(engine)
    summary = run_resolve(engine, judgements_path=None)
    assert summary.records == summary.new_records == len(records)
    assert 0 < summary.orgs < summary.records and summary.new_orgs == summary.orgs
    assert summary.merges == summary.records - summary.orgs and summary.aliases == 0
    split = engine.rows(
        "SELECT duns FROM org_record JOIN org_member USING (record_key) WHERE duns IS NOT NULL "
        "GROUP BY duns HAVING count(DISTINCT org_id) > 1"
    )
    assert split == []
    (usg,), (technologies,) = lookup(engine, USG), lookup(engine, TECHNOLOGIES)
    assert usg != technologies
    assert lookup(engine, "PALANTIR USG, INC.") == [usg]
    assert technologies in lookup(engine, "Palantir")
    # reported parents became orgs and ownership: PALANTIR USG under Palantir Technologies in 2018
    edge = parent_of(ownership_edges(engine), usg, dt.date(2018, 6, 1))
    assert edge is not None and edge.parent_id == technologies
    assert summary.ownership_edges == len(ownership_edges(engine)) > 0


def test_a_second_run_keeps_every_id_and_matches_nothing(engine: Engine) -> None:
    first = run_resolve(engine, judgements_path=None)
    before = _members(engine)
    calls: list[Collection[str] | None] = []

    def watching(
        records: Sequence[OrgRecord], *, only: Collection[str] | None = None
    ) -> list[MatchedPair]:
        calls.append(only)
        return match_records(records, only=only)

    second = run_resolve(engine, judgements_path=None, matcher=watching)
    assert _members(engine) == before
    assert (second.new_records, second.matched_pairs, second.new_orgs, second.aliases) == (
        0,
        0,
        0,
        0,
    )
    assert second.orgs == first.orgs and second.candidates == first.candidates
    assert calls == []  # nothing new: the matcher is not even called
    assert engine.scalar("SELECT count(*) FROM org_run") == 2


def test_new_records_resolve_incrementally_and_old_ids_still_resolve(
    tmp_path: Path,
) -> None:
    path = build_contracts_and_fedramp(tmp_path / "grow.duckdb", fedramp=False)
    engine = Engine(path)
    try:
        run_resolve(engine, judgements_path=None)
        before = _members(engine)
        engine.close()
        add_fedramp(path)
        engine = Engine(path)
        calls: list[Collection[str] | None] = []

        def watching(
            records: Sequence[OrgRecord], *, only: Collection[str] | None = None
        ) -> list[MatchedPair]:
            calls.append(only)
            return match_records(records, only=only)

        summary = run_resolve(engine, judgements_path=None, matcher=watching)
        after = _members(engine)
        new = set(after) - set(before)
        assert summary.new_records == len(new) > 0 and all(k.startswith("fedramp:") for k in new)
        assert calls == [new]
        merged = {row["old_id"] for row in engine.rows("SELECT old_id FROM org_alias")}
        assert len(merged) == summary.aliases
        for key, old in before.items():
            # an id either still names the record's org, or is an alias that resolves to it
            assert after[key] == old or (old in merged and current_id(engine, old) == after[key])
        assert summary.matched_pairs > 0
    finally:
        engine.close()


def test_a_different_judgement_splits_shared_duns_and_a_same_judgement_merges(
    engine: Engine, tmp_path: Path
) -> None:
    judgements = tmp_path / "judgements.tsv"
    run_resolve(engine, judgements_path=judgements)
    (technologies,) = lookup(engine, TECHNOLOGIES)
    (usg,) = lookup(engine, USG)
    _judge(judgements, "different", "name:PALANTIR TECHNOLOGIES INCORPORATED",
           "name:PALANTIR TECHNOLOGIES INC.", "FY13 spelling kept apart for the test")  # fmt: skip
    split = run_resolve(engine, judgements_path=judgements)
    assert split.refused > 0 and split.judgements == 1
    apart = lookup(engine, TECHNOLOGIES)
    assert len(apart) == 2 and technologies in apart  # the larger part kept the id
    refused = engine.rows("SELECT kind, reason FROM org_evidence WHERE status = 'refused'")
    assert {r["kind"] for r in refused} >= {"duns"}
    assert all("different judgement" in r["reason"] for r in refused)

    _judge(judgements, "same", USG, "name:PALANTIR TECHNOLOGIES INC.", "one family for the test")
    merged = run_resolve(engine, judgements_path=judgements)
    assert merged.aliases == 1
    (survivor,) = lookup(engine, "PALANTIR USG, INC.")
    assert survivor in (usg, technologies)
    gone = usg if survivor == technologies else technologies
    assert lookup(engine, gone) == [survivor]  # the merged-away id still resolves


def test_an_interrupted_run_leaves_the_store_as_it_was(engine: Engine) -> None:
    run_resolve(engine, judgements_path=None)
    tables = ("org_record", "org_member", "org_evidence", "org_match", "org_run", "org_ownership")
    before = {t: engine.scalar(f"SELECT count(*) FROM {t}") for t in tables}
    members = _members(engine)

    def failing(
        records: Sequence[OrgRecord], *, only: Collection[str] | None = None
    ) -> list[MatchedPair]:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_resolve(engine, judgements_path=None, full=True, matcher=failing)
    assert {t: engine.scalar(f"SELECT count(*) FROM {t}") for t in tables} == before
    assert _members(engine) == members


def test_uncertain_pairs_are_between_the_thresholds_and_in_different_orgs(engine: Engine) -> None:
    summary = run_resolve(engine, judgements_path=None)
    pairs = uncertain_pairs(engine)
    assert len(pairs) == summary.candidates > 0
    members = _members(engine)
    for pair in pairs:
        assert REVIEW_THRESHOLD <= pair.probability < MATCH_THRESHOLD and pair.detail
        assert members[pair.left.record_key] != members[pair.right.record_key]
    assert [p.probability for p in pairs] == sorted((p.probability for p in pairs), reverse=True)


def test_questions_before_any_run_say_to_run_resolve(engine: Engine) -> None:
    for ask in (org_of, uncertain_pairs, lambda e: lookup(e, "Palantir")):
        with pytest.raises(MissingDataError, match="load it with `whosbehind resolve`"):
            ask(engine)
