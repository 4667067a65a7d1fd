"""Search and history benchmark for `papers` (issue 12): medians of interleaved runs, as ratios to
the floor (the minimal typer app of bench/startup.py) measured in the same run, and peak RSS.

The catalogue is generated (bench/catalogue_gen.py, 10,000 items by default) with a `done_on` on
every done paper and a `started_on` on some, so `log` and `stats` have days to count. Every item
with an arXiv id (nine in ten: the children have none) gets a metadata record in the cache's own
format (`PaperMeta.to_dict()` as `sources/cache.py` writes it) with an abstract of about 1,000
characters, and 1,000 items get a note in notes/ (about 1,000 characters too). The words come from
a fixed vocabulary with a seeded random generator, so every run indexes the same text.

Cases, each a child process:
  - building the index from nothing: the index file is deleted before each timed run (untimed)
  - a search with a warm index (nothing changed since the last search)
  - a search right after one `papers done` (a `done` or `undo` of one paper runs untimed before
    each timed search, so every timed search has exactly one changed item to re-index)
  - `papers stats` and `papers log` (warm parse cache)
Peak RSS (GNU time) is that of the child alone.

Usage: python bench/search.py [--runs 7] [--items 10000] [--notes 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalogue_gen import add_dates, generate_catalogue
from startup import FLOOR_APP
from timing import GNU_TIME, run_once

_VOCABULARY = (
    "attention transformer network neural sequence model learning training data language vision "
    "image convolution recurrent memory gradient optimization loss function representation token "
    "embedding layer residual normalization dropout regularization generalization benchmark dataset "
    "evaluation inference sampling diffusion generative adversarial reinforcement policy reward agent "
    "graph node edge kernel sparse dense efficient scalable parallel distributed hardware accelerator "
    "latency throughput compression quantization pruning distillation retrieval augmented context "
    "window length position encoding decoder encoder bidirectional autoregressive masked pretraining "
    "finetuning transfer domain adaptation robustness adversarial calibration uncertainty bayesian "
    "variational posterior prior likelihood estimator theorem bound convergence stochastic descent "
    "momentum adaptive schedule warmup batch size scaling law compute parameter capacity"
)
WORDS = _VOCABULARY.split()
QUERY = "convergence stochastic"  # two common words, both required: about 45% of the documents match


def sentence_text(rng: random.Random, chars: int) -> str:
    """About `chars` characters of sentences made of the vocabulary."""
    out: list[str] = []
    size = 0
    while size < chars:
        words = rng.choices(WORDS, k=rng.randint(8, 18))
        sentence = " ".join(words).capitalize() + ". "
        out.append(sentence)
        size += len(sentence)
    return "".join(out).strip()


def write_records(cache: Path, text: str, rng: random.Random) -> int:
    """A metadata record for every arXiv id of the catalogue, in the metadata cache's format."""
    from papers.model.paper import PaperMeta

    folder = cache / "arxiv"
    folder.mkdir(parents=True, exist_ok=True)
    ids = re.findall(r'arxiv: "([0-9.]+)"', text)
    for n, arxiv_id in enumerate(ids):
        stamp = f"20{arxiv_id[:2]}-{arxiv_id[2:4]}-01T00:00:00Z"
        meta = PaperMeta(
            arxiv_id=arxiv_id,
            version=1,
            title=f"A study of topic {n} with a reasonably long title",
            authors=tuple(
                f"{rng.choice(('Ada', 'Alan', 'Grace', 'Edsger'))} Author{n % 97}" for _ in range(3)
            ),
            abstract=sentence_text(rng, 1000),
            published=stamp,
            updated=stamp,
            primary_category="cs.LG",
            categories=("cs.LG", "stat.ML"),
            doi=None,
            journal_ref=None,
            comment=None,
            pdf_url=f"https://arxiv.org/pdf/{arxiv_id}v1",
            abs_url=f"https://arxiv.org/abs/{arxiv_id}v1",
        )
        # As sources/cache.py's _write_record writes a record (without its fsync per file).
        (folder / f"{arxiv_id}.json").write_text(
            json.dumps(meta.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return len(ids)


def write_notes(folder: Path, keys: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` notes, notes/KEY.md, spread evenly over the keys."""
    notes = folder / "notes"
    notes.mkdir(exist_ok=True)
    step = max(len(keys) // count, 1)
    chosen = keys[::step][:count]
    for key in chosen:
        (notes / f"{key}.md").write_text(
            f"# {key}\n\n## Summary\n\n{sentence_text(rng, 500)}\n\n"
            f"## Key ideas\n\n{sentence_text(rng, 400)}\n\n## Questions\n\n- {sentence_text(rng, 100)}\n"
        )
    return chosen


@dataclass
class Case:
    name: str
    argv: list[str]
    prepare: Callable[[int], None] | None = None  # untimed, before each timed run (given the run number)
    times: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="interleaved runs per case (>= 5)")
    parser.add_argument("--items", type=int, default=10_000, help="size of the generated catalogue")
    parser.add_argument("--notes", type=int, default=1_000, help="how many items get a note")
    args = parser.parse_args()
    runs = max(args.runs, 5)

    python = sys.executable
    papers = [python, "-m", "papers"]
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor_app = tmp / "floor_app.py"
        floor_app.write_text(FLOOR_APP)
        work = tmp / "work"
        work.mkdir()
        cat = work / "papers.yaml"
        keys = generate_catalogue(cat, args.items)
        cat.write_text(add_dates(cat.read_text(), dt.date.today()))
        cache = tmp / "cache"
        records = write_records(cache, cat.read_text(), rng)
        noted = write_notes(work, keys, args.notes, rng)
        env = {**os.environ, "PAPERS_CACHE_DIR": str(cache), "NO_COLOR": "1"}
        env.pop("FORCE_COLOR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: bytecode is cached

        def on(*rest: str) -> list[str]:
            return [*papers, "--file", str(cat), *rest]

        def untimed(argv: list[str]) -> None:
            subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)

        def no_index(_: int) -> None:
            for found in (cache / "search").glob("*.sqlite*"):
                found.unlink()

        # A todo parent with a record and a note: ticking it changes one document of every kind.
        text = cat.read_text()
        key = next(
            k
            for k in noted[len(noted) // 2 :]
            if re.search(rf"\n {{6}}- key: {k}\n {{8}}title: .*\n {{8}}status: todo\n {{8}}arxiv:", text)
        )

        def one_done(run: int) -> None:
            untimed(on("undo" if run % 2 else "done", key))

        search = on("search", *QUERY.split())
        cases = [
            Case("floor (typer app)", [python, str(floor_app), "list", "--todo"]),
            Case("search, index built from nothing", search, no_index),
            Case("search, warm index", search),
            Case(f"search right after `done {key}`", search, one_done),
            Case("stats", on("stats")),
            Case("log", on("log")),
            # Not a target: what any command that loads this catalogue pays, for comparison.
            Case("progress (reference)", on("progress")),
        ]
        rss_file = tmp / "rss"
        for case in cases:  # warm-up: the parse cache and the index, as any second run would find them
            if case.prepare:
                case.prepare(-1)
            run_once(case.argv, env, rss_file)
        for run in range(runs):
            for case in cases:  # interleaved: the machine's noise hits every case alike
                if case.prepare:
                    case.prepare(run)
                elapsed, peak = run_once(case.argv, env, rss_file)
                case.times.append(elapsed)
                if peak is not None:
                    case.rss.append(peak)

        med = {case.name: statistics.median(case.times) for case in cases}
        floor = med["floor (typer app)"]
        print(f"{'case':44} {'median ms':>10} {'x floor':>8} {'max RSS MiB':>12}")
        for case in cases:
            peak_text = f"{max(case.rss):12.1f}" if case.rss else f"{'n/a':>12}"
            print(f"{case.name:44} {med[case.name] * 1000:10.1f} {med[case.name] / floor:8.2f} {peak_text}")
        print(
            f"\n{runs} interleaved runs each; {args.items} items, {records} metadata records, "
            f"{len(noted)} notes; search {QUERY!r}; python {sys.version.split()[0]}"
        )
        by_name = {case.name: case for case in cases}
        checks = [
            ("index built from nothing <= 30x floor", med["search, index built from nothing"] / floor, 30),
            ("search, warm index <= 1.5x floor", med["search, warm index"] / floor, 1.5),
            ("search after one done <= 2x floor", med[f"search right after `done {key}`"] / floor, 2),
            ("stats <= 1.5x floor", med["stats"] / floor, 1.5),
            ("log <= 1.5x floor", med["log"] / floor, 1.5),
        ]
        if GNU_TIME:
            searches = ("search, warm index", f"search right after `done {key}`")
            peak = max(max(by_name[name].rss) for name in searches)
            checks.append(("search peak RSS <= 100 MiB", peak, 100))
        else:
            print("(peak RSS needs GNU time: apt-get install time)")
        print()
        for label, value, limit in checks:
            print(f"{'ok  ' if value <= limit else 'MISS'} {label}: {value:.2f}")


if __name__ == "__main__":
    main()
