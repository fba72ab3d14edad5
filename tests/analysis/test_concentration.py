from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.analysis.concentration import concentration_ratio, hhi, shares


@given(st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=50))
def test_hhi_bounds(amounts: list[int]) -> None:
    values = shares(amounts)
    assert sum(values) == pytest.approx(1.0)
    assert 10_000 / len(amounts) - 1e-6 <= hhi(values) <= 10_000 + 1e-6
    assert concentration_ratio(values, 4) <= 1.0 + 1e-9


def test_known_values() -> None:
    assert hhi([0.5, 0.5]) == pytest.approx(5000)
    assert hhi([1.0]) == pytest.approx(10_000)
    assert concentration_ratio([0.1, 0.4, 0.2, 0.2, 0.1], 2) == pytest.approx(0.6)
    assert shares([0, 0]) == [0.0, 0.0]
