"""On the engarde sample: every safe fix is one GitHub suggestion that writes what apply writes."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest

from fixkit.config import load_config
from fixkit.model import Safety, apply_hunks
from fixkit.reporters import render
from fixkit.reporters.github import Suggestion, apply_suggestion

SAMPLE = Path(__file__).resolve().parent.parent / "sample_projects" / "engarde_backend"
SUGGESTION_RE = re.compile(r"^(`{3,})suggestion\n(.*?)^\1$", re.S | re.M)
FINGERPRINT_RE = re.compile(r"<!-- fixkit:([A-Za-z0-9_.-]+) -->")


@pytest.fixture(scope="module")
def engarde(tmp_path_factory):
    try:
        from fixkit.plan import make_plan
    except ImportError:
        pytest.skip("fixkit.plan.make_plan is not there yet")
    if not (SAMPLE / "app" / "main.py").is_file():
        pytest.skip("the engarde sample is not there yet")
    root = tmp_path_factory.mktemp("engarde") / "engarde_backend"
    shutil.copytree(SAMPLE, root)
    plan = make_plan(load_config(root, offline=True, use_cache=False))
    return root, plan


def _same_as_apply(root: Path, path: str, text: str, edit, suggested: str) -> bool:
    """Whether `suggested` is what `fixkit apply` writes for this edit, byte for byte."""
    try:
        from fixkit.apply import new_bytes, read_state
    except ImportError:
        return suggested == apply_hunks(text, edit.hunks)
    state = read_state(root, path)
    return state.encode(suggested) == new_bytes(state, edit)


def _after_suggestion(text: str, comment: dict) -> str:
    """GitHub's "Commit suggestion": lines start_line..line become the block's lines."""
    start = comment.get("start_line", comment["line"])
    body = SUGGESTION_RE.findall(comment["body"])[0][1]
    lines = tuple(body[:-1].split("\n")) if body else ()  # only \n ends a line here, not \f or \x1c
    return apply_suggestion(text, Suggestion(comment["path"], start, comment["line"], lines))


def test_one_suggestion_per_safe_fix_equal_to_what_apply_writes(engarde):
    root, plan = engarde
    payload = json.loads(render(plan, "github"))
    comments = {FINGERPRINT_RE.search(c["body"]).group(1): c for c in payload["comments"]}
    assert len(comments) == len(plan.diagnoses)
    safe = [d for d in plan.diagnoses if d.fix is not None and d.fix.safety is Safety.SAFE and d.fix.edits]
    assert safe, "the sample has safe fixes (e.g. the dependency declarations)"
    # What a suggestion can express: one edit of one existing file.  Counted from the plan's
    # JSON (what `apply --plan` applies), not from the objects the loop below walks.
    single_file = {
        d["id"] for d in json.loads(render(plan, "json"))["diagnoses"]
        if d["fix"] and d["fix"]["safety"] == "safe" and len(d["fix"]["edits"]) == 1
        and d["fix"]["edits"][0]["old_sha256"] and not d["fix"]["edits"][0]["delete"]
    }
    assert single_file, "the sample has single-file safe fixes"
    checked = set()
    for d in safe:
        comment = comments[d.id]
        blocks = SUGGESTION_RE.findall(comment["body"])
        one_file = len(d.fix.edits) == 1 and not d.fix.edits[0].creates and not d.fix.edits[0].delete
        if not one_file:
            assert not blocks and "```diff" in comment["body"], d.code
            continue
        assert len(blocks) == 1, (d.code, comment["body"])
        edit = d.fix.edits[0]
        assert comment["path"] == edit.path
        text = plan.texts[edit.path]
        suggested = _after_suggestion(text, comment)
        assert _same_as_apply(root, edit.path, text, edit, suggested), (d.code, edit.path)
        if edit.path.endswith(".py"):
            ast.parse(suggested)
        checked.add(d.id)
    assert checked == single_file, f"checked {len(checked)} of the {len(single_file)} single-file safe fixes"


def test_sarif_of_the_sample_validates(engarde):
    from test_sarif import validate  # the official schema, with a FormatChecker for its formats

    _, plan = engarde
    validate(json.loads(render(plan, "sarif")))
