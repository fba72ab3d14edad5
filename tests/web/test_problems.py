"""Errors are RFC 9457 problem details, never a stack trace; no route writes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from whosbehind.store.engine import Engine
from whosbehind.web import create_app
from whosbehind.web.provider import DataVersion

PROBLEM_KEYS = {"type", "title", "status", "detail"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/agency/7012?as_of=2020-13-01", 422),
        ("/api/agency/7012?top=0", 422),
        ("/api/market/share?measure=votes", 422),
        ("/api/agency/no such agency at all", 400),
        ("/api/company/no such company anywhere", 404),
        ("/api/offering/no such offering anywhere", 404),
        ("/api/cite/c0000000000000000", 404),
        ("/api/cite/not-an-id", 422),
        ("/api/agency/7012/tables/nosuchtable", 404),
        ("/api/changes?from=2020-01-01&to=2019-01-01", 400),
        ("/api/no/such/route", 404),
    ],
)
def test_bad_input_and_unknown_ids_are_problems(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status and body["detail"]


def test_a_browser_gets_the_problem_as_a_page(client: TestClient) -> None:
    response = client.get("/company/no such company anywhere", headers={"accept": "text/html"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "no organization matches" in response.text


class _Broken:
    """A store whose every query fails in a way nobody planned for."""

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        raise RuntimeError("secret internals /home/someone/store.duckdb line 42")
        yield  # pragma: no cover

    def version(self) -> DataVersion:
        return DataVersion((), "0")


def test_an_unexpected_error_is_a_500_problem_without_its_trace() -> None:
    client = TestClient(create_app(_Broken()), raise_server_exceptions=False)
    for url, accept in (("/api/agency/7012", "*/*"), ("/agency/7012", "text/html")):
        response = client.get(url, headers={"accept": accept})
        assert response.status_code == 500
        assert "secret" not in response.text and "Traceback" not in response.text
    body = client.get("/api/agency/7012").json()
    assert body == {
        "type": "/problems/500",
        "title": "Internal error",
        "status": 500,
        "detail": "the server could not answer this request",
    }


def routes(found: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """Every route's path and methods (FastAPI nests included routers in wrappers that keep
    the router and its prefix)."""
    for route in found:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from routes(inner.routes, prefix + route.include_context.prefix)
        elif getattr(route, "methods", None):
            yield prefix + route.path, set(route.methods)


def test_no_route_writes(client: TestClient) -> None:
    methods = dict(routes(client.app.routes))  # type: ignore[attr-defined]
    assert {"/api/agency/{agency}", "/agency/{agency}", "/cite/{citation_id}"} <= set(methods)
    for path, allowed in methods.items():
        expected = {"GET", "POST"} if path == "/reconcile" else {"GET"}
        assert allowed <= expected | {"HEAD"}, path
    assert client.post("/api/agency/7012").status_code == 405
    assert client.delete("/api/agency/7012").status_code == 405


def test_the_store_is_opened_read_only_and_left_as_it_was(
    client: TestClient, web_store: Path
) -> None:
    before = hashlib.sha256(web_store.read_bytes()).hexdigest()
    for url in ("/api/agency/7012", "/api/search?q=palantir", "/api/version"):
        assert client.get(url).status_code == 200
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.engine() as engine, pytest.raises(Exception, match="read-only"):
        engine.execute("CREATE TABLE intruder (x INTEGER)")
    assert hashlib.sha256(web_store.read_bytes()).hexdigest() == before
