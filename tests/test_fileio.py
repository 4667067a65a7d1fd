"""Writes that respect the file system: symlinks, owners and modes, read-only files, pipes and
terminals, another program's save, a full disk and the temp files an interrupted write leaves."""

from __future__ import annotations

import contextlib
import errno
import os
import pty
import select
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SHIPPED, Run
from papers.errors import CatalogueChangedError, CatalogueError, OutputError
from papers.store import fileio
from papers.store import load as storage

SMALL = """\
sections:
  - name: Attention
    items:
      - key: flash
        title: FlashAttention
      - key: bert
        title: BERT
"""
ROOT = os.geteuid() == 0
OTHER_UID, OTHER_GID = 12345, 23456


@pytest.fixture
def umask_002() -> Iterator[None]:
    """A umask a shared setup uses (group may write), unlike the usual 022 and unlike 0600."""
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".part")))


def status_of(path: Path, key: str) -> str:
    return storage.load_catalogue(path)[key].status


# --- symlinks --------------------------------------------------------------------------------------


def test_a_catalogue_reached_through_a_symlink_is_written_where_it_lives(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "papers.yaml"
    real.write_text(SMALL)
    home = tmp_path / "home"
    home.mkdir()
    link = home / "papers.yaml"
    link.symlink_to(real)
    monkeypatch.setenv("PAPERS_FILE", str(link))
    assert run("done", "bert").exit_code == 0
    assert link.is_symlink() and link.resolve() == real
    assert status_of(real, "bert") == "done"
    # Locked where it lives: a second link elsewhere shares the same lock.
    assert (dotfiles / ".papers.yaml.lock").is_file()
    assert sorted(p.name for p in home.iterdir()) == ["papers.yaml"]


def test_a_new_catalogue_through_a_dangling_symlink_is_created_at_its_target(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "dotfiles" / "papers.yaml"
    real.parent.mkdir()
    link = tmp_path / "papers-link.yaml"
    link.symlink_to(real)
    monkeypatch.setenv("PAPERS_FILE", str(link))
    result = run("add", "Mamba", "--section", "Models", "--new-section")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert storage.load_catalogue(real).keys == {"mamba"}


# --- owner, group, mode ----------------------------------------------------------------------------


def test_a_write_keeps_the_files_mode(run: Run, catalogue_file: Path) -> None:
    catalogue_file.chmod(0o640)
    assert run("done", "bert").exit_code == 0
    assert mode(catalogue_file) == 0o640


def test_a_write_keeps_the_files_owner_and_group(run: Run, catalogue_file: Path) -> None:
    # As root (CI) the file can belong to anyone; otherwise keep a group of our own if we have two.
    if ROOT:
        uid, gid = OTHER_UID, OTHER_GID
    else:  # pragma: no cover - CI runs as root
        uid, gid = os.getuid(), ([g for g in os.getgroups() if g != os.getgid()] or [os.getgid()])[0]
    os.chown(catalogue_file, uid, gid)
    assert run("done", "bert").exit_code == 0
    st = os.stat(catalogue_file)
    assert (st.st_uid, st.st_gid) == (uid, gid)


@pytest.mark.usefixtures("umask_002")
def test_new_files_get_0666_minus_the_umask(run: Run, isolated: Path, write_catalogue: Callable) -> None:
    seed = isolated / "list.md"
    seed.write_text("## Attention\n\n- [ ] FlashAttention\n")
    assert run("import", str(seed)).exit_code == 0
    assert mode(isolated / "papers.yaml") == 0o664
    assert run("--file", "other.yaml", "add", "Mamba", "--section", "Models", "--new-section").exit_code == 0
    assert mode(isolated / "other.yaml") == 0o664
    assert run("export", "-o", "out.md").exit_code == 0
    assert run("progress", "--svg", "p.svg", "--html", "p.html").exit_code == 0
    assert run("note", "flashattention", "--no-edit").exit_code == 0
    for name in ("out.md", "p.svg", "p.html", "notes/flashattention.md"):
        assert mode(isolated / name) == 0o664, name


def test_a_replaced_export_keeps_its_mode(run: Run, catalogue_file: Path, isolated: Path) -> None:
    out = isolated / "out.md"
    out.write_text("old\n")
    out.chmod(0o604)
    assert run("export", "-o", "out.md").exit_code == 0
    assert mode(out) == 0o604
    assert out.read_text().startswith("#")


# --- read-only -------------------------------------------------------------------------------------


def test_a_read_only_catalogue_is_refused_and_left_alone(
    run: Run, catalogue_file: Path, isolated: Path
) -> None:
    before = catalogue_file.read_bytes()
    catalogue_file.chmod(0o444)  # root ignores the bits; papers checks them itself
    result = run("done", "bert")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: papers.yaml is read-only: nothing was changed. Make it writable first (chmod u+w).\n"
    )
    assert catalogue_file.read_bytes() == before
    assert mode(catalogue_file) == 0o444
    assert sorted(p.name for p in isolated.iterdir() if p.name.startswith(".")) == []


def test_a_catalogue_in_a_read_only_folder_is_refused(run: Run, isolated: Path) -> None:
    folder = isolated / "shared"
    folder.mkdir()
    path = folder / "papers.yaml"
    path.write_text(SMALL)
    folder.chmod(0o555)
    try:
        result = run("--file", str(path), "done", "bert")
        assert sorted(p.name for p in folder.iterdir()) == ["papers.yaml"]
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: the folder of shared/papers.yaml is read-only: nothing was changed."
    )
    assert path.read_text() == SMALL


