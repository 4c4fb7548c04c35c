"""fix_syntax_error / fix_parameter_order on real projects in tmp_path: which repair
each caller situation gets, how safe it is, the edits across files, and the manual
fixes.  The rules' own examples run in tests/test_repair_rules.py."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixkit.analyse import analyse
from fixkit.config import Config
from fixkit.fixes.syntax import fix_parameter_order, fix_syntax_error
from fixkit.model import Safety, apply_hunks, sha256_bytes
from fixkit.repair import parses
from fixkit.rules.fk401_parameter_order import ParameterOrder
from fixkit.rules.fk406_missing_comma import MissingComma
from fixkit.textio import decode_source


def make_project(root: Path, files: dict[str, str | bytes]) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def plan(root: Path, rule=None):
    analysis = analyse(Config(root=root, use_cache=False))
    rule = rule or ParameterOrder()
    diagnoses = list(rule.find(analysis))
    fixes = [rule.fix(d, analysis) for d in diagnoses]
    return analysis, diagnoses, fixes


def applied(root: Path, fix) -> dict[str, str]:
    """Each edited file's text after the fix (checked against the bytes it was made for)."""
    out = {}
    for edit in fix.edits:
        data = (root / edit.path).read_bytes()
        assert edit.old_sha256 == sha256_bytes(data)
        decoded = decode_source(data)
        out[edit.path] = apply_hunks(decoded.text, edit.hunks)
        assert parses(out[edit.path])
    return out


HELPER = "def scale(values, factor=2, offset):\n    return [v * factor + offset for v in values]\n"


def test_callers_in_other_modules_are_rewritten_whatever_they_import(tmp_path):
    make_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/lib/__init__.py": "",
            "app/lib/helpers.py": HELPER,
            "app/a.py": "from app.lib.helpers import scale\n\nA = scale([1], 3, 4)\nB = scale([1], 3, offset=4)\n",
            "app/b.py": "import app.lib.helpers as h\n\nC = h.scale(\n    [2],\n    5,  # factor\n    6,\n)\n",
            "app/lib/c.py": "from .helpers import scale as s\nfrom . import helpers\n\nD = s([3], 1, 2) + helpers.scale([4], 0, 1)\n",
            "app/d.py": "from app.lib import helpers\n\nE = helpers.scale([5], offset=1)\n",
        },
    )
    _, (diagnosis,), (fix,) = plan(tmp_path)
    assert diagnosis.symbol == "scale" and diagnosis.line == 1
    assert "offset without a default after factor" in diagnosis.message
    assert fix.safety is Safety.SAFE
    texts = applied(tmp_path, fix)
    assert texts["app/lib/helpers.py"] == HELPER.replace("values, factor=2, offset", "values, offset, factor=2")
    assert texts["app/a.py"] == "from app.lib.helpers import scale\n\nA = scale([1], factor=3, offset=4)\nB = scale([1], factor=3, offset=4)\n"
    assert texts["app/b.py"] == "import app.lib.helpers as h\n\nC = h.scale(\n    [2],\n    factor=5,  # factor\n    offset=6,\n)\n"
    assert texts["app/lib/c.py"].endswith("D = s([3], factor=1, offset=2) + helpers.scale([4], factor=0, offset=1)\n")
    assert "app/d.py" not in texts  # passes by keyword already
    assert "rewrite 5 calls" in fix.summary


def test_all_callers_passing_by_keyword_get_keyword_only(tmp_path):
    make_project(
        tmp_path,
        {"app/__init__.py": "", "app/m.py": HELPER, "app/u.py": "from app.m import scale\nX = scale([1], offset=2)\n"},
    )
    _, _, (fix,) = plan(tmp_path)
    assert fix.safety is Safety.SAFE
    assert applied(tmp_path, fix) == {"app/m.py": HELPER.replace("factor=2, offset", "factor=2, *, offset")}


@pytest.mark.parametrize(
    "extra, reason",
    [
        ("__all__ = ['scale']\n", "__all__"),
        ("HOOKS = {'scale': scale}\n", "used as a value"),
        ("", "decorated with @register"),
    ],
)
def test_a_function_whose_callers_cannot_all_be_known_is_made_keyword_only_for_review(tmp_path, extra, reason):
    source = HELPER + extra
    if reason.startswith("decorated"):
        source = "from app.registry import register\n\n\n@register\n" + HELPER
    make_project(tmp_path, {"app/__init__.py": "", "app/registry.py": "def register(f):\n    return f\n", "app/m.py": source})
    _, _, (fix,) = plan(tmp_path)
    assert fix.safety is Safety.REVIEW
    assert any(reason in note for note in fix.notes), fix.notes
    assert any("TypeError" in note for note in fix.notes)
    (text,) = applied(tmp_path, fix).values()
    assert "factor=2, *, offset" in text


