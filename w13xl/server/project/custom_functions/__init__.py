"""The custom functions xlwings Server serves: the W13 functions (=W13.M2, =W13.RESERVE, ...).

xlwings Server imports this package (project folder w13xl/server/project, started by
``w13xl serve``); the functions and their namespace W13 live in w13xl.excel.functions."""

from w13xl.excel.functions import (  # noqa: F401
    w13_afm,
    w13_bbr,
    w13_doelzoeken,
    w13_indexeer,
    w13_kans,
    w13_loonkost,
    w13_m2,
    w13_normen,
    w13_reserve,
    w13_scenario,
)