def test_a_read_only_export_target_is_refused(run: Run, catalogue_file: Path, isolated: Path) -> None:
    out = isolated / "out.md"
    out.write_text("mine\n")
    out.chmod(0o444)
    result = run("export", "-o", "out.md")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: out.md is read-only: nothing was changed. Make it writable first (chmod u+w).\n"
    )
    assert out.read_text() == "mine\n"


def test_a_catalogue_that_is_a_fifo_is_refused_before_it_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "papers.yaml"
    os.mkfifo(fifo)  # reading it would wait for a writer forever: the refusal comes first
    with pytest.raises(CatalogueError) as caught, storage.editing(fifo):
        pass  # pragma: no cover - never reached
    assert str(caught.value).endswith(
        "is not a regular file (a pipe, device or folder): nothing was changed. Name a file"
    )


def test_an_export_that_cannot_be_written_is_an_output_error_not_a_catalogue_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="could not write") as caught:
        fileio.write_output(tmp_path / "no" / "such" / "out.md", "x")
    assert not isinstance(caught.value, CatalogueError)


# --- pipes, terminals, devices ----------------------------------------------------------------------


def test_export_into_a_fifo_writes_into_it(run: Run, write_catalogue: Callable, isolated: Path) -> None:
    write_catalogue(SMALL)
    fifo = isolated / "out.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there, so the write does not wait
    try:
        assert run("export", "-o", str(fifo)).exit_code == 0
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        received = os.read(reader, 65536)
    finally:
        os.close(reader)
    assert received.decode() == run("export").stdout


def test_export_into_a_terminal_writes_into_it(run: Run, write_catalogue: Callable) -> None:
    write_catalogue(SMALL)
    master, slave = pty.openpty()
    try:
        terminal = os.ttyname(slave)
        assert run("export", "-o", terminal).exit_code == 0
        assert stat.S_ISCHR(os.stat(terminal).st_mode)
        expected = run("export").stdout.encode()
        received = b""
        while (
            len(received.replace(b"\r\n", b"\n")) < len(expected) and select.select([master], [], [], 10)[0]
        ):
            received += os.read(master, 65536)
    finally:
        os.close(master)
        os.close(slave)
    assert received.replace(b"\r\n", b"\n") == expected


