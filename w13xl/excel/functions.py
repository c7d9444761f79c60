"""The W13 custom functions for Excel (xlwings), one module for both kinds of add-in.

* Office.js (xlwings Server / xlwings Lite): ``=W13.M2(...)``, ``=W13.RESERVE(...)``, ...
  (module namespace ``W13``, Excel name from ``name=``);
* classic Windows add-in (``UDF Modules = w13xl.excel.functions``, Import Functions):
  ``=W13_M2(...)``, ``=W13_RESERVE(...)``, ... (the Python names; a bare ``M2`` would be a
  cell address).

The functions are thin adapters: argument values go unchanged ("raw") to
:mod:`w13xl.excel.core`, which caches on the values and never raises on bad input: a wrong
range gives a one-line ``#W13: ...`` message in the cell instead of a traceback.

Argument conventions (all functions): ``budget`` is the range of a budget sheet (table layout
with the header Actie/Categorie/Richting/years, or the budget package's pivot export starting
at ``Rijlabels``); ``parameters`` the 2-column range ``label | value`` (plus year columns) like
the sample's Parameters sheet; ``categorieen`` the category mapping (Actie | Richting |
Categorie [| years]) for a pivot without a category column. Empty cells and omitted optional
arguments take the defaults.
"""

from __future__ import annotations

import importlib.util
import sys

import xlwings as xw

from . import core

__xlwings_func_namespace__ = "W13"


def _skip_pyodide_probe() -> None:
    """Make xlwings' per-argument Pyodide probe cheap outside Pyodide.

    xlwings 0.37.8 runs ``from pyodide.ffi import JsNull`` for every argument of every custom
    function call (``js_to_none``). Outside xlwings Lite that import fails, and a failed import
    searches the whole ``sys.path`` again each time: about 0.1 ms per argument, more than all
    the work of a cached W13 call. ``sys.modules['pyodide'] = None`` is Python's documented
    way to record that a module is absent: the import then fails at once with the same
    ``ImportError``. Only done when Pyodide really is not importable."""
    if sys.platform != "emscripten" and "pyodide" not in sys.modules \
            and importlib.util.find_spec("pyodide") is None:
        sys.modules["pyodide"] = None  # type: ignore[assignment]


_skip_pyodide_probe()

_BUDGET_DOC = ("Bereik van het begrotingsblad: tabel met kop Actie/Categorie/Richting/jaren, "
               "of de draaitabel-export vanaf 'Rijlabels'.")
_PARAMETERS_DOC = ("Optioneel: bereik 'parameter | waarde' (met jaarkolommen), zoals het blad "
                   "Parameters (GBR vorig boekjaar, minimumreserve, leningen...).")
_CATEGORIES_DOC = ("Optioneel: bereik Actie | Richting | Categorie [| jaren] dat delen van een "
                   "draaitabel naar investeringen of financiering verplaatst.")


def _plan_args(func):
    """The three plan arguments shared by M2, RESERVE, AFM, BBR and NORMEN (raw values)."""
    func = xw.arg("budget", "raw", doc=_BUDGET_DOC)(func)
    func = xw.arg("parameters", "raw", doc=_PARAMETERS_DOC)(func)
    func = xw.arg("categorieen", "raw", doc=_CATEGORIES_DOC)(func)
    return xw.ret("raw")(func)


@xw.func(name="M2", category="W13")
@_plan_args
def w13_m2(budget, parameters=None, categorieen=None):
    """Schema M2 (staat van het financieel evenwicht): de BBC-lijnen in wettelijke volgorde met
    Nederlandse omschrijving, één kolom per jaar, met kopregel; daarna de AFM-lijnen en de
    minimumreserve."""
    return core.table("m2", budget, parameters, categorieen)


@xw.func(name="RESERVE", category="W13")
@_plan_args
def w13_reserve(budget, parameters=None, categorieen=None):
    """Gecumuleerd budgettair resultaat (reserve, lijn VII) per jaar: kopregel, dan jaar | bedrag."""
    return core.table("reserve", budget, parameters, categorieen)


@xw.func(name="AFM", category="W13")
@_plan_args
def w13_afm(budget, parameters=None, categorieen=None):
    """Autofinancieringsmarge per jaar: kopregel, dan jaar | bedrag."""
    return core.table("afm", budget, parameters, categorieen)


@xw.func(name="BBR", category="W13")
@_plan_args
def w13_bbr(budget, parameters=None, categorieen=None):
    """Beschikbaar budgettair resultaat (lijn IX) per jaar: kopregel, dan jaar | bedrag."""
    return core.table("bbr", budget, parameters, categorieen)


