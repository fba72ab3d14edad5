"""A command that needs data the store does not hold says, in one line, which data is missing
and the command that loads it: no DuckDB traceback, exit 2. Every reading command is tried on
a FedRAMP-only store (the quickstart's result) and on a contracts-only store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.contracts import ICE_2018, build
from tests.support.stores import build_store
from whosbehind.errors import MissingDataError
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.missing import what_is_missing

CONTRACTS = "no contract data in this store; load it with `whosbehind ingest usaspending"
AGENCIES = "no agency list in this store; load it with `whosbehind ingest agencies FILE`"
REGISTRY = "no organization registry in this store; load it with `whosbehind resolve`"
FEDRAMP = "no FedRAMP snapshot in this store; load it with `whosbehind ingest fedramp`"

# On a store with FedRAMP data only: (command, what it must say is missing).
FEDRAMP_ONLY: list[tuple[list[str], str]] = [
    (["agency", "7012"], AGENCIES),
    (["spending", "--by", "recipient"], CONTRACTS),
    (["spending", "--by", "recipient", "--agency", "7012"], AGENCIES),
    (["spending", "--by", "parent"], CONTRACTS),
    (["awards"], CONTRACTS),
    (["awards", "--agency", "7012"], AGENCIES),
    (["path", "7012", "Amazon"], AGENCIES),
    (["export", "--format", "ftm", "--agency", "7012", "--out", "x.json"], AGENCIES),
    (["org", "Amazon"], REGISTRY),
    (["org", "explain", "Amazon", "fedramp:amazon"], REGISTRY),
    (["review"], REGISTRY),
]
# On a store with contract data only.
CONTRACTS_ONLY: list[tuple[list[str], str]] = [
    (["fedramp", "share"], FEDRAMP),
    (["fedramp", "timeline"], FEDRAMP),
    (["fedramp", "offering", "Palantir"], FEDRAMP),
    (["fedramp", "runs-on", "Amazon"], FEDRAMP),
    (["fedramp", "changes", "--from", "2023-01-01"], FEDRAMP),
]


@pytest.fixture(scope="module")
def fedramp_only(tmp_path_factory: pytest.TempPathFactory, marketplace_head: RawSnapshot) -> Path:
    db = tmp_path_factory.mktemp("fedramp-only") / "store.duckdb"
    build_store(db, [marketplace_head])
    return db


@pytest.fixture(scope="module")
def contracts_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("contracts-only") / "store.duckdb"
    build(db, ICE_2018 / "fy18.csv")
    return db


def _run(db: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHOSBEHIND_")}
    return subprocess.run(
        [sys.executable, "-m", "whosbehind", "--db", str(db), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        input="",
    )


def _check(db: Path, cases: list[tuple[list[str], str]], cwd: Path) -> None:
    wrong = []
    for args, message in cases:
        done = _run(db, args, cwd)
        said = done.stderr.strip()
        if done.returncode != 2 or len(said.splitlines()) != 1 or message not in said:
            wrong.append(f"whosbehind {' '.join(args)}: exit {done.returncode}: {said[-800:]}")
    assert not wrong, "\n".join(wrong)


def test_fedramp_only_store_names_the_missing_data_and_its_command(
    fedramp_only: Path, tmp_path: Path
) -> None:
    _check(fedramp_only, FEDRAMP_ONLY, tmp_path)


def test_contracts_only_store_names_the_missing_fedramp_data(
    contracts_only: Path, tmp_path: Path
) -> None:
    _check(contracts_only, CONTRACTS_ONLY, tmp_path)


def test_every_table_family_maps_to_a_loading_command() -> None:
    for table, loads in (
        ("fedramp_offering", "ingest fedramp"),
        ("contract_award", "ingest usaspending"),
        ("contract_transaction", "ingest fpds"),
        ("contract_agency", "ingest agencies"),
        ("org_member", "resolve"),
        ("snapshot", "ingest"),
    ):
        missing, load = what_is_missing(table)
        assert missing.startswith("no ") and loads in load
        assert "load it with" in str(MissingDataError(missing, load))
