"""Discovery on real directories: what is walked (never `.git`) and which interpreter is
the target (the project's own virtualenv, made here with `python -m venv`, unless
`--python` names another)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fixkit.config import load_config
from fixkit.plan import make_plan
from fixkit.project import discover
from tests.helpers import write_files

# Python files git itself keeps: a hook, a submodule's checkout, and a broken file that
# would be a syntax-error diagnosis if discovery read it.
GIT_FILES = {
    ".git/hooks/pre_commit.py": "import sys\nimport not_installed_anywhere\n",
    ".git/modules/vendor/lib/helper.py": "def broken(:\n",
    "vendor/lib/.git/objects/stray.py": "import also_not_installed\n",
}


def test_discovery_never_walks_dot_git(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/main.py": "import json\n",
        "vendor/lib/__init__.py": "",
        # the same kind of file in a directory git does not own is found: only `.git` is skipped
        "git/hooks/pre_commit.py": "import sys\n",
        **GIT_FILES,
    })  # fmt: skip
    project = discover(load_config(tmp_path, use_cache=False))
    assert sorted(project.files) == ["app/__init__.py", "app/main.py", "git/hooks/pre_commit.py", "vendor/lib/__init__.py"]
    assert not any(".git" in path.split("/") for path in project.files)
    assert sorted(project.modules) == ["app", "app.main", "git.hooks.pre_commit", "vendor.lib"]


def test_a_plan_reports_nothing_from_dot_git(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "pyproject.toml": '[tool.fixkit]\nentry-points = ["app.main"]\n',
        "app/__init__.py": "",
        "app/main.py": "import json\n",
        **GIT_FILES,
    })  # fmt: skip
    plan = make_plan(load_config(tmp_path, use_cache=False, offline=True))
    assert [(d.code, d.file) for d in plan.diagnoses] == []
    assert [e.module for e in plan.entry_points] == ["app.main"]


def make_venv(path: Path) -> Path:
    """A real virtualenv of this interpreter (no pip: creating it takes a fraction of a
    second); returns its site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, capture_output=True, timeout=120)
    [site] = (path / "lib").glob("python3.*/site-packages")
    return site


PROJECT = {
    "pyproject.toml": '[tool.fixkit]\nentry-points = ["app.main"]\n',
    "app/__init__.py": "",
    # `pytest` is installed where the tests run, never in a fresh virtualenv;
    # `only_in_the_venv` is installed in the project's virtualenv only.
    "app/main.py": "import pytest\nimport only_in_the_venv\n",
}


def missing(plan) -> set[str]:
    return {d.module for d in plan.diagnoses if d.kind == "missing-dependency"}


@pytest.mark.parametrize("venv_name", [".venv", "venv"])
def test_the_project_virtualenv_is_the_target_interpreter(tmp_path: Path, venv_name: str) -> None:
    write_files(tmp_path, PROJECT)
    site = make_venv(tmp_path / venv_name)
    (site / "only_in_the_venv.py").write_text("VALUE = 1\n")

    project = discover(load_config(tmp_path, use_cache=False))
    assert project.python == str(tmp_path.resolve() / venv_name / "bin" / "python")
    # the virtualenv is the environment, not the project's source
    assert sorted(project.files) == ["app/__init__.py", "app/main.py"]

    # imports are judged against what the virtualenv has, not what fixkit runs in
    plan = make_plan(load_config(tmp_path, use_cache=False, offline=True))
    assert missing(plan) == {"pytest"}


def test_python_given_wins_over_the_project_virtualenv(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    site = make_venv(tmp_path / ".venv")
    (site / "only_in_the_venv.py").write_text("VALUE = 1\n")

    config = load_config(tmp_path, use_cache=False, offline=True, python=sys.executable)
    assert discover(config).python == str(Path(sys.executable).absolute())
    assert missing(make_plan(config)) == {"only_in_the_venv"}


def test_without_a_virtualenv_the_running_interpreter_is_the_target(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    # a directory named .venv that is not a virtualenv (no interpreter in it) is not used
    write_files(tmp_path, {".venv/README": "not a virtualenv\n"})
    assert discover(load_config(tmp_path, use_cache=False)).python == sys.executable
