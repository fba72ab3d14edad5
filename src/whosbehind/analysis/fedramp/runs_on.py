"""Offerings that run on a provider's infrastructure, with the agencies that authorized them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from whosbehind.analysis.fedramp.feeds import choose_snapshot
from whosbehind.errors import NotFoundError
from whosbehind.store.asof import LIVE, SnapshotRef
from whosbehind.store.engine import Engine


@dataclass(frozen=True, slots=True)
class RunsOnRow:
    """An offering running on the provider's infrastructure: the offering (None where the
    snapshot lists only its id), what it runs on, and the agencies that authorized it."""

    package_id: str
    offering: str | None
    provider: str | None
    status: str | None
    impact: str | None
    runs_on: str
    runs_on_offering: str
    runs_on_provider: str
    agencies: tuple[str, ...]

    def to_json(self, citation_id: str) -> dict[str, object]:
        """Every field, then the snapshot's citation id."""
        return {
            "package_id": self.package_id,
            "offering": self.offering,
            "provider": self.provider,
            "status": self.status,
            "impact": self.impact,
            "runs_on": self.runs_on,
            "runs_on_offering": self.runs_on_offering,
            "runs_on_provider": self.runs_on_provider,
            "agencies": list(self.agencies),
            "citations": [citation_id],
        }


@dataclass(frozen=True, slots=True)
class RunsOnReport:
    """Offerings that run on a provider's infrastructure (:func:`whosbehind.fedramp_runs_on`)."""

    provider: str
    snapshot: SnapshotRef
    rows: list[RunsOnRow]

    def to_json(self) -> dict[str, object]:
        """The provider, the snapshot, every row citing it."""
        citation = self.snapshot.cite()
        return {
            "provider": self.provider,
            "as_of": self.snapshot.record_time.isoformat(),
            "snapshot": self.snapshot.to_json(),
            "rows": [row.to_json(citation.id) for row in self.rows],
            "citations": [citation.to_json()],
        }


def runs_on_provider(
    engine: Engine, provider: str, as_of: dt.datetime, feed: str = "auto"
) -> RunsOnReport:
    snapshot = choose_snapshot(engine, as_of, feed)
    live = snapshot.live_params()
    offerings = engine.rows(
        "SELECT package_id, name, provider, status, impact FROM fedramp_offering "
        f"WHERE feed = ? AND {LIVE}",
        live,
    )
    by_id = {row["package_id"]: row for row in offerings}
    needle = provider.casefold().strip()
    infrastructure = {pid for pid, row in by_id.items() if needle in row["provider"].casefold()}
    if not infrastructure:
        raise NotFoundError(
            f"no provider matching {provider!r} in the snapshot of {snapshot.record_time.date()}"
        )
    edges = engine.rows(
        f"SELECT package_id, underlying_id FROM fedramp_runs_on WHERE feed = ? AND {LIVE}", live
    )
    agencies = _agencies(engine, live)
    rows = []
    for edge in edges:
        if edge["underlying_id"] not in infrastructure:
            continue
        offering = by_id.get(edge["package_id"], {})
        underlying = by_id[edge["underlying_id"]]
        if needle in str(offering.get("provider", "")).casefold():
            continue  # a provider's own offering on its own infrastructure
        rows.append(
            RunsOnRow(
                edge["package_id"],
                offering.get("name"),
                offering.get("provider"),
                offering.get("status"),
                offering.get("impact"),
                edge["underlying_id"],
                underlying["name"],
                underlying["provider"],
                tuple(agencies.get(edge["package_id"], [])),
            )
        )
    rows.sort(key=lambda row: (str(row.provider).casefold(), row.package_id))
    return RunsOnReport(provider, snapshot, rows)


def _agencies(engine: Engine, live: list[Any]) -> dict[str, list[str]]:
    found = engine.rows(
        "SELECT DISTINCT package_id, agency, subagency FROM fedramp_authorization "
        f"WHERE feed = ? AND {LIVE} ORDER BY agency, subagency",
        live,
    )
    agencies: defaultdict[str, list[str]] = defaultdict(list)
    for row in found:
        name = f"{row['agency']} / {row['subagency']}" if row["subagency"] else row["agency"]
        if name not in agencies[row["package_id"]]:
            agencies[row["package_id"]].append(name)
    return agencies
