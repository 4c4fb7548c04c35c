"""FK501's fix: the codemod that defers an import (its EXAMPLES, what it refuses), and
fix_circular_import on real projects in tmp_path, proven by importing in a subprocess."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, SkipFile

from codemods._common import module_and_package
from codemods.defer_import import DeferImportCommand
from fixkit.model import Safety
from fixkit.rules.fk501_circular_import import CircularImport
from tests.helpers import analysed, apply_fix, copy_sample, run_import, write_files


def _context(path: str) -> CodemodContext:
    module, package = module_and_package(path)
    return CodemodContext(filename=path, full_module_name=module, full_package_name=package)


def defer(text: str, module: str, path: str = "app/b.py") -> str:
    return DeferImportCommand(_context(path), module=module).transform_module(cst.parse_module(text)).code


@pytest.mark.parametrize(
    "source,where",
    [
        ("from app.a import A\n\nX = A()\n", "line 3: `A` is used at import time (at module level)"),
        ("from app.a import A\n\nclass B(A):\n    pass\n", "line 3: `A` is used at import time (in a class statement)"),
        ("from app.a import deco\n\n@deco\ndef f():\n    pass\n", "in a decorator"),
        ("from app.a import A\n\ndef f(x=A):\n    return x\n", "in a default value"),
        ("from app.a import A\n\nkey = lambda: A\n", "in a lambda outside any function"),
        # without the future import a signature annotation is evaluated when `def` runs
        ("from app.a import A\n\ndef f(x: A):\n    return x\n", "at module level"),
        # pydantic / dataclasses / SQLAlchemy read class-level annotations
        ("from __future__ import annotations\nfrom app.a import A\n\nclass M:\n    a: A\n", "class-level annotation"),
        # FastAPI reads an endpoint's annotations when the decorator runs
        ("from __future__ import annotations\nfrom app.a import A\n\n@router.get('/')\ndef f(x: A):\n    return x\n",
         "decorator `@router.get` may read its annotations"),
        ("from app.a import A\nA = A or 1\n", "bound more than once"),
    ],
)
def test_import_time_uses_are_refused_with_the_reason(source: str, where: str) -> None:
    with pytest.raises(SkipFile, match=where.replace("(", r"\(").replace(")", r"\)").replace("`", ".").replace("@", ".")):
        defer(source, "app.a")


def test_names_read_in_nested_functions_and_comprehensions_go_to_the_outermost_function() -> None:
    source = "import os\nfrom app.a import A as Alias, helper\n\n\ndef f(xs):\n    def g():\n        return [Alias(x) for x in xs]\n    return g, helper\n"
    assert defer(source, "app.a") == (
        "import os\n\n\ndef f(xs):\n    from app.a import A as Alias, helper\n    def g():\n        return [Alias(x) for x in xs]\n"
        "    return g, helper\n"
    )


def test_other_modules_and_names_stay_and_harmless_decorators_are_allowed() -> None:
    source = (
        "from __future__ import annotations\n\nfrom app.a import A\nfrom app.z import Z\n\n\nclass K:\n"
        "    @staticmethod\n    def make(a: A) -> Z:\n        return Z(a)\n"
    )
    out = defer(source, "app.a")
    assert "if TYPE_CHECKING:\n    from app.a import A\nfrom app.z import Z\n" in out
    assert "from typing import TYPE_CHECKING\n" in out
    compile(out, "app/b.py", "exec")


def test_an_unused_import_of_the_cycle_is_dropped() -> None:
    assert defer("from app.a import A\nfrom app.z import Z\n\nZ\n", "app.a") == "from app.z import Z\n\nZ\n"


# ------------------------------------------------------------------- fix_circular_import


def _cycle(analysis):
    diagnoses = list(CircularImport().find(analysis))
    assert len(diagnoses) == 1, [d.message for d in diagnoses]
    return diagnoses[0]


def test_engarde_credit_system_imports_after_the_fix(tmp_path) -> None:
    root = copy_sample(tmp_path)
    before = run_import(root, "app.routers.credit_system")
    assert before.returncode != 0 and "partially initialized module 'app.services.credit_service'" in before.stderr
    analysis = analysed(root)
    diagnosis = _cycle(analysis)
    assert (diagnosis.file, diagnosis.line) == ("app/services/billing_service.py", 8)
    fix = CircularImport().fix(diagnosis, analysis)
    assert fix is not None and fix.safety is Safety.REVIEW, fix
    assert fix.paths == ("app/services/billing_service.py",)
    assert any("CreditLedger" in note and "TYPE_CHECKING" in note for note in fix.notes)
    apply_fix(root, fix)
    text = (root / "app/services/billing_service.py").read_text()
    assert "if TYPE_CHECKING:\n    from app.services.credit_service import CreditLedger\n" in text
    after = run_import(root, "app.routers.credit_system")
    assert after.returncode == 0, after.stderr
    # billing alone, and credit_service entered from billing's side, import too
    assert run_import(root, "app.services.billing_service").returncode == 0
    assert list(CircularImport().find(analysed(root))) == []


PROJECT = {
    "app/__init__.py": "",
    "app/routers/__init__.py": "",
    "app/routers/credit.py": "from fastapi import APIRouter\nfrom app.credit import Ledger\nrouter = APIRouter()\n",
}


def test_a_use_in_a_method_moves_the_import_into_it_and_the_router_imports(tmp_path) -> None:
    write_files(tmp_path, {
        **PROJECT,
        "app/credit.py": "from app.billing import Billing\n\n\nclass Ledger:\n    def bill(self):\n        return Billing()\n",
        "app/billing.py": "\"\"\"Billing.\"\"\"\nfrom app.credit import Ledger\n\n\nclass Billing:\n    def ledger(self):\n        \"\"\"The ledger.\"\"\"\n        return Ledger()\n",
    })  # fmt: skip
    assert run_import(tmp_path, "app.routers.credit").returncode != 0
    analysis = analysed(tmp_path)
    fix = CircularImport().fix(_cycle(analysis), analysis)
    assert fix is not None and fix.safety is Safety.REVIEW
    assert any("Billing.ledger() imports Ledger from app.credit when first called" in n for n in fix.notes), fix.notes
    apply_fix(tmp_path, fix)
    assert (tmp_path / "app/billing.py").read_text() == (
        "\"\"\"Billing.\"\"\"\n\n\nclass Billing:\n    def ledger(self):\n        \"\"\"The ledger.\"\"\"\n"
        "        from app.credit import Ledger\n        return Ledger()\n"
    )
    assert run_import(tmp_path, "app.routers.credit").returncode == 0
    proof = "import app.routers.credit, app.billing; print(type(app.billing.Billing().ledger()).__name__)"
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", proof], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "Ledger", out.stderr
    assert list(CircularImport().find(analysed(tmp_path))) == []


def test_when_the_diagnosed_import_cannot_move_the_other_side_of_the_cycle_does(tmp_path) -> None:
    write_files(tmp_path, {
        **PROJECT,
        # credit reads Billing only in a function; billing subclasses Ledger at import time
        "app/credit.py": "from app.billing import Billing\n\n\nclass Ledger:\n    def bill(self):\n        return Billing()\n",
        "app/billing.py": "from app.credit import Ledger\n\n\nclass Billing(Ledger):\n    pass\n",
    })  # fmt: skip
    analysis = analysed(tmp_path)
    diagnosis = _cycle(analysis)
    assert diagnosis.file == "app/billing.py"
    fix = CircularImport().fix(diagnosis, analysis)
    assert fix is not None and fix.safety is Safety.REVIEW, fix
    assert fix.paths == ("app/credit.py",)
    apply_fix(tmp_path, fix)
    assert run_import(tmp_path, "app.routers.credit").returncode == 0
    assert run_import(tmp_path, "app.billing").returncode == 0
    assert list(CircularImport().find(analysed(tmp_path))) == []


def test_names_read_at_import_time_on_both_sides_leave_a_manual_fix_with_the_reasons(tmp_path) -> None:
    write_files(tmp_path, {
        **PROJECT,
        "app/credit.py": "from app.billing import Billing\n\nRATE = Billing.RATE\n\n\nclass Ledger:\n    pass\n",
        "app/billing.py": "from app.credit import Ledger\n\n\nclass Billing(Ledger):\n    RATE = 2\n",
    })  # fmt: skip
    analysis = analysed(tmp_path)
    original = {p: (tmp_path / p).read_bytes() for p in ("app/credit.py", "app/billing.py")}
    fix = CircularImport().fix(_cycle(analysis), analysis)
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    notes = "\n".join(fix.notes)
    assert "`Ledger` is used at import time (in a class statement)" in notes
    assert "`Billing` is used at import time (at module level)" in notes
    assert "third module" in notes
    assert {p: (tmp_path / p).read_bytes() for p in original} == original


def test_a_name_listed_in_all_is_not_deferred() -> None:
    with pytest.raises(SkipFile, match="listed in __all__"):
        defer("from app.a import A\n\n__all__ = ['A', 'f']\n\n\ndef f():\n    return A\n", "app.a")


def test_a_name_other_modules_import_from_the_importer_stays(tmp_path) -> None:
    write_files(tmp_path, {
        **PROJECT,
        "app/credit.py": "from app.billing import Billing\n\n\nclass Ledger:\n    def bill(self):\n        return Billing()\n",
        "app/billing.py": "from app.credit import Ledger\n\n\nclass Billing:\n    def ledger(self):\n        return Ledger()\n",
        "app/reports.py": "from app.billing import Ledger\n",  # takes Ledger through billing
    })  # fmt: skip
    analysis = analysed(tmp_path)
    fix = CircularImport().fix(_cycle(analysis), analysis)
    # billing's import must stay; credit's import of Billing is used only in a method: that one moves
    assert fix is not None and fix.safety is Safety.REVIEW and fix.paths == ("app/credit.py",), fix
    apply_fix(tmp_path, fix)
    for module in ("app.routers.credit", "app.reports", "app.billing"):
        assert run_import(tmp_path, module).returncode == 0, module


def test_apply_unsafe_on_engarde_frees_credit_system_and_workflow_management(tmp_path) -> None:
    """The CLI end to end: both review fixes (this cycle, the FK202 typo) are applied with
    --unsafe, and the verify that apply runs afterwards imports both routers."""
    import json
    import os
    import subprocess
    import sys

    root = copy_sample(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "SAML_METADATA_URL"}
    fixkit = [sys.executable, "-m", "fixkit"]
    proc = subprocess.run([*fixkit, "apply", str(root), "--yes", "--unsafe", "--no-install", "--python", sys.executable],
                          capture_output=True, text=True, timeout=900, env=env)  # fmt: skip
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert "fixed FK501 app/services/billing_service.py:8" in proc.stdout
    assert "fixed FK202 app/routers/workflow_management.py:9" in proc.stdout
    verify = subprocess.run([*fixkit, "verify", str(root), "--format", "json", "--python", sys.executable],
                            capture_output=True, text=True, timeout=900, env=env)  # fmt: skip
    items = {i["module"]: i["ok"] for i in json.loads(verify.stdout)["items"]}
    assert items["app.routers.credit_system"] and items["app.routers.workflow_management"]
    plan = subprocess.run([*fixkit, "plan", str(root), "--format", "json", "--python", sys.executable],
                          capture_output=True, text=True, timeout=900, env=env)  # fmt: skip
    codes = [(d["code"], d["file"]) for d in json.loads(plan.stdout)["diagnoses"]]
    assert ("FK501", "app/services/billing_service.py") not in codes
    assert ("FK202", "app/routers/workflow_management.py") not in codes
