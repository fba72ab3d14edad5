"""The JSON API fuzzed with schemathesis against its own OpenAPI schema, in process (ASGI, no
network), over the real store of the web tests: no generated input gets a 5xx, every error is
``application/problem+json``, and no answer carries a stack trace.

Bounded here (``WHOSBEHIND_FUZZ_EXAMPLES`` examples per operation, default 15); the longer run
reported in docs/web.md sets it to 200."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("WHOSBEHIND_FUZZ_EXAMPLES", "15"))


def test_no_generated_input_gets_a_server_error(client: TestClient) -> None:
    """Each operation of the schema in turn, ``EXAMPLES`` generated cases each (schemathesis'
    own pytest plugin does not run under pytest 9, so its strategies are driven here)."""
    api = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [found.ok() for found in api.get_all_operations()]
    assert len(operations) >= 15
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case: Any) -> None:
            response = case.call()
            calls.append(response.status_code)
            where = f"{case.method} {case.formatted_path} {case.query or ''}"
            assert response.status_code < 500, (
                f"{where}: {response.status_code} {response.text[:300]}"
            )
            assert "Traceback" not in response.text, where
            if response.status_code >= 400:
                kind = response.headers["content-type"]  # schemathesis: a list of values
                assert kind[0].startswith("application/problem+json"), where

        fuzz()
    counts = {status: calls.count(status) for status in sorted(set(calls))}
    print(f"\n{len(operations)} operations, {len(calls)} calls, statuses {counts}")
