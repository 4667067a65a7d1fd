"""The user's editor in tests of `papers edit`: `python fake_editor.py FOLDER FILE`.

Run N (counted in FOLDER/runs) copies what it was given to FOLDER/seen-N.yaml, then, if
FOLDER/during-N.json exists ({"path": ..., "old": ..., "new": ...}), replaces `old` by `new` in
that file (another program saving the catalogue while the editor is open), then writes
FOLDER/answer-N.yaml over FILE (no answer: FILE stays as it was, like quitting without a change).
FOLDER/exit-N holds an exit status to end with instead of 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    folder, file = Path(sys.argv[1]), Path(sys.argv[2])
    counter = folder / "runs"
    run = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(run))
    (folder / f"seen-{run}.yaml").write_bytes(file.read_bytes())
    during = folder / f"during-{run}.json"
    if during.exists():
        change = json.loads(during.read_text())
        target = Path(change["path"])
        text = target.read_text(encoding="utf-8")
        assert change["old"] in text, change
        target.write_text(text.replace(change["old"], change["new"], 1), encoding="utf-8")
    answer = folder / f"answer-{run}.yaml"
    if answer.exists():
        file.write_bytes(answer.read_bytes())
    status = folder / f"exit-{run}"
    return int(status.read_text()) if status.exists() else 0


if __name__ == "__main__":
    sys.exit(main())
