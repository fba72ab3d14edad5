"""JSONPath literals: every string selects itself once its quote and backslashes are undone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from whosbehind.sources.fedramp.jsonpath import literal, where


def unquoted(text: str) -> str:
    """The string a single-quoted JSONPath literal stands for (read character by character)."""
    assert text[0] == text[-1] == "'"
    out, chars = [], iter(text[1:-1])
    for char in chars:
        if char == "\\":
            char = next(chars)
            assert char in "\\'"
        else:
            assert char != "'"  # every quote inside is escaped
        out.append(char)
    return "".join(out)


@given(st.text())
def test_every_string_is_quoted_and_read_back_as_itself(value: str) -> None:
    assert unquoted(literal(value)) == value


def test_numbers_bare_booleans_and_null_as_json_writes_them() -> None:
    assert [literal(v) for v in (7, 1.5, True, False, None)] == [
        "7",
        "1.5",
        "true",
        "false",
        "null",
    ]
    assert literal("America's \\ FR1 ") == "'America\\'s \\\\ FR1 '"
    assert where("$.data.Products", "id", "FR1") == "$.data.Products[?(@.id=='FR1')]"
