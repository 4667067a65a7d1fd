"""First-run benchmark for `papers`: the first command of a fresh clone, against PyYAML's C loader.

A fresh clone has no parse cache, so its first `papers list --todo` parses the whole file. Issue 13
allows that first parse "at most what PyYAML's C loader needs for the file": the reference here is
a child process that imports yaml and loads the same file with `yaml.CSafeLoader` (and prints
nothing), measured interleaved with `papers` in the same run, so the machine's noise hits both.

Before each timed `papers` run its parse cache folder is removed (not timed), as on a fresh clone.
The floor (the minimal typer app of bench/startup.py) is measured too, for scale.

Usage: python bench/firstrun.py [--runs 7] [--sizes 10000,50000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from catalogue_gen import generate_catalogue
from startup import FLOOR_APP, REPO
from timing import run_once

C_LOADER = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="interleaved runs per command (>= 5)")
    parser.add_argument("--sizes", default="10000,50000", help="comma-separated generated catalogue sizes")
    args = parser.parse_args()
    runs = max(args.runs, 5)

    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor_app = tmp / "floor_app.py"
        floor_app.write_text(FLOOR_APP)
        cache = tmp / "cache"
        env = {**os.environ, "PAPERS_CACHE_DIR": str(cache), "NO_COLOR": "1"}
        env.pop("FORCE_COLOR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: bytecode is cached

        shipped = tmp / "shipped.yaml"
        shutil.copyfile(REPO / "papers.yaml", shipped)
        files = [("shipped", shipped)]
        for n in (int(s) for s in args.sizes.split(",") if s):
            path = tmp / f"big-{n}.yaml"
            generate_catalogue(path, n)
            files.append((str(n), path))

        # (name, argv, whether its parse cache is removed first)
        cases: list[tuple[str, list[str], bool]] = [
            ("floor (typer app)", [python, str(floor_app), "list", "--todo"], False)
        ]
        for label, path in files:
            cases.append(
                (f"{label}: C loader (yaml.CSafeLoader)", [python, "-c", C_LOADER, str(path)], False)
            )
            papers = [python, "-m", "papers", "--file", str(path), "list", "--todo"]
            cases.append((f"{label}: first list --todo (no cache)", papers, True))

        times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        peaks: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        rss_file = tmp / "rss"
        for run in range(-1, runs):  # run -1 warms the bytecode caches and is not counted
            for name, argv, cold in cases:
                if cold:
                    shutil.rmtree(cache, ignore_errors=True)
                elapsed, peak = run_once(argv, env, rss_file)
                if run >= 0:
                    times[name].append(elapsed)
                    if peak is not None:
                        peaks[name].append(peak)

        floor = statistics.median(times[cases[0][0]])
        print(f"{'command':44} {'x floor':>8} {'x C loader':>11} {'max RSS MiB':>12}")
        reference = floor
        for name, _, _ in cases:
            median = statistics.median(times[name])
            if "C loader" in name:
                reference = median
            peak = f"{max(peaks[name]):12.1f}" if peaks[name] else f"{'n/a':>12}"
            against = f"{median / reference:11.2f}" if name != cases[0][0] else f"{'':>11}"
            print(f"{name:44} {median / floor:8.2f} {against} {peak}")
        print(f"\nmedians of {runs} interleaved runs; the parse cache removed before each papers run")


if __name__ == "__main__":
    main()
