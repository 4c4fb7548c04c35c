"""Issue 9: hostile and broken input never crashes fixkit.

Each project of `tests/hardening/builders.py` holds one hostile input next to an ordinary
fault (the canary).  For each: the fixture is first shown to fail at run time exactly as
claimed (its router loop runs in a subprocess), then `fixkit plan` must exit with a code
that says what happened, without a traceback, report the canary (the rest was analysed),
report the hostile file where Python itself fails on it, and give the same answer from
its cache.  The same inputs go through `fixkit.plan.make_plan`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hardening import builders
from hardening.builders import CANARY, Case

TIMEOUT = 180


def run_plan(root: Path, *extra: str, fmt: str = "json", prefix: list[str] = ()) -> subprocess.CompletedProcess:
    cmd = [*prefix, sys.executable, "-m", "fixkit", "plan", str(root), "--format", fmt, "--offline", *extra]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env={**os.environ, "FIXKIT_DEBUG": ""})
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(cmd)}` did not finish in {TIMEOUT}s (a FIFO read? a symlink loop?)")


def assert_no_crash(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "internal error" not in proc.stderr, proc.stderr[-3000:]
    assert "not implemented" not in proc.stderr, proc.stderr


def runtime_failed_routers(root: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", "import app.main"], cwd=root, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {f"app.routers.{line.split('router ', 1)[1].split(':', 1)[0]}" for line in proc.stderr.splitlines() if "Failed to load router" in line}


def find(plan: dict, kind: str | None, file: str, line: int | None = None) -> list[dict]:
    return [d for d in plan["diagnoses"] if d["file"] == file and (kind is None or d["kind"] == kind) and (line is None or d["line"] == line)]


def blocked_entry_points(plan: dict) -> set[str]:
    return {e["module"] for e in plan["entry_points"]["items"] if e["blocked_by"]}


CASES = [pytest.param(b, id=b.__name__.removeprefix("build_")) for b in builders.BUILDERS]


@pytest.mark.parametrize("builder", CASES)
def test_fixture_fails_at_run_time_as_claimed(builder, tmp_path):
    """The expectations are Python's own behaviour, not guesses."""
    root = tmp_path / "project"
    case: Case = builder(root)
    if not (root / "app" / "main.py").exists():
        pytest.skip("no router loop in this project")
    failed = runtime_failed_routers(root)
    assert CANARY[2] in failed and "app.routers.healthy" not in failed
    for entry in case.blocked + [e.blocks for e in case.expect if e.blocks]:
        assert entry in failed, entry
    for path in case.clean:
        if path.startswith("app/routers/"):
            assert f"app.routers.{Path(path).stem}" not in failed


@pytest.mark.parametrize("builder", CASES)
def test_plan_survives_hostile_input(builder, tmp_path):
    root = tmp_path / "project"
    case: Case = builder(root)
    proc = run_plan(root, "--no-cache")
    assert_no_crash(proc)
    assert proc.returncode in case.exit_codes, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    if proc.returncode == 2:  # refused: one line that names the problem
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("fixkit: "), proc.stderr
        for name in case.mentioned:
            assert name in lines[0]
        return
    plan = json.loads(proc.stdout)
    if (root / "app" / "routers" / "canary.py").exists():
        kind, file, entry = CANARY
        assert find(plan, kind, file), f"the canary was not reported: the rest of the project was not analysed\n{proc.stderr[-2000:]}"
        assert entry in blocked_entry_points(plan)
        assert "app.routers.healthy" not in blocked_entry_points(plan)
    for e in case.expect:
        hits = find(plan, e.kind, e.file, e.line)
        assert hits, f"no {e.kind or 'diagnosis'} at {e.file}:{e.line}; got {[(d['kind'], d['file'], d['line']) for d in plan['diagnoses']]}"
        if e.blocks:
            assert any(e.blocks in d["blocks"] for d in hits), (e, hits)
    for entry in case.blocked:
        assert entry in blocked_entry_points(plan), f"{entry} imports statically but fails at run time"
    if case.fix:
        file, safety, notes = case.fix
        fixes = [d["fix"] for d in find(plan, None, file) if d["fix"]]
        assert any(f["safety"] == safety and all(any(note in n for n in f["notes"]) for note in notes) for f in fixes), (case.fix, fixes)
    everything = proc.stdout + proc.stderr
    for name in case.mentioned:
        assert name in everything, f"{name} is not mentioned"
    for path in case.clean:
        assert not find(plan, None, path), find(plan, None, path)
    if case.clean and any(p.startswith("app/routers/") for p in case.clean):
        for p in case.clean:
            if p.startswith("app/routers/"):
                assert f"app.routers.{Path(p).stem}" not in blocked_entry_points(plan)


