"""Reviewing the pairs the matcher left uncertain: a person accepts, rejects or skips each.

Each answer is appended to the judgements file at once (accept: ``same``, reject:
``different``, source ``review``), so quitting keeps every decision made so far; pairs
already judged (either order) are not asked again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from whosbehind.model.orgs import CandidatePair, Judgement
from whosbehind.resolve import registry
from whosbehind.resolve import review as review_module
from whosbehind.resolve.judgements import append_judgements, read_judgements
from whosbehind.resolve.review import PROMPT, ReviewSummary
from whosbehind.store.engine import Engine

REVIEW_PROMPT = PROMPT
"""The question :func:`review_pairs` expects answers to: accept, reject, skip or quit."""


def uncertain_pairs(engine: Engine) -> tuple[CandidatePair, ...]:
    """The registry's uncertain pairs as the last :func:`resolve` left them, most probable
    first."""
    return tuple(registry.uncertain_pairs(engine))


def undecided_pairs(pairs: Sequence[CandidatePair], *, judgements: Path) -> int:
    """How many of ``pairs`` the ``judgements`` file does not decide yet: what a review asks."""
    decided = review_module.decided_pairs(read_judgements(judgements))
    ref = review_module.record_ref
    return sum(review_module.pair_key(ref(p.left), ref(p.right)) not in decided for p in pairs)


def review_answer(text: str) -> str:
    """``accept``, ``reject``, ``skip`` or ``quit`` from an answer (a letter or the word); a
    :class:`UsageError` naming :data:`REVIEW_PROMPT` for anything else."""
    return review_module.parse_answer(text)


def review_pairs(
    pairs: Sequence[CandidatePair],
    ask: Callable[[CandidatePair], str],
    *,
    judgements: Path,
    author: str = "",
    limit: int | None = None,
) -> ReviewSummary:
    """Ask ``ask`` about each pair the ``judgements`` file does not decide (at most
    ``limit``), appending each accept or reject to the file as it comes; ``ask`` answers as
    :func:`review_answer` reads."""

    def write(judgement: Judgement) -> None:
        append_judgements(judgements, [judgement])

    return review_module.review_queue(
        pairs,
        ask,
        write=write,
        existing=read_judgements(judgements),
        author=author,
        limit=limit,
    )
