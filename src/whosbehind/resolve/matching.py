"""The probabilistic name matcher: blocking candidates scored by a Fellegi-Sunter model.

``match_records(records)`` normalizes each record once (``match_features.profile_of``), blocks
(``blocking.block``), compares every candidate pair (``match_features.compare``) and scores it
with ``DEFAULT_MODEL`` (``match_weights``: m/u counted on the analysts' labelled ICE names; see
docs/benchmarks.md for how it was chosen and how it scores held out). Pairs at or above
``MATCH_THRESHOLD`` are the same organization; from ``REVIEW_THRESHOLD`` up to it they are
uncertain and go to ``whosbehind review``.

Records with one comparison signature (equal name key, identifiers, place, parent) are matched
once, through their first record; the registry joins them by name key or identifier. A record
without a name (a parent known only by its DUNS) is never paired: it joins by identifier only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from operator import attrgetter

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from whosbehind.model.bulk import paused_gc
from whosbehind.model.orgs import MatchedPair, OrgRecord
from whosbehind.resolve.blocking import Indexes, block
from whosbehind.resolve.gov_names import CORE_RATIO, letters
from whosbehind.resolve.match_features import (
    TRUNCATED_AT,
    Levels,
    Profile,
    compare_names_first,
    profile_of,
)
from whosbehind.resolve.match_model import MatchModel
from whosbehind.resolve.match_weights import DEFAULT_MODEL, FITTED_THRESHOLD
from whosbehind.resolve.names import NormalizedName, normalize_name
from whosbehind.resolve.term_frequency import descriptor_words

MATCH_THRESHOLD = FITTED_THRESHOLD  # best F1 on the labelled ICE sets; see match_weights
REVIEW_THRESHOLD = 0.2
METHOD = "fellegi-sunter"
Floats = npt.NDArray[np.float64]


def cached_normalizer(size: int = 1 << 20) -> Callable[[str], NormalizedName]:
    """``normalize_name`` with a cache: real record sets repeat names many times."""
    return lru_cache(maxsize=size)(normalize_name)


def profiles_of(records: Sequence[OrgRecord]) -> list[Profile]:
    """One profile per record; records that say the same thing share the normalization work."""
    with paused_gc():
        return _profiles_of(records)


def _profiles_of(records: Sequence[OrgRecord]) -> list[Profile]:
    normalize = cached_normalizer()
    made: dict[tuple[str | None, ...], tuple[object, ...]] = {}
    profiles = []
    make = Profile._make
    for record in records:
        said = _said(record)
        rest = made.get(said)
        if rest is None:
            known = profile_of(record, normalize)
            made[said] = known[1:]
            profiles.append(known)
        else:
            profiles.append(make((record.record_key, *rest)))
    return profiles


# What a record says that its profile reads (all but the record key), in one C call.
_said: Callable[[OrgRecord], tuple[str | None, ...]] = attrgetter(
    "name", "uei", "duns", "city", "state", "parent_name", "parent_uei", "parent_duns"
)


def scored_pairs(
    profiles: Sequence[Profile],
    *,
    only: Collection[str] | None = None,
    duplicates: bool = True,
) -> list[tuple[int, int, Levels]]:
    """Every candidate pair (indexes into ``profiles``) with its comparison levels, except
    pairs whose names share nothing (``match_features.compare_names_first``).

    ``duplicates``: also each record whose signature an earlier record has, paired with that
    record (see ``match_profiles`` for why the matcher leaves them out).

    The name comparisons that decide most pairs are made for all pairs at once (rapidfuzz
    ``cpdist``); only pairs that may be above ``other`` are compared one by one. The
    descriptor words of the ``descriptor`` level are counted on ``profiles``' name keys.
    """
    blocking = block(profiles)
    left, right = blocking.left, blocking.right
    if duplicates:
        reps = np.array(blocking.representative, dtype=np.int64)
        copies = np.flatnonzero(reps != np.arange(len(reps), dtype=np.int64))
        left = np.concatenate([left, reps[copies]])
        right = np.concatenate([right, copies])
    named = np.array([p.raw_length > 0 for p in profiles], dtype=bool)
    if len(left) and not named.all():
        both = named[left] & named[right]
        left, right = left[both], right[both]
    if only is not None:
        wanted = set(only)
        keep = np.array([p.record_key in wanted for p in profiles], dtype=bool)
        inside = keep[left] | keep[right] if len(left) else np.zeros(0, dtype=bool)
        left, right = left[inside], right[inside]
    ratios = _ratios(profiles, left, right)
    describing = descriptor_words(p.key for p in profiles)
    scored = []
    for n in np.flatnonzero(_maybe_named_alike(profiles, left, right, ratios)).tolist():
        i, j = int(left[n]), int(right[n])
        levels = compare_names_first(profiles[i], profiles[j], float(ratios[n]), describing)
        if levels is not None:
            scored.append((i, j, levels))
    return scored


def _ratios(profiles: Sequence[Profile], left: Indexes, right: Indexes) -> Floats:
    """``token_sort_ratio`` of each pair's keys, 0 below 80 (as ``name_level`` computes it)."""
    if not len(left):
        return np.zeros(0, dtype=np.float64)
    # token_sort_ratio is ratio over the tokens sorted: sort each key's tokens once
    sorted_keys: dict[str, str] = {}
    for profile in profiles:
        if profile.key not in sorted_keys:
            sorted_keys[profile.key] = " ".join(sorted(profile.key.split()))
    keys = np.array([sorted_keys[p.key] for p in profiles], dtype=object)
    ratios: Floats = cpdist(
        keys[left].tolist(),
        keys[right].tolist(),
        scorer=fuzz.ratio,
        score_cutoff=80,
        dtype=np.float64,
    )
    return ratios


