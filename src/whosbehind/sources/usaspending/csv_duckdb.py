"""The fast reader of USAspending contract CSVs: DuckDB SQL text, built from a detected layout.

``csv_reader`` (pure Python, tens of microseconds a row) is the reference; this module builds one
``CREATE TEMP TABLE ... AS SELECT ... FROM read_csv(...)`` that reads a whole file in parallel
with the same semantics, for the pipeline to run through the store's engine. It is the one
place that spells DuckDB's CSV reader; it does no I/O itself.

Every needed column is read as text: ``read_csv`` rejects only rows that are broken as CSV
(wrong number of cells, an unterminated quote, bytes that are not UTF-8), into the rejects
table with their record number and byte position. Values are then checked in SQL exactly as the
reference checks them (amounts by the same pattern, dates in the same styles); a row that fails
gets ``_bad``, and the pipeline asks the reference row reader for its field and reason. Amounts
are cast to DECIMAL(38,10) here and stored as DECIMAL(38,2): an amount with fractions of a cent
is ``_bad`` too (it cannot be stored exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

from whosbehind.model.contracts import ACTION_DATES, OTHER_DATES
from whosbehind.model.redaction import MAY_HOLD_CONTACTS, SQL_FUNCTION
from whosbehind.sources.award_fields import AWARD_FIELDS, READER
from whosbehind.sources.usaspending.csv_layout import LayoutMatch
from whosbehind.sources.usaspending.values import ACTION_DATE_COLUMNS

MONEY = (
    "federal_action_obligation",
    "total_obligated_amount",
    "total_dollars_obligated",
    "current_total_value_of_award",
    "potential_total_value_of_award",
)
DATES = (
    "action_date",
    "award_base_action_date",
    "award_latest_action_date",
    "period_of_performance_start_date",
    "period_of_performance_current_end_date",
    "period_of_performance_potential_end_date",
)
TEXT = tuple(
    """
    contract_award_unique_key award_id_piid modification_number transaction_number
    parent_award_id_piid parent_award_agency_id award_or_idv_flag idv_type_code award_type_code
    idv_type award_type awarding_agency_code awarding_agency_name awarding_sub_agency_code
    awarding_sub_agency_name awarding_office_code awarding_office_name funding_agency_code
    funding_agency_name funding_sub_agency_code funding_sub_agency_name recipient_name
    recipient_duns recipient_uei recipient_parent_name recipient_parent_duns recipient_parent_uei
    recipient_city_name recipient_state_code recipient_zip_4_code recipient_country_code
    product_or_service_code product_or_service_code_description naics_code naics_description
    primary_place_of_performance_city_name primary_place_of_performance_state_code
    primary_place_of_performance_country_code prime_award_base_transaction_description
    action_type_code action_type
    """.split()
)
_MONEY_PATTERN = r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?"
_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?"
_SLASHED = r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})(\s+[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?"
_PIVOT = 69  # two-digit years: 69..99 -> 19xx, 00..68 -> 20xx (POSIX, as the reference)
_MAX_LINE = 4 * 1024 * 1024  # a row of a USAspending file is under 100 KB (csv_layout.MAX_CELL)


@dataclass(frozen=True, slots=True)
class CsvRead:
    """SQL that stages one file: ``create`` builds ``table`` (one row per readable record, in
    file order) and fills ``rejects`` (DuckDB's rejects table) with the broken ones."""

    create: str
    table: str
    rejects: str
    scan: str
    present: frozenset[str]  # logical columns the file has


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def staging_sql(
    path: str, match: LayoutMatch, table: str, rejects: str, scan: str, once: bool = False
) -> CsvRead:
    """``CREATE TEMP TABLE table AS ...`` reading ``path`` in the layout ``match``.

    The table holds the text columns (trimmed, empty as NULL), each amount and date typed
    (``<name>__v``), the derived ``is_idv``, ``award_key`` and ``award_kind``, ``_bad``, and
    for ``_bad`` rows only the amounts and dates as written (``<name>``), which the reference
    reader needs to say what is wrong.

    With ``once`` (the one-read load, ``contracts.csv_direct.insert_once``) broken records are
    skipped instead of recorded (``ignore_errors``: a junk line costs nothing; the caller
    compares the records read with the file's lines), and each row also gives ``_modified``
    and ``_acted``, what ``stated_times_sql`` reads for the file's record time."""
    layout = match.layout
    file_columns = set(match.columns)
    present = frozenset(
        name for name in (*TEXT, *MONEY, *DATES) if layout.column(name) in file_columns
    )
    spec = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in match.columns)
    options = (
        f"header = {'true' if match.has_header else 'false'}, columns = {{{spec}}}, "
        "delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"nullstr = [''], max_line_size = {_MAX_LINE}, "
        + (
            "ignore_errors = true"
            if once
            else f"store_rejects = true, rejects_table = {_literal(rejects)}, "
            f"rejects_scan = {_literal(scan)}"
        )
    )
    raw = []
    for name in (*TEXT, *MONEY, *DATES):
        if name in present:
            # an amount written NAN stays, to be refused as not a number; elsewhere it is empty
            clean = _clean(quote(layout.column(name)), nan_is_empty=name not in MONEY)
            raw.append(f"{clean} AS {name}")
        else:
            raw.append(f"CAST(NULL AS VARCHAR) AS {name}")
    parts = [f"{_date_parts(name)} AS {name}__p" for name in DATES]
    isos = [f"{_iso(name)} AS {name}__iso" for name in DATES]
    typed = [f"{_money(name)} AS {name}__v" for name in MONEY]
    typed += [f"{_date(name, layout.day_first)} AS {name}__v" for name in DATES]
    kept = [*TEXT, *(f"{name}__v" for name in (*MONEY, *DATES))]
    if once:
        raw.append(f"{_modified_text(match)} AS _m")
        parts.append(f"{_stamp_parts('_m')} AS _m__p")
        acted = next((n for n in ("action_date", "award_latest_action_date") if n in present), None)
        kept.append(f"{_timestamp('_m', layout.day_first)} AS _modified")
        kept.append(f"{acted}__v AS _acted" if acted else "CAST(NULL AS DATE) AS _acted")
    problem_text = [f"CASE WHEN _bad THEN {name} END AS {name}" for name in (*MONEY, *DATES)]
    create = (
        f"CREATE TEMP TABLE {table} AS\n"
        f"WITH raw AS (SELECT {', '.join(raw)}\n"
        f"  FROM read_csv({_literal(path)}, {options})),\n"
        f"iso AS (SELECT *, {', '.join(isos)} FROM raw),\n"
        f"split AS (SELECT *, {', '.join(parts)} FROM iso),\n"
        f"typed AS (SELECT *, {', '.join(typed)}, {_is_idv()} AS is_idv FROM split),\n"
        f"checked AS (SELECT *, {_bad(layout.grain)} AS _bad FROM typed)\n"
        f"SELECT {', '.join(kept)}, is_idv, {_award_key()} AS award_key,\n"
        f"  {_kind()} AS award_kind, _bad, {', '.join(problem_text)} FROM checked"
    )
    return CsvRead(create, table, rejects, scan, present)


