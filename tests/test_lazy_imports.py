"""Start-up stays fast because nothing is imported before it is needed: the package root
imports no submodule, ``whosbehind --help`` and every command's help load no database,
dataframe, plotting, web, pydantic or Rich library, and ``fedramp share`` loads DuckDB only (and
Rich where its table goes to a terminal). Structural checks (which modules a fresh interpreter
holds), not timings; benchmarks/startup.py times them."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import whosbehind

ROOT = Path(__file__).resolve().parents[1]
# libraries that cost tens to hundreds of milliseconds to import; no command's help needs them
HEAVY = (
    "duckdb",
    "pyarrow",
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "rapidfuzz",
    "httpx",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "pydantic",
)
# Typer's Rich help (and Rich's Markdown) cost more than the rest of ``--help``: help is
# Click's, and Rich is imported when a command prints a table
HELP = (*HEAVY, "rich", "markdown_it", "pygments")

# Runs the CLI in this interpreter once per argument list given as JSON (each run ends in
# SystemExit, caught), then prints the top-level names of the modules it imported.
_PROBE = """
import json, sys
from whosbehind.cli.app import main
for args in json.loads(sys.argv[1]):
    sys.argv = ["whosbehind", *args]
    try:
        main()
    except SystemExit:
        pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported_by(
    *runs: tuple[str, ...], environ: dict[str, str] | None = None
) -> tuple[set[str], str]:
    """The top-level modules a fresh interpreter holds after running ``whosbehind ARGS`` for
    each of ``runs`` (standard output a pipe; ``environ`` added to the environment), and what
    the runs printed."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(runs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **(environ or {})},
    )
    return set(json.loads(done.stderr.rsplit("MODULES ", 1)[1])), done.stdout


def test_the_root_map_names_exactly_the_public_api_and_where_each_is_defined() -> None:
    tree = ast.parse(Path(whosbehind.__file__).read_text())
    guarded = next(node for node in tree.body if isinstance(node, ast.If))
    declared = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert declared == whosbehind._EXPORTS
    assert sorted(declared) == sorted(whosbehind.__all__)


def test_a_fresh_import_of_the_root_loads_no_submodule() -> None:
    probe = "import sys, whosbehind; print(sorted(m for m in sys.modules if 'whosbehind.' in m))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_name_is_the_object_its_module_defines_even_after_a_subpackage_of_that_name() -> None:
    import whosbehind.api.orgs
    import whosbehind.export.paths
    import whosbehind.resolve.registry

    assert whosbehind.resolve_organizations is whosbehind.api.orgs.resolve_organizations
    assert whosbehind.resolve is sys.modules["whosbehind.resolve"]  # no name hides a subpackage
    assert whosbehind.PATH_TOP == whosbehind.export.paths.LIMIT
    assert whosbehind.PATH_MAX_HOPS == whosbehind.export.paths.MAX_HOPS
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = whosbehind.nothing_here


def test_help_loads_no_heavy_library() -> None:
    loaded, printed = imported_by(("--help",))
    assert "fedramp" in printed and loaded & set(HELP) == set()


def test_every_commands_help_loads_no_heavy_library() -> None:
    from typer.main import get_command

    from whosbehind.cli.app import app

    group = get_command(app)
    paths: list[tuple[str, ...]] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", {})
        paths += [(name, sub) for sub in subcommands] if subcommands else [(name,)]
    loaded, printed = imported_by(*[(*path, "--help") for path in paths])
    assert len(paths) > 20 and printed.count("Usage:") == len(paths)
    assert loaded & set(HELP) == set()


def test_fedramp_share_loads_duckdb_and_no_pydantic(
    store_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(store_path, db)
    loaded, printed = imported_by(
        ("--db", str(db), "fedramp", "share", "--as-of", "2019-06-01", "--json")
    )
    assert json.loads(printed)["rows"] and "duckdb" in loaded  # the query ran
    # Typer converts option values with pydantic unless cli.option_values does it first
    assert loaded & (set(HEAVY) - {"duckdb"}) == set()


def test_a_table_to_a_pipe_loads_no_rich_and_one_to_a_terminal_does(
    store_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(store_path, db)
    share = ("--db", str(db), "fedramp", "share", "--as-of", "2019-06-01", "--top", "5")
    loaded, printed = imported_by(share)  # Rich's output would carry no styles: plain text
    assert "HHI" in printed and loaded & set(HELP) == {"duckdb"}
    loaded, printed = imported_by(share, environ={"FORCE_COLOR": "1"})  # a terminal's styles
    assert "HHI" in printed and "\x1b[" in printed and "rich" in loaded
    assert loaded & (set(HEAVY) - {"duckdb"}) == set()
