"""Start-up benchmark for `papers`: medians of interleaved runs, as ratios against references
measured in the same run (this machine is shared and noisy; absolute times mean little).

References:
  - `python -c pass`
  - the floor: a minimal typer app of our shape (two commands, a --todo option, importing typer,
    rich.console, rich.table and yaml), what any CLI on this stack pays before doing work.

Measured: `papers list --todo`, `papers done X` + `papers undo X`, `papers edit X` (with an editor
that changes nothing, `true`, and with one that changes the status, `sed -i`, there and back),
`papers mv X` to another section and back, `papers rename X Y` and back, `papers tag X +x` + `-x`,
`papers rm X` and the `papers revert` that brings it back, on the shipped catalogue and on a
generated 10,000-item one, piped and with a forced terminal; peak RSS of `list --todo`. Each round
leaves the catalogues as it found them. Each is timed in wall and in CPU seconds (user + system):
on a loaded machine a process also waits for a core, which only its wall time shows, so the CPU
ratios are the steadier ones (bench/compare.py does the same for an A/B of two installs).
The checks at the end include issue 13's for the small case: shipped `list --todo` (the quick path,
cli/quick.py) at most 6x `python -c pass`, piped and in a terminal. `--only` runs a few commands,
`--against CHECKOUT` the listings with another checkout's code too, interleaved.

Usage: python bench/startup.py [--runs 9] [--items 10000] [--only "list --todo"] [--against CHECKOUT]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

from catalogue_gen import generate_catalogue
from timing import GNU_TIME, run_once

REPO = Path(__file__).resolve().parents[1]
FLOOR_APP = """
import typer
import yaml
from rich.console import Console
from rich.table import Table

app = typer.Typer()


@app.command("list")
def list_(todo: bool = typer.Option(False, "--todo")) -> None:
    Console().print("ok")


@app.command()
def done(query: str) -> None:
    print(query)


