from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.resolve.names import name_key, normalize_name


@pytest.mark.parametrize(
    ("raw", "display", "key"),
    [
        ("AMAZON WEB SERVICES, INC.", "AMAZON WEB SERVICES, INC.", "amazon web services"),
        ("PALANTIR USG, INC.", "PALANTIR USG, INC.", "palantir usg"),
        ("WEST PUBLISHING CORPORATION", "WEST PUBLISHING CORPORATION", "west publishing"),
        (
            "Accenture Federal Services (In Remediation)",
            "Accenture Federal Services",
            "accenture federal services",
        ),
        ("GEO GROUP, INC., THE", "THE GEO GROUP, INC.", "geo group"),
        ("LONG BEACH, CITY OF", "CITY OF LONG BEACH", "long beach city"),
        ("SHERBURNE, COUNTY OF (INC)", "COUNTY OF SHERBURNE", "sherburne county"),
        (
            "PUBLIC SAFETY & CORRECTIONAL SERVICES, MARYLAND DEPT OF",
            "MARYLAND DEPT OF PUBLIC SAFETY & CORRECTIONAL SERVICES",
            "maryland dept of public safety and correctional services",
        ),
        ("MCKINSEY & COMPANY, INC.", "MCKINSEY & COMPANY, INC.", "mckinsey and company"),
        ("T.Q.M., INC.", "T.Q.M., INC.", "tqm"),
        (
            "EXECUTIVE INFORMATION SYSTEMS,",
            "EXECUTIVE INFORMATION SYSTEMS",
            "executive information systems",
        ),
        ("MICRO SYSTEMATION AB (PUBL)", "MICRO SYSTEMATION AB", "micro systemation"),
        (
            "G4S SECURE SOLUTIONS (USA) INC",
            "G4S SECURE SOLUTIONS (USA) INC",
            "g4s secure solutions usa",
        ),
        (
            "TERMINIX INTERNATIONAL COMPANY LIMITED PARTNERSHIP  THE",
            "THE TERMINIX INTERNATIONAL COMPANY LIMITED PARTNERSHIP",
            "terminix international",
        ),
        (
            "Grupo Aeroportuario del Sureste, S.A.B. de C.V.",
            "Grupo Aeroportuario del Sureste, S.A.B. de C.V.",
            "grupo aeroportuario del sureste",
        ),
        ("Société Générale S.A.", "Société Générale S.A.", "societe generale"),
    ],
)
def test_display_and_key(raw: str, display: str, key: str) -> None:
    name = normalize_name(raw)
    assert (name.display, name.key) == (display, key)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("PALANTIR USG, INC.", "PALANTIR USG INC."),
        ("ERNST & YOUNG LLP", "ERNST AND YOUNG LLP"),
        ("GEO GROUP, INC., THE", "THE GEO GROUP INCORPORATED"),
        ("MEDALCRAFT MINT, INC, THE", "MEDALCRAFT MINT INC., THE"),
        ("M V M, INC.", "MVM INCORPORATED"),
        ("DELL MARKETING L.P.", "DELL MARKETING LIMITED PARTNERSHIP"),
        ("KADIX SYSTEMS LIMITED LIABILITY COMPANY", "KADIX SYSTEMS, LLC"),
        ("IMPERIAL, COUNTY (INC)", "IMPERIAL COUNTY (INC)"),
        ("UNITED PARCEL SERVICE INCORPORATED (OH) (2075)", "United Parcel Service, Inc."),
        ("RITA'S TAPE MEDIA LLC", "Rita\u2019s Tape Media LLC"),
        ("GEO MED LIMITED LIABILITY COMPANY", "Geo-Med, LLC"),
        # a legal suffix cut short (USAspending's 30-character limit)
        ("SPECTRUM SECURITY SERVICES, IN", "SPECTRUM SECURITY SERVICES, INC."),
        ("KADIX SYSTEMS INCORPORAT", "KADIX SYSTEMS, INC."),
        ("ACME WIDGETS CORPORATI", "ACME WIDGETS CORP."),
        ("ACME WIDGETS LL", "ACME WIDGETS LLC"),
        # text after a legal form is a branch or place
        ("MCKINSEY & COMPANY, INC. WASHINGTON D.C.", "MCKINSEY & COMPANY INC."),
        ("ACME WIDGETS, LLC - DALLAS OFFICE", "ACME WIDGETS LLC"),
        # "PLACE KIND OF" without the comma
        ("SHERBURNE  COUNTY OF (INC)", "SHERBURNE, COUNTY OF (INC)"),
        ("NEW YORK, CITY OF", "THE NEW YORK CITY OF"),
        ("ST LAWRENCE COUNTY OF (0465)", "COUNTY OF ST LAWRENCE"),
        ("CLARK COUNTY", "COUNTY OF CLARK"),
        ("STATE OF NEW YORK", "NEW YORK STATE"),
        # HTML character references, as Treasury's 2016 legacy file writes names
        ("AT&amp;T MOBILITY LLC", "AT&T MOBILITY"),
        ("JOHNSON &amp; JOHNSON", "JOHNSON & JOHNSON"),
        ("O&#39;NEIL &amp; ASSOCIATES, INC.", "O'NEIL & ASSOCIATES INC"),
    ],
)
def test_same_key(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("INC RESEARCH LLC", "inc research"),  # a legal form first is a word of the name
        ("SMITH AND LLC PARTNERS", "smith and llc partners"),  # after "and" it is a name
        ("ACME COMP", "acme comp"),  # a word, not only a cut "COMPANY"
        ("ACME LIMIT", "acme limit"),
        ("PEOPLE OF THE STATE OF", "people of the state of"),  # "THE STATE OF": no place
        ("DEPARTMENT OF STATE", "department of state"),
        ("A&B;C WIDGETS", "a and bc widgets"),  # not a character reference
        ("M&amp WIDGETS", "m and amp widgets"),  # no semicolon: written as it is
    ],
)
def test_rules_leave_these_names_alone(raw: str, key: str) -> None:
    assert name_key(raw) == key


