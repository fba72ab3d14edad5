"""The OpenRefine reconciliation service on real names: the organizations the registry groups
them into, and the totals the contract files give."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.support.contracts import rows_2018
from tests.web.conftest import Ask
from whosbehind.resolve.registry import lookup


def _reconcile(client: TestClient, queries: dict[str, Any], post: bool = True) -> Any:
    payload = {"queries": json.dumps(queries)}
    response = (
        client.post("/reconcile", data=payload)
        if post
        else client.get("/reconcile", params=payload)
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_manifest_names_the_service_and_its_urls(client: TestClient) -> None:
    found = client.get("/reconcile").json()
    assert found["versions"] == ["0.2"]
    assert found["defaultTypes"] == [{"id": "organization", "name": "Organization"}]
    assert found["view"]["url"].endswith("/company/{{id}}")
    assert "/reconcile/preview?id={{id}}" in found["preview"]["url"]
    assert found["extend"]["propose_properties"]["service_path"] == "/reconcile/properties"
    proposed = client.get("/reconcile/properties", params={"type": "organization"}).json()
    assert {"ultimate_parent", "total_obligated"} <= {p["id"] for p in proposed["properties"]}


def test_real_names_reconcile_to_their_organizations(client: TestClient, ask: Ask[Any]) -> None:
    palantir = ask(lambda e: lookup(e, "PALANTIR TECHNOLOGIES INC."))[0]
    geo = ask(lambda e: lookup(e, "THE GEO GROUP INC."))[0]
    queries = {
        "q0": {"query": "Palantir Technologies"},
        "q1": {"query": "the geo group, inc", "type": "organization"},
        "q2": {"query": "Palantir Technolgies Inc", "limit": 2},  # a typo: a candidate, no match
    }
    found = _reconcile(client, queries)
    assert found == _reconcile(client, queries, post=False)
    best = {key: answer["result"][0] for key, answer in found.items()}
    assert best["q0"]["id"] == palantir and best["q0"]["match"] and best["q0"]["score"] == 100
    assert best["q1"]["id"] == geo and best["q1"]["match"]
    assert best["q2"]["id"] == palantir and not best["q2"]["match"]
    assert len(found["q2"]["result"]) == 2
    assert all(
        c["type"] == [{"id": "organization", "name": "Organization"}] for c in found["q0"]["result"]
    )
    duns = ask(
        lambda e: e.scalar(
            "SELECT any_value(duns) FROM org_record r JOIN org_member m USING (record_key) "
            "WHERE m.org_id = ? AND duns IS NOT NULL",
            [palantir],
        )
    )
    by_id = _reconcile(client, {"q": {"query": "P.T.", "properties": [{"pid": "duns", "v": duns}]}})
    assert by_id["q"]["result"][0]["id"] == palantir and by_id["q"]["result"][0]["match"]


def test_extend_gives_parents_subsidiaries_and_totals(client: TestClient, ask: Ask[Any]) -> None:
    palantir = ask(lambda e: lookup(e, "PALANTIR TECHNOLOGIES INC."))[0]
    usg = ask(lambda e: lookup(e, "PALANTIR USG, INC."))[0]
    asked = {
        "ids": [palantir, usg],
        "properties": [
            {"id": "ultimate_parent"},
            {"id": "subsidiaries"},
            {"id": "total_obligated"},
        ],
    }
    found = client.post("/reconcile", data={"extend": json.dumps(asked)}).json()
    assert [m["id"] for m in found["meta"]] == [
        "ultimate_parent",
        "subsidiaries",
        "total_obligated",
    ]
    rows = found["rows"]
    assert usg in {s["id"] for s in rows[palantir]["subsidiaries"]}
    assert rows[usg]["ultimate_parent"][0]["id"] == palantir
    expected = sum(
        Decimal(row["federal_action_obligation"])
        for row in rows_2018()
        if any(
            name.upper().startswith("PALANTIR TECHNOLOGIES")
            for name in (row["recipient_name"], row["recipient_parent_name"])
        )
    )
    assert Decimal(rows[palantir]["total_obligated"][0]["str"]) == expected
    card = client.get("/reconcile/preview", params={"id": palantir})
    assert card.status_code == 200 and f"/company/{palantir}" in card.text


def test_bad_reconciliation_requests_are_problems(client: TestClient) -> None:
    for data in (
        {"queries": "{not json"},
        {"queries": json.dumps({"q0": {"query": ""}})},
        {"queries": json.dumps({"q0": {"query": "x", "limit": 1000}})},
        {"extend": json.dumps({"ids": ["x"], "properties": [{"id": "shoe size"}]})},
    ):
        response = client.post("/reconcile", data=data)
        assert response.status_code == 400, data
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/reconcile/preview", params={"id": "no such org"}).status_code == 404


def test_every_api_operation_has_its_own_id(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ids = [
        operation["operationId"]
        for path in schema["paths"].values()
        for method, operation in path.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    reconcile = schema["paths"]["/reconcile"]
    assert {reconcile["get"]["operationId"], reconcile["post"]["operationId"]} == {
        "reconcile_get",
        "reconcile_post",
    }
