"""Agencies as graph nodes: subtier agencies under their toptier agency, from the agency list
(``whosbehind ingest agencies``), and FedRAMP's agency names matched to them.

Ids: ``agency:7012`` (subtier code), ``agency:070`` (toptier CGAC code); an agency the list does
not name is ``agency:name:<normalized name>``. Each node cites the agency list row
(``...csv#subtier_code=7012``) or, for a name only FedRAMP states, the ATO records naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whosbehind.analysis.agencies import (
    AgencySelection,
    agency_names,
    normalize_name,
    reference_agencies,
)
from whosbehind.analysis.contracts.lines import snapshot_citations
from whosbehind.export.graph import Edge, Graph, Node
from whosbehind.model.citation import Citation
from whosbehind.store.citations import record_selector
from whosbehind.store.engine import Engine


def _key(name: str | None) -> str:
    text = normalize_name(name or "")
    return text.removeprefix("united states ").removeprefix("department of the ")


@dataclass
class Agencies:
    engine: Engine
    graph: Graph
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    toptier_by_name: dict[str, str] = field(default_factory=dict)
    subtier_by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    source: Citation | None = None

    def __post_init__(self) -> None:
        tables = self.engine.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'contract_agency'"
        )
        if not tables:
            return
        self.rows = {row["subtier_code"]: row for row in reference_agencies(self.engine)}
        for row in self.rows.values():
            top = row["toptier_code"]
            if top and row["toptier_name"]:
                self.toptier_by_name.setdefault(_key(row["toptier_name"]), top)
            if top and row["subtier_name"]:
                self.subtier_by_name.setdefault(
                    (top, _key(row["subtier_name"])), row["subtier_code"]
                )
        found = self.engine.rows(
            "SELECT feed, seq FROM contract_agency WHERE record_to IS NULL "
            "ORDER BY seq DESC LIMIT 1"
        )
        if found:
            cited = snapshot_citations(self.engine, [(found[0]["feed"], found[0]["seq"])])
            self.source = next(iter(cited.values()), None)

    def _cite(self, selector: str) -> set[str]:
        if self.source is None:
            return set()
        return self.graph.cite([self.source.narrow(selector)])

    def subtier(self, code: str, cited_by: set[str] | None = None) -> str:
        """The node of a subtier agency (and of its toptier agency, linked by ``part_of``)."""
        node_id = f"agency:{code}"
        row = self.rows.get(code)
        if node_id in self.graph.nodes:
            return node_id
        if row is None:
            name = agency_names(self.engine, [code]).get(code, code)
            self.graph.add_node(
                Node(
                    node_id,
                    "public_body",
                    name,
                    {"code": code, "level": "subtier"},
                    set(cited_by or ()),
                )
            )
            return node_id
        citations = self._cite(record_selector("subtier_code", code))
        self.graph.add_node(
            Node(
                node_id,
                "public_body",
                row["subtier_name"] or code,
                {
                    "code": code,
                    "level": "subtier",
                    "abbreviation": row["subtier_abbreviation"],
                    "toptier_code": row["toptier_code"],
                },
                citations,
            )
        )
        if row["toptier_code"]:
            top = self.toptier(row["toptier_code"])
            self.graph.add_edge(Edge("part_of", node_id, top, citations=set(citations)))
        return node_id

    def toptier(self, code: str) -> str:
        node_id = f"agency:{code}"
        member = next((r for r in self.rows.values() if r["toptier_code"] == code), None)
        if member is not None and node_id not in self.graph.nodes:
            self.graph.add_node(
                Node(
                    node_id,
                    "public_body",
                    member["toptier_name"] or code,
                    {
                        "code": code,
                        "level": "toptier",
                        "abbreviation": member["toptier_abbreviation"],
                        "department_id": member["department_id"],
                    },
                    self._cite(record_selector("toptier_code", code)),
                )
            )
        return node_id

    def match(self, agency: str, subagency: str) -> tuple[str | None, str | None]:
        """(toptier code, subtier code) that FedRAMP's agency and subagency names mean."""
        top = self.toptier_by_name.get(_key(agency))
        if top is None:
            return None, None
        if subagency and _key(subagency) != _key(agency):
            return top, self.subtier_by_name.get((top, _key(subagency)))
        return top, None

    def fedramp_agency(
        self, agency: str, subagency: str, cited_by: set[str], selection: AgencySelection | None
    ) -> str | None:
        """The node an ATO's agency names, or None when ``selection`` excludes it."""
        top, sub = self.match(agency, subagency)
        if selection is not None and not selects(selection, top, sub, self.rows):
            return None
        if sub is not None:
            return self.subtier(sub)
        if top is not None:
            return self.toptier(top)
        label = f"{agency} / {subagency}" if subagency and subagency != agency else agency
        node_id = f"agency:name:{_key(label) or '-'}"
        node = Node(node_id, "public_body", label, {"level": "as named by FedRAMP"}, cited_by)
        return self.graph.add_node(node).id


def selects(
    selection: AgencySelection, top: str | None, sub: str | None, rows: dict[str, dict[str, Any]]
) -> bool:
    """Whether an agency (toptier code, subtier code) is in ``selection``: a subtier when it or
    its toptier is selected; a whole toptier agency only when the toptier is."""
    if sub is not None and sub in selection.subtier_codes:
        return True
    if sub is None and top is not None:  # the whole toptier agency: only a toptier selection
        return top in selection.toptier_codes
    return sub is not None and (rows.get(sub) or {}).get("toptier_code") in selection.toptier_codes
