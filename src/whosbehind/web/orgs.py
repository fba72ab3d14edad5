"""What the organization registry knows about a company as of a date (``whosbehind org``):
the names it was seen under, its identifiers, its parents and subsidiaries, each cited."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from whosbehind.resolve.org_view import Link as OwnerLink
from whosbehind.resolve.org_view import OrgView, org_view
from whosbehind.resolve.registry import lookup, ownership_edges
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry
from whosbehind.web.tables import Link, Table, cite, text

_ID = re.compile(r"c[0-9a-f]{16}(?=\s|$)")


def org_answer(engine: Engine, query: str, on: dt.date) -> OrgView | None:
    """The organization ``query`` names (its most supported match), or None (no registry)."""
    if not has_registry(engine):
        return None
    found = lookup(engine, query)
    return org_view(engine, found[0], on, ownership_edges(engine)) if found else None


def citation_id(citation: str) -> str | None:
    """The id a registry citation starts with ("c... locator"), if it does."""
    found = _ID.match(citation or "")
    return found.group() if found else None


def _org(org_id: str, name: str) -> Link:
    return text(name or org_id, f"/company/{quote(org_id, safe='')}")


def _owners(key: str, title: str, links: list[OwnerLink]) -> Table:
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
