"""A generated catalogue shaped like a real one, for the benchmarks."""

from __future__ import annotations

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
