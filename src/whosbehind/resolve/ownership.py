"""Dated parent -> child edges between orgs, from what records report and what analysts judged.

Three kinds, most trusted first (``OwnershipEdge.basis``):

- ``judgement``: a ``parent-of`` judgement, over its own date range. Where it overlaps an edge
  of another kind for the same child, it wins: those edges are cut around it.
- ``reported``: the parent a contract record states (``OrgRecord.parent_*``), resolved to an org
  by parent UEI, else parent DUNS, else parent name. A record is dated by its first and last
  action date; every statement of every record of the child is a point on a timeline, and the
  parent at a date is the one of the latest point on or before it. So an edge begins at the first
  date that parent was reported and ends where a different parent (or the child itself) was
  reported next; the last one stays open (nothing said otherwise since). A parent whose name is
  the child's own (to case and punctuation) but whose DUNS/UEI is another's
  (``records.self_named_parent_ids``) is whoever holds that identifier, looked up by UEI, else
  DUNS, never by name: TIME WARNER CABLE INC. and TIME WARNER CABLE ENTERPRISES LLC each name
  themselves with parent DUNS 150776503, and both roll up to its holder. A parent that resolves
  to the child's own org, or names the child with no other identifier (or one held by no
  org), is no edge, but it does end the previous one ("PALANTIR USG" named itself in 2017,
  then Palantir Technologies in 2018).
- ``name-clause``: "X, a subsidiary of Y" or "X, a division of Y" in a record's name
  (``names.normalize_name(...).parent``), from the record's first date on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from whosbehind.model.orgs import Judgement, OrgRecord, OwnershipEdge, RecordRef
from whosbehind.resolve.names import names_itself, normalize_name
from whosbehind.resolve.org_index import OrgIndex
from whosbehind.resolve.records import self_named_parent_ids

NameLookup = Callable[[RecordRef], list[str]]
BASIS_RANK = {"judgement": 0, "reported": 1, "name-clause": 2}
_EARLIEST = dt.date.min


@dataclass
class OwnershipBuild:
    edges: list[OwnershipEdge]
    notes: list[str] = field(default_factory=list)  # references that resolved to no org


@dataclass(frozen=True, slots=True)
class _Point:
    day: dt.date
    parent: str  # an org id; the child's own id for a self-reported parent
    record: OrgRecord
    by_identifier: bool = False  # the row named the child itself: found by the parent's DUNS/UEI


def build_edges(
    records: Sequence[OrgRecord],
    org_of: Mapping[str, str],
    judgements: Sequence[Judgement],
    name_lookup: NameLookup | None = None,
) -> list[OwnershipEdge]:
    """Every ownership edge, ordered by child, start and basis. ``name_lookup`` maps a reference
    to org ids, the best first (default: an ``OrgIndex`` over ``records``)."""
    return build_ownership(records, org_of, judgements, name_lookup).edges


def build_ownership(
    records: Sequence[OrgRecord],
    org_of: Mapping[str, str],
    judgements: Sequence[Judgement],
    name_lookup: NameLookup | None = None,
) -> OwnershipBuild:
    """``build_edges`` with notes on what could not be resolved."""
    lookup = name_lookup or OrgIndex(records, org_of).lookup
    notes: list[str] = []
    judged = judgement_edges(judgements, lookup, notes)
    others = reported_edges(records, org_of, lookup) + name_clause_edges(records, org_of, lookup)
    cut = _cut_around(others, judged)
    edges = judged + cut
    edges.sort(key=lambda e: (e.child_id, e.valid_from or _EARLIEST, BASIS_RANK[e.basis]))
    return OwnershipBuild(edges, notes)


def _first(lookup: NameLookup, *refs: tuple[str, str | None]) -> str | None:
    for scheme, value in refs:
        if value and value.strip():
            found = lookup(RecordRef(scheme, value.strip()))  # type: ignore[arg-type]
            if found:
                return found[0]
    return None


def reported_edges(
    records: Iterable[OrgRecord], org_of: Mapping[str, str], lookup: NameLookup
) -> list[OwnershipEdge]:
    records = list(records)
    points: defaultdict[str, list[_Point]] = defaultdict(list)
    for record in records:
        child = org_of.get(record.record_key)
        if child is None or not (record.parent_name or record.parent_duns or record.parent_uei):
            continue
        by_identifier = False
        if names_itself(record.name, record.parent_name):
            uei, duns = self_named_parent_ids(record)
            parent = _first(lookup, ("uei", uei), ("duns", duns)) if uei or duns else None
            by_identifier = parent not in (None, child)
            parent = parent if by_identifier else child
        else:
            parent = _first(
                lookup,
                ("uei", record.parent_uei),
                ("duns", record.parent_duns),
                ("name", record.parent_name),
            )
        if parent is None:
            continue
        first = record.first_seen or record.last_seen or _EARLIEST
        last = record.last_seen or first
        points[child].append(_Point(first, parent, record, by_identifier))
        if last != first:
            points[child].append(_Point(last, parent, record, by_identifier))
    _own_headquarters(points, {org_of.get(r.record_key) for r in records if r.name})
    edges: list[OwnershipEdge] = []
    for child, found in points.items():
        edges.extend(_runs(child, found))
    return edges


def _own_headquarters(points: Mapping[str, list[_Point]], named: set[str | None]) -> None:
    """A parent found only by the identifier a company states under its own name, known by no
    name and stated by that one org alone, is the company's own headquarters number (THE MITRE
    CORPORATION with another DUNS), not an owner: those points become "no parent"."""
    stated_by: defaultdict[str, set[str]] = defaultdict(set)
    for child, found in points.items():
        for point in found:
            if point.by_identifier and point.parent not in named:
                stated_by[point.parent].add(child)
    for child, found in points.items():
        for index, point in enumerate(found):
            if point.by_identifier and stated_by.get(point.parent) == {child}:
                found[index] = _Point(point.day, child, point.record)


def _runs(child: str, points: list[_Point]) -> list[OwnershipEdge]:
    by_day: defaultdict[dt.date, list[_Point]] = defaultdict(list)
    for point in points:
        by_day[point.day].append(point)
    # On a day with several parents: the most often stated, a real parent before the child
    # itself, then the smallest id (the same choice every run).
    timeline: list[_Point] = []
    for day in sorted(by_day):
        stated = by_day[day]
        counts: defaultdict[str, int] = defaultdict(int)
        for point in stated:
            counts[point.parent] += 1
        winner = min(counts, key=lambda p: (-counts[p], p == child, p))
        timeline.append(next(p for p in stated if p.parent == winner))
    runs: list[list[_Point]] = []
    for point in timeline:
        if runs and runs[-1][-1].parent == point.parent:
            runs[-1].append(point)
        else:
            runs.append([point])
    edges: list[OwnershipEdge] = []
    for i, run in enumerate(runs):
        if run[0].parent == child:
            continue
        end = runs[i + 1][0].day if i + 1 < len(runs) else None
        start = run[0].day if run[0].day != _EARLIEST else None
        edges.append(
            OwnershipEdge(
                parent_id=run[0].parent,
                child_id=child,
                valid_from=start,
                valid_to=end,
                basis="reported",
                detail=f"{_said(run[0])}, stated {_span(run[0].day, run[-1].day)}",
                citation=run[0].record.citation,
            )
        )
    return edges


def _said(point: _Point) -> str:
    record = point.record
    if point.by_identifier:
        uei, duns = self_named_parent_ids(record)
        ids = " / ".join(f"{s.upper()} {v}" for s, v in (("uei", uei), ("duns", duns)) if v)
        return (
            f"parent identified by its {ids} alone: the row named {record.name!r} itself as "
            f"parent ({record.parent_name!r})"
        )
    said = record.parent_name or record.parent_duns or record.parent_uei
    ids = ", ".join(
        f"{s} {v}" for s, v in (("uei", record.parent_uei), ("duns", record.parent_duns)) if v
    )
    return f"reported parent {said!r}{f' ({ids})' if ids else ''} of {record.name!r}"


def _span(first: dt.date, last: dt.date) -> str:
    if first == _EARLIEST:
        return "undated"
    return str(first) if first == last else f"{first} to {last}"


def name_clause_edges(
    records: Iterable[OrgRecord], org_of: Mapping[str, str], lookup: NameLookup
) -> list[OwnershipEdge]:
    earliest: dict[tuple[str, str], tuple[dt.date, OrgRecord, str]] = {}
    for record in records:
        child = org_of.get(record.record_key)
        normalized = normalize_name(record.name)
        if child is None or not normalized.parent:
            continue
        parent = _first(lookup, ("name", normalized.parent))
        if parent is None or parent == child:
            continue
        start = record.first_seen or _EARLIEST
        known = earliest.get((parent, child))
        if known is None or start < known[0]:
            earliest[(parent, child)] = (start, record, normalized.parent_relation or "subsidiary")
    return [
        OwnershipEdge(
            parent_id=parent,
            child_id=child,
            valid_from=start if start != _EARLIEST else None,
            valid_to=None,
            basis="name-clause",
            detail=f"{record.name!r} names itself a {relation} of this parent",
            citation=record.citation,
        )
        for (parent, child), (start, record, relation) in earliest.items()
    ]


def judgement_edges(
    judgements: Iterable[Judgement], lookup: NameLookup, notes: list[str]
) -> list[OwnershipEdge]:
    edges: list[OwnershipEdge] = []
    for judgement in judgements:
        if judgement.kind != "parent-of":
            continue
        where = f"{judgement.file}:{judgement.line}" if judgement.file else "judgement"
        parents, children = lookup(judgement.left), lookup(judgement.right)
        if not parents or not children:
            missing = judgement.left if not parents else judgement.right
            notes.append(f"{where}: {missing} is in no organization; parent-of not used")
            continue
        if parents[0] == children[0]:
            notes.append(f"{where}: {judgement.left} and {judgement.right} are one organization")
            continue
        said = "; ".join(filter(None, (judgement.source, judgement.note)))
        edges.append(
            OwnershipEdge(
                parent_id=parents[0],
                child_id=children[0],
                valid_from=judgement.valid_from,
                valid_to=judgement.valid_to,
                basis="judgement",
                detail=f"{judgement.left} parent-of {judgement.right}"
                + (f": {said}" if said else ""),
                citation=where,
            )
        )
    return edges


def _cut_around(edges: list[OwnershipEdge], judged: list[OwnershipEdge]) -> list[OwnershipEdge]:
    """Remove from each edge the dates a judgement covers for the same child."""
    covered: defaultdict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for edge in judged:
        covered[edge.child_id].append((edge.valid_from or _EARLIEST, edge.valid_to))
    out: list[OwnershipEdge] = []
    for edge in edges:
        pieces: list[tuple[dt.date, dt.date | None]] = [
            (edge.valid_from or _EARLIEST, edge.valid_to)
        ]
        for start, end in covered.get(edge.child_id, ()):
            pieces = [piece for p in pieces for piece in _minus(p, start, end)]
        for start, end in pieces:
            out.append(
                OwnershipEdge(
                    edge.parent_id,
                    edge.child_id,
                    start if start != _EARLIEST else None,
                    end,
                    edge.basis,
                    edge.detail,
                    edge.citation,
                )
            )
    return out


def _minus(
    piece: tuple[dt.date, dt.date | None], start: dt.date, end: dt.date | None
) -> list[tuple[dt.date, dt.date | None]]:
    """``[a, b)`` without ``[start, end)`` (None: open end)."""
    a, b = piece
    if (end is not None and end <= a) or (b is not None and b <= start):
        return [piece]
    left = [(a, start)] if a < start else []
    right = [(end, b)] if end is not None and (b is None or end < b) else []
    return left + right
