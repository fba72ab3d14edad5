"""Property-based fuzzing of every reader (issue 11): hostile variants of real documents (wrong
types, placeholder dates, huge and 600-deep values, truncations, flipped bytes, odd encodings)
go through the real ingest, followed by a good item. The invariant, for every example: the run
completes, the good item is stored whole, and the bad one is recorded (stored or failed, with a
reason). The normal test run tries a few examples per reader; a fuzz run sets
WHOSBEHIND_FUZZ_EXAMPLES (docs/reliability.md reports the last one)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ORG_EXPORT, legacy_snapshots, marketplace_snapshots
from tests.support.contracts import API_RESPONSES, FPDS_PAGES, ICE_2018, ICE_LOCAL_GOV
from tests.support.fuzz import EXAMPLES, csv_cells, damaged, mutated_json, to_bytes
from tests.support.stores import live_facts, parsed_facts
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.pipeline.contracts.job import ContractIngest
from whosbehind.pipeline.contracts.summary import ContractIngestSummary
from whosbehind.pipeline.ingest_fedramp import FedrampIngest
from whosbehind.sources.fpds import metadata as fpds_metadata
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.sources.usaspending import metadata
from whosbehind.store.engine import Engine

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
WHEN = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
SLOWEST: dict[str, float] = {}  # the longest example per reader (a hang shows here)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    opened = Engine(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")
    opened.execute("SET threads = 1")
    ContractIngest(opened)  # every table, fedramp's and contracts'
    yield opened
    opened.close()


def _reset(engine: Engine) -> None:
    tables = engine.rows(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
    )
    for row in tables:
        engine.execute(f'DELETE FROM "{row["table_name"]}"')


def _timed(reader: str, started: float) -> None:
    took = time.monotonic() - started
    SLOWEST[reader] = max(SLOWEST.get(reader, 0.0), took)
    assert took < 120, f"{reader}: one example took {took:.0f} s"
    log = os.environ.get("WHOSBEHIND_FUZZ_LOG")
    if log:  # one line per example that held the invariant, for long fuzz runs
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{reader}\t{took:.3f}\n")


def _recorded(engine: Engine, sha256: str) -> list[dict[str, Any]]:
    return engine.rows("SELECT status, error FROM snapshot WHERE sha256 = ?", [sha256])


def _assert_recorded(engine: Engine, sha256: str) -> None:
    rows = _recorded(engine, sha256)
    assert rows, "the bad item left no trace"
    for row in rows:
        assert row["status"] in ("ok", "failed", "held", "skipped", "duplicate")
        assert row["status"] == "ok" or row["error"]


# ---------------------------------------------------------------- FedRAMP feeds


def _small(document: dict[str, Any], lists: dict[str, int]) -> dict[str, Any]:
    small = json.loads(json.dumps(document))
    data = small.get("data", small)
    for name, count in lists.items():
        container = data if name in data else small
        if isinstance(container.get(name), list):
            container[name] = container[name][:count]
        elif isinstance(container.get(name), dict):
            container[name] = dict(list(container[name].items())[:count])
    return small


def _fedramp_bases() -> dict[str, tuple[dict[str, Any], str]]:
    legacy = orjson.loads(legacy_snapshots(first=3000, count=1)[0].content)
    market = orjson.loads(marketplace_snapshots(first=1200, count=1)[0].content)
    products = orjson.loads((ORG_EXPORT / "fedramp-products.json").read_bytes())
    status = orjson.loads((ORG_EXPORT / "fedramp-status-changelog.json").read_bytes())
    market_small = _small(market, {"Products": 4, "Assessors": 2, "Agencies": 2})
    kept = {p["id"] for p in market_small["data"]["Products"]}
    for name in ("AtoMapping", "ReuseMapping"):
        rows = market_small["data"].get(name) or []
        market_small["data"][name] = [r for r in rows if r.get("id") in kept][:6]
    for name in ("Metrics", "Filters"):
        market_small["data"].pop(name, None)
    return {
        "legacy": (_small(legacy, {"Providers": 4, "Assessors": 2}), "data/data.json"),
        "marketplace": (market_small, "data.json"),
        "org-products": (_small(products, {"products": 4}), "fedramp-products.json"),
        "org-status": (_small(status, {"products": 4}), "fedramp-status-changelog.json"),
    }


BASES = _fedramp_bases()


def _fedramp_example(engine: Engine, format_name: str, bad_document: Any, bad_bytes: bytes) -> None:
    started = time.monotonic()
    _reset(engine)
    base, name = BASES[format_name]
    bad = RawSnapshot(f"/fuzz/bad/{name}", bad_bytes, WHEN)
    good = RawSnapshot(f"/fuzz/good/{name}", to_bytes(base), WHEN + dt.timedelta(days=1))
    job = FedrampIngest(engine)
    job.add(bad)
    job.add(good)
    _assert_recorded(engine, bad.sha256)
    rows = engine.rows(
        "SELECT status, feed, seq FROM snapshot WHERE sha256 = ? AND status = 'ok'", [good.sha256]
    )
    if rows:
        assert live_facts(engine, rows[0]["feed"], rows[0]["seq"]) == parsed_facts(good)
    else:  # only a bad snapshot claiming a later time than the good one may shadow it
        later = engine.scalar("SELECT max(record_time) FROM snapshot WHERE status = 'ok'")
        assert later is not None and later >= good.fallback_time
    _timed(format_name, started)


@st.composite
def fedramp_inputs(draw: st.DrawFn) -> tuple[str, Any, bytes]:
    format_name = draw(st.sampled_from(sorted(BASES)))
    document = draw(mutated_json(BASES[format_name][0]))
    return format_name, document, draw(damaged(to_bytes(document)))


@FUZZ
@given(fedramp_inputs())
def test_fedramp_readers(engine: Engine, example: tuple[str, Any, bytes]) -> None:
    _fedramp_example(engine, *example)


# ---------------------------------------------------------------- contract files and pages


def _contract_job(engine: Engine) -> ContractIngest:
    _reset(engine)
    job = ContractIngest(engine)
    job.summary = ContractIngestSummary()
    return job


def _csv_rows(path: Path, count: int) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))[: count + 1]


CSV_BASES = {
    "awards-2018": _csv_rows(ICE_2018 / "fy13.csv", 3),
    "award-summaries": _csv_rows(ICE_LOCAL_GOV / "us-local-gov-ice-contracts.csv", 3),
}


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


@st.composite
def csv_inputs(draw: st.DrawFn) -> tuple[str, bytes]:
    layout = draw(st.sampled_from(sorted(CSV_BASES)))
    rows = [list(row) for row in CSV_BASES[layout]]
    for _ in range(draw(st.integers(0, 4))):
        row = draw(st.integers(1, len(rows) - 1))
        action = draw(st.sampled_from(["cell", "cell", "cell", "drop", "add", "junk"]))
        if action == "cell" and rows[row]:
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(csv_cells())
        elif action == "drop" and rows[row]:
            rows[row].pop()
        elif action in ("add", "cell"):  # a cell of a row that lost all of them: a new one
            rows[row].append(draw(csv_cells()))
        else:
            rows.insert(row, [draw(st.text(max_size=40))])
    return layout, draw(damaged(_csv_bytes(rows)))


def _store_good_csv(engine: Engine, job: ContractIngest, folder: Path, layout: str) -> None:
    good = folder / f"good-{layout}.csv"
    content = _csv_bytes(CSV_BASES[layout])
    good.write_bytes(content)
    job.add_csv(good)  # already seen when the bad file was the good one, unchanged
    status = engine.scalar(
        "SELECT status FROM snapshot WHERE sha256 = ? AND status = 'ok'",
        [hashlib.sha256(content).hexdigest()],
    )
    awards = engine.scalar("SELECT count(*) FROM contract_award")
    assert status == "ok" and awards >= 1, "the good file after the bad one was not stored"


@FUZZ
@given(csv_inputs())
def test_usaspending_csv_reader(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, example: tuple[str, bytes]
) -> None:
    started = time.monotonic()
    layout, content = example
    folder = tmp_path_factory.mktemp("csv")
    job = _contract_job(engine)
    bad = folder / "bad.csv"
    bad.write_bytes(content)
    job.add_csv(bad)
    assert engine.scalar("SELECT count(*) FROM snapshot WHERE locator = ?", [str(bad)]) == 1
    _store_good_csv(engine, job, folder, layout)
    _timed("csv", started)


@FUZZ
@given(csv_inputs(), st.data())
def test_zip_archives(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    example: tuple[str, bytes],
    data: st.DataObject,
) -> None:
    started = time.monotonic()
    layout, content = example
    folder = tmp_path_factory.mktemp("zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("a-good.csv", _csv_bytes(CSV_BASES[layout]))
        bundle.writestr("b-fuzzed.csv", content)
    archive = folder / "bad.zip"
    archive.write_bytes(data.draw(damaged(buffer.getvalue())))
    job = _contract_job(engine)
    job.add_csv(archive)
    assert engine.scalar("SELECT count(*) FROM snapshot WHERE locator LIKE ?", [f"{archive}%"])
    _store_good_csv(engine, job, folder, layout)
    _timed("zip", started)


API_BASES = {
    name: json.loads((API_RESPONSES / name).read_text())
    for name in (
        "spending_by_award_contracts.json",
        "awards/contract.json",
        "awards/transactions.json",
        "awards/idv_awards.json",
        "recipient_university.json",
    )
}


@FUZZ
@given(st.sampled_from(sorted(API_BASES)), st.data())
def test_usaspending_api_responses(engine: Engine, name: str, data: st.DataObject) -> None:
    started = time.monotonic()
    document = data.draw(mutated_json(API_BASES[name]))
    content = data.draw(damaged(to_bytes(document)))
    job = _contract_job(engine)
    bad = RawSnapshot(f"/fuzz/bad/{name}", content, WHEN)
    good = RawSnapshot(f"/fuzz/good/{name}", to_bytes(API_BASES[name]), WHEN)
    job.add_page(bad, metadata.FEED_API)
    _assert_recorded(engine, bad.sha256)
    job.add_page(good, metadata.FEED_API)
    assert [r["status"] for r in _recorded(engine, good.sha256)] in (["ok"], ["skipped"])
    assert job.summary.failed <= 1 and job.summary.snapshots_read == 2
    _timed("api", started)


FPDS_BASE = (FPDS_PAGES / "full_response.xml").read_bytes()


@st.composite
def fpds_inputs(draw: st.DrawFn) -> bytes:
    content = FPDS_BASE
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["text", "deep", "tag"]))
        at = content.find(b">", draw(st.integers(0, len(content) - 1))) + 1
        if action == "text" and at:
            end = content.find(b"<", at)
            value = draw(csv_cells()).encode("utf-8", errors="surrogatepass")
            content = content[:at] + value + content[end if end > at else at :]
        elif action == "deep" and at:
            content = content[:at] + b"<a>" * 600 + b"</a>" * 600 + content[at:]
        elif at:
            content = (
                content[:at]
                + draw(st.sampled_from([b"<", b"</x>", b"&bogus;", b"<![CDATA["]))
                + content[at:]
            )
    return draw(damaged(content))


@FUZZ
@given(fpds_inputs())
def test_fpds_atom_pages(engine: Engine, content: bytes) -> None:
    started = time.monotonic()
    job = _contract_job(engine)
    bad = RawSnapshot("/fuzz/bad/page.xml", content, WHEN)
    good = RawSnapshot("/fuzz/good/page.xml", FPDS_BASE, WHEN)
    job.add_page(bad, fpds_metadata.FEED)
    _assert_recorded(engine, bad.sha256)
    if good.sha256 != bad.sha256:
        job.add_page(good, fpds_metadata.FEED)
        assert [r["status"] for r in _recorded(engine, good.sha256)] == ["ok"]
    assert engine.scalar("SELECT count(*) FROM contract_transaction") > 0
    _timed("fpds", started)


def test_report_the_slowest_examples() -> None:
    """Prints the longest example per reader (run with -s to see it in a fuzz run)."""
    print("slowest example per reader (s):", {k: round(v, 2) for k, v in SLOWEST.items()})
    assert all(took < 120 for took in SLOWEST.values())


# ---------------------------------------------------------------- folder ingest

ENTRY_KINDS = (
    "fuzzed-csv",
    "fuzzed-json",
    "fuzzed-fedramp",
    "empty",
    "folder-named-like-a-file",
    "link-out",
    "link-in",
    "dangling-link",
    "linked-folder",
    "zip",
)
NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), max_size=30
)


@st.composite
def folder_inputs(draw: st.DrawFn) -> list[tuple[str, str, bytes]]:
    """Entries of a folder: (kind, name, content), the name with a suffix the readers want."""
    entries = []
    for index in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(ENTRY_KINDS))
        suffix = draw(st.sampled_from([".csv", ".CSV", ".zip", ".json", ".txt"]))
        name = f"{index}-{draw(NAMES)}"[:60] + suffix
        content = b""
        if kind == "fuzzed-csv":
            content = draw(csv_inputs())[1]
        elif kind == "fuzzed-json":
            api = API_BASES[draw(st.sampled_from(sorted(API_BASES)))]
            content = draw(damaged(to_bytes(draw(mutated_json(api)))))
        elif kind == "fuzzed-fedramp":
            content = draw(fedramp_inputs())[2]
        elif kind == "zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as bundle:
                bundle.writestr(f"{draw(NAMES)}.csv", draw(csv_inputs())[1])
            content = draw(damaged(buffer.getvalue()))
        entries.append((kind, name, content))
    return entries


def _make_folder(root: Path, entries: list[tuple[str, str, bytes]]) -> Path:
    folder, outside = root / "in", root / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.json").write_bytes(to_bytes(BASES["legacy"][0]))
    for kind, name, content in entries:
        path = folder / name
        if kind == "folder-named-like-a-file":
            path.mkdir()
            (path / "inner.csv").write_bytes(_csv_bytes(CSV_BASES["awards-2018"]))
        elif kind == "link-out":
            path.symlink_to(outside / "secret.json")
        elif kind == "link-in":
            path.symlink_to(folder / "good.csv")
        elif kind == "dangling-link":
            path.symlink_to(root / "nowhere")
        elif kind == "linked-folder":
            path.symlink_to(outside, target_is_directory=True)
        else:
            path.write_bytes(content)
    (folder / "good.csv").write_bytes(_csv_bytes(CSV_BASES["award-summaries"]))
    (folder / "good.json").write_bytes(to_bytes(BASES["marketplace"][0]))
    return folder


def _accounted(engine: Engine, folder: Path, suffixes: tuple[str, ...], skipped: set[str]) -> None:
    """Every file the folder holds with one of ``suffixes`` was read (recorded under its name,
    as members of it, or as the same bytes as another file) or reported skipped; a link out
    of the folder is never read."""
    rows = engine.rows("SELECT locator, sha256 FROM snapshot")
    locators = {row["locator"] for row in rows}
    digests = {row["sha256"] for row in rows}
    for path in folder.iterdir():
        if path.suffix.lower() not in suffixes:
            continue
        if path.is_dir():
            continue  # a folder (or a link to one) named like a file is not one
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            assert str(path) in skipped, f"{path}: a link out, not reported skipped"
            assert not any(name.startswith(str(path)) for name in locators), path
        elif path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            read = str(path) in locators or digest in digests
            read = read or any(name.startswith(f"{path}!") for name in locators)
            assert read or str(path) in skipped, f"{path} neither read nor reported skipped"


@FUZZ
@given(folder_inputs())
def test_folder_ingest(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, entries: list[tuple[str, str, bytes]]
) -> None:
    started = time.monotonic()
    folder = _make_folder(tmp_path_factory.mktemp("folder"), entries)
    _reset(engine)
    summary = ingest_usaspending(engine, folder)
    _accounted(engine, folder, (".csv", ".zip", ".json"), {p for p, _ in summary.skipped_files})
    good = hashlib.sha256((folder / "good.csv").read_bytes()).hexdigest()
    statuses = engine.rows("SELECT status FROM snapshot WHERE sha256 = ?", [good])
    assert {"status": "ok"} in statuses, "the good file was not stored"
    _reset(engine)
    fedramp = FedrampIngest(engine).run(str(folder))
    skipped = {key.split(": skipped, ")[0] for key in fedramp.warnings if ": skipped, " in key}
    _accounted(engine, folder, (".json",), skipped)
    for path in folder.iterdir():  # sub-folders are read, linked ones are not entered
        if path.is_symlink() and path.is_dir():
            assert str(path) in skipped, f"{path}: a linked folder, not reported skipped"
    _timed("folder", started)
