"""An ``AgencyReport`` laid out as a cited ``Document``: every row and note names its sources."""

from __future__ import annotations

from whosbehind.analysis.fedramp.agency import AgencyCloud
from whosbehind.analysis.reports.agency import AgencyReport
from whosbehind.analysis.reports.cited import (
    AWARD_COLUMNS,
    FORMATS,
    Cited,
    award_row,
    letter_text,
)
from whosbehind.analysis.reports.contractor_clouds import ContractorClouds
from whosbehind.analysis.reports.coverage import total
from whosbehind.analysis.reports.money import AwardLine, Group
from whosbehind.analysis.reports.sections import (
    Cell,
    CitationBook,
    Document,
    Note,
    Row,
    Section,
    date_text,
    money,
    percent,
    valid_note,
)
from whosbehind.analysis.reports.splits import Split, part_text
from whosbehind.store.engine import Engine

_MEMBERS = 4
_PIIDS = 5


def agency_document(report: AgencyReport, engine: Engine) -> Document:
    book = CitationBook()
    cited = Cited(engine, report.snapshots, book)
    label = report.selection.label
    everything = cited.all()
    facts = [
        Note(f"Agency: {label}"),
        Note(
            "Contracts as recorded "
            + (f"on {date_text(report.as_of)}" if report.as_of else "in the newest records")
            + f"; fiscal years {_years(report)}; cloud as of {date_text(report.cloud_as_of)}"
            + valid_note(report.cloud_as_of, report.valid_at, "ATOs and owners")
        ),
        Note(
            f"Obligated: {money(report.total)} in {report.lines} actions on "
            f"{report.award_count} awards, {report.supplier_count} suppliers",
            everything,
        ),
        Note(
            f"Concentration of spending by supplier (rolled up): HHI "
            f"{_hhi(report.hhi)}, CR4 {percent(report.cr4)}",
            everything,
        ),
        Note(f"Roll-up: {report.rollup.split(':')[0]} (see the coverage notes)"),
    ]
    sections = [
        _per_year(report, cited),
        _suppliers("suppliers", "Suppliers, rolled up to their owners", report.suppliers, cited),
        _suppliers(
            "it-suppliers",
            f"Software and IT suppliers (IT product and service codes: {money(report.it_total)})",
            report.it_suppliers,
            cited,
        ),
        _supplier_awards(report, cited),
        _awards("awards", "Largest awards", report.awards, cited),
        _codes("psc", "What was bought: product and service codes (PSC)", report, cited),
        _codes("naics", "What was bought: industries (NAICS)", report, cited),
    ]
    if report.cloud is not None:
        sections += [_cloud(report.cloud, book), _infrastructure(report.cloud, book)]
    if report.contractor_clouds is not None:
        sections.append(_contractor_clouds(report.contractor_clouds, book))
    return Document(
        f"Who is behind {label}",
        facts,
        sections,
        _coverage(report, cited),
        book.by_id,
    )


def _years(report: AgencyReport) -> str:
    years = [int(g.key) for g in report.per_year]
    first = report.fiscal_years[0] or (min(years) if years else None)
    last = report.fiscal_years[1] or (max(years) if years else None)
    return f"FY{first}-FY{last}" if first and last else "none loaded"


