"""Every rule's own VALID/INVALID examples, run as tests (like Fixit's rule test harness).

Each example is a small project written to tmp_path and analysed for real (discover,
`ast` facts, graph, the target-environment probe in a subprocess).  Files under `site/`
stand for installed third-party packages: they are written outside the project and put
on the path the target interpreter searches (`analyse(site_paths=...)`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fixkit.analyse import analyse
from fixkit.config import Config
from fixkit.model import Safety, apply_hunks, merge_edits
from fixkit.rules import RULES
from fixkit.rules.base import Example


def _cases(kind: str):
    for rule in RULES:
        for i, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind.lower()}-{i}")


def write_example(tmp_path: Path, example: Example) -> tuple[Path, Path]:
    root = tmp_path / "project"
    site = tmp_path / "site"
    root.mkdir()
    site.mkdir()
    for rel, text in example.project_files().items():
        base, rel = (site, rel[len("site/") :]) if rel.startswith("site/") else (root, rel)
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        # surrogateescape: an example can hold bytes that are not valid UTF-8 ("\udce9").
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return root, site


def run_rule(tmp_path: Path, rule, example: Example):
    if example.python and sys.version_info[:2] < example.python:
        pytest.skip(f"needs Python {example.python[0]}.{example.python[1]}")
    root, site = write_example(tmp_path, example)
    config = Config(root=root.resolve(), use_cache=False)
    analysis = analyse(config, site_paths=[str(site)])
    return root, analysis, list(rule().find(analysis))


@pytest.mark.parametrize("rule,example", list(_cases("VALID")))
def test_valid_example_has_no_diagnosis(tmp_path, rule, example):
    _, _, diagnoses = run_rule(tmp_path, rule, example)
    assert diagnoses == [], [d.message for d in diagnoses]


@pytest.mark.parametrize("rule,example", list(_cases("INVALID")))
def test_invalid_example_reports_exactly_the_expected_places(tmp_path, rule, example):
    root, analysis, diagnoses = run_rule(tmp_path, rule, example)
    assert sorted((d.file, d.line) for d in diagnoses) == sorted(example.expect), [d.message for d in diagnoses]
    for d in diagnoses:
        assert d.code == rule.code and d.kind == rule.kind
        assert d.message.strip()
    if example.fixed is None:
        return
    edits_by_path: dict[str, list] = {}
    for d in diagnoses:
        fix = rule().fix(d, analysis)
        assert fix is not None, f"{rule.code}: no fix for {d.message}"
        assert fix.safety in (Safety.SAFE, Safety.REVIEW)
        for edit in fix.edits:
            edits_by_path.setdefault(edit.path, []).append(edit)
    for rel, expected in example.fixed.items():
        edits = edits_by_path.get(rel)
        assert edits, f"the fix does not touch {rel}"
        edit = merge_edits(edits)
        if expected is None:
            assert edit.delete
            continue
        old = (root / rel).read_bytes().decode("utf-8") if not edit.creates else ""
        new = apply_hunks(old, edit.hunks)
        assert new == expected
        compile(new, rel, "exec")


def test_every_rule_is_documented_and_has_examples():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        for attribute in ("summary", "what", "why", "example", "fix_safety"):
            assert getattr(rule, attribute).strip(), f"{rule.code} has no {attribute}"
        assert rule.doc().startswith(f"{rule.code} {rule.kind}:")
        if rule.code != "FK901":  # emitted by verify only: no static example can show it
            assert rule.INVALID, f"{rule.code} has no INVALID example"
