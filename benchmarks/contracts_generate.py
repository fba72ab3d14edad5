"""Generate SYNTHETIC USAspending contract award summaries at scale, from real distributions.

    python3 benchmarks/contracts_generate.py --rows 10000000 --out /tmp/contracts-10m [--seed 42]

The output has the exact header and column order of the real "Contracts_PrimeAwardSummaries"
files in ``../shared/data/contracts/ice-local-gov`` (279 columns, one row per award). Every value
is drawn from what the real ICE files hold (``ice-local-gov`` and ``ice-fy13-fy18``, read by
column name) or from the real reference lists in ``../shared/data/reference``:

- recipients: the ~1,400 real ones (name, DUNS, UEI, parent name/DUNS/UEI, DBA, CAGE) plus
  synthetic ones modelled on them (a real name with one word swapped, new DUNS/UEI); parents
  are grouped with the real distribution of children per parent and of self/other/no parent;
  awards per recipient follow the real (heavy-tailed) awards-per-recipient distribution;
- each row's other columns (award type, competition, business-type flags, address...) are one
  real row of the recipient it is modelled on, so their joint structure is real;
- awarding agencies/subtiers: the authoritative agency list (~1,400 subtiers, Zipf weights
  over a seeded shuffle, ICE among the larger ones), each recipient with a home agency;
- PSC and NAICS: a recipient's own real codes or the full reference lists (descriptions from
  the lists);
- amounts: the real log10-amount histogram (zeros and negative de-obligations at their real
  rates), two decimals; values and ceilings from real ratios;
- dates: fiscal years FY2008-FY2024 uniformly, months from the real month histogram (the
  September surge), real gaps between base and latest action and real performance periods;
- PIIDs (office code, fiscal year, type letter, serial), award keys and permalinks are
  consistent per award; orders name a parent IDV, IDVs get CONT_IDV keys.

Marked synthetic three times: the file names, the README.md and manifest.json beside them,
and every row's description (``[SYNTHETIC seed=S] ...``). Personal columns (officers' names and
pay, phone, fax) are left empty. Rows are rendered with numpy + pyarrow compute (no Python loop
per row) and written by several processes, each file in bounded memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from whosbehind.sources.usaspending.columns import AWARDS_2018, PERSONAL_COLUMNS
from whosbehind.sources.usaspending.values import parse_date

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (REPO_ROOT / "../shared/data").resolve()
GENERATOR = "benchmarks/contracts_generate.py v1"
FIRST_FY, LAST_FY = 2008, 2024
LAST_DAY = np.datetime64("2024-09-30")
CHUNK_ROWS = 50_000
DEFAULT_FILE_ROWS = 1_000_000
HOME_AGENCY_SHARE = 0.6  # share of a recipient's awards from its home agency
OWN_CODES_SHARE = 0.7  # share of a recipient's awards under its own PSC/NAICS
ICE = "7012"
ICE_RANK = 8  # ICE's rank in the Zipf order of subtiers
UEI_ALPHABET = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", dtype=np.uint8)
# 2018 export names of columns that today's layout renamed.
RENAMED_2018 = {
    "parent_award_id": "parent_award_id_piid",
    "award_description": "prime_award_base_transaction_description",
    "gfe_gfp_code": "government_furnished_property_code",
    "gfe_gfp": "government_furnished_property",
    "alaskan_native_owned_corporation_or_firm": "alaskan_native_corporation_owned_firm",
    "native_hawaiian_owned_business": "native_hawaiian_organization_owned_firm",
    "tribally_owned_business": "tribally_owned_firm",
    "receives_grants": "receives_financial_assistance",
    "receives_contracts_and_grants": "receives_contracts_and_financial_assistance",
    "foreign_owned_and_located": "foreign_owned",
}
# Columns whose real value would contradict the synthetic award: left empty.
BLANK = frozenset(PERSONAL_COLUMNS) | {
    "disaster_emergency_fund_codes",
    "outlayed_amount_from_COVID-19_supplementals",
    "obligated_amount_from_COVID-19_supplementals",
    "outlayed_amount_from_IIJA_supplemental",
    "obligated_amount_from_IIJA_supplemental",
    "treasury_accounts_funding_this_award",
    "federal_accounts_funding_this_award",
    "object_classes_funding_this_award",
    "program_activities_funding_this_award",
    "solicitation_date",
    "total_outlayed_amount",
}
NAME_STOP = frozenset(
    "LLC INC INC. CORP CORP. CORPORATION CO CO. COMPANY LTD LP LLP THE OF AND & COUNTY CITY "
    "STATE DEPARTMENT SERVICES SERVICE GROUP SOLUTIONS TECHNOLOGIES SYSTEMS INTERNATIONAL "
    "OFFICE SHERIFF SHERIFFS SHERIFF'S ASSOCIATES".split()
)
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
TYPE_LETTER = {"A": "A", "B": "P", "C": "F", "D": "C"}


def csv_cell(value: str) -> str:
    """A value as a CSV cell (quoted only when needed, like the real files)."""
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def escape(array: pa.Array) -> pa.Array:
    """``csv_cell`` over an Arrow string array."""
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(array, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(array, _NEEDS_QUOTES.pattern), quoted, array)


def text_pool(values: Iterable[str]) -> pa.Array:
    return pa.array([csv_cell(value) for value in values], pa.string())


# ---- the real data ----------------------------------------------------------------------


@dataclass
class RealRows:
    header: tuple[str, ...]
    rows: list[dict[str, str]]  # every real row by current column name ('' when absent)


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value.upper() == "NAN" else value


def read_real_rows(data: Path) -> RealRows:
    local = data / "contracts/ice-local-gov"
    header: tuple[str, ...] | None = None
    rows: list[dict[str, str]] = []
    for path in sorted(local.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            names = tuple(next(reader))
            header = header or names
            rows += [{n: _clean(v) for n, v in zip(names, cells, strict=True)} for cells in reader]
    if header is None:
        raise SystemExit(f"no real award-summaries files under {local}")
    old = data / "contracts/ice-fy13-fy18"
    for path in sorted(old.glob("fy*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for cells in csv.reader(stream):
                if len(cells) != len(AWARDS_2018) or cells[0] == AWARDS_2018[0]:
                    continue
                rows.append({
                    RENAMED_2018.get(name, name): _clean(value)
                    for name, value in zip(AWARDS_2018, cells, strict=True)
                })
    for row in rows:
        for key in ("recipient_duns", "recipient_parent_duns"):
            value = row.get(key, "")
            if value.isdigit() and len(value) < 9:
                row[key] = value.zfill(9)
    return RealRows(header, rows)


def read_agencies(data: Path) -> list[tuple[str, str, str, str, str]]:
    """(toptier code, toptier name, subtier code, subtier name, subtier abbreviation)."""
    path = data / "reference/authoritative_agency_list_2019-06-13.csv"
    found: dict[str, tuple[str, str, str, str, str]] = {}
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        for row in csv.DictReader(stream):
            code = row["SUBTIER CODE"].strip()
            if row["IS_FREC"].strip().upper() == "TRUE" or len(code) != 4 or code in found:
                continue
            found[code] = (row["CGAC AGENCY CODE"].strip(), row["AGENCY NAME"].strip(), code,
                           row["SUBTIER NAME"].strip(), row["SUBTIER ABBREVIATION"].strip())
    return list(found.values())


def read_psc(data: Path) -> list[tuple[str, str]]:
    path = data / "reference/psc_codes.csv"
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        return [
            (row["PSC CODE"].strip(), row["PRODUCT AND SERVICE CODE NAME"].strip().upper())
            for row in csv.DictReader(stream)
            if len(row["PSC CODE"].strip()) == 4 and not row["END DATE"].strip()
            and row["PRODUCT AND SERVICE CODE NAME"].strip()
        ]


def read_naics(data: Path) -> list[tuple[str, str]]:
    """6-digit NAICS 2017 codes and titles, read from the .xlsx with the standard library."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(data / "reference/naics_2-6_digit_2017_Code_File.xlsx") as book:
        strings = [
            "".join(node.itertext())
            for node in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iterfind(
                "m:si", ns)
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    found: list[tuple[str, str]] = []
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        cells: dict[str, str] = {}
        for cell in row.findall("m:c", ns):
            value = cell.find("m:v", ns)
            if value is None or value.text is None:
                continue
            text = strings[int(value.text)] if cell.get("t") == "s" else value.text
            cells[re.sub(r"\d", "", cell.get("r", ""))] = text.strip()
        code, title = cells.get("A", ""), cells.get("B", "")
        if re.fullmatch(r"\d{6}", code) and title:
            found.append((code, title.upper()))
    return found


def _day(text: str) -> np.datetime64 | None:
    if not text:
        return None
    try:
        day = parse_date(text, day_first="/" in text)
    except ValueError:
        return None
    return np.datetime64(day.isoformat())


def _money(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


# ---- the model: everything sampled, built once from the seed ------------------------------


@dataclass
class Model:
    seed: int
    header: tuple[str, ...]
    synthesized: frozenset[str]
    segments: list[tuple[int, int]]  # runs of template columns [start, stop)
    template_pools: list[pa.Array]  # per segment: one pre-rendered fragment per real row
    row_is_idv: np.ndarray
    row_is_order: np.ndarray
    row_type_letter: pa.Array
    # recipients
    rec_cum: np.ndarray
    rec_model_start: np.ndarray
    rec_model_count: np.ndarray
    rows_by_recipient: np.ndarray
    rec_home_agency: np.ndarray
    rec_psc: np.ndarray
    rec_naics: np.ndarray
    rec_text: dict[str, pa.Array]
    # agencies and offices
    agency_cum: np.ndarray
    agency_text: dict[str, pa.Array]
    office_start: np.ndarray
    office_count: np.ndarray
    office_text: dict[str, pa.Array]
    # parent IDVs
    idv_text: dict[str, pa.Array]
    # codes
    psc_cum: np.ndarray
    psc_text: dict[str, pa.Array]
    naics_cum: np.ndarray
    naics_text: dict[str, pa.Array]
    # amounts, dates
    amount_bins: np.ndarray  # left edges of log10 bins
    amount_cum: np.ndarray
    amount_width: float
    p_zero: float
    p_negative: float
    current_ratio: np.ndarray
    potential_ratio: np.ndarray
    month_cum: np.ndarray
    latest_gap: np.ndarray
    duration: np.ndarray
    extension: np.ndarray
    actions: np.ndarray

    @property
    def n_recipients(self) -> int:
        return len(self.rec_cum)


SYNTHESIZED = (
    "contract_award_unique_key award_id_piid parent_award_agency_id parent_award_agency_name "
    "parent_award_id_piid total_obligated_amount current_total_value_of_award "
    "potential_total_value_of_award award_base_action_date award_base_action_date_fiscal_year "
    "award_latest_action_date award_latest_action_date_fiscal_year "
    "period_of_performance_start_date period_of_performance_current_end_date "
    "period_of_performance_potential_end_date ordering_period_end_date awarding_agency_code "
    "awarding_agency_name awarding_sub_agency_code awarding_sub_agency_name awarding_office_code "
    "awarding_office_name funding_agency_code funding_agency_name funding_sub_agency_code "
    "funding_sub_agency_name funding_office_code funding_office_name recipient_uei recipient_duns "
    "recipient_name recipient_name_raw recipient_doing_business_as_name cage_code "
    "recipient_parent_uei recipient_parent_duns recipient_parent_name recipient_parent_name_raw "
    "product_or_service_code product_or_service_code_description naics_code naics_description "
    "number_of_actions usaspending_permalink last_modified_date"
).split()


def _cum(weights: np.ndarray) -> np.ndarray:
    cum: np.ndarray = np.cumsum(weights, dtype=np.float64)
    normalised: np.ndarray = cum / cum[-1]
    return normalised


def _pick(rng: np.random.Generator, cum: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _swap_parts(name: str) -> tuple[str, str]:
    """A name cut around its first distinctive word: (before, after) that word."""
    words = name.split(" ")
    spots = [i for i, word in enumerate(words) if word.strip(",.").upper() not in NAME_STOP]
    if not spots:
        return "", " " + name
    spot = spots[0]
    tail = words[spot][len(words[spot].rstrip(",.")):]
    before = " ".join(words[:spot]) + " " if spot else ""
    after = tail + (" " + " ".join(words[spot + 1:]) if spot + 1 < len(words) else "")
    return before, after


def _swapped(rng: np.random.Generator, models: Sequence[str], vocabulary: pa.Array,
             picks: np.ndarray) -> pa.Array:
    """For each pick, the model name with its first distinctive word replaced at random."""
    parts = [_swap_parts(name) for name in models]
    before = pa.array([part[0] for part in parts]).take(picks)
    after = pa.array([part[1] for part in parts]).take(picks)
    word = vocabulary.take(rng.integers(len(vocabulary), size=len(picks)))
    return pc.binary_join_element_wise(before, word, after, "")


def _ueis(rng: np.random.Generator, n: int) -> pa.Array:
    letters = UEI_ALPHABET[rng.integers(len(UEI_ALPHABET), size=(n, 12))]
    return pa.array(np.ascontiguousarray(letters).view("S12").ravel()).cast(pa.string())


def _dunses(rng: np.random.Generator, n: int, taken: set[str]) -> pa.Array:
    """``n`` distinct random nine-digit DUNS numbers, none of them in ``taken``."""
    taken_numbers = np.array([int(value) for value in taken if value.isdigit()], dtype=np.int64)
    values = np.empty(0, dtype=np.int64)
    while len(values) < n:
        values = np.concatenate([values, rng.integers(10**7, 10**9, size=int(n * 1.05) + 16)])
        _, first = np.unique(values, return_index=True)
        values = values[np.sort(first)]
        values = values[~np.isin(values, taken_numbers)]
    return pc.utf8_lpad(pc.cast(pa.array(values[:n]), pa.string()), 9, "0")


def _empirical(values: Sequence[float], fallback: float) -> np.ndarray:
    array = np.asarray([value for value in values if np.isfinite(value)], dtype=np.float64)
    return array if len(array) else np.asarray([fallback])


def build_model(data: Path, rows: int, seed: int) -> Model:
    rng = np.random.default_rng(seed)
    real = read_real_rows(data)
    header = real.header
    synthesized = frozenset(SYNTHESIZED) | (BLANK & set(header))
    missing = [name for name in SYNTHESIZED if name not in header]
    if missing:
        raise SystemExit(f"the real header lacks {missing}")

    # Template segments: runs of real columns, pre-rendered per real row.
    segments: list[tuple[int, int]] = []
    start = None
    for position, name in enumerate((*header, "")):
        is_template = name != "" and name not in synthesized
        if is_template and start is None:
            start = position
        elif not is_template and start is not None:
            segments.append((start, position))
            start = None
    marker = f"[SYNTHETIC seed={seed}] "

    def template_value(row: dict[str, str], name: str) -> str:
        value = row.get(name, "")
        if name == "prime_award_base_transaction_description":
            return marker + (value or "CONTRACT")
        return value

    # Fragments are CSV text already (cells escaped, joined by commas).
    template_pools = [
        pa.array([",".join(csv_cell(template_value(row, name)) for name in header[a:b])
                  for row in real.rows], pa.string())
        for a, b in segments
    ]
    row_is_idv = np.array([row.get("award_or_idv_flag", "").upper() == "IDV" for row in real.rows])
    row_is_order = np.array([
        not idv and (bool(row.get("parent_award_id_piid"))
                     or row.get("award_type_code", "") in ("A", "C"))
        for row, idv in zip(real.rows, row_is_idv, strict=True)
    ])
    row_type_letter = pa.array([
        "D" if idv else TYPE_LETTER.get(row.get("award_type_code", ""), "P")
        for row, idv in zip(real.rows, row_is_idv, strict=True)
    ])

    # ---- real recipients, their rows, parents ----
    def recipient_key(row: dict[str, str]) -> str:
        return (row.get("recipient_duns") or row.get("recipient_uei")
                or row.get("recipient_name", ""))

    keys = [recipient_key(row) for row in real.rows]
    real_keys = list(dict.fromkeys(keys))
    first_row = {key: index for index, key in reversed(list(enumerate(keys)))}
    key_index = {key: index for index, key in enumerate(real_keys)}
    row_recipient = np.array([key_index[key] for key in keys])
    rows_by_recipient = np.argsort(row_recipient, kind="stable")
    counts = np.bincount(row_recipient, minlength=len(real_keys))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    awards_per_recipient = Counter(
        key for key, _ in {(recipient_key(row), row.get("award_id_piid")) for row in real.rows}
    )

    n_real = len(real_keys)
    n_recipients = max(n_real * 2, min(rows // 20, 500_000))
    n_synthetic = n_recipients - n_real
    fields = ("name", "duns", "uei", "parent_name", "parent_duns", "parent_uei", "dba", "cage")
    text: dict[str, list[str]] = {field: [] for field in fields}
    taken_duns: set[str] = set()
    for key in real_keys:
        row = real.rows[first_row[key]]
        text["name"].append(row.get("recipient_name", ""))
        text["duns"].append(row.get("recipient_duns", ""))
        text["uei"].append(row.get("recipient_uei", ""))
        text["parent_name"].append(row.get("recipient_parent_name", ""))
        text["parent_duns"].append(row.get("recipient_parent_duns", ""))
        text["parent_uei"].append(row.get("recipient_parent_uei", ""))
        text["dba"].append(row.get("recipient_doing_business_as_name", ""))
        text["cage"].append(row.get("cage_code", ""))
        taken_duns.update((text["duns"][-1], text["parent_duns"][-1]))
    # The 2018 export has no UEIs: give those real recipients (and parents) synthetic ones.
    fill = _ueis(rng, 2 * n_real).to_pylist()
    by_duns: dict[str, str] = {}
    for index in range(n_real):
        for duns_field, uei_field in (("duns", "uei"), ("parent_duns", "parent_uei")):
            duns = text[duns_field][index]
            if not text[uei_field][index] and duns:
                text[uei_field][index] = by_duns.setdefault(duns, fill.pop())
    real_parent_kind = Counter(
        "none" if not text["parent_duns"][i]
        else "self" if text["parent_duns"][i] == text["duns"][i] else "other"
        for i in range(n_real)
    )
    children = Counter(text["parent_duns"][i] for i in range(n_real) if text["parent_duns"][i])
    group_sizes = np.array(sorted(children.values()))

    # Synthetic recipients: modelled on a real one, one word of the name swapped; grouped
    # under parents with the real group sizes and the real self/other/no-parent shares.
    vocabulary = pa.array(sorted({
        word.strip(",.") for name in text["name"] + text["parent_name"] for word in name.split()
        if len(word.strip(",.")) > 2 and word.strip(",.").isalpha()
        and word.strip(",.").upper() not in NAME_STOP
    }))
    model_of = np.concatenate([np.arange(n_real), rng.integers(n_real, size=n_synthetic)])
    names = _swapped(rng, [name or "VENDOR" for name in text["name"]], vocabulary,
                     model_of[n_real:])
    sizes = group_sizes[rng.integers(len(group_sizes), size=n_synthetic)]
    ends = np.cumsum(sizes)
    groups = int(np.searchsorted(ends, n_synthetic)) + 1
    sizes = sizes[:groups]
    sizes[-1] -= ends[groups - 1] - n_synthetic
    group_of = np.repeat(np.arange(groups), sizes)
    kind_p = np.array([real_parent_kind[kind] for kind in ("self", "other", "none")], float)
    group_kind = np.where(sizes == 1, _pick(rng, _cum(kind_p), groups), 1)
    kind = group_kind[group_of]
    duns_new = _dunses(rng, n_synthetic + groups, taken_duns)
    uei_new = _ueis(rng, n_synthetic + groups)
    duns, uei = duns_new[:n_synthetic], uei_new[:n_synthetic]
    parent_models = [text["parent_name"][i] or text["name"][i] or "HOLDINGS"
                     for i in range(n_real)]
    group_parent = _swapped(rng, parent_models, vocabulary, rng.integers(n_real, size=groups))
    empty = pa.array([""] * n_synthetic, pa.string())
    is_self, is_other = pa.array(kind == 0), pa.array(kind == 1)

    def parent_value(own: pa.Array, other: pa.Array) -> pa.Array:
        return pc.if_else(is_self, own, pc.if_else(is_other, other.take(group_of), empty))

    synthetic = {
        "name": names, "duns": duns, "uei": uei,
        "parent_name": parent_value(names, group_parent),
        "parent_duns": parent_value(duns, duns_new[n_synthetic:]),
        "parent_uei": parent_value(uei, uei_new[n_synthetic:]),
        "dba": empty, "cage": empty,
    }
    rec_text = {
        field: escape(pa.concat_arrays([pa.array(text[field], pa.string()),
                                        synthetic[field].cast(pa.string())]))
        for field in fields
    }
    real_award_counts = np.array([awards_per_recipient[key] for key in real_keys], dtype=float)
    weights = np.concatenate([
        real_award_counts,
        real_award_counts[rng.integers(n_real, size=n_synthetic)] * rng.uniform(0.5, 1.5,
                                                                                  n_synthetic),
    ])

    # ---- agencies and offices ----
    agencies = read_agencies(data)
    order = rng.permutation(len(agencies))
    ice = next(i for i, agency in enumerate(agencies) if agency[2] == ICE)
    order = np.concatenate([order[order != ice][:ICE_RANK - 1], [ice],
                            order[order != ice][ICE_RANK - 1:]])
    agencies = [agencies[i] for i in order]
    agency_weights = 1.0 / np.arange(1, len(agencies) + 1)
    real_offices = sorted({
        (row["awarding_office_code"], row["awarding_office_name"]) for row in real.rows
        if row.get("awarding_office_code", "").startswith("70") and row.get("awarding_office_name")
    })
    office_codes: list[str] = []
    office_names: list[str] = []
    office_start = np.zeros(len(agencies), dtype=np.int64)
    office_count = np.zeros(len(agencies), dtype=np.int64)
    for index, (toptier, _, code, name, abbreviation) in enumerate(agencies):
        office_start[index] = len(office_codes)
        if code == ICE:
            for office_code, office_name in real_offices:
                office_codes.append(office_code)
                office_names.append(office_name)
        else:
            short = (abbreviation or "".join(word[0] for word in name.split() if word[0].isalpha())
                     or code).upper()
            for k in range(1 + int(rng.geometric(0.15))):
                suffix = bytes(UEI_ALPHABET[rng.integers(len(UEI_ALPHABET), size=4)]).decode()
                office_codes.append(f"{toptier[-2:]}{suffix}")
                office_names.append(f"{short} CONTRACTING OFFICE {k + 1}")
        office_count[index] = len(office_codes) - office_start[index]

    # ---- parent IDVs: the real ones, then synthetic GSA schedules and agency IDVs ----
    real_idvs = sorted({
        (row["parent_award_id_piid"], row.get("parent_award_agency_id", ""),
         row.get("parent_award_agency_name", ""))
        for row in real.rows
        if row.get("parent_award_id_piid") and row.get("parent_award_agency_id")
    })
    idv_piid = [idv[0] for idv in real_idvs]
    idv_agency = [idv[1] for idv in real_idvs]
    idv_name = [idv[2] for idv in real_idvs]
    for serial in range(max(1000, rows // 500)):
        letter = "ABCDEFGHJKLMNPQRSTUVWXYZ"[serial % 24]
        if serial % 2:
            idv_piid.append(f"GS{10 + serial % 30:02d}F{serial // 2:05d}{letter}")
            idv_agency.append("4732")
            idv_name.append("FEDERAL ACQUISITION SERVICE")
        else:
            toptier, _, code, name, _ = agencies[int(_pick(rng, _cum(agency_weights), 1)[0])]
            idv_piid.append(f"{toptier[-2:]}{code[-2:]}IDV{serial // 2:07d}")
            idv_agency.append(code)
            idv_name.append(name.upper())

    # ---- PSC and NAICS ----
    psc = read_psc(data)
    naics = read_naics(data)
    psc_index = {code: i for i, (code, _) in enumerate(psc)}
    naics_index = {code: i for i, (code, _) in enumerate(naics)}
    real_psc = Counter(row.get("product_or_service_code", "") for row in real.rows)
    real_naics = Counter(row.get("naics_code", "") for row in real.rows)
    psc_weights = 1.0 / (1 + rng.permutation(len(psc)))
    naics_weights = 1.0 / (1 + rng.permutation(len(naics)))
    for code, count in real_psc.items():
        if code in psc_index:
            psc_weights[psc_index[code]] += count / len(real.rows)
    for code, count in real_naics.items():
        if code in naics_index:
            naics_weights[naics_index[code]] += count / len(real.rows)
    rec_psc = _pick(rng, _cum(psc_weights), n_recipients)
    rec_naics = _pick(rng, _cum(naics_weights), n_recipients)
    for i, key in enumerate(real_keys):
        row = real.rows[first_row[key]]
        rec_psc[i] = psc_index.get(row.get("product_or_service_code", ""), rec_psc[i])
        rec_naics[i] = naics_index.get(row.get("naics_code", ""), rec_naics[i])

    # ---- amounts ----
    by_award: dict[str, float] = {}
    for row in real.rows:
        if "total_obligated_amount" in row and row.get("contract_award_unique_key"):
            value = _money(row["total_obligated_amount"])
            if value is not None:
                by_award[row["contract_award_unique_key"]] = value
        elif (value := _money(row.get("federal_action_obligation", ""))) is not None:
            key = "2018:" + row.get("award_id_piid", "")
            by_award[key] = by_award.get(key, 0.0) + value
    amounts = np.array(list(by_award.values()))
    nonzero = np.abs(amounts[amounts != 0])
    width = 0.1
    edges = np.arange(np.floor(np.log10(nonzero.min())), np.log10(nonzero.max()) + width, width)
    histogram, _ = np.histogram(np.log10(nonzero), bins=np.append(edges, edges[-1] + width))
    smoothed = np.convolve(histogram.astype(float), [0.25, 0.5, 0.25], mode="same") + 1e-9
    current_ratio = _empirical([
        (_money(row.get("current_total_value_of_award", "")) or 0)
        / (_money(row.get("total_obligated_amount", "")) or np.nan)
        for row in real.rows if (_money(row.get("total_obligated_amount", "")) or 0) > 0
    ], 1.0)
    current_ratio = np.clip(current_ratio[current_ratio >= 1], 1, 100)
    potential_ratio = _empirical([
        (_money(row.get("potential_total_value_of_award", "")) or np.nan)
        / (_money(row.get("current_total_value_of_award", "")) or np.nan)
        for row in real.rows
    ], 1.0)
    potential_ratio = np.clip(potential_ratio[potential_ratio >= 1], 1, 100)

    # ---- dates ----
    months: Counter[int] = Counter()
    gaps: list[float] = []
    durations: list[float] = []
    extensions: list[float] = []
    for row in real.rows:
        base = _day(row.get("award_base_action_date") or row.get("action_date", ""))
        if base is not None:
            months[int(str(base)[5:7])] += 1
        latest = _day(row.get("award_latest_action_date", ""))
        if base is not None and latest is not None and latest >= base:
            gaps.append(float((latest - base).astype(int)))
        begin = _day(row.get("period_of_performance_start_date", ""))
        end = _day(row.get("period_of_performance_current_end_date", ""))
        potential = _day(row.get("period_of_performance_potential_end_date", ""))
        if begin is not None and end is not None and end >= begin:
            durations.append(float((end - begin).astype(int)))
            if potential is not None and potential >= end:
                extensions.append(float((potential - end).astype(int)))
    # FPDS months in fiscal order Oct..Sep
    month_weights = np.array([months[m] + 1 for m in (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)],
                             dtype=float)
    actions: list[float] = []
    mods: dict[str, int] = {}
    for row in real.rows:
        number = row.get("modification_number", "")
        found = re.fullmatch(r"[A-Z]*0*(\d+)", number)
        if found and row.get("award_id_piid"):
            mods[row["award_id_piid"]] = max(mods.get(row["award_id_piid"], 0), int(found[1]))
        elif row.get("number_of_actions", "").isdigit():
            actions.append(float(row["number_of_actions"]))
    actions += [float(count + 1) for count in mods.values()]

    def pools(values: dict[str, Sequence[str]]) -> dict[str, pa.Array]:
        return {name: text_pool(column) for name, column in values.items()}

    return Model(
        seed=seed,
        header=header,
        synthesized=synthesized,
        segments=segments,
        template_pools=template_pools,
        row_is_idv=row_is_idv,
        row_is_order=row_is_order,
        row_type_letter=row_type_letter,
        rec_cum=_cum(weights),
        rec_model_start=starts[model_of],
        rec_model_count=counts[model_of],
        rows_by_recipient=rows_by_recipient,
        rec_home_agency=_pick(rng, _cum(agency_weights), n_recipients),
        rec_psc=rec_psc,
        rec_naics=rec_naics,
        rec_text=rec_text,
        agency_cum=_cum(agency_weights),
        agency_text=pools({
            "toptier_code": [a[0] for a in agencies], "toptier_name": [a[1] for a in agencies],
            "subtier_code": [a[2] for a in agencies], "subtier_name": [a[3] for a in agencies],
        }),
        office_start=office_start,
        office_count=office_count,
        office_text=pools({"code": office_codes, "name": office_names}),
        idv_text=pools({"piid": idv_piid, "agency": idv_agency, "name": idv_name}),
        psc_cum=_cum(psc_weights),
        psc_text=pools({"code": [p[0] for p in psc], "name": [p[1] for p in psc]}),
        naics_cum=_cum(naics_weights),
        naics_text=pools({"code": [n[0] for n in naics], "name": [n[1] for n in naics]}),
        amount_bins=edges,
        amount_cum=_cum(smoothed),
        amount_width=width,
        p_zero=float(np.mean(amounts == 0)),
        p_negative=float(np.mean(amounts < 0)),
        current_ratio=current_ratio if len(current_ratio) else np.ones(1),
        potential_ratio=potential_ratio if len(potential_ratio) else np.ones(1),
        month_cum=_cum(month_weights),
        latest_gap=_empirical(gaps, 0.0),
        duration=_empirical(durations, 365.0),
        extension=_empirical(extensions, 0.0),
        actions=_empirical(actions, 1.0),
    )


# ---- rendering -----------------------------------------------------------------------------


def _money_text(cents: np.ndarray) -> pa.Array:
    """Exact two-decimal text of integer cents, via Arrow's decimal128 -> string cast."""
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension to 128 bits
    decimal = pa.Array.from_buffers(pa.decimal128(38, 2), len(cents),
                                    [None, pa.py_buffer(words)])
    return pc.cast(decimal, pa.string())


def _date_text(days: np.ndarray, suffix: str = "") -> pa.Array:
    text = pc.cast(pa.array(days.astype("datetime64[D]")), pa.string())
    return pc.binary_join_element_wise(text, suffix, "") if suffix else text


def _int_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def render_chunk(model: Model, rng: np.random.Generator, first_award: int, n: int) -> memoryview:
    """``n`` rows of CSV text (no header); award serials start at ``first_award``."""
    rec = _pick(rng, model.rec_cum, n)
    template = model.rows_by_recipient[
        model.rec_model_start[rec] + (rng.random(n) * model.rec_model_count[rec]).astype(np.int64)
    ]
    agency = np.where(rng.random(n) < HOME_AGENCY_SHARE, model.rec_home_agency[rec],
                      _pick(rng, model.agency_cum, n))
    office = model.office_start[agency] + (rng.random(n) * model.office_count[agency]).astype(
        np.int64)
    own = rng.random(n) < OWN_CODES_SHARE
    psc = np.where(own, model.rec_psc[rec], _pick(rng, model.psc_cum, n))
    naics = np.where(own, model.rec_naics[rec], _pick(rng, model.naics_cum, n))
    is_idv = model.row_is_idv[template]
    is_order = model.row_is_order[template]

    # amounts
    magnitude = 10 ** (model.amount_bins[_pick(rng, model.amount_cum, n)]
                       + rng.random(n) * model.amount_width)
    draw = rng.random(n)
    sign = np.where(draw < model.p_negative, -1.0, 1.0)
    total = np.where(draw > 1 - model.p_zero, 0.0, sign * magnitude)
    cents = np.round(total * 100).astype(np.int64)
    current = np.maximum(cents, np.round(
        cents * model.current_ratio[rng.integers(len(model.current_ratio), size=n)]
    ).astype(np.int64))
    potential = np.maximum(current, np.round(
        current * model.potential_ratio[rng.integers(len(model.potential_ratio), size=n)]
    ).astype(np.int64))

    # dates
    fy = rng.integers(FIRST_FY, LAST_FY + 1, size=n)
    fiscal_month = _pick(rng, model.month_cum, n)  # 0 = October
    year = np.where(fiscal_month < 3, fy - 1, fy)
    month = (fiscal_month + 9) % 12
    month_start = ((year - 1970) * 12 + month).astype("datetime64[M]").astype("datetime64[D]")
    month_days = ((year - 1970) * 12 + month + 1).astype("datetime64[M]").astype(
        "datetime64[D]") - month_start
    base = month_start + (rng.random(n) * month_days.astype(np.int64)).astype("timedelta64[D]")
    actions = model.actions[rng.integers(len(model.actions), size=n)].astype(np.int64)
    gap = np.where(actions > 1, model.latest_gap[rng.integers(len(model.latest_gap), size=n)], 0)
    latest = np.minimum(base + gap.astype("timedelta64[D]"), LAST_DAY)
    latest_fy = latest.astype("datetime64[Y]").astype(np.int64) + 1970 + (
        (latest.astype("datetime64[M]").astype(np.int64) % 12) >= 9)
    end = base + model.duration[rng.integers(len(model.duration), size=n)].astype(
        "timedelta64[D]")
    potential_end = end + model.extension[rng.integers(len(model.extension), size=n)].astype(
        "timedelta64[D]")
    modified = latest + rng.integers(0, 60, size=n).astype("timedelta64[D]")

    # identifiers: PIID = office code + FY + type letter + serial
    office_code = pc.take(model.office_text["code"], office)
    subtier = pc.take(model.agency_text["subtier_code"], agency)
    serial = pc.utf8_lpad(_int_text(np.arange(first_award, first_award + n)), 8, "0")
    letters = pc.take(model.row_type_letter, template)
    piid = pc.binary_join_element_wise(
        office_code, pc.utf8_lpad(_int_text(fy % 100), 2, "0"), letters, serial, "")
    parent = rng.integers(len(model.idv_text["piid"]), size=n)
    null_text = pa.nulls(n, pa.string())
    parent_piid = pc.if_else(pa.array(is_order), pc.take(model.idv_text["piid"], parent), null_text)
    parent_agency = pc.if_else(pa.array(is_order), pc.take(model.idv_text["agency"], parent),
                               null_text)
    parent_name = pc.if_else(pa.array(is_order), pc.take(model.idv_text["name"], parent),
                             null_text)
    award_key = pc.if_else(
        pa.array(is_idv),
        pc.binary_join_element_wise("CONT_IDV_", piid, "_", subtier, ""),
        pc.binary_join_element_wise(
            "CONT_AWD_", piid, "_", subtier, "_", pc.fill_null(parent_piid, "-NONE-"), "_",
            pc.fill_null(parent_agency, "-NONE-"), ""),
    )
    base_text = _date_text(base)
    potential_text = _date_text(potential_end, " 00:00:00")
    values: dict[str, pa.Array] = {
        "contract_award_unique_key": award_key,
        "award_id_piid": piid,
        "parent_award_agency_id": parent_agency,
        "parent_award_agency_name": parent_name,
        "parent_award_id_piid": parent_piid,
        "total_obligated_amount": _money_text(cents),
        "current_total_value_of_award": _money_text(current),
        "potential_total_value_of_award": _money_text(potential),
        "award_base_action_date": base_text,
        "award_base_action_date_fiscal_year": _int_text(fy),
        "award_latest_action_date": _date_text(latest),
        "award_latest_action_date_fiscal_year": _int_text(latest_fy),
        "period_of_performance_start_date": base_text,
        "period_of_performance_current_end_date": _date_text(end),
        "period_of_performance_potential_end_date": potential_text,
        "ordering_period_end_date": pc.if_else(pa.array(is_idv), potential_text, null_text),
        "awarding_agency_code": pc.take(model.agency_text["toptier_code"], agency),
        "awarding_agency_name": pc.take(model.agency_text["toptier_name"], agency),
        "awarding_sub_agency_code": subtier,
        "awarding_sub_agency_name": pc.take(model.agency_text["subtier_name"], agency),
        "awarding_office_code": office_code,
        "awarding_office_name": pc.take(model.office_text["name"], office),
        "recipient_uei": pc.take(model.rec_text["uei"], rec),
        "recipient_duns": pc.take(model.rec_text["duns"], rec),
        "recipient_name": pc.take(model.rec_text["name"], rec),
        "recipient_doing_business_as_name": pc.take(model.rec_text["dba"], rec),
        "cage_code": pc.take(model.rec_text["cage"], rec),
        "recipient_parent_uei": pc.take(model.rec_text["parent_uei"], rec),
        "recipient_parent_duns": pc.take(model.rec_text["parent_duns"], rec),
        "recipient_parent_name": pc.take(model.rec_text["parent_name"], rec),
        "product_or_service_code": pc.take(model.psc_text["code"], psc),
        "product_or_service_code_description": pc.take(model.psc_text["name"], psc),
        "naics_code": pc.take(model.naics_text["code"], naics),
        "naics_description": pc.take(model.naics_text["name"], naics),
        "number_of_actions": _int_text(actions),
        "last_modified_date": _date_text(modified),
    }
    values["usaspending_permalink"] = pc.binary_join_element_wise(
        "https://www.usaspending.gov/award/", award_key, "/", "")
    values["recipient_name_raw"] = values["recipient_name"]
    values["recipient_parent_name_raw"] = values["recipient_parent_name"]
    for funding, awarding in (("funding_agency_code", "awarding_agency_code"),
                              ("funding_agency_name", "awarding_agency_name"),
                              ("funding_sub_agency_code", "awarding_sub_agency_code"),
                              ("funding_sub_agency_name", "awarding_sub_agency_name"),
                              ("funding_office_code", "awarding_office_code"),
                              ("funding_office_name", "awarding_office_name")):
        values[funding] = values[awarding]
    empty = pa.array([""] * n, pa.string()) if n else pa.array([], pa.string())
    pieces: list[pa.Array] = []
    segment_at = {start: (index, stop) for index, (start, stop) in enumerate(model.segments)}
    position = 0
    header = model.header
    while position < len(header):
        if position in segment_at:
            index, stop = segment_at[position]
            pieces.append(pc.take(model.template_pools[index], template))
            position = stop
            continue
        name = header[position]
        column = values.get(name, empty)
        pieces.append(pc.fill_null(column, ""))
        position += 1
    pieces[-1] = pc.binary_join_element_wise(pieces[-1], "\n", "")
    joined = pc.binary_join_element_wise(*pieces, ",")
    return _string_bytes(joined)


def _string_bytes(array: pa.Array) -> memoryview:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset:]
    data = array.buffers()[2]
    return memoryview(data)[offsets[0]:offsets[len(array)]]


# ---- files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    index: int
    path: Path
    first_row: int
    rows: int


def part_name(seed: int, index: int) -> str:
    return f"SYNTHETIC_contracts_seed{seed}_part{index:04d}.csv"


def write_part(data: Path, total_rows: int, seed: int, part: Part) -> tuple[int, int]:
    """Write one file (header + rows) chunk by chunk; returns (rows, bytes)."""
    model = _model_cache(data, total_rows, seed)
    rng = np.random.default_rng([seed, part.index])
    written = 0
    with part.path.open("wb") as out:
        out.write((",".join(model.header) + "\n").encode())
        for start in range(0, part.rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, part.rows - start)
            out.write(render_chunk(model, rng, part.first_row + start, n))
            written += n
        size = out.tell()
    return written, size


_MODELS: dict[tuple[str, int, int], Model] = {}


def _model_cache(data: Path, rows: int, seed: int) -> Model:
    key = (str(data), rows, seed)
    if key not in _MODELS:
        _MODELS[key] = build_model(data, rows, seed)
    return _MODELS[key]


def plan_parts(out: Path, rows: int, seed: int, file_rows: int) -> list[Part]:
    parts = []
    for index, first in enumerate(range(0, rows, file_rows)):
        parts.append(Part(index, out / part_name(seed, index), first, min(file_rows, rows - first)))
    return parts


README = """# SYNTHETIC contract award summaries (not real records)

Generated by `{generator}` with seed {seed}: {rows:,} rows in {files} files, {mb:,.0f} MB, in
{seconds:.1f} s on {date}.

**These awards do not exist.** Every row is synthetic, drawn from the distributions of the real
public USAspending files in `shared/data/contracts` (ICE award summaries and the 2018 ICE
export) and the real reference lists in `shared/data/reference` (agency list, PSC, NAICS 2017).
Names of synthetic recipients are real names with one word swapped; their DUNS/UEI numbers are
random. Real recipients appear with their real names and numbers, attached to synthetic awards.
Every row's `prime_award_base_transaction_description` starts with `[SYNTHETIC seed={seed}]`.
Personal columns (officers' names and pay, phone, fax) are empty.

Layout: exactly the header and column order of the real "Contracts_PrimeAwardSummaries"
download ({columns} columns, one row per award). Regenerate with
`python3 benchmarks/contracts_generate.py --rows {rows} --out DIR --seed {seed}`.
"""


def generate(out: Path, rows: int, seed: int, *, data: Path = DEFAULT_DATA,
             file_rows: int = DEFAULT_FILE_ROWS, workers: int | None = None) -> dict[str, object]:
    """Write the files, README.md and manifest.json; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("SYNTHETIC_contracts_seed*_part*.csv"):
        old.unlink()
    start = time.perf_counter()
    parts = plan_parts(out, rows, seed, file_rows)
    workers = max(1, min(workers or os.cpu_count() or 1, len(parts)))
    if workers == 1:
        results = [write_part(data, rows, seed, part) for part in parts]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(write_part, [data] * len(parts), [rows] * len(parts),
                                    [seed] * len(parts), parts))
    seconds = time.perf_counter() - start
    size = sum(result[1] for result in results)
    header = read_real_rows(data).header
    manifest: dict[str, object] = {
        "synthetic": True,
        "generator": GENERATOR,
        "seed": seed,
        "rows": rows,
        "bytes": size,
        "seconds": round(seconds, 2),
        "layout": "award-summaries",
        "columns": len(header),
        "files": [part.path.name for part in parts],
        "sources": ["shared/data/contracts/ice-local-gov", "shared/data/contracts/ice-fy13-fy18",
                    "shared/data/reference"],
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / "README.md").write_text(README.format(
        generator=GENERATOR, seed=seed, rows=rows, files=len(parts), mb=size / 1e6,
        seconds=seconds, date=manifest["created"], columns=len(header)))
    return manifest


def existing(out: Path, rows: int, seed: int) -> dict[str, object] | None:
    """The manifest of a complete earlier generation with these rows and seed, if any."""
    path = out / "manifest.json"
    if not path.exists():
        return None
    manifest = json.loads(path.read_text())
    files = manifest.get("files")
    if (manifest.get("rows") != rows or manifest.get("seed") != seed
            or manifest.get("generator") != GENERATOR or not isinstance(files, list)
            or not all((out / name).exists() for name in files)):
        return None
    return dict(manifest)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--file-rows", type=int, default=DEFAULT_FILE_ROWS,
                        help="rows per CSV file")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared/data folder")
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.rows, args.seed, data=args.data, file_rows=args.file_rows,
                        workers=args.workers)
    seconds = float(str(manifest["seconds"]))
    size = int(str(manifest["bytes"]))
    print(f"{args.rows:,} rows, {size / 1e6:,.0f} MB in {seconds:.1f} s "
          f"({args.rows / seconds:,.0f} rows/s, {size / 1e6 / seconds:,.0f} MB/s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