def _papers(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    result: subprocess.CompletedProcess[bytes] = subprocess.run(
        [sys.executable, "-m", "papers", *args], check=False, timeout=60, **kwargs
    )
    return result


# The commands below use /dev/fd/1, the same open descriptor as /dev/stdout: a regression that replaced
# it would fail to write into /proc instead of replacing the machine's /dev/stdout (as root, on CI).
@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/stderr", "/dev/fd/1", "/proc/self/fd/2"])
def test_names_of_open_descriptors_are_written_into(name: str, tmp_path: Path) -> None:
    assert fileio._writes_into(Path(name))
    (tmp_path / "out.md").symlink_to(name)  # also through a link of the user's
    assert fileio._writes_into(tmp_path / "out.md")
    assert not fileio._writes_into(Path("/dev/shm/out.md"))


def test_export_to_dev_stdout_writes_into_a_pipe(catalogue_file: Path) -> None:
    piped = _papers("export", "-o", "/dev/fd/1", capture_output=True)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == _papers("export", capture_output=True).stdout


def test_export_to_dev_stdout_appends_to_a_file_and_never_replaces_it(
    catalogue_file: Path, isolated: Path
) -> None:
    log = isolated / "log.md"
    log.write_text("before\n")
    inode = log.stat().st_ino
    with open(log, "ab") as out:
        result = _papers("export", "-o", "/dev/fd/1", stdout=out, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    assert log.stat().st_ino == inode
    assert log.read_bytes() == b"before\n" + _papers("export", capture_output=True).stdout


def test_export_into_a_pipe_shows_control_characters_escaped(write_catalogue: Any) -> None:
    # -o /dev/fd/1 is whatever stdout is: a terminal or a pipe gets the same escapes stdout does.
    write_catalogue(
        'sections:\n  - name: S\n    items:\n      - key: t\n        title: "T \\e]0;PWNED\\a \\x9b31m"\n'
    )
    piped = _papers("export", "-o", "/dev/fd/1", capture_output=True)
    assert piped.returncode == 0, piped.stderr
    assert b"\x1b" not in piped.stdout and "\x9b".encode() not in piped.stdout
    assert b"\\x1b]0;PWNED\\x07" in piped.stdout


# --- another program's save --------------------------------------------------------------------------

EDITOR_SAVE = """\
import os, sys
path = sys.argv[1]
text = open(path).read().replace("sections:", "# saved by my editor\\nsections:", 1)
with open(path + ".swp", "w") as f:
    f.write(text)
os.replace(path + ".swp", path)
"""


def editor_saves(path: Path) -> None:
    """Another program (a real process) saves the file the way editors do: write and rename."""
    subprocess.run([sys.executable, "-c", EDITOR_SAVE, str(path)], check=True, timeout=60)


def test_a_save_between_read_and_rename_is_never_overwritten(catalogue_file: Path) -> None:
    with pytest.raises(CatalogueChangedError) as caught, storage.editing(catalogue_file) as editor:
        editor.set_fields("bert", {"status": "done"})
        editor_saves(catalogue_file)
    assert str(caught.value) == (
        "papers.yaml was saved by another program while papers was editing it: nothing was written, "
        "so its changes are kept. Run the command again"
    )
    text = catalogue_file.read_text()
    assert "# saved by my editor" in text
    assert status_of(catalogue_file, "bert") == "todo"


def test_edit_runs_the_change_again_on_the_file_another_program_saved(catalogue_file: Path) -> None:
    calls = []

    def tick(editor: storage.Editor) -> str:
        calls.append(editor.text.count("# saved by my editor"))
        editor.set_fields("bert", {"status": "done"})
        if len(calls) == 1:
            editor_saves(catalogue_file)
        return "ticked"

    assert storage.edit(catalogue_file, tick) == "ticked"
    assert calls == [0, 1]  # the second run saw the other program's save
    assert "# saved by my editor" in catalogue_file.read_text()
    assert status_of(catalogue_file, "bert") == "done"


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (("done", "bert"), "bert"),
        (("start", "flashattention"), "flashattention"),
        (("add", "Mamba 2", "--section", "Models"), "mamba-2"),
        (("import", "list.md"), "brand-new-paper"),
    ],
)
def test_a_command_redoes_its_edit_on_the_file_another_program_saved(
    run: Run,
    catalogue_file: Path,
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    key: str,
) -> None:
    (isolated / "list.md").write_text("## Models\n\n- [ ] A brand new paper\n")
    before = storage.load_catalogue(catalogue_file)
    write, saved = storage.write_atomically, []

    def saved_first(*a: object, **kw: object) -> None:
        if not saved:  # the other program saves once, after papers read the file, before it writes
            saved.append(1)
            editor_saves(catalogue_file)
        write(*a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "write_atomically", saved_first)
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert "# saved by my editor" in catalogue_file.read_text()
    after = storage.load_catalogue(catalogue_file)
    assert key in after.keys
    assert after[key] != (before[key] if key in before.keys else None)


