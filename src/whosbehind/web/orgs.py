"""What the organization registry knows about a company as of a date (``whosbehind org``):
the names it was seen under, its identifiers, its parents and subsidiaries, each cited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import quote

from whosbehind import Engine, MissingDataError, OrgView, find_orgs, org
from whosbehind.web.tables import Link, Table, cite, text

_ID = re.compile(r"c[0-9a-f]{16}(?=\s|$)")


class OwnerLink(Protocol):
    """A parent or subsidiary of an ``OrgView``: what its table shows."""

    @property
    def org_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def valid_from(self) -> dt.date | None: ...
    @property
    def valid_to(self) -> dt.date | None: ...
    @property
    def basis(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def citation(self) -> str: ...


def org_answer(engine: Engine, query: str, on: dt.date | None = None) -> OrgView | None:
    """The organization ``query`` names (its most supported match) on ``on`` (default today),
    or None (none, or no registry: `whosbehind resolve` has not run)."""
    try:
        found = find_orgs(engine, query)
    except MissingDataError:
        return None
    if not found:
        return None
    view = org(engine, found[0].org_id, valid_at=on)
    return view if isinstance(view, OrgView) else None


def citation_id(citation: str) -> str | None:
    """The id a registry citation starts with ("c... locator"), if it does."""
    found = _ID.match(citation or "")
    return found.group() if found else None


def _org(org_id: str, name: str) -> Link:
    return text(name or org_id, f"/company/{quote(org_id, safe='')}")


def _owners(key: str, title: str, links: Sequence[OwnerLink]) -> Table:
    return Table(
        key,
        title,
        ["organization", "from", "to", "basis", "detail"],
        [
            [
                _org(link.org_id, link.name),
                cite(link.valid_from, citation_id(link.citation)),
                text(link.valid_to),
                text(link.basis),
                text(link.detail),
            ]
            for link in links
        ],
        empty="none on this date in the loaded records",
    )


def org_tables(view: OrgView) -> list[Table]:
    names = Table(
        "names",
        "Names seen (each from the record that states it)",
        ["name", "source", "first seen", "last seen"],
        [
            [
                text(seen.name),
                _source(seen.source, seen.citation),
                text(seen.first_seen),
                text(seen.last_seen),
            ]
            for seen in view.names
        ],
    )
    identifiers = Table(
        "identifiers",
        "Identifiers",
        ["scheme", "values"],
        [
            [text(scheme.upper()), text(", ".join(values))]
            for scheme, values in view.identifiers.items()
        ],
        empty="no identifiers in the loaded records",
    )
    return [
        _owners("org-parents", f"Parents on {view.valid_at} (nearest first)", view.parents),
        _owners("org-subsidiaries", f"Subsidiaries on {view.valid_at}", view.subsidiaries),
        names,
        identifiers,
    ]


def _source(source: str, citation: str) -> Link:
    found = citation_id(citation)
    return Link(source, f"/cite/{found}" if found else None)
