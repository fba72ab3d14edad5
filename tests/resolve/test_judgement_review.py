"""The review queue, driven by a scripted answerer over real recipient pairs from ICE's awards."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from whosbehind.errors import UsageError
from whosbehind.model.orgs import CandidatePair, Judgement, OrgRecord, RecordRef
from whosbehind.resolve import labeled
from whosbehind.resolve.judgements import append_judgements, read_judgements
from whosbehind.resolve.review import parse_answer, record_ref, review_queue

ICE = SHARED_DATA / "contracts" / "ice-fy13-fy18"
TODAY = dt.date(2026, 11, 27)


def real_pairs(count: int) -> list[CandidatePair]:
    """Recipients (by DUNS) that report one parent DUNS: the pairs a matcher would hesitate on."""
    records: dict[str, OrgRecord] = {}
    for award in labeled.read_awards(ICE):
        if award.duns and award.name.strip() and not award.sole_proprietorship:
            records.setdefault(
                award.duns,
                OrgRecord(
                    record_key=f"usaspending:duns:{award.duns}",
                    source="usaspending",
                    name=award.name,
                    duns=award.duns,
                    parent_name=award.parent_name,
                    parent_duns=award.parent_duns,
                    citation=award.locator,
                ),
            )
    by_parent: dict[str, list[OrgRecord]] = defaultdict(list)
    for record in records.values():
        by_parent[record.parent_duns or ""].append(record)
    pairs = [
        CandidatePair(a, b, SequenceMatcher(None, a.name, b.name).ratio(), "same parent DUNS")
        for parent, members in sorted(by_parent.items())
        if parent
        for a, b in combinations(members, 2)
    ]
    assert len(pairs) >= count
    return pairs[:count]


class Script:
    def __init__(self, answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[CandidatePair] = []

    def __call__(self, pair: CandidatePair) -> str:
        self.asked.append(pair)
        return self.answers.pop(0)


def test_accept_reject_skip_quit_write_as_they_go(tmp_path: Path) -> None:
    pairs = real_pairs(6)
    path = tmp_path / "judgements.tsv"
    lines_when_asked: list[int] = []

    def write(judgement: Judgement) -> None:
        append_judgements(path, [judgement])

    def ask(pair: CandidatePair) -> str:
        lines_when_asked.append(len(read_judgements(path)))
        return script(pair)

    script = Script("arsq")
    summary = review_queue(pairs, ask, write=write, author="analyst", today=TODAY)
    assert (summary.accepted, summary.rejected, summary.skipped, summary.quit) == (1, 1, 1, True)
    assert lines_when_asked == [0, 1, 2, 2]  # each answer is on disk before the next question
    found = read_judgements(path)
    assert [(j.kind, j.left, j.right) for j in found] == [
        ("same", RecordRef("duns", pairs[0].left.duns or ""), record_ref(pairs[0].right)),
        ("different", record_ref(pairs[1].left), record_ref(pairs[1].right)),
    ]
    assert {(j.source, j.author, j.recorded) for j in found} == {("review", "analyst", TODAY)}
    assert pairs[0].left.name in found[0].note and "p=" in found[0].note


def test_judged_pairs_are_not_asked_again_in_either_order(tmp_path: Path) -> None:
    pairs = real_pairs(4)
    judged = [
        Judgement("different", record_ref(pairs[0].right), record_ref(pairs[0].left)),
        Judgement("same", record_ref(pairs[2].left), record_ref(pairs[2].right)),
    ]
    script = Script("ss")
    summary = review_queue([*pairs, pairs[1]], script, write=lambda j: None, existing=judged)
    assert script.asked == [pairs[1], pairs[3]]
    assert summary.already_judged == 3  # two judged before, one offered twice


def test_limit_and_record_references(tmp_path: Path) -> None:
    pairs = real_pairs(5)
    script = Script("sss")
    summary = review_queue(pairs, script, write=lambda j: None, limit=2)
    assert summary.asked == 2 and len(script.asked) == 2
    nameless = OrgRecord("fedramp:x", "fedramp", "  Amazon   Web Services ")
    assert record_ref(nameless) == RecordRef("name", "Amazon Web Services")
    with_uei = OrgRecord("k", "usaspending", "X", uei="J7M9HPTGJ1S9", duns="362130952")
    assert record_ref(with_uei) == RecordRef("uei", "J7M9HPTGJ1S9")


def test_answers() -> None:
    assert [parse_answer(a) for a in ("a", " Accept", "r", "REJECT", "s", "q")] == [
        "accept",
        "accept",
        "reject",
        "reject",
        "skip",
        "quit",
    ]
    with pytest.raises(UsageError, match="expected one of"):
        parse_answer("y")
