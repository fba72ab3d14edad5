"""Parent, chain, ultimate parent and subsidiaries over dated edges: properties on random edge
sets (cycles included), and the index's step function against a direct reading of the edges."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from whosbehind.model.orgs import OwnershipEdge
from whosbehind.resolve.ultimate import (
    OwnershipIndex,
    parent_chain,
    parent_of,
    subsidiaries,
    ultimate_parent,
)

ORGS = [f"org:{c}" for c in "abcdef"]
BASES = ["judgement", "reported", "name-clause"]
RANK = {basis: i for i, basis in enumerate(BASES)}
START = dt.date(2015, 1, 1)
_days = st.integers(min_value=0, max_value=60).map(lambda n: START + dt.timedelta(days=30 * n))


@st.composite
def _edge(draw: st.DrawFn) -> OwnershipEdge:
    parent, child = draw(st.lists(st.sampled_from(ORGS), min_size=2, max_size=2, unique=True))
    start = draw(st.none() | _days)
    end = draw(st.none() | _days)
    if start is not None and end is not None and end <= start:
        start, end = (end, start) if end < start else (start, None)
    return OwnershipEdge(parent, child, start, end, draw(st.sampled_from(BASES)), "", "")


_edges = st.lists(_edge(), max_size=14)
_on = st.integers(min_value=-2, max_value=63).map(lambda n: START + dt.timedelta(days=30 * n + 7))


def _holds(edge: OwnershipEdge, on: dt.date) -> bool:
    return (edge.valid_from is None or edge.valid_from <= on) and (
        edge.valid_to is None or on < edge.valid_to
    )


@given(_edges, _on)
def test_an_edge_outside_its_dates_is_never_used(edges: list[OwnershipEdge], on: dt.date) -> None:
    index = OwnershipIndex(edges)
    for org in ORGS:
        edge = index.parent_of(org, on)
        holding = [e for e in edges if e.child_id == org and _holds(e, on)]
        if edge is None:
            assert holding == []
            continue
        assert edge in holding and _holds(edge, on)
        best = min(RANK[e.basis] for e in holding)
        assert RANK[edge.basis] == best  # judgement > reported > name clause
        latest = max((e.valid_from or dt.date.min) for e in holding if RANK[e.basis] == best)
        assert (edge.valid_from or dt.date.min) == latest  # the latest statement
        for link in index.chain(org, on):
            assert _holds(link, on)


@given(_edges, _on)
def test_the_chain_never_repeats_an_org(edges: list[OwnershipEdge], on: dt.date) -> None:
    index = OwnershipIndex(edges)
    for org in ORGS:
        chain = parent_chain(index, org, on)
        walked = [org, *(edge.parent_id for edge in chain)]
        assert len(walked) == len(set(walked))
        assert all(a.parent_id == b.child_id for a, b in itertools.pairwise(chain))
        top = walked[-1]
        assert ultimate_parent(index, org, on) == top
        following = index.parent_of(top, on)
        if chain.cycle:
            assert following is not None and following.parent_id in walked
            assert chain.cycle[0] == chain.cycle[-1] == following.parent_id
        else:
            assert following is None


@given(_edges, _on)
def test_subsidiaries_are_exactly_the_orgs_whose_chain_reaches_the_org(
    edges: list[OwnershipEdge], on: dt.date
) -> None:
    index = OwnershipIndex(edges)
    for org in ORGS:
        below = subsidiaries(index, org, on)
        reaching = [
            other
            for other in ORGS
            if other != org and org in {e.parent_id for e in index.chain(other, on)}
        ]
        assert below == sorted(reaching)


@given(_edges, st.lists(_on, min_size=1, max_size=8))
def test_segments_agree_with_ultimate_parent(
    edges: list[OwnershipEdge], days: list[dt.date]
) -> None:
    index = OwnershipIndex(edges)
    segments = index.segments()
    for org in ORGS:
        for on in days:
            found = [
                top
                for child, start, end, top in segments
                if child == org and (start is None or start <= on) and (end is None or on < end)
            ]
            assert len(found) <= 1
            assert (found[0] if found else org) == index.ultimate(org, on)


def test_free_functions_take_plain_edge_lists() -> None:
    day = dt.date(2018, 5, 4)
    edges = [
        OwnershipEdge("org:tech", "org:usg", day, None, "reported", "", ""),
        OwnershipEdge("org:usg", "org:tech", None, day, "name-clause", "", ""),
    ]
    assert parent_of(edges, "org:usg", day) == edges[0]
    assert parent_of(edges, "org:usg", day - dt.timedelta(days=1)) is None
    assert ultimate_parent(edges, "org:usg", day) == "org:tech"
    assert subsidiaries(edges, "org:tech", day) == ["org:usg"]
    assert subsidiaries(edges, "org:usg", day - dt.timedelta(days=1)) == ["org:tech"]
