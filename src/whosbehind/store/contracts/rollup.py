"""A rollup of the current money lines: sums by fiscal year, agency, recipient and parent.

The money lines (``contracts.lines.lines_sql(None)``) are summed per fiscal year, awarding
agency (toptier and subtier), and recipient and parent as reported (DUNS, UEI and name of
each), with the number of lines, the part of them that are award totals, and the snapshots
they were read from. Rows are written sorted by fiscal year and agency, so that DuckDB's
min/max zone maps skip most row groups for one year or agency. A group may have several rows
(one per file that added to it): readers sum them. ``spending()`` answers from the rollup when
its selection allows and the rollup is fresh; otherwise from the lines.

Maintenance, inside the ingest's transactions: a file loaded by the one-pass path adds only
new awards, so its rows only need summing: its transaction marks the rollup stale
(``append``), and the run's end sums every such file of the run in one statement, sorted, into
the rollup and writes the copies (``settle``). Any other
write (new versions, closed versions, transactions, API and FPDS records) marks the rollup
stale in its transaction (``mark_stale``), and the ingest job rebuilds it once at the end of
the run (``rebuild``, one transaction). A crash in between leaves it stale: queries then read
the lines until the next ingest rebuilds it. The rollup is derived data with no versions: it
answers only for the newest record (no ``as_of``).

The same rows are kept twice more, as an index would be: sorted by recipient
(``BY_RECIPIENT``), so that one recipient's money (a DUNS or UEI filter) reads a row group or
two instead of the whole rollup, and sorted by agency, then fiscal year (``BY_AGENCY``), so that
one agency's money over some years ("top recipients of ICE in FY2016-18") reads only that
agency's rows. The run's end (``settle``) sums the run's files into the rollup as one sorted
part and writes the copies from it once: into an empty rollup, that part is the rollup, and
each copy is written sorted. Into a rollup that held rows, it appends only the run's rows to
each copy, sorted, as one more part, unless the rollup would then hold more than
``MAX_PARTS`` sorted parts: then it sorts the rollup and writes the copies whole again. Each
part adds a row group or two to a lookup of one recipient or agency, so a few parts keep q1
and q3 fast while a later run does not re-sort every row the store holds. A store from before
a copy gets it at its next contracts ingest (the rollup is marked stale, and the run rebuilds
it).

One summary is written with the copies: ``BY_PARENT`` sums the rollup by fiscal year and
parent as reported (the key ``spending(by="parent")`` groups by without a registry, ``PARENT``),
one row per group, so that "the top parents and their share in each fiscal year" reads a
table of groups instead of grouping the whole rollup. It holds numbers only (amount, lines,
award lines and amount); names and files of the few groups returned are read from the rollup.
It is fresh when the rollup is, and always equals the rollup summed by its key.

Beside them, and maintained with them, ``contract_subtier_names`` counts the awards' latest
records by subtier code and subtier name as stated, so that a store without the agency list
names its agencies without reading every award (``subtier_names``).
"""

from __future__ import annotations

from whosbehind.store.contracts.lines import lines_sql
from whosbehind.store.engine import Engine
from whosbehind.store.picks import most_counted

ROLLUP = "contract_money_rollup"
STATE = "contract_rollup_state"
NAMES = "contract_subtier_names"
# of a subtier's spellings, the one on the most awards, ties by sort order, over rows of
# (subtier_name, awards)
MOST_AWARDS_NAME = most_counted("subtier_name", "awards")
BY_RECIPIENT = "contract_money_by_recipient"
BY_AGENCY = "contract_money_by_agency"
BY_PARENT = "contract_money_by_parent"
# a recipient is its DUNS, else UEI, else name; its parent the parent's, else itself (the
# same expressions as ``analysis.contracts.spending``'s keys; a test compares them)
RECIPIENT = "coalesce(recipient_duns, recipient_uei, 'name:' || upper(recipient_name), '-')"
PARENT = (
    "coalesce(recipient_parent_duns, recipient_parent_uei, "
    f"'name:' || upper(recipient_parent_name), {RECIPIENT})"
)
DIMENSIONS = (
    "fiscal_year",
    "awarding_toptier_code",
    "awarding_subtier_code",
    "recipient_duns",
    "recipient_uei",
    "recipient_name",
    "recipient_parent_duns",
    "recipient_parent_uei",
    "recipient_parent_name",
)
_COLUMNS = (
    "fiscal_year BIGINT, "
    + ", ".join(f"{name} VARCHAR" for name in DIMENSIONS[1:])
    + ", amount DECIMAL(38,2), lines BIGINT, award_lines BIGINT, "
    "award_amount DECIMAL(38,2), snapshots VARCHAR[]"
)
_SUMS = (
    "sum(amount) AS amount, count(*) AS lines, "
    "count(*) FILTER (WHERE basis = 'award total') AS award_lines, "
    "coalesce(sum(amount) FILTER (WHERE basis = 'award total'), 0) AS award_amount, "
    "list(DISTINCT feed || ':' || seq) AS snapshots"
)
_ORDER = "fiscal_year, awarding_subtier_code"
_RECIPIENT_ORDER = "recipient_duns, recipient_uei, fiscal_year"
_AGENCY_ORDER = "awarding_subtier_code, fiscal_year"
MAX_PARTS = 8  # sorted parts the rollup may hold before a run's end sorts it and its copies
# the copies of the rollup, each with its sort order
_COPIES = ((BY_RECIPIENT, _RECIPIENT_ORDER), (BY_AGENCY, _AGENCY_ORDER))
_PARENT_COLUMNS = (
    "fiscal_year BIGINT, parent VARCHAR, amount DECIMAL(38,2), lines BIGINT, "
    "award_lines BIGINT, award_amount DECIMAL(38,2)"
)
_BY_PARENT_SELECT = (
    f"SELECT fiscal_year, {PARENT} AS parent, sum(amount) AS amount, "
    "CAST(sum(lines) AS BIGINT) AS lines, CAST(sum(award_lines) AS BIGINT) AS award_lines, "
    f"sum(award_amount) AS award_amount FROM {ROLLUP} GROUP BY ALL ORDER BY fiscal_year"
)
_NAME_COUNTS = (
    "awarding_subtier_code, awarding_subtier_name, count(*) FROM contract_award "
    "WHERE latest AND awarding_subtier_code IS NOT NULL"
)


