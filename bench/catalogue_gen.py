"""A generated catalogue shaped like a real one, for the benchmarks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path


def generate_catalogue(path: Path, n_items: int, sections: int = 20) -> list[str]:
    """A catalogue shaped like a real one: sections, parents with children, some done. Returns keys."""
    keys: list[str] = []
    lines = ["# generated for the benchmark", "title: Benchmark list", "", "sections:"]
    per_section = n_items // sections
    for s in range(sections):
        lines += [f"  - name: Section {s}", "    items:"]
        i = 0
        while i < per_section:
            key = f"paper-{s}-{i}"
            keys.append(key)
            lines += [
                f"      - key: {key}",
                f"        title: A study of topic {i} in area {s} with a reasonably long title",
                f"        status: {'done' if i % 3 == 0 else 'todo'}",
                f'        arxiv: "{20 + s % 5:02d}{1 + s % 12:02d}.{10000 + i:05d}"',
                "        links:",
                f"          - https://example.org/{s}/{i}",
            ]
            i += 1
            if i % 10 == 1 and i < per_section:  # every tenth item gets a child
                child = f"paper-{s}-{i}"
                keys.append(child)
                lines += [
                    "        children:",
                    f"          - key: {child}",
                    f"            title: Follow-up {i} in area {s}",
                    "            status: todo",
                ]
                i += 1
        lines.append("")
    path.write_text("\n".join(lines) + "\n")
    return keys


def add_dates(text: str, today: dt.date) -> str:
    """A `done_on` after every `status: done` (spread over two years, every other one started a
    few days before), a `started_on` on every seventh todo (within the last year), as `papers done`
    and `papers start` write them."""
    counter = iter(range(10**9))

    def dated(match: re.Match[str]) -> str:
        n = next(counter)
        indent, status = match.group(1), match.group(2)
        if status == "done":
            done = today - dt.timedelta(days=(n * 37) % 730)
            started = f"{indent}started_on: {done - dt.timedelta(days=n % 30)}\n" if n % 2 else ""
            return f"{match.group(0)}{started}{indent}done_on: {done}\n"
        if n % 7 == 0:
            return f"{match.group(0)}{indent}started_on: {today - dt.timedelta(days=(n * 11) % 365)}\n"
        return match.group(0)

    return re.sub(r"(?m)^( +)status: (done|todo)\n", dated, text)


def reader_cache(cache: Path, text: str, today: dt.date, refs: int = 5) -> None:
    """The cache of a reader who fetched everything (`papers fetch` and `papers fetch --source s2`):
    an arXiv record for every arXiv id of `text`, one in four of them a version 2 that appeared in
    the last two years (so `list --updated` has papers read before their latest version), and a
    Semantic Scholar record for each, citing up to `refs` papers listed before it (a seeded choice,
    so every run draws the same citation graph), as sources/cache.py writes them."""
    import json
    import random

    ids = re.findall(r'arxiv: "([0-9.]+)"', text)
    arxiv, s2 = cache / "arxiv", cache / "s2"
    arxiv.mkdir(parents=True, exist_ok=True)
    s2.mkdir(parents=True, exist_ok=True)
    rng = random.Random(13)
    for n, arxiv_id in enumerate(ids):
        first = f"20{arxiv_id[:2]}-{arxiv_id[2:4]}-01T00:00:00Z"
        version = 2 if n % 4 == 0 else 1
        latest = f"{today - dt.timedelta(days=(n * 13) % 730)}T00:00:00Z" if version == 2 else first
        record = {
            "arxiv_id": arxiv_id, "version": version,
            "title": f"A study of topic {n} with a reasonably long title",
            "authors": ["Ada Lovelace", "Alan Turing"], "abstract": "We study the topic. " * 40,
            "published": first, "updated": latest, "primary_category": "cs.LG", "categories": ["cs.LG"],
            "doi": None, "journal_ref": None, "comment": None,
            "pdf_url": f"https://arxiv.org/pdf/{arxiv_id}v{version}",
            "abs_url": f"https://arxiv.org/abs/{arxiv_id}v{version}",
        }  # fmt: skip
        (arxiv / f"{arxiv_id}.json").write_text(json.dumps(record, indent=2))
        cited = sorted({ids[rng.randrange(n)] for _ in range(refs)}) if n else []
        scholar = {
            "source": "s2", "asked": f"ARXIV:{arxiv_id}", "paper_id": f"{n:040x}",
            "title": record["title"], "authors": record["authors"], "year": int(first[:4]),
            "venue": "", "arxiv_id": arxiv_id, "references": [f"arxiv:{c}" for c in cited],
        }  # fmt: skip
        (s2 / f"arxiv-{arxiv_id}.json").write_text(json.dumps(scholar, indent=2))
