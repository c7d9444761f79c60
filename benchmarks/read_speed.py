"""How fast is reading a workbook? w13xl's reader (python-calamine for values, zipfile for defined
names, error cells and formula cells without a result) against bare python-calamine and the former
openpyxl reader, on the sample and on a generated plan of 4,500 budget lines.

Run: ``uv run python benchmarks/read_speed.py [LINES [REPEAT]]`` (default 4,500 lines, 5 repeats). Prints milliseconds per read (best of several
repeats) and the ratio to bare python-calamine (target of issue #14: within 2x).
"""

from __future__ import annotations

import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w13xl.workbook import load_plan, open_workbook, read_grids  # noqa: E402

SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"


def big_plan(path: Path, lines: int = 4_500) -> Path:
    """The sample with its Synthese table repeated under new action codes to ``lines`` rows."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["Synthese"]
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True) if r[2]]
    n = 0
    while ws.max_row - 1 < lines:
        for r in rows:
            if ws.max_row - 1 >= lines:
                break
            code = f"A9{n // 2:04d}"
            ws.append([r[0], r[1], code, f"{r[3]} kopie", r[4], "O" if n % 2 == 0 else "U",
                       *(r[6:] if n % 2 == 0 else [-abs(v or 0) for v in r[6:]])])
            n += 1
    wb.save(path)
    return path


def bare_calamine(path: Path) -> None:
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def read_grids_openpyxl(path: Path) -> tuple[dict, dict]:
    """The former reader (openpyxl, values only), for the comparison."""
    wb = open_workbook(path)
    try:
        grids = {ws.title: [list(row) for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
                 for ws in wb.worksheets}
        named: dict[str, object] = {}
        for name, defn in wb.defined_names.items():
            try:
                dests = list(defn.destinations)
            except Exception:
                continue
            if len(dests) == 1 and dests[0][0] in wb.sheetnames and ":" not in dests[0][1]:
                named[name] = wb[dests[0][0]][dests[0][1].replace("$", "")].value
        return grids, named
    finally:
        wb.close()


REPEAT = 5


def best_ms(stmt, number: int = 3, repeat: int | None = None) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=repeat or REPEAT)) / number * 1e3


def measure(lines: int = 4_500) -> list[dict]:
    """Per workbook (the sample, a generated plan of ``lines`` lines): milliseconds per read."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        big = big_plan(Path(tmp) / f"plan-{lines}.xlsx", lines)
        for label, path, number in (("sample (10 sheets)", SAMPLE, 10),
                                    (f"{lines:,}-line plan ({big.stat().st_size // 1024} KiB)", big, 2)):
            bare = best_ms(lambda: bare_calamine(path), number)
            ours = best_ms(lambda: read_grids(path), number)
            old = best_ms(lambda: read_grids_openpyxl(path), 1, min(3, REPEAT))
            plan = best_ms(lambda: load_plan(path), number)
            rows.append({"label": label, "calamine": bare, "w13xl": ours, "openpyxl": old, "load_plan": plan})
        rows.append({"lines_read": load_plan(big).plan.amounts.shape[0]})
    return rows


def main(lines: int = 4_500) -> int:
    rows = measure(lines)
    print(f"{'workbook':<34}{'calamine':>10}{'w13xl':>10}{'ratio':>8}{'openpyxl':>10}{'load_plan':>11}")
    for r in rows[:-1]:
        print(f"{r['label']:<34}{r['calamine']:>8.1f}ms{r['w13xl']:>8.1f}ms{r['w13xl'] / r['calamine']:>7.2f}x"
              f"{r['openpyxl']:>8.1f}ms{r['load_plan']:>9.1f}ms")
    print(f"(the big plan reads as {rows[-1]['lines_read']} budget lines; 'load_plan' = read + parse the plan)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2:
        REPEAT = int(sys.argv[2])
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 4_500))
