"""Before/after benchmark: two installs of `papers` timed interleaved in one run, as ratios.

A change's cost on start-up is only visible when the old and the new code run side by side on
the same machine at the same moment: this machine is shared, and a figure from another hour can
be off by tens of percent. Give two Python interpreters, each with a version of papers installed
(for example two virtual environments made with `pip install .` from two checkouts); every
command runs under both, interleaved with the floor of bench/startup.py, on copies of the same
catalogues.

Each command is also timed in CPU seconds (user + system, of the process and what it ran): on a
loaded machine a process waits for a core, and that wait is in its wall time but not in its CPU
time, so the CPU ratios move far less from run to run. Both are medians, as ratios.

Usage: python bench/compare.py OLD_PYTHON NEW_PYTHON [--runs 11] [--items 10000]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
from pathlib import Path

from catalogue_gen import generate_catalogue
from startup import FLOOR_APP
from timing import run_once

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "tests" / "fixtures" / "catalogue" / "papers.yaml"  # frozen: figures stay comparable


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("old", help="a Python with the old papers installed")
    parser.add_argument("new", help="a Python with the new papers installed")
    parser.add_argument("--runs", type=int, default=11, help="interleaved runs per command (>= 5)")
    parser.add_argument("--items", type=int, default=10_000, help="size of the generated catalogue")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor_app = tmp / "floor_app.py"
        floor_app.write_text(FLOOR_APP)
        big = tmp / "big.yaml"
        keys = generate_catalogue(big, args.items)
        key = keys[len(keys) // 2 + 1]
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("FORCE_COLOR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: bytecode is cached
        jobs: dict[str, tuple[list[str], dict[str, str]]] = {
            "floor": ([args.old, str(floor_app), "list", "--todo"], env)
        }
        for side, python in (("old", args.old), ("new", args.new)):
            side_env = {**env, "PAPERS_CACHE_DIR": str(tmp / f"cache-{side}")}
            shipped, many = tmp / f"shipped-{side}.yaml", tmp / f"big-{side}.yaml"
            shutil.copyfile(SHIPPED, shipped)
            shutil.copyfile(big, many)
            for label, argv in (
                ("shipped: list --todo", ["--file", str(shipped), "list", "--todo"]),
                ("shipped: done flashattention", ["--file", str(shipped), "done", "flashattention"]),
                ("shipped: undo flashattention", ["--file", str(shipped), "undo", "flashattention"]),
                (f"{args.items}: list --todo", ["--file", str(many), "list", "--todo"]),
                (f"{args.items}: done {key}", ["--file", str(many), "done", key]),
                (f"{args.items}: undo {key}", ["--file", str(many), "undo", key]),
            ):
                jobs[f"{side} {label}"] = ([python, "-m", "papers", *argv], side_env)
        rss_file = tmp / "rss"
        for argv, job_env in jobs.values():  # warm-up: parse caches filled, bytecode compiled
            run_once(argv, job_env, rss_file)
        times: dict[str, list[float]] = {name: [] for name in jobs}
        cpu: dict[str, list[float]] = {name: [] for name in jobs}
        for _ in range(max(args.runs, 5)):
            for name, (argv, job_env) in jobs.items():
                before = _children_cpu()
                times[name].append(run_once(argv, job_env, rss_file)[0])
                cpu[name].append(_children_cpu() - before)
        med = {name: statistics.median(values) for name, values in times.items()}
        med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
        print(f"{'':40} {'wall time':^36}  {'CPU time':^36}".rstrip())
        print(f"{'command':40}" + f" {'old x floor':>12} {'new x floor':>12} {'new / old':>10}" * 2)
        for name in jobs:
            if not name.startswith("old "):
                continue
            label = name[4:]
            row = f"{label:40}"
            for m in (med, med_cpu):
                old, new = m[name], m[f"new {label}"]
                row += f" {old / m['floor']:12.2f} {new / m['floor']:12.2f} {new / old:10.3f}"
            print(row)
        print(f"\nmedians of {max(args.runs, 5)} interleaved runs; warm parse caches")


def _children_cpu() -> float:
    """User + system seconds of every child process waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


if __name__ == "__main__":
    main()
