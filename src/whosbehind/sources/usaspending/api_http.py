"""One USAspending API call, retried: backoff with jitter, ``Retry-After``, and a clear give-up.

Retried: HTTP 408, 429 and 5xx, timeouts and broken connections, bodies cut short (the
connection closed before ``Content-Length`` bytes arrived) and bodies that are not a JSON
object. Any other 4xx is the API refusing the request: it raises at once with the API's own
message (``{"detail": ...}``). Only the method, URL, status and attempt are logged, never a
request body.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from whosbehind.errors import SourceError
from whosbehind.model.timeutil import UTC, now_utc
from whosbehind.sources.usaspending.api_json import load_json

log = logging.getLogger(__name__)

_MESSAGE_LIMIT = 300
_JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
_ACCEPT = {"Accept": "application/json"}


class ApiStatusError(SourceError):
    """The API answered with a status that retrying cannot fix (a 4xx other than 408/429)."""

    def __init__(self, method: str, url: str, status: int, message: str) -> None:
        super().__init__(f"{method} {url}: HTTP {status}: {message}")
        self.url = url
        self.status = status
        self.api_message = message


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` in all (the first try included). Waits grow ``base_delay * 2**(n-1)``
    up to ``max_delay``, plus up to ``jitter`` of that at random; a ``Retry-After`` header is
    followed as given, up to ``max_retry_after`` seconds."""

    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    jitter: float = 0.25
    max_retry_after: float = 300.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        delay = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return delay + delay * self.jitter * rng.random()


DEFAULT_POLICY = RetryPolicy()
_RNG = random.Random()


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """A 2xx answer whose body is a JSON object: the bytes as received and the parsed object
    (numbers as ``Decimal``), with the number of attempts it took."""

    url: str
    content: bytes
    payload: Mapping[str, Any]
    attempts: int


def call_api(
    client: httpx.Client,
    method: str,
    url: str,
    body: bytes | None = None,
    *,
    sleep: Callable[[float], None],
    policy: RetryPolicy = DEFAULT_POLICY,
    rng: random.Random = _RNG,
) -> ApiResponse:
    """``method`` ``url`` (with the JSON ``body`` for a POST) until it answers well.

    Raises ``ApiStatusError`` for a refused request and ``SourceError`` naming the URL, the
    attempts and the last status or failure when every attempt failed."""
    headers = _JSON_HEADERS if body is not None else _ACCEPT
    last = "no attempt"
    for attempt in range(1, policy.attempts + 1):
        retry_after: float | None = None
        try:
            response = client.request(method, url, content=body, headers=headers)
        except httpx.TimeoutException as error:
            last = f"timeout ({type(error).__name__})"
        except httpx.RequestError as error:
            last = f"{type(error).__name__}: {error}"
        else:
            status = response.status_code
            if 200 <= status < 300:
                payload = _json_object(response.content)
                if payload is not None:
                    return ApiResponse(url, response.content, payload, attempt)
                last = f"HTTP {status} with a body that is not a JSON object"
                last += f" ({len(response.content)} bytes)"
            elif status in (408, 429) or status >= 500:
                last = f"HTTP {status}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            else:
                raise ApiStatusError(method, url, status, api_message(response))
        if attempt == policy.attempts:
            break
        if retry_after is not None:
            delay = min(retry_after, policy.max_retry_after)
        else:
            delay = policy.backoff(attempt, rng)
        log.warning(
            "%s %s: %s; attempt %d of %d, next in %.1fs",
            method,
            url,
            last,
            attempt,
            policy.attempts,
            delay,
        )
        sleep(delay)
    raise SourceError(f"{method} {url}: gave up after {policy.attempts} attempts (last: {last})")


def _json_object(content: bytes) -> Mapping[str, Any] | None:
    try:
        payload = load_json(content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return None
    return payload if isinstance(payload, dict) else None


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or now_utc())).total_seconds())


def api_message(response: httpx.Response) -> str:
    """What the API said was wrong: its ``detail`` or ``message``, else the start of the body."""
    payload = _json_object(response.content)
    if payload is not None:
        for name in ("detail", "message", "messages", "error"):
            if payload.get(name):
                return str(payload[name])[:_MESSAGE_LIMIT]
    text = response.content[:_MESSAGE_LIMIT].decode("utf-8", "replace").strip()
    return " ".join(text.split()) or response.reason_phrase or "no message"
