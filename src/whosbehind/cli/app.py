"""The ``whosbehind`` command. Library errors and bad options become one line on stderr, exit 2."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.main

import whosbehind as wb
from whosbehind import WhosbehindError
from whosbehind.cli import (
    contracts_commands,
    contracts_ingest,
    export_commands,
    fedramp_commands,
    ingest_commands,
    judgement_commands,
    org_commands,
    path_commands,
    report_commands,
    review,
    serve_command,
)
from whosbehind.cli.option_values import quicken
from whosbehind.cli.render import errors, set_wide

app = typer.Typer(
    help="Who is behind a government agency: suppliers, cloud authorizations, infrastructure "
    "and ownership, from public records, with a citation for every claim.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # help as Click writes it: Typer's Rich help imports ~0.2 s more
)
app.add_typer(ingest_commands.app, name="ingest")
app.add_typer(fedramp_commands.app, name="fedramp")
contracts_ingest.register(ingest_commands.app)
contracts_commands.register(app)
export_commands.register(app)
app.add_typer(judgement_commands.app, name="judgements")
review.register(app)
org_commands.register(app)
report_commands.register(app)
path_commands.register(app)
serve_command.register(app)


@app.callback()
def options(
    context: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(help="Store file. Default: $WHOSBEHIND_DB, else ./whosbehind.duckdb."),
    ] = None,
) -> None:
    context.obj = {"db": db}
    set_wide(False)  # until a command's --wide says otherwise


def main() -> None:
    """Run the command; a library error or a bad option is one line on stderr, exit 2."""
    try:
        # as ``app(standalone_mode=False)``, with option values converted without pydantic
        code = quicken(typer.main.get_command(app)).main(standalone_mode=False)
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
