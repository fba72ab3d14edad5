"""Reading one snapshot of any format: detection, errors with position, quick identity,
redaction. Real snapshots throughout."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import ORG_EXPORT, legacy_snapshots, marketplace_snapshots
from whosbehind.errors import SnapshotError, SourceError
from whosbehind.model.timeutil import US_EASTERN
from whosbehind.sources.fedramp.reader import (
    detect_format,
    load_json,
    parse_snapshot,
    quick_identity,
    redacted_json,
)
from whosbehind.sources.fetch import read_file
from whosbehind.sources.snapshot import RawSnapshot

CONTACT_KEY = re.compile(r"poc|e-?mail", re.IGNORECASE)


def _raw(content: bytes, locator: str = "test.json") -> RawSnapshot:
    return RawSnapshot(
        locator=locator, content=content, fallback_time=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )


def _stamp(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------- format detection


def test_detects_legacy_and_marketplace(
    legacy_head: RawSnapshot, marketplace_head: RawSnapshot
) -> None:
    legacy = orjson.loads(legacy_head.content)
    market = orjson.loads(marketplace_head.content)
    assert detect_format(legacy, legacy_head.locator) == "legacy"
    assert detect_format(market, marketplace_head.locator) == "marketplace"
    assert parse_snapshot(legacy_head).feed == "fedramp-legacy"
    assert parse_snapshot(marketplace_head).feed == "fedramp-marketplace"


def test_detects_legacy_bare_list() -> None:
    first = legacy_snapshots(count=1)[0]
    document = orjson.loads(first.content)
    assert isinstance(document["data"], list)
    assert detect_format(document, first.locator) == "legacy"
    parsed = parse_snapshot(first)
    with_id = [r for r in document["data"] if str(r.get("Package_ID") or "").strip()]
    assert len(parsed.groups) == len(with_id)
    missing = len(document["data"]) - len(with_id)
    assert parsed.unknown_fields.get("Providers[] without Package_ID", 0) == missing


@pytest.mark.parametrize(
    ("name", "kind", "feed"),
    [
        ("fedramp-products.json", "org-products", "fedramp-org-products"),
        ("fedramp-status-changelog.json", "org-status", "fedramp-org-status"),
    ],
)
def test_detects_org_exports(name: str, kind: str, feed: str) -> None:
    raw = read_file(ORG_EXPORT / name)
    assert detect_format(load_json(raw), raw.locator) == kind
    parsed = parse_snapshot(raw)
    assert parsed.feed == feed
    assert len(parsed.groups) == orjson.loads(raw.content)["metadata"]["total_products"]


@pytest.mark.parametrize(
    "document",
    [
        {"foo": []},
        {"data": {"Other": []}},
        {"products": "not a list or object"},
        [1, 2, 3],
        "text",
        None,
    ],
)
def test_unknown_shape_raises_snapshot_error(document: Any) -> None:
    raw = _raw(orjson.dumps(document), "somewhere/odd.json")
    with pytest.raises(SnapshotError) as caught:
        parse_snapshot(raw)
    assert caught.value.locator == "somewhere/odd.json"
    assert "somewhere/odd.json" in str(caught.value)
    assert "not a FedRAMP feed" in caught.value.reason


# ---------------------------------------------------------------- malformed snapshots


def test_one_byte_first_marketplace_snapshot() -> None:
    first = marketplace_snapshots(count=1)[0]
    assert len(first.content) == 1 and first.commit
    with pytest.raises(SnapshotError) as caught:
        parse_snapshot(first)
    error = caught.value
    assert isinstance(error, SourceError)
    assert first.commit in str(error)
    assert error.locator == first.locator
    position = re.search(r"\(byte (\d+) of (\d+)\)", error.reason)
    assert position is not None, error.reason
    assert int(position.group(2)) == 1
    assert 0 <= int(position.group(1)) <= 1


def test_truncated_snapshot_reports_line_and_column(
    legacy_head: RawSnapshot, tmp_path: Path
) -> None:
    cut = legacy_head.content[: len(legacy_head.content) // 2]
    path = tmp_path / "data.json"
    path.write_bytes(cut)
    with pytest.raises(SnapshotError) as caught:
        parse_snapshot(read_file(path))
    error = caught.value
    assert error.locator == str(path)
    # the error is at the end of the cut: its last line, one past that line's last character
    text = cut.decode("utf-8", errors="ignore")
    line = text.count("\n") + 1
    column = len(text) - (text.rfind("\n") + 1) + 1
    assert f"line {line}, column {column}" in error.reason, error.reason


def _control_char_after_non_ascii(content: bytes) -> tuple[bytes, int]:
    """A copy with one letter inside a description (after non-ASCII text) made a control
    character, and that letter's byte offset."""
    start = len(content) // 2
    at = content.index(b'"CSO_Description": "', start) + len(b'"CSO_Description": "') + 2
    assert chr(content[at]).isalpha()
    assert len(content[:at].decode("utf-8")) < at  # multi-byte characters come before
    return content[:at] + b"\x01" + content[at + 1 :], at


def test_control_character_is_a_snapshot_error(legacy_head: RawSnapshot) -> None:
    broken, _ = _control_char_after_non_ascii(legacy_head.content)
    with pytest.raises(SnapshotError, match="control character"):
        parse_snapshot(_raw(broken))


