"""Read one FedRAMP snapshot of any of the formats: detect the format, parse, report errors
with the file or commit and the position."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import orjson

from whosbehind.errors import SnapshotError
from whosbehind.model.facts import ParsedSnapshot
from whosbehind.model.redaction import RedactionCounts, redacted_tree
from whosbehind.model.timeutil import parse_eastern_wall_clock, parse_record_timestamp
from whosbehind.sources import jsonwrite
from whosbehind.sources.fedramp import legacy, marketplace, orgexport
from whosbehind.sources.fedramp.audit import ShapeError
from whosbehind.sources.snapshot import RawSnapshot


def load_json(raw: RawSnapshot) -> Any:
    try:
        return orjson.loads(raw.content)
    except orjson.JSONDecodeError as error:
        # orjson counts characters; people and tools (dd, hexdump) count bytes
        text = raw.content.decode("utf-8", errors="replace")
        byte = len(text[: error.pos].encode("utf-8", errors="replace"))
        raise SnapshotError(
            raw.locator,
            f"not valid JSON at line {error.lineno}, column {error.colno} "
            f"(byte {byte} of {len(raw.content)}): {error.msg}",
        ) from None


def detect_format(document: Any, locator: str) -> str:
    if isinstance(document, dict):
        data = document.get("data")
        if isinstance(data, list) or (isinstance(data, dict) and "Providers" in data):
            return "legacy"
        if isinstance(data, dict) and "Products" in data:
            return "marketplace"
        if orgexport.is_products(document):
            return "org-products"
        if orgexport.is_status_changelog(document):
            return "org-status"
    shape = sorted(document)[:6] if isinstance(document, dict) else type(document).__name__
    raise SnapshotError(locator, f"not a FedRAMP feed this version reads (top level: {shape})")


def parse_snapshot(raw: RawSnapshot) -> ParsedSnapshot:
    """Parse ``raw`` into record groups; raises SnapshotError naming the locator and position."""
    document = load_json(raw)
    kind = detect_format(document, raw.locator)
    parsers = {
        "legacy": legacy.parse,
        "marketplace": marketplace.parse,
        "org-products": orgexport.parse_products,
        "org-status": orgexport.parse_status_changelog,
    }
    try:
        parsed = parsers[kind](document)
    except ShapeError as error:
        raise SnapshotError(raw.locator, f"malformed {kind} snapshot: {error}") from None
    parsed.locator = raw.locator  # a record that cannot be built names itself
    return parsed


_BODY_START = re.compile(rb'"(?:data|products)"\s*:')
_HEADER_TIME = re.compile(rb'"(Created_At|last_change|export_timestamp)"\s*:\s*"([^"]+)"')


def quick_identity(content: bytes) -> tuple[str | None, dt.datetime | None]:
    """A digest of the body without its header, and the header's timestamp, without parsing.

    Daily republications often repeat yesterday's body under a new timestamp; comparing this
    digest with the previous snapshot's lets the caller skip parsing such a snapshot at all.
    Returns ``(None, None)`` when the layout is not the usual header-then-body.
    """
    head = content[:1024]
    body = _BODY_START.search(head)
    if body is None:
        return None, None
    stamp = _HEADER_TIME.search(head[: body.start()])
    when = None
    if stamp is not None:
        # the marketplace's last_change is Eastern wall-clock time (see marketplace.parse)
        eastern = stamp.group(1) == b"last_change"
        parse = parse_eastern_wall_clock if eastern else parse_record_timestamp
        when = parse(stamp.group(2).decode())
    return _body_digest(content, body.start()), when


# the last body hashed and its digest: most snapshots repeat the body of the one before, and
# comparing bytes costs a fraction of hashing them (one tuple, replaced whole: thread-safe)
_last_body: tuple[bytes, str] = (b"", "")


def _body_digest(content: bytes, start: int) -> str:
    global _last_body
    body, digest = _last_body
    if body and len(content) - start == len(body) and content.endswith(body):
        return digest
    digest = hashlib.blake2b(memoryview(content)[start:], digest_size=16).hexdigest()
    _last_body = (content[start:], digest)
    return digest


def header_order(path: Path) -> tuple[str, str]:
    """Sort key of a snapshot file: the timestamp in its header (files without one first)."""
    try:
        with path.open("rb") as handle:
            _, when = quick_identity(handle.read(1024))
    except (OSError, ArithmeticError, ValueError):  # read, and failed, in its turn
        when = None
    return (when.isoformat() if when else "", path.name)


def redacted_json(document: Any, counts: RedactionCounts | None = None) -> bytes:
    """The document without personal contact fields and with e-mail addresses (and phone
    numbers in descriptions) masked, for keeping a copy of the raw snapshot."""
    return jsonwrite.dumps(redacted_tree(document, PERSONAL_FIELDS, counts))


PERSONAL_FIELDS = frozenset(
    "CSP_POC_Name CSP_POC_Email Agency_POC Agency_POC_email POC_Name POC_Email poc email "
    "sales_email security_email public_security_email private_security_email fsi_email".split()
)