def _clean(column: str, nan_is_empty: bool) -> str:
    """``cell()`` of the reference: surrounding blanks dropped, empty (and ``NAN``, any case,
    unless ``nan_is_empty`` is false) is NULL. Only cells that start or end with a blank pay
    for trimming. A cell without them is itself trimmed, so it reads ``NAN`` only when it is
    three bytes long (``strlen`` is the stored length; ``upper`` maps only ASCII letters to
    ``N`` and ``A``): the test costs other cells one length. The ``NAN`` test of a trimmed cell
    runs only under 8 bytes (``length`` counts characters, reading the whole text; a text that
    trims to ``NAN`` is all ASCII, so its bytes are its characters). This spelling costs about
    a third of checking every cell alike (a CTAS of the 41 text columns of 200,000 rows,
    single thread: 0.25 CPU-s over the bare read against 0.64)."""
    edged = f"starts_with({column}, ' ') OR ends_with({column}, ' ')"
    if not nan_is_empty:
        return f"CASE WHEN {edged} THEN nullif(trim({column}), '') ELSE nullif({column}, '') END"
    trimmed = (
        f"CASE WHEN strlen({column}) < 8 AND upper(trim({column})) = 'NAN' THEN NULL "
        f"ELSE nullif(trim({column}), '') END"
    )
    return (
        f"CASE WHEN {edged} THEN {trimmed} "
        f"WHEN strlen({column}) = 3 AND upper({column}) = 'NAN' THEN NULL "
        f"ELSE nullif({column}, '') END"
    )


