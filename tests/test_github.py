"""`--format github`: one review comment per diagnosis; suggestions reproduce the fix exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fixkit.model import Diagnosis, Fix, Safety, apply_hunks, edit_between, split_lines
from fixkit.plan import Plan
from fixkit.reporters import render
from fixkit.reporters.github import (
    MAX_SUGGESTION_LINES,
    apply_suggestion,
    fingerprints_in,
    review_comments,
    suggestion_for,
)
from test_reporters import handmade_plan

SUGGESTION_RE = re.compile(r"^(`{3,})suggestion\n(.*?)^\1$", re.S | re.M)


def suggestion_body(body: str) -> list[str] | None:
    """The replacement lines of the one suggestion block in a comment body."""
    blocks = SUGGESTION_RE.findall(body)
    if not blocks:
        return None
    assert len(blocks) == 1, body
    body = blocks[0][1]
    return body[:-1].split("\n") if body else []


def apply_comment(text: str, comment: dict) -> str:
    """Replace lines start_line..line of `text` with the suggestion, as GitHub's button does."""
    lines = text.splitlines(keepends=True)
    start = comment.get("start_line", comment["line"])
    new = [line + "\n" for line in suggestion_body(comment["body"])]
    return "".join(lines[: start - 1] + new + lines[comment["line"] :])


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return handmade_plan(tmp_path / "proj")


def test_payload_shape(plan):
    payload = json.loads(render(plan, "github"))
    assert payload["event"] == "COMMENT"
    assert payload["body"].startswith("**fixkit**: 3/10 entry points import")
    assert len(payload["comments"]) == len(plan.diagnoses)
    for comment, d in zip(payload["comments"], plan.diagnoses):
        assert comment["side"] == "RIGHT"
        assert fingerprints_in(comment["body"]) == {d.id}
        if "start_line" in comment:
            assert comment["start_line"] < comment["line"] and comment["start_side"] == "RIGHT"


def test_each_single_file_fix_is_one_suggestion_that_reproduces_it(plan):
    payload = json.loads(render(plan, "github"))
    checked = 0
    for comment, d in zip(payload["comments"], plan.diagnoses):
        fix = d.fix
        single = fix is not None and fix.safety is not Safety.MANUAL and len(fix.edits) == 1 and not fix.edits[0].creates
        assert (suggestion_body(comment["body"]) is not None) == single, d.code
        if single:
            edit = fix.edits[0]
            assert comment["path"] == edit.path
            old = plan.texts[edit.path]
            assert apply_comment(old, comment) == apply_hunks(old, edit.hunks)
            checked += 1
    assert checked == 5


def test_dependency_fix_is_a_suggestion_on_the_requirements_lines(plan):
    comment = next(c for c in render_comments(plan) if c["path"] == "pyproject.toml")
    assert comment["line"] == 4 and "start_line" not in comment  # the insertion anchors on the line before it
    assert suggestion_body(comment["body"]) == ['    "fastapi>=0.110",', '    "dagger-io>=0.9",']
    assert "Root cause at `app/services/studio.py:3`." in comment["body"]
    assert "Blast radius: keeps 1 entry point from importing: `ai_creative_studio`." in comment["body"]


def test_insertion_at_the_top_repeats_the_first_line(plan):
    comment = next(c for c in render_comments(plan) if c["path"] == "app/routers/docs.py")
    assert comment["line"] == 1
    assert suggestion_body(comment["body"])[-1] == "def usage():"


def test_suggestion_containing_backticks_gets_a_longer_fence(plan):
    comment = next(c for c in render_comments(plan) if c["path"] == "app/routers/docs.py")
    # the replacement holds ```` so the fence must be five backticks, and it is closed
    assert "\n`````suggestion\n" in comment["body"]
    assert suggestion_body(comment["body"])[:5] == ['"""Docs.', "", "````", "```", "````"]


def test_fix_over_several_files_is_a_comment_with_the_diff(plan):
    comment = next(c for c in render_comments(plan) if "FK201" in c["body"])
    assert comment["path"] == "app/routers/workflow_management.py" and comment["line"] == 2
    assert "```diff\n--- /dev/null\n+++ b/app/middleware/auth.py\n" in comment["body"]
    assert "+++ b/app/middleware/__init__.py" in comment["body"]
    assert suggestion_body(comment["body"]) is None


def test_manual_fix_says_what_to_do_without_suggestion(plan):
    comment = next(c for c in render_comments(plan) if "FK501" in c["body"])
    assert "**Fix (manual):** Move the import of charge into credit()" in comment["body"]
    assert "billing imports credit at module level" in comment["body"]
    assert suggestion_body(comment["body"]) is None


