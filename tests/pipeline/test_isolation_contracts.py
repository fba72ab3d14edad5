"""One bad contract item, never the run: a zip member with a bad CRC, an encrypted member, a zip
bomb, a cell over 128 KiB, an API response or FPDS page that breaks a reader. Each is recorded
as failed with where and why; the archive's other members and the other files are stored."""

from __future__ import annotations

import csv
import io
import shutil
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.contracts import API_RESPONSES, FPDS_PAGES, ICE_2018, ICE_LOCAL_GOV
from whosbehind.pipeline.contracts import job as contracts_job
from whosbehind.pipeline.contracts.ingest import ingest_fpds, ingest_usaspending
from whosbehind.pipeline.contracts.summary import ContractIngestSummary
from whosbehind.pipeline.work_folder import work_folder_of
from whosbehind.pipeline.zip_limits import MAX_RATIO
from whosbehind.store.engine import Engine

LOCAL_GOV = ICE_LOCAL_GOV / "us-local-gov-ice-contracts.csv"


def _ingest(store: Path, source: Path) -> tuple[ContractIngestSummary, list[dict[str, Any]]]:
    engine = Engine(store)
    try:
        summary = ingest_usaspending(engine, source)
        rows = engine.rows("SELECT locator, status, error FROM snapshot ORDER BY locator")
    finally:
        engine.close()
    return summary, rows


def _name(locator: str) -> str:
    return locator.rsplit("!", 1)[-1]


def _archive(path: Path, members: dict[str, bytes], stored: bool = True) -> Path:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compression=method) as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    return path


def _patch_member(archive: Path, member: str, patch: Any) -> None:
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as bundle:
        info = bundle.getinfo(member)
    patch(data, info)
    archive.write_bytes(bytes(data))


def _members() -> dict[str, bytes]:
    return {
        "fy13.csv": (ICE_2018 / "fy13.csv").read_bytes(),
        "fy14.csv": (ICE_2018 / "fy14.csv").read_bytes(),
    }


def test_a_member_with_a_bad_crc_fails_alone(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "FY2014_7012_Contracts_Full_20180801.zip", _members())

    def flip(data: bytearray, info: zipfile.ZipInfo) -> None:
        header = info.header_offset
        name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
        body = header + 30 + name_length + extra_length
        data[body + 1000] ^= 0x01  # one byte of fy13.csv's content, stored uncompressed

    _patch_member(archive, "fy13.csv", flip)
    summary, rows = _ingest(tmp_path / "s.duckdb", archive)
    by_name = {_name(row["locator"]): row for row in rows}
    assert summary.failed == 1 and summary.snapshots_stored == 1
    assert by_name["fy13.csv"]["status"] == "failed" and "CRC" in by_name["fy13.csv"]["error"]
    assert by_name["fy14.csv"]["status"] == "ok" and summary.transactions_inserted == 193


def test_an_encrypted_member_fails_alone(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "contracts.zip", _members())

    def encrypt_flag(data: bytearray, info: zipfile.ZipInfo) -> None:
        data[info.header_offset + 6] |= 0x01  # local header: general purpose flags
        central = data.rfind(
            b"PK\x01\x02" + data[data.find(b"PK\x01\x02") + 4 : data.find(b"PK\x01\x02") + 6]
        )
        position = data.find(b"PK\x01\x02")
        while position >= 0:
            name_length = struct.unpack("<H", data[position + 28 : position + 30])[0]
            name = bytes(data[position + 46 : position + 46 + name_length])
            if name == info.filename.encode():
                data[position + 8] |= 0x01
            position = data.find(b"PK\x01\x02", position + 4)
        del central

    _patch_member(archive, "fy14.csv", encrypt_flag)
    summary, rows = _ingest(tmp_path / "s.duckdb", archive)
    by_name = {_name(row["locator"]): row for row in rows}
    assert by_name["fy14.csv"]["status"] == "failed" and "encrypted" in by_name["fy14.csv"]["error"]
    assert by_name["fy13.csv"]["status"] == "ok" and summary.transactions_inserted == 157


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(tmp_path: Path) -> None:
    bomb = b"0" * (MAX_RATIO * 20_000 + 4 * 1024 * 1024)  # compresses about 1000:1
    archive = _archive(tmp_path / "contracts.zip", {**_members(), "bomb.csv": bomb}, stored=False)
    summary, rows = _ingest(tmp_path / "s.duckdb", archive)
    by_name = {_name(row["locator"]): row for row in rows}
    assert (
        by_name["bomb.csv"]["status"] == "failed"
        and f"{MAX_RATIO}:1" in by_name["bomb.csv"]["error"]
    )
    assert summary.snapshots_stored == 2


