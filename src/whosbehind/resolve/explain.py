"""Why two references are, or are not, one organization.

When they are one org: the shortest chain of evidence edges (``org_evidence``, applied or
redundant) from a record of the first to a record of the second, found by breadth-first search
inside that org, each edge with its kind, records and detail. When they are not: the
``different`` judgements and refused edges between the two orgs, the matcher's best score
between their records (scored now, with its detail), and whether they share any identifier or
name key.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from whosbehind.errors import NotFoundError
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.clusters import usable_name_key
from whosbehind.resolve.matching import MATCH_THRESHOLD, match_records
from whosbehind.resolve.org_index import record_name, shown_name
from whosbehind.resolve.registry_read import record_keys, require_registry
from whosbehind.resolve.registry_store import pairs, record_rows
from whosbehind.store.engine import Engine

_IDENTIFIERS = ("uei", "duns", "cik", "cage")


@dataclass(frozen=True, slots=True)
class Step:
    """One evidence edge of a chain: ``left`` and ``right`` are record keys."""

    left: str
    right: str
    kind: str
    weight: float
    detail: str
    source: str
    left_name: str
    right_name: str
    left_citation: str
    right_citation: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Whether two references are one organization: the chain of evidence, or the reasons not."""

    a: str
    b: str
    a_orgs: list[str]
    b_orgs: list[str]
    same: bool
    org_id: str | None  # the org holding both, when ``same``
    chain: list[Step] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why not, when not ``same``

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def explain(engine: Engine, a: str, b: str) -> Explanation:
    """Whether ``a`` and ``b`` (org ids, references, record keys or names) are one org, and why."""
    require_registry(engine)
    keys_a, keys_b = _keys(engine, a), _keys(engine, b)
    org_of = _members(engine, keys_a | keys_b)
    orgs_a = sorted({org_of[k] for k in keys_a if k in org_of})
    orgs_b = sorted({org_of[k] for k in keys_b if k in org_of})
    shared = sorted(set(orgs_a) & set(orgs_b))
    if shared:
        org = shared[0]
        chain = _chain(engine, org, {k for k in keys_a if org_of.get(k) == org},
                       {k for k in keys_b if org_of.get(k) == org})  # fmt: skip
        return Explanation(a, b, orgs_a, orgs_b, True, org, chain)
    reasons = _reasons(engine, orgs_a[0], orgs_b[0])
    return Explanation(a, b, orgs_a, orgs_b, False, None, [], reasons)


def _keys(engine: Engine, text: str) -> set[str]:
    found = set(record_keys(engine, text))
    if not found:
        raise NotFoundError(
            f"no organization or record matches {text!r} (try an org id, duns:..., uei:..., "
            "name:..., or part of a name; `whosbehind org NAME` lists matches)"
        )
    return found


def _members(engine: Engine, keys: set[str]) -> dict[str, str]:
    return pairs(
        engine,
        "SELECT record_key, org_id FROM org_member WHERE record_key IN (SELECT unnest(?))",
        [sorted(keys)],
    )


def _org_records(engine: Engine, org: str) -> dict[str, OrgRecord]:
    found = record_rows(
        engine, "record_key IN (SELECT record_key FROM org_member WHERE org_id = ?)", [org]
    )
    return {r.record_key: r for r in found}


def _chain(engine: Engine, org: str, starts: set[str], goals: set[str]) -> list[Step]:
    records = _org_records(engine, org)
    rows = engine.rows(
        "SELECT left_key, right_key, kind, weight, detail, source FROM org_evidence "
        "WHERE status IN ('applied', 'redundant') AND left_key IN (SELECT unnest(?)) "
        "ORDER BY left_key, right_key, kind",
        [sorted(records)],
    )
    adjacent: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        adjacent.setdefault(row["left_key"], []).append(row)
        adjacent.setdefault(row["right_key"], []).append(row)
    came: dict[str, tuple[str, dict[str, Any]] | None] = {k: None for k in sorted(starts)}
    queue = deque(sorted(starts))
    end = next((k for k in sorted(starts) if k in goals), None)
    while queue and end is None:
        here = queue.popleft()
        for row in adjacent.get(here, []):
            there = row["right_key"] if row["left_key"] == here else row["left_key"]
            if there in came:
                continue
            came[there] = (here, row)
            if there in goals:
                end = there
                break
            queue.append(there)
    steps: list[Step] = []
    while end is not None and came.get(end) is not None:
        here, row = came[end]  # type: ignore[misc]
        steps.append(_step(row, records))
        end = here
    return steps[::-1]


