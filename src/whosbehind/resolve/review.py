"""The review queue: a person decides the pairs the matcher left uncertain, one at a time.

Each answer is written the moment it is given (``write``), so quitting or an interrupt keeps
every decision made so far. Accept writes ``same``, reject writes ``different``, both with
source ``review``; skip writes nothing and the pair comes back next time. A pair already
decided in the judgements (either order) is not asked again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from whosbehind.errors import UsageError
from whosbehind.model.orgs import IDENTIFIER_SCHEMES, CandidatePair, Judgement, OrgRecord, RecordRef
from whosbehind.resolve.judgements import ref_key

ANSWERS = {"a": "accept", "r": "reject", "s": "skip", "q": "quit"}
PROMPT = "[a]ccept / [r]eject / [s]kip / [q]uit"
_NOTE_DETAIL = 160  # characters of the matcher's detail kept in the note


@dataclass(slots=True)
class ReviewSummary:
    """What a review did: pairs asked, each answer's count, pairs judged already or that no
    judgement could decide, and whether the person quit."""

    asked: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    already_judged: int = 0
    unjudgeable: int = 0  # both records reduce to one reference: nothing a judgement could say
    quit: bool = False


def record_ref(record: OrgRecord) -> RecordRef:
    """The reference a judgement about ``record`` uses: its strongest identifier, else its name."""
    for scheme in IDENTIFIER_SCHEMES:
        value = getattr(record, scheme)
        if value:
            return RecordRef(scheme, value)
    return RecordRef("name", " ".join(record.name.split()))


def parse_answer(text: str) -> str:
    """``accept``, ``reject``, ``skip`` or ``quit`` from an answer (a letter or the word)."""
    word = text.strip().casefold()
    for letter, answer in ANSWERS.items():
        if word in (letter, answer):
            return answer
    raise UsageError(f"answer {text!r}: expected one of {PROMPT}")


def pair_key(left: RecordRef, right: RecordRef) -> frozenset[tuple[str, str]]:
    return frozenset((ref_key(left), ref_key(right)))


def decided_pairs(judgements: Iterable[Judgement]) -> set[frozenset[tuple[str, str]]]:
    return {pair_key(j.left, j.right) for j in judgements if j.kind in ("same", "different")}


def review_queue(
    pairs: Iterable[CandidatePair],
    ask: Callable[[CandidatePair], str],
    *,
    write: Callable[[Judgement], None],
    existing: Iterable[Judgement] = (),
    author: str = "",
    today: dt.date | None = None,
    limit: int | None = None,
) -> ReviewSummary:
    """Ask about each undecided pair (at most ``limit``), writing each decision as it comes."""
    summary = ReviewSummary()
    decided = decided_pairs(existing)
    offered: set[frozenset[tuple[str, str]]] = set()
    recorded = today or dt.date.today()
    for pair in pairs:
        if limit is not None and summary.asked >= limit:
            break
        left, right = record_ref(pair.left), record_ref(pair.right)
        key = pair_key(left, right)
        if len(key) == 1:
            summary.unjudgeable += 1
            continue
        if key in decided or key in offered:
            summary.already_judged += 1
            continue
        offered.add(key)
        summary.asked += 1
        answer = parse_answer(ask(pair))
        if answer == "quit":
            summary.quit = True
            break
        if answer == "skip":
            summary.skipped += 1
            continue
        write(
            Judgement(
                kind="same" if answer == "accept" else "different",
                left=left,
                right=right,
                source="review",
                note=_note(pair),
                author=author,
                recorded=recorded,
            )
        )
        decided.add(key)
        if answer == "accept":
            summary.accepted += 1
        else:
            summary.rejected += 1
    return summary


def _note(pair: CandidatePair) -> str:
    detail = " ".join(pair.detail.split())
    if len(detail) > _NOTE_DETAIL:
        detail = detail[: _NOTE_DETAIL - 1] + "…"
    names = f"{pair.left.name} / {pair.right.name}"
    return f"{names}; matcher p={pair.probability:.3f}" + (f": {detail}" if detail else "")
