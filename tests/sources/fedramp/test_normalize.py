"""Normalizers of the FedRAMP feeds: spellings seen in the real feeds, and properties."""

from __future__ import annotations

import re
import string
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.model.fedramp import IMPACT_LEVELS, STATUSES
from whosbehind.sources.fedramp import normalize as norm
from whosbehind.sources.snapshot import RawSnapshot

# ---------------------------------------------------------------- impact levels


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Li-SaaS", "li-saas"),
        ("LI-SaaS", "li-saas"),
        ("LISaaS", "li-saas"),
        ("Li-SaaS (Moderate In Process)", "li-saas"),
        ("Low Impact SaaS", "li-saas"),
        ("Moderate (High In Process)", "moderate"),
        ("Moderate (High In-Process)", "moderate"),
        ("Moderate\nHigh (In-Process)", "moderate"),
        ("Low (Moderate In Process)", "low"),
        ("20x Low", "low"),
        ("20x Moderate", "moderate"),
        ("High", "high"),
        ("  high ", "high"),
        ("Low", "low"),
        ("Moderate", "moderate"),
    ],
)
def test_impact_level_spellings(raw: str, expected: str) -> None:
    assert norm.impact_level(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", None, "#N/A", "DoD Cloud Security Model Impact Level 4", "Unknown", 5, []]
)
def test_impact_level_unknown_is_none(raw: object) -> None:
    assert norm.impact_level(raw) is None


# ---------------------------------------------------------------- statuses


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # legacy feed (Designation)
        ("Compliant", "authorized"),
        ("In Process", "in_process"),
        ("In-Process", "in_process"),
        ("In PMO Review", "in_process"),
        ("In Process - Assessing SSP", "in_process"),
        ("FedRAMP Ready", "ready"),
        ("Fedramp Ready", "ready"),
        # marketplace feed (status)
        ("FedRAMP Authorized", "authorized"),
        ("FedRAMP In Process", "in_process"),
        ("Agency In Process", "in_process"),
        ("No Status Found", "delisted"),
        # organization export (public_status) and status changelog (status_name)
        ("FRR", "ready"),
        ("Authorized", "authorized"),
        ("JAB Review", "in_process"),
        ("PMO Review", "in_process"),
        ("Agency Review", "in_process"),
        ("Initial Program Review", "in_process"),
        ("Final Program Review", "in_process"),
        ("No Status Found (Delisted)", "delisted"),
        # blanks and unknowns
        ("", "other"),
        (None, "other"),
        ("Something new", "other"),
    ],
)
def test_status_across_formats(raw: object, expected: str) -> None:
    assert norm.status(raw) == expected


def test_status_is_case_and_space_insensitive() -> None:
    assert norm.status("  fedramp   AUTHORIZED ") == "authorized"
    assert norm.status("agency\tin process") == "in_process"


@pytest.mark.parametrize("raw", ["Not Authorized", "Unauthorized"])
def test_status_negated_authorized_is_not_authorized(raw: str) -> None:
    assert norm.status(raw) != "authorized"


# ---------------------------------------------------------------- agencies and paths


@pytest.mark.parametrize(
    "raw",
    [
        "JAB Authorization",
        "Legacy JAB Authorization",
        "Joint Authorization Board",
        "joint authorization board",
        "JAB",
        " JAB  Authorization ",
    ],
)
def test_agency_jab_spellings_become_one_name(raw: str) -> None:
    assert norm.agency(raw) == "Joint Authorization Board"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Department of  Energy ", "Department of Energy"),
        ("Jabber Agency", "Jabber Agency"),  # JAB only as a word
        ("", ""),
        (None, ""),
    ],
)
def test_agency_other_names_only_cleaned(raw: object, expected: str) -> None:
    assert norm.agency(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("JAB", "jab"),
        ("Agency", "agency"),
        ("Program", "program"),
        ("20x", "20x"),
        ("JAB Authorization", "jab"),
        ("Joint Authorization Board", "jab"),
        ("CSP", "csp-supplied"),  # legacy "CSP-supplied" packages
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_auth_path(raw: object, expected: str | None) -> None:
    assert norm.auth_path(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("N/A", None),
        ("Not Active", None),
        ("Not In Process", None),
        ("No FRR Date", None),
        ("none", None),
        ("  ", None),
        (None, None),
        (" Public  Cloud ", "Public Cloud"),
    ],
)
def test_optional_text(raw: object, expected: str | None) -> None:
    assert norm.optional_text(raw) == expected


# ---------------------------------------------------------------- lists published as reprs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("['PaaS']", ["PaaS"]),
        ("['PaaS', 'SaaS']", ["PaaS", "SaaS"]),
        ("[]", []),
        (" ['IaaS',  ' PaaS '] ", ["IaaS", "PaaS"]),
        (["IaaS", " SaaS ", "", None], ["IaaS", "SaaS"]),
        ("SaaS", ["SaaS"]),
        ("", []),
        (None, []),
        (42, []),
        ("['unterminated", ["['unterminated"]),  # kept as text, not a crash
    ],
)
def test_string_list(raw: object, expected: list[str]) -> None:
    assert norm.string_list(raw) == expected


