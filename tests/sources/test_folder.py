"""Folder ingest reads what the folder holds and never follows a link out of it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ORG_EXPORT
from tests.support.contracts import ICE_2018
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.pipeline.ingest_fedramp import ingest_fedramp
from whosbehind.sources.fetch import iter_folder
from whosbehind.sources.folder import list_folder
from whosbehind.store.engine import Engine


def _folder(tmp_path: Path) -> tuple[Path, Path]:
    inside, outside = tmp_path / "in", tmp_path / "out"
    (inside / "sub").mkdir(parents=True)
    outside.mkdir()
    shutil.copy(ORG_EXPORT / "fedramp-products.json", inside / "products.json")
    shutil.copy(ORG_EXPORT / "fedramp-status-changelog.json", outside / "secret.json")
    (inside / "leak.json").symlink_to(outside / "secret.json")
    (inside / "alias.json").symlink_to(inside / "products.json")
    (inside / "sub" / "up.json").symlink_to(outside / "secret.json")
    (inside / "away").symlink_to(outside, target_is_directory=True)
    return inside, outside


def test_links_out_of_the_folder_are_skipped_with_the_reason(tmp_path: Path) -> None:
    inside, outside = _folder(tmp_path)
    listing = list_folder(inside, lambda path: path.suffix == ".json", recursive=True)
    assert listing.files == [inside / "alias.json", inside / "products.json"]
    target = (outside / "secret.json").resolve()
    assert listing.skipped == [
        (inside / "away", "a linked folder (links are not followed)"),
        (inside / "leak.json", f"a link to {target}, outside the folder"),
        (inside / "sub" / "up.json", f"a link to {target}, outside the folder"),
    ]
    skipped: list[tuple[Path, str]] = []
    read = list(iter_folder(inside, skipped=lambda path, why: skipped.append((path, why))))
    assert [raw.locator for raw in read] == [
        str(inside / "alias.json"),
        str(inside / "products.json"),
    ]
    assert skipped == listing.skipped


def test_fedramp_ingest_of_a_folder_reports_the_links_it_skipped(tmp_path: Path) -> None:
    inside, _ = _folder(tmp_path)
    engine = Engine(tmp_path / "f.duckdb")
    try:
        summary = ingest_fedramp(engine, str(inside))
        locators = [r["locator"] for r in engine.rows("SELECT locator FROM snapshot")]
    finally:
        engine.close()
    assert summary.skipped == 3
    assert not [locator for locator in locators if "leak" in locator or "up.json" in locator]
    assert any("leak.json: skipped, a link to" in warning for warning in summary.warnings)


def test_contract_ingest_of_a_folder_reports_the_links_it_skipped(tmp_path: Path) -> None:
    folder, outside = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    outside.mkdir()
    shutil.copy(ICE_2018 / "fy13.csv", folder / "fy13.csv")
    shutil.copy(ICE_2018 / "fy14.csv", outside / "fy14.csv")
    (folder / "fy14.csv").symlink_to(outside / "fy14.csv")
    engine = Engine(tmp_path / "c.duckdb")
    try:
        summary = ingest_usaspending(engine, folder)
    finally:
        engine.close()
    assert summary.snapshots_stored == 1
    reason = f"a link to {(outside / 'fy14.csv').resolve()}, outside the folder"
    assert (str(folder / "fy14.csv"), reason) in summary.skipped_files