def render_comments(plan):
    return json.loads(render(plan, "github"))["comments"]


def _plan_for(tmp_path: Path, old: str, new: str, path: str = "app/mod.py") -> Plan:
    fix = Fix("change", Safety.SAFE, (edit_between(path, old, new),))
    d = Diagnosis("FK202", "missing-name", "m", path, 1, fix=fix)
    return Plan("0.1.0", str(tmp_path), (), (d,), {path: old})


@pytest.mark.parametrize(
    "old,new",
    [
        ("a\nb\nc\nd\n", "a\nB\nc\nD\n"),  # two hunks close together: one suggestion over both
        ("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"),  # CRLF kept
        ("a\nb\nc", "a\nb\nC"),  # last line without a line break
        ("a\nb\n", "a\nb\nc\n"),  # append at the end: anchored on the last line
        ("a\nb\nc\n", "a\nc\n"),  # deletion
        ("x = 1\n", "import os\nx = 1\n"),  # insertion at the top
    ],
)
def test_suggestion_applied_equals_the_edit(tmp_path, old, new):
    plan = _plan_for(tmp_path, old, new)
    suggestion = suggestion_for(plan, plan.diagnoses[0].fix)
    assert suggestion is not None
    assert apply_suggestion(old, suggestion) == new
    comment = review_comments(plan)[0]
    assert (comment.start_line or comment.line, comment.line) == (suggestion.start, suggestion.end)


def test_far_apart_hunks_become_a_diff_comment(tmp_path):
    old = "".join(f"line{i}\n" for i in range(1, MAX_SUGGESTION_LINES + 10))
    new = old.replace("line1\n", "LINE1\n").replace(f"line{MAX_SUGGESTION_LINES + 5}\n", "LAST\n")
    plan = _plan_for(tmp_path, old, new)
    assert suggestion_for(plan, plan.diagnoses[0].fix) is None
    comment = review_comments(plan)[0]
    assert comment.suggestion is None and "```diff" in comment.body and comment.line == 1


def test_root_prefix_applies_to_comment_paths(tmp_path):
    plan = handmade_plan(tmp_path / "backend")
    paths = {c["path"] for c in json.loads(render(plan, "github", root=str(tmp_path)))["comments"]}
    assert "backend/pyproject.toml" in paths and all(p.startswith("backend/") for p in paths)


from hypothesis import given, settings, strategies as st

_LINES = st.lists(st.sampled_from(["a", "b", "c", "```", "    x = 1", ""]), max_size=12)


@settings(max_examples=300, deadline=None)
@given(old=_LINES, new=_LINES, crlf=st.booleans(), final_newline=st.booleans())
def test_any_suggestion_applied_equals_the_edit(tmp_path_factory, old, new, crlf, final_newline):
    eol = "\r\n" if crlf else "\n"
    old_text = eol.join(old) + (eol if old and final_newline else "")
    new_text = eol.join(new) + (eol if new and final_newline else "")
    if old_text == new_text:
        return
    plan = _plan_for(Path("/nonexistent"), old_text, new_text)
    suggestion = suggestion_for(plan, plan.diagnoses[0].fix)
    if suggestion is None:
        # an empty file has no line to anchor an insertion on, and a suggestion holds
        # lines without their endings: a change of a line ending is shown as a diff
        ends = lambda t: [line[len(line.rstrip("\r\n")) :] for line in split_lines(t)]  # noqa: E731
        assert old_text == "" or ends(old_text)[-1:] != ends(new_text)[-1:] or set(ends(new_text)) - set(ends(old_text))
        return
    assert apply_suggestion(old_text, suggestion) == new_text
    comment = review_comments(plan)[0]
    block = re.search(r"^(`{3,})suggestion\n(.*?)^\1$", comment.body, re.S | re.M)
    assert block and block.group(2) == "".join(line + "\n" for line in suggestion.lines)


def test_a_huge_diff_is_cut_to_fit_a_comment(tmp_path):
    from fixkit.reporters.github import MAX_DIFF_CHARS

    big = "".join(f"value_{i} = {i}\n" for i in range(20_000))
    fix = Fix("create the module", Safety.REVIEW, (edit_between("app/big.py", None, big),))
    plan = Plan("0.1.0", str(tmp_path), (), (Diagnosis("FK201", "missing-module", "m", "app/x.py", 3, fix=fix),), {})
    comment = review_comments(plan)[0]
    assert len(comment.body) < 65_536 and len(comment.body) > MAX_DIFF_CHARS
    assert "... (cut here: `fixkit plan --format json` has the whole diff)" in comment.body
    assert comment.body.rstrip().endswith(f"<!-- fixkit:{plan.diagnoses[0].id} -->")


