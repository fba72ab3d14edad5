"""A Fellegi-Sunter match model: a prior and one Bayes factor per comparison level.

The probability that a pair is one organization is the prior odds times the Bayes factor
``m / u`` of each comparison's level, where ``m`` is the share of true matches at that level and
``u`` the share of non-matches, both among blocking candidates (so the prior is the share of
candidates that match, not of all pairs). ``train`` counts them from labelled pairs with half a
pseudo-pair per level (Jeffreys), so a level seen only among matches weighs for a match, but
not infinitely. Levels grouped in ``match_features.ESTIMATED_TOGETHER`` share one count (and
so one weight): each is too rare to estimate alone. A ``missing`` level (one side lacks the
field) and a level never seen weigh nothing, as Splink's null levels do: absence is not
evidence, and weights learnt for it describe how the training set was assembled rather than
organizations.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from whosbehind.errors import UsageError
from whosbehind.resolve.match_features import COMPARISONS, ESTIMATED_TOGETHER, Levels


@dataclass(frozen=True, slots=True)
class MatchModel:
    """``prior``: P(match) for a candidate pair; ``weights[comparison][level]``: ln(m/u)."""

    prior: float
    weights: Mapping[str, Mapping[str, float]]

    def log_odds(self, levels: Levels) -> float:
        total = math.log(self.prior / (1 - self.prior))
        for comparison, level in zip(COMPARISONS, levels, strict=True):
            total += self.weights[comparison].get(level, 0.0)
        return total

    def probability(self, levels: Levels) -> float:
        odds = self.log_odds(levels)
        if odds < -700:
            return 0.0
        return 1 / (1 + math.exp(-odds))

    def explain(self, levels: Levels) -> str:
        """Each comparison's level and weight, as ``name=equal(+4.1)``, then the probability."""
        parts = [
            f"{comparison}={level}({self.weights[comparison].get(level, 0.0):+.1f})"
            for comparison, level in zip(COMPARISONS, levels, strict=True)
        ]
        return " ".join(parts) + f" p={self.probability(levels):.3f}"


def train(labelled: Iterable[tuple[Levels, bool]], *, smoothing: float = 0.5) -> MatchModel:
    """Estimate the prior and every level's ln(m/u) from (levels, is-a-match) pairs."""
    matches: Counter[tuple[str, str]] = Counter()
    others: Counter[tuple[str, str]] = Counter()
    n_match = n_other = 0
    for levels, is_match in labelled:
        counts = matches if is_match else others
        for comparison, level in zip(COMPARISONS, levels, strict=True):
            counts[comparison, _group(comparison, level)] += 1
        if is_match:
            n_match += 1
        else:
            n_other += 1
    if not n_match or not n_other:
        raise UsageError(
            f"training needs matches and non-matches, got {n_match} and {n_other} pairs"
        )
    weights: dict[str, dict[str, float]] = {}
    for comparison, names in COMPARISONS.items():
        k = len({_group(comparison, level) for level in names}) * smoothing
        weights[comparison] = {}
        for level in names:
            group = _group(comparison, level)
            seen_m, seen_u = matches[comparison, group], others[comparison, group]
            if level == "missing" or seen_m + seen_u == 0:
                weights[comparison][level] = 0.0
                continue
            m = (seen_m + smoothing) / (n_match + k)
            u = (seen_u + smoothing) / (n_other + k)
            weights[comparison][level] = math.log(m / u)
    return MatchModel(prior=n_match / (n_match + n_other), weights=weights)


def _group(comparison: str, level: str) -> str:
    return ESTIMATED_TOGETHER.get(comparison, {}).get(level, level)
