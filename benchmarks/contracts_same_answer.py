"""The best SQL for the same answer as the library's (``contracts_library.py``, issue 15).

Each statement here is hand-written, one per question (and, for the spending totals, a form in
two statements: the numbers of the groups returned, then their names, files and citations; the
benchmark judges against the faster form), to return everything the library's answer holds,
from the same tables the library reads: for a spending total every returned group's key, name
(its most frequent spelling, weighted by lines, ties to the first in sort order), amount,
share, award and action counts and files, the total, group count, award-level totals, HHI and
CR4 of every group, and the citation fields (feed, seq, public locator, record time, sha256) of
the files cited; for an award list every award's row (PIID, type, parent IDV, recipient and
parent as reported, DUNS, UEI, agency code and name, obligated, potential value, first and last
action, actions, basis, description, files) and the totals. Written to be as fast as its author
could make it (one scan of the selection where the answer allows it, names and files only for
the groups returned, q2 from the summary by parent where the store has it, an award list
without the transactions' part when the store holds none, as the library does), never slowed to
flatter a ratio.

``spending_form``/``awards_form`` (the library's) and
``spending_rows_form``/``awards_sql_form`` (the SQL's) put both in one comparable form: money
exact, shares, HHI and CR4 to 9 significant digits, files and citations as sorted tuples (the
SQL returns each group's files as a set: DuckDB's ``list_sort`` costs more per row than the
whole rest of a small answer, and the order of a set is presentation).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from contracts_bench_load import AGENCY
from contracts_bench_queries import FIRST_FY, LAST_FY

AW1 = f"aw1 awards of one agency, FY{FIRST_FY}-{LAST_FY % 100}"
AW2 = "aw2 awards of one recipient"

_R = "coalesce(recipient_duns, recipient_uei, 'name:' || upper(recipient_name), '-')"
_P = (
    "coalesce(recipient_parent_duns, recipient_parent_uei, "
    f"'name:' || upper(recipient_parent_name), {_R})"
)
# the name of a group no spelling names: its key, '-' is "(not stated)"
_PLAIN = (
    "CASE WHEN {key} = '-' THEN '(not stated)' WHEN starts_with({key}, 'name:') "
    "THEN {key}[6:] ELSE {key} END"
)
_TOTALS = (
    "coalesce(sum(amount), 0) AS total, count(*) AS groups, "
    "coalesce(sum(award_amount), 0) AS award_totals, coalesce(sum(awards), 0) AS award_lines, "
    "coalesce(sum(CAST(amount AS DOUBLE) * CAST(amount AS DOUBLE)) "
    "FILTER (WHERE amount > 0), 0) AS squares, "
    "coalesce(list_sum(max(amount, 4) FILTER (WHERE amount > 0)), 0) AS top4"
)
_MEASURES = (
    "t.total, t.groups, t.award_totals, t.award_lines, "
    "CASE WHEN t.total <> 0 THEN t.squares * 10000 / CAST(t.total AS DOUBLE) ^ 2 END AS hhi, "
    "CASE WHEN t.total <> 0 THEN CAST(t.top4 / t.total AS DOUBLE) END AS cr4"
)


def _cited(files: str) -> str:
    """A scalar subquery: the citation fields of the snapshots named in ``files`` (a query
    returning one column of "feed:seq")."""
    return (
        "(SELECT list({'feed': feed, 'seq': seq, 'locator': coalesce(public_locator, locator), "
        "'record_time': record_time, 'sha256': sha256} ORDER BY feed, seq) FROM snapshot "
        "WHERE status = 'ok' AND record_time IS NOT NULL AND feed || ':' || seq IN "
        f"({files}))"
    )


Q1_SQL = f"""
WITH s AS MATERIALIZED (
    SELECT {_R} AS key, recipient_name AS spelling, sum(amount) AS amount, sum(lines) AS lines,
           sum(award_lines) AS awards, sum(award_amount) AS award_amount,
           list(snapshots) AS files
    FROM contract_money_by_agency
    WHERE awarding_subtier_code = $agency AND fiscal_year BETWEEN $first AND $last
    GROUP BY ALL),
g AS MATERIALIZED (
    SELECT key, sum(amount) AS amount, sum(awards) AS awards, sum(lines) AS lines,
           sum(award_amount) AS award_amount
    FROM s GROUP BY key),