def _maybe_named_alike(
    profiles: Sequence[Profile], left: Indexes, right: Indexes, ratios: Floats
) -> npt.NDArray[np.bool_]:
    """False only for pairs whose name level is surely ``other``: keys and compact keys differ,
    government cores are not ``gov_names.same_core`` (neither the same letters nor a ratio of
    ``CORE_RATIO``), the ratio is below 80, neither raw name
    may be a truncated one, and neither key's tokens are a subset of the other's
    (``token_set_ratio`` is 100 exactly then, for non-empty keys)."""
    if not len(left):
        return np.zeros(0, dtype=bool)
    keys = np.array([p.key for p in profiles], dtype=object)
    compact = np.array([p.compact for p in profiles], dtype=object)
    cores = np.array([p.core for p in profiles], dtype=object)
    special = np.array([p.raw_length == TRUNCATED_AT or not p.tokens for p in profiles], dtype=bool)
    alike: npt.NDArray[np.bool_] = (ratios > 0) | special[left] | special[right]
    alike |= np.asarray(keys[left] == keys[right], dtype=bool)
    alike |= np.asarray(compact[left] == compact[right], dtype=bool)
    governed = np.flatnonzero(~alike & (cores[left] != "") & (cores[right] != ""))
    if len(governed):
        spelled = {
            core: letters(core) for core in set(cores[left[governed]]) | set(cores[right[governed]])
        }
        same_letters = np.array(
            [spelled[cores[left[g]]] == spelled[cores[right[g]]] for g in governed.tolist()],
            dtype=bool,
        )
        alike[governed[same_letters]] = True
        near = cpdist(
            cores[left[governed]].tolist(),
            cores[right[governed]].tolist(),
            scorer=fuzz.ratio,
            score_cutoff=CORE_RATIO,
            dtype=np.float64,
        )
        alike[governed[near > 0]] = True
    rest = np.flatnonzero(~alike)
    if len(rest):
        subset = cpdist(
            keys[left[rest]].tolist(),
            keys[right[rest]].tolist(),
            scorer=fuzz.token_set_ratio,
            score_cutoff=100,
            dtype=np.float64,
        )
        alike[rest[subset >= 100]] = True
    return alike


def match_records(
    records: Sequence[OrgRecord],
    *,
    only: Collection[str] | None = None,
    model: MatchModel = DEFAULT_MODEL,
    floor: float = REVIEW_THRESHOLD,
) -> list[MatchedPair]:
    """Scored candidate pairs with probability >= ``floor``, strongest first.

    With ``only``, just the pairs with at least one record key in it (incremental runs: the
    other records still take part in blocking).
    """
    return match_profiles(profiles_of(records), only=only, model=model, floor=floor)


def match_profiles(
    profiles: Sequence[Profile],
    *,
    only: Collection[str] | None = None,
    model: MatchModel = DEFAULT_MODEL,
    floor: float = REVIEW_THRESHOLD,
) -> list[MatchedPair]:
    """``match_records`` for profiles already made (``profiles_of``).

    Records with one signature (``Profile.signature``: equal name key, identifiers, place and
    parent) are not paired with each other: only their first record is matched. The registry
    joins them by their equal name key or identifiers; pairing each would add one pair per
    record, most of the work at a million records.
    """
    with paused_gc():
        return _match_profiles(profiles, only=only, model=model, floor=floor)


def _match_profiles(
    profiles: Sequence[Profile],
    *,
    only: Collection[str] | None,
    model: MatchModel,
    floor: float,
) -> list[MatchedPair]:
    # A model has a few hundred level combinations: score each once.
    scores: dict[Levels, tuple[float, str]] = {}
    matched = []
    for i, j, levels in scored_pairs(profiles, only=only, duplicates=False):
        scored = scores.get(levels)
        if scored is None:
            scored = scores[levels] = (model.probability(levels), model.explain(levels))
        probability, detail = scored
        if probability >= floor:
            left, right = profiles[i].record_key, profiles[j].record_key
            if right < left:
                left, right = right, left
            matched.append(MatchedPair(left, right, probability, METHOD, detail))
    matched.sort(key=lambda p: (-p.probability, p.left_key, p.right_key))
    return matched
