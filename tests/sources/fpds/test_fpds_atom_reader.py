from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from whosbehind.errors import SnapshotError
from whosbehind.model.contracts import Award, Quarantined, Transaction
from whosbehind.sources.fpds.atom_reader import FeedPage, parse_feed

EXPECTED = [  # (PIID, modNumber, obligatedAmount) of the ten entries, in feed order
    ("1B3G02670", "PA09", "8392.90"),
    ("1B3H02196", "PA09", "1839.23"),
    ("1B3L02518", "PA03", "0.00"),
    ("1B4G00363", "PA09", "96.75"),
    ("1B4G00542", "PA09", "1230942.45"),
    ("1B4G00602", "PA09", "261190.23"),
    ("1B4G00608", "PA07", "290722.91"),
    ("AZ000200206CP0302AZ0036GS07F0087K", "0", "55768.89"),
    ("AZ000200206CP0302AZ0036GS07F0087K", "PA01", "0.00"),
    ("AZ000200206CP0302AZ0036GS07F0087K", "PA02", "0.00"),
]


def parse(folder: Path, name: str = "full_response.xml") -> FeedPage:
    return parse_feed((folder / name).read_bytes(), f"fpds-atom/{name}")


def transactions(page: FeedPage) -> list[Transaction]:
    return [record for record in page.records if isinstance(record, Transaction)]


def awards(page: FeedPage) -> dict[str, Award]:
    return {r.piid: r for r in page.records if isinstance(r, Award)}


def default_namespace(text: str) -> str:
    """The page as the live feed writes it: Atom as the default namespace, FPDS as ``fpds:``."""
    text = text.replace(
        'xmlns:ns0="http://www.w3.org/2005/Atom"', 'xmlns="http://www.w3.org/2005/Atom"'
    )
    text = text.replace("<ns0:", "<").replace("</ns0:", "</")
    return (
        text.replace("xmlns:ns1=", "xmlns:fpds=")
        .replace("<ns1:", "<fpds:")
        .replace("</ns1:", "</fpds:")
    )


def test_ten_entries_with_their_piids_and_obligations(fpds_pages: Path) -> None:
    page = parse(fpds_pages)
    assert page.entries == 10 and page.skipped == 0
    found = [
        (t.award_key.split("_")[2], t.modification_number, t.federal_action_obligation)
        for t in transactions(page)
    ]
    assert found == [(piid, mod, Decimal(amount)) for piid, mod, amount in EXPECTED]
    assert sum(t.federal_action_obligation for t in transactions(page)) == Decimal("1848953.36")
    assert all(isinstance(t.federal_action_obligation, Decimal) for t in transactions(page))
    assert transactions(page)[0].locator == "fpds-atom/full_response.xml#entry[1]"


def test_the_next_link_is_exposed(fpds_pages: Path) -> None:
    page = parse(fpds_pages)
    assert page.next_url is not None and page.next_url.endswith("&start=10")
    assert page.next_url.startswith("https://www.fpds.gov/ezsearch/FEEDS/ATOM?")
    assert parse(fpds_pages, "truncated_response.xml").next_url is None


def test_one_award_per_key_from_the_latest_action(fpds_pages: Path) -> None:
    page = parse(fpds_pages)
    by_piid = awards(page)
    assert len(by_piid) == 8
    order = by_piid["AZ000200206CP0302AZ0036GS07F0087K"]
    assert order.award_key == "CONT_AWD_AZ000200206CP0302AZ0036GS07F0087K_4740_GS07F0087K_4730"
    assert (order.award_type, order.parent_idv_piid, order.parent_idv_agency_code) == (
        "order",
        "GS07F0087K",
        "4730",
    )
    assert order.latest_action_date == dt.date(2003, 5, 15)  # PA02, the latest of three
    assert order.locator.endswith("#entry[10]")
    water = by_piid["1B3G02670"]
    assert (water.awarding_toptier_code, water.awarding_subtier_code) == ("4700", "4740")
    assert water.awarding_toptier_name == "GENERAL SERVICES ADMINISTRATION"
    assert (water.recipient_name, water.recipient_uei) == ("MC ALLEN CITY OF", "LNLJPLNR7GF5")
    assert water.total_obligation == Decimal("127900.70")
    assert (water.psc_code, water.naics_code, water.pop_state) == ("S114", "221310", "TX")
    entergy = by_piid["1B4G00542"]
    assert (entergy.recipient_parent_name, entergy.recipient_parent_uei) == (
        "ENTERGY CORPORATION",
        "MGUJLLZ55YL1",
    )


def test_fiscal_years_follow_the_signed_date(fpds_pages: Path) -> None:
    years = [t.fiscal_year for t in transactions(parse(fpds_pages))]
    # Signed 2012-10-01: already FY2013. The query selected by modification date, not signature.
    assert years == [2013, 2013, 2010, 2013, 2013, 2013, 2013, 2002, 2002, 2003]


def test_namespaces_are_matched_by_uri_not_prefix(fpds_pages: Path) -> None:
    text = (fpds_pages / "full_response.xml").read_text(encoding="utf-8")
    rewritten = default_namespace(text)
    assert "ns0:" not in rewritten and "ns1:" not in rewritten
    assert parse_feed(rewritten, "fpds-atom/full_response.xml").records == parse(fpds_pages).records


