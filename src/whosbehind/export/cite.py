"""``whosbehind cite ID``: a citation and the raw record it points to.

The id is found in the stored records (``store/citations.py``), on a store opened read-only.
The bytes come from the store's ``raw_object`` (file and URL snapshots, personal fields
removed), else from the git archive, else from the file, both where this machine read them
(the snapshot row's ``locator``, a hint: the citation names the public source); git and file
bytes are checked against the cited sha256. Whatever the bytes' origin, they pass through the
redaction ingest applies (``sources/redaction.py``) before a record is shown. The record:
the JSON values at the selector's JSONPath (FedRAMP), the JSON objects with
a field of the selector's value (API responses), or the CSV lines whose column has the
selector's value (``#award_id_piid=X``); a contract file without a header (the 2018 layout) is
read by its layout's column positions.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from whosbehind.errors import NotFoundError, SnapshotError
from whosbehind.export.jsonpath import select
from whosbehind.model.citation import Citation
from whosbehind.sources.redaction import redacted_copy
from whosbehind.sources.usaspending.csv_layout import LayoutMatch, detect_layout
from whosbehind.store.citations import find_citation
from whosbehind.store.engine import Engine
from whosbehind.store.snapshots import raw_content

GitReader = Callable[[Path, str, str], bytes]
_MAX_RECORDS = 50


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    """The stored snapshot a citation names: its feed and sequence number, how it was read
    (``kind``: git, file, url...), where from (``read_from``; a git snapshot's ``commit_id``),
    its sha256, size in bytes and record time."""

    feed: str
    seq: int | None
    kind: str
    read_from: str
    commit_id: str | None
    sha256: str
    size: int | None
    record_time: dt.datetime

    def to_json(self) -> dict[str, object]:
        """Every field, in order; the record time as ISO text."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass
class CitedRecord:
    """A citation and the raw record(s) it names, re-read from the stored bytes (JSON
    records as parsed, CSV rows as column -> value)."""

    citation: Citation
    snapshot: StoredSnapshot
    selector: str
    records: list[Any] = field(default_factory=list)
    bytes_from: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "citation": self.citation.to_json(),
            "snapshot": self.snapshot.to_json(),
            "selector": self.selector,
            "bytes_from": self.bytes_from,
            "records": self.records,
            "note": self.note,
        }


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def cited_record(engine: Engine, citation_id: str, read_git: GitReader) -> CitedRecord:
    citation = find_citation(engine, citation_id)
    if citation is None:
        raise NotFoundError(
            f"no citation {citation_id!r} in this store: an id names a snapshot and a record "
            "stored here, as an output printed it from this store (ids of 15 hex digits come "
            "from an older whosbehind: run the output again)"
        )
    snapshot = _snapshot(engine, citation)
    selector = citation.selector
    found = CitedRecord(citation, snapshot, selector)
    data = _bytes(engine, citation, snapshot, read_git, found)
    if data is None:
        return found
    try:
        data = redacted_copy(citation.source, data)
    except ValueError as error:
        found.note = f"{found.bytes_from}: the bytes cannot be read ({error})"
        return found
    if not selector:
        found.note = f"the whole file ({len(data):,} bytes); no record selector"
    elif selector.startswith("$"):
        found.records = select(json.loads(data), selector)
    elif data.lstrip()[:1] in (b"{", b"["):
        found.records = _json_records(json.loads(data), *selector.partition("=")[::2])
    else:
        found.records = _csv_records(data, *selector.partition("=")[::2])
    if len(found.records) > _MAX_RECORDS:
        found.note = f"{len(found.records)} records match; the first {_MAX_RECORDS} are shown"
        found.records = found.records[:_MAX_RECORDS]
    if selector and not found.records:
        found.note = f"no record matches {selector!r} in these bytes"
    return found


def _snapshot(engine: Engine, citation: Citation) -> StoredSnapshot:
    rows = engine.rows(
        "SELECT feed, seq, kind, locator AS read_from, commit_id, sha256, size, record_time "
        "FROM snapshot WHERE feed = ? AND sha256 = ? ORDER BY seq NULLS LAST LIMIT 1",
        [citation.source, citation.content_hash],
    )
    if not rows:
        raise NotFoundError(
            f"citation {citation.id} names {citation.source} bytes {citation.content_hash[:16]}…, "
            "which this store no longer lists"
        )
    return StoredSnapshot(**rows[0])


def _bytes(
    engine: Engine,
    citation: Citation,
    snapshot: StoredSnapshot,
    read_git: GitReader,
    found: CitedRecord,
) -> bytes | None:
    stored = raw_content(engine, citation.content_hash)
    if stored is not None:
        found.bytes_from = "store (raw_object)"
        return stored
    locator = str(snapshot.read_from)
    if snapshot.kind == "git" and snapshot.commit_id:
        repo, _, path = locator.partition(f"@{snapshot.commit_id}:")
        data = read_git(Path(repo), str(snapshot.commit_id), path)
        found.bytes_from = f"git {repo} {snapshot.commit_id}:{path}"
    elif Path(locator).is_file():
        data = Path(locator).read_bytes()
        found.bytes_from = f"file {locator}"
    else:
        found.note = f"the bytes are not kept in the store and {locator} cannot be read here"
        return None
    if hashlib.sha256(data).hexdigest() != citation.content_hash:
        found.note = f"{found.bytes_from} no longer has the cited bytes (sha256 differs)"
        return None
    return data


def _json_records(document: object, name: str, value: str) -> list[Any]:
    found: list[Any] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if any(
                k.casefold().endswith(name.casefold()) and str(v) == value for k, v in node.items()
            ):
                found.append(node)
                return
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(document)
    return found


def _csv_records(data: bytes, column: str, value: str) -> list[Any]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace")))
    first = next(reader, [])
    header: list[str] = first
    rows: Iterator[list[str]] = reader
    layout = _headerless_layout(first)
    if layout is not None:
        header, rows = list(layout.columns), itertools.chain([first], reader)
        column = layout.layout.column(column)
    found: list[Any] = []
    if column in header:
        where = header.index(column)
        for row in rows:
            if where < len(row) and row[where] == value:
                found.append({"line": reader.line_num, **dict(zip(header, row, strict=False))})
        return found
    if value in header:
        found.append({"line": 1, "fields": header})
    found += [{"line": reader.line_num, "fields": row} for row in reader if value in row]
    return found


def _headerless_layout(first_row: list[str]) -> LayoutMatch | None:
    """The contract layout of a file without a header (its columns known by position)."""
    try:
        match = detect_layout(first_row, "cited file")
    except SnapshotError:
        return None
    return match if match is not None and not match.has_header else None
