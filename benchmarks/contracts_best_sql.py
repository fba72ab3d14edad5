"""The same answers as ``contracts_same_answer.py``'s, in SQL written with the library's own
tactics (issue 15, session 9), for ``contracts_library.py``: read the groups from the rollup
copy sorted by the selection, rank them, and name and cite only the groups returned; money and
counts per group, and every total (total, groups, award-level totals, HHI, CR4, citations,
agency names of an award list) once, in one extra row (``part`` -1, a struct ``extra``)
instead of on every row; a group's files as one "feed:seq,..." string; an award's one file as
its feed and seq. Each form is one statement or two, plain SQL against the same store; what
the library keeps between calls (agency names, citations) is asked every time here.

``rows_form``/``awards_form`` put a form's rows in ``contracts_same_answer``'s comparable
form (not timed: the benchmark times the statements and their fetch only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from contracts_same_answer import (
    _PLAIN,
    _R,
    _TOTALS,
    Q1_GROUPS,
    _citation,
    _cited,
    _float,
    _selector,
)

# the one extra row's struct: every total of a spending answer and the citations of its files
_EXTRA = (
    "{'total': t.total, 'groups': t.groups, 'award_totals': t.award_totals, "
    "'award_lines': t.award_lines, "
    "'hhi': CASE WHEN t.total <> 0 THEN t.squares * 10000 / CAST(t.total AS DOUBLE) ^ 2 END, "
    "'cr4': CASE WHEN t.total <> 0 THEN CAST(t.top4 / t.total AS DOUBLE) END, "
    "'cited': CITED}"
)
_ROW = (
    "SELECT 0 AS part, {g}.key, {name} AS name, {g}.amount, "
    "CAST({g}.amount / t.total AS DOUBLE) AS share, {g}.awards, {g}.lines, "
    "array_to_string({files}, ',') AS files"
)

_Q1_ROW = _ROW.format(
    g="kept", name=f"coalesce(n.name, {_PLAIN.format(key='kept.key')})", files="n.files"
)
_Q1_EXTRA = _EXTRA.replace("CITED", _cited("SELECT unnest(files) FROM n"))
_Q3_ROW = _ROW.format(
    g="g",
    name=f"coalesce(listed.name, counted.name, {_PLAIN.format(key='g.key')})",
    files="g.files",
)
_Q3_EXTRA = _EXTRA.replace("CITED", _cited("SELECT DISTINCT unnest(files) FROM g"))

# q1: the numbers of every group of one agency's years from the copy sorted by agency, the
# cut at the top-th amount, then the spellings and files of the groups kept (a second read of
# the same row groups), in one statement
Q1 = f"""
WITH {Q1_GROUPS},
t AS MATERIALIZED (SELECT {_TOTALS}, list_min(max(amount, $top)) AS cut FROM g),
kept AS MATERIALIZED (SELECT g.* FROM g, t WHERE t.cut IS NULL OR g.amount >= t.cut),
s AS (
    SELECT {_R} AS key, recipient_name AS spelling, sum(lines) AS w,
           list_distinct(flatten(list(snapshots))) AS files
    FROM contract_money_by_agency
    WHERE awarding_subtier_code = $agency AND fiscal_year BETWEEN $first AND $last
      AND {_R} IN (SELECT key FROM kept)
    GROUP BY ALL),
n AS MATERIALIZED (
    SELECT key, arg_min(spelling, {{'w': -w, 's': spelling}})
                FILTER (WHERE spelling IS NOT NULL) AS name,
           list_distinct(flatten(list(files))) AS files
    FROM s GROUP BY key)
{_Q1_ROW}
FROM kept JOIN n USING (key), t
UNION ALL BY NAME
SELECT -1 AS part, {_Q1_EXTRA} AS extra FROM t
ORDER BY part, amount DESC, name, key LIMIT $limit"""

# q3: one recipient's groups by agency from the copy sorted by recipient, every group returned,
# named from the agency list, else the name most awards state
_AGENCY_NAMES = """listed AS (SELECT subtier_code AS code, subtier_name AS name FROM contract_agency
           WHERE record_to IS NULL AND subtier_code IN (SELECT {code} FROM {rows})),
