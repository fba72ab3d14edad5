"""The README's console blocks are a tested script.

Every ``$ whosbehind ...`` line of every ```console block runs, in the README's order, with the
command users run (``python -m whosbehind``, the same ``main`` as the ``whosbehind`` script), in
a fresh folder beside ../shared so that the README's relative paths hold, against a fresh store.
Each must exit 0 (or the code its ``# exits N`` comment states), print no traceback and print
what it is for (a fragment per command, below). Lines marked ``# needs network`` are the only ones
not run, and the marked set is checked.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NETWORK = "# needs network"
EXITS = re.compile(r"#.*\bexits (\d+)\b")
EXPECTED_NETWORK = ["ingest usaspending --agency 7012 --from 2017-10-01 --to 2018-09-30"]
SHARE_2019 = "fedramp share --as-of 2019-06-01"

# What each example must print (stdout, or stderr for ingest progress); every README example is
# here and every entry here is in the README, so the two cannot drift apart silently.
FRAGMENTS: dict[str, tuple[str, ...]] = {
    "ingest fedramp ../shared/data/fedramp/legacy-history.git": (
        "snapshots read 4173",
        "snapshots stored 4158",
        "snapshots held 15",
        "15 held (rerun with --accept-removals to apply them)",
        "held (15): rerun with --accept-removals to apply them",
    ),
    "ingest fedramp ../shared/data/fedramp/marketplace-history.git": (
        "snapshots stored",
        "snapshots failed 1",
    ),
    "ingest fedramp ../shared/data/fedramp/org-export": ("snapshots stored",),
    SHARE_2019: ("authorizations by provider, infrastructure attribution", "Amazon", "HHI"),
    "fedramp share --as-of 2019-06-01 --measure offerings --attribution direct": (
        "offerings by provider, direct attribution",
    ),
    "fedramp timeline --from 2016-06-01 --every quarter --plot shares.png": (
        "shares over time",
        "2016-06-30",
    ),
    'fedramp offering "Palantir" --as-of 2021-01-01': ("Palantir", "Versions over record time"),
    "fedramp runs-on Amazon --as-of 2020-01-01": ("Offerings running on Amazon",),
    "fedramp changes --from 2023-01-01 --to 2023-03-01": ("FedRAMP changes",),
    "ingest agencies ../shared/data/reference/authoritative_agency_list_2019-06-13.csv": (
        "Ingest summary",
    ),
    "ingest usaspending ../shared/data/contracts/ice-fy13-fy18": ("snapshots stored 6",),
    "ingest fpds ../shared/data/fpds-atom": ("snapshots stored 2",),
    "awards --agency 7012 --recipient Palantir": ("Awards", "PALANTIR"),
    "spending --by recipient --fiscal-year 2018 --agency 7012": ("Obligations by recipient",),
    'spending --by parent --agency "Department of Homeland Security" --plot dhs.png': (
        "Obligations by parent",
        "chart written to dhs.png",
    ),
    "judgements import ../shared/data/contracts/ice-fy13-fy18/vendor_decorations.csv": (
        "whosbehind.judgements.tsv",
    ),
    "resolve --sec ../shared/data/sec": ("Resolve run 1",),
    "review --top 20": ("uncertain pairs; judgements in whosbehind.judgements.tsv",),
    'org "PALANTIR USG" --valid-at 2018-06-01': ("PALANTIR",),
    'org explain "AMAZON.COM LLC" fedramp:amazon': ("AMAZON.COM LLC",),
    "spending --by parent --agency 7012": ("Obligations by parent",),
    "fedramp share --by parent --as-of 2022-06-01": ("authorizations by parent",),
    "agency 7012 --as-of 2020-06-30 --format markdown --out ice-report.md": (),
    'company "Palantir Technologies" --as-of 2020-06-30 --json': ('"company"',),
    "path 7012 Amazon --plot ice-amazon.svg": ("chain(s), shortest first", "chart written"),
    "export --format ftm --agency 7012 --out ice.ftm.json": ("ice.ftm.json",),
}
# Files the examples write, in the folder they run in.
WRITTEN = ("shares.png", "dhs.png", "ice-report.md", "ice-amazon.svg", "ice.ftm.json")


@dataclass(frozen=True)
class Example:
    command: str  # after "whosbehind ", comment removed
    network: bool
    exit_code: int = 0  # what its ``# exits N`` comment says, else 0


def readme_examples() -> list[Example]:
    found: list[Example] = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(), re.DOTALL):
        for line in block.splitlines():
            assert line.startswith("$ whosbehind "), f"not a whosbehind command: {line!r}"
            words = shlex.split(line[2:], comments=True)[1:]
            exits = EXITS.search(line)
            code = int(exits.group(1)) if exits else 0
            found.append(Example(shlex.join(words), line.rstrip().endswith(NETWORK), code))
    return found


def _canonical(command: str) -> str:
    return shlex.join(shlex.split(command))


def test_network_examples_are_marked_and_are_exactly_the_expected_ones() -> None:
    examples = readme_examples()
    assert [e.command for e in examples if e.network] == [_canonical(c) for c in EXPECTED_NETWORK]
    run = [e.command for e in examples if not e.network and not e.command.startswith("cite ")]
    assert sorted(run) == sorted(_canonical(c) for c in FRAGMENTS)
    # The two archives that are not clean, and only they, are documented as exiting 3.
    assert {e.command: e.exit_code for e in examples if e.exit_code} == {
        "ingest fedramp ../shared/data/fedramp/legacy-history.git": 3,
        "ingest fedramp ../shared/data/fedramp/marketplace-history.git": 3,
    }
    assert len(run) == len(set(run)), "an example appears twice"


def test_examples_come_in_an_order_that_works() -> None:
    order = [e.command.split()[0] for e in readme_examples()]
    assert order.index("resolve") < order.index("review") < order.index("org")
    assert order.index("ingest") == 0
    assert order[-1] == "cite"


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "whosbehind", *shlex.split(command)],
        cwd=cwd,
        env=env,
        input="q\n" if command.startswith("review") else "",
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_every_readme_example_runs_in_order(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHOSBEHIND_")}
    env["COLUMNS"] = "80"
    expected = {_canonical(command): fragments for command, fragments in FRAGMENTS.items()}
    outputs: dict[str, str] = {}
    for example in readme_examples():
        if example.network:
            continue
        done = _run(example.command, project, env)
        where = f"`whosbehind {example.command}`"
        assert done.returncode == example.exit_code, (
            f"{where} exited {done.returncode}, not {example.exit_code}: {done.stderr[-2000:]}"
        )
        assert "Traceback" not in done.stderr, f"{where}: {done.stderr[-2000:]}"
        printed = done.stdout + done.stderr
        for fragment in expected.get(example.command, ()):
            assert fragment in " ".join(printed.split()), f"{where} did not print {fragment!r}"
        outputs[example.command] = done.stdout
    for name in WRITTEN:
        assert (project / name).stat().st_size > 0, f"{name} was not written"
    assert "[^" in (project / "ice-report.md").read_text()  # footnoted
    json.loads(outputs[_canonical('company "Palantir Technologies" --as-of 2020-06-30 --json')])
    cited = [e.command for e in readme_examples() if e.command.startswith("cite ")]
    assert len(cited) == 1
    cite_id = cited[0].split()[1]
    # The README says this id is the source `fedramp share --as-of 2019-06-01` printed; when
    # ids change, this fails and names the id to put in the README.
    printed_ids = re.findall(r"\[(c[0-9a-f]{16})\]", outputs[SHARE_2019])
    assert cite_id in printed_ids, (
        f"README cites {cite_id}; the share example printed {printed_ids}"
    )
    assert cite_id in outputs[cited[0]]
