"""Scale benchmark for `papers`: every command on big generated catalogues, as ratios to the floor.

Each command runs as a child process, interleaved with the others and with the floor (the minimal
typer app of bench/startup.py), so noise on this shared machine hits every figure alike; the table
prints medians and their ratio to the floor's median in the same run, and peak RSS (GNU time).

Cases that change the file get a fresh copy before every timed run (the copy is not timed):
`import` into an empty and into an existing catalogue (whose cache is then warmed by an untimed
listing: the copy's cache entry held the previous run's import), and the "cold" listing after a
one-line hand edit (a different title each run, so the parse cache never hits), and `rm` (its
cache warmed untimed). The other edits come in pairs that give the file back: tag +x and -x, mv to
another section and back, rename and back.

Usage: python bench/scale.py [--runs 7] [--sizes 10000,50000] [--only list,done] [--skip import] [--against CHECKOUT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalogue_gen import add_dates, generate_catalogue, reader_cache
from startup import FLOOR_APP, _way_back
from timing import GNU_TIME, run_once


@dataclass
class Case:
    name: str
    argv: list[str]
    prepare: Callable[[int], None] | None = None  # called with the run number before each timed run
    vary: Callable[[int], list[str]] | None = None  # the argv of each run (a new title for each add)
    warm: list[list[str]] = field(default_factory=list)  # commands run untimed after `prepare`
    env: dict[str, str] | None = None  # added to the benchmark's own (the editor of `edit`)
    # Text its output must hold, checked once (untimed) before the warm-up: a case that does its work.
    expect: str | None = None
    setup: Callable[[], None] | None = None  # writes the files it needs, once, untimed, if chosen
    times: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)


def checklist_of(keys: list[str], prefix: str) -> str:
    """A markdown checklist of new papers (none matches the generated catalogue's titles)."""
    lines = ["# Imported", ""]
    for s in range(0, len(keys), 500):
        lines += [f"## {prefix} part {s // 500}", ""]
        lines += [
            f"- [ ] {prefix} paper {i}: a new method for problem {i} [link](https://example.com/{prefix}/{i})"
            for i in range(s, min(s + 500, len(keys)))
        ]
        lines.append("")
    return "\n".join(lines)


def cache_records(cache: Path, text: str) -> None:
    """A fetched record for nine in ten of the catalogue's arXiv ids, as `papers fetch` leaves them,
    so that `export --format bibtex` writes entries (from the metadata cache, never the network)."""
    folder = cache / "arxiv"
    folder.mkdir(parents=True, exist_ok=True)
    for n, arxiv_id in enumerate(re.findall(r'arxiv: "([0-9.]+)"', text)):
        if n % 10 == 9:
            continue
        record = {
            "arxiv_id": arxiv_id,
            "version": 1,
            "title": f"A study of topic {n} with a reasonably long title",
            "authors": ["Ada Lovelace", "Alan Turing"],
            "abstract": "We study the topic. " * 40,
            "published": f"20{arxiv_id[:2]}-{arxiv_id[2:4]}-01T00:00:00Z",
            "updated": f"20{arxiv_id[:2]}-{arxiv_id[2:4]}-01T00:00:00Z",
            "primary_category": "cs.LG",
            "categories": ["cs.LG"],
            "doi": None,
            "journal_ref": None,
            "comment": None,
            "pdf_url": f"https://arxiv.org/pdf/{arxiv_id}v1",
            "abs_url": f"https://arxiv.org/abs/{arxiv_id}v1",
        }
        (folder / f"{arxiv_id}.json").write_text(json.dumps(record, indent=2))


def check_output(case: Case, env: dict[str, str]) -> None:
    """Exit if `case` fails or prints less than it should (`case.expect`): a case must do its work."""
    if case.prepare:
        case.prepare(-1)
    argv = case.vary(-1) if case.vary else case.argv
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0 or case.expect not in done.stdout or len(done.stdout.splitlines()) < 2:
        raise SystemExit(
            f"{case.name}: exit {done.returncode}, expected {case.expect!r} in its output:\n"
            f"{done.stdout[:1000]}{done.stderr[-1000:]}"
        )


def cases_for(n: int, tmp: Path, papers: list[str], cache: Path) -> list[Case]:
    base = tmp / f"big-{n}.yaml"
    keys = generate_catalogue(base, n)
    cache_records(cache, base.read_text())
    work = tmp / f"work-{n}"
    work.mkdir()
    cat = work / "papers.yaml"
    shutil.copyfile(base, cat)
    key = keys[len(keys) // 2 + 1]
    parent = keys[len(keys) // 3]
    edited = keys[len(keys) // 4]  # its own: done, undo and start change `key`
    # The other one-item edits each have an item of their own, top-level, near the middle.
    moved, renamed, tagged, removed = (keys[len(keys) // 2 + i] for i in (2, 3, 4, 5))
    back = _way_back(base, moved)

    def on(catalogue: Path, *rest: str) -> list[str]:
        return [*papers, "--file", str(catalogue), *rest]

    def cold_edit(run: int) -> None:
        text = base.read_text()
        title_end = text.index("\n", text.index(f"key: {key}\n") + len(key) + 6)  # end of its title line
        cat_cold.write_text(f"{text[:title_end]} (edit {run}){text[title_end:]}")

    cat_cold = work / "cold.yaml"
    cold_edit(0)
    new_list = work / "new.md"
    new_list.write_text(checklist_of(keys, "new"))
    empty_target = work / "empty.yaml"
    existing_target = work / "existing.yaml"
    exported = work / "exported.md"
    reverted = work / "reverted.yaml"
    shutil.copyfile(base, reverted)

    def fresh_empty(_: int) -> None:
        empty_target.unlink(missing_ok=True)

    def fresh_existing(_: int) -> None:
        shutil.copyfile(base, existing_target)

    # A reader's catalogue: days on what was started and done, and a cache of everything fetched
    # (arXiv records, some of a newer version than the one read, and Semantic Scholar's references).
    # Written only if a case that reads them is chosen (tens of thousands of files at 50,000 items).
    dated = work / "dated.yaml"
    read_cache = tmp / f"reader-cache-{n}"  # its own for each size, as the other cache
    reader = {"PAPERS_CACHE_DIR": str(read_cache)}

    @functools.cache
    def for_a_reader() -> None:
        dated.write_text(add_dates(base.read_text(), dt.date.today()))
        reader_cache(read_cache, dated.read_text(), dt.date.today())
        # A record file written this close to a command is not indexed (sources/cache.py, _RACY_NS):
        # a reader's records were fetched long before, so let these age past it, or the first timed
        # runs read 18,000 files again and again (84 against 44 MiB at 10,000 items).
        time.sleep(3.5)

    rm_target = work / "rm.yaml"

    def fresh_rm(_: int) -> None:
        shutil.copyfile(base, rm_target)

    prefix = f"{n}:"
    return [
        Case(f"{prefix} list --todo", on(cat, "list", "--todo")),
        Case(f"{prefix} list --json", on(cat, "list", "--json")),
        Case(
            f"{prefix} list --updated",
            on(dated, "list", "--updated"),
            env=reader,
            setup=for_a_reader,
            expect="paper-",
        ),
        Case(f"{prefix} list --sort year", on(cat, "list", "--sort", "year"), expect="paper-"),
        Case(f"{prefix} progress", on(cat, "progress")),
        Case(f"{prefix} search topic", on(cat, "search", "topic"), expect="paper-"),
        Case(f"{prefix} next", on(cat, "next"), expect="next in list order"),
        Case(
            f"{prefix} next (cited)",
            on(dated, "next"),
            env=reader,
            setup=for_a_reader,
            expect="in your list build",
        ),
        Case(f"{prefix} stats", on(dated, "stats"), env=reader, setup=for_a_reader, expect="streak"),
        Case(f"{prefix} log", on(dated, "log"), env=reader, setup=for_a_reader, expect="paper-"),
        Case(f"{prefix} show {key}", on(cat, "show", key)),
        Case(f"{prefix} done {key}", on(cat, "done", key)),
        Case(f"{prefix} undo {key}", on(cat, "undo", key)),
        Case(f"{prefix} start {key}", on(cat, "start", key)),
        Case(
            f"{prefix} add --section",
            [],
            vary=lambda run: on(cat, "add", f"A new paper {run}", "--section", "Section 3"),
        ),
        Case(
            f"{prefix} add --parent",
            [],
            vary=lambda run: on(
                cat, "add", f"A child paper {run}", "--section", "Section 6", "--parent", parent
            ),
        ),
        Case(f"{prefix} note --no-edit", on(cat, "note", key, "--no-edit")),
        Case(f"{prefix} edit {edited} (no-op editor)", on(cat, "edit", edited), env={"VISUAL": "true"}),
        Case(
            f"{prefix} edit {edited} (status -> reading)",
            on(cat, "edit", edited),
            env={"VISUAL": "sed -i 's/^status: .*/status: reading/'"},
        ),
        Case(
            f"{prefix} edit {edited} (status -> todo)",
            on(cat, "edit", edited),
            env={"VISUAL": "sed -i 's/^status: .*/status: todo/'"},
        ),
        # Each pair gives the file back (mv to another section and back, rename and back, a tag
        # added and taken off); rm gets a fresh copy each run, its cache warmed untimed.
        Case(f"{prefix} tag {tagged} +x", on(cat, "tag", tagged, "+x")),
        Case(f"{prefix} tag {tagged} -x", on(cat, "tag", tagged, "-x")),
        Case(f"{prefix} mv {moved} --section Section 0", on(cat, "mv", moved, "--section", "Section 0")),
        Case(f"{prefix} mv {moved} back", on(cat, "mv", moved, *back)),
        Case(f"{prefix} rename {renamed}", on(cat, "rename", renamed, "renamed-x")),
        Case(f"{prefix} rename back", on(cat, "rename", "renamed-x", renamed)),
        Case(
            f"{prefix} rm {removed}",
            on(rm_target, "rm", removed),
            fresh_rm,
            warm=[on(rm_target, "list", "--todo")],  # the copy's cache held the last run's removal
        ),
        Case(f"{prefix} export markdown", on(cat, "export", "-o", str(exported))),
        Case(f"{prefix} export json", on(cat, "export", "--format", "json")),
        Case(f"{prefix} export bibtex", on(cat, "export", "--format", "bibtex")),
        Case(f"{prefix} list --todo after a hand edit", on(cat_cold, "list", "--todo"), cold_edit),
        Case(f"{prefix} import {n} new into empty", on(empty_target, "import", str(new_list)), fresh_empty),
        Case(
            f"{prefix} import {n} new into {n}",
            on(existing_target, "import", str(new_list)),
            fresh_existing,
            warm=[on(existing_target, "list", "--todo")],  # the copy's cache held the last import's result
        ),
        Case(f"{prefix} import of its own export", on(cat, "import", str(exported))),
        Case(f"{prefix} revert (of a done)", on(reverted, "revert"), warm=[on(reverted, "done", key)]),
        Case(
            f"{prefix} list --todo after a revert",
            on(reverted, "list", "--todo"),
            warm=[on(reverted, "done", key), on(reverted, "revert")],
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="interleaved runs per command (>= 5)")
    parser.add_argument("--sizes", default="10000", help="comma-separated catalogue sizes")
    parser.add_argument("--only", default="", help="comma-separated substrings: run only matching cases")
    parser.add_argument(
        "--skip", default="", help="comma-separated substrings: leave out matching cases (after --only)"
    )
    parser.add_argument(
        "--against",
        metavar="CHECKOUT",
        help="also run every case with the papers of another checkout (its src/ first on PYTHONPATH), "
        "interleaved, on its own copies of the files: an A/B of old and new code in the same run",
    )
    args = parser.parse_args()

    python = sys.executable
    papers = [python, "-m", "papers"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor_app = tmp / "floor_app.py"
        floor_app.write_text(FLOOR_APP)
        env = {**os.environ, "PAPERS_CACHE_DIR": str(tmp / "new" / "cache"), "NO_COLOR": "1"}
        env.pop("FORCE_COLOR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: bytecode is cached
        floor = Case("floor (typer app)", [python, str(floor_app), "list", "--todo"])
        cases = [floor]
        wanted = [w for w in args.only.split(",") if w]
        unwanted = [w for w in args.skip.split(",") if w]
        sides = [("", tmp / "new", env)]
        if args.against:
            old_src = str(Path(args.against).resolve() / "src")
            old_env = {**env, "PYTHONPATH": old_src, "PAPERS_CACHE_DIR": str(tmp / "old" / "cache")}
            sides.append(("old ", tmp / "old", old_env))
        for n in (int(s) for s in args.sizes.split(",")):
            for label, folder, side_env in sides:
                folder.mkdir(exist_ok=True)
                # Each size its own cache: sharing one, an export at 10,000 items read the records
                # of all sizes (40,500 files, of which it wanted 9,000).
                cache = folder / f"cache-{n}"
                size_env = {**side_env, "PAPERS_CACHE_DIR": str(cache)}
                for case in cases_for(n, folder, papers, cache):
                    skipped = any(w in case.name for w in unwanted)
                    if (not wanted or any(w in case.name for w in wanted)) and not skipped:
                        case.name, case.env = label + case.name, {**size_env, **(case.env or {})}
                        cases.append(case)
        rss_file = tmp / "rss"
        for case in cases:
            if case.setup:
                case.setup()
            if case.expect is not None:
                check_output(case, case.env or env)
        for case in cases:  # warm-up: fills the parse cache, as any second run of a user's would
            if case.prepare:
                case.prepare(-1)
            for argv in case.warm:
                run_once(argv, case.env or env, rss_file)
            run_once(case.vary(-1) if case.vary else case.argv, case.env or env, rss_file)
        for run in range(max(args.runs, 5)):
            for case in cases:
                if case.prepare:
                    case.prepare(run)
                for argv in case.warm:
                    run_once(argv, case.env or env, rss_file)
                elapsed, peak = run_once(
                    case.vary(run) if case.vary else case.argv, case.env or env, rss_file
                )
                case.times.append(elapsed)
                if peak is not None:
                    case.rss.append(peak)
        floor_median = statistics.median(floor.times)
        print(f"{'command':52} {'x floor':>8} {'max RSS MiB':>12}")
        for case in cases:
            ratio = statistics.median(case.times) / floor_median
            peak_text = f"{max(case.rss):12.1f}" if case.rss else f"{'n/a':>12}"
            print(f"{case.name:52} {ratio:8.2f} {peak_text}")
        print(
            f"\nmedians of {max(args.runs, 5)} interleaved runs; warm parse cache unless said; "
            f"python {sys.version.split()[0]}" + ("" if GNU_TIME else "; no GNU time, so no RSS")
        )


if __name__ == "__main__":
    main()
