"""FollowTheMoney entities (JSON lines) for Aleph / OpenAleph, as plain dicts.

Mapping: agency -> ``PublicBody`` (``parent``: its toptier agency); company -> ``Company``;
award -> ``Contract`` (``authority``: the obligating agencies; ``amount``: obligated in the
selection); money to a recipient in one fiscal year -> ``ContractAward`` (``contract``,
``supplier``, ``amount``, ``startDate``/``endDate`` the fiscal year); ownership -> ``Ownership``;
a FedRAMP offering -> ``Asset``; an agency ATO, "provides" and "runs on" -> ``UnknownLink`` with
a ``role``; an order's parent IDV -> ``UnknownLink`` role "order under IDV".

Ids are ``wb-`` and a sha1 of the graph id: stable across exports, so a re-import updates
entities instead of duplicating them. Provenance: ``publisher``, ``retrievedAt`` (the newest
record time cited), ``sourceUrl`` where the record is a URL, and the citation ids in ``notes``
(links: ``recordId``; ``whosbehind cite ID`` prints each).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whosbehind.export.graph import Edge, Graph, Node, Value

PUBLISHERS = {
    "usaspending": "USAspending.gov (Bureau of the Fiscal Service, US Treasury)",
    "fpds": "Federal Procurement Data System (GSA)",
    "fedramp": "FedRAMP Program Management Office (GSA)",
}
SCHEMA = {
    "public_body": "PublicBody",
    "company": "Company",
    "award": "Contract",
    "offering": "Asset",
}
LINK_ROLES = {
    "authorized": "FedRAMP authorization (agency ATO)",
    "provides": "provides (FedRAMP cloud service provider)",
    "runs_on": "runs on (leverages)",
    "order_of": "order under IDV",
}


def entity_id(graph_id: str) -> str:
    return "wb-" + hashlib.sha1(graph_id.encode()).hexdigest()


def entities(graph: Graph) -> Iterator[dict[str, Any]]:
    """Every entity: nodes first, then links (Aleph resolves references in any order)."""
    authorities: defaultdict[str, set[str]] = defaultdict(set)
    parents: dict[str, str] = {}
    for edge in graph.edges.values():
        if edge.kind == "obligated":
            authorities[edge.target].add(entity_id(edge.source))
        elif edge.kind == "part_of":
            parents[edge.source] = entity_id(edge.target)
    for node in graph.nodes.values():
        yield _node(graph, node, sorted(authorities.get(node.id, ())), parents.get(node.id))
    for edge in graph.edges.values():
        entity = _edge(graph, edge)
        if entity is not None:
            yield entity


def write_ftm(graph: Graph, out: Path) -> int:
    """Write JSON lines; returns the number of entities."""
    count = 0
    with out.open("w", encoding="utf-8") as stream:
        for entity in entities(graph):
            stream.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def _text(value: Value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _provenance(graph: Graph, citations: set[str], field: str = "notes") -> dict[str, list[str]]:
    cited = [graph.citations[c] for c in sorted(citations) if c in graph.citations]
    if not cited:
        return {}
    publishers = sorted(
        {name for prefix, name in PUBLISHERS.items() for c in cited if c.source.startswith(prefix)}
    )
    urls = sorted({c.locator.split("#")[0] for c in cited if c.locator.startswith("http")})
    newest = max(c.record_time for c in cited)
    found = {
        "publisher": publishers,
        "retrievedAt": [newest.date().isoformat()],
        field: ["whosbehind citations: " + " ".join(c.id for c in cited)],
    }
    if urls:
        found["sourceUrl"] = urls[:20]
    return {key: value for key, value in found.items() if value}


def _props(pairs: dict[str, Value | list[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in pairs.items():
        values = value if isinstance(value, list) else [value]
        texts = [t for t in (_text(v) for v in values) if t]
        if texts:
            found[name] = texts
    return found


def _node(graph: Graph, node: Node, authorities: list[str], parent: str | None) -> dict[str, Any]:
    a = node.attributes
    props: dict[str, Value | list[str]] = {"name": node.label}
    if node.kind == "public_body":
        props |= {
            "abbreviation": a.get("abbreviation"),
            "parent": parent,
            "idNumber": a.get("code"),
        }
    elif node.kind == "company":
        props |= {"uniqueEntityId": _split(a.get("uei")), "dunsCode": _split(a.get("duns"))}
    elif node.kind == "award":
        props = {
            "title": node.label,
            "name": node.label,
            "procedureNumber": a.get("piid"),
            "type": a.get("award_type"),
            "description": a.get("description"),
            "authority": authorities,
            "amount": a.get("obligated"),
            "amountUsd": a.get("obligated"),
            "currency": "USD" if a.get("obligated") is not None else None,
            "contractDate": a.get("first_action"),
            "summary": a.get("obligated_by_fiscal_year"),
        }
    elif node.kind == "offering":
        props |= {
            "description": _offering_summary(a),
            "keywords": ["FedRAMP", *(_text(a.get(k)) or "" for k in ("package_id", "status"))],
        }
    return {
        "id": entity_id(node.id),
        "schema": SCHEMA[node.kind],
        "properties": _props(props) | _provenance(graph, node.citations),
    }


def _split(value: Value) -> list[str]:
    return [part for part in str(value or "").split("; ") if part]


def _offering_summary(a: dict[str, Value]) -> str:
    parts = [f"FedRAMP package {a.get('package_id')}"]
    for label, name in (
        ("status", "status"),
        ("impact", "impact"),
        ("service models", "service_models"),
        ("authorized", "authorization_date"),
    ):
        if a.get(name):
            parts.append(f"{label}: {_text(a.get(name))}")
    return "; ".join(parts)


def _edge(graph: Graph, edge: Edge) -> dict[str, Any] | None:
    source, target = entity_id(edge.source), entity_id(edge.target)
    if edge.kind == "paid_to":
        year = edge.fiscal_year
        props: dict[str, Value | list[str]] = {
            "contract": source,
            "supplier": target,
            "amount": edge.amount,
            "amountUsd": edge.amount,
            "currency": "USD",
            "role": f"obligations FY{year}",
            "startDate": dt.date(year - 1, 10, 1) if year else None,
            "endDate": dt.date(year, 9, 30) if year else None,
        }
        schema = "ContractAward"
    elif edge.kind == "owns":
        props = {
            "owner": source,
            "asset": target,
            "startDate": edge.valid_from,
            "endDate": edge.valid_to,
            "ownershipType": "parent company",
            "role": edge.attributes.get("basis"),
            "description": edge.attributes.get("detail"),
        }
        schema = "Ownership"
    elif edge.kind in LINK_ROLES:
        props = {
            "subject": source,
            "object": target,
            "role": LINK_ROLES[edge.kind],
            "startDate": edge.valid_from,
            "endDate": edge.valid_to,
            "description": edge.attributes.get("ato_kind"),
        }
        schema = "UnknownLink"
    else:  # obligated: the contract's authority; part_of: the agency's parent
        return None
    return {
        "id": entity_id(edge.id),
        "schema": schema,
        "properties": _props(props) | _provenance(graph, edge.citations, "recordId"),
    }
