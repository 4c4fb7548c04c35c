"""The plan-stage caches (`fixkit.fixcache`): a warm plan is the cold plan, and whatever a
plan depends on (a file's content, a file a fix read, an installed distribution, the
settings) invalidates exactly what it must."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixkit.analyse import analyse
from fixkit.config import Config
from fixkit.fixcache import FixCache, PlanCache, base_key, file_stats
from fixkit.model import sha256_bytes
from fixkit.plan import diagnose, make_plan
from fixkit.project import discover
from fixkit.rules import rule_for

ROUTER = "from fastapi import APIRouter\nrouter = APIRouter()\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    return write(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/routers/good.py": ROUTER,
            # FK201: app.services.gone does not exist; app.services.util defines helper,
            # so the fix repoints the import and edits this file.
            "app/routers/missing.py": ROUTER + "from app.services.gone import helper\n",
            "app/routers/typo.py": ROUTER + "from app.services.real import Helpr\n",
            "app/services/__init__.py": "",
            "app/services/real.py": "class Helper:\n    pass\n",
            "app/services/util.py": "def helper():\n    return 1\n",
        },
    )


class Counting:
    """A progress callback: analyse calls it, a reused whole plan never analyses."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, done: int, total: int) -> None:
        self.calls += 1


def plan_dicts_equal(a, b) -> bool:
    return a.to_dict() == b.to_dict()


def test_warm_plan_is_reused_and_equals_the_cold_plan(project):
    config = Config(root=project, offline=True)
    cold_progress, warm_progress = Counting(), Counting()
    cold = make_plan(config, progress=cold_progress)
    warm = make_plan(config, progress=warm_progress)
    assert cold_progress.calls > 0
    assert warm_progress.calls == 0  # not analysed at all
    assert plan_dicts_equal(cold, warm)
    assert warm.texts == cold.texts
    uncached = make_plan(dataclasses.replace(config, use_cache=False))
    assert plan_dicts_equal(cold, uncached)
    assert any(p.name.startswith("plan-") for p in (project / ".fixkit_cache").iterdir())


def test_touched_file_with_same_content_still_reuses_the_plan(project):
    config = Config(root=project, offline=True)
    make_plan(config)
    path = project / "app/routers/good.py"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    progress = Counting()
    make_plan(config, progress=progress)
    assert progress.calls == 0


def test_changed_file_replans_and_the_plan_sees_the_change(project):
    config = Config(root=project, offline=True)
    before = make_plan(config)
    assert any(d.code == "FK202" for d in before.diagnoses)
    # Same size, new content: the stat's size cannot tell, the mtime and hash do.
    path = project / "app/routers/typo.py"
    path.write_text(path.read_text().replace("Helpr", "Helper"))
    progress = Counting()
    after = make_plan(config, progress=progress)
    assert progress.calls > 0
    assert not any(d.code == "FK202" for d in after.diagnoses)
    assert plan_dicts_equal(after, make_plan(dataclasses.replace(config, use_cache=False)))


def test_a_new_file_replans(project):
    config = Config(root=project, offline=True)
    make_plan(config)
    write(project, {"app/services/gone.py": "def helper():\n    return 2\n"})
    after = make_plan(config)
    assert not any(d.code == "FK201" for d in after.diagnoses)


def test_settings_are_part_of_the_key(project):
    config = Config(root=project, offline=True)
    make_plan(config)
    only_fk202 = make_plan(dataclasses.replace(config, select=("FK202",)))
    assert {d.code for d in only_fk202.diagnoses} == {"FK202"}


def _fk201_fix_edits(plan) -> dict[str, str]:
    (d,) = [d for d in plan.diagnoses if d.code == "FK201"]
    assert d.fix is not None and d.fix.edits, d.fix
    return {e.path: e.old_sha256 for e in d.fix.edits}


def test_fix_is_recomputed_when_a_file_it_edits_changes(project):
    config = Config(root=project, offline=True)
    before = _fk201_fix_edits(make_plan(config))
    assert set(before) == {"app/routers/missing.py"}
    path = project / "app/routers/missing.py"
    path.write_text(path.read_text() + "# a comment\n")
    after = _fk201_fix_edits(make_plan(config))
    # A reused fix would carry the old hash, and `apply` would refuse it as stale.
    assert after["app/routers/missing.py"] == sha256_bytes(path.read_bytes()) != before["app/routers/missing.py"]


