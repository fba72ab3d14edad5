"""A real store for registry tests: ICE's FY13-FY18 contracts (the 2018 export) and the FedRAMP
organization export's products, built once per session and copied for each test that writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.contracts import ICE_2018, SHARED_DATA, build
from tests.support.stores import build_store
from whosbehind.sources.fetch import read_file

FEDRAMP_PRODUCTS = SHARED_DATA / "fedramp" / "org-export" / "fedramp-products.json"
SEC_FOLDER = SHARED_DATA / "sec"


def build_contracts_and_fedramp(path: Path, *, fedramp: bool = True) -> Path:
    build(path, ICE_2018, agencies=False)
    if fedramp:
        add_fedramp(path)
    return path


def add_fedramp(path: Path) -> None:
    build_store(path, [read_file(FEDRAMP_PRODUCTS)])


def copy_store(source: Path, folder: Path, name: str = "store.duckdb") -> Path:
    target = folder / name
    shutil.copy(source, target)
    return target
