"""The public API's judgements file and review, on the analysts' real ICE files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.resolve.test_judgement_review import real_pairs
from whosbehind import (
    ImportFormat,
    Relation,
    UsageError,
    check_judgements,
    import_judgements,
    judgements_file,
    list_judgements,
    review_answer,
    review_pairs,
    undecided_pairs,
)

ICE = SHARED_DATA / "contracts" / "ice-fy13-fy18"


def test_import_dry_run_then_for_real_then_list(tmp_path: Path) -> None:
    target = tmp_path / "judgements.tsv"
    dry = import_judgements(ICE / "freezer.csv", judgements=target, dry_run=True)
    with (ICE / "freezer.csv").open(newline="") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    assert dry.format == ImportFormat.FREEZER and dry.rows_read == rows
    assert dry.written == 0 and not target.exists() and dry.judgements
    reasons = [reason for reason, count in dry.skipped if count > 0]
    assert reasons == sorted(reasons) and len(reasons) == len(dry.skipped)
    assert dry.to_json()["skipped"] == dict(dry.skipped)

    done = import_judgements(ICE / "freezer.csv", judgements=target, author="analyst")
    listed = list_judgements(target)
    assert done.written == len(listed.judgements) == len(dry.judgements)
    assert sum(done.by_kind.values()) == done.written
    summary = done.to_json()
    assert summary["imported"] == summary["written"] == done.written and summary["file"] == str(
        ICE / "freezer.csv"
    )
    entry = listed.to_json()["judgements"][0]  # type: ignore[index]
    assert entry["line"] == 2 and entry["left"] == str(listed.judgements[0].left)

    again = import_judgements(ICE / "freezer.csv", judgements=target)
    assert again.written == 0 and len(list_judgements(target).judgements) == done.written
    assert len(check_judgements(target).judgements) == done.written


def test_mapping_needs_both_columns_and_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="go together"):
        import_judgements(
            ICE / "freezer.csv",
            judgements=tmp_path / "j.tsv",
            from_column="a",
            relation=Relation.PARENT_OF,
        )
    with pytest.raises(UsageError, match="no such file"):
        check_judgements(tmp_path / "absent.tsv")
    assert list_judgements(tmp_path / "absent.tsv").judgements == ()


def test_the_judgements_file_sits_beside_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHOSBEHIND_JUDGEMENTS", raising=False)
    assert judgements_file(tmp_path / "x.duckdb") == tmp_path / "x.judgements.tsv"


def test_review_writes_each_decision_and_does_not_ask_twice(tmp_path: Path) -> None:
    target = tmp_path / "judgements.tsv"
    pairs = real_pairs(3)[:3]
    assert undecided_pairs(pairs, judgements=target) == 3
    answers = iter(["a", "r", "s"])
    summary = review_pairs(pairs, lambda _pair: next(answers), judgements=target, author="me")
    assert (summary.accepted, summary.rejected, summary.skipped) == (1, 1, 1)
    kinds = [j.kind for j in list_judgements(target).judgements]
    assert kinds == ["same", "different"]
    assert undecided_pairs(pairs, judgements=target) == 1
    assert review_answer(" Quit ") == "quit"
    with pytest.raises(UsageError):
        review_answer("maybe")
