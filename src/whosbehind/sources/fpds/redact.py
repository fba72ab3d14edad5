"""A copy of an FPDS ATOM page without who entered each record, for the raw archive.

``transactionInformation`` holds officials' e-mail addresses (``createdBy``, ``approvedBy``...):
the reader never reads it, and the copy the store keeps drops it. E-mail addresses elsewhere
are masked, and phone numbers in descriptions (``descriptionOfContractRequirement``...).
Everything else is kept byte for byte.
"""

from __future__ import annotations

import codecs
import re

from whosbehind.model.redaction import RedactionCounts, mask_contacts, mask_emails

_SECTION = re.compile(
    r"<(?P<prefix>[A-Za-z_][\w.-]*:)?transactionInformation\b[^>]*?(/>|>.*?"
    r"</(?P=prefix)?transactionInformation\s*>)",
    re.DOTALL,
)
_DESCRIPTION = re.compile(
    r"(<(?P<prefix>[A-Za-z_][\w.-]*:)?(?P<name>\w*[Dd]escription\w*)\b[^>]*>)(?P<text>[^<]*)"
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def redacted_page(content: bytes, counts: RedactionCounts | None = None) -> bytes:
    counts = counts if counts is not None else RedactionCounts()
    encoding, bom = "utf-8", b""
    for mark, name in _BOMS:
        if content.startswith(mark):
            encoding, bom = name, mark
            break
    # surrogateescape: bytes that are not in the encoding come back out unchanged
    text = content[len(bom) :].decode(encoding, errors="surrogateescape")
    text, sections = _SECTION.subn("", text)
    counts.fields += sections

    def description(match: re.Match[str]) -> str:
        return match.group(1) + counts.add(mask_contacts(match.group("text")))

    text = _DESCRIPTION.sub(description, text)
    text = counts.add(mask_emails(text))
    return bom + text.encode(encoding, errors="surrogateescape")
