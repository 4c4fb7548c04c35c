"""apply: real files in tmp_path, real edits, real git, real subprocess imports."""

from __future__ import annotations

import codecs
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fixkit.apply import JOURNAL_DIR, Applier, Journal, atomic_write, dirty_files, eligible, parses, undo
from fixkit.errors import FixkitError
from fixkit.model import Diagnosis, FileEdit, Fix, Hunk, Safety, edit_between, sha256_bytes
from fixkit.plan import EntryPoint, Plan
from fixkit.textio import decode_source
from fixkit.verify import verify_entry_points


def write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def fix_replacing(root: Path, rel: str, old: str, new: str, *, safety=Safety.SAFE, code="FK201", line=1) -> Diagnosis:
    """A diagnosis whose fix replaces `old` by `new` in the file as it is now."""
    data = (root / rel).read_bytes()
    decoded = decode_source(data)
    assert old in decoded.text, (old, decoded.text)
    edit = edit_between(rel, decoded.text, decoded.text.replace(old, new, 1), old_bytes=data)
    return Diagnosis(code, "missing-module", f"{old} in {rel}", rel, line, symbol=old, fix=Fix(f"{old} → {new}", safety, (edit,)))


def plan_of(root: Path, *diagnoses: Diagnosis, entry=()) -> Plan:
    return Plan("test", str(root), tuple(EntryPoint(m, m.replace(".", "/") + ".py") for m in entry), tuple(diagnoses))


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".fixkit_cache" not in p.parts and ".git" not in p.parts
    }


def run_applier(root: Path, plan: Plan, **kw):
    kw.setdefault("make_plan", lambda: plan_of(root))
    return Applier(root=root, **kw).run(plan)


# --------------------------------------------------------------------------- writing


def test_encoding_bom_newlines_and_mode_are_kept(tmp_path):
    latin = "# -*- coding: latin-1 -*-\r\nname = 'café'\r\nimport old_mod\r\n".encode("latin-1")
    bom = codecs.BOM_UTF8 + "x = 'ü'\nimport old_mod\n".encode()
    write(tmp_path, "app/latin.py", latin)
    write(tmp_path, "app/bom.py", bom)
    os.chmod(tmp_path / "app/latin.py", 0o751)
    plan = plan_of(
        tmp_path,
        fix_replacing(tmp_path, "app/latin.py", "old_mod", "new_mod"),
        fix_replacing(tmp_path, "app/bom.py", "old_mod", "new_mod"),
    )
    result = run_applier(tmp_path, plan)
    assert [o.status for o in result.outcomes] == ["applied", "applied"]
    assert (tmp_path / "app/latin.py").read_bytes() == latin.replace(b"old_mod", b"new_mod")
    assert (tmp_path / "app/bom.py").read_bytes() == bom.replace(b"old_mod", b"new_mod")
    assert stat.S_IMODE((tmp_path / "app/latin.py").stat().st_mode) == 0o751
    # no temporary files left beside them
    assert sorted(p.name for p in (tmp_path / "app").iterdir()) == ["bom.py", "latin.py"]


