"""Who owns an org on a date: its parent, its chain of parents, its ultimate parent, its
subsidiaries.

An edge ``[valid_from, valid_to)`` is used on a date only inside its range. Where several edges
of one child hold on a date, the parent is the one of (in order) a judgement, a reported parent
(the latest statement: the edge that began last), a name clause; then the smallest parent id.

``OwnershipIndex`` turns the edges into one step function per child (the winning edge between
consecutive edge boundaries), so a lookup is a binary search per step up the chain.
The free functions take edges or an index: pass an index when asking many times.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from whosbehind.model.orgs import OwnershipEdge

_EARLIEST = dt.date.min
_RANK = {"judgement": 0, "reported": 1, "name-clause": 2}


class ParentChain(list[OwnershipEdge]):
    """The edges from an org up to its ultimate parent, nearest first. ``cycle`` holds the orgs
    of a cycle that stopped the walk (the org reached twice first), else it is empty."""

    cycle: tuple[str, ...] = ()


def _holds(edge: OwnershipEdge, on: dt.date) -> bool:
    return (edge.valid_from is None or edge.valid_from <= on) and (
        edge.valid_to is None or on < edge.valid_to
    )


def _precedence(edge: OwnershipEdge) -> tuple[int, int, str]:
    return (_RANK[edge.basis], -(edge.valid_from or _EARLIEST).toordinal(), edge.parent_id)


class OwnershipIndex:
    """Edges by child as a step function over dates; parents' children for subsidiaries."""

    def __init__(self, edges: Iterable[OwnershipEdge]) -> None:
        self.edges = list(edges)
        by_child: defaultdict[str, list[OwnershipEdge]] = defaultdict(list)
        self._children: defaultdict[str, set[str]] = defaultdict(set)
        for edge in self.edges:
            by_child[edge.child_id].append(edge)
            self._children[edge.parent_id].add(edge.child_id)
        self._starts: dict[str, list[dt.date]] = {}
        self._ordinals: dict[str, list[int]] = {}  # the same, as ints: faster to bisect
        self._winners: dict[str, list[OwnershipEdge | None]] = {}
        self._parents: dict[str, list[str | None]] = {}
        for child, found in by_child.items():
            bounds = {_EARLIEST}
            for edge in found:
                bounds.update(d for d in (edge.valid_from, edge.valid_to) if d is not None)
            starts = sorted(bounds)
            winners = [
                min((e for e in found if _holds(e, day)), key=_precedence, default=None)
                for day in starts
            ]
            self._starts[child], self._winners[child] = starts, winners
            self._ordinals[child] = [day.toordinal() for day in starts]
            self._parents[child] = [e.parent_id if e else None for e in winners]

    def parent_of(self, org_id: str, on: dt.date) -> OwnershipEdge | None:
        starts = self._ordinals.get(org_id)
        if starts is None:
            return None
        return self._winners[org_id][bisect.bisect_right(starts, on.toordinal()) - 1]

    def chain(self, org_id: str, on: dt.date) -> ParentChain:
        chain = ParentChain()
        seen = [org_id]
        current = org_id
        while (edge := self.parent_of(current, on)) is not None:
            if edge.parent_id in seen:
                chain.cycle = (*seen[seen.index(edge.parent_id) :], edge.parent_id)
                break
            chain.append(edge)
            seen.append(edge.parent_id)
            current = edge.parent_id
        return chain

    def ultimate(self, org_id: str, on: dt.date) -> str:
        """The top of ``chain(org_id, on)``, without building the chain (the hot path)."""
        starts_of, parents_of, find = self._ordinals, self._parents, bisect.bisect_right
        starts = starts_of.get(org_id)
        if starts is None:
            return org_id
        day = on.toordinal()
        current, walked = org_id, [org_id]
        while True:
            parent = parents_of[current][find(starts, day) - 1]
            if parent is None or parent in walked:
                return current  # no parent, or a cycle: stop before the org reached twice
            starts = starts_of.get(parent)
            if starts is None:
                return parent
            current = parent
            walked.append(parent)

    def subsidiaries(self, org_id: str, on: dt.date) -> list[str]:
        found: set[str] = set()
        todo = [org_id]
        while todo:
            parent = todo.pop()
            for child in self._children.get(parent, ()):
                edge = self.parent_of(child, on)
                held = edge is not None and edge.parent_id == parent
                if held and child not in found and child != org_id:
                    found.add(child)
                    todo.append(child)
        return sorted(found)

    def segments(self) -> list[tuple[str, dt.date | None, dt.date | None, str]]:
        """(org, from, to, ultimate parent) wherever an org rolls up to another: the table a
        SQL roll-up joins on. Between consecutive boundaries of the edges of an org and of every
        org above it, the ultimate parent is constant."""
        rows: list[tuple[str, dt.date | None, dt.date | None, str]] = []
        for child in sorted(self._starts):
            bounds = sorted({day for org in self._above(child) for day in self._starts[org]})
            current: tuple[dt.date, str] | None = None
            for day in bounds:
                top = self.ultimate(child, day)
                if current is not None and current[1] == top:
                    continue
                if current is not None and current[1] != child:
                    rows.append((child, _open(current[0]), day, current[1]))
                current = (day, top)
            if current is not None and current[1] != child:
                rows.append((child, _open(current[0]), None, current[1]))
        return rows

    def _above(self, org_id: str) -> set[str]:
        """Every org reachable upwards from ``org_id`` by some edge at some date (with it)."""
        found = {org_id}
        todo = [org_id]
        while todo:
            for edge in self._edges_of(todo.pop()):
                if edge.parent_id not in found and edge.parent_id in self._starts:
                    found.add(edge.parent_id)
                    todo.append(edge.parent_id)
        return found

    def _edges_of(self, org_id: str) -> list[OwnershipEdge]:
        return [e for e in self._winners.get(org_id, []) if e is not None]


def _open(day: dt.date) -> dt.date | None:
    return None if day == _EARLIEST else day


def as_index(edges: Sequence[OwnershipEdge] | OwnershipIndex) -> OwnershipIndex:
    return edges if isinstance(edges, OwnershipIndex) else OwnershipIndex(edges)


def parent_of(
    edges: Sequence[OwnershipEdge] | OwnershipIndex, org_id: str, on: dt.date
) -> OwnershipEdge | None:
    """The edge naming ``org_id``'s parent on ``on``, or None."""
    return as_index(edges).parent_of(org_id, on)


def parent_chain(
    edges: Sequence[OwnershipEdge] | OwnershipIndex, org_id: str, on: dt.date
) -> ParentChain:
    """The edges up from ``org_id`` on ``on``; never repeats an org (see ``ParentChain.cycle``)."""
    return as_index(edges).chain(org_id, on)


def ultimate_parent(
    edges: Sequence[OwnershipEdge] | OwnershipIndex, org_id: str, on: dt.date
) -> str:
    """The top of ``org_id``'s chain on ``on``: the org itself when it has no parent."""
    return as_index(edges).ultimate(org_id, on)


def subsidiaries(
    edges: Sequence[OwnershipEdge] | OwnershipIndex, org_id: str, on: dt.date
) -> list[str]:
    """Every org below ``org_id`` on ``on`` (children, their children, ...), sorted."""
    return as_index(edges).subsidiaries(org_id, on)
