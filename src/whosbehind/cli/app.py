"""The ``whosbehind`` command. Library errors become one line on stderr and exit code 2."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

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
)
from whosbehind.cli.render import errors
from whosbehind.errors import WhosbehindError
from whosbehind.store.engine import damaged_store

app = typer.Typer(
    help="Who is behind a government agency: suppliers, cloud authorizations, infrastructure "
    "and ownership, from public records, with a citation for every claim.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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


@app.callback()
def options(
    context: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(help="Store file. Default: $WHOSBEHIND_DB, else ./whosbehind.duckdb."),
    ] = None,
) -> None:
    context.obj = {"db": db}


def main() -> None:
    try:
        app()
    except WhosbehindError as error:
        errors().print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except Exception as error:
        damaged = damaged_store(error)  # DuckDB found the store's bytes damaged mid-query
        if damaged is None:
            raise
        errors().print(f"error: {damaged}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