@xw.func(name="NORMEN", category="W13")
@_plan_args
def w13_normen(budget, parameters=None, categorieen=None):
    """De controles op schema M2 (BBR ≥ 0 elk jaar, AFM ≥ 0 in het laatste jaar, reserve ≥
    minimumreserve), elk met zijn soort (wettelijke norm, engagement of beleid, volgens de
    Soort bestuur op het blad Parameters) en bron: voldaan (WAAR/ONWAAR), eerste jaar en alle
    jaren waarin de controle niet gehaald wordt."""
    return core.table("normen", budget, parameters, categorieen)


@xw.func(name="INDEXEER", category="W13")
@xw.arg("bedrag", "raw", doc="Het bedrag in prijzen/lonen van van_jaar.")
@xw.arg("van_jaar", "raw", doc="Jaar waarin het bedrag geldt, bv. 2026.")
@xw.arg("naar_jaar", "raw", doc="Jaar waarnaar geïndexeerd wordt (vroeger jaar: terugrekenen).")
@xw.arg("klasse", "raw", doc="Optioneel: loon (standaard), prijzen, bijdrage, vast of volgt_loon.")
@xw.arg("pad", "raw", doc="Optioneel: % per jaar (bv. 3%), een bereik jaar | %, of een bereik met kop "
                          "Jaar | loon | prijzen | bijdrage. Standaard de 2% per jaar van het plan.")
def w13_indexeer(bedrag, van_jaar, naar_jaar, klasse=None, pad=None):
    """Indexeert een bedrag van van_jaar naar naar_jaar volgens een indexklasse (standaard de
    vlakke 2% per jaar van het meerjarenplan; vast = niet geïndexeerd)."""
    return core.indexeer(bedrag, van_jaar, naar_jaar, klasse, pad)


@xw.func(name="LOONKOST", category="W13")
@xw.arg("schaal", "raw", doc="Weddeschaal, bv. B1-B3 of A1a-A3a (illustratieve schalen van w13xl).")
@xw.arg("trap", "raw", doc="Geldelijke anciënniteit (trap) in dat jaar, geheel getal ≥ 0.")
@xw.arg("vte", "raw", doc="Tewerkstellingsbreuk in VTE, bv. 0,8 (leeg = 1).")
@xw.arg("jaar", "raw", doc="Begrotingsjaar; lonen geïndexeerd met 2% per jaar vanaf 2026.")
@xw.arg("maanden", "raw", doc="Optioneel: aantal maanden in dienst in dat jaar (standaard 12).")
def w13_loonkost(schaal, trap, vte, jaar, maanden=None):
    """Jaarlijkse werkgeverskost van een functie (bruto, vakantiegeld, eindejaarspremie,
    RSZ werkgever, 2de pijler) volgens de gebundelde illustratieve weddeschalen."""
    return core.loonkost(schaal, trap, vte, jaar, maanden)


@xw.func(name="SCENARIO", category="W13")
@xw.arg("budget", "raw", doc=_BUDGET_DOC)
@xw.arg("scenario", "raw", doc="Naam van een scenario op het blad Scenario's (geef dat bereik mee bij "
                               "'bereiken'), of het pad van een .toml-scenariobestand.")
@xw.arg("lijn", "raw", doc="M2 (of leeg) = heel schema M2; normen; of één lijn: I-IX, een omschrijving, "
                           "reserve, bbr, afm, gafm, minimumreserve.")
@xw.arg("bereiken", "raw", doc="Verdere bereiken, herkend aan hun kop: Parameters, Categorieën, Personeel, "
                               "Weddeschalen, Subsidies, Indexering, Scenario's.")
@xw.ret("raw")
def w13_scenario(budget, scenario, lijn, *bereiken):
    """Schema M2 (of één lijn, of de normen) van het plan onder een scenario: de wijzigingen van
    het blad Scenario's of van een scenariobestand toegepast op de begroting."""
    return core.scenario(budget, scenario, lijn, *bereiken)


# Uncertainty and targets (W13.KANS, W13.DOELZOEKEN) live in their own module; importing them
# here registers them with the same UDF module.
from .uncertainty import w13_doelzoeken, w13_kans  # noqa: E402, F401


@xw.func(name="SCHEMA", category="W13")
@xw.arg("budget", "raw", doc=_BUDGET_DOC)
@xw.arg("schema", "raw", doc="M3, T1, T2 of T3; M3 van een ander jaar dan het eerste: 'M3 2027'.")
@xw.arg("bereiken", "raw", doc="Verdere bereiken, herkend aan hun kop: Parameters, Categorieën, Economische aard "
                               "(Actie | Categorie | Richting | Rubriek | jaren), Beleidsvelden.")
@xw.ret("raw")
def w13_schema(budget, schema, *bereiken):
    """Wettelijk schema M3 (kredieten), T1 (functionele aard), T2 (economische aard) of T3
    (financiële schulden) van de begroting: kopregel Deel | Omschrijving | jaren, dan de lijnen."""
    from .schema import schema as _schema_table

    return _schema_table(budget, schema, *bereiken)
