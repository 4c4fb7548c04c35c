"""FK202's typo fix: the rename codemod's EXAMPLES, the closeness rule, and
fix_missing_name on real projects in tmp_path, proven by importing in a subprocess."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from codemods._common import module_and_package
from codemods.rename_import import RenameImportCommand, parse_rename
from fixkit.fixes.typos import closeness, edit_distance
from fixkit.model import Safety
from fixkit.rules.fk202_missing_name import MissingName
from tests.helpers import analysed, apply_fix, copy_sample, run_import, write_files


def _context(path: str) -> CodemodContext:
    module, package = module_and_package(path)
    return CodemodContext(filename=path, full_module_name=module, full_package_name=package)


def rename(text: str, spec: str, path: str = "app/routers/r.py") -> str:
    return RenameImportCommand(_context(path), renames=[spec]).transform_module(cst.parse_module(text)).code


def test_a_second_binding_of_the_old_name_keeps_the_rest_of_the_file() -> None:
    source = "try:\n    from app.engine import Enginee\nexcept ImportError:\n    Enginee = None\n\nEnginee\n"
    assert rename(source, "app.engine:Enginee=Engine") == (
        "try:\n    from app.engine import Engine as Enginee\nexcept ImportError:\n    Enginee = None\n\nEnginee\n"
    )


def test_a_function_level_import_renames_only_that_function() -> None:
    source = "def f():\n    from app.engine import Enginee\n    return Enginee\n\n\ndef g(Enginee):\n    return Enginee\n"
    assert rename(source, "app.engine:Enginee=Engine") == (
        "def f():\n    from app.engine import Engine\n    return Engine\n\n\ndef g(Enginee):\n    return Enginee\n"
    )


def test_other_modules_are_not_touched() -> None:
    source = "from app.other import Enginee\n\nEnginee\n"
    assert rename(source, "app.engine:Enginee=Engine") == source


@pytest.mark.parametrize("spec", ["app.engine:Enginee", "app.engine=Engine", "app engine:A=B", "app.engine:A=B-C"])
def test_a_bad_rename_spec_is_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_rename(spec)


@pytest.mark.parametrize(
    "wanted,candidate,close",
    [
        ("WorkflowEngin", "WorkflowEngine", True),  # one deletion
        ("get_curent_user", "get_current_user", True),
        ("SessionManagr", "SessionManger", True),  # distance 2 on long names
        ("Sesion", "Session", True),
        ("gett", "get", False),  # short names: only a very high ratio counts
        ("WorkflowEngin", "WorkflowRunner", False),
        ("User", "Users", False),
    ],
)
def test_closeness(wanted: str, candidate: str, close: bool) -> None:
    assert (closeness(wanted, candidate) is not None) is close


def test_edit_distance() -> None:
    assert edit_distance("kitten", "sitting") == 3  # over the limit of 2: reported as 3
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("WorkflowEngin", "WorkflowEngine") == 1
    assert edit_distance("ab", "ba") == 2
    assert edit_distance("a", "abcdef") == 3


# ------------------------------------------------------------------------- the fix


def _missing(analysis, symbol: str):
    found = [d for d in MissingName().find(analysis) if d.symbol == symbol]
    assert len(found) == 1, [d.message for d in MissingName().find(analysis)]
    return found[0]


def test_engarde_workflow_management_imports_after_the_rename(tmp_path) -> None:
    root = copy_sample(tmp_path)
    assert "cannot import name 'WorkflowEngin'" in run_import(root, "app.routers.workflow_management").stderr
    analysis = analysed(root)
    diagnosis = _missing(analysis, "WorkflowEngin")
    fix = MissingName().fix(diagnosis, analysis)
    assert fix is not None and fix.safety is Safety.REVIEW, fix
    assert fix.paths == ("app/routers/workflow_management.py",)
    assert "WorkflowEngine" in fix.notes[0] and "edit distance 1" in fix.notes[0]
    apply_fix(root, fix)
    text = (root / "app/routers/workflow_management.py").read_text()
    assert "WorkflowEngin." not in text and "WorkflowEngin," not in text
    assert "from app.services.workflow_engine import WorkflowEngine, WorkflowValidationError\n" in text
    assert "order = WorkflowEngine.topological_order(" in text
    after = run_import(root, "app.routers.workflow_management")
    assert after.returncode == 0, after.stderr
    assert not [d for d in MissingName().find(analysed(root)) if d.symbol == "WorkflowEngin"]


BASE = {
    "app/__init__.py": "",
    "app/engine.py": "class Engine:\n    @staticmethod\n    def run():\n        return 'ran'\n\n\nclass Engines:\n    pass\n",
}


def test_every_importer_is_renamed_and_the_code_runs(tmp_path) -> None:
    write_files(tmp_path, {
        **BASE,
        "app/engine.py": "class WorkflowEngine:\n    @staticmethod\n    def run():\n        return 'ran'\n",
        "app/a.py": "from app.engine import WorkflowEngin\n\nRESULT = WorkflowEngin.run()\n",
        "app/b.py": "from .engine import WorkflowEngin as E\n\nRESULT = E.run()\n",
    })  # fmt: skip
    analysis = analysed(tmp_path)
    diagnoses = [d for d in MissingName().find(analysis) if d.symbol == "WorkflowEngin"]
    assert diagnoses
    fix = MissingName().fix(diagnoses[0], analysis)
    assert fix is not None and fix.safety is Safety.REVIEW
    assert set(fix.paths) == {"app/a.py", "app/b.py"}
    apply_fix(tmp_path, fix)
    assert (tmp_path / "app/a.py").read_text() == "from app.engine import WorkflowEngine\n\nRESULT = WorkflowEngine.run()\n"
    assert (tmp_path / "app/b.py").read_text() == "from .engine import WorkflowEngine as E\n\nRESULT = E.run()\n"
    for module in ("app.a", "app.b"):
        assert run_import(tmp_path, module).returncode == 0


def test_two_close_names_keep_the_manual_did_you_mean(tmp_path) -> None:
    write_files(tmp_path, {
        **BASE,
        "app/engine.py": "class SessionManager:\n    pass\n\n\nclass SessionManagers:\n    pass\n",
        "app/r.py": "from app.engine import SessionManagerr\n",
    })  # fmt: skip
    analysis = analysed(tmp_path)
    fix = MissingName().fix(_missing(analysis, "SessionManagerr"), analysis)
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    assert any("did you mean SessionManager" in note for note in fix.notes), fix.notes


def test_a_misspelt_name_another_module_defines_is_repointed_not_renamed(tmp_path) -> None:
    write_files(tmp_path, {
        **BASE,
        "app/other.py": "class Enginee:\n    pass\n",
        "app/r.py": "from app.engine import Enginee\n\nEnginee\n",
    })  # fmt: skip
    analysis = analysed(tmp_path)
    fix = MissingName().fix(_missing(analysis, "Enginee"), analysis)
    assert fix is not None and fix.safety is Safety.SAFE
    apply_fix(tmp_path, fix)
    assert (tmp_path / "app/r.py").read_text() == "from app.other import Enginee\n\nEnginee\n"


def test_a_short_name_that_is_not_close_enough_stays_manual(tmp_path) -> None:
    write_files(tmp_path, {**BASE, "app/engine.py": "def get():\n    pass\n", "app/r.py": "from app.engine import gett\n"})
    analysis = analysed(tmp_path)
    fix = MissingName().fix(_missing(analysis, "gett"), analysis)
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
