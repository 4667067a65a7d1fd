"""The catalogue's lock: waited for with a timeout and said so, never through a planted symlink."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Run
from papers.errors import CatalogueError
from papers.store import lock


@pytest.fixture
def held(catalogue_file: Path) -> Iterator[int]:
    """The catalogue's lock, held by someone else (another open file description)."""
    fd = os.open(catalogue_file.parent / ".papers.yaml.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield fd
    finally:
        os.close(fd)


class Clock:
    """An injected clock: sleeping advances it, and can run something at a given moment."""

    def __init__(self) -> None:
        self.now = 0.0
        self.at: dict[float, object] = {}
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        for moment in [m for m in self.at if m <= self.now]:
            action = self.at.pop(moment)
            assert callable(action)
            action()


def test_a_held_lock_is_announced_then_given_up_on(catalogue_file: Path, held: int) -> None:
    clock, said = Clock(), []
    with (
        pytest.raises(CatalogueError) as caught,
        lock.hold(catalogue_file, timeout=5, clock=clock, sleep=clock.sleep, say=said.append),
    ):
        pass  # pragma: no cover - never reached
    assert str(caught.value) == (
        "papers.yaml stayed locked by another papers command for 5 s: nothing was changed. "
        "Run the command again when that one has finished ($PAPERS_LOCK_TIMEOUT sets how long to wait)"
    )
    assert said == ["waiting for another papers command to finish with papers.yaml (giving up after 5 s)"]
    assert 5 <= clock.now < 5.2
    assert max(clock.slept) <= 0.1  # polls often enough to notice the lock is free


def test_a_lock_freed_during_the_wait_is_taken(catalogue_file: Path, held: int) -> None:
    clock, said, ran = Clock(), [], []
    clock.at[2.0] = lambda: fcntl.flock(held, fcntl.LOCK_UN)
    with lock.hold(catalogue_file, timeout=30, clock=clock, sleep=clock.sleep, say=said.append):
        ran.append(clock.now)
    assert len(said) == 1
    assert 2.0 <= ran[0] < 2.2


def test_a_short_wait_says_nothing(catalogue_file: Path, held: int) -> None:
    clock, said = Clock(), []
    clock.at[0.5] = lambda: fcntl.flock(held, fcntl.LOCK_UN)
    with lock.hold(catalogue_file, timeout=30, clock=clock, sleep=clock.sleep, say=said.append):
        pass
    assert said == []


HOLDER = """\
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def test_a_command_gives_up_on_a_lock_another_process_holds(catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    lock_file = catalogue_file.parent / ".papers.yaml.lock"
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"held\n"
        result = subprocess.run(
            [sys.executable, "-m", "papers", "done", "bert"],
            env={**os.environ, "PAPERS_LOCK_TIMEOUT": "0"},
            capture_output=True,
            timeout=60,
            check=False,
        )
        holder.communicate(b"", timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "Error: papers.yaml stayed locked by another papers command for 0 s: nothing was changed. "
        "Run the command again when that one has finished ($PAPERS_LOCK_TIMEOUT sets how long to wait).\n"
    )
    assert catalogue_file.read_bytes() == before


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_lock_timeout_is_one_line(run: Run, catalogue_file: Path, value: str) -> None:
    result = run("done", "bert", env={"PAPERS_LOCK_TIMEOUT": value})
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: PAPERS_LOCK_TIMEOUT={value!r} is not a number of seconds. Set it to e.g. 30, or unset it.\n"
    )


def test_the_lock_file_honours_the_umask(run: Run, catalogue_file: Path) -> None:
    old = os.umask(0o002)
    try:
        assert run("done", "bert").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(catalogue_file.parent / ".papers.yaml.lock").st_mode) == 0o664


@pytest.mark.parametrize("target", ["missing", "existing"])
def test_a_symlink_planted_at_the_lock_is_refused(
    run: Run, catalogue_file: Path, isolated: Path, target: str
) -> None:
    victim = isolated / "victim"
    if target == "existing":
        victim.write_text("precious\n")
    (isolated / ".papers.yaml.lock").symlink_to(victim)
    before = catalogue_file.read_bytes()
    result = run("done", "bert")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the lock file .papers.yaml.lock is a symbolic link, which papers will not follow: "
        "nothing was changed. Remove it (papers makes a new one) and run the command again.\n"
    )
    assert catalogue_file.read_bytes() == before
    assert victim.exists() == (target == "existing")
    if target == "existing":
        assert victim.read_text() == "precious\n"


def test_a_lock_that_is_not_a_regular_file_is_refused(run: Run, catalogue_file: Path, isolated: Path) -> None:
    os.mkfifo(isolated / ".papers.yaml.lock")
    result = run("done", "bert")
    assert result.exit_code == 1
    assert "the lock file .papers.yaml.lock is not a regular file" in result.stderr


def test_a_lock_that_cannot_be_made_is_one_line(run: Run, catalogue_file: Path, isolated: Path) -> None:
    (isolated / ".papers.yaml.lock").mkdir()
    result = run("done", "bert")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot lock papers.yaml: Is a directory. Check that its folder is writable.\n"
    )


def test_the_wait_is_announced_on_stderr(
    catalogue_file: Path, held: int, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    clock.at[1.5] = lambda: fcntl.flock(held, fcntl.LOCK_UN)
    with lock.hold(catalogue_file, timeout=30, clock=clock, sleep=clock.sleep):
        pass
    assert capsys.readouterr().err == (
        "waiting for another papers command to finish with papers.yaml (giving up after 30 s)\n"
    )


def test_a_file_system_without_locks_is_one_line(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    result = run("done", "bert")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot lock papers.yaml: No locks available. "
        "Keep the catalogue on a file system that supports locks.\n"
    )
