"""Shared timing helpers for the benchmarks: one child process's wall time and peak RSS."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

GNU_TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def run_once(argv: Sequence[str], env: dict[str, str], rss_file: Path) -> tuple[float, float | None]:
    """Wall time (s) and peak RSS (MiB, or None without GNU time) of one child process.

    The peak RSS comes from GNU time, not from our own wait4: Linux carries the parent's
    high-water mark into a forked child's ru_maxrss at exec, so a child of this script would
    report at least this script's own size. GNU time is a small C program; its child's figure
    is the command's own. Standard input is closed so that no command can wait on a prompt.
    """
    if GNU_TIME:
        argv = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *argv]
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace")[-2000:]
        raise SystemExit(f"benchmark command failed ({done.returncode}): {' '.join(argv)}\n{said}")
    if not GNU_TIME:
        return elapsed, None
    return elapsed, int(rss_file.read_text().split()[-1]) / 1024
