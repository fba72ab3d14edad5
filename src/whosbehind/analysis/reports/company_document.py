"""A ``CompanyReport`` laid out as a cited ``Document``."""

from __future__ import annotations

from decimal import Decimal

from whosbehind.analysis.fedramp.company import CompanyCloud
from whosbehind.analysis.reports.cited import (
    AWARD_COLUMNS,
    FORMATS,
    Cited,
    award_row,
    letter_text,
)
from whosbehind.analysis.reports.company import COMPANY, CompanyReport
from whosbehind.analysis.reports.company_identity import Relation
from whosbehind.analysis.reports.coverage import total
from whosbehind.analysis.reports.sections import (
    CitationBook,
    Document,
    Note,
    Row,
    Section,
    date_text,
    money,
    valid_note,
)
from whosbehind.analysis.reports.splits import part_text
from whosbehind.store.engine import Engine

_DEPENDENTS = 40
_LETTERS = 6


def company_document(report: CompanyReport, engine: Engine, top: int = 10) -> Document:
    book = CitationBook()
    elsewhere = {s for split in report.splits for p in split.parts for s in p.snapshots}
    cited = Cited(engine, report.snapshots | elsewhere, book)
    identity = report.identity
    facts = [
        Note(f"Company: {identity.name} (asked: {identity.query})"),
        Note(
            "Contracts as recorded "
            + (f"on {date_text(report.as_of)}" if report.as_of else "in the newest records")
            + f"; ownership and cloud as of {date_text(report.cloud_as_of)}"
            + valid_note(report.cloud_as_of, report.valid_at, "ownership and ATOs")
        ),
        Note(
            f"Obligated to it: {money(report.total)} in {report.lines} actions on "
            f"{report.award_count} awards"
            + (
                f" (and {money(report.not_counted)} of its recipients' actions under other "
                "owners on their dates: see the coverage notes)"
                if report.splits
                else ""
            ),
            cited.of(report.snapshots),
        ),
    ]
    sections = [
        _relations("parents", "Parent (as of the actions that report it)", identity.parents, cited),
        _relations("subsidiaries", "Subsidiaries", identity.subsidiaries, cited),
        _per_year(report, cited),
        Section(
            "agencies",
            "Agencies served",
            ["code", "agency", "obligated", "share", "awards"],
            [
                Row(
                    [
                        g.key,
                        report.agency_names.get(g.key, ""),
                        g.amount,
                        g.share,
                        g.awards,
                    ],
                    cited.group(g),
                )
                for g in report.agencies
            ],
            formats=FORMATS,
        ),
        Section(
            "recipients",
            "Recipients rolled into it (names as reported)",
            ["recipient", "obligated", "share", "awards"],
            [Row([g.name, g.amount, g.share, g.awards], cited.group(g)) for g in report.recipients],
            formats=FORMATS,
        ),
        Section(
            "awards",
            "Largest awards",
            list(AWARD_COLUMNS),
            [award_row(a, cited) for a in report.awards],
            formats=FORMATS,
        ),
    ]
    if report.cloud is not None:
        sections += _cloud(report.cloud, book)
    return Document(
        f"What {identity.name} does for the government",
        facts,
        sections,
        _coverage(report, cited),
        book.by_id,
    )


def _relations(key: str, title: str, relations: list[Relation], cited: Cited) -> Section:
    return Section(
        key,
        title,
        ["organization", "from", "to", "basis"],
        [
            Row(
                [r.name, r.first, r.last, r.basis],
                cited.book.add(cited.files[s] for s in sorted(r.snapshots) if s in cited.files),
            )
            for r in relations
        ],
        empty="none in the records",
    )


def _per_year(report: CompanyReport, cited: Cited) -> Section:
    return Section(
        "money",
        "Money per fiscal year",
        ["fiscal year", "obligated", "share", "awards", "actions"],
        [
            Row([f"FY{g.key}", g.amount, g.share, g.awards, g.lines], cited.group(g))
            for g in report.per_year
        ],
        formats=FORMATS,
    )


