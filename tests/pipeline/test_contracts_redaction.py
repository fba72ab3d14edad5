"""No personal contact data reaches the store: not in stored descriptions, not in the raw copies,
not in what ``awards --json`` prints. Counts are checked against the raw files read here."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.contracts import API_RESPONSES, FY_FILES, ICE_2018
from whosbehind.cli.app import app
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.sources import jsonwrite
from whosbehind.store.engine import Engine

# an address as a reader would spot one (not the masker's own pattern)
ADDRESS = re.compile(r"[\w.'+-]+@[\w-]+(?:\.[\w-]+)+")
# ten digits, grouped 3-3-4 by separators, or together but not a numbered reference (AAP# ...)
PHONE = re.compile(
    r"\(?\b[2-9][0-9]{2}\)?[ .-][0-9]{3}[ .-]?[0-9]{4}\b|(?<!# )(?<!#)\b[2-9][0-9]{9}\b"
)
runner = CliRunner(env={"COLUMNS": "250"})


def _cells(path: Path) -> list[list[str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8-sig") as stream:
        return list(csv.reader(stream))


def test_stored_descriptions_hold_no_address_or_phone(ice_store: Path) -> None:
    engine = Engine(ice_store, read_only=True)
    try:
        descriptions = [
            row["description"]
            for row in engine.rows("SELECT description FROM contract_award")
            if row["description"]
        ]
    finally:
        engine.close()
    assert not [text for text in descriptions if ADDRESS.search(text)]
    assert not [text for text in descriptions if PHONE.search(text)]
    assert sum("[e-mail removed]" in text for text in descriptions) > 50


def test_raw_copies_are_masked_and_counted(ice_store: Path) -> None:
    in_files = sum(
        len(ADDRESS.findall(cell)) for name in FY_FILES for row in _cells(ICE_2018 / name)
        for cell in row
    )  # fmt: skip
    engine = Engine(ice_store, read_only=True)
    try:
        copies = engine.rows(
            "SELECT r.content FROM raw_object r JOIN snapshot s USING (sha256) "
            "WHERE s.feed = 'usaspending-csv'"
        )
        masked = engine.scalar(
            "SELECT sum(count) FROM audit_field WHERE feed = 'usaspending-csv' "
            "AND path = '(masked) e-mail'"
        )
    finally:
        engine.close()
    assert len(copies) == len(FY_FILES)
    for copy in copies:
        text = gzip.decompress(copy["content"]).decode()
        assert not ADDRESS.search(text)
    assert masked == in_files == 181


def test_awards_json_prints_no_address(ice_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(ice_store, db)
    result = runner.invoke(app, ["--db", str(db), "awards", "--agency", "7012", "--top",
                                 "100000", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert len(rows) > 1000 and any("[e-mail removed]" in (r["description"] or "") for r in rows)
    assert not ADDRESS.search(result.output)


def test_api_copies_drop_injected_contact_fields(tmp_path: Path) -> None:
    detail = json.loads((API_RESPONSES / "awards" / "contract.json").read_text())
    detail["recipient"]["phone"] = "202-555-0143"
    detail["recipient"]["contact_email"] = "jane.doe@example.com"
    detail["point_of_contact"] = {"name": "Jane Doe", "Email": "jane.doe@example.com"}
    detail["description"] += " COR: JANE DOE, JANE.DOE@NASA.GOV, (202) 358-0001."
    nested: object = {"note": "call 301-286-2000"}
    for _ in range(600):  # a recursive walk failed near 500 levels
        nested = [nested]
    detail["extra"] = nested
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "contract.json").write_bytes(jsonwrite.dumps(detail))
    engine = Engine(tmp_path / "api.duckdb")
    try:
        summary = ingest_usaspending(engine, tmp_path / "api")
        copy = gzip.decompress(engine.scalar("SELECT content FROM raw_object")).decode()
        stored = engine.scalar("SELECT description FROM contract_award")
        audit = {r["path"]: r["count"] for r in engine.rows("SELECT * FROM audit_field")}
    finally:
        engine.close()
    assert summary.snapshots_stored == 1
    assert "jane.doe" not in copy.lower() and "point_of_contact" not in copy
    assert "202-555-0143" not in copy and "301-286" not in copy and "358-0001" not in copy
    assert stored.endswith("COR: [name removed], [e-mail removed], [phone removed].")
    assert "JANE DOE" not in copy and audit["(masked) name"] == 1
    # phone, contact_email, point_of_contact, and the recording's own executive_details
    assert audit["(removed) field"] == 4 and audit["(masked) e-mail"] == 1
    assert audit["(masked) phone"] == 2
    assert '"piid":"' + detail["piid"] + '"' in copy


@pytest.mark.parametrize("name", ["fy15.csv"])
def test_nothing_but_contact_data_changes_in_a_copy(ice_store: Path, name: str) -> None:
    original = _cells(ICE_2018 / name)
    engine = Engine(ice_store, read_only=True)
    try:
        content = engine.scalar(
            "SELECT r.content FROM raw_object r JOIN snapshot s USING (sha256) "
            "WHERE s.locator LIKE ?",
            [f"%{name}"],
        )
    finally:
        engine.close()
    copy = list(csv.reader(io.StringIO(gzip.decompress(content).decode(), newline="")))
    changed = 0
    for before, after in zip(original, copy, strict=True):
        for old, new in zip(before, after, strict=True):
            if old != new:
                changed += 1
                assert new == "" or "removed]" in new, (old, new)
    assert changed > 0
