"""OpenRefine reconciliation (Reconciliation Service API v0.2) for organizations: candidates
for a name, scored by the resolver's name keys; properties to extend a table with.

Candidates are the orgs ``whosbehind.find_orgs`` finds for the text (an identifier such as
``uei:...``, the name as written, its match key, a part of names), then the orgs whose name
keys are closest to the query's (``rapidfuzz`` on ``whosbehind.name_key``). The score is
the best similarity (0-100) between the query's key and the keys of the org's records; a
candidate is a ``match`` when an identifier named it, or when its key equals the query's and no
other candidate's does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from whosbehind import (
    Engine,
    MissingDataError,
    NotFoundError,
    OrgView,
    UsageError,
    company_report,
    find_orgs,
    name_key,
    org,
)

TYPE = {"id": "organization", "name": "Organization"}
ID_PROPERTIES = ("uei", "duns", "cik")
PROPERTIES = [
    {"id": "ultimate_parent", "name": "Ultimate parent (as of today)"},
    {"id": "parent", "name": "Direct parent (as of today)"},
    {"id": "subsidiaries", "name": "Subsidiaries (as of today)"},
    {"id": "total_obligated", "name": "Total obligated to it and its subsidiaries (USD)"},
    {"id": "uei", "name": "UEI"},
    {"id": "duns", "name": "DUNS"},
    {"id": "cik", "name": "SEC CIK"},
    {"id": "names", "name": "Names seen"},
]
MAX_QUERIES = 200
MAX_LIMIT = 25
_FUZZY = 20  # how many closest name keys to add as candidates


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    name: str
    score: float
    match: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": round(self.score, 1),
            "match": self.match,
            "type": [TYPE],
        }


class KeyIndex:
    """Every record's name key and the org it belongs to, for fuzzy candidates."""

    def __init__(self, engine: Engine) -> None:
        if not engine.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'org_member'"
        ):
            raise MissingDataError("no organization registry", "`whosbehind resolve`")
        rows = engine.connection.execute(
            "SELECT r.name_key, m.org_id FROM org_record r JOIN org_member m USING (record_key) "
            "WHERE r.name_key IS NOT NULL AND r.name_key <> ''"
        ).fetchall()
        self.keys_of: dict[str, set[str]] = {}
        orgs_of: dict[str, set[str]] = {}
        for key, member in rows:
            self.keys_of.setdefault(member, set()).add(key)
            orgs_of.setdefault(key, set()).add(member)
        self.orgs_of = orgs_of
        self.keys = sorted(orgs_of)

    def closest(self, key: str, limit: int) -> list[str]:
        found = process.extract(key, self.keys, scorer=fuzz.token_sort_ratio, limit=limit)
        orgs: list[str] = []
        for other, _, _ in found:
            orgs += sorted(self.orgs_of[other] - set(orgs))
        return orgs

    def score(self, key: str, org: str) -> float:
        keys = self.keys_of.get(org, set())
        return max((fuzz.token_sort_ratio(key, k) for k in keys), default=0.0)


def reconcile_one(engine: Engine, index: KeyIndex, query: dict[str, Any]) -> list[Candidate]:
    text = query.get("query")
    if not isinstance(text, str) or not text.strip():
        raise UsageError("each query needs a non-empty 'query' string")
    limit = query.get("limit", 3)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"'limit' must be a whole number from 1 to {MAX_LIMIT}")
    named = _by_identifier(engine, query.get("properties"))
    key = name_key(text)
    named_text = [m.org_id for m in find_orgs(engine, text)[: limit * 2]]
    found = [*named, *named_text, *index.closest(key, _FUZZY)]
    ordered = list(dict.fromkeys(found))
    scored = [(one, 100.0 if one in named else index.score(key, one)) for one in ordered]
    scored.sort(key=lambda pair: (-pair[1], ordered.index(pair[0])))
    exact = [one for one, score in scored if score >= 100.0]
    return [
        Candidate(
            one, _name(engine, one), score, one in named or (len(exact) == 1 and one in exact)
        )
        for one, score in scored[:limit]
    ]


def _name(engine: Engine, org_id: str) -> str:
    found = find_orgs(engine, org_id)
    return found[0].name if found else org_id


def _by_identifier(engine: Engine, properties: object) -> list[str]:
    """Orgs an identifier property (``uei``, ``duns``, ``cik``) of the query names."""
    if not isinstance(properties, list):
        return []
    found: list[str] = []
    for item in properties:
        if not isinstance(item, dict):
            continue
        pid, value = item.get("pid"), item.get("v")
        if pid in ID_PROPERTIES and isinstance(value, str | int) and str(value).strip():
            found += [m.org_id for m in find_orgs(engine, f"{pid}:{str(value).strip()}")]
    return found


def extend(engine: Engine, ids: list[str], properties: list[str]) -> dict[str, Any]:
    """The ``extend`` answer: for each org id, the values of each property asked."""
    known = {p["id"]: p for p in PROPERTIES}
    unknown = [p for p in properties if p not in known]
    if unknown:
        raise UsageError(f"unknown properties {unknown}; known: {', '.join(known)}")
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for asked in ids:
        found = find_orgs(engine, asked)
        view = org(engine, found[0].org_id) if found else None  # as of today
        rows[asked] = {
            prop: _value(engine, view, prop) if isinstance(view, OrgView) else []
            for prop in properties
        }
    return {"meta": [known[p] for p in properties], "rows": rows}


def _value(engine: Engine, view: OrgView, prop: str) -> list[dict[str, Any]]:
    if prop == "ultimate_parent":
        return [{"id": view.ultimate_parent, "name": view.ultimate_parent_name}]
    if prop == "parent":
        return [{"id": link.org_id, "name": link.name} for link in view.parents[:1]]
    if prop == "subsidiaries":
        return [{"id": link.org_id, "name": link.name} for link in view.subsidiaries]
    if prop == "names":
        return [{"str": name} for name in dict.fromkeys(seen.name for seen in view.names)]
    if prop in ID_PROPERTIES:
        return [{"str": value} for value in view.identifiers.get(prop, [])]
    try:
        total = company_report(engine, view.org_id).report.total
    except NotFoundError:
        return []
    return [{"float": float(total), "str": str(total)}]