def _cloud(cloud: CompanyCloud, book: CitationBook) -> list[Section]:
    when = f"FedRAMP {cloud.snapshot.feed} snapshot of {date_text(cloud.snapshot.record_time)}"
    offerings = Section(
        "cloud",
        f"Its cloud offerings ({when})",
        ["package id", "offering", "status", "impact", "ATOs", "first ATOs"],
        [
            Row(
                [
                    o.package_id,
                    o.name,
                    o.status,
                    o.impact,
                    len(o.letters),
                    "; ".join(
                        f"{letter.agency} {letter.subagency}".strip() + f" ({letter_text(letter)})"
                        for letter in o.letters[:_LETTERS]
                    ),
                ],
                book.add([*o.citations, *(letter.citation for letter in o.letters)]),
            )
            for o in cloud.offerings
        ],
        [Note("Snapshot", book.add([cloud.snapshot.cite()]))],
        empty="no FedRAMP offering of this company in the snapshot",
    )
    runs_on = Section(
        "infrastructure",
        "What its offerings run on",
        ["offering", "runs on", "infrastructure", "infrastructure provider"],
        [
            Row([o.name, link.underlying_id, link.name, link.provider], book.add([link.citation]))
            for o in cloud.offerings
            for link in o.runs_on
        ],
    )
    dependents = Section(
        "runs-on-it",
        "Other providers' offerings that run on its infrastructure",
        ["package id", "offering", "provider", "status", "runs on"],
        [
            Row(
                [d.package_id, d.name, d.provider, d.status, d.runs_on.name],
                book.add(d.citations),
            )
            for d in cloud.dependents[:_DEPENDENTS]
        ],
        empty="none in the snapshot",
    )
    if len(cloud.dependents) > _DEPENDENTS:
        dependents.notes.append(
            Note(
                f"... and {len(cloud.dependents) - _DEPENDENTS} more (--json lists the first "
                f"{_DEPENDENTS}; `whosbehind fedramp runs-on` lists them all)"
            )
        )
    return [offerings, runs_on, dependents]


def _coverage(report: CompanyReport, cited: Cited) -> list[Note]:
    notes = [Note(f"Records matched {report.identity.method}")]
    if report.missing.not_loaded:
        notes.append(
            Note(
                "Fiscal years not in the loaded contract data within its span: "
                + ", ".join(f"FY{y}" for y in report.missing.not_loaded)
            )
        )
    notes += _split_notes(report, cited)
    if report.unidentified:
        notes.append(
            Note(
                f"{money(total(report.unidentified))} went to recipient names with neither DUNS "
                "nor UEI: matched by name only",
                cited.groups(report.unidentified),
            )
        )
    if report.cloud is None:
        notes.append(Note(f"No FedRAMP data: {report.cloud_missing}"))
    else:
        no_uei = [o for o in report.cloud.offerings if not o.uei]
        if no_uei:
            notes.append(
                Note(
                    f"{len(no_uei)} of its {len(report.cloud.offerings)} offerings carry no UEI: "
                    "tied to the company by provider name only",
                    cited.book.add([c for o in no_uei for c in o.citations]),
                )
            )
        if not report.identity.rollup:
            notes.append(
                Note(
                    "Ownership of the infrastructure providers is as the FedRAMP record names "
                    "them (no registry: not rolled up to parents)"
                )
            )
    return notes


def _split_notes(report: CompanyReport, cited: Cited) -> list[Note]:
    """Every action of a recipient rolled into the company that is not in its total."""
    if not report.splits:
        return []
    name = report.identity.name
    everything = report.total + report.not_counted
    notes = [
        Note(
            f"Not in its total: {money(report.not_counted)} of the recipients rolled into it, "
            f"on actions that roll up to another owner than {name} (ownership is dated: an "
            "action counts under the owner of its recipient on the action's date, as the "
            "registry or the parent the action reports says); every action of those "
            f"recipients: {money(everything)} = {money(report.total)} + "
            f"{money(report.not_counted)}"
        )
    ]
    for split in report.splits:
        outside = split.outside(COMPANY)
        here = sum((p.amount for p in split.parts if p.owner_key == COMPANY), Decimal(0))
        notes.append(
            Note(
                f"{split.recipient}: "
                + "; ".join(part_text(part) for part in outside)
                + f"; {money(here)} of its actions count here",
                cited.of(s for part in outside for s in part.snapshots),
            )
        )
    return notes
