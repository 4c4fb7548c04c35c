"""The plan of the sample projects matches their ground truth (`expected_plan.toml`).

Each sample is copied to tmp_path first: a plan writes its facts cache into the project.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from fixkit.analyse import analyse
from fixkit.config import Config
from fixkit.plan import diagnose, make_plan

SAMPLES = Path(__file__).resolve().parent.parent / "sample_projects"


def copy_sample(tmp_path: Path, name: str) -> Path:
    src = SAMPLES / name
    if not (src / "expected_plan.toml").is_file():
        pytest.skip(f"sample {name} is not there")
    dst = tmp_path / name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".fixkit_cache"))
    return dst


def expected(name: str) -> dict:
    with (SAMPLES / name / "expected_plan.toml").open("rb") as fh:
        return tomllib.load(fh)


def _key(kind: str, file: str, line: int) -> tuple[str, str, int]:
    return (kind, file, line)


@pytest.mark.parametrize("sample", ["engarde_backend", "flask_inventory"])
def test_root_causes_match_the_ground_truth(tmp_path, sample):
    root = copy_sample(tmp_path, sample)
    truth = expected(sample)
    prefix = truth["summary"]["prefix"]
    analysis = analyse(Config(root=root, use_cache=False))
    diagnoses = diagnose(analysis)

    got = {_key(d.kind, d.file, d.line): d for d in diagnoses}
    want = {_key(rc["kind"], rc["file"], rc["line"]): rc for rc in truth["root_cause"]}
    assert sorted(got) == sorted(want)
    for key, rc in want.items():
        d = got[key]
        if "symbol" in rc:
            assert d.symbol == rc["symbol"], key
        assert sorted(d.blocks) == sorted(prefix + b for b in rc["blocks"]), key
        for place in rc.get("related", ()):
            file, line = place.rsplit(":", 1)
            assert (file, int(line)) in {(r.file, r.line) for r in d.related}, (key, place)
        if "canonical" in rc:
            assert d.datum("canonical") == rc["canonical"]

    summary = truth["summary"]
    entry_points = analysis.graph.entry_points
    assert len(entry_points) == summary["entry_points"]
    blocked = {ep for d in diagnoses for ep in d.blocks}
    assert len(entry_points) - len(blocked) == summary["import_statically"]
    assert len(diagnoses) == summary["root_causes"]


def test_static_plan_agrees_with_the_runtime_ground_truth(tmp_path):
    """Every router that fails at runtime is blocked, except the runtime-only failure;
    every router that loads is not blocked."""
    root = copy_sample(tmp_path, "engarde_backend")
    with (root / "expected_runtime.toml").open("rb") as fh:
        runtime = tomllib.load(fh)["routers"]
    runtime_only = set(expected("engarde_backend")["summary"]["runtime_only"])
    analysis = analyse(Config(root=root, use_cache=False))
    blocked = {ep.removeprefix("app.routers.") for d in diagnose(analysis) for ep in d.blocks}
    assert list(analysis.graph.entry_points) == [f"app.routers.{name}" for name in runtime]  # the ROUTERS order
    for name, outcome in runtime.items():
        if outcome["loads"] or name in runtime_only:
            assert name not in blocked, name
        else:
            assert name in blocked, name


def test_oauth_manager_syntax_error_blocks_exactly_the_six_routers(tmp_path):
    root = copy_sample(tmp_path, "engarde_backend")
    diagnoses = diagnose(analyse(Config(root=root, use_cache=False)))
    (oauth,) = [d for d in diagnoses if d.file == "app/services/oauth_manager.py"]
    assert oauth.line == 404
    assert sorted(b.removeprefix("app.routers.") for b in oauth.blocks) == sorted(
        ["platform_integrations", "pos_integrations", "pos_production_api", "shopify_payments", "oauth", "webhooks"]
    )
    # integration_hub imports oauth_manager and is broken only because of it: no diagnosis of its own
    assert not any(d.file == "app/services/integration_hub.py" for d in diagnoses)


def test_duplicate_predictive_model_lists_every_definition(tmp_path):
    root = copy_sample(tmp_path, "engarde_backend")
    diagnoses = diagnose(analyse(Config(root=root, use_cache=False)))
    (dup,) = [d for d in diagnoses if d.symbol == "PredictiveModel"]
    assert dup.blocks == ("app.routers.analytics",)
    places = {(dup.file, dup.line)} | {(r.file, r.line) for r in dup.related}
    assert places == {("app/models/analytics_models.py", 69), ("app/models/core.py", 409), ("app/models.py", 99)}
    assert dup.datum("canonical") == "app.models.analytics_models"  # the most complete one
    assert "dead" in next(r.note for r in dup.related if r.file == "app/models.py")


def test_make_plan_orders_by_impact_and_fills_entry_points(tmp_path):
    root = copy_sample(tmp_path, "engarde_backend")
    plan = make_plan(Config(root=root, offline=True))
    assert plan.diagnoses[0].file == "app/services/oauth_manager.py"  # unblocks the most (6)
    counts = [len(d.blocks) for d in plan.diagnoses]
    assert counts[:2] == [6, 4]
    assert sum(1 for e in plan.entry_points if not e.blocked) == 35
    ids = {d.id for d in plan.diagnoses}
    by_module = {e.module: e for e in plan.entry_points}
    assert all(set(e.blocked_by) <= ids for e in plan.entry_points)
    assert len(by_module["app.routers.pos_integrations"].blocked_by) == 1
    assert by_module["app.routers.enterprise_sso"].blocked_by == ()
    # every file a fix edits has its current text in the plan
    for d in plan.diagnoses:
        for edit in d.fix.edits if d.fix else ():
            if not edit.creates:
                assert plan.texts[edit.path] == (root / edit.path).read_bytes().decode("utf-8")


def _unblocks(plan) -> dict[str, int]:
    """Per diagnosis id: the entry points it is the last cause of (what fixing it alone frees)."""
    out = {d.id: 0 for d in plan.diagnoses}
    for e in plan.entry_points:
        if len(e.blocked_by) == 1:
            out[e.blocked_by[0]] += 1
    return out


def test_an_entry_point_lists_every_cause_its_broken_file_leaves_behind(tmp_path):
    """A router with a parameter-order error that also imports a missing package and a
    missing module is blocked by all three (its imports run once the syntax is fixed), and
    fixing the syntax alone is not ranked as unblocking it."""
    root = tmp_path / "proj"
    router = "from fastapi import APIRouter\nimport fixkit_missing_dep_xyz\nfrom app.gone import Thing\nrouter = APIRouter()\n"
    files = {
        "app/__init__.py": "",
        "app/real.py": "class Thing:\n    pass\n",
        "app/routers/__init__.py": "",
        "app/routers/plain.py": router,
        "app/routers/broken.py": router + "\n\ndef handler(limit=10, payload):\n    return payload\n",
        "app/routers/typo.py": "from fastapi import APIRouter\nrouter = APIRouter()\n\n\ndef other(a=1, b):\n    return b\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    plan = make_plan(Config(root=root, offline=True, use_cache=False))
    by_code = {}
    for d in plan.diagnoses:
        by_code.setdefault(d.code, []).append(d)
    (missing,) = by_code["FK101"]
    assert missing.file == "app/routers/plain.py"  # the sound site first
    assert sorted(missing.blocks) == ["app.routers.broken", "app.routers.plain"]
    assert {(r.file, r.line) for r in missing.related} == {("app/routers/broken.py", 2)}  # recovered
    syntax = {d.file: d for d in by_code["FK401"]}
    by_module = {e.module: e for e in plan.entry_points}
    (gone,) = by_code["FK201"]
    assert set(by_module["app.routers.broken"].blocked_by) == {missing.id, gone.id, syntax["app/routers/broken.py"].id}
    assert set(by_module["app.routers.plain"].blocked_by) == {missing.id, gone.id}
    unblocks = _unblocks(plan)
    assert unblocks[syntax["app/routers/broken.py"].id] == 0 and unblocks[syntax["app/routers/typo.py"].id] == 1
    assert plan.diagnoses[-1].id == syntax["app/routers/broken.py"].id  # the least impact
    # The repoint edits the file that parses and says what it leaves for after the syntax fix.
    assert gone.fix is not None and gone.fix.safety.value == "safe"
    assert [e.path for e in gone.fix.edits] == ["app/routers/plain.py"]
    assert any("app/routers/broken.py" in note and "not parse" in note for note in gone.fix.notes)


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> str:
    """An interpreter without the sample's dependencies (fastapi, sqlalchemy, pydantic)."""
    if sys.platform == "win32":  # pragma: no cover
        pytest.skip("venv layout")
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    probe = subprocess.run([str(python), "-c", "import fastapi"], capture_output=True, timeout=60)
    assert probe.returncode != 0, "the bare virtualenv sees fastapi"
    return str(python)