FLASK = Path(__file__).resolve().parent.parent / "sample_projects" / "flask_inventory"


def test_requirements_txt_dependency_fix_is_a_suggestion_that_apply_agrees_with(tmp_path):
    """`fixkit plan --format github` on the flask_inventory sample: its FK101 fix adds a line
    to requirements.txt, and the suggestion on that file, committed with GitHub's button,
    gives byte for byte what `fixkit apply` writes."""
    import shutil
    import subprocess
    import sys

    if not (FLASK / "requirements.txt").is_file():
        pytest.skip("the flask_inventory sample is not there")
    planned, applied = tmp_path / "planned", tmp_path / "applied"
    shutil.copytree(FLASK, planned)
    shutil.copytree(FLASK, applied)

    def fixkit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "fixkit", *args, "--offline", "--no-cache"], capture_output=True, text=True, timeout=300)

    proc = fixkit("plan", str(planned), "--format", "json")
    plan = json.loads(proc.stdout)
    fk101 = [d for d in plan["diagnoses"] if d["code"] == "FK101" and d["fix"] and d["fix"]["safety"] == "safe"]
    assert [(d["fix"]["edits"][0]["path"], len(d["fix"]["edits"])) for d in fk101] == [("requirements.txt", 1)], plan["diagnoses"]
    diagnosis = fk101[0]

    proc = fixkit("plan", str(planned), "--format", "github")
    assert proc.returncode == 1, proc.stderr
    payload = json.loads(proc.stdout)
    comments = [c for c in payload["comments"] if fingerprints_in(c["body"]) == {diagnosis["id"]}]
    assert len(comments) == 1
    comment = comments[0]
    assert comment["path"] == "requirements.txt" and comment["side"] == "RIGHT"
    assert f"Root cause at `{diagnosis['file']}:{diagnosis['line']}`." in comment["body"]
    old = (planned / "requirements.txt").read_text(encoding="utf-8")
    suggested = apply_comment(old, comment)
    # one line more, the requirement, and nothing else changed
    old_lines, new_lines = old.splitlines(), suggested.splitlines()
    assert len(new_lines) == len(old_lines) + 1
    at = next(i for i, line in enumerate(new_lines) if i >= len(old_lines) or line != old_lines[i])
    assert new_lines[at] == diagnosis["fix"]["distribution"] and new_lines[:at] + new_lines[at + 1 :] == old_lines

    proc = fixkit("apply", str(applied), "--select", "FK101", "--yes", "--no-verify")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert (applied / "requirements.txt").read_bytes() == suggested.encode("utf-8")


@pytest.mark.parametrize("doc", ["README.md", "docs/ci.md"])
def test_copy_paste_ci_examples_match_the_action_and_the_hooks(doc):
    """Every YAML example in the README's CI section and in docs/ci.md parses; a step using
    the action passes only inputs action.yml declares; a pre-commit hook is one that
    .pre-commit-hooks.yaml defines, with arguments the CLI accepts."""
    import yaml

    from fixkit.cli import build_parser

    repo = Path(__file__).resolve().parent.parent
    inputs = set(yaml.safe_load((repo / "action.yml").read_text())["inputs"])
    hooks = {h["id"]: h for h in yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text())}
    text = (repo / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.S | re.M)
    uses = hook_uses = 0
    for block in blocks:
        data = yaml.safe_load(block)
        steps = [s for job in (data.get("jobs") or {}).values() for s in job.get("steps", [])] if isinstance(data, dict) else data
        for step in steps or []:
            if isinstance(step, dict) and str(step.get("uses", "")).startswith("fixkit/fixkit@"):
                assert set(step.get("with") or {}) <= inputs, step
                uses += 1
        entries = data.get("repos") or [] if isinstance(data, dict) else [e for e in data if isinstance(e, dict) and "repo" in e]
        for repo_entry in entries:
            for hook in repo_entry["hooks"]:
                assert hook["id"] in hooks, hook
                build_parser().parse_args([*hooks[hook["id"]]["entry"].split()[1:], *hook.get("args", [])])
                hook_uses += 1
    assert uses and hook_uses, f"{doc} has no copy-paste example of the action and of a hook"
