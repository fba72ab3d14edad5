"""Versioning semantics on small hand-made facts."""

from __future__ import annotations

from pathlib import Path

from whosbehind.model.facts import ParsedSnapshot, RecordGroup
from whosbehind.model.fedramp import RunsOn
from whosbehind.store.engine import Engine
from whosbehind.store.schema import create_all
from whosbehind.store.versions import load_state, write_changes


def snapshot(edges: dict[str, list[str]]) -> ParsedSnapshot:
    groups = [
        RecordGroup(
            f"offering:{pid}",
            tuple(targets),
            lambda pid=pid, targets=targets: [RunsOn(pid, t, "$") for t in targets],
        )
        for pid, targets in edges.items()
    ]
    return ParsedSnapshot("test", None, groups)


def apply(engine: Engine, seq: int, edges: dict[str, list[str]]) -> tuple[int, int]:
    state = load_state(engine, "test")
    changes = state.diff(snapshot(edges))
    with engine.transaction():
        write_changes(engine, "test", seq, changes)
    state.commit(changes)
    return changes.inserted, changes.closed


def rows(engine: Engine) -> list[tuple[str, str, int, int | None]]:
    sql = "SELECT package_id, underlying_id, from_seq, to_seq FROM fedramp_runs_on ORDER BY 1, 2, 3"
    return [tuple(r) for r in engine.connection.execute(sql).fetchall()]


def test_intervals_open_close_and_reopen(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "v.duckdb")
    create_all(engine)
    assert apply(engine, 1, {"A": ["X", "Y"], "B": ["X"]}) == (3, 0)
    assert apply(engine, 2, {"A": ["X", "Y"], "B": ["X"]}) == (0, 0)  # unchanged: no writes
    assert apply(engine, 3, {"A": ["X"], "B": ["X"]}) == (0, 1)  # A stops running on Y
    assert apply(engine, 4, {"A": ["X"]}) == (0, 1)  # B disappears
    assert apply(engine, 5, {"A": ["X", "Y"], "B": ["X"]}) == (2, 0)  # both come back
    assert rows(engine) == [
        ("A", "X", 1, None),
        ("A", "Y", 1, 3),
        ("A", "Y", 5, None),
        ("B", "X", 1, 4),
        ("B", "X", 5, None),
    ]
    engine.close()


def test_duplicate_keys_in_one_snapshot_keep_the_first(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "d.duckdb")
    create_all(engine)
    state = load_state(engine, "test")
    parsed = ParsedSnapshot(
        "test",
        None,
        [
            RecordGroup("offering:A", 1, lambda: [RunsOn("A", "X", "first")]),
            RecordGroup("offering:A", 2, lambda: [RunsOn("A", "X", "second")]),
        ],
    )
    changes = state.diff(parsed)
    assert changes.inserted == 1 and changes.duplicates == 1
    engine.close()


def test_a_failed_write_leaves_memory_and_store_as_they_were(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "f.duckdb")
    create_all(engine)
    apply(engine, 1, {"A": ["X"]})
    state = load_state(engine, "test")
    changes = state.diff(snapshot({"A": ["Y"]}))
    try:
        with engine.transaction():
            write_changes(engine, "test", 2, changes)
            raise RuntimeError("killed")
    except RuntimeError:
        state.rollback()
    assert rows(engine) == [("A", "X", 1, None)]
    assert apply(engine, 2, {"A": ["Y"]}) == (1, 1)
    engine.close()
