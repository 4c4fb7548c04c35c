"""`--format rdjson`: reviewdog's DiagnosticResult with line-wise suggestions."""

from __future__ import annotations

import json
from pathlib import Path

from fixkit.model import Safety, apply_hunks
from fixkit.reporters import render
from test_reporters import handmade_plan


def apply_linewise(text: str, suggestion: dict) -> str:
    """reviewdog's reading: lines start..end (inclusive) become `text` plus a line break."""
    lines = text.splitlines(keepends=True)
    start = suggestion["range"]["start"]["line"]
    end = suggestion["range"]["end"]["line"]
    new = suggestion["text"] + "\n" if suggestion["text"] != "" else ""
    return "".join(lines[: start - 1]) + new + "".join(lines[end:])


def test_rdjson_shape_and_suggestions(tmp_path: Path):
    plan = handmade_plan(tmp_path)
    result = json.loads(render(plan, "rdjson"))
    assert result["source"]["name"] == "fixkit"
    assert len(result["diagnostics"]) == len(plan.diagnoses)
    with_suggestions = 0
    for item, d in zip(result["diagnostics"], plan.diagnoses):
        assert item["code"] == {"value": d.code}
        assert item["severity"] == "ERROR"
        suggestions = item.get("suggestions", [])
        fix = d.fix
        single = fix is not None and fix.safety is not Safety.MANUAL and len(fix.edits) == 1 and not fix.edits[0].creates
        assert bool(suggestions) == single, d.code
        if single:
            edit = fix.edits[0]
            assert item["location"]["path"] == edit.path  # the comment sits where the change is
            old = plan.texts[edit.path]
            assert apply_linewise(old, suggestions[0]) == apply_hunks(old, edit.hunks)
            with_suggestions += 1
    assert with_suggestions == 5
    dependency = next(i for i in result["diagnostics"] if i["code"]["value"] == "FK101")
    assert dependency["location"]["path"] == "pyproject.toml"
    assert "(root cause at app/services/studio.py:3)" in dependency["message"]
    cycle = next(i for i in result["diagnostics"] if i["code"]["value"] == "FK501")
    assert cycle["location"] == {"path": "app/services/credit.py", "range": {"start": {"line": 1, "column": 1}}}
