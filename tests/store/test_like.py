"""LIKE patterns built from user text match that text literally."""

from __future__ import annotations

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.store import like

texts = st.text(st.sampled_from("ab_%\\\\ "), max_size=8)


@given(texts, texts)
def test_contains_matches_exactly_the_values_that_contain_the_text(text: str, value: str) -> None:
    connection = duckdb.connect()
    found = connection.execute(
        f"SELECT ? LIKE ? {like.ESCAPE}", [value, like.contains(text)]
    ).fetchall()
    assert found == [(text in value,)]
