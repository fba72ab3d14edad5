"""The ``whosbehind`` command. Library errors and bad options become one line on stderr, exit 2.

A run builds only the command it names (``whosbehind fedramp share`` imports and converts the
``fedramp`` group, not the other twenty commands; start-up: benchmarks/startup.py); help, an
unknown command or no command builds them all. ``app`` is the whole command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated

import typer
import typer.main

import whosbehind as wb
from whosbehind import WhosbehindError
from whosbehind.cli.option_values import quicken
from whosbehind.cli.render import errors, set_wide

HELP = (
    "Who is behind a government agency: suppliers, cloud authorizations, infrastructure "
    "and ownership, from public records, with a citation for every claim."
)


@cache
def _ingest_group() -> typer.Typer:
    from whosbehind.cli import contracts_ingest, ingest_commands

    contracts_ingest.register(ingest_commands.app)  # once per process
    return ingest_commands.app


def _ingest(app: typer.Typer) -> None:
    app.add_typer(_ingest_group(), name="ingest")


def _fedramp(app: typer.Typer) -> None:
    from whosbehind.cli import fedramp_commands

    app.add_typer(fedramp_commands.app, name="fedramp")


def _contracts(app: typer.Typer) -> None:
    from whosbehind.cli import contracts_commands

    contracts_commands.register(app)


def _export(app: typer.Typer) -> None:
    from whosbehind.cli import export_commands

    export_commands.register(app)


def _judgements(app: typer.Typer) -> None:
    from whosbehind.cli import judgement_commands

    app.add_typer(judgement_commands.app, name="judgements")


def _review(app: typer.Typer) -> None:
    from whosbehind.cli import review

    review.register(app)


def _orgs(app: typer.Typer) -> None:
    from whosbehind.cli import org_commands

    org_commands.register(app)


def _reports(app: typer.Typer) -> None:
    from whosbehind.cli import report_commands

    report_commands.register(app)


def _path(app: typer.Typer) -> None:
    from whosbehind.cli import path_commands

    path_commands.register(app)


def _serve(app: typer.Typer) -> None:
    from whosbehind.cli import serve_command

    serve_command.register(app)


# the top-level commands and groups each part adds, in the order help lists them
PARTS: tuple[tuple[tuple[str, ...], Callable[[typer.Typer], None]], ...] = (
    (("ingest",), _ingest),
    (("fedramp",), _fedramp),
    (("awards", "spending"), _contracts),
    (("export", "cite"), _export),
    (("judgements",), _judgements),
    (("review",), _review),
    (("resolve", "org"), _orgs),
    (("agency", "company"), _reports),
    (("path",), _path),
    (("serve",), _serve),
)


def options(
    context: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(help="Store file. Default: $WHOSBEHIND_DB, else ./whosbehind.duckdb."),
    ] = None,
) -> None:
    context.obj = {"db": db}
    set_wide(False)  # until a command's --wide says otherwise


def build(name: str | None = None) -> typer.Typer:
    """The command line with the command or group ``name`` only, or, when ``name`` is None or
    no command's, with all of them."""
    found = typer.Typer(
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,  # help as Click writes it: Typer's Rich help imports ~0.2 s more
    )
    found.callback()(options)
    known = any(name in names for names, _ in PARTS)
    for names, add in PARTS:
        if not known or name in names:
            add(found)
    return found


def named_command(args: list[str]) -> str | None:
    """The command ``args`` name after the root's options, or None (none named, help, an
    option the root does not have: those need every command)."""
    rest = iter(args)
    for arg in rest:
        if arg == "--db":
            if next(rest, None) is None:
                return None
        elif not arg.startswith("--db="):
            return None if arg.startswith("-") else arg
    return None


def __getattr__(name: str) -> typer.Typer:
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    whole = build()
    globals()["app"] = whole  # built once
    return whole


def main() -> None:
    """Run the command; a library error or a bad option is one line on stderr, exit 2."""
    try:
        # as ``app(standalone_mode=False)``, with option values converted without pydantic
        command = typer.main.get_command(build(named_command(sys.argv[1:])))
        code = quicken(command).main(standalone_mode=False)
    except WhosbehindError as error:
        _fail(f"error: {error}", 2)
    except typer.Abort:
        _fail("aborted", 1)
    except typer.TyperException as error:  # bad usage: unknown option, value not a choice
        message = error.format_message() if hasattr(error, "format_message") else str(error)
        context = getattr(error, "ctx", None)
        where = f"{context.command_path}: " if context is not None else ""
        _fail(f"error: {where}{message}" if message else "", getattr(error, "exit_code", 2))
    except Exception as error:
        damaged = wb.damaged_store(error)  # DuckDB found the store's bytes damaged mid-query
        if damaged is None:
            raise
        _fail(f"error: {damaged}", 2)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> None:
    if message:  # empty: help was printed instead (a group called without a command)
        errors().print(message, markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)
