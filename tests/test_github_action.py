"""action.yml and .pre-commit-hooks.yaml: well-formed, injection-safe, and their commands run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fixkit.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())


def test_action_is_a_composite_with_shell_steps():
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    assert [s["name"] for s in steps] == ["Install fixkit", "fixkit plan", "fixkit pr-review", "Fail on problems"]
    for step in steps:
        assert step["shell"] == "bash"
    assert "pull_request" in steps[2]["if"]
    assert set(ACTION["inputs"]) >= {"path", "python", "args", "review", "all", "sarif-file", "fail-on-problems", "github-token"}


def test_action_scripts_never_interpolate_expressions():
    # `${{ }}` inside a script is script injection (a branch name or an input becomes
    # code); every value reaches the scripts through `env:`.
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]


def test_action_commands_parse_with_the_cli():
    parser = build_parser()
    script = "\n".join(step["run"] for step in ACTION["runs"]["steps"])
    assert re.search(r"fixkit plan \"\$INPUT_PATH\" --python \"\$FIXKIT_TARGET_PYTHON\" --format github-annotations", script)
    parser.parse_args(["plan", ".", "--python", "py", "--format", "github-annotations"])
    parser.parse_args(["plan", ".", "--python", "py", "--format", "sarif", "-o", "out.sarif"])
    parser.parse_args(["pr-review", ".", "--python", "py", "--repo", "o/r", "--pr", "3", "--all"])


def test_pre_commit_hooks_run_whole_project_commands():
    parser = build_parser()
    ids = {hook["id"] for hook in HOOKS}
    assert ids == {"fixkit", "fixkit-apply", "fixkit-system"}
    for hook in HOOKS:
        assert hook["pass_filenames"] is False and hook["require_serial"] is True
        argv = hook["entry"].split()
        assert argv[0] == "fixkit"
        parser.parse_args(argv[1:])
        assert re.search(hook["files"], "app/routers/x.py") and re.search(hook["files"], "requirements-dev.txt")
        assert not re.search(hook["files"], "README.md")


def _plan_works() -> bool:
    try:
        from fixkit.plan import make_plan  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_plan_step_runs_as_github_would(tmp_path):
    if not _plan_works():
        pytest.skip("fixkit.plan.make_plan is not there yet")
    sample = REPO / "sample_projects" / "engarde_backend"
    project = tmp_path / "engarde_backend"
    shutil.copytree(sample, project)
    step = next(s for s in ACTION["runs"]["steps"] if s["name"] == "fixkit plan")
    out, summary, sarif = tmp_path / "output", tmp_path / "summary.md", tmp_path / "plan.sarif"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "FIXKIT_TARGET_PYTHON": sys.executable,
        "INPUT_PATH": str(project),
        "INPUT_ARGS": "--offline",
        "SARIF_FILE": str(sarif),
        "GITHUB_OUTPUT": str(out),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = subprocess.run(["bash", "-c", step["run"]], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert out.read_text().strip() == "exit-code=1"
    assert re.search(r"^::error file=app/[^,]+\.py,line=\d+,col=\d+,title=FK\d{3} [a-z-]+::", result.stdout, re.M)
    assert "entry points import" in summary.read_text()
    assert '"version": "2.1.0"' in sarif.read_text()
