"""``explain`` on the real registry: the evidence chain when two references are one org, the
reasons when they are not, and the judgement when one kept them apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.registry import build_contracts_and_fedramp
from whosbehind.errors import NotFoundError
from whosbehind.model.orgs import Judgement, RecordRef
from whosbehind.resolve.explain import explain
from whosbehind.resolve.judgements import append_judgements
from whosbehind.resolve.registry import run_resolve
from whosbehind.store.engine import Engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = build_contracts_and_fedramp(tmp_path_factory.mktemp("explain") / "store.duckdb")
    opened = Engine(path)
    run_resolve(opened, judgements_path=None)
    yield opened
    opened.close()


def test_one_org_is_explained_by_a_chain_of_cited_evidence(engine: Engine) -> None:
    result = explain(
        engine, "PALANTIR TECHNOLOGIES INCORPORATED", "fedramp:palantir technologies inc"
    )
    assert result.same and result.org_id and result.a_orgs == result.b_orgs == [result.org_id]
    assert result.chain and result.reasons == []
    # consecutive steps share a record, from a record of A to a record of B
    names = {s.left_name for s in result.chain} | {s.right_name for s in result.chain}
    assert "PALANTIR TECHNOLOGIES INCORPORATED" in names
    assert any(n.startswith("Palantir Technologies") for n in names)
    for before, after in zip(result.chain, result.chain[1:], strict=False):
        assert {before.left, before.right} & {after.left, after.right}
    for step in result.chain:
        assert step.kind in {"duns", "uei", "name-key", "match", "same"} and step.detail
        assert step.left_citation and step.right_citation


def test_a_shared_duns_is_a_one_step_chain(engine: Engine) -> None:
    result = explain(engine, "PALANTIR TECHNOLOGIES INCORPORATED", "duns:362130952")
    assert result.same and result.chain == []  # A's record carries the DUNS itself
    result = explain(
        engine, "name:PALANTIR TECHNOLOGIES INCORPORATED", "name:PALANTIR TECHNOLOGIES INC."
    )
    assert result.same and len(result.chain) == 1
    assert result.chain[0].kind in {"duns", "name-key"}


def test_two_orgs_are_explained_by_score_and_identifiers(engine: Engine) -> None:
    result = explain(engine, "PALANTIR USG, INC.", "PALANTIR TECHNOLOGIES INC.")
    assert not result.same and result.org_id is None and result.chain == []
    assert result.a_orgs != result.b_orgs
    text = "\n".join(result.reasons)
    assert "no shared identifier" in text
    # the matcher's verdict: its best score below the threshold, or no candidate pair at all
    assert "below the threshold" in text or "the matcher scored no pair" in text


def test_a_different_judgement_is_the_reason(engine: Engine, tmp_path: Path) -> None:
    judgements = tmp_path / "judgements.tsv"
    append_judgements(
        judgements,
        [
            Judgement(
                "different",
                RecordRef("name", "PALANTIR TECHNOLOGIES INCORPORATED"),
                RecordRef("name", "PALANTIR TECHNOLOGIES INC."),
                source="analyst",
                note="kept apart",
            )
        ],
    )
    run_resolve(engine, judgements_path=judgements)
    try:
        result = explain(engine, "PALANTIR TECHNOLOGIES INCORPORATED", "PALANTIR TECHNOLOGIES INC.")
        assert not result.same
        text = "\n".join(result.reasons)
        assert "different judgement" in text and "kept apart" in text and "refused" in text
        assert "shared duns: 362130952" in text
    finally:
        run_resolve(engine, judgements_path=None)  # leave the module's registry as it was


def test_unknown_references_are_not_found(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="no organization or record matches"):
        explain(engine, "NO SUCH COMPANY ZZZ", "Palantir")
