"""Fellegi-Sunter weights learned without labels: expectation maximisation over candidate pairs.

``estimate(levels)`` takes the comparison levels of every candidate pair of a record set (the
registry's own records, as ``matching.scored_pairs`` pairs them) and fits a two-class mixture,
matches and non-matches, each a product of one categorical distribution per comparison
(conditional independence, as Fellegi and Sunter, and Splink, assume). Both ``m`` and ``u``
are estimated among the candidates, so the prior is the share of candidates that match, as in
``match_model.train``: the model scores candidate pairs, not random ones (``u`` from random
pairs would make every candidate look like a match, since blocking only keeps similar names).

The start is fixed, not random: matches put most weight on the first (strongest) level of each
comparison, non-matches spread evenly; the prior starts at one half. Each step adds half a
pseudo-count per level (as ``train``). A ``missing`` level weighs nothing, as in ``train``: it
is left out of the likelihood; so does a level no pair is at. The result is deterministic for
one input.

``fixed`` pairs (semi-supervised EM) have a known class: each counts in every M step as a
match or a non-match, whatever the E step says, beside the unlabelled pairs' expected classes.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from whosbehind.errors import UsageError
from whosbehind.resolve.match_features import COMPARISONS, ESTIMATED_TOGETHER, Levels
from whosbehind.resolve.match_model import MatchModel

MAX_ITERATIONS = 200
TOLERANCE = 1e-9
_SMOOTHING = 0.5
_FIRST_LEVEL_SHARE = 0.5  # the match class's starting share of each comparison's first level

Shares = dict[str, dict[str, float]]


Comparisons = Mapping[str, tuple[str, ...]]


def _start(comparisons: Comparisons) -> tuple[Shares, Shares]:
    m: Shares = {}
    u: Shares = {}
    for comparison, names in comparisons.items():
        levels = [level for level in names if level != "missing"]
        rest = (1 - _FIRST_LEVEL_SHARE) / (len(levels) - 1)
        m[comparison] = {level: rest for level in levels}
        m[comparison][levels[0]] = _FIRST_LEVEL_SHARE
        u[comparison] = {level: 1 / len(levels) for level in levels}
    return m, u


def _log_likelihoods(levels: tuple[str, ...], m: Shares, u: Shares) -> tuple[float, float]:
    log_m = log_u = 0.0
    for comparison, level in zip(m, levels, strict=True):
        if level == "missing":
            continue
        log_m += math.log(m[comparison][level])
        log_u += math.log(u[comparison][level])
    return log_m, log_u


def _shares(
    counts: Mapping[tuple[str, str], float], comparison: str, levels: Iterable[str]
) -> dict[str, float]:
    chosen = list(levels)
    total = sum(counts.get((comparison, level), 0.0) + _SMOOTHING for level in chosen)
    return {level: (counts.get((comparison, level), 0.0) + _SMOOTHING) / total for level in chosen}


def _grouped(
    comparisons: Comparisons, together: Mapping[str, Mapping[str, str]]
) -> dict[str, tuple[str, ...]]:
    """Each comparison's levels with the levels of one group (``ESTIMATED_TOGETHER``) as one."""
    out: dict[str, tuple[str, ...]] = {}
    for comparison, names in comparisons.items():
        groups = together.get(comparison, {})
        out[comparison] = tuple(dict.fromkeys(groups.get(level, level) for level in names))
    return out


def estimate(
    pairs: Iterable[Levels],
    comparisons: Comparisons = COMPARISONS,
    together: Mapping[str, Mapping[str, str]] = ESTIMATED_TOGETHER,
    fixed: Iterable[tuple[Levels, bool]] = (),
) -> tuple[MatchModel, int]:
    """The model EM fits to the candidate pairs' levels, and the number of iterations run.
    ``comparisons``: each comparison's levels, strongest first (``match_features.COMPARISONS``
    unless a variant adds levels). Levels of one group of ``together`` are one level, as
    ``match_model.train`` counts them: each alone is too rare to estimate. ``fixed``: pairs
    whose class is known (levels, is a match), counted as that class in every step."""
    groups = [together.get(c, {}) for c in comparisons]

    def group(levels: Levels) -> tuple[str, ...]:
        return tuple(g.get(level, level) for g, level in zip(groups, levels, strict=True))

    grouped = Counter(group(levels) for levels in pairs)
    known = Counter((group(levels), match) for levels, match in fixed)
    model, iterations = _estimate(grouped, _grouped(comparisons, together), known)
    weights = {
        comparison: {
            level: model.weights[comparison][together.get(comparison, {}).get(level, level)]
            for level in names
        }
        for comparison, names in comparisons.items()
    }
    return MatchModel(prior=model.prior, weights=weights), iterations


def _estimate(
    counted: Counter[tuple[str, ...]],
    comparisons: Comparisons,
    known: Counter[tuple[tuple[str, ...], bool]],
) -> tuple[MatchModel, int]:
    patterns = sorted(counted.items())  # one summation order for one input
    fixed = sorted(known.items())
    seen = {
        (c, level)
        for levels in [*(levels for levels, _ in patterns), *(levels for (levels, _), _ in fixed)]
        for c, level in zip(comparisons, levels, strict=True)
    }
    total = sum(count for _, count in patterns) + sum(count for _, count in fixed)
    if total < 2:
        raise UsageError(f"estimation needs candidate pairs, got {total}")
    m, u = _start(comparisons)
    prior = 0.5
    iterations = 0
    previous = -math.inf
    while iterations < MAX_ITERATIONS:
        iterations += 1
        counts_m: dict[tuple[str, str], float] = defaultdict(float)
        counts_u: dict[tuple[str, str], float] = defaultdict(float)
        expected_matches = likelihood = 0.0
        for levels, count in patterns:
            log_m, log_u = _log_likelihoods(levels, m, u)
            a, b = math.log(prior) + log_m, math.log(1 - prior) + log_u
            top = max(a, b)
            joint = top + math.log(math.exp(a - top) + math.exp(b - top))
            likelihood += count * joint
            p = math.exp(a - joint) * count
            expected_matches += p
            for comparison, level in zip(comparisons, levels, strict=True):
                counts_m[comparison, level] += p
                counts_u[comparison, level] += count - p
        for (levels, match), count in fixed:  # the class known: no E step
            log_m, log_u = _log_likelihoods(levels, m, u)
            likelihood += count * (
                math.log(prior) + log_m if match else math.log(1 - prior) + log_u
            )
            expected_matches += count if match else 0
            for comparison, level in zip(comparisons, levels, strict=True):
                (counts_m if match else counts_u)[comparison, level] += count
        prior = min(max(expected_matches / total, 1e-6), 1 - 1e-6)
        for comparison in comparisons:
            m[comparison] = _shares(counts_m, comparison, m[comparison])
            u[comparison] = _shares(counts_u, comparison, u[comparison])
        if likelihood - previous < TOLERANCE * abs(likelihood):
            break
        previous = likelihood
    weights = {
        comparison: {
            level: math.log(m[comparison][level] / u[comparison][level])
            if level != "missing" and (comparison, level) in seen
            else 0.0
            for level in names
        }
        for comparison, names in comparisons.items()
    }
    return MatchModel(prior=prior, weights=weights), iterations
