"""`--format sarif`: valid SARIF 2.1.0 (official schema), one rule per code, exact fixes."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from fixkit.model import Diagnosis, Fix, Safety, apply_hunks, edit_between, split_lines
from fixkit.plan import Plan
from fixkit.reporters import render
from fixkit.reporters._common import rules_by_code
from test_reporters import handmade_plan

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


# The formats the SARIF schema uses.  jsonschema checks them only with optional packages
# (rfc3986-validator, rfc3339-validator); without those a FormatChecker passes anything,
# so the missing ones are checked here, after RFC 3986 (the characters a URI may hold, a
# scheme for an absolute URI) and RFC 3339.
FORMAT_CHECKER = jsonschema.FormatChecker()
_URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")

if "uri-reference" not in FORMAT_CHECKER.checkers:

    @FORMAT_CHECKER.checks("uri-reference")
    def _uri_reference(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI_CHARACTERS.fullmatch(value))


if "uri" not in FORMAT_CHECKER.checkers:

    @FORMAT_CHECKER.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI_CHARACTERS.fullmatch(value) and _SCHEME.match(value))


if "date-time" not in FORMAT_CHECKER.checkers:

    @FORMAT_CHECKER.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # the ranges: month 13 raises
        return bool(_DATE_TIME.fullmatch(value))


def validate(log: dict) -> None:
    """`log` against the official schema, formats included."""
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def apply_replacements(text: str, replacements: list[dict]) -> str:
    """Apply SARIF replacements (1-based lines and columns, end exclusive) from the end."""
    lines = split_lines(text)

    def offset(line: int, column: int) -> int:
        return sum(len(x) for x in lines[: line - 1]) + column - 1

    for r in sorted(replacements, key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]), reverse=True):
        region = r["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + r.get("insertedContent", {}).get("text", "") + text[end:]
    return text


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return handmade_plan(tmp_path / "proj")


def test_schema_file_is_the_official_one():
    assert SCHEMA["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


def test_sarif_validates_against_the_official_schema(plan):
    validate(json.loads(render(plan, "sarif")))


def test_schema_check_is_not_vacuous(plan):
    log = json.loads(render(plan, "sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="level"):
        validate(log)


@pytest.mark.parametrize("where,value", [
    (("runs", 0, "results", 0, "locations", 0, "physicalLocation", "artifactLocation", "uri"), "app/my models.py"),
    (("runs", 0, "results", 0, "locations", 0, "physicalLocation", "artifactLocation", "uri"), "app/100%.py"),
    (("runs", 0, "tool", "driver", "rules", 0, "helpUri"), "/docs/no-scheme"),
    (("$schema",), "sarif schema"),
    (("runs", 0, "invocations"), [{"executionSuccessful": True, "startTimeUtc": "2024-13-01T00:00:00Z"}]),
    (("runs", 0, "invocations"), [{"executionSuccessful": True, "startTimeUtc": "yesterday"}]),
])
def test_format_check_is_not_vacuous(plan, where, value):
    log = json.loads(render(plan, "sarif"))
    node = log
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    with pytest.raises(AssertionError, match="is not a"):
        validate(log)


def test_paths_that_are_not_uri_characters_are_encoded(tmp_path):
    """A file name with a space or a percent sign is a valid uri-reference once encoded."""
    text = "x = 1\n"
    diagnoses = tuple(
        Diagnosis("FK202", "missing-name", "m", path, 1, fix=Fix("f", Safety.SAFE, (edit_between(path, text, "x = 2\n"),)))
        for path in ("app/my models.py", "app/100%.py", "app/caf\u00e9.py")
    )
    plan = Plan("0.1.0", str(tmp_path / "a project"), (), diagnoses, {d.file: text for d in diagnoses})
    log = json.loads(render(plan, "sarif"))
    validate(log)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert uris == ["app/my%20models.py", "app/100%25.py", "app/caf%C3%A9.py"]


def test_one_rule_per_code_and_results_point_at_them(plan):
    run = json.loads(render(plan, "sarif"))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert {d.code for d in plan.diagnoses} <= set(ids)
    assert set(rules_by_code()) <= set(ids)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "app/models/analytics_models.py", "uriBaseId": "%SRCROOT%"}
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 1}
    assert first["relatedLocations"][0]["message"]["text"] == "first definition"
    assert first["partialFingerprints"]["fixkitId/v1"] == plan.diagnoses[0].id
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(plan.root).as_uri() + "/"


def test_rule_help_comes_from_the_rule_docs(plan):
    rules = {r["id"]: r for r in json.loads(render(plan, "sarif"))["runs"][0]["tool"]["driver"]["rules"]}
    for code, rule in rules_by_code().items():
        assert rules[code]["help"]["text"] == rule.doc()
    if not rules_by_code():
        pytest.skip("the rule registry (fixkit.rules.RULES) is not there yet")


def test_fixes_reproduce_every_edit(plan):
    results = json.loads(render(plan, "sarif"))["runs"][0]["results"]
    for result, d in zip(results, plan.diagnoses):
        if d.fix is None or not d.fix.edits:
            assert "fixes" not in result
            continue
        changes = {c["artifactLocation"]["uri"]: c for c in result["fixes"][0]["artifactChanges"]}
        for edit in d.fix.edits:
            change = changes[edit.path]
            old = plan.texts.get(edit.path, "")
            expected = "".join(h.text for h in edit.hunks) if edit.creates else apply_hunks(old, edit.hunks)
            assert apply_replacements(old, change["replacements"]) == expected, edit.path


@pytest.mark.parametrize("old,new", [("a\nb", "a\nB"), ("a\nb\n", "a\n"), ("a\n", "a\nb\n"), ("a\r\nb\r\n", "x\r\nb\r\n")])
def test_regions_at_the_end_of_the_file_are_exact(tmp_path, old, new):
    fix = Fix("f", Safety.SAFE, (edit_between("m.py", old, new),))
    plan = Plan("0.1.0", str(tmp_path), (), (Diagnosis("FK202", "missing-name", "m", "m.py", 1, fix=fix),), {"m.py": old})
    log = json.loads(render(plan, "sarif"))
    validate(log)
    change = log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]
    assert apply_replacements(old, change["replacements"]) == new


def test_deleting_a_file_removes_all_of_its_text(tmp_path):
    fix = Fix("delete the dead copy", Safety.REVIEW, (edit_between("app/models.py", "x = 1\ny = 2\n", None),))
    plan = Plan("0.1.0", str(tmp_path), (), (Diagnosis("FK203", "shadowed-module", "dead", "app/models.py", 1, fix=fix),), {"app/models.py": "x = 1\ny = 2\n"})
    log = json.loads(render(plan, "sarif"))
    validate(log)
    change = log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]
    assert change["properties"] == {"delete": True}
    assert apply_replacements("x = 1\ny = 2\n", change["replacements"]) == ""
