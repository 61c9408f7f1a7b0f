"""Benchmark: the CPU each report notebook's import cell costs in a kernel, and what it loads.

    python bench/imports.py [--repeat 5] [--baseline-ref REF] [--packages]

For every notebook of ``notebooks/``, a fresh interpreter first imports what a kernel has
already loaded when its first cell runs (``ipykernel.kernelapp``, ``IPython``), then runs the
notebook's first cell of imports; the CPU seconds of that cell (median of ``--repeat`` runs) and
the heavy packages it loaded are printed. ``--baseline-ref REF`` does the same with the code of a
git ref (unpacked with ``git archive``) and prints the ratios. ``--packages`` also prints what each
heavy package adds when imported after the ones before it (the stack every report stands on).
``python -X importtime`` of one cell, for the detail: ``bench/imports.py --importtime NOTEBOOK``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from batch import ROOT, unpack_ref

#: Third-party packages worth knowing about, in the order the stack stands on them.
HEAVY = ("numpy", "pyarrow", "pandas", "pydantic", "typeguard", "pandera", "shapely", "pyproj",
         "geopandas", "pyogrio", "duckdb", "jinja2", "requests", "branca", "folium", "openpyxl",
         "matplotlib", "ipywidgets", "scipy", "dask", "distributed", "polars")
KERNEL_PRELOAD = "import ipykernel.kernelapp, ipykernel.ipkernel, IPython.display"
MEASURE = """
import json, sys, time
{preload}
before = set(sys.modules)
started = time.process_time()
exec(compile(open({cell!r}, encoding="utf-8").read(), "imports", "exec"), {{}})
cpu = time.process_time() - started
print(json.dumps({{"cpu": cpu, "loaded": sorted({{m.split(".")[0] for m in set(sys.modules) - before}})}}))
"""


def import_cells(tree: Path, scratch: Path) -> dict[str, Path]:
    """The first cell of imports of each notebook of ``tree``, written to a file of ``scratch``."""
    import nbformat

    cells = {}
    for path in sorted((tree / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
            imports = lines and all(ln.startswith(("import ", "from ")) for ln in lines)
            if cell.cell_type == "code" and imports:
                cells[path.stem] = scratch / f"{tree.name}-{path.stem}.py"
                cells[path.stem].write_text(cell.source, encoding="utf-8")
                break
    return cells


def measure(tree: Path, code: str, repeat: int) -> dict:
    """Median CPU seconds and the packages loaded by ``code`` (a MEASURE script) run ``repeat`` times."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree)
        if done.returncode != 0:
            sys.exit(done.stderr[-2000:])
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {"cpu": statistics.median(r["cpu"] for r in runs), "loaded": runs[-1]["loaded"]}


def measure_cells(tree: Path, scratch: Path, repeat: int) -> dict[str, dict]:
    """Per notebook of ``tree``: the CPU of its import cell and the heavy packages it loads."""
    return {name: measure(tree, MEASURE.format(preload=KERNEL_PRELOAD, cell=str(cell)), repeat)
            for name, cell in import_cells(tree, scratch).items()}


def measure_packages(scratch: Path, repeat: int) -> None:
    """Print what each heavy package adds, imported after the ones before it in :data:`HEAVY`."""
    print("\nwhat each package adds in a kernel, after those above it (median CPU s):")
    loaded: list[str] = []
    for package in HEAVY:
        cell = scratch / f"package-{package}.py"
        cell.write_text(f"import {package}\n", encoding="utf-8")
        preload = "\n".join([KERNEL_PRELOAD, *(f"import {p}" for p in loaded)])
        try:
            cost = measure(ROOT, MEASURE.format(preload=preload, cell=str(cell)), repeat)["cpu"]
        except SystemExit:
            print(f"  {package:12s}   (not installed)")
            continue
        loaded.append(package)
        print(f"  {package:12s} {cost:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-ref", metavar="REF")
    parser.add_argument("--packages", action="store_true")
    parser.add_argument("--importtime", metavar="NOTEBOOK", help="print -X importtime of its import cell")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as scratch:
        scratch = Path(scratch)
        if args.importtime:
            cell = import_cells(ROOT, scratch)[args.importtime]
            subprocess.run([sys.executable, "-X", "importtime", "-c", f"{KERNEL_PRELOAD}\nimport sys\n"
                            f"print('--- the cell', file=sys.stderr)\nexec(open({str(cell)!r}).read())"],
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
            return
        trees = {"today": ROOT}
        if args.baseline_ref:
            trees = {"baseline": unpack_ref(args.baseline_ref, scratch / "baseline"), **trees}
        found = {name: measure_cells(tree, scratch, args.repeat) for name, tree in trees.items()}
        print(f"import cell of each notebook in a kernel: median CPU s of {args.repeat} runs; "
              "heavy packages loaded")
        for notebook in found["today"]:
            now = found["today"][notebook]
            line = f"  {notebook:18s} {now['cpu']:6.2f}"
            if "baseline" in found and notebook in found["baseline"]:
                before = found["baseline"][notebook]
                gone = sorted(set(before["loaded"]) - set(now["loaded"]))
                ratio = before["cpu"] / now["cpu"]
                line = (f"  {notebook:18s} {before['cpu']:6.2f} → {now['cpu']:5.2f} ×{ratio:.2f}"
                        + (f"  no longer: {' '.join(p for p in gone if p in HEAVY)}" if gone else ""))
            print(line + "  [" + " ".join(p for p in HEAVY if p in now["loaded"]) + "]")
        if args.packages:
            measure_packages(scratch, args.repeat)


if __name__ == "__main__":
    main()