def _money(name: str) -> str:
    """The reference's amounts: digits, a point, an exponent; DuckDB's cast also takes ``_``
    digit separators, which the reference refuses."""
    return f"CASE WHEN NOT contains({name}, '_') THEN TRY_CAST({name} AS DECIMAL(38,10)) END"


def _iso(name: str) -> str:
    """Whether a date cell is written ISO (``2018-06-22``, with a time or not): matched once,
    as ``<name>__iso``, which ``_date_parts`` and ``_date`` read."""
    return f"regexp_full_match({name}, '{_ISO}')"


def _date_parts(name: str) -> str:
    """Day, month and year of a slashed date, as text (one regex match per cell that is not
    ISO, ``<name>__iso``)."""
    return (
        f"CASE WHEN {name} IS NOT NULL AND NOT {name}__iso "
        f"AND regexp_full_match({name}, '{_SLASHED}') "
        f"THEN regexp_extract({name}, '{_SLASHED}', ['d1', 'd2', 'y']) END"
    )


def _date(name: str, day_first: bool) -> str:
    parts = f"{name}__p"
    month, day = ("d2", "d1") if day_first else ("d1", "d2")
    year = f"CAST({parts}.y AS INTEGER)"
    full_year = (
        f"CASE WHEN length({parts}.y) = 2 THEN {year} + "
        f"CASE WHEN {year} >= {_PIVOT} THEN 1900 ELSE 2000 END ELSE {year} END"
    )
    return (
        f"CASE WHEN {name} IS NULL THEN NULL "
        f"WHEN {name}__iso THEN TRY_CAST(left({name}, 10) AS DATE) "
        f"WHEN {parts} IS NOT NULL THEN try(make_date({full_year}, "
        f"CAST({parts}.{month} AS INTEGER), CAST({parts}.{day} AS INTEGER))) END"
    )


def _is_idv() -> str:
    return (
        "CASE WHEN award_or_idv_flag IS NOT NULL THEN upper(award_or_idv_flag) = 'IDV' "
        "ELSE idv_type_code IS NOT NULL AND award_type_code IS NULL END"
    )


def _award_key() -> str:
    agency = "coalesce(awarding_sub_agency_code, '-NONE-')"
    return (
        "coalesce(contract_award_unique_key, upper(CASE WHEN is_idv "
        f"THEN 'CONT_IDV_' || award_id_piid || '_' || {agency} "
        f"ELSE 'CONT_AWD_' || award_id_piid || '_' || {agency} || '_' || "
        "coalesce(parent_award_id_piid, '-NONE-') || '_' || "
        "coalesce(parent_award_agency_id, '-NONE-') END))"
    )


def type_code_sql() -> str:
    """The award type code as the reference writes it (``IDV_B`` for an IDV of type B)."""
    return (
        "CASE WHEN is_idv THEN CASE WHEN idv_type_code IS NOT NULL "
        "THEN 'IDV_' || idv_type_code ELSE 'IDV' END ELSE award_type_code END"
    )


def _kind() -> str:
    return (
        "CASE WHEN is_idv THEN 'idv' WHEN parent_award_id_piid IS NOT NULL "
        f"OR upper(coalesce({type_code_sql()}, '')) IN ('A', 'C') THEN 'order' ELSE 'contract' END"
    )


def _bad(grain: str) -> str:
    """A row the reference would quarantine (or that cannot be stored to the cent). A row of
    a transaction layout also needs its action date and obligation."""
    checks = ["award_id_piid IS NULL"]
    if grain == "transaction":
        checks += ["action_date__v IS NULL", "federal_action_obligation__v IS NULL"]
    for name in MONEY:
        checks.append(f"({name} IS NOT NULL AND {name}__v IS NULL)")
        checks.append(f"({name}__v IS NOT NULL AND {name}__v <> round({name}__v, 2))")
    for name in DATES:
        checks.append(f"({name} IS NOT NULL AND {name}__v IS NULL)")
        low, high = ACTION_DATES if name in ACTION_DATE_COLUMNS else OTHER_DATES
        checks.append(
            f"({name}__v IS NOT NULL AND {name}__v NOT BETWEEN DATE '{low}' AND DATE '{high}')"
        )
    return "(" + " OR ".join(checks) + ")"


def duns_sql(name: str) -> str:
    """``normalize_duns``: nine digits when a spreadsheet dropped leading zeros."""
    return (
        f"CASE WHEN regexp_full_match({name}, '[0-9]+') AND length({name}) < 9 "
        f"THEN lpad({name}, 9, '0') ELSE {name} END"
    )


