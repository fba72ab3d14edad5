"""Blocking: which profiles the matcher compares at all, without comparing every pair.

Profiles with one ``signature`` (same key, identifiers, place and parent) compare alike, so only
one representative per signature takes part; the others are linked to it directly. The
representatives are put in blocks by:

- the first ``PREFIX`` characters of the compact key (spacing, truncation, equal keys);
- each of their ``RARE_TOKENS`` rarest key tokens, rarity counted over the representatives
  ("sherburne" joins "sherburne county" and "sherburne sheriff");
- each identifier (UEI, DUNS);
- a government name's core (``gov_names.core``), so that names written in another order meet,
  and the core's letters sorted (``gov_names.letters``), so that "BROADWATER" meets "BROAD
  WATER" in any order.

A block of up to ``MAX_BLOCK`` representatives is paired out in full. A larger one (a common
token or prefix, a DUNS with hundreds of names) is sorted by compact key and each member is
paired with the next ``WINDOW`` (sorted neighbourhood); it is counted in ``Blocking.windowed``.
Work is therefore at most ``MAX_BLOCK`` pairs per representative per block key: linear in the
number of records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from whosbehind.resolve.gov_names import letters
from whosbehind.resolve.match_features import Profile

PREFIX = 10
RARE_TOKENS = 2
MAX_BLOCK = 64
WINDOW = 8

Indexes = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Blocking:
    """``representative[i]``: the index of profile i's signature representative; ``left`` and
    ``right``: the candidate pairs of representatives (left < right), each once, sorted."""

    representative: list[int]
    left: Indexes
    right: Indexes
    windowed: int  # blocks over MAX_BLOCK, paired by sorted neighbourhood

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.left.tolist(), self.right.tolist(), strict=True))


def _block_keys(profile: Profile, frequency: Counter[str]) -> Iterator[str]:
    yield "c:" + profile.compact[:PREFIX]
    for _, token in sorted((frequency[t], t) for t in profile.tokens)[:RARE_TOKENS]:
        yield "t:" + token
    for identifier in profile.ids:
        yield "i:" + identifier
    if profile.core:
        yield "g:" + profile.core
        yield "l:" + letters(profile.core)


def block(profiles: Sequence[Profile]) -> Blocking:
    representative: list[int] = []
    first: dict[tuple[object, ...], int] = {}
    for i, profile in enumerate(profiles):
        representative.append(first.setdefault(profile.signature, i))
    reps = sorted(first.values())
    frequency: Counter[str] = Counter()
    for i in reps:
        frequency.update(profiles[i].tokens)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i in reps:
        for key in _block_keys(profiles[i], frequency):
            blocks[key].append(i)
    # Pairs as one integer each (i * n + j, i < j): a million records give millions of pairs.
    n = len(profiles)
    codes: list[int] = []
    windowed = 0
    for members in blocks.values():
        span = len(members)
        if span < 2:
            continue
        if span > MAX_BLOCK:
            windowed += 1
            members = sorted(members, key=lambda i: profiles[i].compact)
            for a, i in enumerate(members):
                for j in members[a + 1 : a + WINDOW + 1]:
                    codes.append(i * n + j if i < j else j * n + i)
            continue
        # members are in ascending order (reps are), so i < j
        for a, i in enumerate(members):
            base = i * n
            codes.extend([base + j for j in members[a + 1 :]])
    unique = np.array(codes, dtype=np.int64)
    unique.sort()
    if len(unique):
        unique = unique[np.concatenate(([True], unique[1:] != unique[:-1]))]
    return Blocking(representative, unique // max(n, 1), unique % max(n, 1), windowed)
