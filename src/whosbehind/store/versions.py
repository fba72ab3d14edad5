"""Keep every observed version of every fact, writing only what changed.

Fact keys are unique per snapshot: a key met twice in one snapshot keeps its first fact and is
counted as a duplicate. ``FeedState`` holds, for one feed, the open versions (key -> hash,
row id) and which keys each source record produced. ``diff`` turns a parsed snapshot into
inserts and closes; the caller writes them in one transaction and then calls ``commit``, so
memory and store never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from whosbehind.model.facts import (
    Fact,
    ParsedSnapshot,
    RecordGroup,
    fact_columns,
    fact_key,
    fact_values,
    values_hash,
)
from whosbehind.model.snapshot_facts import SNAPSHOT_FACT_TYPES
from whosbehind.store.engine import Engine

TABLES: dict[str, type[Fact]] = {kind.TABLE: kind for kind in SNAPSHOT_FACT_TYPES}
Key = tuple[Any, ...]


@dataclass
class Changes:
    inserts: dict[str, list[tuple[str, int, str, Fact]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # table -> (group, row_id, hash, fact)
    closes: dict[str, list[tuple[Key, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # table -> (key, row_id)
    duplicates: int = 0

    @property
    def inserted(self) -> int:
        return sum(len(rows) for rows in self.inserts.values())

    @property
    def closed(self) -> int:
        return sum(len(ids) for ids in self.closes.values())


@dataclass
class RowIds:
    """The next row id, one counter for every feed one ingest reads: the feeds share tables,
    and a close names the row it closes by its id alone."""

    next: int = 1


@dataclass
class FeedState:
    """``open_values``: the values of the open versions this state inserted or saw unchanged
    (table -> key -> values), so that a fact equal to its open version is known unchanged
    without hashing it; a version loaded from the store has only its hash."""

    feed: str
    open_rows: dict[str, dict[Key, tuple[str, int]]]  # table -> key -> (hash, row_id)
    group_keys: dict[str, dict[str, set[Key]]]  # group -> table -> keys
    row_ids: RowIds
    raw_by_group: dict[str, object] = field(default_factory=dict)
    pending: tuple[dict[str, object], int] | None = None
    staged: dict[str, dict[str, set[Key]]] = field(default_factory=dict)
    open_values: dict[str, dict[Key, tuple[Any, ...]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    staged_values: list[tuple[str, Key, tuple[Any, ...]]] = field(default_factory=list)

    def diff(self, parsed: ParsedSnapshot) -> Changes:
        changes = Changes()
        new_raw: dict[str, object] = {}
        next_id = self.row_ids.next
        claimed: set[tuple[str, Key]] = set()
        previous_raw = self.raw_by_group
        by_name = {group.group: group for group in parsed.groups}
        repeated = _repeated_names(parsed.groups) if len(by_name) < len(parsed.groups) else {}
        for name, group in by_name.items():
            groups = repeated.get(name)
            raw = group.raw if groups is None else tuple(g.raw for g in groups)
            new_raw[name] = raw
            previous = previous_raw.get(name, _MISSING)
            if previous is not _MISSING and previous == raw:
                continue
            facts = parsed.facts_of(name, groups or (group,))
            next_id = self._diff_group(name, facts, changes, next_id, claimed)
        for gone in set(self.group_keys) - new_raw.keys():
            next_id = self._diff_group(gone, [], changes, next_id, claimed)
        self.pending = (new_raw, next_id)
        return changes

    def _diff_group(
        self,
        group: str,
        facts: Sequence[Fact],
        changes: Changes,
        next_id: int,
        claimed: set[tuple[str, Key]],
    ) -> int:
        old_keys = self.group_keys.get(group, {})
        new_keys: dict[str, set[Key]] = defaultdict(set)
        for fact in facts:
            table, key = fact.TABLE, fact_key(fact)
            if (table, key) in claimed:  # the same key twice in one snapshot: first kept
                changes.duplicates += 1
                continue
            claimed.add((table, key))
            new_keys[table].add(key)
            values = fact_values(fact)
            current = self.open_rows[table].get(key)
            if current and _same(self.open_values[table].get(key), values):
                continue  # equal values, of the same types: the same hash
            digest = values_hash(values)
            if current and current[0] == digest:
                self.staged_values.append((table, key, values))
                continue
            if current:
                changes.closes[table].append((key, current[1]))
            changes.inserts[table].append((group, next_id, digest, fact))
            next_id += 1
        for table, keys in old_keys.items():
            for key in keys - new_keys.get(table, set()):
                current = self.open_rows[table].get(key)
                if current:
                    changes.closes[table].append((key, current[1]))
        self.staged[group] = dict(new_keys)
        return next_id

    def commit(self, changes: Changes) -> None:
        """Make the written changes the new state (call after the transaction committed)."""
        for table, closed in changes.closes.items():
            rows, values = self.open_rows[table], self.open_values[table]
            for key, _ in closed:
                rows.pop(key, None)
                values.pop(key, None)
        for table, inserted in changes.inserts.items():
            rows, values = self.open_rows[table], self.open_values[table]
            for _, row_id, digest, fact in inserted:
                key = fact_key(fact)
                rows[key] = (digest, row_id)
                values[key] = fact_values(fact)
        for table, key, seen in self.staged_values:
            self.open_values[table][key] = seen
        self.staged_values.clear()
        for group, keys in self.staged.items():
            if any(keys.values()):
                self.group_keys[group] = keys
            else:
                self.group_keys.pop(group, None)
        self.staged.clear()
        assert self.pending is not None
        self.raw_by_group, self.row_ids.next = self.pending
        self.pending = None

    def rollback(self) -> None:
        self.staged.clear()
        self.staged_values.clear()
        self.pending = None


def _same(known: tuple[Any, ...] | None, values: tuple[Any, ...]) -> bool:
    """Whether ``values`` hash as ``known`` does: equal, and each of the same type (``1`` and
    ``True``, ``1`` and ``1.0`` are equal but print, and so hash, differently)."""
    return (
        known is not None and known == values and list(map(type, known)) == list(map(type, values))
    )


_MISSING = object()


def _repeated_names(groups: Sequence[RecordGroup]) -> dict[str, list[RecordGroup]]:
    """Records that share a group name (a package id listed twice) are diffed as one group."""
    merged: dict[str, list[RecordGroup]] = {}
    for group in groups:
        merged.setdefault(group.group, []).append(group)
    return {name: listed for name, listed in merged.items() if len(listed) > 1}


def load_state(engine: Engine, feed: str, row_ids: RowIds | None = None) -> FeedState:
    """The open versions of ``feed`` as the store holds them. ``row_ids``: the counter the
    other feeds of the same ingest number their new versions with."""
    open_rows: dict[str, dict[Key, tuple[str, int]]] = {table: {} for table in TABLES}
    group_keys: dict[str, dict[str, set[Key]]] = defaultdict(lambda: defaultdict(set))
    next_row_id = 1
    for table, kind in TABLES.items():
        key_sql = ", ".join(kind.KEY)
        found = engine.connection.execute(
            f"SELECT group_key, row_hash, row_id, {key_sql} FROM {table} "
            "WHERE feed = ? AND to_seq IS NULL",
            [feed],
        ).fetchall()
        for group, digest, row_id, *key in found:
            open_rows[table][tuple(key)] = (digest, row_id)
            group_keys[group][table].add(tuple(key))
        top = engine.scalar(f"SELECT max(row_id) FROM {table}")
        next_row_id = max(next_row_id, (top or 0) + 1)
    row_ids = row_ids or RowIds()
    row_ids.next = max(row_ids.next, next_row_id)
    return FeedState(feed, open_rows, {g: dict(t) for g, t in group_keys.items()}, row_ids)


def write_changes(engine: Engine, feed: str, seq: int, changes: Changes) -> None:
    """Insert new versions and close replaced ones. Call inside a transaction."""
    write_many(engine, [(feed, seq, changes)])


def write_many(engine: Engine, written: Sequence[tuple[str, int, Changes]]) -> None:
    """The changes of several snapshots (feed, seq, changes), oldest first, in one statement
    per table for the inserts and one for the closes. Call inside a transaction."""
    closes: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    inserts: dict[str, list[tuple[str, int, tuple[str, int, str, Fact]]]] = defaultdict(list)
    for feed, seq, changes in written:
        for table, closed in changes.closes.items():
            ids, seqs = closes[table]
            ids += [row_id for _, row_id in closed]
            seqs += [seq] * len(closed)
        for table, added in changes.inserts.items():
            inserts[table] += [(feed, seq, row) for row in added]
    for table, rows in inserts.items():  # first: a version may be closed in the same call
        columns: dict[str, list[Any]] = {
            "feed": [feed for feed, _, _ in rows],
            "group_key": [row[0] for _, _, row in rows],
            "row_id": [row[1] for _, _, row in rows],
            "row_hash": [row[2] for _, _, row in rows],
            "from_seq": [seq for _, seq, _ in rows],
        }
        for name in fact_columns(TABLES[table]):
            columns[name] = [getattr(row[3], name) for _, _, row in rows]
        engine.insert_arrow(table, pa.table(columns))
    for table, (ids, seqs) in closes.items():
        engine.connection.execute(
            f"UPDATE {table} SET to_seq = closed.to_seq "
            "FROM (SELECT unnest(?) AS row_id, unnest(?) AS to_seq) AS closed "
            f"WHERE {table}.row_id = closed.row_id",
            [ids, seqs],
        ).fetchall()