def masked_sql(name: str) -> str:
    """``Award``'s description masking (``model.redaction``), as a function the engine offers;
    called only for the texts that can hold contact data."""
    return (
        f"CASE WHEN regexp_matches({name}, {_literal(MAY_HOLD_CONTACTS)}) "
        f"THEN {SQL_FUNCTION}({name}) ELSE {name} END"
    )


def fiscal_year_sql(day: str) -> str:
    return f"(year({day}) + CASE WHEN month({day}) >= 10 THEN 1 ELSE 0 END)"


def award_select(grain: str, record_date: str, record_day: str | None = None) -> list[str]:
    """Expressions for the ``contract_award`` data columns over the staged table; a row with
    no date is as of ``record_date`` (or of the SQL expression ``record_day``, a DATE)."""
    latest = "coalesce(award_latest_action_date__v, action_date__v)"
    day = record_day or f"CAST({_literal(record_date)} AS DATE)"
    as_of_expr = f"coalesce({latest}, award_base_action_date__v, {day})"
    return [
        "award_key",
        "award_id_piid AS piid",
        "award_kind AS award_type",
        "parent_award_id_piid AS parent_idv_piid",
        "parent_award_agency_id AS parent_idv_agency_code",
        f"{type_code_sql()} AS award_type_code",
        *_mapped_award_columns(),
        f"{as_of_expr} AS as_of",
        f"{fiscal_year_sql(as_of_expr)} AS fiscal_year",
        f"{_literal(grain)} AS grain",
    ]


def _mapped_award_columns() -> list[str]:
    """The data columns of ``contract_award`` as ``AWARD_FIELDS`` maps CSV columns to them
    (the SQL twin of ``csv_rows.award_from_row``: staged ``__v`` columns hold parsed values)."""
    found: list[str] = []
    for name, spec in AWARD_FIELDS.items():
        places = spec.of("csv")
        if places == READER:  # award_type_description: the IDV's or the award's type
            found.append(f"CASE WHEN is_idv THEN idv_type ELSE award_type END AS {name}")
        elif spec.kind == "money":
            parsed = ", ".join(f"{place}__v" for place in places)
            value = f"coalesce({parsed})" if len(places) > 1 else parsed
            found.append(f"CAST({value} AS DECIMAL(38,2)) AS {name}")
        elif spec.kind in ("date", "action_date"):
            parsed = ", ".join(f"{place}__v" for place in places)
            value = f"coalesce({parsed})" if len(places) > 1 else parsed
            found.append(f"{value} AS {name}")
        elif spec.kind == "duns":
            found.append(f"{duns_sql(places[0])} AS {name}")
        elif name == "description":  # contact data masked, as ``Award`` masks it
            found.append(f"{masked_sql(places[0])} AS {name}")
        else:
            found.append(places[0] if places[0] == name else f"{places[0]} AS {name}")
    return found


def transaction_select() -> list[str]:
    """Expressions for the ``contract_transaction`` data columns over the staged table."""
    return [
        "award_key",
        "coalesce(modification_number, '0') AS modification_number",
        "coalesce(transaction_number, '0') AS transaction_number",
        "action_date__v AS action_date",
        f"{fiscal_year_sql('action_date__v')} AS fiscal_year",
        "CAST(federal_action_obligation__v AS DECIMAL(38,2)) AS federal_action_obligation",
        "action_type_code AS action_type",
        "action_type AS action_type_description",
        "award_id_piid AS piid",
        "award_kind AS award_type",
        "parent_award_id_piid AS parent_idv_piid",
        "awarding_agency_code AS awarding_toptier_code",
        "awarding_sub_agency_code AS awarding_subtier_code",
        "awarding_office_code",
        "funding_agency_code AS funding_toptier_code",
        "funding_sub_agency_code AS funding_subtier_code",
        "recipient_name",
        f"{duns_sql('recipient_duns')} AS recipient_duns",
        "recipient_uei",
        "recipient_parent_name",
        f"{duns_sql('recipient_parent_duns')} AS recipient_parent_duns",
        "recipient_parent_uei",
        "product_or_service_code AS psc_code",
        "naics_code",
        "true AS attributes_stated",
    ]


_STAMP = (
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})"
    r"(\s+([0-9]{1,2}):([0-9]{2})(:([0-9]{2}))?)?"
)


