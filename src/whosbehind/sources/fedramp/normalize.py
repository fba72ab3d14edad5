"""Normalizers for values that vary between snapshots and formats.

Each returns the normalized value; callers keep the original beside it.
"""

from __future__ import annotations

import ast
import re

_TRAILING = re.compile(r"[\s.,;:]+$")
_NEGATED = re.compile(r"\b(not|non|un)[\s-]?authori[sz]ed")
_JAB = re.compile(r"\bJAB\b|joint authorization board", re.IGNORECASE)


def text(value: object) -> str:
    """Collapse runs of whitespace, strip the ends; non-strings become ``""``."""
    if value is None:
        return ""
    # str.split() splits on exactly what ``\s`` matches (both: ``str.isspace``), and faster
    return " ".join(str(value).split())


def optional_text(value: object) -> str | None:
    cleaned = text(value)
    if cleaned.casefold() in {"", "n/a", "none", "not active", "not in process", "no frr date"}:
        return None
    return cleaned


def name_key(value: object) -> str:
    """Case- and whitespace-insensitive key of a name: ``"Amazon Web Services "`` and
    ``"amazon  web services"`` get one key. Legal-suffix folding is entity resolution's job."""
    return _TRAILING.sub("", text(value).casefold())


def impact_level(value: object) -> str | None:
    """``Li-SaaS``/``LI-SaaS`` -> ``li-saas``; ``Moderate (High In Process)`` -> ``moderate``;
    FedRAMP 20x levels (``20x Low``) -> their level. Unknown spellings -> None."""
    folded = text(value).casefold()
    folded = folded.removeprefix("20x").strip()
    if folded.startswith(("li-saas", "li saas", "lisaas", "low impact saas", "low-impact saas")):
        return "li-saas"
    for level in ("moderate", "high", "low"):
        if folded.startswith(level):
            return level
    return None


def status(value: object) -> str:
    """One vocabulary for the status names of every format and of the status changelog."""
    folded = text(value).casefold()
    if folded in {"compliant", "authorized", "fedramp authorized"}:
        return "authorized"
    if _NEGATED.search(folded):
        return "other"
    if "no status" in folded or "delisted" in folded or "not found" in folded:
        return "delisted"
    if "ready" in folded or folded == "frr":
        return "ready"
    if "process" in folded or "review" in folded:
        return "in_process"
    if "authorized" in folded:
        return "authorized"
    return "other"


def auth_path(value: object) -> str | None:
    """``jab``, ``agency``, ``program``, ``20x`` or ``csp-supplied``; None for anything else
    (spreadsheet junk such as ``#REF!`` and ``TBD`` occurs in the feeds)."""
    folded = text(value).casefold()
    if _JAB.search(folded):
        return "jab"
    for name in ("agency", "program", "20x"):
        if name in folded:
            return name
    if folded.startswith("csp"):
        return "csp-supplied"
    return None


def agency(value: object) -> str:
    """Agency names; every spelling of the Joint Authorization Board becomes one name."""
    cleaned = text(value)
    if _JAB.search(cleaned):
        return "Joint Authorization Board"
    return cleaned


def string_list(value: object) -> list[str]:
    """A list that some snapshots publish as its Python repr (``"['PaaS']"``)."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = ast.literal_eval(stripped)
            except (ValueError, SyntaxError):
                return [text(stripped)]
        else:
            return [text(stripped)] if stripped else []
    if isinstance(value, list):
        return [text(item) for item in value if text(item)]
    return []


def object_list(value: object) -> list[dict[str, object]]:
    """A list of objects that some snapshots publish as its Python repr."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            return []
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []
