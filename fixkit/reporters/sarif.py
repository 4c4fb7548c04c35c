"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One `reportingDescriptor` per diagnosis code with the code's documentation as help;
one result per diagnosis with its exact region; each fix's hunks become
`fixes[].artifactChanges[].replacements` (regions in line/column form, the end
exclusive: a hunk replacing lines [start, end) deletes from column 1 of `start` to
column 1 of `end`; an insertion is the empty region at column 1 of its line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fixkit.model import Diagnosis, FileEdit, Fix, Hunk, split_lines
from fixkit.plan import Plan
from fixkit.reporters._common import TOOL_NAME, TOOL_URI, fix_diff, path_prefix, rules_by_code, short_module

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "%SRCROOT%"


def _pascal(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.replace("_", "-").split("-"))


def _descriptor(code: str, rule: type | None, kind: str) -> dict[str, Any]:
    if rule is None:
        return {
            "id": code,
            "name": _pascal(kind),
            "shortDescription": {"text": kind},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": [kind]},
        }
    doc = rule.doc()
    return {
        "id": code,
        "name": _pascal(rule.kind),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": [rule.kind], "fixSafety": " ".join(rule.fix_safety.split())},
    }


def _artifact(prefix: str, path: str) -> dict[str, Any]:
    return {"uri": quote(prefix + path), "uriBaseId": BASE_ID}


def _position_after(lines: list[str], line: int) -> tuple[int, int]:
    """(line, column) of the start of `line` (1-based), which may be one past the end.

    Past the last line the position is the end of the text: the start of the empty
    line after a final line break, or just after the last character when the file
    does not end with one (a line that does not exist would not be a valid region).
    """
    if line <= len(lines) or not lines:
        return line, 1
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return len(lines) + 1, 1
    return len(lines), len(last) + 1


def _replacement(lines: list[str], hunk: Hunk) -> dict[str, Any]:
    end_line, end_column = _position_after(lines, hunk.end)
    start_line, start_column = _position_after(lines, hunk.start)
    replacement: dict[str, Any] = {
        "deletedRegion": {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}
    }
    if hunk.text:
        replacement["insertedContent"] = {"text": hunk.text}
    return replacement


def _change(plan: Plan, edit: FileEdit, prefix: str) -> dict[str, Any]:
    lines = split_lines(plan.texts.get(edit.path, ""))
    if edit.delete:
        # SARIF has no "delete the file": remove all of its text and say so.
        replacements = [_replacement(lines, Hunk(1, len(lines) + 1, ""))]
        props = {"delete": True}
    elif edit.creates:
        replacements = [_replacement([], Hunk(1, 1, "".join(h.text for h in edit.hunks)))]
        props = {"create": True}
    else:
        replacements = [_replacement(lines, h) for h in sorted(edit.hunks, key=lambda h: (h.start, h.end))]
        props = {}
    change: dict[str, Any] = {"artifactLocation": _artifact(prefix, edit.path), "replacements": replacements}
    if props:
        change["properties"] = props
    return change


def _fixes(plan: Plan, fix: Fix, prefix: str) -> list[dict[str, Any]]:
    changes = [_change(plan, e, prefix) for e in fix.edits if e.hunks or e.delete]
    if not changes:
        return []
    return [
        {
            "description": {"text": f"{fix.summary} ({fix.safety.value})"},
            "artifactChanges": changes,
            "properties": {"safety": fix.safety.value},
        }
    ]


def _message(d: Diagnosis) -> str:
    text = d.message
    if d.blocks:
        text += f" Blocks {len(d.blocks)} entry point{'s' if len(d.blocks) != 1 else ''}: {', '.join(short_module(m) for m in d.blocks)}."
    if d.fix is not None:
        text += f" Fix ({d.fix.safety.value}): {d.fix.summary}."
    return text


def _result(plan: Plan, d: Diagnosis, rule_index: int, prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": "error" if d.blocks else "warning",
        "message": {"text": _message(d)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(prefix, d.file),
                    "region": {"startLine": max(d.line, 1), "startColumn": d.column + 1},
                }
            }
        ],
        "partialFingerprints": {"fixkitId/v1": d.id},
        "properties": {"kind": d.kind, "blocks": list(d.blocks), "id": d.id},
    }
    if d.module:
        result["properties"]["module"] = d.module
    if d.symbol:
        result["properties"]["symbol"] = d.symbol
    if d.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": {"artifactLocation": _artifact(prefix, r.file), "region": {"startLine": max(r.line, 1), "startColumn": r.column + 1}},
                **({"message": {"text": r.note}} if r.note else {}),
            }
            for i, r in enumerate(d.related, 1)
        ]
    if d.fix is not None:
        fixes = _fixes(plan, d.fix, prefix)
        if fixes:
            result["fixes"] = fixes
        result["properties"]["fix"] = {
            "summary": d.fix.summary,
            "safety": d.fix.safety.value,
            "distribution": d.fix.distribution,
            "notes": list(d.fix.notes),
            "diff": fix_diff(plan, d.fix, prefix),
        }
    return result


def sarif_log(plan: Plan, *, root: str | None = None) -> dict[str, Any]:
    prefix = path_prefix(plan, root)
    known = rules_by_code()
    kinds = {d.code: d.kind for d in plan.diagnoses}
    codes = sorted(set(known) | set(kinds))
    index = {code: i for i, code in enumerate(codes)}
    base = Path(root if root is not None else plan.root).resolve().as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": plan.fixkit_version,
                        "semanticVersion": plan.fixkit_version,
                        "informationUri": TOOL_URI,
                        "rules": [_descriptor(code, known.get(code), kinds.get(code, getattr(known.get(code), "kind", code))) for code in codes],
                    }
                },
                "originalUriBaseIds": {BASE_ID: {"uri": base}},
                "columnKind": "unicodeCodePoints",
                "results": [_result(plan, d, index[d.code], prefix) for d in plan.diagnoses],
            }
        ],
    }


def render(plan: Plan, *, root: str | None = None) -> str:
    return json.dumps(sarif_log(plan, root=root), indent=2, ensure_ascii=False) + "\n"


__all__ = ["render", "sarif_log"]
