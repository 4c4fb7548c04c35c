"""The FK401-FK411 rules' own VALID/INVALID examples, run through the real pipeline
(discover → analyse → rule.find → rule.fix → apply the hunks), plus how the rules
share the errors with FK499.  (tests/test_rule_examples.py runs every rule's examples
the same way once it exists; this keeps the syntax rules covered on their own.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixkit.analyse import analyse
from fixkit.config import Config
from fixkit.facts.extract import extract_facts
from fixkit.model import Safety, apply_hunks
from fixkit.repair import parses
from fixkit.rules import RULES
from fixkit.rules.fk401_parameter_order import ParameterOrder
from fixkit.rules.fk402_catalogue import CATALOGUE_RULES

SYNTAX_RULES = (ParameterOrder, *CATALOGUE_RULES)


def _extractor_reports_compile_errors() -> bool:
    facts = extract_facts("m.py", "m", False, b"f(a=1, a=1)\n", (3, 11))
    return facts.syntax_error is not None


# "keyword argument repeated" and "duplicate argument" come from the compiler, not the
# parser: the facts only carry them once extraction compiles the tree.
COMPILE_TIME = {"FK403", "FK404"}


def _cases(kind: str):
    for rule in SYNTAX_RULES:
        for i, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind}-{i}")


def _project(root: Path, example) -> None:
    for path, text in example.project_files().items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


@pytest.mark.parametrize("rule, example", list(_cases("VALID")))
def test_valid_examples_are_not_reported(tmp_path, rule, example):
    _project(tmp_path, example)
    analysis = analyse(Config(root=tmp_path, use_cache=False))
    assert list(rule().find(analysis)) == []


@pytest.mark.parametrize("rule, example", list(_cases("INVALID")))
def test_invalid_examples_are_reported_and_fixed(tmp_path, rule, example):
    if rule.code in COMPILE_TIME and not _extractor_reports_compile_errors():
        pytest.skip("fixkit.facts.extract does not compile the tree yet, so compile-time syntax errors are not facts")
    _project(tmp_path, example)
    analysis = analyse(Config(root=tmp_path, use_cache=False))
    diagnoses = list(rule().find(analysis))
    assert sorted((d.file, d.line) for d in diagnoses) == sorted(example.expect)
    for d in diagnoses:
        assert d.code == rule.code and d.kind == rule.kind
        assert d.kind == ("parameter-order" if rule.code == "FK401" else "syntax-error")
    texts: dict[str, str] = {}
    fixes = [rule().fix(d, analysis) for d in diagnoses]
    for fix in fixes:
        assert fix is not None
        if fix.safety is Safety.MANUAL:
            assert fix.edits == () and fix.notes
            continue
        for edit in fix.edits:
            texts[edit.path] = apply_hunks(analysis.project.read_text(edit.path), edit.hunks)
            assert parses(texts[edit.path])
    if example.fixed is not None:
        assert texts == dict(example.fixed)
    else:
        assert all(f.safety is Safety.MANUAL for f in fixes)


def test_every_syntax_rule_is_registered_before_fk499_and_documented():
    codes = [r.code for r in RULES]
    for rule in SYNTAX_RULES:
        assert codes.index(rule.code) < codes.index("FK499")
        assert rule.VALID and rule.INVALID
        doc = rule.doc()
        assert rule.code in doc and "## Fix safety" in doc


def test_fk499_reports_only_what_no_catalogue_rule_claims(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/a.py": "def f(a=1, b):\n    pass\n",  # FK401
        "app/b.py": "X = [1 2]\n",  # FK406
        "app/c.py": "X = (1,\n",  # nothing mechanical: FK499
        "app/d.py": "X = [a b c d e]\n",  # "forgot a comma" but no single comma repairs it
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    analysis = analyse(Config(root=tmp_path, use_cache=False))
    found = {}
    for rule in RULES:
        if rule.code.startswith("FK4"):
            for d in rule().find(analysis):
                found.setdefault(d.file, []).append(d.code)
    assert found == {"app/a.py": ["FK401"], "app/b.py": ["FK406"], "app/c.py": ["FK499"], "app/d.py": ["FK499"]}