def _hhi(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _per_year(report: AgencyReport, cited: Cited) -> Section:
    return Section(
        "money",
        "Money per fiscal year",
        ["fiscal year", "obligated", "share", "awards", "actions"],
        [
            Row(
                [f"FY{g.key}", g.amount, g.share, g.awards, g.lines],
                cited.group(g),
            )
            for g in report.per_year
        ],
        formats=FORMATS,
    )


def _members(group: Group) -> str:
    names = sorted(group.members.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = "; ".join(name for name, _ in names[:_MEMBERS])
    return shown + (f"; and {len(names) - _MEMBERS} more" if len(names) > _MEMBERS else "")


def _suppliers(key: str, title: str, groups: list[Group], cited: Cited) -> Section:
    return Section(
        key,
        title,
        ["#", "supplier", "obligated", "share", "awards", "recipients rolled in"],
        [
            Row(
                [i, g.name, g.amount, g.share, g.awards, _members(g)],
                cited.group(g),
            )
            for i, g in enumerate(groups, 1)
        ],
        formats=FORMATS,
    )


def _awards(key: str, title: str, awards: list[AwardLine], cited: Cited) -> Section:
    return Section(
        key, title, list(AWARD_COLUMNS), [award_row(a, cited) for a in awards], formats=FORMATS
    )


def _supplier_awards(report: AgencyReport, cited: Cited) -> Section:
    rows = [
        award_row(award, cited, group.name)
        for group in report.it_suppliers
        for award in report.supplier_awards.get(group.key, [])[:_PIIDS]
    ]
    return Section(
        "supplier-awards",
        "Awards of the software and IT suppliers (IT actions, up to five per supplier)",
        ["supplier", *AWARD_COLUMNS],
        rows,
        formats=FORMATS,
    )


def _codes(key: str, title: str, report: AgencyReport, cited: Cited) -> Section:
    groups = report.psc if key == "psc" else report.naics
    names = report.code_names[key]
    return Section(
        key,
        title,
        ["code", "category", "obligated", "share", "awards"],
        [
            Row(
                [g.key, names.get(g.key, ""), g.amount, g.share, g.awards],
                cited.group(g),
            )
            for g in groups
        ],
        formats=FORMATS,
    )


def _cloud(cloud: AgencyCloud, book: CitationBook) -> Section:
    rows = []
    for offering in cloud.offerings:
        letters = offering.letters
        dates = ", ".join(letter_text(letter) for letter in letters)
        rows.append(
            Row(
                [
                    offering.package_id,
                    offering.name,
                    offering.provider,
                    offering.status,
                    offering.impact,
                    offering.first_date,
                    dates,
                ],
                book.add([*offering.citations, *(letter.citation for letter in letters)]),
            )
        )
    snapshot = cloud.snapshot
    return Section(
        "cloud",
        f"Cloud offerings it authorized (FedRAMP {snapshot.feed} snapshot of "
        f"{date_text(snapshot.record_time)})",
        ["package id", "offering", "provider", "status", "impact", "first ATO", "ATOs"],
        rows,
        [Note("Snapshot", book.add([snapshot.cite()]))],
    )


def _infrastructure(cloud: AgencyCloud, book: CitationBook) -> Section:
    links = [(offering, link) for offering in cloud.offerings for link in offering.runs_on]
    # the registry names the infrastructure provider's ultimate parent (as of the cloud date)
    owned = any(link.owner for _, link in links)
    rows = []
    for offering, link in links:
        cells: list[Cell] = [
            offering.name,
            offering.provider,
            link.underlying_id,
            link.name,
            link.provider,
        ]
        if owned:
            cells.append(link.owner or "")
        rows.append(Row(cells, book.add([link.citation])))
    columns = ["offering", "provider", "runs on", "infrastructure", "infrastructure provider"]
    return Section(
        "infrastructure",
        "What those offerings run on",
        columns + (["its owner (registry)"] if owned else []),
        rows,
    )


def _contractor_clouds(found: ContractorClouds, book: CitationBook) -> Section:
    rows = []
    for item in found.offerings:
        offering = item.offering
        runs_on = "; ".join(
            f"{link.name or link.underlying_id} ({link.owner or link.provider or '?'})"
            for link in offering.runs_on
        )
        rows.append(
            Row(
                [
                    item.supplier,
                    offering.package_id,
                    offering.name,
                    offering.provider,
                    offering.status,
                    offering.impact,
                    runs_on,
                ],
                book.add([*offering.citations, *(link.citation for link in offering.runs_on)]),
            )
        )
    snapshot = found.snapshot
    return Section(
        "contractor-clouds",
        f"Clouds under its contractors: the FedRAMP offerings of its suppliers, largest "
        f"first (FedRAMP {snapshot.feed} snapshot of {date_text(snapshot.record_time)})",
        ["supplier", "package id", "offering", "provider", "status", "impact", "runs on"],
        rows,
        [
            Note(
                "Each provider is rolled up by the organization registry to its ultimate "
                "parent, as the suppliers are; runs on: the infrastructure (its owner)",
                book.add([snapshot.cite()]),
            )
        ],
    )


def _coverage(report: AgencyReport, cited: Cited) -> list[Note]:
    notes = []
    missing = report.missing
    if missing.not_loaded:
        notes.append(
            Note(
                "Fiscal years not in the loaded contract data: "
                + ", ".join(f"FY{y}" for y in missing.not_loaded)
            )
        )
    if missing.without_lines:
        notes.append(
            Note(
                "Fiscal years loaded but without any action of this agency: "
                + ", ".join(f"FY{y}" for y in missing.without_lines)
            )
        )
    if not report.per_year:
        notes.append(Note("No contract money of this agency in the loaded records"))
    elif not missing.not_loaded and not missing.without_lines:
        notes.append(Note(f"Every fiscal year of {_years(report)} is in the loaded data"))
    if report.unidentified:
        names = ", ".join(g.name for g in report.unidentified[:_MEMBERS])
        notes.append(
            Note(
                f"{money(total(report.unidentified))} went to {len(report.unidentified)} "
                f"recipients with neither DUNS nor UEI (known by name only: {names})",
                cited.groups(report.unidentified),
            )
        )
    else:
        notes.append(Note("Every recipient of this money has a DUNS or UEI"))
    if report.resellers:
        names = ", ".join(f"{g.name} {money(g.amount)}" for g in report.resellers[:_MEMBERS])
        notes.append(
            Note(
                f"{money(total(report.resellers))} of IT (PSC 70xx, 7A-7K, D3xx, DA-DK) was "
                "bought from recipients whose action's NAICS is wholesale or retail trade "
                "(42xxxx wholesale; 443120, 443142 computer and electronics stores; 454110 "
                "electronic shopping): resellers; the software's maker is not in the record "
                f"({names})",
                cited.groups(report.resellers),
            )
        )
    if report.cloud is None:
        notes.append(Note(f"No FedRAMP data: {report.cloud_missing}"))
    else:
        notes += _cloud_coverage(report.cloud, cited.book)
    notes += _split_notes(report, cited)
    notes.append(Note(f"Suppliers rolled up by {report.rollup}"))
    return notes


def _split_notes(report: AgencyReport, cited: Cited) -> list[Note]:
    """Recipients whose actions count under two owners or more: with them, every owner's total
    plus its recipients' parts under other owners is the sum of their actions."""
    if not report.splits:
        return [
            Note(
                "Every recipient's actions count under one owner: each supplier's total is the "
                "sum of the actions of the recipients rolled into it"
            )
        ]
    notes = [
        Note(
            f"{len(report.splits)} recipients have actions under more than one owner "
            "(ownership is dated: an action counts under its recipient's owner on the action's "
            "date), so a supplier's total leaves out its recipients' actions listed here under "
            "other owners"
        )
    ]
    for split in report.splits:
        notes.append(Note(_split_text(split), cited.of(_snapshots(split))))
    if report.it_splits and _parts(report.it_splits) != _parts(report.splits):
        notes.append(
            Note(
                "Of the IT actions (the software and IT suppliers table): "
                + " | ".join(_split_text(split) for split in report.it_splits),
                cited.of(s for split in report.it_splits for s in _snapshots(split)),
            )
        )
    return notes


def _split_text(split: Split) -> str:
    return f"{split.recipient}: " + "; ".join(part_text(part) for part in split.parts)


def _snapshots(split: Split) -> set[tuple[str, int]]:
    return {s for part in split.parts for s in part.snapshots}


def _parts(found: list[Split]) -> list[tuple[str, str, object]]:
    return [(s.recipient_key, p.owner_key, p.amount) for s in found for p in s.parts]


def _cloud_coverage(cloud: AgencyCloud, book: CitationBook) -> list[Note]:
    notes = [
        Note(
            f"FedRAMP letters matched by agency name: department {sorted(cloud.names.department)}"
            + (f", subagency {sorted(cloud.names.subagency)}" if cloud.names.subagency else "")
        )
    ]
    no_uei = [o for o in cloud.offerings if not o.uei]
    if no_uei:
        notes.append(
            Note(
                f"{len(no_uei)} of {len(cloud.offerings)} offerings carry no UEI in this "
                "snapshot: they cannot be tied to a contract recipient by identifier",
                book.add([c for o in no_uei for c in o.citations]),
            )
        )
    no_runs = [o for o in cloud.offerings if not o.runs_on and not o.is_infrastructure]
    if no_runs:
        notes.append(
            Note(
                "No runs-on data for "
                + ", ".join(f"{o.package_id} {o.name}" for o in no_runs)
                + " (the record does not say what they run on)",
                book.add([c for o in no_runs for c in o.citations]),
            )
        )
    if cloud.missing_offerings:
        notes.append(
            Note(
                "ATO letters naming offerings the snapshot does not list: "
                + ", ".join(package_id for package_id, _ in cloud.missing_offerings),
                book.add([c for _, c in cloud.missing_offerings]),
            )
        )
    if cloud.undated_letters:
        notes.append(
            Note(
                f"{cloud.undated_letters} ATOs carry no date in this snapshot (known from the "
                "snapshot's own date)"
            )
        )
    return notes
