"""`whosbehind serve` started as a subprocess on a real store, for the browser tests and the load
script: waits until it answers, and stops it (only the process it started)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    store: Path, log: Path, ready_within: float = 120.0, stop: signal.Signals = signal.SIGINT
) -> Iterator[str]:
    """The base URL of `whosbehind serve` on ``store``; its output goes to ``log``; stopped by
    ``stop`` (SIGINT: Ctrl-C; SIGTERM: how service managers stop it)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "whosbehind", "--db", str(store), "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            _wait_until_up(server, url, log, ready_within)
            yield url
        finally:
            server.send_signal(stop)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(server: subprocess.Popen[bytes], url: str, log: Path, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"whosbehind serve exited {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/", timeout=2.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"whosbehind serve did not answer within {within} s:\n{log.read_text()}")
