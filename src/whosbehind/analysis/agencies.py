"""Which agencies ``--agency`` means: a subtier (``7012``, ``"Immigration and Customs
Enforcement"``, ``ICE``) or a whole toptier agency (``070``, its FPDS department id ``7000``,
``"Department of Homeland Security"``, ``DHS``: every subtier under it).

Names and the hierarchy come from the agency list in the store (``whosbehind ingest agencies``);
without it, codes are taken as subtier codes (three digits as a toptier code) and names are
looked up in the award records themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from whosbehind.errors import UsageError
from whosbehind.model.agencies import toptier_variants
from whosbehind.store.contracts.rollup import MOST_AWARDS_NAME, subtier_names
from whosbehind.store.engine import Engine

_SHOWN = 8
_PREFIXES = ("u s ", "us ", "the ")


@dataclass(frozen=True)
class AgencySelection:
    """The agency a code or name means: subtier codes, and toptier codes meaning every subtier
    under them."""

    query: str
    label: str
    subtier_codes: frozenset[str] = field(default_factory=frozenset)
    toptier_codes: frozenset[str] = field(default_factory=frozenset)

    def where(self, subtier: str, toptier: str) -> tuple[str, list[Any]]:
        """A SQL condition (and its parameters) on an award or transaction's agency codes.

        The codes are listed one parameter each (``IN (?, ?)``): DuckDB pushes such a list
        into the table scan, where the zone maps of a table sorted by agency skip the other
        agencies' row groups; ``IN (SELECT unnest(?))`` is a join, which reads them all."""
        parts: list[str] = []
        params: list[Any] = []
        for column, codes in ((subtier, self.subtier_codes), (toptier, self.toptier_codes)):
            if codes:
                parts.append(f"{column} IN ({', '.join('?' for _ in codes)})")
                params += sorted(codes)
        return "(" + " OR ".join(parts or ["false"]) + ")", params

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "label": self.label,
            "subtier_codes": sorted(self.subtier_codes),
            "toptier_codes": sorted(self.toptier_codes),
        }