def test_different_organizations_keep_different_keys() -> None:
    assert name_key("WEST PUBLISHING CORPORATION") != name_key(
        "THOMSON REUTERS SPECIAL SERVICES LLC"
    )
    assert name_key("PALANTIR USG, INC.") != name_key("PALANTIR TECHNOLOGIES INC.")


def test_doing_business_as_splits_legal_and_trade_name() -> None:
    name = normalize_name("CELLCO PARTNERSHIP DBA VERIZON WIRELESS")
    assert (name.display, name.trade_name, name.key) == (
        "CELLCO PARTNERSHIP",
        "VERIZON WIRELESS",
        "cellco partnership",
    )
    assert normalize_name("Alclear Healthcare LLC (d/b/a CLEAR)").trade_name == "CLEAR"
    dotted = normalize_name("Cleartronic, Inc. dba. ReadyOp Communications, Inc.")
    assert (dotted.display, dotted.trade_name) == (
        "Cleartronic, Inc.",
        "ReadyOp Communications, Inc.",
    )
    spelled = normalize_name("Acme Holdings LLC doing business as Acme Cloud")
    assert (spelled.key, spelled.trade_name) == ("acme holdings", "Acme Cloud")


def test_dba_needs_text_on_both_sides() -> None:
    assert normalize_name("DBA SYSTEMS INC").trade_name is None
    assert name_key("DBA SYSTEMS INC") == "dba systems"


def test_reported_parent_is_split_out() -> None:
    subsidiary = normalize_name(
        "Power Settlements Consulting and Software, LLC (PSCS), a subsidiary of Yes Energy, LLC"
    )
    assert subsidiary.display == "Power Settlements Consulting and Software, LLC"
    assert (subsidiary.parent, subsidiary.parent_relation) == ("Yes Energy, LLC", "subsidiary")
    assert subsidiary.descriptors == ("PSCS",)
    wholly = normalize_name("Acme Federal, Inc., a wholly-owned subsidiary of Acme Corp.")
    assert (wholly.key, wholly.parent) == ("acme federal", "Acme Corp.")
    division = normalize_name("Acme Widgets, a division of Foo Corp.")
    assert (division.key, division.parent, division.parent_relation) == (
        "acme widgets",
        "Foo Corp.",
        "division",
    )
    company = normalize_name("Duo Security (A Cisco Company)")
    assert (company.key, company.parent, company.parent_relation) == (
        "duo security",
        "Cisco",
        "subsidiary",
    )