def test_atomic_write_follows_symlinks_and_keeps_the_link(tmp_path):
    target = write(tmp_path, "real.py", "a = 1\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    atomic_write(link, b"a = 2\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"a = 2\n"


def test_a_file_changed_since_the_plan_is_refused(tmp_path):
    write(tmp_path, "app/m.py", "import old_mod\n")
    d = fix_replacing(tmp_path, "app/m.py", "old_mod", "new_mod")
    write(tmp_path, "app/m.py", "import old_mod  # edited meanwhile\n")
    result = run_applier(tmp_path, plan_of(tmp_path, d))
    [outcome] = result.outcomes
    assert outcome.status == "refused" and "changed since the plan" in outcome.reason
    assert (tmp_path / "app/m.py").read_text() == "import old_mod  # edited meanwhile\n"
    assert result.journal is None  # nothing written, nothing journaled


def test_a_fix_whose_result_does_not_parse_is_refused(tmp_path):
    write(tmp_path, "app/m.py", "def f(a, b):\n    return a\n")
    d = fix_replacing(tmp_path, "app/m.py", "def f(a, b):", "def f(a, b)")
    result = run_applier(tmp_path, plan_of(tmp_path, d))
    assert result.outcomes[0].status == "refused"
    assert "would not parse" in result.outcomes[0].reason
    assert (tmp_path / "app/m.py").read_text() == "def f(a, b):\n    return a\n"


def test_parses_checks_python_for_the_target_version_and_toml():
    assert parses("m.py", b"x = 1\n") is None
    assert "line 1" in parses("m.py", b"x = = 1\n")
    assert parses("m.py", b"match = 1\nmatch x:\n    case 1: pass\n", target_version=(3, 10)) is None
    assert parses("m.py", b"match x:\n    case 1: pass\n", target_version=(3, 8)) is not None
    # a fix is not refused for newer syntax the file already used, only for adding it
    old = b"match x:\n    case 1: pass\n"
    assert parses("m.py", old + b"y = 1\n", target_version=(3, 8), before=old) is None
    assert parses("m.py", old, target_version=(3, 8), before=b"x = 1\n") is not None
    assert parses("pyproject.toml", b"[project]\nname = 'x'\n") is None
    assert "invalid TOML" in parses("pyproject.toml", b"[project\n")


def test_multi_file_fix_is_all_or_nothing(tmp_path):
    write(tmp_path, "a.py", "import old\n")
    write(tmp_path, "b.py", "x = 1\n")
    a = edit_between("a.py", "import old\n", "import new\n")
    b = edit_between("b.py", "x = 1\n", "x = (\n")  # does not parse
    d = Diagnosis("FK201", "missing-module", "m", "a.py", 1, fix=Fix("both", Safety.SAFE, (a, b)))
    result = run_applier(tmp_path, plan_of(tmp_path, d))
    assert result.outcomes[0].status == "refused"
    assert (tmp_path / "a.py").read_text() == "import old\n"


def test_safety_select_and_ignore_choose_the_fixes(tmp_path):
    write(tmp_path, "m.py", "x = 1\n")
    mk = lambda safety, code, kind: Diagnosis(code, kind, "", "m.py", 1, fix=Fix("f", safety, (edit_between("m.py", "x = 1\n", "x = 2\n"),)))
    safe = mk(Safety.SAFE, "FK301", "duplicate-model")
    review = mk(Safety.REVIEW, "FK202", "missing-name")
    manual = mk(Safety.MANUAL, "FK201", "missing-module")
    assert eligible(safe, unsafe=False) and not eligible(review, unsafe=False)
    assert eligible(review, unsafe=True) and not eligible(manual, unsafe=True)
    assert not eligible(safe, unsafe=False, select=["FK2"])
    assert eligible(safe, unsafe=False, select=["duplicate-model"])
    assert not eligible(safe, unsafe=False, ignore=["FK3"])
    dep_only = Diagnosis("FK101", "missing-dependency", "", "m.py", 1, fix=Fix("install", Safety.SAFE, (), distribution="bleach"))
    assert not eligible(dep_only, unsafe=False) and eligible(dep_only, unsafe=False, install=True)


# --------------------------------------------------------------------------- the loop


def _planner(root: Path):
    """A real (tiny) planner: each `OLD_<n>` token is a diagnosis whose fix rewrites the
    whole line it is on, computed against the file as it is now.  Two tokens on one
    line give overlapping fixes, so only one can be applied per round."""

    def make() -> Plan:
        diagnoses = []
        for path in sorted(root.glob("*.py")):
            rel = path.name
            text = path.read_text()
            lines = text.splitlines(keepends=True)
            for i, line in enumerate(lines):
                for token in sorted(set(t for t in line.replace("(", " ").replace(")", " ").split() if t.startswith("OLD_"))):
                    new_lines = list(lines)
                    new_lines[i] = line.replace(token, token.replace("OLD_", "NEW_"))
                    edit = edit_between(rel, text, "".join(new_lines))
                    diagnoses.append(Diagnosis("FK202", "missing-name", token, rel, i + 1, symbol=token, fix=Fix(f"rename {token}", Safety.SAFE, (edit,))))
        return plan_of(root, *diagnoses)

    return make


def test_conflicting_fixes_are_applied_over_rounds_until_nothing_is_left(tmp_path):
    write(tmp_path, "m.py", "x = (OLD_a, OLD_b, OLD_c)\ny = OLD_d\n")
    make = _planner(tmp_path)
    result = Applier(root=tmp_path, make_plan=make).run(make())
    assert (tmp_path / "m.py").read_text() == "x = (NEW_a, NEW_b, NEW_c)\ny = NEW_d\n"
    assert result.rounds == 3  # one of the three overlapping fixes per round; OLD_d with the first
    assert len(result.applied) == 4
    # idempotent: a second apply finds nothing to do and writes nothing
    again = Applier(root=tmp_path, make_plan=make).run(make())
    assert again.outcomes == [] and again.journal is None
    # and undo restores the original, although three rounds wrote the file
    undo(tmp_path)
    assert (tmp_path / "m.py").read_text() == "x = (OLD_a, OLD_b, OLD_c)\ny = OLD_d\n"


def test_the_fix_loop_is_bounded(tmp_path):
    write(tmp_path, "m.py", "x = 0\n")

    def endless() -> Plan:  # a planner that never converges: every round a "new" diagnosis
        text = (tmp_path / "m.py").read_text()
        n = int(text.split("=")[1])
        edit = edit_between("m.py", text, f"x = {n + 1}\n")
        return plan_of(tmp_path, Diagnosis("FK201", "missing-module", "", "m.py", 1, symbol=str(n), fix=Fix("inc", Safety.SAFE, (edit,))))

    result = Applier(root=tmp_path, make_plan=endless, max_rounds=4).run(endless())
    assert result.rounds == 4
    assert (tmp_path / "m.py").read_text() == "x = 4\n"


# --------------------------------------------------------------------------- journal and undo


def test_undo_restores_every_byte_including_created_and_deleted_files(tmp_path):
    write(tmp_path, "app/keep.py", b"import old\r\n# crlf\r\n")
    write(tmp_path, "app/gone.py", "x = 1\n")
    os.chmod(tmp_path / "app/gone.py", 0o640)
    before = snapshot(tmp_path)
    fixes = (
        fix_replacing(tmp_path, "app/keep.py", "old", "new"),
        Diagnosis("FK203", "shadowed-module", "", "app/gone.py", 1, fix=Fix("delete", Safety.SAFE, (FileEdit("app/gone.py", sha256_bytes(b"x = 1\n"), (), delete=True),))),
        Diagnosis("FK201", "missing-module", "", "app/new.py", 1, fix=Fix("create", Safety.SAFE, (FileEdit("app/new.py", None, (Hunk(1, 1, "y = 2\n"),)),))),
    )
    result = run_applier(tmp_path, plan_of(tmp_path, *fixes))
    assert len(result.applied) == 3
    assert not (tmp_path / "app/gone.py").exists() and (tmp_path / "app/new.py").read_text() == "y = 2\n"
    assert (tmp_path / "app/keep.py").read_bytes() == b"import new\r\n# crlf\r\n"
    undone = undo(tmp_path)
    assert snapshot(tmp_path) == before
    assert stat.S_IMODE((tmp_path / "app/gone.py").stat().st_mode) == 0o640
    assert set(undone.restored) == {"app/keep.py", "app/gone.py"} and undone.removed == ("app/new.py",)
    with pytest.raises(FixkitError, match="nothing to undo"):
        undo(tmp_path)


def test_undo_leaves_a_file_edited_after_apply_alone(tmp_path):
    write(tmp_path, "a.py", "import old\n")
    write(tmp_path, "b.py", "import old\n")
    plan = plan_of(tmp_path, fix_replacing(tmp_path, "a.py", "old", "new"), fix_replacing(tmp_path, "b.py", "old", "new"))
    run_applier(tmp_path, plan)
    write(tmp_path, "b.py", "import new  # my own work\n")
    result = undo(tmp_path)
    assert result.restored == ("a.py",)
    assert result.refused[0][0] == "b.py"
    assert (tmp_path / "a.py").read_text() == "import old\n"
    assert (tmp_path / "b.py").read_text() == "import new  # my own work\n"


def test_the_journal_holds_the_originals_before_the_first_change(tmp_path):
    write(tmp_path, "a.py", "import old\n")
    run_applier(tmp_path, plan_of(tmp_path, fix_replacing(tmp_path, "a.py", "old", "new")))
    journal = Journal.latest(tmp_path)
    assert journal is not None and journal.manifest["state"] == "complete"
    [entry] = journal.files
    assert (journal.dir / "blobs" / entry["blob"]).read_bytes() == b"import old\n"
    assert entry["sha256"] == sha256_bytes(b"import old\n")
    assert sha256_bytes(b"import new\n") in entry["written"]
    assert journal.dir.parent == tmp_path / JOURNAL_DIR


# --------------------------------------------------------------------------- git


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_dirty_git_files_are_refused_unless_allowed(tmp_path):
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.com")
    _git(tmp_path, "config", "user.name", "t")
    write(tmp_path, "clean.py", "import old\n")
    write(tmp_path, "dirty.py", "import old\n")
    _git(tmp_path, "add", "clean.py", "dirty.py")
    _git(tmp_path, "commit", "-q", "-m", "init")
    write(tmp_path, "dirty.py", "import old  # uncommitted\n")
    write(tmp_path, "untracked.py", "import old\n")
    assert dirty_files(tmp_path) == {"dirty.py", "untracked.py"}
    plan = plan_of(tmp_path, *(fix_replacing(tmp_path, f, "old", "new") for f in ("clean.py", "dirty.py", "untracked.py")))
    result = run_applier(tmp_path, plan)
    status = {o.diagnosis.file: (o.status, o.reason) for o in result.outcomes}
    assert status["clean.py"][0] == "applied"
    assert status["dirty.py"][0] == "refused" and "--allow-dirty" in status["dirty.py"][1]
    assert status["untracked.py"][0] == "refused"
    assert (tmp_path / "dirty.py").read_text() == "import old  # uncommitted\n"
    # the journal is not something git reports
    assert dirty_files(tmp_path) == {"dirty.py", "untracked.py", "clean.py"}
    allowed = run_applier(tmp_path, plan_of(tmp_path, fix_replacing(tmp_path, "dirty.py", "old", "new")), allow_dirty=True)
    assert allowed.applied and (tmp_path / "dirty.py").read_text() == "import new  # uncommitted\n"


def test_not_a_git_tree_means_no_dirty_check(tmp_path):
    assert dirty_files(tmp_path) is None


# --------------------------------------------------------------------------- verification


def test_a_fix_after_which_verification_is_worse_is_rolled_back(tmp_path):
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/util.py", "VALUE = 1\n")
    write(tmp_path, "app/uses.py", "from app.util import VALUE\n")
    write(tmp_path, "app/broken.py", "import app.missing_thing\n")
    good = fix_replacing(tmp_path, "app/broken.py", "app.missing_thing", "app.util")
    bad = fix_replacing(tmp_path, "app/util.py", "VALUE = 1", "OTHER = 1", code="FK202")  # breaks app.uses

    def verify(modules):
        return {i.module: i.ok for i in verify_entry_points(tmp_path, modules, python=sys.executable, timeout=30)}

    plan = plan_of(tmp_path, good, bad, entry=["app.uses", "app.broken"])
    result = run_applier(tmp_path, plan, verify=verify)
    status = {o.diagnosis.file: o.status for o in result.outcomes}
    assert status == {"app/broken.py": "applied", "app/util.py": "rolled-back"}
    rolled = result.by_status("rolled-back")[0]
    assert "app.uses stopped importing" in rolled.reason
    assert (tmp_path / "app/util.py").read_text() == "VALUE = 1\n"
    assert (tmp_path / "app/broken.py").read_text() == "import app.util\n"
    assert Journal.latest(tmp_path).manifest["rolled_back"][0]["id"] == bad.id


def test_a_symlink_leading_outside_the_project_is_refused(tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("import old\n")
    root = tmp_path / "proj"
    root.mkdir()
    (root / "link.py").symlink_to(outside)
    d = fix_replacing(root, "link.py", "old", "new")
    result = run_applier(root, plan_of(root, d))
    assert result.outcomes[0].status == "refused" and "outside the project" in result.outcomes[0].reason
    assert outside.read_text() == "import old\n"


def test_an_unwritable_directory_is_a_one_line_error_and_undo_restores_what_was_written(tmp_path, monkeypatch):
    write(tmp_path, "a/first.py", "import old\n")
    write(tmp_path, "b/second.py", "import old\n")
    plan = plan_of(tmp_path, fix_replacing(tmp_path, "a/first.py", "old", "new"), fix_replacing(tmp_path, "b/second.py", "old", "new"))
    import fixkit.apply as apply_mod

    if os.geteuid() != 0:
        os.chmod(tmp_path / "b", 0o555)  # a real read-only directory
    else:
        # root ignores directory permissions: the same EACCES is raised where the
        # write meets the file system instead.
        real = apply_mod.atomic_write

        def eacces(path, data, mode=None, **options):
            if Path(path).parent.name == "b":
                raise PermissionError(13, "Permission denied")
            return real(path, data, mode, **options)

        monkeypatch.setattr(apply_mod, "atomic_write", eacces)
    try:
        with pytest.raises(FixkitError, match=r"cannot write b/second.py: Permission denied; 1 file\(s\) already written"):
            run_applier(tmp_path, plan)
    finally:
        os.chmod(tmp_path / "b", 0o755)
    assert (tmp_path / "a/first.py").read_text() == "import new\n"
    monkeypatch.undo()
    undo(tmp_path)
    assert (tmp_path / "a/first.py").read_text() == "import old\n"
    assert (tmp_path / "b/second.py").read_text() == "import old\n"


# --------------------------------------------------------------------------- a syntax repair, then a codemod, on one file


def test_a_syntax_repair_and_an_import_repoint_of_one_file_are_both_applied(tmp_path):
    """FK401 (parameter order, repaired on parso's tree) and FK201 (a libcst codemod,
    which cannot parse the file before the repair) in the same file: `fixkit apply`
    repairs first, plans again on the repaired text, then repoints the import."""
    router = (
        "from app.middleware.auth import get_current_user  # no app/middleware/ at all\n\n\n"
        "def list_agents(limit=10, user):\n    return [user, limit]\n\n\nAGENTS = list_agents(user=get_current_user())\n"
    )
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/core/__init__.py", "")
    write(tmp_path, "app/core/security.py", 'def get_current_user():\n    return "user"\n')
    write(tmp_path, "app/routers/__init__.py", "")
    write(tmp_path, "app/routers/agents.py", router)
    before = snapshot(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "fixkit", "apply", str(tmp_path), "--yes", "--no-install", "--no-cache",
         "--entry", "app.routers.*", "--python", sys.executable],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "fixed FK401 app/routers/agents.py:4" in proc.stdout and "fixed FK201 app/routers/agents.py:1" in proc.stdout
    assert "0/1 → 1/1 entry points import" in proc.stdout
    assert (tmp_path / "app/routers/agents.py").read_text() == (
        "from app.core.security import get_current_user  # no app/middleware/ at all\n\n\n"
        "def list_agents(limit=10, *, user):\n    return [user, limit]\n\n\nAGENTS = list_agents(user=get_current_user())\n"
    )
    run = subprocess.run([sys.executable, "-c", "import app.routers.agents as m; print(m.AGENTS)"],
                         cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert run.stdout.strip() == "['user', 10]", run.stderr
    undo(tmp_path)
    assert snapshot(tmp_path) == before