def test_a_dependency_used_through_depends_is_made_keyword_only_safely(tmp_path):
    make_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/deps.py": "def pagination(page: int = 1, size: int):\n    return page, size\n",
            "app/routes.py": (
                "from fastapi import APIRouter, Depends\nfrom app.deps import pagination\n\nrouter = APIRouter()\n\n\n"
                "@router.get('/')\ndef index(p=Depends(pagination)):\n    return p\n"
            ),
        },
    )
    _, _, (fix,) = plan(tmp_path)
    assert fix.safety is Safety.SAFE
    assert any("Depends(pagination) at app/routes.py:8" in n for n in fix.notes)
    assert applied(tmp_path, fix) == {"app/deps.py": "def pagination(page: int = 1, *, size: int):\n    return page, size\n"}


def test_a_call_with_star_args_makes_the_fix_review(tmp_path):
    make_project(tmp_path, {"app/__init__.py": "", "app/m.py": HELPER + "\nARGS = ([1], 2, 3)\nX = scale(*ARGS)\n"})
    _, _, (fix,) = plan(tmp_path)
    assert fix.safety is Safety.REVIEW
    assert any("*args" in n for n in fix.notes)


def test_a_method_is_review_and_its_self_calls_are_rewritten(tmp_path):
    source = (
        "class Report:\n"
        "    def render(self, title='R', rows):\n"
        "        return title, rows\n\n"
        "    def show(self):\n"
        "        return self.render('T', [1])\n"
    )
    make_project(tmp_path, {"app/__init__.py": "", "app/m.py": source})
    _, _, (fix,) = plan(tmp_path)
    assert fix.safety is Safety.REVIEW
    assert any("a method" in n for n in fix.notes)
    (text,) = applied(tmp_path, fix).values()
    assert "def render(self, title='R', *, rows):" in text
    # keyword-only from `rows` on: the bound call passes only that one by keyword now
    assert "self.render('T', rows=[1])" in text


def test_encoding_bom_and_crlf_survive_the_fix(tmp_path):
    body = "# -*- coding: latin-1 -*-\r\nNAME = 'café'\r\ndef f(a='é', b):\r\n    return a\r\n"
    make_project(tmp_path, {"app/__init__.py": "", "app/m.py": body.encode("latin-1")})
    _, _, (fix,) = plan(tmp_path)
    texts = applied(tmp_path, fix)
    # no caller at all: keyword-only is safe
    assert fix.safety is Safety.SAFE
    assert texts["app/m.py"] == body.replace("a='é', b", "a='é', *, b")
    body8 = "X = {\r\n    'é': 1\r\n    'b': 2,\r\n}\r\n"
    make_project(tmp_path, {"app/m.py": codecs.BOM_UTF8 + body8.encode()})
    _, (diagnosis,), (fix,) = plan(tmp_path, MissingComma())
    assert diagnosis.line == 2
    assert applied(tmp_path, fix) == {"app/m.py": body8.replace("1\r\n", "1,\r\n")}


def test_an_unrepairable_error_gives_a_manual_fix_with_the_line_and_a_caret(tmp_path):
    make_project(tmp_path, {"app/__init__.py": "", "app/m.py": "def f(a=1, b):\n    pass\n\nX = [\n    1,\n"})
    analysis = analyse(Config(root=tmp_path, use_cache=False))
    (diagnosis,) = ParameterOrder().find(analysis)
    fix = fix_parameter_order(diagnosis, analysis)
    assert fix.safety is Safety.MANUAL and fix.edits == ()
    assert "a person must decide" in fix.summary
    assert any("line 1: move b before the parameters" in n for n in fix.notes)
    caret_lines = [n for n in fix.notes if n.lstrip().startswith(("4 |", "|"))]
    assert caret_lines == ["    4 | X = [", "      |     ^"]