app()
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9, help="interleaved runs per command (>= 7)")
    parser.add_argument("--items", type=int, default=10_000, help="size of the generated catalogue")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="only the commands whose name holds TEXT (repeat it), with the two references; choose both "
        "halves of a pair (done and undo, mv and mv back), or the catalogue is left changed",
    )
    parser.add_argument(
        "--against",
        metavar="CHECKOUT",
        help="also run the listings with the papers of another checkout (its src/ first on PYTHONPATH, "
        "its own parse cache), interleaved: an A/B of old and new code in the same run",
    )
    args = parser.parse_args()

    python = sys.executable
    papers = [python, "-m", "papers"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor = tmp / "floor_app.py"
        floor.write_text(FLOOR_APP)
        shipped = tmp / "shipped.yaml"
        shipped.write_bytes((REPO / "papers.yaml").read_bytes())
        big = tmp / "big.yaml"
        big_keys = generate_catalogue(big, args.items)
        base_env = {**os.environ, "PAPERS_CACHE_DIR": str(tmp / "cache")}
        base_env.pop("FORCE_COLOR", None)
        # As on a user's machine, Python caches compiled modules: without that (this sandbox sets
        # PYTHONDONTWRITEBYTECODE) an editable install recompiles papers on every run.
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        piped = {**base_env}
        terminal = {**base_env, "FORCE_COLOR": "1", "COLUMNS": "120"}

        def papers_cmd(catalogue: Path, *rest: str) -> list[str]:
            return [*papers, "--file", str(catalogue), *rest]

        big_key = big_keys[len(big_keys) // 2 + 1]
        back = _way_back(big, big_key)
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([python, "-c", "pass"], piped),
            "floor (typer app)": ([python, str(floor), "list", "--todo"], piped),
            "shipped: list --todo (piped)": (papers_cmd(shipped, "list", "--todo"), piped),
            "shipped: list --todo (terminal)": (papers_cmd(shipped, "list", "--todo"), terminal),
            "shipped: done flashattention": (papers_cmd(shipped, "done", "flashattention"), piped),
            "shipped: undo flashattention": (papers_cmd(shipped, "undo", "flashattention"), piped),
            f"{args.items}: list --todo (piped)": (papers_cmd(big, "list", "--todo"), piped),
            f"{args.items}: list --todo (terminal)": (papers_cmd(big, "list", "--todo"), terminal),
            f"{args.items}: done {big_key}": (papers_cmd(big, "done", big_key), piped),
            f"{args.items}: undo {big_key}": (papers_cmd(big, "undo", big_key), piped),
            # edit: an editor that changes nothing (the cost of opening one item), then a real change
            # there and back (each run's editor rewrites the status line). Here, after undo, not after
            # revert: a revert leaves the parse cache cold, and what is measured is a warm edit.
            "shipped: edit flashattention (no-op editor)": (
                papers_cmd(shipped, "edit", "flashattention"),
                {**piped, "VISUAL": "true"},
            ),
            f"{args.items}: edit {big_key} (no-op editor)": (
                papers_cmd(big, "edit", big_key),
                {**piped, "VISUAL": "true"},
            ),
            f"{args.items}: edit {big_key} (status -> reading)": (
                papers_cmd(big, "edit", big_key),
                {**piped, "VISUAL": "sed -i 's/^status: .*/status: reading/'"},
            ),
            f"{args.items}: edit {big_key} (status -> todo)": (
                papers_cmd(big, "edit", big_key),
                {**piped, "VISUAL": "sed -i 's/^status: .*/status: todo/'"},
            ),
            # Each pair gives the file back; rm is taken back by revert, last (a revert leaves the
            # parse cache cold for the next command, which is the next round's piped listing).
            "shipped: mv rope --section normalization": (
                papers_cmd(shipped, "mv", "rope", "--section", "normalization"),
                piped,
            ),
            "shipped: mv rope back": (papers_cmd(shipped, "mv", "rope", "--section", "reinforcement"), piped),
            "shipped: rename flashattention": (
                papers_cmd(shipped, "rename", "flashattention", "flash-x"),
                piped,
            ),
            "shipped: rename back": (papers_cmd(shipped, "rename", "flash-x", "flashattention"), piped),
            "shipped: tag flashattention +x": (papers_cmd(shipped, "tag", "flashattention", "+x"), piped),
            "shipped: tag flashattention -x": (papers_cmd(shipped, "tag", "flashattention", "-x"), piped),
            "shipped: rm rope": (papers_cmd(shipped, "rm", "rope"), piped),
            "shipped: revert (the rm)": (papers_cmd(shipped, "revert"), piped),
            f"{args.items}: mv {big_key} --section Section 0": (
                papers_cmd(big, "mv", big_key, "--section", "Section 0"),
                piped,
            ),
            f"{args.items}: mv {big_key} back": (papers_cmd(big, "mv", big_key, *back), piped),
            f"{args.items}: rename {big_key}": (papers_cmd(big, "rename", big_key, "renamed-x"), piped),
            f"{args.items}: rename back": (papers_cmd(big, "rename", "renamed-x", big_key), piped),
            f"{args.items}: tag {big_key} +x": (papers_cmd(big, "tag", big_key, "+x"), piped),
            f"{args.items}: tag {big_key} -x": (papers_cmd(big, "tag", big_key, "-x"), piped),
            f"{args.items}: rm {big_key}": (papers_cmd(big, "rm", big_key, "--with-children"), piped),
            f"{args.items}: revert (the rm)": (papers_cmd(big, "revert"), piped),
        }
        references = ("python -c pass", "floor (typer app)")
        if args.only:
            commands = {
                name: run
                for name, run in commands.items()
                if name in references or any(text in name for text in args.only)
            }
        if args.against:  # listings only: they leave the catalogues as they are, whichever code runs
            old_env = {
                "PYTHONPATH": str(Path(args.against).resolve() / "src"),
                "PAPERS_CACHE_DIR": str(tmp / "old"),
            }
            for name, (argv, env) in list(commands.items()):
                if ": list " in name:
                    commands[f"old {name}"] = (argv, {**env, **old_env})
        original = {path: path.read_bytes() for path in (shipped, big)}
        # Warm-up: fills the parse cache (a user's first run after editing the file pays the parse once).
        rss_file = tmp / "rss"
        for argv, env in commands.values():
            run_once(argv, env, rss_file)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        rss: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(max(args.runs, 7)):
            for name, (argv, env) in commands.items():  # interleaved: noise hits every command alike
                before = _children_cpu()
                elapsed, peak = run_once(argv, env, rss_file)
                cpu[name].append(_children_cpu() - before)
                times[name].append(elapsed)
                if peak is not None:
                    rss[name].append(peak)

        for path, data in original.items():
            if path.read_bytes() != data:
                print(f"warning: {path.name} changed over the rounds: a pair did not give it back")
        med = {name: statistics.median(values) for name, values in times.items()}
        med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
        pass_t, floor_t = med["python -c pass"], med["floor (typer app)"]
        print(
            f"{'command':42} {'median ms':>10} {'x floor':>8} {'x pass':>8} {'CPU x floor':>12} {'max RSS MiB':>12}"
        )
        for name in commands:
            print(
                f"{name:42} {med[name] * 1000:10.1f} {med[name] / floor_t:8.2f} {med[name] / pass_t:8.2f}"
                f" {med_cpu[name] / med_cpu['floor (typer app)']:12.2f}"
                + (f" {max(rss[name]):12.1f}" if rss[name] else f" {'n/a':>12}")
            )
        print(
            f"\n{max(args.runs, 7)} interleaved runs each; warm parse cache; python {sys.version.split()[0]}"
        )
        checks: list[tuple[str, str, float | None, float]] = [
            ("shipped list --todo <= 1.3x floor", "shipped: list --todo (piped)", floor_t, 1.3),
            # Issue 13: the small case too. A listing from the parse cache takes the quick path
            # (cli/quick.py), which imports no typer, click, PyYAML or rich.
            ("shipped list --todo (piped) <= 6x python -c pass", "shipped: list --todo (piped)", pass_t, 6),
            (
                "shipped list --todo (terminal) <= 6x python -c pass",
                "shipped: list --todo (terminal)",
                pass_t,
                6,
            ),
            (f"{args.items} list --todo <= 3x floor", f"{args.items}: list --todo (piped)", floor_t, 3),
            (f"{args.items} done <= 3x floor", f"{args.items}: done {big_key}", floor_t, 3),
            (
                f"{args.items} mv <= 2x floor",
                f"{args.items}: mv {big_key} --section Section 0",
                floor_t,
                2,
            ),
            (f"{args.items} mv back <= 2x floor", f"{args.items}: mv {big_key} back", floor_t, 2),
            (f"{args.items} rename <= 2x floor", f"{args.items}: rename {big_key}", floor_t, 2),
            (f"{args.items} tag <= 2x floor", f"{args.items}: tag {big_key} -x", floor_t, 2),
            (
                f"{args.items} edit, no-op editor <= 2x floor",
                f"{args.items}: edit {big_key} (no-op editor)",
                floor_t,
                2,
            ),
            (f"{args.items} rm <= 2x floor", f"{args.items}: rm {big_key}", floor_t, 2),
            (f"{args.items} revert <= 2x floor", f"{args.items}: revert (the rm)", floor_t, 2),
        ]
        if GNU_TIME:
            checks += [
                ("shipped list --todo RSS <= 40 MiB", "shipped: list --todo (terminal)", None, 40),
                (
                    f"{args.items} list --todo RSS <= 100 MiB",
                    f"{args.items}: list --todo (terminal)",
                    None,
                    100,
                ),
            ]
        else:
            print("(peak RSS needs GNU time: apt-get install time)")
        print()
        for label, name, reference, limit in checks:
            if name not in commands:
                continue  # left out by --only
            value = max(rss[name]) if reference is None else med[name] / reference
            print(f"{'ok  ' if value <= limit else 'MISS'} {label}: {value:.2f}")


def _children_cpu() -> float:
    """User + system seconds of every child process waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _way_back(catalogue: Path, key: str) -> list[str]:
    """The `papers mv` options that put the item back where it is."""
    from papers.store.parse import parse_catalogue

    items = parse_catalogue(catalogue.read_bytes())
    item = items[key]
    siblings = (
        items[item.parent].children
        if item.parent
        else [
            k
            for k in next(s for s in items.sections if s.name == item.section).keys
            if items[k].parent is None
        ]
    )
    index = siblings.index(key)
    where = ["--parent", item.parent] if item.parent else ["--section", item.section]
    if index:
        return [*where, "--after", siblings[index - 1]]
    return where if len(siblings) == 1 else [*where, "--before", siblings[1]]


if __name__ == "__main__":
    main()
