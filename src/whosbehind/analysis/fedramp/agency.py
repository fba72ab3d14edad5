"""The FedRAMP side of an agency: the offerings it authorized, as of a record time, and what they
run on.

A contract agency (``7012`` U.S. Immigration and Customs Enforcement under ``070`` Department of
Homeland Security) is matched to the agency and subagency names of the FedRAMP ATO letters
(``Department of Homeland Security`` / ``Immigration and Customs Enforcement``). Names are
compared after normalization (case, punctuation, "&" as "and", a leading "U.S."/"United
States"/"The" dropped), by abbreviation, or by a close spelling (ratio >= 0.92: the feeds hold
"Deparment of Homeland Security" and "Federal Law Enforcement Training Centers"). A subtier
agency takes the letters whose agency is its department and whose subagency is it; a toptier
agency takes every letter whose agency is it, whatever the subagency.

Letters (and initial agency authorizations) are those live in the FedRAMP snapshot that answers
for the record time, dated on or before it; an undated ATO counts as known from the snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from whosbehind.analysis.agencies import AgencySelection, normalize_name, reference_agencies
from whosbehind.analysis.fedramp.feeds import choose_snapshot
from whosbehind.model.citation import Citation
from whosbehind.store.asof import LIVE, SnapshotRef
from whosbehind.store.engine import Engine

_CLOSE = 0.92
_PREFIXES = ("united states ", "department of the ", "dept of ")


@dataclass(frozen=True)
class AgencyNames:
    """The names an agency may carry in FedRAMP letters."""

    department: frozenset[str]  # toptier names and abbreviations, normalized
    subagency: frozenset[str]  # empty: any subagency of the department

    def matches(self, agency: str, subagency: str) -> bool:
        if not _matches(agency, self.department):
            return False
        return not self.subagency or _matches(subagency, self.subagency)


@dataclass
class RunsOnLink:
    underlying_id: str
    name: str | None
    provider: str | None
    citation: Citation
    provider_key: str | None = None
    uei: str | None = None
    owner: str | None = None  # the provider's ultimate parent, where the registry knows it


@dataclass(frozen=True, slots=True)
class AtoLetter:
    """An authorization of an offering in the snapshot: the initial one (JAB P-ATO or agency
    ATO) or one agency's ATO letter, with its dates and its citation."""

    package_id: str
    kind: str
    agency: str
    subagency: str
    letter_date: dt.date | None
    last_sign_date: dt.date | None
    locator: str
    citation: Citation
    expiration_date: dt.date | None = None

    @property
    def date(self) -> dt.date | None:
        """The letter's date, else the date it was last signed; None when undated."""
        return self.letter_date or self.last_sign_date


@dataclass
class AuthorizedOffering:
    """An offering in the snapshot with the ATO letters that count (an agency's: dated on or
    before the valid time; a company's: all of them) and what it runs on."""

    package_id: str
    name: str | None
    provider: str | None
    status: str | None
    impact: str | None
    service_models: str | None
    uei: str | None
    letters: list[AtoLetter]
    runs_on: list[RunsOnLink] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    @classmethod
    def from_row(
        cls, row: dict[str, Any], letters: list[AtoLetter], snapshot: SnapshotRef
    ) -> AuthorizedOffering:
        """The offering as ``offerings_in`` read it, with its ``letters``."""
        return cls(
            row["package_id"],
            row["name"],
            row["provider"],
            row["status"],
            row["impact"],
            row["service_models"],
            row["uei"],
            letters,
            citations=[snapshot.cite(row["locator"])],
        )

    @property
    def first_date(self) -> dt.date | None:
        dates = [d for letter in self.letters if (d := letter.date)]
        return min(dates) if dates else None

    @property
    def latest_date(self) -> dt.date | None:
        dates = [d for letter in self.letters if (d := letter.date)]
        return max(dates) if dates else None

    @property
    def is_infrastructure(self) -> bool:
        return "iaas" in (self.service_models or "").casefold()


@dataclass
class AgencyCloud:
    snapshot: SnapshotRef
    names: AgencyNames
    offerings: list[AuthorizedOffering]
    missing_offerings: list[tuple[str, Citation]]  # letters naming an id the snapshot lacks
    undated_letters: int


