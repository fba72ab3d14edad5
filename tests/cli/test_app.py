"""The command line built for the command a run names is the same command as in the whole
command line: same parameters, same help, for every command and subcommand."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import typer.main
from typer.testing import CliRunner

from whosbehind.cli.app import PARTS, app, build, named_command

runner = CliRunner(env={"COLUMNS": "200"})


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        found += _paths(sub, (*prefix, name))
    return found


def test_the_parts_name_exactly_the_commands_they_add() -> None:
    whole = typer.main.get_command(app)
    declared = [name for names, _ in PARTS for name in names]
    assert sorted(declared) == sorted(whole.commands)  # type: ignore[attr-defined]
    for names, _ in PARTS:
        for name in names:
            alone = typer.main.get_command(build(name))
            assert set(alone.commands) == set(names)  # type: ignore[attr-defined]


def test_a_command_built_alone_has_the_same_help_as_in_the_whole_command_line() -> None:
    whole = typer.main.get_command(app)
    paths = [path for path in _paths(whole) if path]
    assert len(paths) > 20
    for path in paths:
        alone = runner.invoke(build(path[0]), [*path, "--help"])
        full = runner.invoke(app, [*path, "--help"])
        assert alone.exit_code == full.exit_code == 0
        assert alone.output == full.output and "Usage: " in alone.output


def test_an_unknown_or_missing_command_builds_them_all() -> None:
    whole = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    for name in (None, "nosuch", "--help"):
        assert set(typer.main.get_command(build(name)).commands) == whole  # type: ignore[attr-defined]


def test_the_command_named_is_the_first_argument_after_the_roots_options() -> None:
    assert named_command(["fedramp", "share"]) == "fedramp"
    assert named_command(["--db", "x.duckdb", "spending", "--by", "agency"]) == "spending"
    assert named_command(["--db=x.duckdb", "agency", "ICE"]) == "agency"
    assert named_command(["--help"]) is None
    assert named_command(["--db"]) is None
    assert named_command(["--bogus", "fedramp"]) is None
    assert named_command([]) is None


def test_a_run_imports_the_cli_module_of_its_command_only() -> None:
    probe = (
        "import json, sys\nfrom whosbehind.cli.app import main\n"
        "sys.argv = ['whosbehind', 'fedramp', 'timeline', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('whosbehind.cli.')]))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "whosbehind.cli.fedramp_commands" in loaded
    others = {f"whosbehind.cli.{m}" for m in ("contracts_commands", "report_commands", "review")}
    assert others.isdisjoint(loaded)
