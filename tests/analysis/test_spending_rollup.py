"""spending_rollup.SQUARED_CENTS: HHI's numerator, exact, whatever the size of the amounts."""

from __future__ import annotations

from decimal import Decimal

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from whosbehind.analysis.contracts.spending_rollup import SQUARED_CENTS

# cents from below -10^15 to above 10^15 dollars, on both sides of the 10^13 switch to 64 bits
CENTS = st.one_of(
    st.integers(min_value=-(10**17), max_value=10**17),
    st.integers(min_value=10**15 - 1000, max_value=10**15 + 1000),
    st.integers(min_value=-1000, max_value=1000),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(CENTS, max_size=40))
def test_the_sum_of_squared_cents_of_the_positive_amounts_is_exact(cents: list[int]) -> None:
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    with duckdb.connect() as connection:
        connection.execute("CREATE TABLE g (amount DECIMAL(38,2))")
        if amounts:
            connection.executemany("INSERT INTO g VALUES (?)", [[a] for a in amounts])
        found = connection.execute(f"SELECT coalesce({SQUARED_CENTS}, 0) FROM g").fetchone()
    assert found is not None
    assert int(found[0]) == sum(c * c for c in cents if c > 0)
