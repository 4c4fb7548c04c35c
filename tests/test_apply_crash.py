"""Killing apply mid-run: every file is old or new, never partial, and undo still works.

The apply runs in a real subprocess that dies for real: either at an injected point
(`FIXKIT_TEST_CRASH_AFTER_WRITES=N` makes it `os._exit` right after the N-th file
replacement) or by SIGKILL at an arbitrary moment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fixkit.apply import CRASH_ENV, Journal, undo

# The child: a plan that rewrites every app/m*.py (old body → new body), applied by
# fixkit.apply exactly as `fixkit apply` does.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fixkit.apply import Applier
    from fixkit.model import Diagnosis, Fix, Safety, edit_between
    from fixkit.plan import Plan

    root = Path(sys.argv[1])
    diagnoses = []
    for path in sorted((root / "app").glob("m*.py")):
        rel = path.relative_to(root).as_posix()
        old = path.read_text()
        edit = edit_between(rel, old, old.replace("OLD", "NEW"))
        diagnoses.append(Diagnosis("FK201", "missing-module", rel, rel, 1, symbol=rel, fix=Fix("rewrite", Safety.SAFE, (edit,))))
    plan = Plan("t", str(root), (), tuple(diagnoses))
    Applier(root=root, make_plan=lambda: Plan("t", str(root), (), ())).run(plan)
    print("done")
    """
)


def make_project(root: Path, files: int, size: int) -> dict[str, bytes]:
    originals = {}
    for i in range(files):
        # Big enough that a write is not instantaneous; every line changes.
        body = "".join(f"OLD_{i}_{n} = {n}\n" for n in range(size))
        path = root / "app" / f"m{i:04d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
        originals[path.relative_to(root).as_posix()] = body.encode()
    return originals


def assert_old_or_new(root: Path, originals: dict[str, bytes]) -> tuple[int, int]:
    old = new = 0
    for rel, data in originals.items():
        now = (root / rel).read_bytes()
        if now == data:
            old += 1
        elif now == data.replace(b"OLD", b"NEW"):
            new += 1
        else:
            raise AssertionError(f"{rel} is neither the old nor the new file ({len(now)} bytes)")
    leftovers = [p.name for p in (root / "app").iterdir() if not p.name.startswith("m")]
    assert not leftovers or all(p.endswith(".fixkit-tmp") for p in leftovers)
    return old, new


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.pop(CRASH_ENV, None)
    return e


def test_injected_crash_after_n_writes_leaves_old_or_new_files_and_undo_restores(tmp_path):
    originals = make_project(tmp_path, files=6, size=50)
    e = env()
    e[CRASH_ENV] = "3"
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], env=e, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 99, proc.stderr  # died at the injected point, not normally
    assert "done" not in proc.stdout
    old, new = assert_old_or_new(tmp_path, originals)
    assert (old, new) == (3, 3)
    journal = Journal.latest(tmp_path)
    assert journal is not None and journal.manifest["state"] == "applying"  # it never finished
    result = undo(tmp_path)
    assert not result.refused
    assert assert_old_or_new(tmp_path, originals) == (6, 0)
    for rel, data in originals.items():
        assert (tmp_path / rel).read_bytes() == data
    # undo also sweeps the temporary file a kill between write and rename can leave
    assert sorted(p.name for p in (tmp_path / "app").iterdir()) == sorted(Path(r).name for r in originals)


def count_new(root: Path, originals: dict[str, bytes]) -> int:
    n = 0
    for rel, data in originals.items():
        try:
            if (root / rel).read_bytes() != data:
                n += 1
        except OSError:
            pass
    return n


@pytest.mark.parametrize("after", [1, 15, 40])
def test_sigkill_mid_run_leaves_old_or_new_files_and_undo_restores(tmp_path, after):
    originals = make_project(tmp_path, files=60, size=400)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # Kill it for real once it is writing: after at least `after` files have changed.
    while count_new(tmp_path, originals) < after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "apply finished before it could be killed"
    old, new = assert_old_or_new(tmp_path, originals)
    assert old + new == len(originals)
    print(f"killed after {after}: {new} new, {old} old")
    if Journal.latest(tmp_path) is not None:
        result = undo(tmp_path)
        assert not result.refused
    for rel, data in originals.items():
        assert (tmp_path / rel).read_bytes() == data
    # undo also sweeps the temporary file a kill between write and rename can leave
    assert sorted(p.name for p in (tmp_path / "app").iterdir()) == sorted(Path(r).name for r in originals)