def test_edit_gives_up_on_a_file_that_keeps_changing(catalogue_file: Path) -> None:
    def tick(editor: storage.Editor) -> None:
        editor.set_fields("bert", {"status": "done"})
        editor_saves(catalogue_file)

    with pytest.raises(CatalogueChangedError):
        storage.edit(catalogue_file, tick)
    assert catalogue_file.read_text().count("# saved by my editor") == 3
    assert status_of(catalogue_file, "bert") == "todo"


def test_a_same_size_in_place_save_within_one_clock_tick_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"version one\n")
    seen = fileio.read_snapshot(path)
    st = path.stat()
    with open(path, "r+b") as f:  # in place: same inode, same size, and the old mtime put back
        f.write(b"VERSION")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(fileio.ChangedError):
        fileio.write_bytes(path, b"papers' version\n", expected=seen)
    assert path.read_bytes() == b"VERSION one\n"
    assert temp_files(tmp_path) == []


# A papers process that stops just before it writes, until the test says go (a byte on stdin), after
# telling the test (a byte on a pipe) that it has read the file.
PAUSED_PAPERS = """\
import os, sys
from papers.store import load
from papers.cli import main
write, paused = load.write_atomically, []
def pausing(*args, **kwargs):
    if not paused:
        paused.append(1)
        os.write(int(os.environ["READ_FD"]), b"R")
        sys.stdin.read(1)
    return write(*args, **kwargs)
load.write_atomically = pausing
sys.argv = ["papers", *sys.argv[1:]]
main()
"""