t AS MATERIALIZED (SELECT {_TOTALS}, list_min(max(amount, $top)) AS cut FROM g),
named AS MATERIALIZED (
    SELECT key, arg_min(spelling, {{'w': -lines, 's': spelling}})
                FILTER (WHERE spelling IS NOT NULL) AS name,
           list_distinct(flatten(flatten(list(files)))) AS files
    FROM s WHERE key IN (SELECT g.key FROM g, t WHERE g.amount >= t.cut) GROUP BY key)
SELECT g.key, coalesce(n.name, {_PLAIN.format(key="g.key")}) AS name, g.amount,
       CAST(g.amount / t.total AS DOUBLE) AS share, g.awards, g.lines, n.files, {_MEASURES},
       {_cited("SELECT unnest(files) FROM named")} AS cited
FROM g JOIN named n USING (key), t
ORDER BY g.amount DESC, n.name, g.key LIMIT $top"""

# each (fiscal year, parent) group's numbers: the rollup grouped, or its summary by parent
# (``contract_money_by_parent``, one row per group) where the store has it
_Q2_GROUPS = f"""
    SELECT fiscal_year AS fy, {_P} AS key, sum(amount) AS amount, sum(award_lines) AS awards,
           sum(lines) AS lines, sum(award_amount) AS award_amount
    FROM contract_money_rollup GROUP BY ALL"""
_Q2_SUMMED = """
    SELECT fiscal_year AS fy, parent AS key, amount, award_lines AS awards, lines, award_amount
    FROM contract_money_by_parent"""
# each (fiscal year, parent) group's name (its most frequent spelling by lines, the parent's
# name before the recipient's) and its files, from the rollup rows of the groups in `sub`
_Q2_NAME_CTES = """p AS (SELECT fy, key, arg_min(pn, {'w': -w, 's': pn}) AS name FROM
      (SELECT fy, key, pn, sum(lines) AS w FROM sub WHERE pn IS NOT NULL GROUP BY ALL)
      GROUP BY ALL),
r AS (SELECT fy, key, arg_min(rn, {'w': -w, 's': rn}) AS name FROM
      (SELECT fy, key, rn, sum(lines) AS w FROM sub WHERE rn IS NOT NULL GROUP BY ALL)
      GROUP BY ALL),
f AS (SELECT fy, key, list_distinct(flatten(list(snapshots))) AS files FROM sub GROUP BY ALL)"""
Q2_SQL = f"""
WITH g AS MATERIALIZED ({{groups}}),
t AS MATERIALIZED (SELECT fy, {_TOTALS}, list_min(max(amount, $top)) AS cut FROM g GROUP BY fy),
top AS MATERIALIZED (SELECT g.* FROM g JOIN t USING (fy) WHERE g.amount >= t.cut),
sub AS MATERIALIZED (
    SELECT s.* FROM (
        SELECT fiscal_year AS fy, {_P} AS key, recipient_parent_name AS pn,
               recipient_name AS rn, lines, snapshots
        FROM contract_money_rollup) s SEMI JOIN top USING (fy, key)),
{_Q2_NAME_CTES},
ranked AS (
    SELECT top.fy, top.key, coalesce(p.name, r.name) AS sname, top.amount, top.awards,
           top.lines, f.files,
           row_number() OVER (PARTITION BY top.fy ORDER BY top.amount DESC,
                              coalesce(p.name, r.name), top.key) AS place
    FROM top LEFT JOIN p USING (fy, key) LEFT JOIN r USING (fy, key) LEFT JOIN f USING (fy, key))
SELECT t.fy, x.key, coalesce(x.sname, {_PLAIN.format(key="x.key")}) AS name, x.amount,
       CAST(x.amount / t.total AS DOUBLE) AS share, x.awards, x.lines, x.files, {_MEASURES},
       {_cited("SELECT DISTINCT unnest(files) FROM f")} AS cited
FROM t LEFT JOIN ranked x ON x.fy = t.fy AND x.place <= $top
ORDER BY t.fy, x.place"""

# one recipient's groups by agency, with each group's files: both q3 forms begin with them
_Q3_GROUPS = """WITH g AS MATERIALIZED (
    SELECT coalesce(awarding_subtier_code, '-') AS key, sum(amount) AS amount,
           sum(award_lines) AS awards, sum(lines) AS lines, sum(award_amount) AS award_amount,
           list_distinct(flatten(list(snapshots))) AS files
    FROM contract_money_by_recipient WHERE recipient_duns = $recipient GROUP BY key),"""
Q3_SQL = f"""
{_Q3_GROUPS}
t AS (SELECT {_TOTALS} FROM g),
listed AS (SELECT subtier_code, subtier_name FROM contract_agency
           WHERE record_to IS NULL AND subtier_code IN (SELECT key FROM g)),
