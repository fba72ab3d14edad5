"""A snapshot that would remove most of a feed at once is held, not applied.

Real feeds change by a few records a day: the largest share of a FedRAMP feed's records that
any real snapshot removed from the one before it is measured in docs/reliability.md. A
snapshot that drops more than ``HOLD_SHARE`` of a feed's records (once the feed holds at least
``MIN_RECORDS``) is far more likely a broken export than a market that vanished overnight, and
applying it would close thousands of versions, so that every share on its date totals nothing.
Such a snapshot is recorded as ``held`` with the counts, and applied only when confirmed
(``whosbehind ingest fedramp SOURCE --accept-removals``).
"""

from __future__ import annotations

from whosbehind.store.versions import FeedState

HOLD_SHARE = 0.5
MIN_RECORDS = 20
HOLD_HINT = "to apply it, run the ingest again with --accept-removals"


def removed_records(state: FeedState) -> tuple[int, int]:
    """(records the diffed snapshot removes, records the feed held before it). Call after
    ``state.diff``: a record is removed when its group is absent from the new snapshot."""
    assert state.pending is not None, "call after diff"
    present = state.pending[0]
    before = len(state.group_keys)
    gone = sum(1 for group in state.group_keys if group not in present)
    return gone, before


def removal_to_hold(state: FeedState) -> str | None:
    """Why the diffed snapshot must be held, or None when it may be applied."""
    gone, before = removed_records(state)
    if before < MIN_RECORDS or gone <= HOLD_SHARE * before:
        return None
    return (
        f"it would remove {gone} of the feed's {before} records ({gone / before:.0%}) at "
        f"once, more than the {HOLD_SHARE:.0%} a snapshot may remove unconfirmed"
    )