def test_an_in_place_save_caught_half_written_loses_nothing(catalogue_file: Path) -> None:
    """An editor that saves in place is caught half-way: papers reads the half (valid YAML), then
    the editor finishes before papers writes. The whole catalogue must survive, with the tick."""
    full = catalogue_file.read_text()
    cut = full.index("  - name: Vision")  # a section boundary: the half file parses
    items_before = len(storage.load_catalogue(catalogue_file).items)
    catalogue_file.write_text(full[:cut])  # the editor has truncated and written the first half
    read_r, read_w = os.pipe()
    with subprocess.Popen(
        [sys.executable, "-c", PAUSED_PAPERS, "done", "bert"],
        env={**os.environ, "READ_FD": str(read_w)},
        pass_fds=(read_w,),
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as papers:
        os.close(read_w)
        try:
            assert select.select([read_r], [], [], 60)[0], "papers never reached its write"
            assert os.read(read_r, 1) == b"R"
            with open(catalogue_file, "a") as editor:  # the editor writes the rest, in place
                editor.write(full[cut:])
            _, err = papers.communicate(b"g", timeout=60)
        finally:
            os.close(read_r)
            if papers.poll() is None:  # pragma: no cover - only when the test already failed
                papers.kill()
    assert papers.returncode == 0, err
    assert len(storage.load_catalogue(catalogue_file).items) == items_before
    assert status_of(catalogue_file, "bert") == "done"


# --- full disk, interrupted writes --------------------------------------------------------------------


def no_space(fd: int, data: bytes) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_note_that_cannot_be_written_leaves_no_empty_note(
    run: Run, catalogue_file: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = catalogue_file.read_bytes()
    monkeypatch.setattr(os, "write", no_space)
    result = run("note", "bert", "--no-edit")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: could not create notes/bert.md: No space left on device. Check that the catalogue's folder is writable.\n"
    )
    assert list((isolated / "notes").iterdir()) == []
    assert catalogue_file.read_bytes() == before


def test_a_note_cut_short_by_a_real_write_limit_leaves_no_note(catalogue_file: Path, isolated: Path) -> None:
    """A real failing write (RLIMIT_FSIZE, as a full disk would), not a patched one."""
    import resource
    import signal

    def limit() -> None:  # in the child: writes past 64 bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    result = _papers("note", "bert", "--no-edit", capture_output=True, preexec_fn=limit)
    assert result.returncode == 1
    assert result.stderr.decode().startswith("Error: could not create notes/bert.md: File too large.")
    assert list((isolated / "notes").iterdir()) == []


KILLED_MID_WRITE = """\
import os, sys
from papers.cli import main
def dying(real):
    def die(src, dst, *args, **kwargs):
        if str(dst).endswith(("papers.yaml", ".md")):  # the catalogue or a note, not a cache record
            os._exit(9)
        return real(src, dst, *args, **kwargs)
    return die
os.replace, os.link = dying(os.replace), dying(os.link)
sys.argv = ["papers", *sys.argv[1:]]
main()
"""


def test_temp_files_of_a_killed_write_are_removed_by_the_next_write(
    catalogue_file: Path, isolated: Path
) -> None:
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, "done", "bert"], check=False, timeout=60)
    assert killed.returncode == 9
    assert len(temp_files(isolated)) == 1
    assert _papers("done", "t5").returncode == 0
    assert temp_files(isolated) == []
    assert status_of(catalogue_file, "t5") == "done"


def test_temp_files_of_a_killed_note_are_removed_by_the_next_note(
    catalogue_file: Path, isolated: Path
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, "note", "bert", "--no-edit"], check=False, timeout=60
    )
    assert killed.returncode == 9
    assert len(temp_files(isolated / "notes")) == 1
    assert not (isolated / "notes" / "bert.md").exists()
    assert _papers("note", "t5", "--no-edit", capture_output=True).returncode == 0
    assert temp_files(isolated / "notes") == []


def test_a_temp_file_a_live_writer_holds_is_not_swept(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    with fileio.atomic_writer(target) as handle:
        handle.write(b"in progress")
        (held,) = temp_files(tmp_path)
        fileio.write_bytes(tmp_path / "other.md", b"x")  # sweeps the folder
        assert temp_files(tmp_path) == [held]
    assert target.read_bytes() == b"in progress"
    assert temp_files(tmp_path) == []


def test_a_cache_record_is_replaced_even_when_read_only(tmp_path: Path) -> None:
    """A cache is papers' own file: a read-only one is replaced, not a reason to fail a fetch."""
    record = tmp_path / "1706.03762.json"
    record.write_bytes(b"old")
    record.chmod(0o444)
    fileio.atomic_write_bytes(record, b"new")
    assert record.read_bytes() == b"new"
    assert mode(record) == 0o444


def test_a_change_flushes_the_catalogue_to_the_disk_and_not_the_caches_written_with_it(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), fsync(fd))[1])
    fileio.atomic_write_bytes(catalogue_file.with_name("record.json"), b"{}")
    assert synced == []
    assert run("done", "gqa").exit_code == 0  # also writes the parse cache's two files and the journal
    assert len(synced) == 2  # the catalogue and its folder


def test_a_failed_atomic_writer_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), fileio.atomic_writer(target) as handle:
        handle.write(b"new")
        raise RuntimeError
    assert target.read_bytes() == b"old"
    assert temp_files(tmp_path) == []