counted AS (SELECT subtier_code, arg_max(subtier_name, awards) AS subtier_name FROM
            (SELECT subtier_code, subtier_name, CAST(sum(awards) AS BIGINT) AS awards
             FROM contract_subtier_names
             WHERE subtier_name IS NOT NULL AND subtier_code IN (SELECT key FROM g)
             GROUP BY ALL) GROUP BY subtier_code)
SELECT g.key, coalesce(listed.subtier_name, counted.subtier_name,
                       {_PLAIN.format(key="g.key")}) AS name,
       g.amount, CAST(g.amount / t.total AS DOUBLE) AS share, g.awards, g.lines,
       g.files, {_MEASURES},
       {_cited("SELECT DISTINCT unnest(files) FROM g")} AS cited
FROM g LEFT JOIN listed ON listed.subtier_code = g.key
       LEFT JOIN counted ON counted.subtier_code = g.key, t
ORDER BY g.amount DESC, g.key"""


# ---- the same answers in two statements: the numbers of every group and the cut, then the
# names, files and citations of the groups returned (planning two small statements can cost
# less than one that does both) -----------------------------------------------------------

_KEPT = (
    "SELECT {part} g.key, g.amount, g.awards, g.lines, {measures} FROM g JOIN t {on} "
    "WHERE t.cut IS NULL OR g.amount >= t.cut"
)
# one agency's groups in a range of years (q1), numbers only
Q1_GROUPS = f"""g AS MATERIALIZED (
    SELECT {_R} AS key, sum(amount) AS amount, sum(award_lines) AS awards, sum(lines) AS lines,
           sum(award_amount) AS award_amount
    FROM contract_money_by_agency
    WHERE awarding_subtier_code = $agency AND fiscal_year BETWEEN $first AND $last
    GROUP BY key)"""
Q1_NUMBERS = f"""
WITH {Q1_GROUPS},
t AS (SELECT {_TOTALS}, list_min(max(amount, $top)) AS cut FROM g)
{_KEPT.format(part="", measures=_MEASURES, on="ON true")}"""
Q1_NAMES = f"""
WITH s AS (
    SELECT {_R} AS key, recipient_name AS spelling, sum(lines) AS w,
           list(snapshots) AS files
    FROM contract_money_by_agency
    WHERE awarding_subtier_code = $agency AND fiscal_year BETWEEN $first AND $last
      AND {_R} IN (SELECT unnest($keys))
    GROUP BY ALL),
n AS (SELECT key, arg_min(spelling, {{'w': -w, 's': spelling}})
                  FILTER (WHERE spelling IS NOT NULL) AS name,
             list_distinct(flatten(flatten(list(files)))) AS files FROM s GROUP BY key)
SELECT key, name, files, {_cited("SELECT DISTINCT unnest(files) FROM n")} FROM n"""
Q2_NUMBERS = f"""
WITH g AS MATERIALIZED ({{groups}}),
t AS (SELECT fy, {_TOTALS}, list_min(max(amount, $top)) AS cut FROM g GROUP BY fy)
{_KEPT.format(part="t.fy,", measures=_MEASURES, on="USING (fy)")}"""
Q2_NAMES = f"""
WITH sub AS MATERIALIZED (
    SELECT * FROM (
        SELECT fiscal_year AS fy, {_P} AS key, recipient_parent_name AS pn,
               recipient_name AS rn, lines, snapshots
        FROM contract_money_rollup)
    WHERE key IN (SELECT unnest($keys))),
{_Q2_NAME_CTES}
SELECT fy, key, coalesce(p.name, r.name), f.files,
       {_cited("SELECT DISTINCT unnest(files) FROM f")}
FROM f LEFT JOIN p USING (fy, key) LEFT JOIN r USING (fy, key)"""
Q3_NUMBERS = f"""
{_Q3_GROUPS}
t AS (SELECT {_TOTALS}, NULL AS cut FROM g)
SELECT g.key, g.amount, g.awards, g.lines, g.files, {_MEASURES} FROM g, t"""
Q3_NAMES = f"""
WITH listed AS (SELECT subtier_code, subtier_name FROM contract_agency
                WHERE record_to IS NULL AND subtier_code IN (SELECT unnest($keys))),
