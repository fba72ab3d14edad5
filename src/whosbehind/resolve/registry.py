"""The organization registry: one run of resolution, and the questions asked of its result.

``run_resolve`` collects org records from the stores (``records.collect_records``, plus any
``extra_records`` such as SEC registrants), keeps the ones not seen before, matches only those
against all (``matching.match_records(..., only=new)``; ``full=True`` rematches everything),
then recomputes the clustering from all stored evidence: judgements, shared identifiers, equal
name keys, FedRAMP brands joined to contract and SEC names (``cross_source``), the matcher
pairs of every run so far (``clusters.cluster``), gives the clusters stable ids
(``stable_ids.assign_ids``), builds ownership edges from the result and writes it all in one
transaction: an interrupted run leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from whosbehind.model.orgs import Judgement, MatchedPair, OrgRecord, OwnershipEdge
from whosbehind.resolve.clusters import (
    CannotLink,
    Clustering,
    Edge,
    cluster,
    identifier_edges,
    name_key_edges,
)
from whosbehind.resolve.cross_source import cross_source_edges
from whosbehind.resolve.judgements import read_judgements
from whosbehind.resolve.matching import MATCH_THRESHOLD, REVIEW_THRESHOLD, match_records
from whosbehind.resolve.names import name_key
from whosbehind.resolve.ownership import build_edges
from whosbehind.resolve.records import collect_records, with_records
from whosbehind.resolve.refs import RefIndex, judgement_links, judgement_records
from whosbehind.resolve.registry_read import (
    lookup,
    org_names,
    org_of,
    record_keys,
    require_registry,
    uncertain_pairs,
)
from whosbehind.resolve.registry_store import load_records, pairs, write_records, write_rows
from whosbehind.resolve.stable_ids import Assignment, assign_ids
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_ownership import load_edges, save_edges
from whosbehind.store.orgs_schema import ORG_TABLES, create_org_tables

__all__ = [
    "ResolveSummary",
    "lookup",
    "org_names",
    "org_of",
    "ownership_edges",
    "record_keys",
    "require_registry",
    "run_resolve",
    "uncertain_pairs",
]

Matcher = Callable[..., list[MatchedPair]]
_MATCH_COLUMNS = ("left_key", "right_key", "probability", "method", "detail", "run")
_EVIDENCE_COLUMNS = (
    "left_key",
    "right_key",
    "kind",
    "weight",
    "detail",
    "source",
    "status",
    "reason",
)


@dataclass(frozen=True, slots=True)
class ResolveSummary:
    """The counts of a resolve run: records, organizations, merges, ownership edges."""

    run: int
    full: bool
    records: int
    new_records: int
    orgs: int
    new_orgs: int
    merges: int  # evidence edges that joined two clusters
    aliases: int  # ids that became aliases of another in this run (clusters merged)
    candidates: int  # uncertain pairs left for review
    refused: int  # edges a `different` judgement refused
    matched_pairs: int  # matcher pairs at or above the review threshold scored in this run
    judgements: int
    ownership_edges: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_resolve(
    engine: Engine,
    *,
    judgements_path: Path | None,
    full: bool = False,
    extra_records: Sequence[OrgRecord] = (),
    matcher: Matcher = match_records,
) -> ResolveSummary:
    """Resolve the store's org records into organizations (see the module docstring)."""
    started = time.perf_counter()
    judgements = read_judgements(judgements_path) if judgements_path else []
    collected = with_records(collect_records(engine), extra_records)
    with engine.transaction():
        create_org_tables(engine)
        run = int(engine.scalar("SELECT coalesce(max(run), 0) FROM org_run")) + 1
        if full:
            engine.execute("DELETE FROM org_record")
            engine.execute("DELETE FROM org_match")
        stored, keys = load_records(engine)
        members = pairs(engine, "SELECT record_key, org_id FROM org_member")
        aliases = pairs(engine, "SELECT old_id, org_id FROM org_alias")
        new = [r for r in collected if r.record_key not in keys]
        if judgements:
            index = RefIndex.build([*stored, *new], members, aliases)
            new += [r for r in judgement_records(judgements, index) if r.record_key not in keys]
        _add_name_keys(new, keys)
        write_records(engine, new, keys, run)
        records = sorted([*stored, *new], key=lambda r: r.record_key)
        new_keys = {r.record_key for r in new}
        scored = _match(engine, matcher, records, None if full else new_keys, run)
        same, cannot = (
            judgement_links(judgements, RefIndex.build(records, members, aliases))
            if judgements
            else ([], [])
        )
        clustering = cluster(
            (r.record_key for r in records),
            [
                *same,
                *identifier_edges(records),
                *name_key_edges(keys, {r.record_key: r.state for r in records}),
                *cross_source_edges(records, keys),
                *_match_edges(engine),
            ],
            cannot,
        )
        created = {
            k: int(v) for k, v in pairs(engine, "SELECT org_id, created_run FROM org").items()
        }
        assignment = assign_ids(clustering.clusters, members, created, {*created, *aliases})
        membership = _save_clusters(engine, clustering, assignment.ids, run)
        _save_ids(engine, clustering, assignment, run)
        _save_evidence(engine, clustering, cannot)
        candidates = _save_candidates(engine, membership, cannot)
        ownership = _save_ownership(engine, records, membership, judgements)
        summary = ResolveSummary(
            run=run,
            full=full,
            records=len(records),
            new_records=len(new),
            orgs=len(clustering.clusters),
            new_orgs=len(assignment.new_ids),
            merges=clustering.count("applied"),
            aliases=len(assignment.aliases),
            candidates=candidates,
            refused=clustering.count("refused"),
            matched_pairs=scored,
            judgements=len(judgements),
            ownership_edges=ownership,
            seconds=round(time.perf_counter() - started, 3),
        )
        _save_run(engine, summary)
    return summary


