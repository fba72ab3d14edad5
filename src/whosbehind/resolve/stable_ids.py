"""Org ids that stay stable across runs.

Each id of the previous run has an *heir*: the new cluster holding most of its old members
(ties: the cluster whose first member key sorts first). A cluster that is the heir of one old id
keeps it; the heir of several (a merge) keeps the oldest (issued by the earliest run, then the
smallest id) and the others become aliases of it; a cluster that is nobody's heir (new records,
or the smaller part of a split) gets a new id: ``org-`` and the first 10 hex digits of the
SHA-1 of its first member key, re-hashed with ``#1``, ``#2``... while that id was ever issued.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

ID_PREFIX = "org-"
_DIGITS = 10


@dataclass(frozen=True, slots=True)
class Assignment:
    ids: list[str]  # the org id of each cluster, in the clusters' order
    aliases: dict[str, str]  # old id -> surviving id, for merges made by this assignment
    new_ids: list[str]  # ids issued by this assignment


def new_id(first_member: str, taken: Collection[str]) -> str:
    """``org-`` + a short hash of ``first_member``, avoiding every id in ``taken``."""
    attempt = 0
    while True:
        seed = first_member if attempt == 0 else f"{first_member}#{attempt}"
        candidate = ID_PREFIX + hashlib.sha1(seed.encode()).hexdigest()[:_DIGITS]
        if candidate not in taken:
            return candidate
        attempt += 1


def assign_ids(
    clusters: Sequence[Sequence[str]],
    previous: Mapping[str, str],
    created: Mapping[str, int],
    taken: Collection[str] = (),
) -> Assignment:
    """Ids for ``clusters`` (lists of record keys) given the previous run's ``previous``
    (record key -> org id) and ``created`` (org id -> the run that issued it). ``taken`` holds
    every id ever issued (aliases included), which a new id must never reuse."""
    # old id -> (-count, first member, position): the smallest tuple is the heir
    heir: dict[str, tuple[int, str, int]] = {}
    for position, members in enumerate(clusters):
        if not members:
            continue
        first = min(members)
        for old, count in Counter(previous[k] for k in members if k in previous).items():
            rank = (-count, first, position)
            if old not in heir or rank < heir[old]:
                heir[old] = rank
    inherited: dict[int, list[str]] = {}
    for old, (_, _, position) in heir.items():
        inherited.setdefault(position, []).append(old)

    used = set(taken) | set(created) | set(previous.values())
    ids: list[str] = []
    aliases: dict[str, str] = {}
    issued: list[str] = []
    for position, members in enumerate(clusters):
        olds = inherited.get(position)
        if olds:
            keep = min(olds, key=lambda old: (created.get(old, 0), old))
            aliases.update({old: keep for old in olds if old != keep})
        else:
            keep = new_id(min(members), used)
            used.add(keep)
            issued.append(keep)
        ids.append(keep)
    return Assignment(ids, aliases, issued)
