"""Plain Dutch for the board: identifiers turned into names (a glossary) and the kind of each
norm. Pure. (``tests/test_nota.py`` checks that no code word is left in the printed text.)"""

from __future__ import annotations

import re
from collections.abc import Mapping

# -- norm kinds ------------------------------------------------------------------------------
# One place for which check is law and which is W13's own (domain notes, corrected 2026-12-07).
# The plan's financial-committee passage ("Op 3 december 2025 kwam de financiële commissie samen
# ..."): a negative AFM at the end of the plan "is toegelaten voor een OCMW-vereniging in het
# algemeen"; W13 "neemt het engagement om te eindigen met een positieve autofinancieringsmarge in
# 2031". The minimum reserve is W13's policy: "de huidige reserve aan te houden, met het absolute
# minimum van het sociaal passief". If the core (w13xl.m2.NormCheck) carries a ``kind``, it wins.
NORM_KIND = {
    "bbr_nonnegative": "wettelijk",
    "afm_last_year_nonnegative": "engagement",
    "reserve_above_minimum": "beleid",
}
#: Kind names the core may use, mapped to the note's words.
_KIND_ALIASES = {"statutory": "wettelijk", "legal": "wettelijk", "wettelijk": "wettelijk",
                 "engagement": "engagement", "commitment": "engagement",
                 "policy": "beleid", "beleid": "beleid"}
KIND_LABEL = {
    "wettelijk": "Wettelijke norm",
    "engagement": "Engagement van W13",
    "beleid": "Beleid van W13",
}
KIND_SOURCE = {
    "wettelijk": "de BBC-regels voor het financieel evenwicht: het beschikbaar budgettair resultaat is in "
                 "elk jaar minstens 0.",
    "engagement": "geen wettelijke norm voor een OCMW-vereniging: het plan zegt dat een negatieve "
                  "autofinancieringsmarge op het einde van het plan \"toegelaten [is] voor een "
                  "OCMW-vereniging in het algemeen\"; W13 \"neemt het engagement om te eindigen met een "
                  "positieve autofinancieringsmarge in 2031\" (financiële commissie van 3 december 2025).",
    "beleid": "W13 besliste \"de huidige reserve aan te houden, met het absolute minimum van het sociaal "
              "passief\" (211.211,09 euro in het plan).",
}
NORM_ORDER = ("bbr_nonnegative", "afm_last_year_nonnegative", "reserve_above_minimum")


def norm_kind(key: str, check: object | None = None) -> str:
    """'wettelijk', 'engagement' or 'beleid' for a norm key (the core's ``kind`` if it has one)."""
    kind = getattr(check, "kind", None)
    if isinstance(kind, str) and kind.lower() in _KIND_ALIASES:
        return _KIND_ALIASES[kind.lower()]
    return NORM_KIND[key]


def norm_title(key: str, last_year: int, check: object | None = None) -> str:
    """Column title, e.g. 'Engagement van W13: AFM ≥ 0 in 2031'."""
    what = {"bbr_nonnegative": "beschikbaar resultaat ≥ 0 in elk jaar",
            "afm_last_year_nonnegative": f"autofinancieringsmarge ≥ 0 in {last_year}",
            "reserve_above_minimum": "reserve ≥ minimumreserve"}[key]
    return f"{KIND_LABEL[norm_kind(key, check)]}: {what}"


# -- glossary ----------------------------------------------------------------------------------
#: Fixed words of the engine and the scenario files, in plain Dutch.
WORDS = {
    "keep_staff": "het personeel blijft (W13 betaalt)",
    "keep_project": "het project loopt door (W13 betaalt)",
    "volgt_loon": "volgt de lonen",
    "doorgestort": "doorgestort aan partners",
    "basiswerking": "basiswerking",
    "VTE": "VTE",
}


def glossary(baseline) -> dict[str, str]:
    """Identifier -> name: subsidies (SUB-...), positions (P01 ...) and actions (A10101 ...)."""
    names: dict[str, str] = {}
    for sid, sub in getattr(baseline, "subsidies", {}).items():
        names[sid] = sub.name
    for p in getattr(baseline, "positions", ()):
        names[p.id] = p.function
    for code, action in getattr(baseline.plan, "actions", {}).items():
        names[code] = action.name
    return names


_PAREN_CODE = re.compile(r"\s*\((?:actie\s+)?(A\d{4,5}|SUB-[A-Z0-9-]+|P\d{2,3})\)")
_CODE = re.compile(r"\b(A\d{4,5}|SUB-[A-Z0-9-]+|P\d{2,3})\b")


def plain(text: str, names: Mapping[str, str]) -> str:
    """``text`` without identifiers: '(A10303)' after a name is dropped, a code alone becomes its
    name, engine words become Dutch."""
    def paren(m: re.Match) -> str:
        return ""

    def alone(m: re.Match) -> str:
        return names.get(m.group(1), m.group(1))

    out = _PAREN_CODE.sub(paren, text)
    out = _CODE.sub(alone, out)
    for word, dutch in WORDS.items():
        out = re.sub(rf"\b{re.escape(word)}\b", dutch, out)
    return out

