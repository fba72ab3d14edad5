"""Record references (``duns:080961462``, ``name:PALANTIR USG, INC.``, ``org:org-...``) and
judgements, turned into record keys, clustering edges and cannot-links.

A reference names every record it matches: by identifier, by raw name (whitespace and case
folded), by FedRAMP provider key, or by org id (the previous run's members, aliases followed).
A ``same`` or ``parent-of`` judgement whose side matches no record gets a record of its own,
``judgement:<ref>``, so that an analyst's clean name or parent exists as an organization. The
record of an identifier side (``duns:251100749``) carries the identifier and no name
(``org_index.record_name``): the number is no name, and the org is named by its other records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from whosbehind.model.orgs import Judgement, OrgRecord, RecordRef
from whosbehind.resolve.clusters import CannotLink, Edge
from whosbehind.resolve.org_index import canonical_ref, record_name


def fold(name: str) -> str:
    """A raw name compared as a ``name:`` reference: whitespace runs collapsed, casefolded."""
    return " ".join(name.split()).casefold()


@dataclass(slots=True)
class RefIndex:
    """Where each identifier, folded name and provider key occurs among the records."""

    by_id: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    by_provider: dict[str, list[str]] = field(default_factory=dict)
    by_org: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        records: Iterable[OrgRecord],
        members: Mapping[str, str] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> RefIndex:
        index = cls()
        for record in records:
            key = record.record_key
            for scheme in ("uei", "duns", "cik", "cage"):
                value = getattr(record, scheme)
                if value:
                    index.by_id.setdefault(canonical_ref(scheme, value), []).append(key)
            name = record_name(record)
            if name is not None:
                index.by_name.setdefault(fold(name), []).append(key)
            if key.startswith("fedramp:"):
                provider = key.removeprefix("fedramp:").split("|uei:")[0]
                index.by_provider.setdefault(provider, []).append(key)
        for key, org in (members or {}).items():
            index.by_org.setdefault(org, []).append(key)
        for old, org in (aliases or {}).items():
            if org in index.by_org:
                index.by_org.setdefault(old, []).extend(index.by_org[org])
        return index

    def keys(self, ref: RecordRef) -> list[str]:
        """The record keys ``ref`` names, sorted (empty when it names none)."""
        if ref.scheme == "name":
            found = self.by_name.get(fold(ref.value), [])
        elif ref.scheme == "fedramp":
            found = self.by_provider.get(ref.value.strip().casefold(), [])
        elif ref.scheme == "org":
            found = self.by_org.get(ref.value.strip(), [])
        else:
            found = self.by_id.get(canonical_ref(ref.scheme, ref.value), [])
        return sorted(set(found))


def judgement_records(judgements: Sequence[Judgement], index: RefIndex) -> list[OrgRecord]:
    """Records for the sides of ``same``/``parent-of`` judgements that match no record."""
    made: dict[str, OrgRecord] = {}
    for judgement in judgements:
        if judgement.kind == "different":
            continue
        for ref in (judgement.left, judgement.right):
            if ref.scheme in ("org", "fedramp") or index.keys(ref):
                continue
            key = f"judgement:{ref}"
            by_name = ref.scheme == "name"
            identifiers = {} if by_name else dict([canonical_ref(ref.scheme, ref.value)])
            made.setdefault(
                key,
                OrgRecord(
                    record_key=key,
                    source="judgement",
                    name=ref.value if by_name else "",
                    citation=f"{judgement.file}:{judgement.line}",
                    **identifiers,  # type: ignore[arg-type]
                ),
            )
    return list(made.values())


def judgement_source(judgement: Judgement) -> str:
    return f"{judgement.file}:{judgement.line}" if judgement.file else "judgements"


def judgement_detail(judgement: Judgement) -> str:
    said = f"{judgement.kind} {judgement.left} {judgement.right}"
    extra = "; ".join(part for part in (judgement.source, judgement.note) if part)
    return f"{said} ({extra})" if extra else said


def judgement_links(
    judgements: Sequence[Judgement], index: RefIndex
) -> tuple[list[Edge], list[CannotLink]]:
    """``same`` judgements as edges (a star over every record either side names) and
    ``different`` judgements as cannot-links (every record of one side against every record
    of the other)."""
    edges: list[Edge] = []
    cannot: list[CannotLink] = []
    for judgement in judgements:
        left, right = index.keys(judgement.left), index.keys(judgement.right)
        detail, source = judgement_detail(judgement), judgement_source(judgement)
        if judgement.kind == "same":
            named = sorted(set(left) | set(right))
            edges.extend(Edge(named[0], k, "same", 1.0, detail, source) for k in named[1:])
        elif judgement.kind == "different":
            cannot.extend(CannotLink(a, b, detail, source) for a in left for b in right if a != b)
    return edges, cannot
