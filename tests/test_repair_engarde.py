"""On a copy of the sample backend: the FK4xx rules find the four syntax errors of the
report, their fixes repair them, and the nine routers they kept down import for real
(a subprocess per router, cwd = the copy)."""

from __future__ import annotations

import shutil
import subprocess
import sys
try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

import pytest

from fixkit.analyse import analyse
from fixkit.config import Config
from fixkit.model import Safety, apply_hunks, sha256_bytes
from fixkit.rules.fk401_parameter_order import ParameterOrder
from fixkit.rules.fk402_catalogue import CATALOGUE_RULES
from fixkit.textio import decode_source

SAMPLE = Path(__file__).resolve().parent.parent / "sample_projects" / "engarde_backend"
pytestmark = pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample_projects/engarde_backend is missing")

SYNTAX_ROUTERS = (
    "agent_analysis",
    "visual_workflow_builder",
    "rl_training",
    # behind app/services/oauth_manager.py, line 404
    "platform_integrations",
    "pos_integrations",
    "pos_production_api",
    "shopify_payments",
    "oauth",
    "webhooks",
)


def _import(root: Path, router: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import app.routers.{router}"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def repaired(tmp_path_factory):
    root = tmp_path_factory.mktemp("engarde") / "engarde_backend"
    shutil.copytree(SAMPLE, root)
    analysis = analyse(Config(root=root, use_cache=False))
    found = {}
    for rule in (ParameterOrder, *CATALOGUE_RULES):
        for diagnosis in rule().find(analysis):
            found[diagnosis.file] = (diagnosis, rule().fix(diagnosis, analysis))
    before = {router: _import(root, router) for router in SYNTAX_ROUTERS}
    for _, fix in found.values():
        for edit in fix.edits:
            path = root / edit.path
            data = path.read_bytes()
            assert edit.old_sha256 == sha256_bytes(data)
            decoded = decode_source(data)
            path.write_bytes(decoded.encode(apply_hunks(decoded.text, edit.hunks)))
    return root, found, before


def test_the_four_syntax_errors_of_the_report_are_found(repaired):
    _, found, _ = repaired
    summary = {path: (d.code, d.line, d.symbol) for path, (d, _) in found.items()}
    assert summary == {
        "app/routers/agent_analysis.py": ("FK401", 37, "analyze_agent"),
        "app/routers/visual_workflow_builder.py": ("FK401", 42, "save_graph"),
        "app/routers/rl_training.py": ("FK401", 32, "compute_discounted_returns"),
        "app/services/oauth_manager.py": ("FK406", 404, None),
    }


def test_they_match_the_expected_runtime_of_the_sample(repaired):
    _, found, _ = repaired
    expected = tomllib.loads((SAMPLE / "expected_runtime.toml").read_text())["routers"]
    for router in SYNTAX_ROUTERS:
        entry = expected[router]
        assert entry["loads"] is False and entry["error"] == "SyntaxError"
        assert entry["file"] in found
        assert found[entry["file"]][0].line == entry["line"]


def test_every_fix_is_safe_and_says_why(repaired):
    _, found, _ = repaired
    for path, (_, fix) in found.items():
        assert fix.safety is Safety.SAFE, (path, fix.notes)
    notes = {path: " ".join(fix.notes) for path, (_, fix) in found.items()}
    assert "route decorator @router.post" in notes["app/routers/agent_analysis.py"]
    assert "every caller is in the project" in notes["app/routers/rl_training.py"]
    assert "insert the missing comma after ']'" in notes["app/services/oauth_manager.py"]


def test_the_repairs_are_the_ones_a_person_would_make(repaired):
    root, _, _ = repaired
    agent = (root / "app/routers/agent_analysis.py").read_text()
    assert "    limit: int = 10,\n    *,\n    payload: AnalysisRequest,\n" in agent
    rl = (root / "app/routers/rl_training.py").read_text()
    assert "def compute_discounted_returns(rewards: List[float], normalize: bool, gamma: float = 0.99)" in rl
    assert "compute_discounted_returns(episode.rewards, gamma=request.gamma, normalize=True)" in rl
    oauth = (root / "app/services/oauth_manager.py").read_text().splitlines()
    assert oauth[403] == '        "scopes": ["employee:all"],'
    original = (SAMPLE / "app/services/oauth_manager.py").read_text().splitlines()
    assert [i for i, (a, b) in enumerate(zip(original, oauth)) if a != b] == [403]


@pytest.mark.parametrize("router", SYNTAX_ROUTERS)
def test_the_router_failed_before_and_imports_after_the_repair(repaired, router):
    root, _, before = repaired
    assert before[router].returncode != 0 and "SyntaxError" in before[router].stderr
    after = _import(root, router)
    assert after.returncode == 0, after.stderr