def test_without_its_dependencies_the_web_stack_blocks_every_router(tmp_path, bare_python):
    """The README's first plan (fixkit alone in the target environment): fastapi blocks all
    66 routers, the three whose own file has a parameter-order error included, which list
    it next to that error; the 21 root causes of the ground truth keep their routers."""
    root = copy_sample(tmp_path, "engarde_backend")
    truth = expected("engarde_backend")
    bare = truth["bare_environment"]
    prefix = truth["summary"]["prefix"]
    plan = make_plan(Config(root=root, offline=True, use_cache=False, python=bare_python))
    everyone = {e.module for e in plan.entry_points}
    assert len(everyone) == truth["summary"]["entry_points"]
    assert sum(1 for e in plan.entry_points if not e.blocked) == bare["import_statically"]
    assert len(plan.diagnoses) == bare["root_causes"]

    got = {(d.kind, d.file, d.line): d for d in plan.diagnoses}
    want = {(rc["kind"], rc["file"], rc["line"]): rc for rc in [*truth["root_cause"], *bare["root_cause"]]}
    assert sorted(got) == sorted(want)
    for key, rc in want.items():
        d = got[key]
        if "symbol" in rc:
            assert d.symbol == rc["symbol"], key
        if "blocks_all_but" in rc:
            assert set(d.blocks) == everyone - {prefix + b for b in rc["blocks_all_but"]}, key
        else:
            assert sorted(d.blocks) == sorted(prefix + b for b in rc["blocks"]), key

    by_symbol = {d.symbol: d for d in plan.diagnoses if d.kind == "missing-dependency"}
    by_module = {e.module: e for e in plan.entry_points}
    unblocks = _unblocks(plan)
    for name in ("agent_analysis", "visual_workflow_builder", "rl_training"):
        (param,) = [d for d in plan.diagnoses if d.kind == "parameter-order" and d.file == f"app/routers/{name}.py"]
        blocked_by = set(by_module[prefix + name].blocked_by)
        assert {by_symbol["fastapi"].id, by_symbol["pydantic"].id, by_symbol["sqlalchemy"].id, param.id} == blocked_by, name
        assert unblocks[param.id] == 0, name
    assert set(by_module[prefix + "oauth"].blocked_by) == {
        by_symbol["fastapi"].id, by_symbol["pydantic"].id, got[("syntax-error", "app/services/oauth_manager.py", 404)].id
    }
    assert len(by_symbol["fastapi"].blocks) == 66  # README.md: the web stack blocks all 66 routers
    assert not any(unblocks.values())  # nothing imports until the web stack is installed


def test_no_false_root_causes_on_real_installed_libraries(tmp_path):
    """sqlalchemy, pydantic, fastapi, starlette and rich import fine: planned as projects of
    their own (copied from site-packages), no first-party, model, cycle or syntax
    diagnosis may appear.  FK101 stays out: their optional extras are not installed."""
    import importlib.util

    root = tmp_path / "libs"
    root.mkdir()
    for name in ("sqlalchemy", "pydantic", "fastapi", "starlette", "rich"):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations
        shutil.copytree(spec.submodule_search_locations[0], root / name, ignore=shutil.ignore_patterns("__pycache__"))
    analysis = analyse(Config(root=root, use_cache=False))
    assert len(analysis.facts) > 400
    wrong = [(d.code, d.file, d.line, d.message) for d in diagnose(analysis) if d.code != "FK101"]
    assert wrong == []