def fedramp_names(engine: Engine, selection: AgencySelection) -> AgencyNames:
    agencies = reference_agencies(engine)
    subtiers = [a for a in agencies if a["subtier_code"] in selection.subtier_codes]
    whole = bool(selection.toptier_codes)
    if whole:
        tops = {
            a["toptier_code"]
            for a in agencies
            if selection.toptier_codes & {a["toptier_code"], a["department_id"]}
        }
    else:
        tops = {a["toptier_code"] for a in subtiers}
    department = {
        _norm(value)
        for a in agencies
        if a["toptier_code"] in tops
        for value in (a["toptier_name"], a["toptier_abbreviation"])
        if value
    }
    if not department:  # no agency list: the selection's own label is all there is
        department = {_norm(selection.label.split(" (")[0])}
    subagency: set[str] = set()
    if not whole:
        subagency = {
            _norm(value)
            for a in subtiers
            for value in (a["subtier_name"], a["subtier_abbreviation"])
            if value
        }
        if not subagency:
            subagency = {_norm(selection.label.split(" (")[0])}
    return AgencyNames(frozenset(department), frozenset(subagency))


def agency_cloud(
    engine: Engine,
    selection: AgencySelection,
    as_of: dt.datetime,
    feed: str = "auto",
    valid_at: dt.datetime | None = None,
) -> AgencyCloud:
    """The offerings the agency authorized: the FedRAMP record as of ``as_of`` (record time),
    ATO letters dated on or before ``valid_at`` (valid time; default ``as_of``)."""
    names = fedramp_names(engine, selection)
    snapshot = choose_snapshot(engine, as_of, feed)
    live = snapshot.live_params()
    letters = engine.rows(
        "SELECT package_id, kind, agency, subagency, letter_date, last_sign_date, "
        f"expiration_date, locator FROM fedramp_authorization WHERE feed = ? AND {LIVE}",
        live,
    )
    day = (valid_at or as_of).date()
    chosen: defaultdict[str, list[AtoLetter]] = defaultdict(list)
    undated = 0
    matched: dict[tuple[str, str], bool] = {}
    for row in letters:
        pair = (row["agency"] or "", row["subagency"] or "")
        if pair not in matched:
            matched[pair] = names.matches(*pair)
        if not matched[pair]:
            continue
        date = row["letter_date"] or row["last_sign_date"]
        if date is not None and date > day:
            continue
        undated += date is None
        chosen[row["package_id"]].append(AtoLetter(**row, citation=snapshot.cite(row["locator"])))
    found = offerings_in(engine, snapshot, chosen)
    missing = [
        (package_id, found_letters[0].citation)
        for package_id, found_letters in sorted(chosen.items())
        if package_id not in found
    ]
    offerings = [
        AuthorizedOffering.from_row(
            row,
            sorted(chosen[package_id], key=lambda x: (x.date or dt.date.min, x.kind)),
            snapshot,
        )
        for package_id, row in found.items()
    ]
    attach_runs_on(engine, snapshot, offerings)
    offerings.sort(key=lambda o: (o.first_date or dt.date.max, o.package_id))
    return AgencyCloud(snapshot, names, offerings, missing, undated)


def offerings_in(
    engine: Engine, snapshot: SnapshotRef, package_ids: Any
) -> dict[str, dict[str, Any]]:
    wanted = sorted(package_ids)
    if not wanted:
        return {}
    found = engine.rows(
        "SELECT package_id, name, provider, provider_key, status, impact, service_models, uei, "
        "locator "
        f"FROM fedramp_offering WHERE feed = ? AND {LIVE} AND package_id IN (SELECT unnest(?))",
        [snapshot.feed, snapshot.seq, snapshot.seq, wanted],
    )
    return {row["package_id"]: row for row in found}


def attach_runs_on(
    engine: Engine, snapshot: SnapshotRef, offerings: list[AuthorizedOffering]
) -> None:
    """Fill each offering's ``runs_on`` (what it leverages), with the underlying provider."""
    if not offerings:
        return
    edges = engine.rows(
        "SELECT package_id, underlying_id, locator FROM fedramp_runs_on "
        f"WHERE feed = ? AND {LIVE} AND package_id IN (SELECT unnest(?)) ORDER BY 1, 2",
        [snapshot.feed, snapshot.seq, snapshot.seq, sorted(o.package_id for o in offerings)],
    )
    underlying = offerings_in(engine, snapshot, {edge["underlying_id"] for edge in edges})
    by_id = {o.package_id: o for o in offerings}
    for edge in edges:
        target = underlying.get(edge["underlying_id"], {})
        by_id[edge["package_id"]].runs_on.append(
            RunsOnLink(
                edge["underlying_id"],
                target.get("name"),
                target.get("provider"),
                snapshot.cite(edge["locator"]),
                target.get("provider_key"),
                target.get("uei"),
            )
        )


def _norm(text: str) -> str:
    words = normalize_name(text)
    for prefix in _PREFIXES:
        if words.startswith(prefix):
            words = words[len(prefix) :]
    return words


def _matches(text: str, wanted: frozenset[str]) -> bool:
    value = _norm(text)
    if not value:
        return False
    if value in wanted:
        return True
    return any(SequenceMatcher(None, value, name).ratio() >= _CLOSE for name in wanted)
