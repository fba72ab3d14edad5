"""Where a snapshot's bytes are publicly found: the locator a citation names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from whosbehind.sources.snapshot import public_of


@given(
    st.lists(st.text(alphabet="abc-_. 0123456789", min_size=1, max_size=8), min_size=1, max_size=4),
    st.sampled_from(["fy18.csv", "awards.zip!FY2018_070_Contracts_Full_1.csv"]),
)
def test_a_file_is_cited_by_its_name_wherever_it_was_read(folders: list[str], name: str) -> None:
    here = "/".join(["", *folders, name])
    elsewhere = "/".join(["C:", "data", name])
    assert public_of("file", here) == public_of("file", elsewhere) == name
    url = "https://api.usaspending.gov/api/v2/transactions/#0123456789abcdef"
    assert public_of("url", url) == url
