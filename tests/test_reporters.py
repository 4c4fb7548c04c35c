"""Every output format on a plan built by hand from real files and real edits.

`handmade_plan(root)` writes a small project and builds the Plan the engine would:
real Diagnosis/Fix objects whose FileEdits come from `edit_between` on the real texts.
Other reporter tests import it from here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fixkit.errors import FixkitError
from fixkit.model import Diagnosis, Fix, Location, Safety, apply_hunks, edit_between
from fixkit.plan import EntryPoint, Plan
from fixkit.reporters import FORMATS, render
from fixkit.reporters._common import fence_for
from fixkit.reporters.annotations import escape_data, escape_property

MODELS = '''\
from app.database import Base


class PredictiveModel(Base):
    __tablename__ = "predictive_models"
    id = Column(Integer, primary_key=True)


class PredictiveModel(Base):
    __tablename__ = "predictive_models"
    id = Column(Integer, primary_key=True)
    name = Column(String)
'''

PYPROJECT = '''\
[project]
name = "engarde"
dependencies = [
    "fastapi>=0.110",
]
'''

AGENTS = '''\
from fastapi import APIRouter
from app.services.session import open_session

router = APIRouter()
'''

OAUTH = '''\
from fastapi import APIRouter

router = APIRouter()


def exchange(token=None, client):
    return token, client
'''

DOCS = '''\
def usage():
    """Print usage.

    Example:
    ```
    fixkit plan .
    ```
    """
'''

WORKFLOWS = '''\
from fastapi import APIRouter
from app.middleware.auth import require_user

router = APIRouter()
'''

CREDIT = "from app.services.billing import charge\n\n\ndef credit():\n    return charge()\n"

ROUTERS = ["analytics", "ai_creative_studio", "agent_analysis", "agents_api", "workflow_management", "docs", "billing"]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


def handmade_plan(root: Path) -> Plan:
    files = {
        "app/models/analytics_models.py": MODELS,
        "pyproject.toml": PYPROJECT,
        "app/routers/agents_api.py": AGENTS,
        "app/routers/agent_analysis.py": OAUTH,
        "app/routers/docs.py": DOCS,
        "app/routers/workflow_management.py": WORKFLOWS,
        "app/services/credit.py": CREDIT,
    }
    _write(root, files)

    def edit(path: str, new: str | None):
        old = files.get(path)
        return edit_between(path, old, new, old_bytes=None if old is None else (root / path).read_bytes())

    first = MODELS.index("class PredictiveModel")
    second = MODELS.index("class PredictiveModel", first + 1)
    dedupe = Fix(
        "Keep the most complete PredictiveModel (line 9) and delete the copy at line 4",
        Safety.SAFE,
        (edit("app/models/analytics_models.py", MODELS[:first] + MODELS[second:]),),
    )
    dependency = Fix(
        "Declare dagger-io (provides `dagger`) in pyproject.toml",
        Safety.SAFE,
        (edit("pyproject.toml", PYPROJECT.replace('    "fastapi>=0.110",\n', '    "fastapi>=0.110",\n    "dagger-io>=0.9",\n')),),
        distribution="dagger-io>=0.9",
        notes=("PyPI's `dagger` is an unrelated project",),
    )
    missing_name = Fix(
        "Import open_session from app.services.sessions, where it is defined",
        Safety.REVIEW,
        (edit("app/routers/agents_api.py", AGENTS.replace("app.services.session import", "app.services.sessions import")),),
    )
    param_order = Fix(
        "Move the parameter without a default before the ones with defaults",
        Safety.REVIEW,
        (edit("app/routers/agent_analysis.py", OAUTH.replace("token=None, client", "client, token=None")),),
    )
    fences = Fix(
        "Insert a module docstring that shows the fence",
        Safety.SAFE,
        (edit("app/routers/docs.py", '"""Docs.\n\n````\n```\n````\n"""\n' + DOCS),),
    )
    create = Fix(
        "Create app/middleware/auth.py with require_user",
        Safety.REVIEW,
        (
            edit_between("app/middleware/auth.py", None, "def require_user():\n    raise NotImplementedError\n"),
            edit_between("app/middleware/__init__.py", None, ""),
        ),
    )
    cycle = Fix("Move the import of charge into credit()", Safety.MANUAL, (), notes=("billing imports credit at module level",))

    diagnoses = (
        Diagnosis("FK301", "duplicate-model", "Table 'predictive_models' is already defined for this MetaData instance",
                  "app/models/analytics_models.py", 9, 0, "app.models.analytics_models", "PredictiveModel",
                  related=(Location("app/models/analytics_models.py", 4, 0, "first definition"),),
                  blocks=("app.routers.analytics",), fix=dedupe),
        Diagnosis("FK101", "missing-dependency", "No module named 'dagger': no installed distribution provides it",
                  "app/services/studio.py", 3, 0, "dagger", "dagger",
                  blocks=("app.routers.ai_creative_studio",), fix=dependency),
        Diagnosis("FK202", "missing-name", "cannot import name 'open_session' from 'app.services.session'",
                  "app/routers/agents_api.py", 2, 0, "app.services.session", "open_session",
                  blocks=("app.routers.agents_api",), fix=missing_name),
        Diagnosis("FK401", "parameter-order", "parameter without a default follows parameter with a default",
                  "app/routers/agent_analysis.py", 6, 24, "app.routers.agent_analysis", "exchange",
                  blocks=("app.routers.agent_analysis",), fix=param_order),
        Diagnosis("FK499", "syntax-error", "a docstring, with a 100% made-up problem: a, b",
                  "app/routers/docs.py", 1, 0, "app.routers.docs", None, blocks=("app.routers.docs",), fix=fences),
        Diagnosis("FK201", "missing-module", "No module named 'app.middleware'",
                  "app/routers/workflow_management.py", 2, 0, "app.middleware.auth", "require_user",
                  blocks=("app.routers.workflow_management",), fix=create),
        Diagnosis("FK501", "circular-import", "app.services.credit and app.services.billing import each other",
                  "app/services/credit.py", 1, 0, "app.services.credit", "charge",
                  blocks=("app.routers.billing",), fix=cycle),
    )
    by_router = {d.blocks[0]: d.id for d in diagnoses}
    entry_points = tuple(
        EntryPoint(f"app.routers.{name}", f"app/routers/{name}.py", (by_router[f"app.routers.{name}"],) if f"app.routers.{name}" in by_router else ())
        for name in ROUTERS + ["auth", "users", "me"]
    )
    texts = {path: text for path, text in files.items()}
    return Plan("0.1.0", str(root.resolve()), entry_points, diagnoses, texts)


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return handmade_plan(tmp_path / "proj")


def test_every_format_renders(plan):
    for fmt in FORMATS:
        out = render(plan, fmt, color=False)
        assert out.strip(), fmt


def test_unknown_format_is_a_one_line_error(plan):
    with pytest.raises(FixkitError, match="unknown format 'xml'"):
        render(plan, "xml")


def test_text_headline_table_and_diff_plain_when_not_a_terminal(plan):
    out = render(plan, "text", color=False, width=120)
    assert out.splitlines()[0] == "3/10 entry points import; 7 root causes; 3 fixable automatically (3 more with --unsafe)"
    assert "\x1b[" not in out
    assert "FK301" in out and "app/models/analytics_models.py:9" in out
    assert '+    "dagger-io>=0.9",' in out  # the fix's diff
    assert "blocks 1: analytics" in out
    coloured = render(plan, "text", color=True, width=120)
    assert "\x1b[" in coloured


def test_text_escapes_rich_markup_in_messages(tmp_path):
    d = Diagnosis("FK201", "missing-module", "No module named '[bold]x[/bold]'", "a.py", 1)
    out = render(Plan("0.1.0", str(tmp_path), (), (d,), {}), "text", color=False)
    assert "[bold]x[/bold]" in out


def test_empty_plan_says_so(tmp_path):
    out = render(Plan("0.1.0", str(tmp_path), (EntryPoint("app.main", "app/main.py"),), (), {}), "text", color=False)
    assert out.splitlines() == ["1/1 entry points import; 0 root causes; 0 fixable automatically", "No problems found."]


def test_json_contract(plan):
    data = json.loads(render(plan, "json"))
    assert set(data) == {"fixkit_version", "root", "entry_points", "diagnoses"}
    assert data["entry_points"]["total"] == 10 and data["entry_points"]["blocked"] == 7
    first = data["diagnoses"][0]
    assert set(first) == {"id", "code", "kind", "message", "file", "line", "column", "module", "symbol", "related", "blocks", "fix"}
    assert first["related"] == [{"file": "app/models/analytics_models.py", "line": 4}]
    assert first["fix"]["safety"] == "safe" and first["fix"]["diff"].startswith("--- a/app/models/analytics_models.py")
    # the machine-readable edits reproduce the fix
    edit = first["fix"]["edits"][0]
    from fixkit.model import Hunk

    new = apply_hunks(MODELS, [Hunk(**h) for h in edit["hunks"]])
    assert new.count("class PredictiveModel") == 1 and "name = Column(String)" in new
    manual = data["diagnoses"][-1]["fix"]
    assert manual["safety"] == "manual" and manual["edits"] == [] and manual["diff"] == ""


def test_markdown_has_table_sections_and_safe_fences(plan):
    out = render(plan, "markdown")
    assert "**3/10 entry points import; 7 root causes; 3 fixable automatically (3 more with --unsafe)**" in out
    assert "| 1 | FK301 | `app/models/analytics_models.py:9` |" in out
    # the docs fix contains ```` so its diff block needs five backticks
    assert "`````diff\n" in out
    assert "- `app.routers.analytics`: FK301 (app/models/analytics_models.py:9)" in out


