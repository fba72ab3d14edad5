"""Organizations: resolving the store's org records, looking one up, explaining a match.

``valid_at`` is valid time: the parents and subsidiaries an organization had on that date
(default today). The registry is rebuilt by :func:`resolve`, not versioned by record time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whosbehind.api.dates import When, day
from whosbehind.api.judgements import judgements_file
from whosbehind.errors import NotFoundError, SourceError
from whosbehind.model.timeutil import now_utc
from whosbehind.pipeline.ingest_sec import ingest_sec
from whosbehind.resolve import registry
from whosbehind.resolve.explain import Explanation, explain
from whosbehind.resolve.org_view import OrgView, org_view
from whosbehind.resolve.registry import ResolveSummary
from whosbehind.sources.sec.metadata import FILE_NAMES
from whosbehind.store.engine import Engine


@dataclass(frozen=True, slots=True)
class OrgMatch:
    """An organization a reference names: its id and display name."""

    org_id: str
    name: str


@dataclass(frozen=True, slots=True)
class OrgMatches:
    """A reference that names more than one organization: ask again by id."""

    query: str
    matches: tuple[OrgMatch, ...]

    def to_json(self) -> dict[str, object]:
        """The query and each match's id and name."""
        return {
            "query": self.query,
            "matches": [{"org_id": m.org_id, "name": m.name} for m in self.matches],
        }


def resolve_organizations(
    engine: Engine,
    *,
    judgements: Path | None = None,
    full: bool = False,
    sec: Path | None = None,
) -> ResolveSummary:
    """Resolve the store's org records (contract recipients and their reported parents, FedRAMP
    providers, SEC registrants, the ``judgements`` file; default :func:`judgements_file`) into
    organizations with stable ids. ``sec``: a file or folder of the SEC's company ticker files
    to ingest first. ``full``: rematch every record, not only the new ones. Needs a writable
    engine."""
    if sec:
        ingested = ingest_sec(engine, str(sec))
        if ingested.found_nothing:
            expected = " or ".join(FILE_NAMES.values())
            raise SourceError(f"{sec}: no SEC company file here (expected {expected})")
        if ingested.errors:
            raise SourceError(ingested.errors[0])
    return registry.run_resolve(
        engine, judgements_path=judgements or judgements_file(engine), full=full
    )


def find_orgs(engine: Engine, reference: str) -> tuple[OrgMatch, ...]:
    """The organizations a reference names: an org id, an identifier (``duns:...``,
    ``uei:...``, ``cik:...``), a FedRAMP provider (``fedramp:<key>``), a name or part of one."""
    registry.require_registry(engine)
    found = registry.lookup(engine, reference)
    names = registry.org_names(engine, found)
    return tuple(OrgMatch(org, names[org]) for org in found)


def org(engine: Engine, reference: str, *, valid_at: When | None = None) -> OrgView | OrgMatches:
    """One organization as of ``valid_at`` (default today): names seen with sources and
    dates, identifiers, parent chain, subsidiaries; or, when ``reference`` names several,
    the matches. Raises :class:`NotFoundError` when it names none."""
    registry.require_registry(engine)
    found = registry.lookup(engine, reference)
    if not found:
        raise NotFoundError(
            f"no organization matches {reference!r} (try part of a name, duns:..., uei:..., "
            "or an org id)"
        )
    if len(found) > 1:
        names = registry.org_names(engine, found)
        return OrgMatches(reference, tuple(OrgMatch(o, names[o]) for o in found))
    on = day(valid_at) or now_utc().date()
    return org_view(engine, found[0], on, registry.ownership_edges(engine))


def explain_orgs(engine: Engine, a: str, b: str) -> Explanation:
    """Whether two references are one organization, and the chain of evidence (or the
    reasons they are not)."""
    return explain(engine, a, b)