def test_error_position_is_a_byte_offset(legacy_head: RawSnapshot) -> None:
    broken, at = _control_char_after_non_ascii(legacy_head.content)
    with pytest.raises(SnapshotError) as caught:
        parse_snapshot(_raw(broken))
    assert f"(byte {at} of {len(broken)})" in caught.value.reason


# ---------------------------------------------------------------- quick identity


def _body(content: bytes) -> bytes:
    return content[content.index(b'"data"') :]


@pytest.fixture(scope="module")
def recent_legacy() -> list[RawSnapshot]:
    """The last 12 legacy snapshots (the feed stopped changing in 2024: daily re-stamps)."""
    return legacy_snapshots(first=-12)


def test_quick_identity_equal_for_restamped_body(recent_legacy: list[RawSnapshot]) -> None:
    pairs = [
        (a, b)
        for a, b in itertools.pairwise(recent_legacy)
        if _body(a.content) == _body(b.content) and a.content != b.content
    ]
    assert pairs, "no consecutive pair with an equal body"
    a, b = pairs[0]
    created_a = orjson.loads(a.content)["meta"]["Created_At"]
    created_b = orjson.loads(b.content)["meta"]["Created_At"]
    assert created_a != created_b
    digest_a, when_a = quick_identity(a.content)
    digest_b, when_b = quick_identity(b.content)
    assert digest_a is not None and digest_a == digest_b
    assert (when_a, when_b) == (_stamp(created_a), _stamp(created_b))


def test_quick_identity_differs_for_different_bodies() -> None:
    snapshots = legacy_snapshots(count=6)
    pairs = [
        (a, b)
        for a, b in itertools.pairwise(snapshots)
        if orjson.loads(a.content)["data"] != orjson.loads(b.content)["data"]
    ]
    assert pairs
    for a, b in pairs:
        assert quick_identity(a.content)[0] != quick_identity(b.content)[0]


def test_quick_identity_of_marketplace_and_exports(marketplace_head: RawSnapshot) -> None:
    digest, when = quick_identity(marketplace_head.content)
    assert digest is not None
    last_change = orjson.loads(marketplace_head.content)["meta"]["last_change"]
    eastern = dt.datetime.fromisoformat(last_change.replace("Z", "")).replace(tzinfo=US_EASTERN)
    assert when == eastern.astimezone(dt.UTC)
    for name in ("fedramp-products.json", "fedramp-status-changelog.json"):
        content = (ORG_EXPORT / name).read_bytes()
        digest, when = quick_identity(content)
        assert digest is not None
        assert when == _stamp(orjson.loads(content)["metadata"]["export_timestamp"])


@pytest.mark.parametrize("content", [b"\n", b"[]", b'{"other": 1}', b""])
def test_quick_identity_of_unusual_layout(content: bytes) -> None:
    assert quick_identity(content) == (None, None)


# ---------------------------------------------------------------- redaction


def _contact_keys(value: Any, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if CONTACT_KEY.search(key):
                found.add(key)
            _contact_keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _contact_keys(item, found)
    return found


def _without_contacts(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_contacts(v) for k, v in value.items() if not CONTACT_KEY.search(k)}
    if isinstance(value, list):
        return [_without_contacts(item) for item in value]
    return value


_PLACEHOLDER = re.compile(r"\[(?:e-mail|phone) removed\]")


def _masked_only(redacted: Any, original: Any) -> int:
    """``redacted`` equals ``original`` but for masked contact data (placeholders standing for
    text with an ``@`` or seven digits); the number of values masked."""
    if isinstance(original, dict):
        assert isinstance(redacted, dict) and list(redacted) == list(original)
        return sum(_masked_only(redacted[k], v) for k, v in original.items())
    if isinstance(original, list):
        assert isinstance(redacted, list) and len(redacted) == len(original)
        return sum(_masked_only(r, o) for r, o in zip(redacted, original, strict=True))
    if redacted == original:
        return 0
    assert isinstance(redacted, str) and isinstance(original, str)
    pieces = _PLACEHOLDER.split(redacted)
    pattern = "(.+?)".join(re.escape(piece) for piece in pieces)
    found = re.fullmatch(pattern, original, re.DOTALL)
    assert found, (original, redacted)
    for removed in found.groups():
        assert "@" in removed or len(re.sub(r"\D", "", removed)) >= 7, removed
    return 1


def test_redacted_json_removes_every_personal_field(
    legacy_head: RawSnapshot, marketplace_head: RawSnapshot
) -> None:
    contents = [
        legacy_head.content,
        marketplace_head.content,
        (ORG_EXPORT / "fedramp-products.json").read_bytes(),
    ]
    for content in contents:
        document = orjson.loads(content)
        assert _contact_keys(document, set())  # the real documents do hold contact fields
        redacted = orjson.loads(redacted_json(document))
        assert _contact_keys(redacted, set()) == set()
        assert not re.search(rb"[\w.-]+@[\w-]+\.[\w.-]+", redacted_json(document))
        # nothing else removed: free text that named a mailbox is masked, not dropped
        assert _masked_only(redacted, _without_contacts(document)) > 0


def test_redacted_legacy_bare_list() -> None:
    document = orjson.loads(legacy_snapshots(count=1)[0].content)
    redacted = orjson.loads(redacted_json(document))
    assert redacted == _without_contacts(document)
    assert len(redacted["data"]) == len(document["data"])
