"""Union-find with cannot-links: properties against a plain connected-components reference, and
the edge builders on real recipient names."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import ICE_LOCAL_GOV, rows_2018
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.clusters import (
    GENERIC_KEYS,
    KINDS,
    CannotLink,
    Edge,
    cluster,
    identifier_edges,
    name_key_edges,
    usable_name_key,
)
from whosbehind.resolve.labeled_records import local_gov_names
from whosbehind.resolve.names import name_key, place_bound

KEYS = [f"r{i:02d}" for i in range(12)]
pairs = st.tuples(st.sampled_from(KEYS), st.sampled_from(KEYS))
kinds = st.sampled_from(["same", "duns", "name-key", "match"])
edges = st.lists(
    st.builds(lambda p, k, w: Edge(p[0], p[1], k, w, "test"), pairs, kinds, st.floats(0.9, 1.0)),
    max_size=30,
)


def _components(keys: list[str], found: list[Edge]) -> set[frozenset[str]]:
    """The reference: connected components by repeated relabelling, no union-find."""
    label = {k: k for k in keys}
    changed = True
    while changed:
        changed = False
        for edge in found:
            low = min(label[edge.left], label[edge.right])
            for side in (edge.left, edge.right):
                if label[side] != low:
                    label[side], changed = low, True
    groups: dict[str, set[str]] = {}
    for key in keys:
        groups.setdefault(label[key], set()).add(key)
    return {frozenset(group) for group in groups.values()}


@given(edges)
def test_without_cannot_links_clusters_are_the_connected_components(found: list[Edge]) -> None:
    result = cluster(KEYS, found)
    assert {frozenset(c) for c in result.clusters} == _components(KEYS, found)
    assert result.count("applied") == len(KEYS) - len(result.clusters)
    assert result.count("refused") == 0 and len(result.outcomes) == len(found)


@given(edges, st.lists(pairs, max_size=6))
def test_cannot_links_are_never_violated_and_refusals_name_the_judgement(
    found: list[Edge], forbidden: list[tuple[str, str]]
) -> None:
    links = [
        CannotLink(a, b, "checked by hand", f"j.tsv:{i}") for i, (a, b) in enumerate(forbidden)
    ]
    links = [link for link in links if link.left != link.right]
    result = cluster(KEYS, found, links)
    where = result.cluster_of()
    assert all(where[link.left] != where[link.right] for link in links)
    # every cluster is still connected by its applied edges
    applied = [o.edge for o in result.outcomes if o.status == "applied"]
    assert {frozenset(c) for c in result.clusters} == _components(KEYS, applied)
    for outcome in result.outcomes:
        if outcome.status == "refused":
            assert outcome.reason.startswith("different judgement") and "j.tsv:" in outcome.reason


def _one_by_one(
    keys: list[str], found: list[Edge], links: list[CannotLink]
) -> tuple[list[list[str]], list[str], dict[int, str]]:
    """The reference: the edges applied one by one in order, refusing any that would put the
    two sides of a cannot-link in one cluster (the cluster function before it went bulk)."""
    cluster_of = {k: frozenset([k]) for k in keys}
    statuses: list[str] = []
    reasons: dict[int, str] = {}
    ordered = sorted(
        (e for e in found if e.left in cluster_of and e.right in cluster_of),
        key=lambda e: (KINDS.index(e.kind), -e.weight),
    )
    for position, edge in enumerate(ordered):
        a, b = cluster_of[edge.left], cluster_of[edge.right]
        if a == b:
            statuses.append("redundant")
            continue
        joined = a | b
        broken = [x for x in links if x.left in joined and x.right in joined]
        if broken:
            statuses.append("refused")
            reasons[position] = broken[0].source
            continue
        for key in joined:
            cluster_of[key] = joined
        statuses.append("applied")
    clusters = sorted({tuple(sorted(c)) for c in cluster_of.values()})
    return [list(c) for c in clusters], statuses, reasons


@given(edges, st.lists(pairs, max_size=6))
def test_bulk_clustering_is_the_one_by_one_clustering(
    found: list[Edge], forbidden: list[tuple[str, str]]
) -> None:
    links = [CannotLink(a, b, "x", f"j.tsv:{i}") for i, (a, b) in enumerate(forbidden) if a != b]
    result = cluster(KEYS, found, links)
    clusters, statuses, reasons = _one_by_one(KEYS, found, links)
    assert result.clusters == clusters
    assert result.statuses == statuses
    assert set(result.reasons) == set(reasons)
    assert all("j.tsv:" in reason for reason in result.reasons.values())


def test_a_different_judgement_beats_a_shared_duns_and_a_same_name() -> None:
    found = [
        Edge("a", "b", "duns", 1.0, "duns:080961462"),
        Edge("b", "c", "name-key", 1.0, "name key 'acme'"),
        Edge("a", "c", "match", 0.99, "fellegi-sunter"),
    ]
    result = cluster("abc", found, [CannotLink("a", "c", "two companies", "j.tsv:3")])
    assert result.clusters == [["a", "b"], ["c"]]
    statuses = [(o.edge.kind, o.status) for o in result.outcomes]
    assert statuses == [("duns", "applied"), ("name-key", "refused"), ("match", "refused")]


def test_stronger_evidence_is_applied_first() -> None:
    found = [
        Edge("a", "b", "match", 0.95, "m"),
        Edge("a", "b", "duns", 1.0, "d"),
        Edge("a", "b", "same", 1.0, "s"),
    ]
    result = cluster("ab", found)
    assert [(o.edge.kind, o.status) for o in result.outcomes] == [
        ("same", "applied"), ("duns", "redundant"), ("match", "redundant")
    ]  # fmt: skip


def _real_records() -> list[OrgRecord]:
    seen: dict[tuple[str, str], OrgRecord] = {}
    for i, row in enumerate(rows_2018()):
        name, duns = row["recipient_name"].strip(), row["recipient_duns"].strip()
        if name:
            seen.setdefault(
                (name, duns), OrgRecord(f"k{i:05d}", "usaspending", name, duns=duns or None)
            )
    return list(seen.values())


def test_identifier_and_name_key_edges_are_stars_over_real_names() -> None:
    records = _real_records()
    by_duns = Counter(r.duns for r in records if r.duns)
    found = identifier_edges(records)
    assert len(found) == sum(n - 1 for n in by_duns.values())
    assert all(e.kind == "duns" and e.left < e.right for e in found)
    keys = {r.record_key: name_key(r.name) for r in records}
    by_key = Counter(k for k in keys.values() if usable_name_key(k))
    named = name_key_edges(keys)
    assert len(named) == sum(n - 1 for n in by_key.values())
    result = cluster(keys, [*found, *named])
    where = result.cluster_of()
    for edge in found:
        assert where[edge.left] == where[edge.right]


def test_generic_and_short_keys_join_nothing() -> None:
    keys = {"a": "services", "b": "services", "c": "ab", "d": "ab", "e": "123", "f": "123"}
    assert name_key_edges(keys) == []
    assert "services" in GENERIC_KEYS and usable_name_key("ibm") and not usable_name_key("42")


def test_a_million_records_cluster() -> None:
    """A million keys and about a million edges (stars and chains) give the right components.
    How fast is measured in benchmarks/resolve_throughput.py, not here (timed tests flake on a
    loaded machine)."""
    size = 1_000_000
    keys = [f"k{i:07d}" for i in range(size)]
    found = [Edge(keys[i - i % 7], keys[i], "duns", 1.0, "") for i in range(size) if i % 7]
    found += [Edge(keys[i], keys[i + 1], "match", 0.95, "") for i in range(0, size - 1, 3)]
    result = cluster(keys, found)
    assert len(result.clusters) == len(_components_fast(size))


def _components_fast(size: int) -> set[int]:
    # stars of 7 joined by every third chain link: count groups by walking the same rule
    label = list(range(size))
    for i in range(size):
        if i % 7:
            label[i] = label[i - i % 7]
    parent: dict[int, int] = {}
    roots = set(label)
    for i in range(0, size - 1, 3):
        a, b = label[i], label[i + 1]
        while a in parent:
            a = parent[a]
        while b in parent:
            b = parent[b]
        if a != b:
            parent[max(a, b)] = min(a, b)
    return roots - set(parent)


def test_one_local_government_name_in_two_states_is_two_organizations() -> None:
    keys = {
        "a": name_key("ADAMS COUNTY"),
        "b": name_key("COUNTY OF ADAMS"),
        "c": name_key("ADAMS, COUNTY OF"),
        "d": name_key("ADAMS COUNTY OF (0278)"),
        "e": name_key("STATE STREET BANK"),
        "f": name_key("STATE STREET BANK"),
    }
    states = {"a": "CO", "b": "PA", "c": "co", "d": None, "e": "MA", "f": "NY"}
    where = cluster(keys, name_key_edges(keys, states)).cluster_of()
    assert where["a"] == where["c"] != where["b"]  # two Adams counties
    assert where["d"] not in {where["a"], where["b"]}  # which one is not stated
    assert where["e"] == where["f"]  # a company is one organization across states
    # without states (or all in one state, or none stated) an equal key joins them all
    for given_states in (None, {k: "CO" for k in keys}, {}):
        where = cluster(keys, name_key_edges(keys, given_states)).cluster_of()
        assert where["a"] == where["b"] == where["d"]


def test_local_government_keys_join_within_a_state_on_real_names() -> None:
    """The 2023 ICE local-government recipients: records of one local-government key are one
    organization exactly when their states agree (expected answer computed from the records)."""
    records, _ = local_gov_names(ICE_LOCAL_GOV)
    keys = {r.record_key: name_key(r.name) for r in records}
    states = {r.record_key: r.state for r in records}
    where = cluster(keys, name_key_edges(keys, states)).cluster_of()
    bound = [
        r
        for r in records
        if usable_name_key(keys[r.record_key]) and place_bound(keys[r.record_key])
    ]
    by_key: dict[str, list[OrgRecord]] = {}
    for record in bound:
        by_key.setdefault(keys[record.record_key], []).append(record)
    two_states = 0
    for group in by_key.values():
        stated = {r.state for r in group if r.state}
        two_states += len(stated) > 1
        for left in group:
            for right in group:
                if left.state and right.state:
                    joined = where[left.record_key] == where[right.record_key]
                    assert joined == (left.state == right.state), (left.name, right.name)
    assert two_states >= 2  # the split has same-named counties in different states
