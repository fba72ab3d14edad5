"""Shares of FedRAMP authorizations by provider, with HHI and CR4, as of a record time.

Counts authorized offerings only (status ``authorized`` in the snapshot, authorized on or before
the valid time). Measures: ``offerings`` 1 per offering; ``authorizations`` 1 for the initial
authorization plus 1 per agency ATO letter; ``letters`` agency ATO letters only. Attribution:
``direct`` to the offering's own provider; ``infrastructure`` to the own provider and once more
to each other provider that owns an offering it runs on. A record without a date counts as known
from the snapshot that states it. ``by="parent"`` groups providers by their ultimate parent org
on the valid date (``analysis.org_rollup``); an offering counts once per parent it credits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from whosbehind.analysis.concentration import concentration_ratio, hhi
from whosbehind.analysis.fedramp.feeds import choose_snapshot
from whosbehind.errors import UsageError
from whosbehind.store.asof import LIVE, SnapshotRef
from whosbehind.store.engine import Engine

if TYPE_CHECKING:  # the registry's modules are imported by the by-parent share only
    from whosbehind.analysis.org_rollup import RollUp

MEASURES = ("offerings", "authorizations", "letters")
ATTRIBUTIONS = ("direct", "infrastructure")
GROUPINGS = ("provider", "parent")


@dataclass
class ShareRow:
    """One provider's (or parent's) count and share, and the offerings it counts."""

    provider: str
    count: int
    share: float
    offerings: list[str] = field(default_factory=list)
    org_id: str | None = None  # by parent: the parent org (None: a provider not in the registry)
    providers: list[str] = field(default_factory=list)  # by parent: the providers rolled up

    def to_json(self, citation_id: str) -> dict[str, object]:
        found: dict[str, object] = {
            "provider": self.provider,
            "count": self.count,
            "share": self.share,
            "offerings": self.offerings,
            "citations": [citation_id],
        }
        if self.providers:
            found |= {"org_id": self.org_id, "providers": self.providers}
        return found


@dataclass
class ShareResult:
    """FedRAMP shares as of a record time (see :func:`whosbehind.fedramp_share`), with HHI and
    CR4."""

    as_of: dt.datetime
    valid_at: dt.datetime
    measure: str
    attribution: str
    impact: str | None
    snapshot: SnapshotRef
    rows: list[ShareRow]
    total: int
    hhi: float
    cr4: float
    notes: list[str] = field(default_factory=list)
    by: str = "provider"

    def to_json(self, top: int | None = None) -> dict[str, object]:
        citation = self.snapshot.cite()
        return {
            "by": self.by,
            "as_of": self.as_of.isoformat(),
            "valid_at": self.valid_at.isoformat(),
            "measure": self.measure,
            "attribution": self.attribution,
            "impact": self.impact,
            "feed": self.snapshot.feed,
            "snapshot": self.snapshot.to_json(),
            "total": self.total,
            "rows": [row.to_json(citation.id) for row in self.rows[:top]],
            "hhi": self.hhi,
            "cr4": self.cr4,
            "notes": self.notes,
            "citations": [citation.to_json()],
        }


def validate(measure: str, attribution: str, impact: str | None) -> None:
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    if attribution not in ATTRIBUTIONS:
        raise UsageError(f"unknown attribution {attribution!r}; choose {' or '.join(ATTRIBUTIONS)}")
    if impact is None:
        return
    from whosbehind.model.fedramp import IMPACT_LEVELS  # the fact classes: only when asked

    if impact not in IMPACT_LEVELS:
        raise UsageError(
            f"unknown impact level {impact!r}; choose one of {', '.join(IMPACT_LEVELS)}"
        )


def fedramp_share(
    engine: Engine,
    as_of: dt.datetime,
    valid_at: dt.datetime | None = None,
    measure: str = "offerings",
    attribution: str = "direct",
    impact: str | None = None,
    feed: str = "auto",
    by: str = "provider",
    rollup: RollUp | None = None,
) -> ShareResult:
    """``rollup`` (by parent) defaults to the registry stored in ``engine``."""
    validate(measure, attribution, impact)
    if by not in GROUPINGS:
        raise UsageError(f"unknown grouping {by!r}; choose {' or '.join(GROUPINGS)}")
    valid_at = valid_at or as_of
    snapshot = choose_snapshot(engine, as_of, feed)
    offerings = _authorized_offerings(engine, snapshot, valid_at, impact)
    weights = _weights(engine, snapshot, valid_at, measure, offerings)
    providers = own = _provider_names(engine, snapshot)
    parents: dict[str, str | None] = {}
    if by == "parent":
        if rollup is None:
            from whosbehind.analysis.org_rollup import load_rollup

            rollup = load_rollup(engine)
        providers, parents = _by_parent(own, rollup, valid_at.date())
        offerings = {pid: (providers[pid][0], path) for pid, (_, path) in offerings.items()}
    counts: Counter[str] = Counter()
    members: defaultdict[str, list[str]] = defaultdict(list)
    earners: defaultdict[str, set[str]] = defaultdict(set)  # group -> providers that earned it
    runs_on = _runs_on(engine, snapshot) if attribution == "infrastructure" else {}
    notes = _coverage_notes(engine, snapshot, measure, attribution, runs_on)
    for package_id, (provider_key, _) in offerings.items():
        weight = weights.get(package_id, 0)
        credited = {provider_key: package_id}  # group -> the offering whose provider earns it
        for underlying in runs_on.get(package_id, ()):
            owner = providers.get(underlying)
            if owner is None:
                notes.append(
                    f"{package_id} runs on {underlying}, which this snapshot does not list"
                )
            elif owner[0] not in credited:
                credited[owner[0]] = underlying
        for key, earner in credited.items():
            counts[key] += weight
            members[key].append(package_id)
            earners[key].add(own[earner][1])
    display = {key: name for key, name in providers.values()}
    total = sum(counts.values())
    rows = [
        ShareRow(
            display.get(key, key), count, count / total if total else 0.0, sorted(members[key])
        )
        for key, count in counts.items()
        if count > 0
    ]
    for row, key in zip(rows, [key for key, count in counts.items() if count > 0], strict=True):
        if key in parents:
            row.providers, row.org_id = sorted(earners[key]), parents[key]
    rows.sort(key=lambda row: (-row.count, row.provider.casefold()))
    share_values = [row.share for row in rows]
    return ShareResult(
        as_of,
        valid_at,
        measure,
        attribution,
        impact,
        snapshot,
        rows,
        total,
        hhi(share_values),
        concentration_ratio(share_values, 4),
        notes,
        by,
    )


def _coverage_notes(
    engine: Engine,
    snapshot: SnapshotRef,
    measure: str,
    attribution: str,
    runs_on: dict[str, list[str]],
) -> list[str]:
    """Say so when the snapshot lacks what the measure or the attribution needs (the
    organization export has no agency letters and no runs-on links)."""
    notes: list[str] = []
    if measure != "offerings" and not engine.scalar(
        "SELECT count(*) FROM fedramp_authorization "
        f"WHERE feed = ? AND {LIVE} AND kind IN ('letter', 'ato')",
        snapshot.live_params(),
    ):
        counted = "1 per offering, as offerings does" if measure == "authorizations" else "nothing"
        notes.append(
            f"the {snapshot.feed} snapshot lists no agency ATO letters: {measure} counts "
            f"{counted}; load the marketplace or legacy feed for letters"
        )
    if attribution == "infrastructure" and not runs_on:
        notes.append(
            f"the {snapshot.feed} snapshot lists no runs-on links: infrastructure attribution "
            "credits only each offering's own provider, as direct does"
        )
    return notes


def _authorized_offerings(
    engine: Engine, snapshot: SnapshotRef, valid_at: dt.datetime, impact: str | None
) -> dict[str, tuple[str, str | None]]:
    """package id -> (provider key, authorization path) of the counted offerings."""
    sql = (
        "SELECT package_id, provider_key, path FROM fedramp_offering "
        f"WHERE feed = ? AND {LIVE} AND status = 'authorized' "
        "AND coalesce(authorization_date, CAST(? AS DATE)) <= CAST(? AS DATE)"
    )
    params: list[object] = [
        snapshot.feed,
        snapshot.seq,
        snapshot.seq,
        snapshot.record_time.date(),
        valid_at.date(),
    ]
    if impact:
        sql += " AND impact = ?"
        params.append(impact)
    found = engine.rows(sql, params)
    return {row["package_id"]: (row["provider_key"], row["path"]) for row in found}


def _weights(
    engine: Engine,
    snapshot: SnapshotRef,
    valid_at: dt.datetime,
    measure: str,
    offerings: dict[str, tuple[str, str | None]],
) -> dict[str, int]:
    """Count per offering. Where a snapshot lists undated ATOs without marking the initial one
    (kind ``ato``), one of an agency-path offering's ATOs is its initial authorization."""
    base = 0 if measure == "letters" else 1
    weights = dict.fromkeys(offerings, base)
    if measure == "offerings":
        return weights
    found = engine.rows(
        "SELECT package_id, count(*) AS letters, count(*) FILTER (WHERE kind = 'ato') AS atos "
        f"FROM fedramp_authorization WHERE feed = ? AND {LIVE} AND kind IN ('letter', 'ato') "
        "AND coalesce(letter_date, last_sign_date, CAST(? AS DATE)) <= CAST(? AS DATE) "
        "GROUP BY package_id",
        [snapshot.feed, snapshot.seq, snapshot.seq, snapshot.record_time.date(), valid_at.date()],
    )
    for row in found:
        package_id = row["package_id"]
        if package_id in weights:
            initial_among_them = row["atos"] > 0 and offerings[package_id][1] != "jab"
            weights[package_id] += int(row["letters"]) - initial_among_them
    return weights