def test_a_bomb_whose_header_lies_is_stopped_while_extracting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHOSBEHIND_MAX_EXPANDED", "100000")
    archive = _archive(tmp_path / "contracts.zip", _members(), stored=False)
    summary, rows = _ingest(tmp_path / "s.duckdb", archive)
    # both members are over 100,000 bytes expanded: refused, named, nothing written
    assert summary.failed == 2 and all("100,000" in row["error"] for row in rows)
    assert not work_folder_of(tmp_path / "s.duckdb").exists()


def test_a_killed_run_leaves_no_extraction_folder_behind(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    leftover = work_folder_of(store)
    leftover.mkdir()
    (leftover / "member-0123.csv").write_bytes(b"x" * 1000)  # what a kill -9 left
    archive = _archive(tmp_path / "contracts.zip", _members())
    summary, _ = _ingest(store, archive)
    assert summary.snapshots_stored == 2 and not leftover.exists()


def test_a_cell_over_128_kib_in_a_valid_row_is_read(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(LOCAL_GOV.read_text(encoding="utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:6]
    column = (
        header.index("transaction_description")
        if "transaction_description" in header
        else header.index("prime_award_base_transaction_description")
    )
    body[1][column] = "long description " * 10_000  # 170 KB
    path = tmp_path / "long.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, *body])
    summary, stored = _ingest(tmp_path / "s.duckdb", path)
    assert summary.failed == 0 and summary.rows_quarantined == 0
    assert stored[0]["status"] == "ok" and summary.awards_inserted == 5


def test_a_stray_quote_does_not_make_every_junk_line_swallow_the_file(tmp_path: Path) -> None:
    # each rejected record is read again only up to the next one: 200 junk lines, 200 rows
    # quarantined, and the valid rows after them stored
    lines = LOCAL_GOV.read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "junk.csv"
    junk = 'junk "with a stray quote\n' * 200
    path.write_text(lines[0] + "\n" + junk + "\n".join(lines[1:3]) + "\n")
    summary, stored = _ingest(tmp_path / "s.duckdb", path)
    assert stored[0]["status"] == "ok" and summary.awards_inserted == 2
    assert summary.rows_quarantined == 200
    assert {q.line for q in summary.quarantine} == set(range(2, 202))


def test_a_page_that_breaks_a_reader_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "responses"
    shutil.copytree(API_RESPONSES, folder)
    (folder / "deep.json").write_bytes(
        b'{"results": '
        + b"[" * 600
        + b"]" * 600
        + b', "page_metadata": {"page": 1, "hasNext": false}}'
    )
    real = contracts_job.parse_api_snapshot

    def parse(raw: Any) -> Any:
        if raw.locator.endswith("recipient_university.json"):
            raise TypeError("unexpected null")
        return real(raw)

    monkeypatch.setattr(contracts_job, "parse_api_snapshot", parse)
    summary, rows = _ingest(tmp_path / "s.duckdb", folder)
    failed = {Path(row["locator"]).name: row["error"] for row in rows if row["status"] == "failed"}
    assert "TypeError: unexpected null" in failed["recipient_university.json"]
    # the award search page (the other page that holds contract records) is still stored
    assert summary.snapshots_stored == 1 and summary.failed == 1
    assert summary.snapshots_read == len(list(folder.glob("*.json")))
    assert "deep.json" in {Path(row["locator"]).name for row in rows}


def test_a_broken_fpds_page_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(FPDS_PAGES, folder)
    (folder / "a-broken.xml").write_bytes(b"<feed><entry>" * 300)
    engine = Engine(tmp_path / "f.duckdb")
    summary = ingest_fpds(engine, folder)
    engine.close()
    assert summary.failed >= 1 and summary.snapshots_stored >= 1
    assert any("a-broken.xml" in error for error in summary.errors)
