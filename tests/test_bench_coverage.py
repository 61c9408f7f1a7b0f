"""bench/coverage.py: its arguments, its comparison of figures, and a smoke run on the embedded sample.

No timing is asserted: the benchmark prints its measurements, it does not judge them in tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_coverage", REPO / "bench" / "coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def test_rows_are_read_with_k_and_m_suffixes():
    assert bench.parse_rows("10M,30M") == [10_000_000, 30_000_000]
    assert bench.parse_rows("100m, 2.5M,700k,12") == [100_000_000, 2_500_000, 700_000, 12]
    for bad in ("", "10G", "ten", "0"):
        with pytest.raises(argparse.ArgumentTypeError):
            bench.parse_rows(bad)


def test_rows_choose_copies_of_the_city_pack():
    assert [bench.copies_for(r) for r in (1_000, 10_000_000, 30_000_000, 100_000_000)] == [1, 1, 3, 10]
    assert bench.pack_dir(1).name == "city" and bench.pack_dir(3).name == "city-x3"
    assert bench.pack_dir(1).parent == REPO / "bench" / "out"


def test_defaults_and_options():
    args = bench.build_parser().parse_args([])
    assert args.rows == [10_000_000, 30_000_000]
    assert (args.repeat, args.pack, args.skip_generate) == (3, None, False)
    args = bench.build_parser().parse_args(["--rows", "100M", "--repeat", "1", "--skip-generate",
                                            "--pack", "p"])
    assert (args.rows, args.repeat, args.pack, args.skip_generate) == ([100_000_000], 1, Path("p"), True)


def test_the_order_of_methods_rotates_from_one_repeat_to_the_next():
    assert bench.rotated(("a", "b", "c"), 3) == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def run(method, rows, start="2022-10-08 07:00:00", end="2022-10-08 22:00:00"):
    return {"method": method, "figures": {"start": start, "end": end, "rows": rows}}


def test_figures_must_be_equal_community_by_community():
    rows = [["C1", 3, 10], ["C2", 0, 5]]
    assert bench.compare_figures([run("workbench", rows), run("duckdb", [r[:] for r in rows])]) == []
    problems = bench.compare_figures([run("workbench", rows), run("pandas", [["C1", 3, 10], ["C2", 1, 5]]),
                                      run("polars", [["C1", 3, 10]]),
                                      run("duckdb", rows, end="2022-10-08 23:00:00")])
    assert problems == [
        "pandas and workbench differ in 1 communities (tested, population): C2: [1, 5] vs [0, 5]",
        "polars and workbench differ in 1 communities (tested, population): C2: None vs [0, 5]",
        "duckdb took round [2022-10-08 07:00:00 .. 2022-10-08 23:00:00], "
        "workbench [2022-10-08 07:00:00 .. 2022-10-08 22:00:00]",
    ]


def test_the_round_is_the_notebooks_default_one():
    chosen = bench.default_round(REPO / "data" / "sample")
    assert chosen == {"round_id": "R3", "start": "2022-10-08 07:00:00", "end": "2022-10-08 22:00:00"}


@pytest.mark.slow
def test_smoke_run_on_the_sample_pack_gives_equal_figures(tmp_path):
    out = tmp_path / "coverage.json"
    methods = ["workbench", "workbench-remembered", "pandas", "duckdb", "duckdb-checked"]
    if importlib.util.find_spec("polars") is not None:  # the bench extra; make install leaves it out
        methods.append("polars")
    command = [sys.executable, str(REPO / "bench" / "coverage.py"), "--pack", str(REPO / "data" / "sample"),
               "--repeat", "1", "--json", str(out), "--methods", ",".join(methods)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    n = len(methods)
    assert f"figures: equal across {n} runs of {n} methods" in done.stdout
    assert "÷ duckdb" in done.stdout and "CPU ≤ 1.2×" in done.stdout
    (summary,) = json.loads(out.read_text(encoding="utf-8"))
    assert summary["rows"] == 734_672 and summary["communities"] == 80
    assert summary["tested"] == 242_677  # the district figure of R3 in the embedded sample
    assert set(summary["medians"]) == set(methods)
    assert all(m["cpu_s"] > 0 and m["peak_gb"] > 0 for m in summary["medians"].values())