def normalize_name(text: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", text.casefold().replace("&", " and ")).strip()
    for prefix in _PREFIXES:
        if words.startswith(prefix):
            words = words[len(prefix) :]
    return words


def reference_agencies(engine: Engine) -> list[dict[str, Any]]:
    return engine.rows(
        "SELECT subtier_code, subtier_name, subtier_abbreviation, toptier_code, toptier_name, "
        "toptier_abbreviation, department_id FROM contract_agency WHERE record_to IS NULL"
    )


def resolve_agency(engine: Engine, text: str) -> AgencySelection:
    query = text.strip()
    if not query:
        raise UsageError("--agency needs a code or a name")
    # the agency list, read once per read-only engine (each call of a query names an agency)
    agencies = engine.kept("contracts:agencies", lambda: reference_agencies(engine))
    code = query.upper()
    if re.fullmatch(r"[0-9]{3}", code):
        return _toptier(query, code, agencies)
    if re.fullmatch(r"[0-9A-Z]{4}", code):
        departments = {a["toptier_code"] for a in agencies if a["department_id"] == code}
        if len(departments) == 1 and (top := next(iter(departments))):
            return _toptier(query, top, agencies)
        named = next((a for a in agencies if a["subtier_code"] == code), None)
        if named is not None or not re.fullmatch(r"[A-Z]{3,4}", code):
            label = f"{named['subtier_name']} ({code})" if named else code
            return AgencySelection(query, label, frozenset({code}))
    return _by_name(engine, query, agencies)


def _toptier(query: str, code: str, agencies: list[dict[str, Any]]) -> AgencySelection:
    members = [a for a in agencies if a["toptier_code"] == code]
    toptier = set(toptier_variants(code))
    toptier.update(a["department_id"] for a in members if a["department_id"])
    name = members[0]["toptier_name"] if members else f"toptier agency {code}"
    label = f"{name} ({code}, {len(members)} subtier agencies)" if members else name
    return AgencySelection(
        query, label, frozenset(a["subtier_code"] for a in members), frozenset(toptier)
    )


def _by_name(engine: Engine, query: str, agencies: list[dict[str, Any]]) -> AgencySelection:
    wanted = normalize_name(query)
    upper = query.strip().upper()
    tops = {
        a["toptier_code"]
        for a in agencies
        if a["toptier_code"]
        and (
            normalize_name(a["toptier_name"] or "") == wanted or a["toptier_abbreviation"] == upper
        )
    }
    if len(tops) == 1:
        return _toptier(query, next(iter(tops)), agencies)
    subs = [
        a
        for a in agencies
        if normalize_name(a["subtier_name"] or "") == wanted or a["subtier_abbreviation"] == upper
    ]
    if not subs:
        subs = [a for a in agencies if wanted and wanted in normalize_name(a["subtier_name"] or "")]
    if not agencies:
        subs = _names_in_records(engine, wanted)
    if len(subs) == 1:
        found = subs[0]
        return AgencySelection(
            query,
            f"{found['subtier_name']} ({found['subtier_code']})",
            frozenset({found["subtier_code"]}),
        )
    if not subs:
        raise UsageError(f"no agency matches {query!r} (give a code such as 7012, or a name)")
    shown = "; ".join(f"{a['subtier_code']} {a['subtier_name']}" for a in subs[:_SHOWN])
    more = f" and {len(subs) - _SHOWN} more" if len(subs) > _SHOWN else ""
    raise UsageError(f"{query!r} matches several agencies: {shown}{more}; give a code")


def _names_in_records(engine: Engine, wanted: str) -> list[dict[str, Any]]:
    found = engine.rows(
        "SELECT DISTINCT awarding_subtier_code AS subtier_code, "
        "awarding_subtier_name AS subtier_name FROM contract_award "
        "WHERE latest AND awarding_subtier_code IS NOT NULL"
    )
    by_code: dict[str, dict[str, Any]] = {}
    for row in found:
        if row["subtier_name"] and wanted in normalize_name(row["subtier_name"]):
            by_code.setdefault(row["subtier_code"], row)
    return list(by_code.values())


def agency_names(engine: Engine, codes: list[str]) -> dict[str, str]:
    """Subtier code -> name, from the agency list, else the award records (a read-only store
    is asked each code once per engine)."""
    known: dict[str, tuple[str] | None] = engine.kept("contracts:agency-names", dict)
    asked = [code for code in dict.fromkeys(codes) if code not in known]
    if asked:
        found = _agency_names(engine, asked)
        known.update({code: (found[code],) if code in found else None for code in asked})
    return {code: named[0] for code in codes if (named := known[code]) is not None}


def _agency_names(engine: Engine, codes: list[str]) -> dict[str, str]:
    names = {
        row["subtier_code"]: row["subtier_name"]
        for row in engine.rows(
            "SELECT subtier_code, subtier_name FROM contract_agency "
            "WHERE record_to IS NULL AND subtier_code IN (SELECT unnest(?))",
            [codes],
        )
    }
    missing = [code for code in codes if code not in names]
    counted = subtier_names(engine, missing) if missing else None
    if counted is not None:
        names.update({code: name for code, name in counted.items() if name})
    elif missing:
        for row in engine.rows(
            f"SELECT subtier_code AS code, {MOST_AWARDS_NAME} AS name FROM ("
            "SELECT awarding_subtier_code AS subtier_code, awarding_subtier_name AS subtier_name, "
            "count(*) AS awards FROM contract_award WHERE latest AND awarding_subtier_name "
            "IS NOT NULL AND awarding_subtier_code IN (SELECT unnest(?)) GROUP BY ALL) GROUP BY 1",
            [missing],
        ):
            if row["name"]:
                names[row["code"]] = row["name"]
    return names
