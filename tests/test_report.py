"""The Markdown verification report: built from real verify/diagnosis records."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from fixkit.model import Diagnosis, Fix, Safety, edit_between
from fixkit.plan import EntryPoint, Plan
from fixkit.reporters.verification import diagnosis_record, next_action, priority, render
from fixkit.verify import VerifyResult, explain_failures, verify_entry_points


def _project(root: Path) -> Plan:
    files = {
        "app/__init__.py": "",
        "app/ok.py": "",
        "app/pkg.py": "import bleach\n",
        "app/dup.py": "raise RuntimeError(\"Table 'predictive_models' is already defined\")\n",
        "app/sso.py": "raise RuntimeError('SAML metadata URL is not configured')\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    dep = Diagnosis(
        "FK101", "missing-dependency", "`bleach` is not installed", "app/pkg.py", 1, symbol="bleach", blocks=("app.pkg",),
        fix=Fix("declare bleach>=6.0", Safety.SAFE, (edit_between("pyproject.toml", "", "x\n"),), distribution="bleach>=6.0"),
    )
    dup = Diagnosis(
        "FK301", "duplicate-model", "table 'predictive_models' defined twice", "app/dup.py", 1, symbol="PredictiveModel",
        blocks=("app.dup", "a2", "a3", "a4", "a5"), fix=Fix("keep analytics_models.PredictiveModel", Safety.REVIEW, ()),
    )
    return Plan(
        "t", str(root),
        (EntryPoint("app.ok", "app/ok.py"), EntryPoint("app.pkg", "app/pkg.py", (dep.id,)), EntryPoint("app.dup", "app/dup.py", (dup.id,)), EntryPoint("app.sso", "app/sso.py")),
        (dup, dep),
    )


def test_report_states_before_after_causes_fixes_and_next_actions(tmp_path):
    plan = _project(tmp_path)
    items = verify_entry_points(tmp_path, [e.module for e in plan.entry_points], python=sys.executable)
    items, fk901 = explain_failures(items, plan, {e.module: e.file for e in plan.entry_points})
    now = VerifyResult(tuple(items), tuple(fk901))
    before = {"total": 4, "loaded": 0, "items": [{"module": e.module, "ok": False, "error": "x", "diagnosis": None} for e in plan.entry_points]}
    text = render(
        project="demo",
        now=now.to_dict(),
        remaining=[diagnosis_record(d) for d in plan.diagnoses],
        before=before,
        causes_before=[diagnosis_record(d) for d in plan.diagnoses],
        applied=[
            {"code": "FK401", "summary": "make parameters keyword-only", "files": ["app/x.py"]},
            {"id": plan.diagnoses[1].id, "code": "FK101", "summary": "declare bleach>=6.0", "files": ["pyproject.toml"]},
        ],
        rolled_back=[{"summary": "rename thing", "reason": "verification got worse: app.ok stopped importing"}],
        generated="2026-01-01 00:00 UTC",
    )
    assert text.startswith("# Verification Report: demo")
    assert "**0/4 → 1/4**" in text
    assert "- **Total entry points:** 4" in text and "- **Importing now:** 1 (25.0%)" in text
    assert "| `app.ok` | ❌ fails | ✅ loads |  |" in text
    assert "| `app.pkg` | ❌ fails | ❌ fails | FK101 missing-dependency: `bleach` is not installed |" in text
    # the runtime error static analysis could not see is a remaining FK901 cause
    assert "FK901 runtime-error `app/sso.py:1`" in text
    assert "SAML metadata URL is not configured" in text
    # blast radius, largest first
    assert text.index("### FK301") < text.index("### FK101")
    assert "**Blast radius:** 5 entry points: `app.dup`, `a2`, `a3`, `a4`, `a5`" in text
    assert "- ✅ **FK401** make parameters keyword-only — `app/x.py`" in text
    # Declared but not installed: not fixed. It is listed with what remains, with its next action.
    fixed = text.split("## 3. What Was Fixed")[1].split("## 4. What Remains")[0]
    remains = text.split("## 4. What Remains")[1]
    assert "FK101" not in fixed and "bleach" not in fixed
    assert (
        "- ⏳ **FK101** declare bleach>=6.0 — `pyproject.toml`: applied by the last `fixkit apply`, but the dependency "
        "it declared is not installed yet; next: install it: `pip install 'bleach>=6.0'` (or `fixkit apply --install`)"
    ) in remains
    assert "- **Fixes applied:** 2 (1 not effective yet, see What Remains; 1 rolled back because verification got worse)" in text
    assert "rolled back: rename thing — verification got worse" in text
    assert "| P1 | FK301 duplicate-model" in text  # blocks five
    assert "pip install 'bleach>=6.0'" in text
    assert "| P2 | FK101 missing-dependency" in text


def test_priorities_and_next_actions():
    rec = lambda kind, blocks, fix=None, ident="X": {"id": ident, "code": "FK0", "kind": kind, "message": "m", "file": "f.py", "line": 3, "blocks": blocks, "fix": fix, "symbol": "dagger"}
    assert priority(rec("missing-name", ["a"]), route_blockers=["X"]) == "P0"
    assert priority(rec("syntax-error", list("abcdef"))) == "P1"
    assert priority(rec("missing-dependency", ["a"])) == "P2"
    assert priority(rec("missing-name", ["a"])) == "P3"
    assert "fixkit apply --unsafe" in next_action(rec("missing-name", [], {"summary": "repoint", "safety": "review", "distribution": None, "notes": []}))
    assert next_action(rec("missing-name", [], {"summary": "WorkflowEngin → WorkflowEngine?", "safety": "manual", "distribution": None, "notes": ["did you mean WorkflowEngine"]})).startswith("decide by hand")
    assert "fixkit resolve dagger" in next_action(rec("missing-dependency", []))
    assert "`f.py:3`" in next_action(rec("runtime-error", []))



def test_a_dependency_declared_but_not_installed_is_not_reported_fixed(tmp_path):
    """The real sequence: `apply --no-install` declares bleach, the routers still fail; the
    report lists it under What Remains with `pip install`, and under What Was Fixed only once
    the package is there (its cause gone)."""
    plan = _project(tmp_path)
    dep = plan.diagnoses[1]
    items = verify_entry_points(tmp_path, [e.module for e in plan.entry_points], python=sys.executable)
    items, fk901 = explain_failures(items, plan, {e.module: e.file for e in plan.entry_points})
    now = VerifyResult(tuple(items), tuple(fk901)).to_dict()
    applied = [{"id": dep.id, "code": "FK101", "summary": "declare bleach>=6.0", "files": ["pyproject.toml"]}]
    common = dict(project="demo", now=now, causes_before=[diagnosis_record(d) for d in plan.diagnoses], applied=applied)

    text = render(remaining=[diagnosis_record(d) for d in plan.diagnoses], **common)
    fixed = text.split("## 3. What Was Fixed")[1].split("## 4. What Remains")[0]
    assert "✅" not in fixed and "Nothing is fixed yet" in fixed
    assert "- ⏳ **FK101** declare bleach>=6.0" in text.split("## 4. What Remains")[1]
    assert "| P2 | FK101 missing-dependency `app/pkg.py:1`" in text

    # Installed (the plan no longer finds the cause): now it is fixed.
    text = render(remaining=[diagnosis_record(plan.diagnoses[0])], **common)
    assert "- ✅ **FK101** declare bleach>=6.0 — `pyproject.toml`" in text.split("## 3. What Was Fixed")[1].split("## 4.")[0]
    assert "⏳" not in text
