"""How an ingest ends: its exit code, and the one-line summary on stderr.

0  every item the source holds was read (stored, unchanged, already stored, or skipped
   as no contract file)
3  some items failed or were held for confirmation: the others were stored; the summary
   (and ``--json``) names each one, where and why, the failed and the held apart; stderr
   says so as a warning (the run did its work)
4  the source holds nothing to read: an empty or wrong folder, an archive without CSVs
2  (as for every command) the run could not start or had to stop: a bad option, a source
   that cannot be read at all, a store that cannot be written
"""

from __future__ import annotations

from dataclasses import dataclass

import typer

from whosbehind.cli.render import console, errors

EXIT_OK = 0
EXIT_SOME_FAILED = 3
EXIT_NOTHING_FOUND = 4
HELD_HINT = "rerun with --accept-removals to apply them"


@dataclass(frozen=True, slots=True)
class Outcome:
    exit_code: int
    message: str  # empty when everything was read

    def json(self) -> dict[str, object]:
        return {"exit_code": self.exit_code, "message": self.message}


def outcome(read: int, failed: int, held: int, found_nothing: bool, what: str) -> Outcome:
    """``what`` names the items (``snapshots``, ``files or responses``)."""
    if read == 0 and found_nothing:
        return Outcome(EXIT_NOTHING_FOUND, f"found no {what} to read in the source")
    if failed or held:
        parts = [f"{failed} failed"] if failed else []
        if held:
            parts.append(f"{held} held ({HELD_HINT})")
        return Outcome(EXIT_SOME_FAILED, f"of {read} {what} read, " + ", ".join(parts))
    return Outcome(EXIT_OK, "")


def list_items(failed: list[str], held: list[str]) -> None:
    """The failed items, then the held ones, each under its own heading with its count."""
    if failed:
        console().print(f"failed ({len(failed)}):", highlight=False, markup=False, style="red")
        for item in failed:
            console().print(f"  {item}", highlight=False, markup=False, style="red")
    if held:
        heading = f"held ({len(held)}): {HELD_HINT}"
        console().print(heading, highlight=False, markup=False, style="yellow")
        for item in held:
            console().print(f"  {item}", highlight=False, markup=False, style="yellow")


def finish(result: Outcome) -> None:
    """Print the outcome on stderr and exit with its code (nothing when all was read)."""
    if result.exit_code == EXIT_OK:
        return
    prefix = "warning" if result.exit_code == EXIT_SOME_FAILED else "error"
    errors().print(f"{prefix}: {result.message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(result.exit_code)
