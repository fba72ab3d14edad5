"""Locate the real public data the USAspending tests read (``../shared/data`` beside the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED_DATA.is_dir(), f"real test data not found at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def ice_2018(shared_data: Path) -> Path:
    return shared_data / "contracts" / "ice-fy13-fy18"


@pytest.fixture(scope="session")
def ice_local_gov(shared_data: Path) -> Path:
    return shared_data / "contracts" / "ice-local-gov"


@pytest.fixture(scope="session")
def api_responses(shared_data: Path) -> Path:
    return shared_data / "usaspending-api"
