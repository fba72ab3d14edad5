"""Personal contact data written into free text, masked: e-mail addresses, phone numbers and
the names of officials after a contact role.

whosbehind keeps organizations, never people. Each source's reader drops the structured
personal fields (points of contact, officers); this module finds contact data written into free
text (an award description naming its contracting officer and her phone number) and replaces it
with a placeholder. It cannot tell an office's mailbox from a person's, so it masks every
address and every phone number it finds.

E-mail addresses are masked wherever they appear. Phone numbers are masked in free text only:
North American numbers written with separators (``202-732-7354``, ``(202) 732 7112``,
``703.551.5581``, ``+1 202 732 7354``, an extension kept with them), ten digits written together
when they form a valid North American number and are not a numbered reference (``AAP#
2014020706``) or an amount (``$2027327354``, ``2027327354.00``), international numbers written
with a leading ``+``, and a seven-digit number after a phone word (``PHONE: 732-7112``).
Amounts, dates, contract numbers (PIIDs), NAICS and PSC codes, DUNS and UEI are never masked
(``tests/model/test_redaction.py`` checks this on generated values and on the real data).

Names are masked in free text only, and conservatively: two or three capitalized words
(``JANE DOE``, ``Mary Q. Public``) right after a contact role followed by ``:``, ``;``
or ``IS`` (``COR: ``, ``POC; ``, ``COR IS ``, ``CONTRACTING OFFICER: ``, ``CONTRACT SPECIALIST:``,
``POINT OF CONTACT:``, ``CONTACT:``, ``ATTN:``, ``CO:``), or after ``COR``, ``COTR``, ``ACOR``,
``ACOTR`` or ``POC`` and a space. Words that are no part of a name stop it (``COR CHANGE``, ``COR
AND TO``), and a candidate holding a company or agency word (``INC``, ``INDUSTRIES``, ``ICE``,
``OFFICE``...) is left alone. A name written any other way (``from Jimmy Hackett to ...``, one
word, a name before its role) is not detected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SQL_FUNCTION = "whosbehind_mask_contacts"  # ``masked_text`` as the store's engine offers it
# Every text ``mask_contacts`` changes matches this (RE2 and Python syntax): SQL calls the
# function only for those. Every phone number it masks holds an international ``+`` or three
# digits, maybe a separator, and four digits (the exchange and line of a North American
# number, the seven digits after a phone word); three digits alone (a year, an amount, a code)
# matched one description in nine and cost a Python call each.
MAY_HOLD_CONTACTS = (
    r"@|[+]|[0-9]{3}[ .-]?[0-9]{4}|(?i:(?:^|[^a-z])"
    r"(?:a?cotr|a?cor|t?poc|attn|contact|officer|specialist|co|rep|representative)(?:[^a-z]|$))"
)
EMAIL_MASK = "[e-mail removed]"
PHONE_MASK = "[phone removed]"
NAME_MASK = "[name removed]"

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(rf"{_LOCAL}@{_DOMAIN}", re.ASCII)

_EXTENSION = r"(?:[ ]?(?:EXT|ext|Ext|X|x)[.]?[ ]?[0-9]{1,6})?"
_END = r"(?![0-9A-Za-z_]|[.,][0-9])"
_NANP = re.compile(
    r"(?<![0-9A-Za-z_])(?P<country>\+?1[ .-]?)?"
    r"(?:\((?P<area1>[0-9]{3})\)[ ]?|(?P<area2>[0-9]{3})(?P<sep1>[ .-]?))"
    r"(?P<exchange>[0-9]{3})(?P<sep2>[ .-]?)[0-9]{4}" + _EXTENSION + _END,
    re.ASCII,
)
_INTERNATIONAL = re.compile(
    r"(?<![0-9A-Za-z_+])\+[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,5}\)?){2,6}" + _EXTENSION + _END,
    re.ASCII,
)
_AFTER_WORD = re.compile(
    r"(?<![A-Za-z])(?:PHONE|Phone|phone|TEL|Tel|tel|PH|Ph|CELL|Cell|cell|FAX|Fax|fax|MOBILE|Mobile)"
    r"[.]?[ ]?[:;#]?[ ]*(?P<number>[0-9]{3}[ .-][0-9]{4}" + _EXTENSION + r")" + _END,
    re.ASCII,
)
_REFERENCE_BEFORE = re.compile(r"(?:[#$-]|\bNO[.]?|\bNUMBER)[ ]*:?[ ]*$", re.ASCII | re.IGNORECASE)
_INTERNATIONAL_DIGITS = (8, 15)
_CONTEXT = 12  # characters before a number that can make it a reference


_WORD = r"[A-Z][A-Za-z'\u2019-]*[.]?"
_ROLE_NAME = re.compile(
    r"(?<![A-Za-z])(?:"
    r"(?i:(?:contracting[ ]+officer(?:'?s)?(?:[ ]+representative)?|contract[ ]+specialist"
    r"|point[ ]+of[ ]+contact|contact|attn|a?cotr|a?cor|t?poc(?:'?s)?|co"
    r"|rep(?:resentative)?[.]?)"
    r"(?:[ ]*[:;][ ]*|[ ]+is[ ]+))"
    r"|(?:A?COTR|A?COR|POC)[ ]+)"
    rf"(?P<name>{_WORD}(?:[ ]+{_WORD}){{1,2}})(?![A-Za-z0-9@])"
)
# a second name joined to the first (``KIMBERLY MOORE&MARGIE JONES``)
_ANOTHER = re.compile(
    rf"[ ]*(?:&|/|and[ ]|AND[ ])[ ]*(?P<name>{_WORD}(?:[ ]+{_WORD}){{1,2}})(?![A-Za-z0-9@])"
)
# words that end a name (the name is what came before), and words no person's name holds
_NOT_NAME = frozenset(
    """AN AND ARE AS AT BE BY CHANGE CHANGED CHANGES DATE FOR FROM HAS IN IS IT NEW NO NOT OF
    ON OR PER SEE SHALL THE THIS TO TBD WAS WILL WITH WITHIN NONE NA N/A ALT ALTERNATE PHONE
    EMAIL E-MAIL TEL FAX CELL EXT ADDRESS OFFICE ROOM SUITE BLDG BUILDING STREET AVENUE
    COR ACOR COTR ACOTR POC TPOC ATTN CONTACT OFFICER SPECIALIST CO CS""".split()
)
_ORGANIZATION = frozenset(
    """INC INCORPORATED LLC LLP LP LTD CORP CORPORATION CO COMPANY GROUP GRP INDUSTRIES
    SERVICES SOLUTIONS SYSTEMS TECHNOLOGIES TECHNOLOGY ASSOCIATES PARTNERS HOLDINGS
    INTERNATIONAL ENTERPRISES AGENCY DEPARTMENT DEPT DIVISION BRANCH UNIT CENTER PROGRAM
    ICE DHS ERO HSI CBP FEMA TSA USCIS OAQ OPR OCIO GSA DOD US USA U.S. FEDERAL GOVERNMENT
    ADMINISTRATION BUREAU OFFICE UNIVERSITY COUNTY CITY STATE""".split()
)


@dataclass(frozen=True, slots=True)
class Masked:
    """A text with its contact data masked, and how many e-mails, phone numbers and names of
    people it held."""

    text: str
    emails: int = 0
    phones: int = 0
    names: int = 0


def mask_emails(text: str) -> Masked:
    """Every e-mail address replaced by ``EMAIL_MASK`` (for any text: a raw copy's values)."""
    if "@" not in text:
        return Masked(text)
    masked, count = EMAIL.subn(EMAIL_MASK, text)
    return Masked(masked, emails=count)


def mask_contacts(text: str) -> Masked:
    """E-mail addresses, phone numbers and names after a contact role in free text replaced
    by their placeholders."""
    emails = mask_emails(text)
    masked = emails.text
    phones = 0
    if any(character.isdigit() for character in masked):
        spans = _phone_spans(masked)
        masked, phones = _replaced(masked, spans, PHONE_MASK), len(spans)
    names = _name_spans(masked)
    masked = _replaced(masked, names, NAME_MASK)
    return Masked(masked, emails=emails.emails, phones=phones, names=len(names))


def mask_names(text: str) -> Masked:
    """Names of people after a contact role replaced by ``NAME_MASK`` (see the module)."""
    spans = _name_spans(text)
    return Masked(_replaced(text, spans, NAME_MASK), names=len(spans))


def _replaced(text: str, spans: list[tuple[int, int]], mask: str) -> str:
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        parts.append(mask)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _name_spans(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    position = 0
    while match := _ROLE_NAME.search(text, position):
        start = match.start("name")
        words = _name_words(match.group("name"))
        if words is None:  # not a name: the next role may start inside it
            position = start
            continue
        end = start + words
        found.append((start, end))
        position = end
        while (joined := _ANOTHER.match(text, position)) and (
            words := _name_words(joined.group("name"))
        ):
            found.append((joined.start("name"), joined.start("name") + words))
            position = joined.start("name") + words
    return found


def _name_words(candidate: str) -> int | None:
    """How many characters of ``candidate`` are a person's name, or None: the words up to
    one that is no part of a name, or through one ending a sentence (``WHITE.``), when at
    least two, none of them a company's or agency's."""
    kept: list[re.Match[str]] = []
    for word in re.finditer(r"\S+", candidate):
        bare = word.group().rstrip(".").upper()
        if bare in _NOT_NAME:
            break
        kept.append(word)
        if word.group().endswith(".") and len(bare) > 1:
            break  # a full stop after a word, not an initial: the sentence ends
    if len(kept) < 2 or any(w.group().rstrip(".").upper() in _ORGANIZATION for w in kept):
        return None
    return kept[-1].end() - (
        1
        if kept[-1].group().endswith(".")
        and len(kept) > 1
        and len(kept[-1].group().rstrip(".")) > 1
        else 0
    )


def masked_text(text: str | None) -> str | None:
    """``mask_contacts`` for an optional field's value."""
    return None if text is None else mask_contacts(text).text


def _phone_spans(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for match in _NANP.finditer(text):
        if _is_phone(match, text):
            found.append(match.span())
    for match in _INTERNATIONAL.finditer(text):
        digits = sum(character.isdigit() for character in match.group())
        low, high = _INTERNATIONAL_DIGITS
        if low <= digits <= high:
            found.append(match.span())
    for match in _AFTER_WORD.finditer(text):
        found.append(match.span("number"))
    return _merged(found)


def _is_phone(match: re.Match[str], text: str) -> bool:
    separated = match.group("area1") is not None or bool(match.group("sep1") or match.group("sep2"))
    if separated:
        return True
    area, exchange = match.group("area2"), match.group("exchange")
    if area[0] in "01" or exchange[0] in "01":
        return False  # not a North American number: an amount, a count, an id
    before = text[max(0, match.start() - _CONTEXT) : match.start()]
    return not _REFERENCE_BEFORE.search(before)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_CONTACT_KEY = re.compile(
    r"e[-_ ]?mail|phone|fax|mobile|contact|(?:^|[^a-z])poc(?:[^a-z]|$)", re.IGNORECASE
)
_FREE_TEXT_KEY = re.compile(r"desc|msg|message|comment|note|remark|purpose", re.IGNORECASE)


def is_contact_key(key: str) -> bool:
    """A field that holds contact data by its name (``email``, ``sales_email``, ``phone``,
    ``point_of_contact``, ``CSP_POC_Name``...)."""
    return _CONTACT_KEY.search(key) is not None


def is_free_text_key(key: str) -> bool:
    """A field that holds prose, where phone numbers are masked too (``description``...)."""
    return _FREE_TEXT_KEY.search(key) is not None


@dataclass(slots=True)
class RedactionCounts:
    """What a redaction removed: fields dropped, e-mails and phone numbers masked."""

    fields: int = 0
    emails: int = 0
    phones: int = 0
    names: int = 0

    def audit(self) -> dict[str, int]:
        """Counts for the audit table, by what was removed."""
        found = {"(removed) field": self.fields, "(masked) e-mail": self.emails}
        found["(masked) phone"] = self.phones
        found["(masked) name"] = self.names
        return {path: count for path, count in found.items() if count}

    def add(self, masked: Masked) -> str:
        """Count what ``masked`` removed; its text."""
        self.emails += masked.emails
        self.phones += masked.phones
        self.names += masked.names
        return masked.text


def redacted_tree(
    document: object,
    drop_keys: frozenset[str] = frozenset(),
    counts: RedactionCounts | None = None,
) -> object:
    """A copy of parsed JSON without personal fields and with contact data masked.

    Drops keys in ``drop_keys`` and keys that name contact data (``is_contact_key``), masks
    e-mail addresses in every string and phone numbers in free-text fields (``is_free_text_key``,
    including the items of a list under such a key). Walks with its own stack, so any depth
    the JSON parser accepts is fine (a recursive walk fails near 500 levels). What it removed
    is added to ``counts``."""
    counts = counts if counts is not None else RedactionCounts()
    root: list[object] = [None]
    # (value, where the copy goes, its slot there, the nearest enclosing key)
    stack: list[tuple[object, list[object] | dict[str, object], int | str, str]] = [
        (document, root, 0, "")
    ]
    while stack:
        value, parent, slot, key = stack.pop()
        if isinstance(value, dict):
            copy: dict[str, object] = {}
            _put(parent, slot, copy)
            for name, item in value.items():
                if name in drop_keys or is_contact_key(name):
                    counts.fields += 1
                    continue
                copy[name] = None
                stack.append((item, copy, name, name))
        elif isinstance(value, list):
            items: list[object] = [None] * len(value)
            _put(parent, slot, items)
            stack.extend((item, items, index, key) for index, item in enumerate(value))
        elif isinstance(value, str):
            masked = mask_contacts(value) if is_free_text_key(key) else mask_emails(value)
            _put(parent, slot, counts.add(masked))
        else:
            _put(parent, slot, value)
    return root[0]


def _put(parent: list[object] | dict[str, object], slot: int | str, value: object) -> None:
    if isinstance(parent, dict):
        parent[str(slot)] = value
    else:
        parent[int(slot)] = value
