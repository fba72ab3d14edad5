"""Stable org ids: properties over random partitions of record keys, and the merge/split rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from whosbehind.resolve.stable_ids import ID_PREFIX, assign_ids, new_id

KEYS = [f"usaspending:{i:03d}" for i in range(40)]


@st.composite
def partitions(draw: st.DrawFn, keys: list[str] = KEYS) -> list[list[str]]:
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, min_size=1, max_size=len(keys)))
    labels = draw(st.lists(st.integers(0, 8), min_size=len(chosen), max_size=len(chosen)))
    groups: dict[int, list[str]] = {}
    for key, label in zip(chosen, labels, strict=True):
        groups.setdefault(label, []).append(key)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _membership(clusters: list[list[str]], ids: list[str]) -> dict[str, str]:
    return {key: org for members, org in zip(clusters, ids, strict=True) for key in members}


@given(partitions())
def test_rerunning_on_the_same_clusters_gives_the_same_ids(clusters: list[list[str]]) -> None:
    first = assign_ids(clusters, {}, {})
    assert len(set(first.ids)) == len(clusters) and first.aliases == {}
    assert all(org.startswith(ID_PREFIX) for org in first.ids)
    created = dict.fromkeys(first.ids, 1)
    again = assign_ids(clusters, _membership(clusters, first.ids), created)
    assert again.ids == first.ids and again.new_ids == [] and again.aliases == {}
    # and from scratch: the ids depend on the clusters, not on history
    assert assign_ids(clusters, {}, {}).ids == first.ids


@given(partitions(KEYS[:20]), partitions(KEYS[20:]), st.data())
def test_adding_records_never_renames_a_cluster_that_did_not_merge(
    old: list[list[str]], added: list[list[str]], data: st.DataObject
) -> None:
    first = assign_ids(old, {}, {})
    membership = _membership(old, first.ids)
    # new records either form clusters of their own or join one existing cluster each
    grown = [list(members) for members in old]
    fresh: list[list[str]] = []
    for group in added:
        target = data.draw(st.integers(-1, len(grown) - 1))
        if target < 0:
            fresh.append(group)
        else:
            grown[target].extend(group)
    clusters = sorted((sorted(c) for c in [*grown, *fresh]), key=lambda c: c[0])
    second = assign_ids(clusters, membership, dict.fromkeys(first.ids, 1), set(first.ids))
    after = _membership(clusters, second.ids)
    assert all(after[key] == org for key, org in membership.items())
    assert second.aliases == {} and len(second.new_ids) == len(fresh)
    assert not set(second.new_ids) & set(first.ids)


def test_a_merge_keeps_the_oldest_id_and_aliases_the_others() -> None:
    previous = {"a": "org-new", "b": "org-old", "c": "org-mid"}
    created = {"org-new": 3, "org-old": 1, "org-mid": 2}
    result = assign_ids([["a", "b", "c"]], previous, created)
    assert result.ids == ["org-old"]
    assert result.aliases == {"org-new": "org-old", "org-mid": "org-old"}


def test_a_split_leaves_the_id_with_the_larger_part() -> None:
    previous = dict.fromkeys("abcde", "org-x")
    result = assign_ids([["a", "b"], ["c", "d", "e"]], previous, {"org-x": 1})
    assert result.ids[1] == "org-x" and result.ids[0] != "org-x"
    assert result.new_ids == [result.ids[0]] and result.aliases == {}
    # a tie goes to the part whose first key sorts first
    tie = assign_ids([["a", "b"], ["c", "d"]], dict.fromkeys("abcd", "org-y"), {"org-y": 1})
    assert tie.ids[0] == "org-y"


@given(st.text(min_size=1, max_size=20), st.integers(0, 3))
def test_new_ids_avoid_every_taken_id(first: str, collisions: int) -> None:
    taken: set[str] = set()
    for _ in range(collisions):
        taken.add(new_id(first, taken))
    made = new_id(first, taken)
    assert made not in taken and made.startswith(ID_PREFIX) and len(made) == len(ID_PREFIX) + 10
