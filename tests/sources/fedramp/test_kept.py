"""Facts kept from the last build while their rows stay the same JSON, on real legacy records."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from tests.conftest import legacy_snapshots
from whosbehind.model.timeutil import implausible_dates
from whosbehind.sources.fedramp import kept, legacy


@pytest.fixture(scope="module")
def providers() -> list[dict[str, Any]]:
    document = orjson.loads(legacy_snapshots(first=4000, count=1)[0].content)
    return [
        p for p in document["data"]["Providers"] if len(p.get("Leveraged_ATO_Letters") or []) > 2
    ]


def test_a_record_with_the_same_letters_gets_the_facts_built_before(
    providers: list[dict[str, Any]],
) -> None:
    kept._BUILT.clear()
    record = providers[0]
    changed = copy.deepcopy(record)
    changed["CSO_Description"] = "changed"  # not read into any fact
    with implausible_dates():
        first = legacy.offering_facts(record)
        again = legacy.offering_facts(changed)
    assert again == first
    letters = [f for f in first if getattr(f, "kind", "") == "letter"]
    assert letters and all(any(f is g for g in again) for f in letters)  # kept, not rebuilt


def test_letters_that_differ_only_in_type_are_built_again(
    providers: list[dict[str, Any]],
) -> None:
    kept._BUILT.clear()
    record = copy.deepcopy(providers[1])
    record["Leveraged_ATO_Letters"][0]["Authorizing_Subagency"] = 1
    flipped = copy.deepcopy(record)
    flipped["Leveraged_ATO_Letters"][0]["Authorizing_Subagency"] = True  # == 1 in Python
    with implausible_dates():
        legacy.offering_facts(record)
        got = legacy.offering_facts(flipped)
    kept._BUILT.clear()
    with implausible_dates():
        expected = legacy.offering_facts(flipped)
    assert got == expected
    assert any(getattr(f, "subagency", "") == "True" for f in got)


def test_nothing_is_kept_outside_a_count_of_implausible_dates_nor_with_one(
    providers: list[dict[str, Any]],
) -> None:
    kept._BUILT.clear()
    legacy.offering_facts(providers[2])  # no count open: cannot tell, so not kept
    assert not kept._BUILT
    record = copy.deepcopy(providers[2])
    record["Leveraged_ATO_Letters"][0]["Letter_Date"] = "0001-01-01T00:00:00Z"
    for _ in range(2):
        with implausible_dates() as found:
            legacy.offering_facts(record)
        assert sum(found.values()) == 1  # counted each time it is read
    assert not kept._BUILT
