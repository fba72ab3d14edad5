"""Hypothesis strategies for hostile inputs: real documents with values swapped for wrong
types, placeholder dates, huge and deeply nested values, then truncated, corrupted or
re-encoded as bytes. Used by tests/pipeline/test_fuzz_readers.py."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from hypothesis import strategies as st

# examples per reader: few in the normal test run, 10,000 and more in a fuzz run
# (WHOSBEHIND_FUZZ_EXAMPLES=2000 python -m pytest tests/pipeline/test_fuzz_readers.py)
EXAMPLES = int(os.environ.get("WHOSBEHIND_FUZZ_EXAMPLES", "15"))
DEEP = "\x00DEEP\x00"  # replaced by 600 levels of nesting after serialising
HUGE = "\x00HUGE\x00"  # replaced by a 200 KB string

SPECIAL = st.sampled_from(
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01",
        "9999-12-31T23:59:59Z",
        "2020-02-30",
        "NaN",
        "\uff11\uff12\uff13",  # full-width digits
        "",
        " ",
        "[]",
        "['a', 'b']",
        "\u202e\ufeff",
        "a\x00b",
        DEEP,
        HUGE,
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    SPECIAL,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:4]):
            found += _paths(child, (*prefix, index))
    return found


def _set(document: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


@st.composite
def mutated_json(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one to three values replaced by hostile ones, or deleted."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        delete = draw(st.booleans()) and bool(path)
        document = _set(document, path, draw(JSON_VALUES), delete and draw(st.booleans()))
    return document


def to_bytes(document: Any) -> bytes:
    text = json.dumps(document, ensure_ascii=False)
    text = text.replace(json.dumps(DEEP), "[" * 600 + "]" * 600)
    text = text.replace(json.dumps(HUGE), json.dumps("x" * 200_000))
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def damaged(draw: st.DrawFn, content: bytes) -> bytes:
    """``content`` as is, truncated, with bytes flipped or junk inserted, or re-encoded."""
    action = draw(
        st.sampled_from(["keep", "keep", "truncate", "flip", "junk", "utf16", "bom", "latin1"])
    )
    if action == "truncate":
        return content[: draw(st.integers(0, max(len(content) - 1, 0)))]
    if action == "flip" and content:
        data = bytearray(content)
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if action == "junk":
        at = draw(st.integers(0, len(content)))
        return content[:at] + draw(st.binary(min_size=1, max_size=64)) + content[at:]
    if action == "utf16":
        return content.decode("utf-8", errors="replace").encode("utf-16")
    if action == "bom":
        return b"\xef\xbb\xbf" + content
    if action == "latin1":
        return content.decode("utf-8", errors="replace").encode("latin-1", errors="replace")
    return content


@st.composite
def csv_cells(draw: st.DrawFn) -> str:
    return draw(
        st.one_of(
            st.text(max_size=20),
            SPECIAL.filter(lambda value: value not in (DEEP,)).map(
                lambda value: "x" * 200_000 if value == HUGE else value
            ),
            st.sampled_from(['"', '""', "a\nb", "1e400", "-0", "12/31/1899", "$1,000.00"]),
        )
    )
