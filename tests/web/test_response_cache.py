"""Whole responses kept per data version: the same bytes again without asking the route, never
an error, never across a new version, never a body over the size limit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.responses import Response
from fastapi.testclient import TestClient

from whosbehind.web import response_cache
from whosbehind.web.provider import DataVersion
from whosbehind.web.response_cache import ResponseCache


class Versions:
    """A provider whose data version the test sets."""

    def __init__(self) -> None:
        self.digest = "v1"

    @contextmanager
    def engine(self) -> Iterator[None]:
        yield None

    def version(self) -> DataVersion:
        return DataVersion((), self.digest)


@pytest.fixture
def app_and_calls(monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, Versions, list[str]]:
    monkeypatch.setattr(response_cache, "CHECK_EVERY", 0.0)  # look at the version every time
    versions = Versions()
    calls: list[str] = []
    app = FastAPI()

    @app.get("/answer")
    def answer(n: int = 0) -> Response:
        calls.append(f"answer {n}")
        return Response(f"{versions.digest}:{n}:{len(calls)}", media_type="text/plain")

    @app.get("/missing")
    def missing() -> Response:
        calls.append("missing")
        raise HTTPException(404)

    @app.get("/big")
    def big() -> Response:
        calls.append("big")
        return Response(b"x" * (response_cache.MAX_ONE + 1))

    app.add_middleware(ResponseCache, store=versions)  # type: ignore[arg-type]
    return TestClient(app), versions, calls


def test_a_kept_answer_is_the_same_bytes_without_the_route(
    app_and_calls: tuple[TestClient, Versions, list[str]],
) -> None:
    client, _, calls = app_and_calls
    first = client.get("/answer", params={"n": 1})
    again = client.get("/answer", params={"n": 1})
    assert again.content == first.content == b"v1:1:1"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert calls == ["answer 1"]
    assert client.get("/answer", params={"n": 2}).content == b"v1:2:2"  # the query is the key
    assert calls == ["answer 1", "answer 2"]


def test_the_least_recently_used_answer_goes_first(
    app_and_calls: tuple[TestClient, Versions, list[str]],
) -> None:
    client, _, calls = app_and_calls
    client.get("/answer", params={"n": 1})  # builds the middleware stack
    cache = client.app.middleware_stack  # type: ignore[attr-defined]
    for _ in range(5):
        if isinstance(cache, ResponseCache):
            break
        cache = cache.app
    assert isinstance(cache, ResponseCache)
    cache.max_entries = 2
    for n in (1, 2, 1, 3):  # 2 is the least recently used when 3 comes
        client.get("/answer", params={"n": n})
    client.get("/answer", params={"n": 1})
    client.get("/answer", params={"n": 2})
    assert calls == ["answer 1", "answer 2", "answer 3", "answer 2"]


def test_a_new_data_version_is_answered_anew(
    app_and_calls: tuple[TestClient, Versions, list[str]],
) -> None:
    client, versions, calls = app_and_calls
    assert client.get("/answer").content == b"v1:0:1"
    versions.digest = "v2"
    assert client.get("/answer").content == b"v2:0:2"
    assert client.get("/answer").content == b"v2:0:2"
    assert len(calls) == 2


def test_errors_and_large_bodies_are_not_kept(
    app_and_calls: tuple[TestClient, Versions, list[str]],
) -> None:
    client, _, calls = app_and_calls
    assert client.get("/missing").status_code == 404
    assert client.get("/missing").status_code == 404
    assert len(client.get("/big").content) == response_cache.MAX_ONE + 1
    assert len(client.get("/big").content) == response_cache.MAX_ONE + 1
    assert calls == ["missing", "missing", "big", "big"]


def test_the_real_app_answers_an_agency_twice_with_the_same_bytes(client: TestClient) -> None:
    first = client.get("/api/agency/7012")
    again = client.get("/api/agency/7012")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    assert again.json()["agency"]["subtier_codes"] == ["7012"]
