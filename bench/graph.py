"""`papers next` and `papers graph` on a large catalogue: medians of interleaved runs, as ratios to the floor.

A generated catalogue of N papers (default 10,000), each with an arXiv id, and a Semantic Scholar
cache in which every paper cites 20 earlier ones: the citation graph the issue sizes the target by
(issue 11: warm `next` and `graph` at most 2x the floor). The floor is bench/startup.py's minimal
typer app. Warm: one run first fills the parse cache and the references index.

Usage: python bench/graph.py [--runs 9] [--items 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

from startup import FLOOR_APP
from timing import run_once


def generate(path: Path, cache: Path, n_items: int, refs: int = 20) -> None:
    lines = ["title: Graph benchmark", "sections:"]
    ids = [f"{2001 + n // 90000}.{n % 90000 + 1:05d}" for n in range(n_items)]
    per_section = n_items // 20
    for n, arxiv_id in enumerate(ids):
        if n % per_section == 0:
            lines += [f"  - name: Section {n // per_section}", "    items:"]
        status = "done" if n % 7 == 0 else "todo"
        lines += [
            f"      - key: p{n}",
            f"        title: Paper {n}",
            f'        arxiv: "{arxiv_id}"',
            f"        status: {status}",
        ]
    path.write_text("\n".join(lines) + "\n")
    folder = cache / "s2"
    folder.mkdir(parents=True)
    rng = random.Random(11)
    for n, arxiv_id in enumerate(ids):
        cited = [ids[rng.randrange(n)] for _ in range(refs)] if n else []
        record = {
            "source": "s2", "asked": f"ARXIV:{arxiv_id}", "paper_id": f"{n:040x}", "title": f"Paper {n}",
            "authors": ["A. Author"], "year": 2020, "venue": "", "arxiv_id": arxiv_id,
            "references": [f"arxiv:{c}" for c in cited],
        }  # fmt: skip
        (folder / f"arxiv-{arxiv_id}.json").write_text(json.dumps(record))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor = tmp / "floor_app.py"
        floor.write_text(FLOOR_APP)
        catalogue = tmp / "big.yaml"
        generate(catalogue, tmp / "cache", args.items)
        env = {**os.environ, "PAPERS_CACHE_DIR": str(tmp / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("FORCE_COLOR", None)
        papers = [python, "-m", "papers", "--file", str(catalogue)]
        commands = {
            "floor (typer app)": [python, str(floor), "list", "--todo"],
            f"{args.items}: list --todo": [*papers, "list", "--todo"],
            f"{args.items}: next": [*papers, "next"],
            f"{args.items}: next --json -n 50": [*papers, "next", "--json", "-n", "50"],
            f"{args.items}: graph p{args.items - 50}": [*papers, "graph", f"p{args.items - 50}"],
            f"{args.items}: graph p{args.items - 50} --format dot": [
                *papers,
                "graph",
                f"p{args.items - 50}",
                "--format",
                "dot",
            ],
            # everything builds on p0: 10,000 nodes and 200,000 edges of output (bound by its size)
            f"{args.items}: graph p0 --format json": [*papers, "graph", "p0", "--format", "json"],
        }
        rss = tmp / "rss"
        for argv in commands.values():  # warm: parse cache and references index
            run_once(argv, env, rss)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(max(args.runs, 5)):
            for name, argv in commands.items():
                times[name].append(run_once(argv, env, rss)[0])
        med = {name: statistics.median(values) for name, values in times.items()}
        floor_t = med["floor (typer app)"]
        print(f"{'command':40} {'median ms':>10} {'x floor':>8}")
        for name in commands:
            print(f"{name:40} {med[name] * 1000:10.1f} {med[name] / floor_t:8.2f}")
        for name in (f"{args.items}: next", f"{args.items}: graph p{args.items - 50}"):
            ratio = med[name] / floor_t
            print(f"{'ok  ' if ratio <= 2 else 'MISS'} {name} <= 2x floor: {ratio:.2f}")


if __name__ == "__main__":
    main()
