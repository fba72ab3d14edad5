"""Raw copies keep everything but personal fields."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from whosbehind.model.redaction import RedactionCounts
from whosbehind.sources.fpds.redact import redacted_page
from whosbehind.sources.usaspending import columns
from whosbehind.sources.usaspending.redact import redacted_csv, redacted_json


def test_csv_copies_blank_phone_fax_and_officers(ice_2018: Path, ice_local_gov: Path) -> None:
    original = (ice_2018 / "fy14.csv").read_bytes()
    copy = redacted_csv(original, columns.AWARDS_2018)
    rows = list(csv.reader(io.StringIO(copy.decode())))
    before = list(csv.reader(io.StringIO(original.decode())))
    phone = columns.AWARDS_2018.index("recipient_phone_number")
    assert len(rows) == len(before) == 193
    assert all(row[phone] == "" for row in rows) and any(row[phone] for row in before)
    name = columns.AWARDS_2018.index("recipient_name")
    assert [row[name] for row in rows] == [row[name] for row in before]
    summaries = (ice_local_gov / "us-reg-state-gov-ice-contracts.csv").read_bytes()
    header = next(csv.reader(io.StringIO(summaries.decode("utf-8-sig"))))
    copied = list(csv.reader(io.StringIO(redacted_csv(summaries, tuple(header)).decode())))
    assert copied[0] == header


def test_api_copies_drop_executive_details(api_responses: Path) -> None:
    detail = (api_responses / "awards" / "contract.json").read_bytes()
    assert b"executive_details" in detail
    copy = json.loads(redacted_json(detail))
    assert "executive_details" not in copy and copy["piid"] == json.loads(detail)["piid"]


def test_fpds_copies_drop_who_entered_the_record(shared_data: Path) -> None:
    page = (shared_data / "fpds-atom" / "full_response.xml").read_bytes()
    copy = redacted_page(page)
    assert b"createdBy" in page and b"createdBy" not in copy and b"@" not in copy
    assert copy.count(b"<ns1:award ") == page.count(b"<ns1:award ") == 10


def test_fpds_copies_mask_addresses_in_any_encoding(shared_data: Path) -> None:
    page = (shared_data / "fpds-atom" / "full_response.xml").read_text(encoding="utf-8")
    marked = page.replace(
        "</ns1:descriptionOfContractRequirement>",
        " COR J.DOE@NASA.GOV (301) 286-2000</ns1:descriptionOfContractRequirement>",
    )
    assert marked != page
    for encoding in ("utf-8", "utf-16"):
        counts = RedactionCounts()
        copy = redacted_page(marked.encode(encoding), counts).decode(encoding)
        assert "@" not in copy and "286-2000" not in copy
        assert copy.count("COR [e-mail removed] [phone removed]<") == page.count(
            "</ns1:descriptionOfContractRequirement>"
        )
        descriptions = page.count("</ns1:descriptionOfContractRequirement>")
        assert counts.emails >= descriptions and counts.phones == descriptions


def test_csv_copies_mask_addresses_and_phones_in_descriptions_only(ice_2018: Path) -> None:
    original = (ice_2018 / "fy15.csv").read_bytes()
    counts = RedactionCounts()
    rows = list(
        csv.reader(io.StringIO(redacted_csv(original, columns.AWARDS_2018, counts).decode()))
    )
    before = list(csv.reader(io.StringIO(original.decode())))
    description = columns.AWARDS_2018.index("award_description")
    revenue = columns.AWARDS_2018.index("annual_revenue")
    assert [row[revenue] for row in rows] == [row[revenue] for row in before]
    assert sum("[e-mail removed]" in row[description] for row in rows) == 25
    assert counts.emails >= 25 and counts.phones > 0
    assert not re.search(r"[\w.]+@[\w-]+\.[\w.]+", str(rows))  # "@ $219.10 PER CASE" stays


def test_api_copies_drop_fields_named_for_contact_data() -> None:
    document = {"piid": "X1", "recipient": {"name": "ACME", "phone_number": "202-555-0143"},
                "contact": {"name": "Jane"}, "note": "jane@example.com"}  # fmt: skip
    counts = RedactionCounts()
    copy = json.loads(redacted_json(json.dumps(document).encode(), counts))
    assert copy == {"piid": "X1", "recipient": {"name": "ACME"}, "note": "[e-mail removed]"}
    assert counts.audit() == {"(removed) field": 2, "(masked) e-mail": 1}