def test_object_list_parses_python_repr() -> None:
    real_like = (
        "[{'id': 'F1607067912', 'csp': '18F', 'cso': '18F Cloud.gov', "
        "'status': 'FedRAMP Authorized', 'impact_level': 'Moderate'}, "
        "{'id': 'FR1704369518', 'csp': 'Accenture Federal Services'}]"
    )
    parsed = norm.object_list(real_like)
    assert [item["id"] for item in parsed] == ["F1607067912", "FR1704369518"]
    assert parsed[0]["cso"] == "18F Cloud.gov"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ([{"id": "A"}, "junk", 3, {"id": "B"}], [{"id": "A"}, {"id": "B"}]),
        ("[{'id': 'A'}, 'junk']", [{"id": "A"}]),
        ("[{'id': ", []),
        ("not a list", []),
        (None, []),
        ({"id": "A"}, []),
    ],
)
def test_object_list_edge_cases(raw: object, expected: list[dict[str, Any]]) -> None:
    assert norm.object_list(raw) == expected


@given(st.lists(st.text(alphabet=string.ascii_letters + " -_", min_size=1), max_size=6))
def test_string_list_repr_round_trip(items: list[str]) -> None:
    """A list published as its Python repr reads back as the list (items cleaned)."""
    expected = [norm.text(item) for item in items if norm.text(item)]
    assert norm.string_list(repr(items)) == expected
    assert norm.string_list(items) == expected


# ---------------------------------------------------------------- properties

NAME_CHARS = string.ascii_letters + string.digits + "&.,;:'()-/ \t\n"
names = st.text(alphabet=NAME_CHARS, max_size=40)


@given(st.text())
def test_name_key_is_idempotent(value: str) -> None:
    key = norm.name_key(value)
    assert norm.name_key(key) == key


@given(names)
def test_name_key_ignores_case(value: str) -> None:
    key = norm.name_key(value)
    assert norm.name_key(value.upper()) == key
    assert norm.name_key(value.lower()) == key
    assert norm.name_key(value.swapcase()) == key


@given(names, st.sampled_from([" ", "  ", "\t", "\n ", " \u00a0"]))
def test_name_key_ignores_extra_whitespace(value: str, pad: str) -> None:
    padded = pad + re.sub(r"\s+", lambda m: m.group(0) + pad, value) + pad
    assert norm.name_key(padded) == norm.name_key(value)


def test_name_key_examples() -> None:
    assert norm.name_key("Amazon Web Services ") == norm.name_key("amazon  web services")
    assert norm.name_key("SecureIT ") == "secureit"
    assert norm.name_key("MegaplanIT Holdings, LLC\r\n") == "megaplanit holdings, llc"
    assert norm.name_key("Acme Inc.") == "acme inc"


@given(st.text())
def test_text_has_no_double_spaces_or_outer_whitespace(value: str) -> None:
    cleaned = norm.text(value)
    assert "  " not in cleaned
    assert cleaned == cleaned.strip()
    assert not any(ch.isspace() and ch != " " for ch in cleaned)
    # only whitespace changes: the non-whitespace characters are kept in order
    assert "".join(cleaned.split()) == "".join(value.split())


@given(st.one_of(st.text(), st.none(), st.integers()))
def test_impact_level_is_a_known_level_or_none(value: object) -> None:
    assert norm.impact_level(value) in (*IMPACT_LEVELS, None)


@given(st.one_of(st.text(), st.none(), st.integers()))
def test_status_is_in_the_vocabulary(value: object) -> None:
    assert norm.status(value) in STATUSES


# ---------------------------------------------------------------- every real head value is known


def _letters_only(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.casefold())


def _head_values(
    legacy_head: RawSnapshot, marketplace_head: RawSnapshot
) -> tuple[set[str], set[str]]:
    legacy = orjson.loads(legacy_head.content)["data"]["Providers"]
    products = orjson.loads(marketplace_head.content)["data"]["Products"]
    impacts = {p.get("Impact_Level") for p in legacy} | {p.get("impact_level") for p in products}
    statuses = {p.get("Designation") for p in legacy} | {p.get("status") for p in products}
    return impacts, statuses


def test_every_real_head_impact_level_is_known(
    legacy_head: RawSnapshot, marketplace_head: RawSnapshot
) -> None:
    impacts, _ = _head_values(legacy_head, marketplace_head)
    assert len(impacts) >= 5  # the heads really hold several spellings
    for raw in impacts:
        level = norm.impact_level(raw)
        assert level in IMPACT_LEVELS, raw
        # the level is the one the spelling names (letters only: "LI-SaaS" ~ "li-saas")
        assert _letters_only(level) in _letters_only(str(raw)), (raw, level)


def test_every_real_head_status_is_known(
    legacy_head: RawSnapshot, marketplace_head: RawSnapshot
) -> None:
    _, statuses = _head_values(legacy_head, marketplace_head)
    assert {"Compliant", "FedRAMP Authorized"} <= statuses
    for raw in statuses:
        assert norm.status(raw) in set(STATUSES) - {"other"}, raw
    expected = {"Compliant": "authorized", "FedRAMP Authorized": "authorized"}
    for raw, normalized in expected.items():
        assert norm.status(raw) == normalized


WHITESPACE = [chr(c) for c in range(0x3001) if re.fullmatch(r"\s", chr(c))]


@given(st.text(alphabet=st.sampled_from([*WHITESPACE, "a", "Z", "-", "\u200b", "\x00"])))
def test_text_collapses_exactly_what_the_regular_expression_does(value: str) -> None:
    # the definition: every run of ``\s`` becomes one space, then the ends are stripped
    assert norm.text(value) == re.sub(r"\s+", " ", value).strip()


def test_text_of_every_code_point_agrees_with_the_regular_expression() -> None:
    for code in range(0x110000):
        value = f"a{chr(code)}{chr(code)}b"
        assert norm.text(value) == re.sub(r"\s+", " ", value).strip(), hex(code)