def stated_times_sql(path: str, match: LayoutMatch, acted: bool = True) -> str:
    """``SELECT modified, acted, readable``: the newest ``last_modified_date`` of the file's rows (a
    TIMESTAMP; a date without a time is the end of its day; NULL when the file has no such
    column or no readable value), the newest action date (a DATE; NULL without ``acted``: its
    two regular expressions a row cost about a tenth of this read, and only a file that states
    no other time needs it) and how many records are readable. Broken rows are skipped: the
    staging read quarantines them."""
    layout = match.layout
    spec = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in match.columns)
    options = (
        f"header = {'true' if match.has_header else 'false'}, columns = {{{spec}}}, "
        "delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"nullstr = [''], max_line_size = {_MAX_LINE}, ignore_errors = true"
    )
    present = set(match.columns)
    action = next(
        (
            layout.column(name)
            for name in ("action_date", "award_latest_action_date")
            if layout.column(name) in present
        ),
        None,
    )
    m = _modified_text(match)
    d = _clean(quote(action), True) if action and acted else "CAST(NULL AS VARCHAR)"
    return (
        f"WITH raw AS (SELECT {m} AS m, {d} AS d "
        f"FROM read_csv({_literal(path)}, {options})),\n"
        f"iso AS (SELECT *, {_iso('d')} AS d__iso FROM raw),\n"
        f"split AS (SELECT *, {_date_parts('d')} AS d__p, {_stamp_parts('m')} AS m__p "
        "FROM iso)\n"
        f"SELECT max({_timestamp('m', layout.day_first)}) AS modified, "
        f"max({_date('d', layout.day_first)}) AS acted, count(*) AS readable FROM split"
    )


def _modified_text(match: LayoutMatch) -> str:
    """The ``last_modified_date`` cell, cleaned (NULL when the layout has no such column)."""
    modified = match.layout.column("last_modified_date")
    return _clean(quote(modified), True) if modified in match.columns else "CAST(NULL AS VARCHAR)"


def padded_count_sql(path: str, match: LayoutMatch) -> str:
    """``SELECT count(*)`` of the file's records, short ones included (padded, not rejected):
    with the readable count of ``stated_times_sql``, how many records lack cells."""
    spec = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in match.columns)
    options = (
        f"header = {'true' if match.has_header else 'false'}, columns = {{{spec}}}, "
        "delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"max_line_size = {_MAX_LINE}, null_padding = true, ignore_errors = true, "
        "parallel = false"  # null_padding reads quoted line breaks only without it
    )
    return f"SELECT count(*) FROM read_csv({_literal(path)}, {options})"


def _stamp_parts(name: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({name}, '{_STAMP}') THEN regexp_extract({name}, "
        f"'{_STAMP}', ['a', 'b', 'y', 't', 'h', 'mi', 's2', 's']) END"
    )


def _timestamp(name: str, day_first: bool) -> str:
    """A ``last_modified_date`` as a TIMESTAMP: ISO (``2023-04-20``, ``2024-01-05
    18:17:31.869``) or slashed (``22/06/18 12:31`` in the 2018 export); a bare date is the end
    of that day."""
    p = f"{name}__p"
    month, day = (f"{p}.b", f"{p}.a") if day_first else (f"{p}.a", f"{p}.b")
    year = f"CAST({p}.y AS INTEGER)"
    full_year = (
        f"CASE WHEN length({p}.y) = 2 THEN {year} + "
        f"CASE WHEN {year} >= {_PIVOT} THEN 1900 ELSE 2000 END ELSE {year} END"
    )
    ymd = f"{full_year}, CAST({month} AS INTEGER), CAST({day} AS INTEGER)"
    return (
        f"CASE WHEN {name} IS NULL THEN NULL "
        f"WHEN regexp_full_match({name}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN TRY_CAST({name} AS DATE) + INTERVAL '23:59:59' "
        f"WHEN regexp_full_match({name}, '{_ISO}') THEN TRY_CAST({name} AS TIMESTAMP) "
        f"WHEN {p} IS NULL THEN NULL "
        f"WHEN {p}.t = '' THEN try(make_timestamp({ymd}, 23, 59, 59)) "
        f"ELSE try(make_timestamp({ymd}, CAST({p}.h AS INTEGER), CAST({p}.mi AS INTEGER), "
        f"CAST(coalesce(nullif({p}.s, ''), '0') AS DOUBLE))) END"
    )
