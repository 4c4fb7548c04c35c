"""The plan of the sample projects matches their ground truth (`expected_plan.toml`).

Each sample is copied to tmp_path first: a plan writes its facts cache into the project.
"""

from __future__ import annotations

import shutil
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
