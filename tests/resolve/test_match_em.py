"""EM weights: recovered from pairs drawn (exactly, by expected counts) from a known mixture, and
sane on the real award statements."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from whosbehind.errors import UsageError
from whosbehind.resolve.labeled import read_awards
from whosbehind.resolve.labeled_records import award_statements
from whosbehind.resolve.match_em import estimate
from whosbehind.resolve.match_features import COMPARISONS, ESTIMATED_TOGETHER, Levels
from whosbehind.resolve.matching import profiles_of, scored_pairs

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contracts" / "ice-fy13-fy18"
)

# A known mixture over the first levels of each comparison (never "missing").
PRIOR = 0.3
M = {
    "name": {"equal": 0.6, "sort95": 0.25, "subset": 0.1, "sort80": 0.05},
    "ids": {"same": 0.7, "differ": 0.3},
    "place": {"city": 0.6, "state": 0.3, "differ": 0.1},
    "parent": {"same": 0.5, "differ": 0.5},
}
U = {
    "name": {"equal": 0.05, "sort95": 0.1, "subset": 0.35, "sort80": 0.5},
    "ids": {"same": 0.02, "differ": 0.98},
    "place": {"city": 0.1, "state": 0.3, "differ": 0.6},
    "parent": {"same": 0.1, "differ": 0.9},
}


def _mixture_pairs(total: int) -> list[Levels]:
    pairs: list[Levels] = []
    for combo in itertools.product(*(M[c] for c in COMPARISONS)):
        p_m = PRIOR * math.prod(M[c][lv] for c, lv in zip(COMPARISONS, combo, strict=True))
        p_u = (1 - PRIOR) * math.prod(U[c][lv] for c, lv in zip(COMPARISONS, combo, strict=True))
        levels: Levels = (combo[0], combo[1], combo[2], combo[3])
        pairs += [levels] * round((p_m + p_u) * total)
    return pairs


def test_estimate_recovers_a_known_mixture() -> None:
    model, iterations = estimate(_mixture_pairs(200_000))
    assert iterations > 1
    assert model.prior == pytest.approx(PRIOR, abs=0.01)
    for comparison, levels in M.items():
        for level, m in levels.items():
            expected = math.log(m / U[comparison][level])
            assert model.weights[comparison][level] == pytest.approx(expected, abs=0.1), (
                comparison,
                level,
            )


def test_missing_weighs_nothing_and_changes_nothing() -> None:
    pairs = _mixture_pairs(50_000)
    without_parent = [(n, i, p, "missing") for n, i, p, _ in pairs]
    model, _ = estimate(without_parent)
    assert model.weights["parent"]["missing"] == 0.0
    assert model.weights["name"]["sort90"] == 0.0  # no pair at that level: no evidence
    # no pair at "compact" either, but its group (ESTIMATED_TOGETHER) has: the group's weight
    assert model.weights["name"]["compact"] == model.weights["name"]["sort95"]
    assert model.weights["ids"]["same"] > 2 > 0 > model.weights["ids"]["differ"]


def test_estimate_is_deterministic() -> None:
    pairs = _mixture_pairs(20_000)
    assert estimate(pairs) == estimate(list(reversed(pairs)))


def test_estimate_needs_pairs() -> None:
    with pytest.raises(UsageError, match="candidate pairs"):
        estimate([])


@pytest.mark.skipif(not DATA.is_dir(), reason=f"real data not found at {DATA}")
def test_weights_learned_from_the_award_statements_order_the_levels() -> None:
    profiles = profiles_of(award_statements(read_awards(DATA)))
    model, _ = estimate(lv for _, _, lv in scored_pairs(profiles, duplicates=False))
    name, ids, place = model.weights["name"], model.weights["ids"], model.weights["place"]
    assert name["equal"] > 0 > name["sort80"]
    assert name["equal"] > name["subset"]
    assert ids["same"] > 0 > ids["differ"]
    assert place["city"] > place["state"] > place["differ"]


def test_levels_estimated_together_share_one_weight() -> None:
    """EM counts the levels of one ``ESTIMATED_TOGETHER`` group as one, as ``train`` does: the
    fit on pairs split between two levels of a group equals the fit with all of them at one."""
    pairs = _mixture_pairs(2000)
    split = [
        (("compact" if n % 3 else "core"), *rest) if name == "sort95" else (name, *rest)
        for n, (name, *rest) in enumerate(pairs)
    ]
    merged, _ = estimate(pairs)
    grouped, _ = estimate(split)  # type: ignore[arg-type]
    near = [grouped.weights["name"][level] for level in ("compact", "sort95", "truncated", "core")]
    assert len(set(near)) == 1
    assert near[0] == pytest.approx(merged.weights["name"]["sort95"])
    assert grouped.prior == pytest.approx(merged.prior)
    assert grouped.weights["name"]["equal"] == pytest.approx(merged.weights["name"]["equal"])


def _counted(labelled: list[tuple[Levels, bool]]) -> tuple[float, dict[str, dict[str, float]]]:
    """Prior and ln(m/u) counted on pairs of known class, each level's share (a group of
    ``ESTIMATED_TOGETHER`` as one level) smoothed by half a count among the comparison's levels:
    what EM's M step does, written out here."""
    weights: dict[str, dict[str, float]] = {}
    for index, (comparison, names) in enumerate(COMPARISONS.items()):
        group = ESTIMATED_TOGETHER.get(comparison, {})
        levels = list(dict.fromkeys(group.get(lv, lv) for lv in names if lv != "missing"))
        shares = []
        for match in (True, False):
            at = [group.get(p[index], p[index]) for p, m in labelled if m is match]
            total = len(at) + 0.5 * len(levels)
            shares.append({lv: (at.count(lv) + 0.5) / total for lv in levels})
        seen = {group.get(p[index], p[index]) for p, _ in labelled}
        weights[comparison] = {
            lv: math.log(shares[0][group.get(lv, lv)] / shares[1][group.get(lv, lv)])
            if group.get(lv, lv) in seen
            else 0.0
            for lv in names
            if lv != "missing"
        }
    return sum(m for _, m in labelled) / len(labelled), weights


def test_pairs_of_known_class_count_as_that_class() -> None:
    labelled: list[tuple[Levels, bool]] = [
        (("equal", "same", "city", "same"), True),
        (("equal", "differ", "state", "same"), True),
        (("sort80", "same", "city", "differ"), True),
        (("sort80", "differ", "differ", "differ"), False),
        (("subset", "differ", "city", "differ"), False),
        (("equal", "differ", "differ", "differ"), False),
        (("subset", "same", "state", "differ"), False),
    ]
    # fixed pairs only: each M step counts them, whatever the parameters were
    model, iterations = estimate([], fixed=labelled)
    prior, weights = _counted(labelled)
    assert iterations <= 3 and model.prior == pytest.approx(prior)
    for comparison, levels in weights.items():
        for level, weight in levels.items():
            assert model.weights[comparison][level] == pytest.approx(weight), (comparison, level)
    # beside unlabelled pairs: no fixed pair leaves the fit as it was; matches at a level raise
    # its weight over the unsupervised fit's
    pairs = _mixture_pairs(20_000)
    assert estimate(pairs, fixed=[]) == estimate(pairs)
    unsupervised, _ = estimate(pairs)
    sure = [(("sort80", "same", "city", "same"), True)] * 2_000
    semi, _ = estimate(pairs, fixed=sure)
    assert semi.weights["name"]["sort80"] > unsupervised.weights["name"]["sort80"]
    assert semi.prior > unsupervised.prior