# --- notes -----------------------------------------------------------------------------------------


def test_a_symlink_planted_at_a_note_is_refused(run: Run, catalogue_file: Path, isolated: Path) -> None:
    (isolated / "notes").mkdir()
    victim = isolated / "victim.txt"
    victim.write_text("precious\n")
    (isolated / "notes" / "bert.md").symlink_to(victim)
    before = catalogue_file.read_bytes()
    result = run("note", "bert", "--no-edit")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: notes/bert.md is a symbolic link, which papers will not follow: nothing was changed. "
        "Put the note itself there, or name the note's file in the item's note: field.\n"
    )
    assert victim.read_text() == "precious\n"
    assert catalogue_file.read_bytes() == before


def test_a_dangling_symlink_at_a_note_is_not_written_through(tmp_path: Path) -> None:
    from papers.notes import create_note

    (tmp_path / "note.md").symlink_to(tmp_path / "elsewhere.md")
    assert create_note(tmp_path / "note.md", "x") is False
    assert not (tmp_path / "elsewhere.md").exists()


def test_without_hard_links_a_note_is_still_created_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.notes import create_note

    def no_links(src: str, dst: str) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert create_note(tmp_path / "n.md", "first") is True
    assert create_note(tmp_path / "n.md", "second") is False
    assert (tmp_path / "n.md").read_text() == "first"
    assert temp_files(tmp_path) == []


def test_a_writer_thread_and_a_sweep_never_lose_the_write(tmp_path: Path) -> None:
    """Writers in one folder sweep each other's temp files only when abandoned."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(30):
                fileio.write_bytes(tmp_path / f"f{n}.md", f"{n}-{i}".encode())
        except BaseException as err:  # pragma: no cover - only when the test fails
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {(tmp_path / f"f{n}.md").read_text() for n in range(4)} == {f"{n}-29" for n in range(4)}
    assert temp_files(tmp_path) == []


def test_a_shared_catalogue_in_a_setgid_folder(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two members of a group edit one catalogue in a setgid folder, each with umask 022."""
    shared = Path(tempfile.mkdtemp(prefix="papers-shared-"))
    try:
        catalogue = shared / "papers.yaml"
        catalogue.write_bytes(SHIPPED.read_bytes())
        gid = OTHER_GID if ROOT else os.getgid()
        os.chown(shared, -1, gid)
        shared.chmod(0o2775)
        os.chown(catalogue, -1, gid)
        catalogue.chmod(0o664)
        monkeypatch.chdir(shared)
        monkeypatch.setenv("PAPERS_FILE", str(catalogue))
        old_umask = os.umask(0o022)
        try:
            assert run("list").exit_code == 0  # imports everything while still ourselves
            for uid, key in ((10001, "bert"), (10002, "t5")):
                with as_user(uid, gid):
                    result = run("done", key)
                assert result.exit_code == 0, result.stderr
        finally:
            os.umask(old_umask)
        lock = os.stat(shared / ".papers.yaml.lock")
        assert lock.st_gid == gid
        assert os.stat(catalogue).st_gid == gid
        assert mode(catalogue) == 0o664
        assert status_of(catalogue, "bert") == status_of(catalogue, "t5") == "done"
    finally:
        subprocess.run(["rm", "-rf", str(shared)], check=True)


@contextlib.contextmanager
def as_user(uid: int, gid: int) -> Iterator[None]:
    """As root: act as another user (effective ids) in group `gid`. Otherwise make our own lock
    file read-only, which takes papers down the same path: a lock file it cannot open for writing."""
    if not ROOT:  # pragma: no cover - CI runs as root
        lock = Path(".papers.yaml.lock")
        if lock.exists():
            lock.chmod(0o444)
        yield
        return
    groups = os.getgroups()
    os.setgroups([gid])
    os.setegid(gid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)
        os.setgroups(groups)