def test_bare_division_of_is_part_of_a_name() -> None:
    name = normalize_name("MARYLAND DIVISION OF CORRECTION")
    assert (name.parent, name.key) == (None, "maryland division of correction")


@pytest.mark.parametrize(
    ("raw", "key", "descriptors"),
    [
        ("COUNTY OF BENEWAH (0281) 1242281", "benewah county", ("(0281) 1242281",)),
        ("CITY OF TACOMA (1283) 1502158", "tacoma city", ("(1283) 1502158",)),
        ("SPOKANE SCHOOL DISTRICT #81", "spokane school district 81", ()),
        ("(12) 34", "12 34", ()),
    ],
)
def test_a_record_code_at_the_end_is_a_descriptor(
    raw: str, key: str, descriptors: tuple[str, ...]
) -> None:
    found = normalize_name(raw)
    assert (found.key, found.descriptors) == (key, descriptors)


def test_former_name_and_descriptors() -> None:
    smx = normalize_name("SMX (Formerly Smartronix)")
    assert (smx.key, smx.former_name) == ("smx", "Smartronix")
    ups = normalize_name("UNITED PARCEL SERVICE INCORPORATED (OH) (2075)")
    assert ups.descriptors == ("OH", "2075")
    accenture = normalize_name("Accenture Federal Services (In Remediation)")
    assert accenture.descriptors == ("In Remediation",)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("INC", "inc"),
        ("Company Inc", "company"),
        ("The", "the"),
        ("LIMITED LIABILITY COMPANY", "limited liability"),
        ("(AFFILIATE OF SATCOM DIRECT)", "affiliate of satcom direct"),
        ("Inc. (In Remediation)", "inc"),
    ],
)
def test_never_strips_the_whole_name(raw: str, key: str) -> None:
    assert name_key(raw) == key


_SUFFIX_WORDS = ["Inc", "INC.", "LLC", "L.L.C.", "Corp", "Corporation", "Co", "Company", "Ltd"]
_SUFFIX_WORDS += ["LP", "LLP", "PLC", "GmbH", "AG", "S.A.", "Limited", "the", "THE", "&", ","]
_WORDS = [*_SUFFIX_WORDS, "dba", "d/b/a", "a", "subsidiary", "of", "division", "formerly"]
_WORDS += ["(", ")", "Acme", "x", "Y", "z", "-", "'", ".", "and"]
names = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=3)), max_size=10).map(" ".join),
)
ascii_names = st.text(alphabet=string.printable)


@given(names)
def test_key_is_idempotent(raw: str) -> None:
    key = name_key(raw)
    assert name_key(key) == key


@given(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1))
def test_key_is_never_empty_for_alphanumeric_input(raw: str) -> None:
    assert name_key(raw)


@given(names.filter(lambda raw: any(ch.isalnum() for ch in raw)))
def test_key_is_never_empty_when_input_has_a_letter_or_digit(raw: str) -> None:
    assert name_key(raw)


@given(st.lists(st.sampled_from(_SUFFIX_WORDS[:-2]), min_size=1, max_size=6))
def test_suffix_stripping_never_removes_the_whole_name(words: list[str]) -> None:
    assert name_key(" ".join(words))


@given(st.lists(st.sampled_from([w for w in _SUFFIX_WORDS if w != "&"]), max_size=5))
def test_suffixes_after_a_name_leave_the_name(suffixes: list[str]) -> None:
    assert name_key(" ".join(["Acme Widgets", *suffixes])) == "acme widgets"


@given(ascii_names)
def test_key_ignores_case(raw: str) -> None:
    assert (
        name_key(raw) == name_key(raw.upper()) == name_key(raw.lower()) == name_key(raw.swapcase())
    )


@given(
    st.lists(st.text(alphabet=string.ascii_letters + string.digits + ".,&'()-", min_size=1)),
    st.lists(st.sampled_from([" ", "  ", "\t", "\n", " \u00a0 "]), min_size=1),
)
def test_key_ignores_whitespace_layout(words: list[str], gaps: list[str]) -> None:
    spaced = gaps[0] + "".join(w + gaps[i % len(gaps)] for i, w in enumerate(words))
    assert name_key(spaced) == name_key(" ".join(words))
