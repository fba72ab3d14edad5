"""Load on `whosbehind serve` over loopback: p50 and p99 latency of the search, agency, company
and market endpoints at a fixed arrival rate (default 200 requests/s) from a pool of concurrent
keep-alive connections (default 100), against the same questions asked through the CLI (seconds
per invocation: a new process opening the store each time).

    nice -n 10 python3 benchmarks/web_load.py [--db STORE] [--seconds 10] [--rate 200]
        [--clients 100]

Without --db it builds a store from the shared data into benchmarks/out/web-load/ (the agency
list, ICE's FY13-FY18 contracts, the FedRAMP organization export, `resolve`). Requests are sent
on a fixed schedule (open loop), and each latency is counted from the moment the request was
due, so a server that falls behind is charged for the wait (no coordinated omission). Every
endpoint is asked once before it is measured (the app keeps answers per data version); that
first answer's time is reported too, with the server's CPU time per request. The client is a
bare HTTP/1.1 one on asyncio streams (on uvloop where installed): it shares the two cores with
the server, and httpx's async client spent 5.9 ms of CPU per request, more than the server.
Prints a Markdown table, also written to benchmarks/out/web_load.md, with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

try:
    import uvloop

    LOOP = uvloop.new_event_loop
except ImportError:  # the standard event loop
    LOOP = None

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "out"
CLI = [sys.executable, "-m", "whosbehind"]
PALANTIR = "PALANTIR TECHNOLOGIES INC."
SEARCHES = ("palantir", "amazon", "ICE", "detention", "HSCETC13F00030", "microsoft", "amaz")


@dataclass(frozen=True)
class Endpoint:
    name: str
    paths: tuple[str, ...]  # asked in turn
    cli: tuple[str, ...]  # the same question through the CLI
    cli_note: str = ""


ENDPOINTS = (
    Endpoint(
        "search",
        tuple(f"/api/search?q={q}" for q in SEARCHES),
        ("awards", "--recipient", "palantir", "--json"),
        "no CLI command searches; the closest, `awards --recipient palantir`",
    ),
    Endpoint("agency", ("/api/agency/7012",), ("agency", "7012", "--json")),
    Endpoint("company", (f"/api/company/{PALANTIR}",), ("company", PALANTIR, "--json")),
    Endpoint("market", ("/api/market/share",), ("fedramp", "share", "--json")),
)


def build_store(path: Path) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        (
            "ingest",
            "agencies",
            str(DATA / "reference" / "authoritative_agency_list_2019-06-13.csv"),
        ),
        ("ingest", "usaspending", str(DATA / "contracts" / "ice-fy13-fy18")),
        ("ingest", "fedramp", str(DATA / "fedramp" / "org-export")),
        ("resolve",),
    ]
    for step in steps:
        subprocess.run([*CLI, "--db", str(path), *step], check=True, capture_output=True)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "--db", str(store), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/version", timeout=5).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("whosbehind serve did not start")


class Connection:
    """One keep-alive HTTP/1.1 connection to the server: a bare client, so that the load
    generator, which shares the machine with the server, spends as little CPU as it can
    (about a tenth of httpx's per request)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        request = f"GET {quote(path, safe='/?=&%')} HTTP/1.1\r\nHost: {self.host}\r\n\r\n"
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        fields = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(b":") for line in lines[1:] if line)
        )
        if b"content-length" in fields:
            body = await self.reader.readexactly(int(fields[b"content-length"]))
        else:  # chunked
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readexactly(2)
            body = b"".join(parts)
        if fields.get(b"connection") == b"close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(url: str, paths: tuple[str, ...], seconds: float, rate: float, clients: int):
    """Latencies (s, from when each request was due) and the count of failed requests."""
    total = int(seconds * rate)
    latencies: list[float] = []
    failures = 0
    host, port = url.removeprefix("http://").split(":")
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(clients):
        pool.put_nowait(Connection(host, int(port)))

    async def one(index: int, due: float) -> None:
        nonlocal failures
        connection = await pool.get()
        try:
            status, body = await connection.get(paths[index % len(paths)])
            ok = status == 200
            if not ok:
                print(f"{status} {body[:200]!r}", file=sys.stderr)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            connection.close()
            ok = False
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
        finally:
            pool.put_nowait(connection)
        latencies.append(time.monotonic() - due)
        failures += not ok

    started = time.monotonic()
    tasks = []
    for index in range(total):
        due = started + index / rate
        pause = due - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    while not pool.empty():
        pool.get_nowait().close()
    return latencies, failures, total / elapsed


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cli_seconds(store: Path, args: tuple[str, ...], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*CLI, "--db", str(store), *args], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--clients", type=int, default=100)
    options = parser.parse_args()
    store = options.db or build_store(OUT / "web-load" / "store.duckdb")
    load_before = os.getloadavg()
    server, url = start_server(store)
    rows = []
    try:
        for endpoint in ENDPOINTS:
            first = []
            for path in endpoint.paths:  # the first answer of each is computed, then kept
                started = time.perf_counter()
                httpx.get(url + path, timeout=300).raise_for_status()
                first.append(time.perf_counter() - started)
            server_cpu, client_cpu = cpu_seconds(server.pid), cpu_seconds(os.getpid())
            with asyncio.Runner(loop_factory=LOOP) as runner:
                latencies, failures, achieved = runner.run(
                    load(url, endpoint.paths, options.seconds, options.rate, options.clients)
                )
            server_cpu = cpu_seconds(server.pid) - server_cpu
            client_cpu = cpu_seconds(os.getpid()) - client_cpu
            per = (server_cpu / len(latencies), client_cpu / len(latencies))
            rows.append((endpoint, latencies, failures, achieved, statistics.median(first), per))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    load_after = os.getloadavg()
    lines = [
        f"{options.rate:.0f} requests/s for {options.seconds:.0f} s per endpoint, "
        f"{options.clients} concurrent clients, loopback, one `whosbehind serve` process; "
        f"load average {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} "
        f"before, {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} after "
        f"({os.cpu_count()} cores).",
        "",
        "| endpoint | requests | achieved/s | failed | p50 ms | p99 ms | max ms "
        "| server CPU ms/request | first answer ms | CLI s per call | CLI / p50 | CLI / p99 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for endpoint, latencies, failures, achieved, first, (server_cpu, _) in rows:
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        cli = cli_seconds(store, endpoint.cli)
        lines.append(
            f"| {endpoint.name} | {len(latencies)} | {achieved:.0f} | {failures} "
            f"| {p50 * 1000:.1f} | {p99 * 1000:.1f} | {max(latencies) * 1000:.0f} "
            f"| {server_cpu * 1000:.2f} | {first * 1000:.0f} "
            f"| {cli:.2f} | {cli / p50:.0f}x | {cli / p99:.0f}x |"
        )
        if endpoint.cli_note:
            notes.append(f"- {endpoint.name}: {endpoint.cli_note}.")
    client = statistics.median(per[1] for *_, per in rows)
    notes.append(
        f"- The load generator used {client * 1000:.2f} ms of CPU per request (median over the "
        "endpoints), on the same two cores."
    )
    text = "\n".join([*lines, "", *notes]) + "\n"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "web_load.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
