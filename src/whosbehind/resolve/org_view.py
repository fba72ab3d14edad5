"""What the registry knows about one org as of a date: the names it was seen under (with source,
dates and citation), its identifiers, its parent chain and subsidiaries (``ultimate``), and the
ids that were merged into it. ``whosbehind org`` prints it. A record that names no one
(``org_index.record_name``: a parent known only by its DUNS, a judgement's ``duns:`` side) adds
its identifiers, not a name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from whosbehind.model.orgs import OrgRecord, OwnershipEdge
from whosbehind.resolve.org_index import OrgIndex, record_name
from whosbehind.resolve.registry_read import require_registry
from whosbehind.resolve.registry_store import pairs, record_rows
from whosbehind.resolve.ultimate import OwnershipIndex
from whosbehind.store.engine import Engine

_IDENTIFIERS = ("uei", "duns", "cik", "cage")


@dataclass(frozen=True, slots=True)
class NameSeen:
    name: str
    source: str
    first_seen: dt.date | None
    last_seen: dt.date | None
    citation: str
    record_key: str


@dataclass(frozen=True, slots=True)
class Link:
    """An ownership edge as shown: the other org, its name, the dates and the evidence."""

    org_id: str
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    basis: str
    detail: str
    citation: str


@dataclass(frozen=True, slots=True)
class OrgView:
    """One organization on a date: names seen, identifiers, parent chain, subsidiaries."""

    org_id: str
    name: str
    valid_at: dt.date  # valid time: parents and subsidiaries on this date
    aliases: list[str]
    names: list[NameSeen]
    identifiers: dict[str, list[str]]
    parents: list[Link]  # nearest first, up to the ultimate parent
    ultimate_parent: str
    ultimate_parent_name: str
    subsidiaries: list[Link]  # every org below, each with the edge to its own parent

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def org_view(engine: Engine, org_id: str, on: dt.date, edges: Sequence[OwnershipEdge]) -> OrgView:
    """``org_id`` (a current id) on the date ``on`` (valid time); ``edges``: the ownership
    edges of the registry."""
    require_registry(engine)
    index = OwnershipIndex(edges)
    chain = list(index.chain(org_id, on))
    below = index.subsidiaries(org_id, on)
    involved = {org_id, *below, *(e.parent_id for e in chain)}
    records = _records_of(engine, involved)
    org_of = pairs(
        engine,
        "SELECT record_key, org_id FROM org_member WHERE org_id IN (SELECT unnest(?))",
        [sorted(involved)],
    )
    names = OrgIndex(records, org_of)
    own = [r for r in records if org_of.get(r.record_key) == org_id]
    seen = [
        (name, r)
        for r in own
        if (r.first_seen is None or r.first_seen <= on) and (name := record_name(r)) is not None
    ]
    ultimate = index.ultimate(org_id, on)
    return OrgView(
        org_id=org_id,
        name=names.display_name(org_id),
        valid_at=on,
        aliases=sorted(
            pairs(engine, "SELECT old_id, org_id FROM org_alias WHERE org_id = ?", [org_id])
        ),
        names=[
            NameSeen(name, r.source, r.first_seen, r.last_seen, r.citation, r.record_key)
            for name, r in sorted(seen, key=_seen_order)
        ],
        identifiers={
            scheme: sorted({getattr(r, scheme) for r in own if getattr(r, scheme)})
            for scheme in _IDENTIFIERS
            if any(getattr(r, scheme) for r in own)
        },
        parents=[_link(e, e.parent_id, names) for e in chain],
        ultimate_parent=ultimate,
        ultimate_parent_name=names.display_name(ultimate),
        subsidiaries=[
            _link(edge, child, names)
            for child in below
            if (edge := index.parent_of(child, on)) is not None
        ],
    )


def _records_of(engine: Engine, orgs: set[str]) -> list[OrgRecord]:
    return record_rows(
        engine,
        "record_key IN (SELECT record_key FROM org_member WHERE org_id IN (SELECT unnest(?)))",
        [sorted(orgs)],
    )


def _seen_order(seen: tuple[str, OrgRecord]) -> tuple[str, dt.date, str]:
    name, record = seen
    return (name.casefold(), record.first_seen or dt.date.min, record.record_key)


def _link(edge: OwnershipEdge, other: str, names: OrgIndex) -> Link:
    return Link(
        other,
        names.display_name(other),
        edge.valid_from,
        edge.valid_to,
        edge.basis,
        edge.detail,
        edge.citation,
    )
