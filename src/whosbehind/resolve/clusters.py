"""Clustering org records: union-find over evidence edges, strongest first, with cannot-links.

Edges are applied in the order of ``KINDS``: an analyst's ``same`` judgement, a shared UEI,
DUNS, CIK or CAGE, an equal name key, a FedRAMP brand joined to a contract or SEC name
(``resolve.cross_source``), then matcher pairs (highest probability first). A
``different`` judgement is a cannot-link: no edge of any kind may put its two sides in one
cluster, and the edge that would have is kept as ``refused`` with the judgement as its reason.
Every edge ends ``applied`` (it joined two clusters), ``redundant`` (already one cluster) or
``refused``; ``org explain`` reads them back.

Identifier and name-key edges are built as stars (each record to the first record of its group
in key order), never all pairs, so the work is linear in the number of records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from whosbehind.model.bulk import paused_gc
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.names import place_bound

EdgeKind = Literal["same", "uei", "duns", "cik", "cage", "name-key", "cross-source", "match"]
KINDS: tuple[EdgeKind, ...] = (
    "same",
    "uei",
    "duns",
    "cik",
    "cage",
    "name-key",
    "cross-source",  # resolve.cross_source: a FedRAMP brand and a contract or SEC name
    "match",
)
IDENTIFIER_KINDS: tuple[EdgeKind, ...] = ("uei", "duns", "cik", "cage")
EdgeStatus = Literal["applied", "redundant", "refused"]
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
Indexes = npt.NDArray[np.int64]

# Name keys that many unrelated organizations share; equal keys of these prove nothing.
GENERIC_KEYS = frozenset(
    (
        "unknown various none na n a misc miscellaneous vendor contractor multiple "
        "government us usa united states federal city county state "
        "services service solutions consulting systems technologies technology group "
        "international enterprises associates partners holdings management company corporation"
    ).split()
)
_MIN_KEY_LENGTH = 3


@dataclass(frozen=True, slots=True)
class Edge:
    """Evidence that ``left`` and ``right`` (record keys) are one organization."""

    left: str
    right: str
    kind: EdgeKind
    weight: float
    detail: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class CannotLink:
    """A ``different`` judgement between two records: they must stay in different clusters."""

    left: str
    right: str
    detail: str
    source: str


@dataclass(frozen=True, slots=True)
class Outcome:
    edge: Edge
    status: EdgeStatus
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Clustering:
    clusters: list[list[str]]  # members sorted; clusters sorted by their first member
    edges: list[Edge]  # in the order they were considered
    statuses: list[EdgeStatus]  # one per edge
    reasons: dict[int, str]  # edge position -> why it was refused

    @property
    def outcomes(self) -> list[Outcome]:
        return [
            Outcome(edge, status, self.reasons.get(i, ""))
            for i, (edge, status) in enumerate(zip(self.edges, self.statuses, strict=True))
        ]

    def cluster_of(self) -> dict[str, int]:
        return {key: i for i, members in enumerate(self.clusters) for key in members}

    def count(self, status: EdgeStatus) -> int:
        return self.statuses.count(status)


def usable_name_key(key: str) -> bool:
    """False for keys too short or too generic to say that two names are one organization."""
    return len(key) >= _MIN_KEY_LENGTH and key not in GENERIC_KEYS and not key.isdigit()


def identifier_edges(records: Sequence[OrgRecord]) -> list[Edge]:
    """Stars over records sharing a UEI, DUNS, CIK or CAGE code, in ``IDENTIFIER_KINDS`` order."""
    with paused_gc():
        edges: list[Edge] = []
        ordered = sorted(records, key=attrgetter("record_key"))
        for kind in IDENTIFIER_KINDS:
            first: dict[str, str] = {}
            value_of = attrgetter(kind)
            for record in ordered:
                value = value_of(record)
                if not value:
                    continue
                hub = first.setdefault(value, record.record_key)
                if hub != record.record_key:
                    edges.append(Edge(hub, record.record_key, kind, 1.0, f"{kind}:{value}"))
        return edges


def name_key_edges(
    keys: Mapping[str, str], states: Mapping[str, str | None] | None = None
) -> list[Edge]:
    """Stars over records (``record_key -> name key``) whose name keys are equal and usable.

    With ``states`` (``record_key -> state``), a local government's or public office's key
    (``names.place_bound``: "adams county", "houston city", "clark county sheriffs office")
    is one organization per state: two states' "ADAMS COUNTY" are two counties. A record of
    such a key with no state joins the key's records when they are all in one state, else
    only the other records without a state."""
    with paused_gc():
        usable = {key: usable_name_key(key) for key in set(keys.values())}
        groups = _state_groups(keys, states, usable) if states is not None else {}
        first: dict[str, str] = {}
        edges: list[Edge] = []
        for record_key in sorted(keys):
            key = keys[record_key]
            if not usable[key]:
                continue
            group = groups.get(record_key, key)
            hub = first.setdefault(group, record_key)
            if hub != record_key:
                detail = f"name key {key!r}" if group == key else f"name key {key!r} in {group}"
                edges.append(Edge(hub, record_key, "name-key", 1.0, detail))
        return edges


def _state_groups(
    keys: Mapping[str, str], states: Mapping[str, str | None], usable: Mapping[str, bool]
) -> dict[str, str]:
    """record_key -> the group a place-bound key's record joins ("KEY\x00STATE"); other
    records are left out (their group is the key itself)."""
    bound = {key for key, ok in usable.items() if ok and place_bound(key)}
    state_of: dict[str, str] = {}
    seen: dict[str, set[str]] = {}
    for record_key, key in keys.items():
        if key in bound:
            state = " ".join((states.get(record_key) or "").casefold().split())
            state_of[record_key] = state
            if state:
                seen.setdefault(key, set()).add(state)
    groups: dict[str, str] = {}
    for record_key, state in state_of.items():
        key = keys[record_key]
        found = seen.get(key, set())
        if len(found) > 1:  # a state given for some: each state is its own government
            groups[record_key] = f"{key}\x00{state}" if state else f"{key}\x00"
    return groups


def cluster(
    keys: Iterable[str], edges: Iterable[Edge], cannot: Iterable[CannotLink] = ()
) -> Clustering:
    """Union-find over ``edges`` (strongest kind first, then highest weight; input order within
    ties), never joining the two sides of a cannot-link. Pure and in memory.

    Computed in bulk, with the same result as applying the edges one by one: the clusters are
    the connected components (scipy), and an edge is ``applied`` exactly when it is in the
    minimum spanning forest weighted by its position (Kruskal takes edges in that order and
    keeps those joining two clusters). Only components holding both sides of a cannot-link
    are clustered edge by edge, with the refusals."""
    with paused_gc():
        return _cluster(keys, edges, cannot)


def _cluster(
    keys: Iterable[str], edges: Iterable[Edge], cannot: Iterable[CannotLink]
) -> Clustering:
    index: dict[str, int] = {}
    names: list[str] = []
    for key in keys:
        if key not in index:
            index[key] = len(names)
            names.append(key)
    n = len(names)
    considered: list[Edge] = []
    left_list: list[int] = []
    right_list: list[int] = []
    get = index.get
    for edge in _strongest_first(edges):
        left, right = get(edge.left), get(edge.right)
        if left is not None and right is not None:
            considered.append(edge)
            left_list.append(left)
            right_list.append(right)
    m = len(considered)
    lefts = np.array(left_list, dtype=np.int64)
    rights = np.array(right_list, dtype=np.int64)
    graph = csr_matrix((np.ones(m), (lefts, rights)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    applied = _spanning_forest(lefts, rights, n)
    statuses: list[EdgeStatus] = ["redundant"] * m
    for position in applied.tolist():
        statuses[position] = "applied"
    group: list[int] = labels.tolist()

    links = [
        (index[link.left], index[link.right], link)
        for link in cannot
        if link.left in index and link.right in index
    ]
    # a cannot-link across components can never refuse an edge
    links = [(a, b, link) for a, b, link in links if group[a] == group[b]]
    constrained = {group[a] for a, _, _ in links}
    reasons: dict[int, str] = {}
    if constrained:
        inside = np.isin(labels[lefts], np.fromiter(constrained, dtype=np.int64))
        positions = np.flatnonzero(inside).tolist()
        roots = _cluster_one_by_one(n, positions, lefts, rights, links, statuses, reasons)
        for i, root in roots.items():
            group[i] = n + root

    members: dict[int, list[str]] = {}
    for name in sorted(names):
        members.setdefault(group[index[name]], []).append(name)
    # Members are added in key order, so clusters come in the order of their first member.
    return Clustering(list(members.values()), considered, statuses, reasons)


def _spanning_forest(lefts: Indexes, rights: Indexes, n: int) -> Indexes:
    """Positions of the edges that join two clusters when applied in order: the minimum
    spanning forest with weight position + 1 (unique weights: one forest, Kruskal's)."""
    lo, hi = np.minimum(lefts, rights), np.maximum(lefts, rights)
    proper = np.flatnonzero(lo != hi)  # an edge from a record to itself joins nothing
    # the first of repeated pairs is the one that may join; later ones are redundant
    _, first = np.unique(lo[proper] * n + hi[proper], return_index=True)
    kept = proper[first]
    weights = (kept + 1).astype(np.float64)
    forest = minimum_spanning_tree(csr_matrix((weights, (lo[kept], hi[kept])), shape=(n, n)))
    return np.sort(forest.tocoo().data.astype(np.int64) - 1)


def _cluster_one_by_one(
    n: int,
    positions: list[int],
    lefts: Indexes,
    rights: Indexes,
    links: list[tuple[int, int, CannotLink]],
    statuses: list[EdgeStatus],
    reasons: dict[int, str],
) -> dict[int, int]:
    """Union-find over the edges at ``positions`` (in order) with the cannot-links; sets their
    statuses and reasons; returns the root of every record those edges touch."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        root = i
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    # root -> {record index on the other side: the judgement}; merged with the clusters
    blocked: dict[int, dict[int, CannotLink]] = {}
    for a, b, link in links:
        blocked.setdefault(a, {})[b] = link
        blocked.setdefault(b, {})[a] = link
    left_list, right_list = lefts.tolist(), rights.tolist()
    for position in positions:
        ra, rb = find(left_list[position]), find(right_list[position])
        if ra == rb:
            statuses[position] = "redundant"
            continue
        refusal = _refusal(blocked, ra, rb, find)
        if refusal is not None:
            reasons[position] = _reason(refusal)
            statuses[position] = "refused"
            continue
        if ra > rb:
            ra, rb = rb, ra
        parent[rb] = ra
        if rb in blocked:
            blocked.setdefault(ra, {}).update(blocked.pop(rb))
        statuses[position] = "applied"
    return {i: find(i) for i in list(parent)}


def _strongest_first(edges: Iterable[Edge]) -> list[Edge]:
    """By kind rank, then weight descending; input order within ties (a stable bucket sort:
    most edges are identifier or name-key edges of weight 1)."""
    buckets: list[list[Edge]] = [[] for _ in KINDS]
    for edge in edges:
        buckets[_RANK[edge.kind]].append(edge)
    ordered: list[Edge] = []
    for bucket in buckets:
        if any(edge.weight != bucket[0].weight for edge in bucket):
            bucket.sort(key=lambda e: -e.weight)
        ordered.extend(bucket)
    return ordered


def _refusal(
    blocked: dict[int, dict[int, CannotLink]], ra: int, rb: int, find: Callable[[int], int]
) -> CannotLink | None:
    left, right = blocked.get(ra), blocked.get(rb)
    if not left or not right:
        return None
    small, other = (left, rb) if len(left) <= len(right) else (right, ra)
    for member, link in small.items():
        if find(member) == other:
            return link
    return None


def _reason(link: CannotLink) -> str:
    where = f" ({link.source})" if link.source else ""
    return f"different judgement {link.left} <> {link.right}{where}: {link.detail}".rstrip(": ")