def create_rollup(engine: Engine) -> None:
    """The rollup and its state; a new rollup is fresh when the store holds no money yet."""
    if not engine.has_table(NAMES):
        engine.execute(
            f"CREATE TABLE {NAMES} (subtier_code VARCHAR, subtier_name VARCHAR, awards BIGINT)"
        )
        if engine.has_table(STATE):  # a store from before the names: rebuilt by this ingest
            mark_stale(engine)
    for copy, _order in _COPIES:
        if not engine.has_table(copy):
            engine.execute(f"CREATE TABLE {copy} ({_COLUMNS})")
            if engine.has_table(STATE):  # a store from before the copy: rebuilt by this ingest
                mark_stale(engine)
    if not engine.has_table(BY_PARENT):
        engine.execute(f"CREATE TABLE {BY_PARENT} ({_PARENT_COLUMNS})")
        if engine.has_table(STATE):  # a store from before the summary: rebuilt by this ingest
            mark_stale(engine)
    if engine.has_table(STATE):
        if not engine.has_column(STATE, "parts"):  # a store from before the parts count
            engine.execute(f"ALTER TABLE {STATE} ADD COLUMN parts BIGINT DEFAULT 1")
        return
    engine.execute(f"CREATE TABLE {ROLLUP} ({_COLUMNS})")
    engine.execute(f"CREATE TABLE {STATE} (fresh BOOLEAN, parts BIGINT DEFAULT 1)")
    empty = not engine.scalar(
        "SELECT (SELECT count(*) FROM contract_award) + (SELECT count(*) FROM contract_transaction)"
    )
    engine.execute(f"INSERT INTO {STATE} (fresh) VALUES (?)", [empty])


def mark_stale(engine: Engine) -> None:
    engine.execute(f"UPDATE {STATE} SET fresh = false WHERE fresh")


def is_fresh(engine: Engine) -> bool:
    return engine.has_table(STATE) and bool(engine.scalar(f"SELECT bool_and(fresh) FROM {STATE}"))


def append(engine: Engine, feed: str, seq: int) -> bool:
    """Count the lines of snapshot ``seq``, whose award rows are all new awards (the one-pass
    load), in at the run's end (``settle`` sums them into the rollup), and add its awards to
    the name counts. Its awards add award-total lines and change no other line, unless the
    store holds transactions of them (then their lines change: the rollup goes stale instead,
    and this returns False). The rollup is marked stale (readers read the lines) until the
    run's end sums the run's snapshots once, sorted, and copies them (``settle``), instead of
    each file writing its own sorted part that the end sorts again."""
    if engine.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM contract_transaction WHERE award_key IN "
        "(SELECT award_key FROM contract_award WHERE feed = ? AND seq = ?) LIMIT 1)",
        [feed, seq],
    ):
        mark_stale(engine)
        return False
    engine.execute(
        f"INSERT INTO {NAMES} SELECT {_NAME_COUNTS} AND feed = ? AND seq = ? GROUP BY ALL",
        [feed, seq],
    )
    mark_stale(engine)
    return True


