"""Locate the recorded FPDS ATOM pages (``../shared/data/fpds-atom`` beside the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="session")
def fpds_pages() -> Path:
    folder = SHARED_DATA / "fpds-atom"
    assert folder.is_dir(), f"real test data not found at {folder}"
    return folder