def ownership_edges(engine: Engine) -> list[OwnershipEdge]:
    """The ownership edges the newest run stored (``store.orgs_ownership``)."""
    require_registry(engine)
    return load_edges(engine)


def _add_name_keys(records: Sequence[OrgRecord], keys: dict[str, str]) -> None:
    cache: dict[str, str] = {}
    for record in records:
        key = cache.get(record.name)
        if key is None:
            key = cache[record.name] = name_key(record.name)
        keys[record.record_key] = key


def _match(
    engine: Engine,
    matcher: Matcher,
    records: Sequence[OrgRecord],
    only: Collection[str] | None,
    run: int,
) -> int:
    if only is not None and not only:
        return 0
    found = matcher(records, only=only)
    rows = {
        tuple(sorted((p.left_key, p.right_key))): p
        for p in found
        if p.probability >= REVIEW_THRESHOLD
    }
    engine.execute("CREATE TEMP TABLE IF NOT EXISTS _scored (left_key VARCHAR, right_key VARCHAR)")
    engine.execute("DELETE FROM _scored")
    write_rows(engine, "_scored", ("left_key", "right_key"), rows)
    engine.execute(
        "DELETE FROM org_match WHERE (left_key, right_key) IN "
        "(SELECT (left_key, right_key) FROM _scored)"
    )
    write_rows(
        engine,
        "org_match",
        _MATCH_COLUMNS,
        ((a, b, p.probability, p.method, p.detail, run) for (a, b), p in sorted(rows.items())),
    )
    return len(rows)


def _match_edges(engine: Engine) -> list[Edge]:
    found = engine.connection.execute(
        "SELECT left_key, right_key, probability, method, detail FROM org_match "
        "WHERE probability >= ? ORDER BY probability DESC, left_key, right_key",
        [MATCH_THRESHOLD],
    ).fetchall()
    return [
        Edge(a, b, "match", float(p), f"{method} {p:.3f}: {detail}", method)
        for a, b, p, method, detail in found
    ]


def _save_clusters(
    engine: Engine, clustering: Clustering, ids: Sequence[str], run: int
) -> dict[str, str]:
    membership = {key: ids[i] for i, members in enumerate(clustering.clusters) for key in members}
    engine.execute("DELETE FROM org_member")
    write_rows(engine, "org_member", ("record_key", "org_id"), sorted(membership.items()))
    return membership


def _save_ids(
    engine: Engine,
    clustering: Clustering,
    assignment: Assignment,
    run: int,
) -> None:
    issued = set(assignment.new_ids)
    write_rows(
        engine,
        "org",
        ("org_id", "created_run", "first_member"),
        (
            (org, run, members[0])
            for members, org in zip(clustering.clusters, assignment.ids, strict=True)
            if org in issued
        ),
    )
    for old, survivor in sorted(assignment.aliases.items()):
        # an alias of an id that is now itself an alias points straight at the survivor
        engine.execute("UPDATE org_alias SET org_id = ? WHERE org_id = ?", [survivor, old])
    write_rows(
        engine,
        "org_alias",
        ("old_id", "org_id", "run"),
        ((old, survivor, run) for old, survivor in sorted(assignment.aliases.items())),
    )


def _save_evidence(engine: Engine, clustering: Clustering, cannot: Sequence[CannotLink]) -> None:
    engine.execute("DELETE FROM org_evidence")
    rows: list[tuple[str, str, str, float, str, str, str, str]] = [
        (
            o.edge.left,
            o.edge.right,
            o.edge.kind,
            o.edge.weight,
            o.edge.detail,
            o.edge.source,
            o.status,
            o.reason,
        )
        for o in clustering.outcomes
    ]
    rows += [
        (c.left, c.right, "different", 1.0, c.detail, c.source, "constraint", "") for c in cannot
    ]
    write_rows(engine, "org_evidence", _EVIDENCE_COLUMNS, rows)


def _save_candidates(
    engine: Engine, membership: dict[str, str], cannot: Sequence[CannotLink]
) -> int:
    judged = {frozenset((c.left, c.right)) for c in cannot}
    found = engine.connection.execute(
        "SELECT left_key, right_key, probability, detail FROM org_match "
        "WHERE probability >= ? AND probability < ? ORDER BY probability DESC, left_key, right_key",
        [REVIEW_THRESHOLD, MATCH_THRESHOLD],
    ).fetchall()
    rows = [
        (a, b, p, d)
        for a, b, p, d in found
        if membership.get(a) != membership.get(b) and frozenset((a, b)) not in judged
    ]
    engine.execute("DELETE FROM org_candidate")
    return write_rows(
        engine, "org_candidate", ("left_key", "right_key", "probability", "detail"), rows
    )


def _save_ownership(
    engine: Engine,
    records: Sequence[OrgRecord],
    membership: dict[str, str],
    judgements: Sequence[Judgement],
) -> int:
    return save_edges(engine, build_edges(records, membership, judgements))


def _save_run(engine: Engine, summary: ResolveSummary) -> None:
    values = summary.to_json() | {"started_at": dt.datetime.now(dt.UTC), "full_run": summary.full}
    columns = [name for name, _ in ORG_TABLES["org_run"]]
    write_rows(engine, "org_run", columns, [[values[name] for name in columns]])