def _sum_snapshots(engine: Engine, appended: list[str]) -> None:
    """The money of the snapshots ``appended`` ("feed:seq", each loaded by ``append``'s one
    pass) into the rollup as one sorted part: one row per group and snapshot, as if each had
    been summed on its own. Every line is an award total of its snapshot (all its awards are
    new and have no transactions): no list or filter to aggregate."""
    dims = ", ".join(DIMENSIONS)
    # a label twice (a file's transaction rolled back after ``append``, its number reused by
    # the next file) is one snapshot: joined once, not summed twice
    labels = dict.fromkeys(appended)
    feeds, seqs = zip(*(label.rsplit(":", 1) for label in labels), strict=True)
    engine.execute(
        f"INSERT INTO {ROLLUP} SELECT {dims}, sum(total_obligation) AS amount, "
        "count(*) AS lines, count(*) AS award_lines, sum(total_obligation) AS award_amount, "
        "[a.feed || ':' || a.seq] AS snapshots FROM contract_award a "
        "JOIN (SELECT unnest(?::VARCHAR[]) AS feed, unnest(?::BIGINT[]) AS seq) r "
        "ON a.feed = r.feed AND a.seq = r.seq "
        "WHERE a.counts AND a.latest AND a.total_obligation IS NOT NULL "
        f"GROUP BY {dims}, a.feed, a.seq ORDER BY {_ORDER}",
        [list(feeds), [int(seq) for seq in seqs]],
    )


def settle(engine: Engine, appended: list[str], held_rows: bool) -> None:
    """After ``append`` of the snapshots ``appended`` ("feed:seq") to a rollup that was fresh
    before them (call inside a transaction): sum their money into the rollup as one sorted
    part, then write it into the copies as one more sorted part when the rollup ``held_rows``
    and stays within ``MAX_PARTS``; else sort the rollup again as a whole (when it held rows)
    and write the copies whole. Then the summary by parent, and mark it fresh."""
    _sum_snapshots(engine, appended)
    parts = int(engine.scalar(f"SELECT max(coalesce(parts, 1)) FROM {STATE}") or 1)
    if held_rows and parts + 1 <= MAX_PARTS:
        for copy, order in _COPIES:
            engine.execute(
                f"INSERT INTO {copy} SELECT * FROM {ROLLUP} WHERE len(snapshots) = 1 "
                f"AND snapshots[1] IN (SELECT unnest(?)) ORDER BY {order}",
                [appended],
            )
        parts += 1
    else:
        if held_rows:
            engine.execute(
                f"CREATE OR REPLACE TABLE {ROLLUP} AS SELECT * FROM {ROLLUP} ORDER BY {_ORDER}"
            )
        for copy, order in _COPIES:
            engine.execute(
                f"CREATE OR REPLACE TABLE {copy} AS SELECT * FROM {ROLLUP} ORDER BY {order}"
            )
        parts = 1
    engine.execute(f"CREATE OR REPLACE TABLE {BY_PARENT} AS {_BY_PARENT_SELECT}")
    engine.execute(f"UPDATE {STATE} SET fresh = true, parts = ?", [parts])


def rebuild(engine: Engine) -> None:
    """Recompute the rollup from the current lines (call inside a transaction)."""
    lines, params = lines_sql(None)
    dims = ", ".join(DIMENSIONS)
    engine.execute(f"DELETE FROM {ROLLUP}")
    engine.execute(
        f"INSERT INTO {ROLLUP} SELECT {dims}, {_SUMS} FROM ({lines}) "
        f"GROUP BY ALL ORDER BY {_ORDER}",
        params,
    )
    for copy, order in _COPIES:
        engine.execute(f"DELETE FROM {copy}")
        engine.execute(f"INSERT INTO {copy} SELECT * FROM {ROLLUP} ORDER BY {order}")
    engine.execute(f"DELETE FROM {BY_PARENT}")
    engine.execute(f"INSERT INTO {BY_PARENT} {_BY_PARENT_SELECT}")
    engine.execute(f"DELETE FROM {NAMES}")
    engine.execute(f"INSERT INTO {NAMES} SELECT {_NAME_COUNTS} GROUP BY ALL")
    engine.execute(f"UPDATE {STATE} SET fresh = true, parts = 1")


def subtier_names(engine: Engine, codes: list[str]) -> dict[str, str | None] | None:
    """Subtier code -> the name most awards' latest records state (ties: the first name in
    sort order), for the codes stated; None when the rollup is stale or predates the names."""
    if not engine.has_table(NAMES) or not is_fresh(engine):
        return None
    found = engine.connection.execute(
        f"SELECT subtier_code, {MOST_AWARDS_NAME} FROM (SELECT subtier_code, subtier_name, "
        f"CAST(sum(awards) AS BIGINT) AS awards FROM {NAMES} WHERE subtier_name IS NOT NULL "
        "AND subtier_code IN (SELECT unnest(?)) GROUP BY ALL) GROUP BY subtier_code",
        [codes],
    ).fetchall()
    return {code: name for code, name in found}
