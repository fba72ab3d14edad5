"""The FedRAMP side of a company: its offerings as of a record time, what they run on, and the
other providers' offerings that run on them (its infrastructure's customers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whosbehind.analysis.fedramp.agency import (
    AtoLetter,
    AuthorizedOffering,
    RunsOnLink,
    attach_runs_on,
    offerings_in,
)
from whosbehind.analysis.fedramp.feeds import choose_snapshot
from whosbehind.model.citation import Citation
from whosbehind.store.asof import LIVE, SnapshotRef
from whosbehind.store.engine import Engine

Owns = Callable[[str | None, str, str | None, dt.date], bool]


@dataclass
class Dependent:
    """Another provider's offering that runs on one of the company's."""

    package_id: str
    name: str | None
    provider: str | None
    status: str | None
    runs_on: RunsOnLink
    citations: list[Citation]


@dataclass
class CompanyCloud:
    snapshot: SnapshotRef
    offerings: list[AuthorizedOffering]  # ``letters``: every ATO of the offering
    dependents: list[Dependent]


def company_cloud(
    engine: Engine,
    owns: Owns,
    as_of: dt.datetime,
    feed: str = "auto",
    valid_at: dt.datetime | None = None,
) -> CompanyCloud:
    """The company's offerings: the FedRAMP record as of ``as_of`` (record time), owned and
    authorized on ``valid_at`` (valid time; default ``as_of``)."""
    snapshot = choose_snapshot(engine, as_of, feed)
    live = snapshot.live_params()
    everything = engine.rows(
        "SELECT package_id, provider, provider_key, uei FROM fedramp_offering "
        f"WHERE feed = ? AND {LIVE}",
        live,
    )
    day = (valid_at or as_of).date()
    own_ids = {
        row["package_id"]
        for row in everything
        if owns(row["provider"], row["provider_key"], row["uei"], day)
    }
    found = offerings_in(engine, snapshot, own_ids)
    letters = _letters(engine, snapshot, own_ids, day)
    offerings = [
        AuthorizedOffering.from_row(row, letters.get(package_id, []), snapshot)
        for package_id, row in sorted(found.items())
    ]
    attach_runs_on(engine, snapshot, offerings)
    return CompanyCloud(snapshot, offerings, _dependents(engine, snapshot, own_ids, found))


def _letters(
    engine: Engine, snapshot: SnapshotRef, package_ids: set[str], day: dt.date
) -> dict[str, list[AtoLetter]]:
    found = engine.rows(
        "SELECT package_id, kind, agency, subagency, letter_date, last_sign_date, locator "
        f"FROM fedramp_authorization WHERE feed = ? AND {LIVE} "
        "AND package_id IN (SELECT unnest(?)) AND coalesce(letter_date, last_sign_date, ?) <= ? "
        "ORDER BY package_id, coalesce(letter_date, last_sign_date), agency, subagency",
        [snapshot.feed, snapshot.seq, snapshot.seq, sorted(package_ids), day, day],
    )
    letters: dict[str, list[AtoLetter]] = {}
    for row in found:
        letter = AtoLetter(**row, citation=snapshot.cite(row["locator"]))
        letters.setdefault(letter.package_id, []).append(letter)
    return letters


def _dependents(
    engine: Engine, snapshot: SnapshotRef, own_ids: set[str], own: dict[str, dict[str, Any]]
) -> list[Dependent]:
    if not own_ids:
        return []
    edges = engine.rows(
        "SELECT package_id, underlying_id, locator FROM fedramp_runs_on "
        f"WHERE feed = ? AND {LIVE} AND underlying_id IN (SELECT unnest(?)) ORDER BY 1, 2",
        [snapshot.feed, snapshot.seq, snapshot.seq, sorted(own_ids)],
    )
    others = offerings_in(engine, snapshot, {e["package_id"] for e in edges} - own_ids)
    found = []
    for edge in edges:
        if edge["package_id"] not in others:
            continue  # its own offering on its own infrastructure, or not in this snapshot
        row = others[edge["package_id"]]
        target = own.get(edge["underlying_id"], {})
        link = RunsOnLink(
            edge["underlying_id"],
            target.get("name"),
            target.get("provider"),
            snapshot.cite(edge["locator"]),
        )
        found.append(
            Dependent(
                row["package_id"],
                row["name"],
                row["provider"],
                row["status"],
                link,
                [snapshot.cite(row["locator"]), link.citation],
            )
        )
    found.sort(key=lambda d: (str(d.provider).casefold(), d.package_id))
    return found
