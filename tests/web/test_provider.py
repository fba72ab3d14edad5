"""The data version a page names: the newest good snapshot of each feed, the same for two
stores holding the same snapshots."""

from __future__ import annotations

from pathlib import Path

from tests.support.registry import copy_store
from whosbehind.store.engine import Engine
from whosbehind.web.provider import data_version


def test_of_two_snapshots_stamped_alike_the_version_names_the_later_one(
    store_path: Path, tmp_path: Path
) -> None:
    """Two good snapshots of a feed with the same record time (the real store, an earlier
    snapshot's time set to the newest's): the version names the later one, its number and
    digest together (``max_by`` on the time alone took the row its scan met first)."""
    with Engine(copy_store(store_path, tmp_path)) as engine:
        feed, seq, sha256, when = engine.connection.execute(
            "SELECT feed, seq, sha256, record_time FROM snapshot WHERE status = 'ok' "
            "AND feed = 'fedramp-legacy' ORDER BY record_time DESC LIMIT 1"
        ).fetchall()[0]
        first = engine.scalar(
            "SELECT min(seq) FROM snapshot WHERE status = 'ok' AND feed = ?", [feed]
        )
        assert first < seq
        engine.execute(
            "UPDATE snapshot SET record_time = ? WHERE feed = ? AND seq = ?", [when, feed, first]
        )
        found = {version.feed: version for version in data_version(engine).feeds}
    assert (found[feed].seq, found[feed].sha256) == (seq, sha256)
