"""Parse one page of the FPDS ATOM feed into Award, Transaction and Quarantined records.

Each ``<entry>`` is one contract action (a base award or a modification). A page yields one
Transaction per readable entry and one Award per award key: the entry with the latest signed
date (a later entry wins a tie), since every entry repeats the award's totals as of its
action. ``next_url`` is the ``<link rel="next">`` to follow for the next page, None on the last.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

from whosbehind.errors import SnapshotError
from whosbehind.model.contracts import Award, ContractRecord, Quarantined
from whosbehind.sources.fpds.atom_entry import BadElement, Document, read_document
from whosbehind.sources.fpds.metadata import ATOM_NAMESPACE, FPDS_NAMESPACE

_ATOM = f"{{{ATOM_NAMESPACE}}}"
_FPDS = f"{{{FPDS_NAMESPACE}}}"
FEED_CHILDREN = frozenset({"title", "link", "modified", "updated", "author", "id", "entry"})
ENTRY_CHILDREN = frozenset(
    {"title", "link", "modified", "updated", "id", "content", "author", "summary", "published"}
)
AWARD_SECTIONS = frozenset(
    {
        "awardID", "relevantContractDates", "dollarValues", "totalDollarValues",
        "purchaserInformation", "contractMarketingData", "contractData", "legislativeMandates",
        "placeOfPerformance", "productOrServiceInformation", "vendor", "competition",
        "preferencePrograms", "transactionInformation", "genericTags",
    }
)  # fmt: skip
IDV_SECTIONS = (AWARD_SECTIONS - {"awardID"}) | {"contractID"}
_EXCERPT_LIMIT = 240


@dataclass(slots=True)
class FeedPage:
    """What one feed page held. ``skipped`` counts entries that are no award or IDV;
    ``unknown_fields`` counts unexpected elements by path (``award.newSection``)."""

    records: list[ContractRecord] = field(default_factory=list)
    next_url: str | None = None
    entries: int = 0
    skipped: int = 0
    unknown_fields: dict[str, int] = field(default_factory=dict)
    modified: dt.datetime | None = None  # the newest entry's <modified> (UTC): the page's date

    def count_unknown(self, where: str, element: ET.Element, known: frozenset[str]) -> None:
        for child in element:
            name = _local(child.tag)
            if name not in known:
                path = f"{where}.{name}"
                self.unknown_fields[path] = self.unknown_fields.get(path, 0) + 1


def parse_feed(data: bytes | str, locator: str) -> FeedPage:
    """Records of one feed page. Raises SnapshotError when it is no ATOM feed at all."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        # defusedxml: no DTD, so no entity expansion (billion laughs) and no external
        # references, whatever the document's encoding
        root = defused.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException:
        reason = "declares a DTD; refused (entities and external references are never expanded)"
        raise SnapshotError(locator, reason) from None
    except ET.ParseError as error:
        raise SnapshotError(locator, f"not XML: {error}") from None
    if root.tag != f"{_ATOM}feed":
        raise SnapshotError(locator, f"not an ATOM feed: root element {root.tag}")
    page = FeedPage(next_url=_link(root, "next"))
    page.count_unknown("feed", root, FEED_CHILDREN)
    latest: dict[str, tuple[dt.date, Award]] = {}
    for position, entry in enumerate(root.iterfind(f"{_ATOM}entry"), start=1):
        page.entries += 1
        page.count_unknown("entry", entry, ENTRY_CHILDREN)
        modified = _modified(entry)
        if modified is not None and (page.modified is None or modified > page.modified):
            page.modified = modified
        _read_entry(page, entry, position, locator, latest)
    page.records.extend(award for _, award in latest.values())
    return page


def _read_entry(
    page: FeedPage,
    entry: ET.Element,
    position: int,
    locator: str,
    latest: dict[str, tuple[dt.date, Award]],
) -> None:
    content = entry.find(f"{_ATOM}content")
    document = next(
        (child for child in (content if content is not None else []) if _is_document(child)),
        None,
    )
    if document is None:
        page.skipped += 1
        return
    is_idv = _local(document.tag) == "IDV"
    page.count_unknown(
        "IDV" if is_idv else "award", document, IDV_SECTIONS if is_idv else AWARD_SECTIONS
    )
    doc = Document(document)
    try:
        award, transaction = read_document(doc, is_idv, f"{locator}#entry[{position}]")
    except BadElement as bad:
        ids = "contractID/IDVID" if is_idv else "awardID/awardContractID"
        excerpt = (
            f"PIID={doc.text(f'{ids}/PIID')!r}; modNumber={doc.text(f'{ids}/modNumber')!r}; "
            f"{bad.path}={doc.text(bad.path)!r}"
        )
        page.records.append(
            Quarantined(locator, position, bad.path, bad.reason, excerpt[:_EXCERPT_LIMIT])
        )
        return
    page.records.append(transaction)
    previous = latest.get(award.award_key)
    if previous is None or transaction.action_date >= previous[0]:
        latest[award.award_key] = (transaction.action_date, award)


def _modified(entry: ET.Element) -> dt.datetime | None:
    """An entry's ``<modified>`` (``2013-12-18 17:03:03``; no zone: read as UTC)."""
    text = (entry.findtext(f"{_ATOM}modified") or "").strip()
    try:
        found = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return found.replace(tzinfo=dt.UTC) if found.tzinfo is None else found.astimezone(dt.UTC)


def _is_document(element: ET.Element) -> bool:
    return element.tag in (f"{_FPDS}award", f"{_FPDS}IDV")


def _link(root: ET.Element, rel: str) -> str | None:
    for link in root.iterfind(f"{_ATOM}link"):
        if link.get("rel") == rel and link.get("href"):
            return link.get("href")
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