@pytest.mark.parametrize("builder", CASES)
def test_plan_from_the_cache_is_the_same(builder, tmp_path):
    root = tmp_path / "project"
    case: Case = builder(root)
    first = run_plan(root)
    second = run_plan(root)
    assert_no_crash(first)
    assert_no_crash(second)
    assert first.returncode == second.returncode
    if first.returncode != 2:
        assert json.loads(first.stdout)["diagnoses"] == json.loads(second.stdout)["diagnoses"]


@pytest.mark.parametrize("builder", CASES)
def test_text_output_survives_hostile_input(builder, tmp_path):
    root = tmp_path / "project"
    case: Case = builder(root)
    proc = run_plan(root, "--no-cache", fmt="text")
    assert_no_crash(proc)
    assert proc.returncode in case.exit_codes
    assert (proc.stdout + proc.stderr).strip(), "no message at all"


def obeying_file_modes(tmp_path: Path) -> list[str]:
    """A command prefix under which file modes apply to this user.  Root reads any file
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): `setpriv` drops both from the bounding set, so
    the process it starts, still root, gets Permission denied like anyone else.  Skips
    only when there is no way to drop them."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is not installed: root reads files whatever their mode")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0)
    proc = subprocess.run([*prefix, sys.executable, "-c", "import sys; open(sys.argv[1]).read()", str(probe)], capture_output=True, text=True)
    if "PermissionError" not in proc.stderr:
        pytest.skip(f"setpriv cannot drop the capability here: {(proc.stderr.strip().splitlines() or ['no error'])[-1]}")
    return prefix


def test_unreadable_file(tmp_path):
    prefix = obeying_file_modes(tmp_path)
    root = tmp_path / "project"
    case = builders.build_unreadable_file(root)
    secret = case.expect[0].file
    # Python itself cannot import it: the router that imports it fails to load.
    runtime = subprocess.run([*prefix, sys.executable, "-c", "import app.main"], cwd=root, capture_output=True, text=True, timeout=TIMEOUT)
    assert "Failed to load router uses_secret" in runtime.stderr and "Permission denied" in runtime.stderr, runtime.stderr[-2000:]
    proc = run_plan(root, "--no-cache", prefix=prefix)
    assert_no_crash(proc)
    assert proc.returncode == 1, proc.stderr
    plan = json.loads(proc.stdout)
    assert find(plan, *CANARY[:2])  # the rest was analysed
    hits = find(plan, None, secret)
    assert [(d["code"], d["kind"]) for d in hits] == [("FK499", "syntax-error")], hits
    assert hits[0]["message"].startswith("cannot read: Permission denied"), hits[0]["message"]
    assert "app.routers.uses_secret" in hits[0]["blocks"]


def test_path_that_does_not_exist(tmp_path):
    proc = run_plan(tmp_path / "nope")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fixkit: ") and "nope" in lines[0], proc.stderr


def test_path_that_is_a_file(tmp_path):
    path = tmp_path / "module.py"
    path.write_text("import os\n")
    proc = run_plan(path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fixkit: ") and "module.py" in lines[0], proc.stderr


def test_empty_project_plans_to_nothing(tmp_path):
    builders.build_empty_project(tmp_path / "empty")
    proc = run_plan(tmp_path / "empty", "--no-cache")
    assert_no_crash(proc)
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert plan["diagnoses"] == [] and plan["entry_points"]["total"] == 0


# ----------------------------------------------------------------------------- the API


def _make_plan(root: Path):
    from fixkit import plan as plan_module
    from fixkit.config import load_config

    if not hasattr(plan_module, "make_plan"):
        pytest.skip("fixkit.plan.make_plan does not exist yet")
    return plan_module.make_plan(load_config(root, use_cache=False, offline=True))


API_CASES = [pytest.param(b, id=b.__name__.removeprefix("build_")) for b in (
    builders.build_dependencies_hold_a_number,
    builders.build_other_declarations_of_the_wrong_type,
    builders.build_not_utf8_without_coding,
    builders.build_nul_bytes,
    builders.build_deep_nesting,
    builders.build_unreadable_entries,
    builders.build_symlink_loops,
    builders.build_import_cycle,
    builders.build_duplicate_group,
)]


@pytest.mark.parametrize("builder", API_CASES)
def test_make_plan_survives_hostile_input(builder, tmp_path):
    root = tmp_path / "project"
    case: Case = builder(root)
    plan = _make_plan(root)
    data = plan.to_dict()
    assert find(data, *CANARY[:2])
    for entry in case.blocked:
        assert entry in blocked_entry_points(data)


def test_make_plan_refuses_a_missing_root(tmp_path):
    from fixkit.errors import FixkitError

    with pytest.raises(FixkitError):
        _make_plan(tmp_path / "nope")


# ----------------------------------------------------------------------------- pyproject.toml values


@pytest.mark.parametrize("toml,key", [
    ('[tool.fixkit]\npython = 3\n', "python"),
    ('[tool.fixkit]\nexclude = ["legacy/**", 3]\n', "exclude"),
    ('[tool.fixkit]\ncanonical = { PredictiveModel = 1 }\n', "canonical"),
    ('[tool.fixkit]\nmapping = ["corp"]\n', "mapping"),
    ('[tool.fixkit]\nselect = 101\n', "select"),
    ('[tool.fixkit]\nentry-points = true\n', "entry-points"),
    ('[tool.fixkit]\ntarget-version = 3.11\n', "target-version"),
    ('[tool.fixkit]\nignored = ["FK203"]\n', "ignored"),
    ('[tool]\nfixkit = ["x"]\n', "[tool.fixkit]"),
    ('tool = "fixkit"\n', "tool"),
])
def test_fixkit_settings_of_the_wrong_type_are_refused(tmp_path, toml, key):
    """fixkit's own settings: a wrong value is a one-line error naming the file and the key."""
    from fixkit.config import load_config
    from fixkit.errors import FixkitError

    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(FixkitError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert "\n" not in message and key in message and str(tmp_path / "pyproject.toml") in message, message


def test_a_skipped_declaration_leaves_the_others_read(tmp_path):
    """The analysed project's declarations: a badly typed one is skipped with one line
    saying so; the others are still found, read and chosen."""
    from fixkit.deps.declarations import Declaration, choose_declaration, declaration_problems, find_declarations, where_declared

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\ndependencies = ["fastapi"]\n\n[project.optional-dependencies]\ntest = ["pytest"]\ndocs = "sphinx"\n'
        '\n[dependency-groups]\ndev = 5\nlint = ["ruff", {include-group = "test"}]\n'
    )
    assert find_declarations(tmp_path) == [
        Declaration("pyproject.toml", "pep621"),
        Declaration("pyproject.toml", "pep621-optional", "test"),
        Declaration("pyproject.toml", "dependency-group", "lint"),
    ]
    assert where_declared(tmp_path, "FastAPI") == [Declaration("pyproject.toml", "pep621")]
    assert where_declared(tmp_path, "ruff") == [Declaration("pyproject.toml", "dependency-group", "lint")]
    assert choose_declaration(tmp_path, "tests/test_shop.py") == Declaration("pyproject.toml", "pep621-optional", "test")
    assert declaration_problems(tmp_path) == [
        "pyproject.toml [project.optional-dependencies] docs must be an array of strings, not a string: skipped",
        "pyproject.toml [dependency-groups] dev must be an array of strings and tables, not an integer: skipped",
    ]


@pytest.mark.parametrize("toml", [
    "project = 5\n",
    '[project]\nname = "x"\ndependencies = "fastapi"\n',
    '[project]\nname = "x"\ndynamic = "dependencies"\n',
    '[project]\nname = "x"\ndynamic = ["dependencies"]\n\n[tool.setuptools.dynamic]\ndependencies = {file = 3}\n',
    '[tool.poetry]\nname = "x"\ndependencies = ["fastapi"]\n',
    "[tool]\npoetry = 3\n",
])
def test_an_unreadable_main_declaration_is_left_to_a_person(tmp_path, toml):
    """Where the project's main dependencies are declared but cannot be read, a new one is
    not put in another file (a new requirements.txt nothing reads): the fix is manual and
    says what to correct."""
    from fixkit.deps.declarations import DeclarationError, choose_declaration, declaration_problems

    (tmp_path / "pyproject.toml").write_text(toml)
    (tmp_path / "requirements.txt").write_text("requests\n")
    problems = declaration_problems(tmp_path)
    assert len(problems) == 1, problems
    with pytest.raises(DeclarationError) as info:
        choose_declaration(tmp_path, "app/main.py")
    assert str(info.value).startswith(problems[0].removesuffix(": skipped")) and "correct it" in str(info.value)