def _fix_computations(project: Path, cache: FixCache) -> tuple[int, dict]:
    """Diagnose and fix through `cache`; how many fixers really ran, and the fixes."""
    analysis = analyse(project)
    ran = 0
    fixes = {}
    for d in diagnose(analysis, cache):
        rule = rule_for(d.code)

        def compute(d=d, rule=rule):
            nonlocal ran
            ran += 1
            return rule().fix(d, analysis)

        fixes[d.id] = cache.fix(d.code, d, analysis, compute)
    cache.save()
    return ran, fixes


def test_fixes_are_reused_when_only_an_unrelated_file_changes(project):
    config = Config(root=project, offline=True)
    proj = discover(config)
    key = base_key(proj)
    ran_cold, cold = _fix_computations(proj, FixCache(proj, key))
    assert ran_cold == 2  # FK201 and FK202
    ran_warm, warm = _fix_computations(discover(config), FixCache(discover(config), key))
    assert ran_warm == 0 and warm == cold

    # A comment appended to a file no fixer read: every fix is reused, and equals a fresh one.
    good = project / "app/routers/good.py"
    good.write_text(good.read_text() + "# unrelated\n")
    proj = discover(config)
    ran, fixes = _fix_computations(proj, FixCache(proj, key))
    assert ran == 0
    fresh_ran, fresh = _fix_computations(proj, FixCache(proj, key, enabled=False))
    assert fresh_ran == 2 and fresh == fixes

    # The file the FK201 fix edits: that fix alone is recomputed.
    missing = project / "app/routers/missing.py"
    missing.write_text(missing.read_text() + "# related\n")
    proj = discover(config)
    ran, fixes = _fix_computations(proj, FixCache(proj, key))
    assert ran == 1
    (fk201,) = [f for i, f in fixes.items() if i.startswith("FK201")]
    assert fk201.edits[0].old_sha256 == sha256_bytes(missing.read_bytes())


def test_fixes_are_recomputed_when_the_structure_changes(project):
    config = Config(root=project, offline=True)
    proj = discover(config)
    key = base_key(proj)
    _fix_computations(proj, FixCache(proj, key))
    # A new definer of `helper`: the FK201 fix must now weigh two candidates.
    write(project, {"app/services/other.py": "def helper():\n    return 3\n"})
    proj = discover(config)
    ran, fixes = _fix_computations(proj, FixCache(proj, key))
    assert ran == 2
    (fk201,) = [f for i, f in fixes.items() if i.startswith("FK201")]
    assert any("app.services.other" in n for n in fk201.notes)


def test_a_corrupt_cache_file_is_ignored(project):
    config = Config(root=project, offline=True)
    cold = make_plan(config)
    for path in (project / ".fixkit_cache").glob("*.pickle"):
        path.write_bytes(b"\x80\x05garbage")
    assert plan_dicts_equal(make_plan(config), cold)


def test_plan_cache_rejects_a_different_file_set(project):
    config = Config(root=project, offline=True)
    proj = discover(config)
    cache = PlanCache(proj, base_key(proj))
    stats = file_stats(proj)
    analysis = analyse(proj)
    plan = make_plan(dataclasses.replace(config, use_cache=False))
    cache.save(stats, analysis, plan)
    assert cache.load(stats) is not None
    fewer = dict(stats)
    fewer.pop("app/routers/good.py")
    assert cache.load(fewer) is None


@pytest.mark.skipif(sys.platform == "win32", reason="venv layout")
def test_installing_a_distribution_in_the_target_environment_invalidates_the_plan(tmp_path):
    """The environment fingerprint: `bleach` missing, then installed into the target venv
    (as pip lays it out: the package and its dist-info), then the plan must change."""
    root = write(tmp_path / "proj", {"app/__init__.py": "", "app/main.py": "import bleach\n"})
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    config = Config(root=root, offline=True, python=str(python))
    before = make_plan(config)
    assert [d.symbol or d.module for d in before.diagnoses if d.code == "FK101"], before.diagnoses
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    write(Path(site), {"bleach/__init__.py": "", "bleach-6.0.0.dist-info/METADATA": "Name: bleach\nVersion: 6.0.0\n"})
    progress = Counting()
    after = make_plan(config, progress=progress)
    assert progress.calls > 0
    assert not [d for d in after.diagnoses if d.code == "FK101"]