def _provider_names(engine: Engine, snapshot: SnapshotRef) -> dict[str, tuple[str, str]]:
    """package id -> (provider key, display name), the display name being the key's most
    common spelling in this snapshot."""
    found = engine.rows(
        "SELECT package_id, provider_key, provider FROM fedramp_offering "
        f"WHERE feed = ? AND {LIVE}",
        snapshot.live_params(),
    )
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for row in found:
        spellings[row["provider_key"]][row["provider"]] += 1
    best = {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, c in spellings.items()}
    return {row["package_id"]: (row["provider_key"], best[row["provider_key"]]) for row in found}


def _by_parent(
    providers: dict[str, tuple[str, str]], rollup: RollUp, on: dt.date
) -> tuple[dict[str, tuple[str, str]], dict[str, str | None]]:
    """Providers regrouped by ultimate parent: package id -> (group key, parent name), and each
    group's org id. A provider the registry does not know is a group of its own, under its own
    name (org id None)."""
    regrouped: dict[str, tuple[str, str]] = {}
    groups: dict[str, str | None] = {}
    for package_id, (provider_key, name) in providers.items():
        found = rollup.provider(provider_key, name, None, on)
        if found is None:
            group, display, org = f"provider:{provider_key}", name, None
        else:
            group, display, org = found.parent_id, found.parent_name, found.parent_id
        regrouped[package_id] = (group, display)
        groups[group] = org
    return regrouped, groups


def _runs_on(engine: Engine, snapshot: SnapshotRef) -> dict[str, list[str]]:
    found = engine.rows(
        f"SELECT package_id, underlying_id FROM fedramp_runs_on WHERE feed = ? AND {LIVE}",
        snapshot.live_params(),
    )
    edges: defaultdict[str, list[str]] = defaultdict(list)
    for row in found:
        edges[row["package_id"]].append(row["underlying_id"])
    return edges