counted AS (SELECT subtier_code, arg_max(subtier_name, awards) AS subtier_name FROM
            (SELECT subtier_code, subtier_name, CAST(sum(awards) AS BIGINT) AS awards
             FROM contract_subtier_names
             WHERE subtier_name IS NOT NULL AND subtier_code IN (SELECT unnest($keys))
             GROUP BY ALL) GROUP BY subtier_code)
SELECT code, coalesce(listed.subtier_name, counted.subtier_name), NULL,
       {_cited("SELECT unnest($files)")}
FROM (SELECT unnest($keys) AS code) LEFT JOIN listed ON listed.subtier_code = code
     LEFT JOIN counted ON counted.subtier_code = code"""


def two_statements(
    connection: Any, numbers: str, names: str, params: dict[str, Any], per_year: bool = False
) -> list[tuple[Any, ...]]:
    """The rows of a one-statement spending answer (as ``spending_rows_form`` reads them; by
    fiscal year first when ``per_year``) from its two statements: the numbers of the groups
    returned (with their files, for ``Q3_NUMBERS``), then their names, files and citations."""
    found = connection.execute(numbers, params).fetchall()
    part = 1 if per_year else 0
    files_first = names is Q3_NAMES
    more: dict[str, Any] = {"keys": sorted({row[part] for row in found})}
    if files_first:
        more["files"] = sorted({f for row in found for f in row[part + 4]})
    wanted = {k: v for k, v in params.items() if f"${k}" in names}
    named = connection.execute(names, {**wanted, **more}).fetchall()
    cited = named[0][-1] if named else None
    by_key = {tuple(row[: part + 1]): row[part + 1 :] for row in named}
    rows = []
    for row in found:
        head, key, amount, awards, lines = row[:part], *row[part : part + 4]
        name, files = by_key[(*head, key)][:2]
        measures = row[part + 4 :]
        if files_first:
            files, measures = measures[0], measures[1:]
        share = float(amount / measures[0])
        rows.append(
            (*head, key, name or _plain(key), amount, share, awards, lines, files, *measures, cited)
        )
    if per_year:
        rows.sort(key=lambda r: (r[0], -r[3], r[2], r[1]))
    elif files_first:  # agencies: by amount, then code (their names are not spellings)
        rows.sort(key=lambda r: (-r[2], r[0]))
    else:
        rows.sort(key=lambda r: (-r[2], r[1], r[0]))
    if "top" in params:  # the first ``top`` of each part
        counted: dict[Any, int] = {}
        kept = []
        for row in rows:
            place = counted[row[:part]] = counted.get(row[:part], 0) + 1
            if place <= params["top"]:
                kept.append(row)
        rows = kept
    return rows


def _plain(key: str) -> str:
    return "(not stated)" if key == "-" else key.removeprefix("name:")


def _awards_sql(where: str, transactions: bool = True) -> str:
    """Every award whose lines ``where`` selects (over the columns of a line), as
    ``whosbehind.awards`` lists them. An award known by its award-level record alone has one
    line, its latest record: its attributes are that row's (no join). An award with
    transactions sums them, and its attributes are its latest record's; a store with no
    transactions (``transactions`` False: the benchmark's) leaves that part out, as the library
    does (joining nothing to the latest records still reads them all)."""
    attributes = (
        "piid, award_type, parent_idv_piid, recipient_name, recipient_parent_name, "
        "recipient_duns, recipient_uei, awarding_subtier_code, potential_total_value, "
        "description"
    )
    return f"""
WITH tx AS (
    SELECT t.award_key, t.feed, t.seq, t.fiscal_year, t.action_date, t.federal_action_obligation
           AS amount, t.awarding_subtier_code, t.awarding_toptier_code, t.recipient_name,
           t.recipient_duns, t.recipient_uei, t.recipient_parent_name
    FROM contract_transaction t WHERE t.record_to IS NULL AND t.attributes_stated
    UNION ALL
    SELECT t.award_key, t.feed, t.seq, t.fiscal_year, t.action_date, t.federal_action_obligation,
           a.awarding_subtier_code, a.awarding_toptier_code, a.recipient_name, a.recipient_duns,
           a.recipient_uei, a.recipient_parent_name
    FROM contract_transaction t JOIN contract_award a ON a.award_key = t.award_key AND a.latest
    WHERE t.record_to IS NULL AND NOT t.attributes_stated),
by_tx AS (
    SELECT award_key, sum(amount) AS obligated, min(action_date) AS first,
           max(action_date) AS last, count(*) AS actions, 'transaction' AS basis,
           list(DISTINCT {{'feed': feed, 'seq': seq}}) AS files
    FROM tx l WHERE {where} GROUP BY award_key),
rows AS MATERIALIZED (
    SELECT award_key, total_obligation AS obligated, coalesce(base_action_date, as_of) AS first,
           as_of AS last, 0 AS actions, 'award total' AS basis,
           [{{'feed': feed, 'seq': seq}}] AS files, {attributes}
    FROM contract_award l
    WHERE latest AND counts AND total_obligation IS NOT NULL AND {where}
    {_union_tx(attributes) if transactions else ""}),
names AS (SELECT subtier_code, arg_max(subtier_name, awards) AS subtier_name FROM
          (SELECT subtier_code, subtier_name, CAST(sum(awards) AS BIGINT) AS awards
             FROM contract_subtier_names
           WHERE subtier_name IS NOT NULL
             AND subtier_code IN (SELECT awarding_subtier_code FROM rows) GROUP BY ALL)
          GROUP BY subtier_code),
orders AS (SELECT DISTINCT parent_idv_piid AS piid FROM rows
           WHERE award_type = 'order' AND parent_idv_piid IS NOT NULL)
SELECT rows.*, coalesce(listed.subtier_name, names.subtier_name) AS agency,
       sum(rows.obligated) OVER () AS total_obligated,
       sum(CASE WHEN rows.award_type = 'idv' AND orders.piid IS NOT NULL THEN 0
                ELSE coalesce(rows.potential_total_value, 0) END) OVER () AS total_potential,
       count(orders.piid) FILTER (WHERE rows.award_type = 'idv') OVER () AS idvs_with_orders,
       {_cited("SELECT DISTINCT f.feed || ':' || f.seq FROM (SELECT unnest(files) AS f FROM rows)")}
       AS cited
FROM rows LEFT JOIN contract_agency listed
       ON listed.record_to IS NULL AND listed.subtier_code = rows.awarding_subtier_code
     LEFT JOIN names ON names.subtier_code = rows.awarding_subtier_code
     LEFT JOIN orders ON orders.piid = coalesce(rows.piid, rows.award_key)
ORDER BY obligated DESC, award_key"""


def _union_tx(attributes: str) -> str:
    joined = ", ".join(f"a.{name.strip()}" for name in attributes.split(","))
    return (
        f"UNION ALL SELECT m.*, {joined} FROM by_tx m "
        "LEFT JOIN contract_award a ON a.award_key = m.award_key AND a.latest"
    )


_AW1_WHERE = "l.awarding_subtier_code = $agency AND l.fiscal_year BETWEEN $first AND $last"
_AW2_WHERE = "l.recipient_duns = $recipient"


def q2_statements(summary: bool) -> tuple[str, str]:
    """q2's statement, and its first of two, reading the summary by parent when ``summary``."""
    groups = _Q2_SUMMED if summary else _Q2_GROUPS
    return Q2_SQL.replace("{groups}", groups), Q2_NUMBERS.replace("{groups}", groups)


def statements(
    recipient: str, transactions: bool = True, summary: bool = False
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Question -> (statement, its parameters), keyed by the question names of the library
    benchmark; ``transactions``: whether the store holds any (live) transaction; ``summary``:
    whether it has the rollup's summary by parent (q2 reads it)."""
    from contracts_bench_queries import Q1, Q2, Q3

    return {
        Q1: (Q1_SQL, {"agency": AGENCY, "first": FIRST_FY, "last": LAST_FY, "top": 20}),
        Q2: (q2_statements(summary)[0], {"top": 10}),
        Q3: (Q3_SQL, {"recipient": recipient}),
        AW1: (
            _awards_sql(_AW1_WHERE, transactions),
            {"agency": AGENCY, "first": FIRST_FY, "last": LAST_FY},
        ),
        AW2: (_awards_sql(_AW2_WHERE, transactions), {"recipient": recipient}),
    }


# ---- one comparable form -------------------------------------------------------------------


def _float(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.9g}")


def _citation(feed: str, seq: int, locator: str, when: dt.datetime, sha256: str) -> tuple[Any, ...]:
    return (feed, int(seq), locator, when.astimezone(dt.UTC).isoformat(), sha256)


def spending_form(result: Any) -> tuple[Any, ...]:
    """A library ``SpendingResult`` in the comparable form."""
    rows = tuple(
        (
            row.key,
            row.name,
            row.amount,
            _float(row.share),
            row.awards,
            row.lines,
            tuple(f"{feed}:{seq}" for feed, seq in row.snapshots),
        )
        for row in result.rows
    )
    used = {s for row in result.rows for s in row.snapshots}
    cited = tuple(
        _citation(feed, seq, c.locator, c.record_time, c.content_hash)
        for (feed, seq), c in sorted(result.citations.items())
        if (feed, seq) in used
    )
    basis = result.basis
    totals = (
        result.total,
        result.groups,
        basis["award_totals"],
        basis["awards_by_total"],
        _float(result.hhi),
        _float(result.cr4),
    )
    return totals, rows, cited


def spending_rows_form(found: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The rows of one spending statement (one part) in the comparable form."""
    rows = tuple(
        (key, name, amount, _float(share), int(awards), int(lines), tuple(sorted(files or ())))
        for key, name, amount, share, awards, lines, files, *_ in found
        if key is not None
    )
    first = found[0][7:]
    total, groups, award_totals, award_lines, hhi, cr4, cited = first
    totals = (total, int(groups), award_totals, int(award_lines), _float(hhi), _float(cr4))
    citations = tuple(
        _citation(c["feed"], c["seq"], c["locator"], c["record_time"], c["sha256"])
        for c in cited or ()
        if f"{c['feed']}:{c['seq']}" in {f for row in rows for f in row[6]}
    )
    return totals, rows, citations


def spending_years_form(found: list[tuple[Any, ...]]) -> dict[int, tuple[Any, ...]]:
    parts: dict[int, list[tuple[Any, ...]]] = {}
    for row in found:
        parts.setdefault(int(row[0]), []).append(row[1:])
    return {year: spending_rows_form(rows) for year, rows in parts.items()}


def awards_form(result: Any) -> tuple[Any, ...]:
    """A library ``AwardsResult`` in the comparable form."""
    rows = tuple(
        (
            row.award_key,
            row.award_id,
            row.award_type,
            row.parent_idv,
            row.recipient,
            row.recipient_parent,
            row.recipient_duns,
            row.recipient_uei,
            row.agency_code,
            row.agency,
            row.obligated,
            row.potential_value,
            row.first_action,
            row.last_action,
            row.actions,
            row.basis,
            row.description,
            tuple(
                (c.source, c.locator, c.record_time.astimezone(dt.UTC).isoformat(),
                 c.content_hash, c.selector)
                for c in row.citations
            ),
        )
        for row in result.rows
    )  # fmt: skip
    return (result.obligated, result.potential_value, result.idvs_with_orders_listed), rows


def awards_sql_form(found: list[tuple[Any, ...]], names: list[str]) -> tuple[Any, ...]:
    """An award statement's rows and totals in the comparable form (a citation's selector,
    ``award_id_piid=X`` in a CSV file, ``piid=X`` elsewhere, is formed here)."""
    rows = []
    totals: tuple[Any, ...] = (Decimal(0), Decimal(0), 0)
    for values in found:
        row = dict(zip(names, values, strict=True))
        cited = {(c["feed"], c["seq"]): c for c in row["cited"] or ()}
        totals = (row["total_obligated"], row["total_potential"], int(row["idvs_with_orders"]))
        piid = row["piid"]
        files = sorted((f["feed"], f["seq"]) for f in row["files"])
        rows.append(
            (
                row["award_key"], piid or row["award_key"], row["award_type"],
                row["parent_idv_piid"], row["recipient_name"], row["recipient_parent_name"],
                row["recipient_duns"], row["recipient_uei"], row["awarding_subtier_code"],
                row["agency"], row["obligated"], row["potential_total_value"], row["first"],
                row["last"], int(row["actions"]), row["basis"], row["description"],
                tuple(
                    (c["feed"], c["locator"], c["record_time"].astimezone(dt.UTC).isoformat(),
                     c["sha256"], _selector(c["feed"], piid))
                    for key in files if (c := cited.get(key)) is not None
                ),
            )
        )  # fmt: skip
    return totals, tuple(rows)


def _selector(feed: str, piid: str | None) -> str:
    if not piid:
        return ""
    return f"{'award_id_piid' if feed == 'usaspending-csv' else 'piid'}={piid}"