counted AS (SELECT subtier_code AS code,
                   arg_min(subtier_name, {{'w': -awards, 's': subtier_name}}) AS name
            FROM (SELECT subtier_code, subtier_name, CAST(sum(awards) AS BIGINT) AS awards
                  FROM contract_subtier_names
                  WHERE subtier_name IS NOT NULL AND subtier_code IN (SELECT {code} FROM {rows})
                  GROUP BY ALL)
            GROUP BY subtier_code)"""
Q3 = f"""
WITH g AS MATERIALIZED (
    SELECT coalesce(awarding_subtier_code, '-') AS key, sum(amount) AS amount,
           sum(award_lines) AS awards, sum(lines) AS lines, sum(award_amount) AS award_amount,
           list_distinct(flatten(list(snapshots))) AS files
    FROM contract_money_by_recipient WHERE recipient_duns = $recipient GROUP BY key),
t AS MATERIALIZED (SELECT {_TOTALS} FROM g),
{_AGENCY_NAMES.format(code="key", rows="g")}
{_Q3_ROW}
FROM g LEFT JOIN listed ON listed.code = g.key LEFT JOIN counted ON counted.code = g.key, t
UNION ALL BY NAME
SELECT -1 AS part, {_Q3_EXTRA} AS extra FROM t
ORDER BY part, amount DESC, key"""

# ---- award lists (a store without transactions: each award is its latest record) ----------

_AWARD = (
    "award_key, total_obligation AS obligated, coalesce(base_action_date, as_of) AS first, "
    "as_of AS last, 0 AS actions, 'award total' AS basis, piid, award_type, parent_idv_piid, "
    "recipient_name, recipient_parent_name, recipient_duns, recipient_uei, "
    "awarding_subtier_code, potential_total_value, description, feed, seq"
)
_SELECTED = (
    "FROM contract_award WHERE latest AND counts AND total_obligation IS NOT NULL AND {where}"
)
# the totals of the awards in `r`, the names of their agencies and the citations of their files
_AWARD_EXTRA = f"""{{'total': sum(r.obligated),
  'potential': sum(CASE WHEN r.award_type = 'idv' AND orders.piid IS NOT NULL THEN 0
                        ELSE coalesce(r.potential_total_value, 0) END),
  'idvs': count(orders.piid) FILTER (WHERE r.award_type = 'idv'),
  'names': (SELECT list({{'code': code, 'name': name}}) FROM
            (SELECT code, name FROM listed UNION ALL
             SELECT code, name FROM counted WHERE code NOT IN (SELECT code FROM listed))),
  'cited': {_cited("SELECT feed || ':' || seq FROM r")}}}"""
_AWARD_CTES = f"""{_AGENCY_NAMES.format(code="awarding_subtier_code", rows="r")},
orders AS (SELECT DISTINCT parent_idv_piid AS piid FROM r
           WHERE award_type = 'order' AND parent_idv_piid IS NOT NULL)"""
_ORDERS = "LEFT JOIN orders ON orders.piid = coalesce(r.piid, r.award_key)"
AWARDS_ONE = f"""
WITH r AS MATERIALIZED (SELECT {_AWARD} {_SELECTED}),
{_AWARD_CTES}
SELECT 0 AS part, r.* FROM r
UNION ALL BY NAME
SELECT -1 AS part, {_AWARD_EXTRA} AS extra FROM r {_ORDERS}
ORDER BY part, obligated DESC, award_key"""
# two statements: the awards in order, then their totals, agency names and citations (the
# selection read again, its few columns only)
AWARDS_ROWS = f"SELECT 0 AS part, {_AWARD} {_SELECTED} ORDER BY obligated DESC, award_key"
AWARDS_TOTALS = f"""
WITH r AS MATERIALIZED (
    SELECT award_key, piid, award_type, parent_idv_piid, awarding_subtier_code,
           potential_total_value, total_obligation AS obligated, feed, seq {_SELECTED}),
{_AWARD_CTES}
SELECT -1 AS part, {_AWARD_EXTRA} AS extra FROM r {_ORDERS}"""

# four statements: the selected awards kept in a temporary table (a read-only store allows
# one), then listed in order, then their totals, agency names and citations, then dropped
AWARDS_KEEP = f"CREATE OR REPLACE TEMP TABLE awards_selected AS SELECT {_AWARD} {_SELECTED}"
AWARDS_KEPT = (
    "SELECT 0 AS part, * FROM awards_selected ORDER BY obligated DESC, award_key",
    f"""WITH r AS (SELECT * FROM awards_selected),
{_AWARD_CTES}
SELECT -1 AS part, {_AWARD_EXTRA} AS extra FROM r {_ORDERS}""",
)
AWARDS_DROP = "DROP TABLE awards_selected"

AW1_WHERE = "awarding_subtier_code = $agency AND fiscal_year BETWEEN $first AND $last"
AW2_WHERE = "recipient_duns = $recipient"


def awards_statements(where: str) -> tuple[str, tuple[str, str], str]:
    """An award list's statement, its two statements, and the statement that keeps its awards
    in a temporary table (``AWARDS_KEPT`` then reads it), for the selection ``where``."""
    return (
        AWARDS_ONE.replace("{where}", where),
        (AWARDS_ROWS.replace("{where}", where), AWARDS_TOTALS.replace("{where}", where)),
        AWARDS_KEEP.replace("{where}", where),
    )


# ---- the comparable forms (not timed) -----------------------------------------------------


def rows_form(found: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """A spending form's rows (the extra row first) in ``spending_rows_form``'s form."""
    extra = found[0][-1]
    rows = tuple(
        (key, name, amount, _float(share), int(awards), int(lines),
         tuple(sorted(filter(None, (files or "").split(",")))))
        for _, key, name, amount, share, awards, lines, files, _ in found[1:]
    )  # fmt: skip
    used = {f for row in rows for f in row[6]}
    totals = (
        extra["total"],
        int(extra["groups"]),
        extra["award_totals"],
        int(extra["award_lines"]),
        _float(extra["hhi"]),
        _float(extra["cr4"]),
    )
    cited = tuple(
        _citation(c["feed"], c["seq"], c["locator"], c["record_time"], c["sha256"])
        for c in extra["cited"] or ()
        if f"{c['feed']}:{c['seq']}" in used
    )
    return totals, rows, cited


def awards_form(found: list[tuple[Any, ...]], names: list[str]) -> tuple[Any, ...]:
    """An award form's rows (the extra row first, or last of a second statement) in
    ``awards_sql_form``'s form."""
    extra = next(row[-1] for row in found if row[0] == -1)
    agencies = {n["code"]: n["name"] for n in extra["names"] or ()}
    cited = {(c["feed"], c["seq"]): c for c in extra["cited"] or ()}
    totals = (extra["total"] or 0, extra["potential"] or 0, int(extra["idvs"]))
    rows = []
    for values in found:
        if values[0] == -1:
            continue
        row = dict(zip(names, values, strict=False))
        piid, code = row["piid"], row["awarding_subtier_code"]
        c = cited.get((row["feed"], row["seq"]))
        rows.append(
            (
                row["award_key"], piid or row["award_key"], row["award_type"],
                row["parent_idv_piid"], row["recipient_name"], row["recipient_parent_name"],
                row["recipient_duns"], row["recipient_uei"], code, agencies.get(code),
                row["obligated"], row["potential_total_value"], row["first"], row["last"],
                int(row["actions"]), row["basis"], row["description"],
                () if c is None else (
                    (c["feed"], c["locator"], c["record_time"].astimezone(dt.UTC).isoformat(),
                     c["sha256"], _selector(c["feed"], piid)),
                ),
            )
        )  # fmt: skip
    return totals, tuple(rows)
