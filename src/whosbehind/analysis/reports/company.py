"""What a company does for the government: the agencies it serves, its money per fiscal year,
its largest awards, its FedRAMP offerings and what they run on, what runs on its
infrastructure, and its parent and subsidiaries.

``company_report`` gathers the facts (which records are the company: ``company_identity``);
``company_document.company_document`` lays them out, cited, for the renderers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from whosbehind.analysis.agencies import agency_names
from whosbehind.analysis.fedramp.company import CompanyCloud, company_cloud
from whosbehind.analysis.reports.company_identity import CompanyIdentity, candidates, identify
from whosbehind.analysis.reports.coverage import MissingYears, missing_years, unidentified
from whosbehind.analysis.reports.money import (
    AwardLine,
    Condition,
    Group,
    Line,
    award_lines,
    fetch_lines,
    group_lines,
    loaded_fiscal_years,
    owner_key,
)
from whosbehind.analysis.reports.rollup import (
    RegistryRollup,
    ReportedParentRollup,
    Rollup,
    display_name,
)
from whosbehind.analysis.reports.splits import Split, involving, splits
from whosbehind.errors import NotFoundError
from whosbehind.model.timeutil import now_utc
from whosbehind.store.engine import Engine

COMPANY = "\x00company"  # the company's own part of a split (no owner key looks like it)


@dataclass
class CompanyReport:
    """The figures of a company report (see :func:`whosbehind.company_report`); ``as_of`` is the
    contracts' record time, ``cloud_as_of`` the FedRAMP one."""

    identity: CompanyIdentity
    as_of: dt.datetime | None  # record time of the contract data (None: the newest)
    total: Decimal
    lines: int
    per_year: list[Group]
    agencies: list[Group]
    agency_names: dict[str, str]
    recipients: list[Group]  # recipient names as reported, with their money
    awards: list[AwardLine]
    award_count: int
    cloud: CompanyCloud | None
    cloud_as_of: dt.datetime
    valid_at: dt.datetime  # ownership and authorizations on this date
    cloud_missing: str | None
    missing: MissingYears
    unidentified: list[Group]
    # its recipients whose other actions counted under other owners (``reports.splits``)
    splits: list[Split] = field(default_factory=list)
    snapshots: set[tuple[str, int]] = field(default_factory=set)

    @property
    def not_counted(self) -> Decimal:
        """Money of the recipients rolled into it that is not in ``total`` (other owners')."""
        return sum(
            (part.amount for split in self.splits for part in split.outside(COMPANY)), Decimal(0)
        )


def company_report(
    engine: Engine,
    text: str,
    as_of: dt.datetime | None = None,
    top: int = 10,
    feed: str = "auto",
    contracts_as_of: dt.datetime | None = None,
    valid_at: dt.datetime | None = None,
) -> CompanyReport:
    """``as_of`` is the record time of the cloud section (default now); ownership and
    authorizations are those on ``valid_at`` (valid time, default ``as_of``). Contract money
    is what the newest records say (or the records as of ``contracts_as_of``)."""
    cloud_as_of = as_of or now_utc()
    on = (valid_at or cloud_as_of).date()  # ownership and authorizations: valid time
    as_of = contracts_as_of
    first = candidates(text)
    lines = fetch_lines(engine, first.condition(engine), as_of)
    identity = identify(engine, text, lines, on)
    if identity.rollup is not None:
        lines = fetch_lines(engine, identity.condition(engine), as_of)
    elif not any(identity.owns(line) for line in lines):
        # the name prefilter missed every spelling (its key's words are not the record's:
        # "&" is "and" in a key): read every line, once
        lines = fetch_lines(engine, ("true", []), as_of)
        identity = identify(engine, text, lines, on)
    fetched = lines
    lines = [line for line in fetched if identity.owns(line)]
    agencies = group_lines(lines, lambda line: (line.agency_code or "-",) * 2)
    by_award = group_lines(lines, lambda line: (line.award_key, line.award_key))
    cloud: CompanyCloud | None = None
    cloud_missing = None
    try:
        cloud = company_cloud(engine, identity.owns_provider, cloud_as_of, feed, valid_at)
    except NotFoundError as error:
        cloud_missing = str(error)
    if not lines and (cloud is None or not cloud.offerings):
        raise NotFoundError(f"no contract recipient, parent or FedRAMP provider matches {text!r}")
    years = sorted({line.fiscal_year for line in lines})
    return CompanyReport(
        identity=identity,
        as_of=as_of,
        total=sum((line.amount for line in lines), Decimal(0)),
        lines=len(lines),
        per_year=group_lines(lines, lambda line: (str(line.fiscal_year),) * 2, order="key"),
        agencies=agencies[:top],
        agency_names=agency_names(engine, [g.key for g in agencies[:top] if g.key != "-"]),
        recipients=group_lines(
            lines, lambda line: (line.statement.own_key, display_name(line.statement.name))
        ),
        awards=award_lines(engine, lines, [g.key for g in by_award[:top]], as_of),
        award_count=len(by_award),
        cloud=cloud,
        cloud_as_of=cloud_as_of,
        valid_at=valid_at or cloud_as_of,
        cloud_missing=cloud_missing,
        missing=missing_years(
            (years[0], years[-1]) if years else (None, None),
            loaded_fiscal_years(engine, as_of) if years else set(),
            years,
        ),
        unidentified=unidentified(lines),
        splits=_splits(engine, identity, fetched, lines, as_of),
        snapshots={line.snapshot for line in lines},
    )


def _splits(
    engine: Engine,
    identity: CompanyIdentity,
    fetched: list[Line],
    owned: list[Line],
    as_of: dt.datetime | None,
) -> list[Split]:
    """The recipients rolled into the company whose other actions (on dates they were not its,
    or reporting another parent) counted under another owner, with where they went."""
    members = {line.statement.own_key for line in owned}
    if not members:
        return []
    if identity.rollup is None:  # the name prefilter may have missed their other spellings
        fetched = fetch_lines(engine, _members_condition(owned), as_of)
    rollup: Rollup = (
        RegistryRollup(identity.rollup) if identity.rollup is not None else ReportedParentRollup()
    )
    elsewhere = owner_key(rollup)

    def owner(line: Line) -> tuple[str, str]:
        return (COMPANY, identity.name) if identity.owns(line) else elsewhere(line)

    return involving(
        splits((line for line in fetched if line.statement.own_key in members), owner), COMPANY
    )


def _members_condition(owned: list[Line]) -> Condition:
    """Lines naming any recipient of ``owned``: by its names as written, DUNS or UEI."""
    tests, params = [], []
    for column, values in (
        ("recipient_name", {line.statement.name for line in owned if line.statement.name}),
        ("recipient_duns", {line.statement.duns for line in owned if line.statement.duns}),
        ("recipient_uei", {line.statement.uei for line in owned if line.statement.uei}),
    ):
        if values:  # an empty list matches no line, and testing it costs a pass over the store
            tests.append(f"l.{column} IN (SELECT unnest(?))")
            params.append(sorted(values))
    return ("(" + " OR ".join(tests) + ")" if tests else "false"), params