def test_officials_addresses_are_never_read(fpds_pages: Path) -> None:
    assert "GSA.GOV" not in repr(parse(fpds_pages).records)


def test_a_broken_entry_is_quarantined_and_the_rest_read(fpds_pages: Path) -> None:
    text = (fpds_pages / "full_response.xml").read_text(encoding="utf-8")
    text = text.replace(
        "<ns1:obligatedAmount>1839.23</ns1:obligatedAmount>",
        "<ns1:obligatedAmount>1,839.23</ns1:obligatedAmount>",
    )
    text = text.replace("<ns1:PIID>1B4G00363</ns1:PIID>", "<ns1:PIID />")
    page = parse_feed(text, "page.xml")
    quarantined = [r for r in page.records if isinstance(r, Quarantined)]
    assert [(q.file, q.line, q.field) for q in quarantined] == [
        ("page.xml", 2, "dollarValues/obligatedAmount"),
        ("page.xml", 4, "awardID/awardContractID/PIID"),
    ]
    assert "1B3H02196" in quarantined[0].raw_excerpt and "1,839.23" in quarantined[0].raw_excerpt
    assert len(transactions(page)) == 8


def test_unknown_sections_are_counted(fpds_pages: Path) -> None:
    text = (fpds_pages / "full_response.xml").read_text(encoding="utf-8")
    text = text.replace("<ns1:genericTags>", "<ns1:newSection>x</ns1:newSection><ns1:genericTags>")
    page = parse_feed(text, "page.xml")
    assert page.unknown_fields == {"award.newSection": 10}
    assert len(transactions(page)) == 10


IDV_PAGE = """<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>IDV</title><content>
<f:IDV xmlns:f="https://www.fpds.gov/FPDS"><f:contractID><f:IDVID>
<f:agencyID name="U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT">7012</f:agencyID>
<f:PIID>70CDCR18D00000002</f:PIID><f:modNumber>0</f:modNumber></f:IDVID></f:contractID>
<f:relevantContractDates><f:signedDate>2018-05-30 00:00:00</f:signedDate></f:relevantContractDates>
<f:dollarValues><f:obligatedAmount>0.00</f:obligatedAmount></f:dollarValues>
<f:contractData><f:contractActionType description="IDC">B</f:contractActionType></f:contractData>
<f:vendor><f:vendorHeader><f:vendorName>ACME DETENTION LLC</f:vendorName></f:vendorHeader>
<f:vendorSiteDetails><f:entityIdentifiers><f:vendorDUNSInformation>
<f:DUNSNumber>74108176</f:DUNSNumber><f:globalParentDUNSNumber>618954465</f:globalParentDUNSNumber>
<f:globalParentDUNSName>ACME HOLDINGS</f:globalParentDUNSName></f:vendorDUNSInformation>
</f:entityIdentifiers></f:vendorSiteDetails></f:vendor>
</f:IDV></content></entry><entry><title>other</title><content><x/></content></entry></feed>"""


def test_idv_documents_and_foreign_entries() -> None:
    page = parse_feed(IDV_PAGE, "idv.xml")
    assert page.entries == 2 and page.skipped == 1 and page.next_url is None
    (transaction,) = transactions(page)
    assert transaction.award_key == "CONT_IDV_70CDCR18D00000002_7012"
    assert transaction.fiscal_year == 2018
    (idv,) = awards(page).values()
    assert (idv.recipient_name, idv.recipient_duns) == ("ACME DETENTION LLC", "074108176")
    assert (idv.recipient_parent_name, idv.recipient_parent_duns) == ("ACME HOLDINGS", "618954465")
    assert (idv.award_type, idv.award_type_code, idv.award_type_description) == (
        "idv",
        "IDV_B",
        "IDC",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not xml <", "not XML"),
        ("<rss><channel/></rss>", "not an ATOM feed"),
        ('<!DOCTYPE f [<!ENTITY a "b">]><feed xmlns="http://www.w3.org/2005/Atom"/>', "entities"),
    ],
)
def test_what_is_no_feed_is_a_snapshot_error(data: str, message: str) -> None:
    with pytest.raises(SnapshotError, match=message):
        parse_feed(data, "bad.xml")


_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-16"?>\n'
    '<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>&i;</title></feed>'
)


@pytest.mark.parametrize(
    "content",
    [
        _LAUGHS.encode("utf-16"),  # the byte check for <!ENTITY missed this one
        _LAUGHS.replace("UTF-16", "UTF-8").encode(),
        b'<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>',
        b'<!DOCTYPE feed SYSTEM "http://example.com/feed.dtd">'
        b'<feed xmlns="http://www.w3.org/2005/Atom"/>',
    ],
)
def test_entities_and_dtds_are_refused_in_any_encoding(content: bytes) -> None:
    with pytest.raises(SnapshotError, match="declares a DTD; refused"):
        parse_feed(content, "laughs.xml")


def test_utf16_feeds_without_a_dtd_are_read(fpds_pages: Path) -> None:
    page = (fpds_pages / "full_response.xml").read_text(encoding="utf-8")
    utf16 = page.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16")
    assert len(parse_feed(utf16, "p16.xml").records) == len(
        parse_feed(page.encode(), "p8.xml").records
    )
