"""`fixkit undo` through the command line, on journals written by real applies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixkit.apply import Applier, Journal
from fixkit.model import Diagnosis, Fix, Safety, edit_between
from fixkit.plan import Plan


def fixkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixkit", *args], capture_output=True, text=True, timeout=120)


def apply_rewrite(root: Path, files: dict[str, str]) -> None:
    diagnoses = []
    for rel, new in files.items():
        old = (root / rel).read_text()
        diagnoses.append(Diagnosis("FK201", "missing-module", rel, rel, 1, symbol=rel, fix=Fix("rewrite", Safety.SAFE, (edit_between(rel, old, new),))))
    empty = Plan("t", str(root), (), ())
    Applier(root=root, make_plan=lambda: empty).run(Plan("t", str(root), (), tuple(diagnoses)))


def test_undo_cli_restores_then_reports_nothing_left(tmp_path):
    (tmp_path / "a.py").write_text("import old\n")
    apply_rewrite(tmp_path, {"a.py": "import new\n"})
    proc = fixkit("undo", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "restored a.py" in proc.stdout
    assert (tmp_path / "a.py").read_text() == "import old\n"
    again = fixkit("undo", str(tmp_path))
    assert again.returncode == 2
    assert again.stderr.startswith("fixkit: nothing to undo") and again.stderr.count("\n") == 1


def test_undo_steps_back_through_several_applies(tmp_path):
    (tmp_path / "a.py").write_text("v = 1\n")
    apply_rewrite(tmp_path, {"a.py": "v = 2\n"})
    apply_rewrite(tmp_path, {"a.py": "v = 3\n"})
    assert fixkit("undo", str(tmp_path)).returncode == 0
    assert (tmp_path / "a.py").read_text() == "v = 2\n"
    assert fixkit("undo", str(tmp_path)).returncode == 0
    assert (tmp_path / "a.py").read_text() == "v = 1\n"


def test_undo_keeps_files_edited_after_apply_and_exits_1(tmp_path):
    (tmp_path / "a.py").write_text("v = 1\n")
    (tmp_path / "b.py").write_text("w = 1\n")
    apply_rewrite(tmp_path, {"a.py": "v = 2\n", "b.py": "w = 2\n"})
    (tmp_path / "b.py").write_text("w = 'mine'\n")
    proc = fixkit("undo", str(tmp_path))
    assert proc.returncode == 1
    assert "kept b.py: changed after apply" in proc.stdout
    assert (tmp_path / "a.py").read_text() == "v = 1\n"
    assert (tmp_path / "b.py").read_text() == "w = 'mine'\n"
    assert Journal.latest(tmp_path) is None  # not offered again


def test_bad_paths_are_one_line_errors(tmp_path):
    for args in (("undo", str(tmp_path / "missing")), ("verify", str(tmp_path / "missing")), ("apply", str(tmp_path / "missing"), "--yes")):
        proc = fixkit(*args)
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
