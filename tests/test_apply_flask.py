"""End to end on a copy of the flask_inventory sample (src layout, requirements.txt)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "sample_projects" / "flask_inventory"

if importlib.util.find_spec("dateutil"):
    pytest.skip("python-dateutil is installed here: the sample expects it missing", allow_module_level=True)


def fixkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixkit", *args], capture_output=True, text=True, timeout=900, env=dict(os.environ))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".fixkit_cache" not in p.relative_to(root).parts}


def test_apply_verify_report_undo_on_the_flask_sample(tmp_path):
    root = tmp_path / "inventory"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".fixkit_cache"))
    original = snapshot(root)

    before = json.loads(fixkit("verify", str(root), "--format", "json", "--python", sys.executable).stdout)
    assert (before["total"], before["loaded"]) == (8, 5)
    assert not before["routes"]["ok"]  # create_app() fails on the first broken blueprint

    proc = fixkit("apply", str(root), "--yes", "--no-install", "--python", sys.executable)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # python-dateutil is left to install
    assert "5/8 → 7/8 entry points import" in proc.stdout
    assert "pip install 'python-dateutil" in proc.stdout

    after = json.loads(fixkit("verify", str(root), "--format", "json", "--python", sys.executable).stdout)
    failing = [i for i in after["items"] if not i["ok"]]
    assert [i["module"] for i in failing] == ["inventory.blueprints.reports"]
    assert failing[0]["exception"]["name"] == "dateutil"
    # the requirement was declared where the project declares its dependencies
    assert "python-dateutil" in (root / "requirements.txt").read_text()

    report = tmp_path / "report.md"
    assert fixkit("report", str(root), "-o", str(report), "--python", sys.executable).returncode == 1
    text = report.read_text()
    assert "**5/8 → 7/8**" in text and "| `inventory.blueprints.stock` | ❌ fails | ✅ loads |" in text

    assert fixkit("undo", str(root)).returncode == 0
    assert snapshot(root) == original