def _logging_target(tmp_path: Path, marker: str, word: str) -> tuple[Path, Path, Path]:
    """(venv, interpreter, log): a fresh virtualenv's python, wrapped to write `word` to
    the log each time it is run with code containing `marker`."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    log = tmp_path / "asked.log"
    wrapper = tmp_path / "python"
    wrapper.write_text(f'#!/bin/sh\ncase "$2" in *{marker}*) echo {word} >> {log} ;; esac\nexec {venv / "bin" / "python"} "$@"\n')
    wrapper.chmod(0o755)
    return venv, wrapper, log


def test_the_target_environment_is_asked_about_a_module_once_per_environment_state(tmp_path):
    """What the target interpreter says about third-party modules is kept under the base
    key (which holds the environment's fingerprint): a re-plan after an edit asks only
    about modules it never asked about; installing a distribution asks again."""
    root = write(tmp_path / "proj", {"app/__init__.py": "", "app/main.py": "import bleach\n"})
    venv, wrapper, log = _logging_target(tmp_path, "find_spec", "probe")
    config = Config(root=root, offline=True, python=str(wrapper))
    make_plan(config)
    assert log.read_text().count("probe") == 1
    (root / "app/main.py").write_text("import bleach\n\n\ndef f():\n    pass\n")  # structural: re-planned
    plan = make_plan(config)
    assert log.read_text().count("probe") == 1
    assert [d.module for d in plan.diagnoses if d.code == "FK101"] == ["bleach"]
    (root / "app/main.py").write_text("import bleach\nimport markdown\n")
    make_plan(config)
    assert log.read_text().count("probe") == 2  # a module never asked about
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    write(Path(site), {"bleach/__init__.py": "", "bleach-6.0.0.dist-info/METADATA": "Name: bleach\nVersion: 6.0.0\n"})
    plan = make_plan(config)
    assert log.read_text().count("probe") == 3
    assert [d.module for d in plan.diagnoses if d.code == "FK101"] == ["markdown"]


def test_the_sys_path_of_the_target_is_asked_again_only_when_it_can_have_changed(tmp_path):
    """The environment fingerprint keeps the target's sys.path: the interpreter is not
    started for it again until something that decides sys.path changes; a `.pth` file
    added to site-packages (a new sys.path entry) is noticed, and so is a package
    installed into the directory it names."""
    root = write(tmp_path / "proj", {"app/__init__.py": "", "app/main.py": "import extra_mod\n"})
    venv, wrapper, log = _logging_target(tmp_path, "getusersitepackages", "sys.path")
    config = Config(root=root, offline=True, python=str(wrapper))
    assert [d.module for d in make_plan(config).diagnoses if d.code == "FK101"] == ["extra_mod"]
    asked = log.read_text().count("sys.path")
    assert asked >= 1
    (root / "app/main.py").write_text("import extra_mod\n\n\ndef f():\n    pass\n")
    make_plan(config)
    make_plan(config)
    assert log.read_text().count("sys.path") == asked
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    extra = tmp_path / "extra"
    extra.mkdir()
    (Path(site) / "extra.pth").write_text(f"{extra}\n")
    assert [d.module for d in make_plan(config).diagnoses if d.code == "FK101"] == ["extra_mod"]
    assert log.read_text().count("sys.path") == asked + 1
    (extra / "extra_mod.py").write_text("")
    assert not [d for d in make_plan(config).diagnoses if d.code == "FK101"]


def test_a_comment_in_a_file_nothing_read_reuses_the_plan_without_analysing(project):
    config = Config(root=project, offline=True)
    make_plan(config)
    good = project / "app/routers/good.py"
    good.write_text(good.read_text() + "# a comment at the end\n")
    progress = Counting()
    warm = make_plan(config, progress=progress)
    assert progress.calls == 0
    assert plan_dicts_equal(warm, make_plan(dataclasses.replace(config, use_cache=False)))
    # ... and the next full plan after a real change still agrees with a fresh one.
    good.write_text(good.read_text() + "from app.services.real import Nope\n")
    progress = Counting()
    after = make_plan(config, progress=progress)
    assert progress.calls > 0
    assert plan_dicts_equal(after, make_plan(dataclasses.replace(config, use_cache=False)))
    assert any(d.code == "FK202" and d.file == "app/routers/good.py" for d in after.diagnoses)


def test_a_comment_that_moves_definitions_replans(project):
    """Positions are structure: a line inserted at the top moves every fact below it."""
    config = Config(root=project, offline=True)
    make_plan(config)
    typo = project / "app/routers/typo.py"
    typo.write_text("# a comment at the top\n" + typo.read_text())
    progress = Counting()
    after = make_plan(config, progress=progress)
    assert progress.calls > 0
    (d,) = [d for d in after.diagnoses if d.code == "FK202"]
    assert d.line == 4
    assert plan_dicts_equal(after, make_plan(dataclasses.replace(config, use_cache=False)))


def test_a_file_a_fixer_read_outside_the_discovered_files_invalidates_the_plan(project):
    """Discovery lists .py files; a fixer may read others through Project.read_text.  The
    recorded read is checked on every warm plan."""
    config = Config(root=project, offline=True)
    proj = discover(config)
    key = base_key(proj)
    notes = write(project, {"notes.dat": "one\n"}) / "notes.dat"
    cache = FixCache(proj, key)
    analysis = analyse(proj)
    (d, *_rest) = diagnose(analysis)
    cache.fix(d.code, d, analysis, lambda: proj.read_text("notes.dat") and None)
    extra = cache.extra_reads(proj.files)
    assert extra == {"notes.dat": sha256_bytes(b"one\n")}
    stats = file_stats(proj)
    plan_cache = PlanCache(proj, key)
    plan_cache.save(stats, analysis, make_plan(dataclasses.replace(config, use_cache=False)), extra)
    assert plan_cache.load(stats) is not None
    notes.write_text("two\n")
    assert plan_cache.load(stats) is None


def test_fixes_are_reused_when_an_unrelated_file_gains_an_import(project):
    """A structural edit (an import added, every line of the file moved) of a file no
    fixer looked at: the diagnoses are recomputed, every fix is reused, and each equals
    a fresh computation."""
    config = Config(root=project, offline=True)
    proj = discover(config)
    key = base_key(proj)
    ran_cold, _cold = _fix_computations(proj, FixCache(proj, key))
    assert ran_cold == 2
    good = project / "app/routers/good.py"
    good.write_text("import json\nimport os.path\n" + good.read_text())
    proj = discover(config)
    ran, fixes = _fix_computations(proj, FixCache(proj, key))
    assert ran == 0
    fresh_ran, fresh = _fix_computations(proj, FixCache(proj, key, enabled=False))
    assert fresh_ran == 2 and fresh == fixes


def _rules_run(project: Path, cache: FixCache) -> set[str]:
    """The codes of the rules whose `find` really ran while diagnosing through `cache`."""
    from fixkit.rules import RULES

    ran: set[str] = set()
    originals = {rule: rule.find for rule in RULES}

    def counting(rule):
        def find(self, analysis):
            ran.add(rule.code)
            return originals[rule](self, analysis)

        return find

    for rule in RULES:
        rule.find = counting(rule)
    try:
        diagnose(analyse(project), cache)
    finally:
        for rule, find in originals.items():
            rule.find = find
    cache.save()
    return ran


def test_a_rule_that_looks_only_at_broken_files_is_not_run_after_an_edit_elsewhere(project):
    """The syntax rules ask only about files with a syntax error: an import added to a
    sound file runs again the rules that walk every file, not those; fixing the broken
    file runs them again, and the findings are those of an uncached run."""
    write(project, {"app/routers/broken.py": ROUTER + "def f(a=1, b):\n    return a\n"})
    config = Config(root=project, offline=True)
    proj = discover(config)
    key = base_key(proj)
    cold = _rules_run(proj, FixCache(proj, key))
    assert {"FK401", "FK499", "FK201", "FK202"} <= cold
    good = project / "app/routers/good.py"
    good.write_text("import json\n" + good.read_text())
    proj = discover(config)
    warm = _rules_run(proj, FixCache(proj, key))
    assert {"FK201", "FK202"} <= warm and not {"FK401", "FK499"} & warm
    assert diagnose(analyse(proj), FixCache(proj, key)) == diagnose(analyse(proj))
    write(project, {"app/routers/broken.py": ROUTER + "def f(b, a=1):\n    return a\n"})
    proj = discover(config)
    assert {"FK401", "FK499"} <= _rules_run(proj, FixCache(proj, key))
    assert not [d for d in diagnose(analyse(proj), FixCache(proj, key)) if d.file == "app/routers/broken.py"]


def test_a_file_whose_stat_is_unchanged_is_not_read_again(project):
    """Like ruff, a file whose size and mtime are what the last plan saw is taken to be
    unchanged: its facts come from the cache without reading it.  Shown by changing
    its bytes behind fixkit's back (same size, mtime put back) while another file's
    edit forces a new analysis: the old facts are used."""
    config = Config(root=project, offline=True)
    make_plan(config)
    real = project / "app/services/real.py"
    st = real.stat()
    real.write_text(real.read_text().replace("Helper", "Helpar"))  # same size
    os.utime(real, ns=(st.st_atime_ns, st.st_mtime_ns))
    util = project / "app/services/util.py"
    util.write_text("import json\n" + util.read_text())
    (typo,) = [d for d in make_plan(config).diagnoses if d.file == "app/routers/typo.py"]
    assert "did you mean `Helper`?" in typo.message  # the facts of real.py before the change
    # Without the stat shortcut the new bytes are read.
    assert analyse(discover(config), known_shas={}).facts["app/services/real.py"].definitions[0].name == "Helpar"
    uncached = make_plan(Config(root=project, offline=True, use_cache=False))
    (typo,) = [d for d in uncached.diagnoses if d.file == "app/routers/typo.py"]
    assert "did you mean `Helpar`?" in typo.message


def test_a_fix_is_recomputed_when_an_answer_it_used_changes(project):
    """No file added: an existing module starts defining the name the FK201 fix
    repoints, so the fix now has two candidates and must say so."""
    config = Config(root=project, offline=True)
    proj = discover(config)
    key = base_key(proj)
    _ran, cold = _fix_computations(proj, FixCache(proj, key))
    (before,) = [f for i, f in cold.items() if i.startswith("FK201")]
    assert before.edits and not any("app.services.real" in n for n in before.notes)
    real = project / "app/services/real.py"
    real.write_text(real.read_text() + "\n\ndef helper():\n    return 2\n")
    proj = discover(config)
    ran, fixes = _fix_computations(proj, FixCache(proj, key))
    assert ran >= 1
    (after,) = [f for i, f in fixes.items() if i.startswith("FK201")]
    assert any("app.services.real" in n for n in after.notes), after.notes
    fresh_ran, fresh = _fix_computations(proj, FixCache(proj, key, enabled=False))
    assert fresh == fixes


def test_cached_plans_equal_uncached_plans_through_a_series_of_edits(tmp_path):
    """The seed backend edited step by step (imports added, a definition added where a
    missing name is looked for, a duplicate model removed, a syntax error fixed by
    hand): after every edit the plan built from the caches is the plan built from
    nothing."""
    import shutil

    from tests.helpers import ENGARDE

    root = tmp_path / "engarde"
    shutil.copytree(ENGARDE, root, ignore=shutil.ignore_patterns(".fixkit_cache", "__pycache__"))
    config = Config(root=root, offline=True)
    make_plan(config)

    def edit(rel: str, change) -> None:
        path = root / rel
        path.write_text(change(path.read_text()))

    steps = [
        ("app/routers/health.py", lambda t: "import json\nimport app.database\n" + t),
        ("app/services/__init__.py", lambda t: t + "\n\ndef get_current_user():\n    return None\n"),
        ("app/models/core.py", lambda t: t.replace("class PredictiveModel(", "class PredictiveModelCore(", 1)),
        ("app/services/oauth_manager.py", lambda t: t.replace('"scopes": ["employee:all"]\n', '"scopes": ["employee:all"],\n', 1)),
    ]
    changed = 0
    for rel, change in steps:
        before = (root / rel).read_text()
        edit(rel, change)
        changed += (root / rel).read_text() != before
        cached = make_plan(config)
        fresh = make_plan(dataclasses.replace(config, use_cache=False))
        assert cached.to_dict() == fresh.to_dict(), rel
    assert changed == len(steps)


def test_fixes_computed_in_forked_workers_equal_fixes_computed_here(tmp_path):
    """`compute_fixes` with a pool returns, in order, the fixes and the questions the
    fixers asked that computing them one by one here returns."""
    import multiprocessing
    import shutil

    from fixkit.plan import compute_fixes
    from tests.helpers import ENGARDE

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("fix workers need the fork start method")
    root = tmp_path / "engarde"
    shutil.copytree(ENGARDE, root, ignore=shutil.ignore_patterns(".fixkit_cache", "__pycache__"))
    analysis = analyse(discover(Config(root=root, offline=True, use_cache=False)))
    diagnoses = [d for d in diagnose(analysis) if rule_for(d.code) is not None]
    assert len(diagnoses) >= 8
    pooled = compute_fixes(analysis, diagnoses, jobs=2)
    here = compute_fixes(analysis, diagnoses, jobs=1)
    assert pooled == here
    assert sum(fix is not None and bool(fix.edits) for fix, _asked in pooled) >= 5
    # The questions came back from the workers: the modules the fixes edit were read
    # there (dependency declarations are read outside the project and are in the base key).
    for fix, asked in pooled:
        for edit in fix.edits if fix is not None else ():
            if not edit.creates and edit.path.endswith(".py"):
                assert asked.get(("read", edit.path)) == edit.old_sha256, edit.path
