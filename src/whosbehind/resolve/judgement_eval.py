"""Scoring the registry with analysts' judgements, as a user runs it (benchmarks/resolve_eval.py).

``import_files`` imports files one after another into one judgements file, as
``whosbehind judgements import FILE`` does (``judgement_import.import_judgements`` with the
file's judgements as ``existing``, then ``append_judgements``), and reads it back as ``whosbehind
resolve`` does (``read_judgements``).

``apply_judgements`` does what ``registry.run_resolve`` does with them: a side that names no record
gets a record of its own (``refs.judgement_records``, also for ``parent-of`` sides, so the owner
exists as an org), ``same`` judgements become edges and ``different`` judgements cannot-links
(``refs.judgement_links``). ``parent-of`` joins nothing: it is ownership, not sameness.

``registry_clusters`` clusters labelled names the way the registry does (``clusters.cluster`` over
the judgements' ``same`` edges, shared identifiers, equal usable name keys and matcher pairs,
refusing what a ``different`` judgement forbids); with ``evidence=False`` only the judgements (and
the records of one raw name) join anything: what the judgements decide alone.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from whosbehind.model.orgs import Judgement, OrgRecord
from whosbehind.resolve.clusters import (
    CannotLink,
    Clustering,
    Edge,
    cluster,
    identifier_edges,
    name_key_edges,
)
from whosbehind.resolve.judgement_import import import_judgements
from whosbehind.resolve.judgements import append_judgements, read_judgements
from whosbehind.resolve.labeled import CHILD_COMPANIES, FREEZER, HOOVERS, VENDOR_DECORATIONS
from whosbehind.resolve.matching import profiles_of
from whosbehind.resolve.refs import RefIndex, judgement_links, judgement_records

CURATED_FILES = (VENDOR_DECORATIONS, HOOVERS, FREEZER, CHILD_COMPANIES)


@dataclass(frozen=True, slots=True)
class FileImport:
    """What importing one file gave: new judgements by kind, and skipped rows by reason."""

    file: str
    format: str
    rows: int
    kinds: Counter[str]
    skipped: Counter[str]


def import_files(paths: Sequence[Path], target: Path) -> tuple[list[Judgement], list[FileImport]]:
    """Import ``paths`` in order into the judgements file ``target``; every judgement it then
    holds, and what each file gave."""
    summaries = []
    for path in paths:
        result = import_judgements(path, existing=read_judgements(target))
        append_judgements(target, result.judgements)
        kinds: Counter[str] = Counter(j.kind for j in result.judgements)
        summaries.append(
            FileImport(path.name, result.format, result.rows, kinds, Counter(result.skipped))
        )
    return read_judgements(target), summaries


def import_others(
    directory: Path, scored_set: str, target: Path
) -> tuple[list[Judgement], list[FileImport]]:
    """The judgements of every curated file in ``directory`` but ``scored_set``, imported into
    ``target`` (``import_files``): ``scored_set`` itself is never opened."""
    others = [directory / name for name in CURATED_FILES if name != scored_set]
    return import_files(others, target)


@dataclass(frozen=True, slots=True)
class Judged:
    """The records judgements add to a set of records, their ``same`` edges and cannot-links."""

    records: list[OrgRecord] = field(default_factory=list)
    same: list[Edge] = field(default_factory=list)
    cannot: list[CannotLink] = field(default_factory=list)


def apply_judgements(records: Sequence[OrgRecord], judgements: Sequence[Judgement]) -> Judged:
    """``judgements`` over ``records`` as ``run_resolve`` applies them (see the module doc)."""
    if not judgements:
        return Judged()
    added = judgement_records(judgements, RefIndex.build(records))
    same, cannot = judgement_links(judgements, RefIndex.build([*records, *added]))
    return Judged(added, same, cannot)


@dataclass(frozen=True, slots=True)
class NameClusters:
    """Each labelled name's cluster, and the record-level clustering (with its edges)."""

    of: dict[str, str]
    clustering: Clustering
    hub: dict[str, str]  # name -> its first record's key
    record_names: dict[str, str]  # record key -> the record's name (judgement records too)

    def path(self, a: str, b: str) -> list[Edge]:
        """The applied edges joining names ``a`` and ``b`` (empty when apart)."""
        applied = [o.edge for o in self.clustering.outcomes if o.status == "applied"]
        near: dict[str, list[tuple[str, Edge]]] = {}
        for edge in applied:
            near.setdefault(edge.left, []).append((edge.right, edge))
            near.setdefault(edge.right, []).append((edge.left, edge))
        start, goal = self.hub[a], self.hub[b]
        came: dict[str, tuple[str, Edge] | None] = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                break
            for other, edge in near.get(node, ()):
                if other not in came:
                    came[other] = (node, edge)
                    queue.append(other)
        if goal not in came:
            return []
        steps: list[Edge] = []
        node = goal
        while (step := came[node]) is not None:
            node, edge = step
            steps.append(edge)
        return steps[::-1]