def test_markdown_cell_escapes_pipes(tmp_path):
    d = Diagnosis("FK202", "missing-name", "a | b\nc", "a.py", 1)
    out = render(Plan("0.1.0", str(tmp_path), (), (d,), {}), "markdown")
    assert "| a \\| b c |" in out


def test_fence_beats_every_backtick_run():
    assert fence_for("plain") == "```"
    assert fence_for("```\nx\n```") == "````"
    assert fence_for("a ````` b") == "``````"


def test_annotations_escape_data_and_properties(plan):
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    lines = render(plan, "github-annotations").splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("::error file=app/models/analytics_models.py,line=9,col=1,title=FK301 duplicate-model::Table")
    docs = next(line for line in lines if "FK499" in line)
    # the message's "%" and newline are escaped; its ", " stays in the message part
    assert "a 100%25 made-up problem: a, b%0ABlocks 1 entry point(s): docs%0AFix (safe)" in docs
    assert docs.count("::") == 2


def test_annotation_property_with_separators_round_trips(tmp_path):
    d = Diagnosis("FK201", "missing-module", "m", "dir,with:odd%name.py", 3, 4)
    line = render(Plan("0.1.0", str(tmp_path), (), (d,), {}), "github-annotations").strip()
    assert line == "::warning file=dir%2Cwith%3Aodd%25name.py,line=3,col=5,title=FK201 missing-module::m"
    props = line[len("::warning ") : line.index("::", 2)]
    parsed = dict(p.split("=", 1) for p in props.split(","))
    unescape = lambda s: re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)], s)
    assert unescape(parsed["file"]) == "dir,with:odd%name.py"


def test_root_prefixes_paths_for_a_project_in_a_subdirectory(tmp_path):
    plan = handmade_plan(tmp_path / "services" / "backend")
    line = render(plan, "github-annotations", root=str(tmp_path)).splitlines()[0]
    assert "file=services/backend/app/models/analytics_models.py" in line
    with pytest.raises(FixkitError, match="is not inside"):
        render(plan, "sarif", root=str(tmp_path / "elsewhere"))


def test_plan_notes_are_shown_under_the_headline(tmp_path):
    plan = Plan("0.1.0", str(tmp_path), (), (), {}, notes=("app/new.py uses Python 3.14 syntax; no 3.14 interpreter to check it",))
    assert render(plan, "text", color=False).splitlines()[1] == "note: app/new.py uses Python 3.14 syntax; no 3.14 interpreter to check it"
    assert "> note: app/new.py uses Python 3.14 syntax" in render(plan, "markdown")