def test_a_repeated_keyword_with_different_values_says_which_values(tmp_path):
    make_project(tmp_path, {"app/__init__.py": "", "app/m.py": "print(dict(a=1, b=2, a=3))\n"})
    analysis = analyse(Config(root=tmp_path, use_cache=False))
    from fixkit.fixes.syntax import file_repair

    fix = file_repair(analysis, "app/m.py").fix
    assert fix.safety is Safety.MANUAL
    assert any("a=1, a=3" in n for n in fix.notes)


def test_the_fix_is_computed_once_per_file_and_analysis(tmp_path):
    make_project(tmp_path, {"app/__init__.py": "", "app/m.py": "def f(a=1, b):\n    pass\n"})
    analysis = analyse(Config(root=tmp_path, use_cache=False))
    (diagnosis,) = ParameterOrder().find(analysis)
    assert fix_syntax_error(diagnosis, analysis) is fix_parameter_order(diagnosis, analysis)


# --------------------------------------------------------------------------- FK499: outside the catalogue


def fixkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixkit", *args], capture_output=True, text=True, timeout=600)


UNREPAIRABLE = {
    "app/__init__.py": "",
    "app/routers/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/db.py": 'import os\n\n\ndef connect(url):\n    return {"url": url,\n            "opts": (1, 2}\n',
    "app/services/legacy.py": b"# -*- coding: utf-8 -*-\nname = 'caf\xe9'\n",
    "app/routers/users.py": "from app.services.db import connect\n\nCONN = connect\n",
    "app/routers/admin.py": "from app.services import db\n",
    "app/routers/reports.py": "import app.services.legacy\n",
}


def test_a_syntax_error_outside_the_catalogue_gets_a_manual_fix_in_the_plan(tmp_path):
    root = tmp_path / "proj"
    make_project(root, UNREPAIRABLE)
    proc = fixkit("plan", str(root), "--format", "json", "--no-cache", "--entry", "app.routers.*")
    assert proc.returncode == 1, proc.stderr
    by_file = {d["file"]: d for d in json.loads(proc.stdout)["diagnoses"]}
    assert sorted(by_file) == ["app/services/db.py", "app/services/legacy.py"]
    db = by_file["app/services/db.py"]
    assert (db["code"], db["line"], db["blocks"]) == ("FK499", 6, ["app.routers.admin", "app.routers.users"])
    fix = db["fix"]
    assert fix is not None and fix["safety"] == "manual" and fix["edits"] == [] and fix["diff"] in ("", None)
    message = "closing parenthesis '}' does not match opening parenthesis '('"
    assert fix["summary"] == f"app/services/db.py:6: {message} — a person must decide how to repair it"
    assert fix["notes"][:3] == ['    6 |             "opts": (1, 2}', "      |                          ^", message]
    assert "Brackets do not pair up" in fix["notes"][3]
    legacy = by_file["app/services/legacy.py"]
    assert legacy["code"] == "FK499" and legacy["blocks"] == ["app.routers.reports"]
    assert legacy["fix"]["safety"] == "manual" and "re-save the file in the encoding it declares" in legacy["fix"]["notes"][-1]

    text = fixkit("plan", str(root), "--no-cache", "--entry", "app.routers.*").stdout
    assert "none" not in text.split("1. FK499")[0].split("│ 1 │")[1]  # the table's fix column
    details = text.split("1. FK499 syntax-error  app/services/db.py:6:26\n")[1].split("\n\n")[0]
    assert details.splitlines()[:7] == [
        f"   syntax error: {message}",
        "   blocks 2: admin, users",
        f"   fix [manual] app/services/db.py:6: {message} — a person must",
        "   decide how to repair it",
        '     -     6 |             "opts": (1, 2}',
        "     -       |                          ^",
        f"     - {message}",
    ], details


def test_a_file_beyond_the_repair_bound_gets_a_manual_fix_that_says_so(tmp_path):
    make_project(tmp_path, {"app/__init__.py": "", "app/m.py": "".join(f"print 'step {i}'\n" for i in range(60))})
    analysis = analyse(Config(root=tmp_path, use_cache=False))
    from fixkit.fixes.syntax import file_repair

    fix = file_repair(analysis, "app/m.py").fix
    assert fix.safety is Safety.MANUAL and fix.edits == ()
    assert fix.summary.startswith("app/m.py:51: Missing parentheses in call to 'print'")
    assert fix.notes[0].startswith("50 errors could be repaired, but the repair stops there")
    assert fix.notes[1:3] == ("   51 | print 'step 50'", "      | ^")
    assert "fixkit repairs up to 50 per file" in fix.notes[-1]