def _step(row: dict[str, Any], records: dict[str, OrgRecord]) -> Step:
    left, right = records[row["left_key"]], records[row["right_key"]]
    return Step(
        row["left_key"],
        row["right_key"],
        row["kind"],
        float(row["weight"]),
        row["detail"],
        row["source"] or "",
        shown_name(left),
        shown_name(right),
        left.citation,
        right.citation,
    )


def _reasons(engine: Engine, org_a: str, org_b: str) -> list[str]:
    records_a, records_b = _org_records(engine, org_a), _org_records(engine, org_b)
    # one line per judgement, however many record pairs it covers
    reasons = list(
        dict.fromkeys(
            f"{row['kind']} {row['left_key']} ~ {row['right_key']} ({row['detail']}) refused: "
            f"{row['reason']}" if row["status"] == "refused"
            else f"different judgement ({row['source']}): {row['detail']}"
            for row in _between(engine, records_a, records_b)
        )
    )  # fmt: skip
    reasons.append(_best_score(records_a, records_b))
    reasons += _identifiers(list(records_a.values()), list(records_b.values()))
    keys = _name_keys(engine, records_a) & _name_keys(engine, records_b)
    reasons += [
        f"equal name key {key!r}, too short or generic to join on"
        for key in sorted(keys)
        if not usable_name_key(key)
    ]
    return reasons


def _name_keys(engine: Engine, records: dict[str, OrgRecord]) -> set[str]:
    found = engine.connection.execute(
        "SELECT DISTINCT name_key FROM org_record WHERE record_key IN (SELECT unnest(?))",
        [sorted(records)],
    ).fetchall()
    return {str(key) for (key,) in found}


def _between(
    engine: Engine, records_a: dict[str, OrgRecord], records_b: dict[str, OrgRecord]
) -> list[dict[str, Any]]:
    return engine.rows(
        "SELECT * FROM org_evidence WHERE (status = 'refused' OR kind = 'different') AND ("
        "(left_key IN (SELECT unnest(?)) AND right_key IN (SELECT unnest(?))) OR "
        "(left_key IN (SELECT unnest(?)) AND right_key IN (SELECT unnest(?)))) "
        "ORDER BY kind, left_key, right_key",
        [sorted(records_a), sorted(records_b), sorted(records_b), sorted(records_a)],
    )


def _best_score(records_a: dict[str, OrgRecord], records_b: dict[str, OrgRecord]) -> str:
    scored = [
        pair
        for pair in match_records([*records_a.values(), *records_b.values()], floor=0.0)
        if (pair.left_key in records_a) != (pair.right_key in records_a)
    ]
    if not scored:
        return "the matcher scored no pair between them (their names share no blocking key)"
    best = max(scored, key=lambda p: p.probability)
    verdict = "below" if best.probability < MATCH_THRESHOLD else "at or above"
    left = _name(best.left_key, records_a, records_b)
    names = f"{left} ~ {_name(best.right_key, records_a, records_b)}"
    return (
        f"best matcher score {best.probability:.3f} ({best.method}), {verdict} the threshold "
        f"{MATCH_THRESHOLD}: {names}: {best.detail}"
    )


def _name(key: str, *groups: dict[str, OrgRecord]) -> str:
    for group in groups:
        if key in group:
            record = group[key]
            return repr(record.name) if record_name(record) else shown_name(record)
    return key


def _identifiers(a: Sequence[OrgRecord], b: Sequence[OrgRecord]) -> list[str]:
    found: list[str] = []
    shared_any = False
    for scheme in _IDENTIFIERS:
        left = {getattr(r, scheme) for r in a if getattr(r, scheme)}
        right = {getattr(r, scheme) for r in b if getattr(r, scheme)}
        if left & right:
            shared_any = True
            found.append(f"shared {scheme}: {', '.join(sorted(left & right))}")
    if not shared_any:
        found.append("no shared identifier (UEI, DUNS, CIK, CAGE)")
    return found
