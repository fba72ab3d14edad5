"""A local, tuned PostgreSQL 15 server for benchmarks, set up idempotently.

Not a benchmark itself (``contracts_vs_postgres.py`` imports it). On a fresh Debian machine,
as root, ``ensure_server()``:

1. installs ``postgresql-15`` with apt-get if its binaries are missing (``apt-get update`` once),
   and the ``psycopg[binary]`` driver with pip if it cannot be imported;
2. creates the system user ``whosbehind_pg`` (PostgreSQL refuses to run as root);
3. runs ``initdb`` in ``DATA_DIR`` (under /tmp, owned by that user) if there is no cluster yet;
4. writes ``whosbehind-bench.conf`` (the settings in ``SETTINGS``, included from
   postgresql.conf) and starts the server on 127.0.0.1:``PORT`` with pg_ctl, if it is not up.

Every step checks first, so calling it again is cheap. ``stop_server()`` stops it,
``remove_server()`` also deletes the data directory.

The settings are sized for this machine (2 cores, 24 GB RAM, SSD) and favour bulk loading and
analytic queries: 25% of RAM as shared buffers, large work_mem and maintenance_work_mem, two
parallel workers per query, ``synchronous_commit=off``, and ``wal_level=minimal`` so that a COPY
into a table created in the same transaction writes no WAL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

VERSION = "15"
BIN = Path(f"/usr/lib/postgresql/{VERSION}/bin")
USER = "whosbehind_pg"
HOST = "127.0.0.1"
PORT = int(os.environ.get("WHOSBEHIND_PG_PORT", "55432"))
DATA_DIR = Path(os.environ.get("WHOSBEHIND_PG_DIR", "/tmp/whosbehind-pg"))
CONF_NAME = "whosbehind-bench.conf"

# name -> (value, why). Written verbatim into whosbehind-bench.conf.
SETTINGS: dict[str, tuple[str, str]] = {
    "listen_addresses": (f"'{HOST}'", "local only"),
    "port": (str(PORT), "away from a packaged cluster on 5432"),
    "shared_buffers": ("'6GB'", "25% of 24 GB RAM"),
    "effective_cache_size": ("'16GB'", "what the OS page cache can hold"),
    "work_mem": ("'256MB'", "per sort/hash node: big aggregates stay in memory"),
    "hash_mem_multiplier": ("2.0", "hash aggregates may use 2x work_mem (the PG 15 default)"),
    "maintenance_work_mem": ("'2GB'", "index builds sort in memory"),
    "max_worker_processes": ("8", ""),
    "max_parallel_workers": ("2", "the machine has 2 cores"),
    "max_parallel_workers_per_gather": ("2", "parallel scans and aggregates"),
    "max_parallel_maintenance_workers": ("2", "parallel index builds"),
    "synchronous_commit": ("off", "bulk load: do not wait for the WAL flush at commit"),
    "wal_level": ("minimal", "COPY into a table created in the same transaction skips WAL"),
    "max_wal_senders": ("0", "required by wal_level=minimal"),
    "max_wal_size": ("'16GB'", "no forced checkpoints during the load"),
    "checkpoint_timeout": ("'30min'", ""),
    "random_page_cost": ("1.1", "SSD"),
    "effective_io_concurrency": ("200", "SSD"),
    "jit": ("on", "the default; it helps the large aggregates"),
    "autovacuum": ("on", "the default; the benchmark runs VACUUM ANALYZE itself after a load"),
    "unix_socket_directories": ("''", "TCP only"),
    "logging_collector": ("off", ""),
}


def log(message: str) -> None:
    print(f"[postgres] {message}", file=sys.stderr, flush=True)


def _run(
    args: list[str], *, as_user: bool = False, check: bool = True, capture: bool = True
) -> subprocess.CompletedProcess[str]:
    if as_user and os.geteuid() == 0:
        args = ["runuser", "-u", USER, "--", *args]
    return subprocess.run(args, check=check, capture_output=capture, text=True)


def ensure_installed() -> None:
    if (BIN / "postgres").exists():
        return
    if os.geteuid() != 0:
        raise SystemExit(
            f"PostgreSQL {VERSION} is not installed and this is not root: "
            f"apt-get install -y postgresql-{VERSION}"
        )
    log(f"installing postgresql-{VERSION} (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", f"postgresql-{VERSION}"], check=True, env=env
    )


def ensure_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        log("installing psycopg[binary] (pip)")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "psycopg[binary]>=3.1"], check=True
        )


def ensure_user() -> None:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        if os.geteuid() != 0:
            raise SystemExit(f"run as root once to create the system user {USER}") from None
        log(f"creating system user {USER}")
        _run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER])


def config_text() -> str:
    lines = ["# written by benchmarks/_postgres.py; see SETTINGS there"]
    for name, (value, why) in SETTINGS.items():
        lines.append(f"{name} = {value}" + (f"  # {why}" if why else ""))
    return "\n".join(lines) + "\n"


def data_dir() -> Path:
    return DATA_DIR / "data"


def ensure_cluster() -> None:
    data = data_dir()
    if not (data / "PG_VERSION").exists():
        log(f"initdb {data}")
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(DATA_DIR, USER, USER)
            shutil.chown(data, USER, USER)
        _run(
            [
                str(BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            as_user=True,
        )
    conf = data / CONF_NAME
    if not conf.exists() or conf.read_text() != config_text():
        conf.write_text(config_text())
        if os.geteuid() == 0:
            shutil.chown(conf, USER, USER)
        main = data / "postgresql.conf"
        include = f"include_if_exists = '{CONF_NAME}'"
        if include not in main.read_text():
            with main.open("a") as stream:
                stream.write(f"\n{include}\n")
        if is_running():
            log("settings changed: restarting")
            _run(
                [
                    str(BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "fast",
                    "-w",
                    "restart",
                    "-l",
                    str(DATA_DIR / "server.log"),
                ],
                as_user=True,
            )


def is_running() -> bool:
    done = _run([str(BIN / "pg_ctl"), "-D", str(data_dir()), "status"], as_user=True, check=False)
    return done.returncode == 0


def ensure_server() -> None:
    """Install, initialise, configure and start the server as needed (idempotent)."""
    ensure_installed()
    ensure_driver()
    ensure_user()
    ensure_cluster()
    if not is_running():
        log(f"starting on {HOST}:{PORT} ({data_dir()})")
        _run(
            [
                str(BIN / "pg_ctl"),
                "-D",
                str(data_dir()),
                "-w",
                "-t",
                "120",
                "start",
                "-l",
                str(DATA_DIR / "server.log"),
            ],
            as_user=True,
        )
    for _ in range(60):
        try:
            with connect() as connection:
                connection.execute("SELECT 1")
            return
        except Exception:  # the server is still starting
            time.sleep(0.5)
    raise SystemExit(f"PostgreSQL did not come up; see {DATA_DIR / 'server.log'}")


def stop_server() -> None:
    if (data_dir() / "PG_VERSION").exists() and is_running():
        _run([str(BIN / "pg_ctl"), "-D", str(data_dir()), "-m", "fast", "-w", "stop"], as_user=True)


def remove_server() -> None:
    stop_server()
    shutil.rmtree(DATA_DIR, ignore_errors=True)


def connect(**options: Any) -> Any:
    """A psycopg connection (autocommit) to the benchmark server."""
    import psycopg

    return psycopg.connect(
        host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True, **options
    )


@contextmanager
def session() -> Iterator[Any]:
    connection = connect()
    try:
        yield connection
    finally:
        connection.close()


def server_version() -> str:
    with session() as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def effective_settings() -> dict[str, str]:
    """The values the running server reports for every tuned setting."""
    found: dict[str, str] = {}
    with session() as connection:
        for name in SETTINGS:
            row = connection.execute("SELECT current_setting(%s)", [name]).fetchone()
            if row:
                found[name] = str(row[0])
    return found


def relation_size(table: str) -> int:
    with session() as connection:
        row = connection.execute("SELECT pg_total_relation_size(%s)", [table]).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def allow_reading(path: Path) -> None:
    """Let the server's user read ``path`` (server-side COPY) by opening its folders to all."""
    for folder in [path, *path.parents]:
        if folder == Path("/"):
            break
        mode = folder.stat().st_mode
        if not mode & 0o005:
            os.chmod(folder, mode | 0o005)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        ensure_server()
        print(f"PostgreSQL {server_version()} on {HOST}:{PORT}, data in {data_dir()}")
    elif command == "stop":
        stop_server()
    elif command == "remove":
        remove_server()
    elif command == "settings":
        print(config_text())
    else:
        raise SystemExit("usage: _postgres.py [start|stop|remove|settings]")


def server_cpu() -> float:
    """CPU seconds used so far by every process of the PostgreSQL server (backends and
    parallel workers: the processes of its system user, each one thread), from the
    nanosecond run time in /proc/PID/schedstat (``stat`` counts 10 ms ticks)."""
    try:
        uid = pwd.getpwnam(USER).pw_uid
    except KeyError:
        return float("nan")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            total += int((entry / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):  # the process ended meanwhile
            continue
    return total / 1e9