def registry_clusters(
    records: Sequence[OrgRecord],
    name_of: Mapping[str, str],
    items: Iterable[str],
    *,
    matches: Iterable[tuple[str, str, float]] = (),
    threshold: float = 1.0,
    judged: Judged | None = None,
    evidence: bool = True,
) -> NameClusters:
    """The names in ``items`` clustered as the registry clusters their records (and the records
    ``judged`` adds): ``same`` judgement, identifier, name-key and matcher edges (``matches`` at
    or above ``threshold``), never across a ``different`` judgement. ``evidence=False``: the
    judgements' edges only."""
    wanted = set(items)
    own = [r for r in records if name_of[r.record_key] in wanted]
    nodes = [*own, *(judged.records if judged else ())]
    keys = {r.record_key for r in nodes}
    hub: dict[str, str] = {}
    edges: list[Edge] = []
    for record in own:
        first = hub.setdefault(name_of[record.record_key], record.record_key)
        if first != record.record_key:
            edges.append(Edge(first, record.record_key, "same", 1.0, "one raw name"))
    if judged is not None:
        edges += judged.same
    if evidence:
        edges += identifier_edges(nodes)
        edges += name_key_edges(
            {p.record_key: p.key for p in profiles_of(nodes)},
            {r.record_key: r.state for r in nodes},
        )
        edges += [
            Edge(a, b, "match", p, "matcher")
            for a, b, p in matches
            if p >= threshold and a in keys and b in keys
        ]
    result = cluster(sorted(keys), edges, judged.cannot if judged else ())
    cluster_of = result.cluster_of()
    of = {name: str(cluster_of[key]) for name, key in hub.items()}
    return NameClusters(of, result, hub, {r.record_key: r.name or r.record_key for r in nodes})


def pair_errors(
    predicted: Mapping[str, object], gold: Mapping[str, object]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """False-positive and false-negative pairs of names (sorted), over ``gold``'s names."""
    fps, fns = [], []
    for a, b in combinations(sorted(gold), 2):
        together, same = predicted[a] == predicted[b], gold[a] == gold[b]
        if together and not same:
            fps.append((a, b))
        elif same and not together:
            fns.append((a, b))
    return fps, fns


@dataclass(frozen=True, slots=True)
class Overlap:
    """How many labelled names the judgements name, by a ``name:`` side (the raw name itself)
    or by an identifier side (a DUNS one of the name's records carries)."""

    by_name: int
    by_identifier: int
    either: int


def overlap(
    records: Sequence[OrgRecord], name_of: Mapping[str, str], judgements: Sequence[Judgement]
) -> Overlap:
    index = RefIndex.build(records)
    by_name: set[str] = set()
    by_identifier: set[str] = set()
    for judgement in judgements:
        for ref in (judgement.left, judgement.right):
            found = {name_of[key] for key in index.keys(ref) if key in name_of}
            (by_name if ref.scheme == "name" else by_identifier).update(found)
    return Overlap(len(by_name), len(by_identifier), len(by_name | by_identifier))
