"""``whosbehind review`` end to end: ICE's real awards resolved, then a person answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from whosbehind.cli.app import app
from whosbehind.resolve.judgements import read_judgements
from whosbehind.resolve.registry import run_resolve, uncertain_pairs
from whosbehind.resolve.review import record_ref
from whosbehind.store.engine import Engine

runner = CliRunner(env={"COLUMNS": "200", "USER": "analyst"})


@pytest.fixture
def resolved_db(ice_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ice.duckdb"
    shutil.copy(ice_store, copy)
    engine = Engine(copy, read_only=False)
    try:
        run_resolve(engine, judgements_path=None)
    finally:
        engine.close()
    return copy


def _candidates(db: Path) -> list[tuple[str, str]]:
    engine = Engine(db, read_only=True)
    try:
        return [
            (str(record_ref(p.left)), str(record_ref(p.right))) for p in uncertain_pairs(engine)
        ]
    finally:
        engine.close()


def _askable(candidates: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs the queue asks, in its order: a pair whose two records have the same
    reference cannot be judged, and a pair of references is asked once."""
    askable: list[tuple[str, str]] = []
    for left, right in candidates:
        if left != right and {left, right} not in [set(p) for p in askable]:
            askable.append((left, right))
    return askable


def _judged_before(candidates: list[tuple[str, str]], decided: list[tuple[str, str]]) -> int:
    """How many candidates a second session passes over as judged before its first question."""
    done = [set(p) for p in decided]
    passed = 0
    for left, right in candidates:
        if left == right:
            continue
        if {left, right} not in done:
            return passed
        passed += 1
    return passed


def review(db: Path, judgements: Path, answers: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["--db", str(db), "review", "--judgements", str(judgements)], input=answers
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_accept_reject_skip_quit(resolved_db: Path, tmp_path: Path) -> None:
    candidates = _candidates(resolved_db)
    pairs = _askable(candidates)
    assert len(pairs) >= 4
    judgements = tmp_path / "judgements.tsv"
    code, out = review(resolved_db, judgements, "a\nr\ns\nq\n")
    assert code == 0, out
    assert out.count("[a]ccept / [r]eject / [s]kip / [q]uit") == 4
    assert "1 accepted, 1 rejected, 1 skipped" in out
    found = read_judgements(judgements)
    assert [(j.kind, str(j.left), str(j.right)) for j in found] == [
        ("same", *pairs[0]),
        ("different", *pairs[1]),
    ]
    assert {(j.source, j.author) for j in found} == {("review", "analyst")}

    # next session: the two decided pairs are not asked again; the skipped one comes first
    code, out = review(resolved_db, judgements, "q\n")
    judged = _judged_before(candidates, pairs[:2])
    assert judged >= 2 and code == 0 and f"{judged} already judged" in out
    assert out.count("[a]ccept") == 1


def test_end_of_input_keeps_what_was_decided(resolved_db: Path, tmp_path: Path) -> None:
    judgements = tmp_path / "judgements.tsv"
    code, out = review(resolved_db, judgements, "x\na\n")  # a bad answer is asked again
    assert code == 0, out
    assert "expected one of" in out
    assert [j.kind for j in read_judgements(judgements)] == ["same"]


def test_top_and_without_a_registry(resolved_db: Path, ice_store: Path, tmp_path: Path) -> None:
    judgements = tmp_path / "judgements.tsv"
    result = runner.invoke(
        app,
        ["--db", str(resolved_db), "review", "--judgements", str(judgements), "--top", "1"],
        input="s\ns\ns\n",
    )
    assert result.exit_code == 0 and result.output.count("[a]ccept") == 1
    bare = runner.invoke(app, ["--db", str(ice_store), "review", "--judgements", str(judgements)])
    assert "no organization registry in this store" in str(bare.exception)
