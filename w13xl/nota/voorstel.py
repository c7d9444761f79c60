"""The voorstel file: which options the note shows, in which order, and the decision asked.

Written once by the finance officer (TOML)::

    vraag = "Hoe eindigt W13 het meerjarenplan met een positieve autofinancieringsmarge?"
    beslissing = "De raad van bestuur beslist ..."

    [[opties]]
    doelzoeken = "bijdrage"      # the goal-seek answer: contribution +x% (or "vte")
    risico = "..."               # optional: the risk in plain Dutch

    [[opties]]
    scenario = "bijdrage-plus-5-2027"   # a scenario given on the command line (file stem)
    titel = "..."                        # optional: another title

    andere = ["pact-stopt-2028"]  # optional: scenarios shown only in the overview and the annex
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

GOALSEEK_LEVERS = {"bijdrage": "contribution", "vte": "fte"}
_TOP_KEYS = {"vraag", "beslissing", "opties", "andere", "titel"}
_OPTION_KEYS = {"scenario", "doelzoeken", "titel", "risico", "toelichting"}


@dataclass(frozen=True)
class OptionSpec:
    scenario: str | None = None
    lever: str | None = None  # "contribution" or "fte" (goal seek)
    title: str | None = None
    risk: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Voorstel:
    question: str | None
    decision: str | None
    options: tuple[OptionSpec, ...]
    others: tuple[str, ...] = ()
    title: str | None = None
    file: str | None = field(default=None, compare=False)


def _text(data: dict, key: str, file: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"'{key}' is geen tekst", file=file, key=where + key, expected="een niet-lege tekst")
    return " ".join(value.split())


def load_voorstel(path: str | Path) -> Voorstel:
    """Read and check a voorstel file (exit 2 on anything odd)."""
    file = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("het voorstelbestand bestaat niet", file=file, expected="een .toml-bestand") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"geen geldige TOML: {exc}", file=file) from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise InputError(f"onbekende sleutel '{unknown[0]}'", file=file, key=unknown[0],
                         expected=", ".join(sorted(_TOP_KEYS)))
    raw = data.get("opties", [])
    if not isinstance(raw, list) or not raw:
        raise InputError("geen opties", file=file, key="opties", expected="minstens één [[opties]]-tabel")
    options = []
    for i, item in enumerate(raw, start=1):
        where = f"opties[{i}]."
        if not isinstance(item, dict):
            raise InputError("een optie is geen tabel", file=file, key=f"opties[{i}]", expected="[[opties]]")
        bad = sorted(set(item) - _OPTION_KEYS)
        if bad:
            raise InputError(f"onbekende sleutel '{bad[0]}'", file=file, key=where + bad[0],
                             expected=", ".join(sorted(_OPTION_KEYS)))
        scenario, lever = _text(item, "scenario", file, where), _text(item, "doelzoeken", file, where)
        if (scenario is None) == (lever is None):
            raise InputError("een optie noemt ofwel een scenario ofwel een doelzoeker", file=file,
                             key=f"opties[{i}]", expected="scenario = \"NAAM\" of doelzoeken = \"bijdrage\"/\"vte\"")
        if lever is not None and lever not in GOALSEEK_LEVERS:
            raise InputError(f"onbekende doelzoeker '{lever}'", file=file, key=where + "doelzoeken",
                             expected=" of ".join(GOALSEEK_LEVERS))
        options.append(OptionSpec(scenario=scenario, lever=None if lever is None else GOALSEEK_LEVERS[lever],
                                  title=_text(item, "titel", file, where), risk=_text(item, "risico", file, where),
                                  note=_text(item, "toelichting", file, where)))
    others = data.get("andere", [])
    if not isinstance(others, list) or not all(isinstance(x, str) for x in others):
        raise InputError("'andere' is geen lijst van scenarionamen", file=file, key="andere",
                         expected='andere = ["pact-stopt-2028", ...]')
    return Voorstel(question=_text(data, "vraag", file, ""), decision=_text(data, "beslissing", file, ""),
                    options=tuple(options), others=tuple(others), title=_text(data, "titel", file, ""), file=file)
