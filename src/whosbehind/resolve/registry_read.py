"""Questions asked of a resolved registry: which org a record is in, which orgs a text names,
which pairs are left for review. Re-exported by ``resolve.registry``."""

from __future__ import annotations

from collections.abc import Sequence

from whosbehind.errors import MissingDataError
from whosbehind.model.orgs import REF_SCHEMES, CandidatePair, RecordRef
from whosbehind.resolve.names import name_key
from whosbehind.resolve.org_index import OrgIndex, canonical_ref
from whosbehind.resolve.refs import fold
from whosbehind.resolve.registry_store import pairs, record_rows
from whosbehind.store import like
from whosbehind.store.engine import Engine
from whosbehind.store.missing import what_is_missing
from whosbehind.store.orgs_schema import has_registry

_ID_COLUMNS = {"uei": "uei", "duns": "duns", "cik": "cik", "cage": "cage"}
_FOLDED_NAME = "lower(regexp_replace(trim(r.name), '\\s+', ' ', 'g')) = ?"


def require_registry(engine: Engine) -> None:
    if not has_registry(engine):
        raise MissingDataError(*what_is_missing("org_run"))


def org_of(engine: Engine) -> dict[str, str]:
    """record_key -> org_id, as of the newest run."""
    require_registry(engine)
    return pairs(engine, "SELECT record_key, org_id FROM org_member")


def current_id(engine: Engine, org_id: str) -> str | None:
    """``org_id`` itself if it names a cluster now, the id it became if it is an alias."""
    if engine.scalar("SELECT count(*) FROM org_member WHERE org_id = ?", [org_id]):
        return org_id
    found = engine.scalar("SELECT org_id FROM org_alias WHERE old_id = ?", [org_id])
    return str(found) if found else None


def lookup(engine: Engine, text: str) -> list[str]:
    """The org ids ``text`` names: an org id (aliases followed), a reference ``scheme:value``
    (``duns:...``, ``name:...``, ``fedramp:<provider key>``, ``org:...``), a record key, else a
    name: as written (case and whitespace folded), then by match key, then as a part of names.
    Ordered by how many of the org's records carry it, then id."""
    require_registry(engine)
    found = current_id(engine, " ".join(text.split()))
    if found:
        return [found]
    where, params = _where(engine, text)
    return _orgs(engine, where, params) if where else []


def record_keys(engine: Engine, text: str) -> list[str]:
    """The record keys ``text`` names (as ``lookup`` reads it; an org id names its members)."""
    require_registry(engine)
    found = current_id(engine, " ".join(text.split()))
    where, params = ("m.org_id = ?", [found]) if found else _where(engine, text)
    if not where:
        return []
    rows = engine.connection.execute(
        "SELECT r.record_key FROM org_record r JOIN org_member m USING (record_key) "
        f"WHERE {where} ORDER BY r.record_key",
        list(params),
    ).fetchall()
    return [str(key) for (key,) in rows]


def _where(engine: Engine, text: str) -> tuple[str, Sequence[object]]:
    """The first condition on ``org_record r`` that selects any record for ``text``."""
    text = " ".join(text.split())
    if not text:
        return "", []
    scheme, sep, value = text.partition(":")
    if sep and scheme.strip().lower() in REF_SCHEMES and value.strip():
        ref = RecordRef.parse(text)
        if ref.scheme == "org":
            found = current_id(engine, ref.value)
            return ("m.org_id = ?", [found]) if found else ("", [])
        return _ref_where(ref)
    for where, params in (
        ("r.record_key = ?", [text]),
        (_FOLDED_NAME, [fold(text)]),
        ("r.name_key = ?", [name_key(text)]),
        (f"r.name ILIKE ? {like.ESCAPE}", [like.contains(text)]),
    ):
        if engine.scalar(f"SELECT count(*) FROM org_record r WHERE {where}", params):
            return where, params
    return "", []


def _ref_where(ref: RecordRef) -> tuple[str, Sequence[object]]:
    if ref.scheme == "name":
        return _FOLDED_NAME, [fold(ref.value)]
    if ref.scheme == "fedramp":
        value = ref.value.strip().casefold()
        return f"(r.record_key = ? OR r.record_key LIKE ? {like.ESCAPE})", [
            f"fedramp:{value}",
            f"fedramp:{like.literal(value)}|uei:%",
        ]
    column = _ID_COLUMNS[ref.scheme]
    return f"upper(r.{column}) = ?", [canonical_ref(ref.scheme, ref.value)[1].upper()]


def org_names(engine: Engine, orgs: Sequence[str]) -> dict[str, str]:
    """org id -> display name (the SEC name where there is one, else the most common spelling)."""
    members = pairs(
        engine,
        "SELECT record_key, org_id FROM org_member WHERE org_id IN (SELECT unnest(?))",
        [sorted(orgs)],
    )
    records = record_rows(engine, "record_key IN (SELECT unnest(?))", [sorted(members)])
    index = OrgIndex(records, members)
    return {org: index.display_name(org) for org in orgs}


def uncertain_pairs(engine: Engine) -> list[CandidatePair]:
    """Matcher pairs between the review and the match threshold left in different orgs, the
    most probable first."""
    require_registry(engine)
    rows = engine.connection.execute(
        "SELECT left_key, right_key, probability, detail FROM org_candidate "
        "ORDER BY probability DESC, left_key, right_key"
    ).fetchall()
    keys = sorted({k for a, b, _, _ in rows for k in (a, b)})
    records = {
        r.record_key: r for r in record_rows(engine, "record_key IN (SELECT unnest(?))", [keys])
    }
    return [
        CandidatePair(records[a], records[b], float(p), str(d))
        for a, b, p, d in rows
        if a in records and b in records
    ]


def _orgs(engine: Engine, where: str, params: Sequence[object]) -> list[str]:
    found = engine.connection.execute(
        "SELECT m.org_id, count(*) AS n FROM org_record r JOIN org_member m USING (record_key) "
        f"WHERE {where} GROUP BY m.org_id ORDER BY n DESC, m.org_id",
        list(params),
    ).fetchall()
    return [str(org) for org, _ in found]
