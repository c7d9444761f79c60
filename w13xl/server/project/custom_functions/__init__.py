"""The custom functions xlwings Server serves: every W13 function (=W13.M2, =W13.RESERVE, ...).

xlwings Server imports this package (project folder w13xl/server/project, started by
``w13xl serve``) and registers every member with ``__xlfunc__``; the functions and their
namespace W13 live in w13xl.excel.functions, so a function added there is served too.

Each is served through an async adapter that computes in a bounded worker pool with a time
limit (w13xl.server.pool), so no computation holds up the server's other requests."""

import os as _os

from w13xl.excel import functions as _functions
from w13xl.server.pool import offload as _offload

__xlwings_func_namespace__ = "W13"

globals().update({name: _offload(obj) for name, obj in vars(_functions).items() if hasattr(obj, "__xlfunc__")})


if _os.environ.get("W13XL_BENCHMARK") == "1":  # benchmarks/server_load.py: the trivial function to compare with
    import xlwings as _xw

    @_xw.func(name="ECHO", category="W13")
    @_xw.arg("x", "raw")
    @_xw.ret("raw")
    def w13_echo(x):
        """Benchmark only: returns its argument."""
        return x

    w13_echo = _offload(w13_echo)
