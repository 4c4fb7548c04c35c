"""The two sample projects really behave as documented.

``sample_projects/engarde_backend`` reproduces the EnGarde verification report
(66 routers: 34 load, 32 fail, each for one known cause) and
``sample_projects/flask_inventory`` is a small Flask app in a src layout with
three planted problems.  Both are run for real in a subprocess; the expected
outcome comes from each sample's ``expected_runtime.toml`` and, for EnGarde,
is cross-checked against names hard-coded from the report so the TOML cannot
drift.  No network is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

SAMPLES = Path(__file__).resolve().parent.parent / "sample_projects"
ENGARDE = SAMPLES / "engarde_backend"
FLASK_INVENTORY = SAMPLES / "flask_inventory"

PARAMETER_ORDER_MESSAGES = (
    "non-default argument follows default argument",  # up to 3.11
    "parameter without a default follows parameter with a default",  # 3.12+
)

# Appendix A of shared/seed/backend-verification-report.md, in order.
REPORT_ROUTERS = [
    "auth", "zerodb_auth", "users", "me", "campaigns", "brands", "content", "analytics",
    "analytics_simple", "analytics_zerodb", "dashboard", "health", "agents", "ai_agents",
    "agents_api", "agent_analysis", "agent_packages", "ai_creative_studio", "langflow_workflows",
    "workflow_execution", "workflow_management", "workflow_versioning", "visual_workflow_builder",
    "marketplace", "marketplace_catalog", "marketplace_directors", "marketplace_monitoring",
    "marketplace_proxy", "external_marketplace", "platform_integrations", "payment_integrations",
    "pos_integrations", "pos_production_api", "shopify_payments", "oauth", "sso_management",
    "sso_provider_management", "enterprise_sso", "security_dashboard", "security_management",
    "security_utilities", "service_providers", "service_milestones", "service_request_bidding",
    "audience_intelligence", "rl_training", "webhooks", "webhooks_comprehensive", "websocket_docs",
    "brands_complete", "brands_team_onboarding", "gemini", "openai_compat", "onboarding",
    "feature_toggles", "compliance_reports", "credit_system", "database_performance",
    "user_preferences", "media_gallery", "roles", "uploads", "audit", "csv_import", "data_sources",
    "creative_studio",
]

# The 34 routers the report lists as loaded.
REPORT_LOADED = {
    "auth", "zerodb_auth", "users", "me", "campaigns", "brands", "content",
    "analytics_simple", "analytics_zerodb", "dashboard", "health",
    "agents", "agent_packages",
    "marketplace", "marketplace_directors", "marketplace_proxy", "external_marketplace",
    "payment_integrations", "security_dashboard",
    "service_providers", "service_milestones", "service_request_bidding",
    "brands_complete", "brands_team_onboarding", "openai_compat",
    "onboarding", "feature_toggles", "user_preferences", "media_gallery",
    "roles", "uploads", "audit", "data_sources", "creative_studio",
}

# Failure type and message fragment per router, as the report describes them.
REPORT_FAILURES = {
    "analytics": ("InvalidRequestError", "Table 'predictive_models' is already defined"),
    "webhooks_comprehensive": ("InvalidRequestError", "Table 'analytics_data_points' is already defined"),
    "ai_agents": ("ModuleNotFoundError", "No module named 'opentelemetry"),
    "audience_intelligence": ("ModuleNotFoundError", "No module named 'opentelemetry"),
    "ai_creative_studio": ("ModuleNotFoundError", "No module named 'dagger'"),
    "langflow_workflows": ("ModuleNotFoundError", "No module named 'dagger'"),
    "workflow_execution": ("ModuleNotFoundError", "No module named 'dagger'"),
    "csv_import": ("ModuleNotFoundError", "No module named 'dagger'"),
    "marketplace_monitoring": ("ModuleNotFoundError", "No module named 'prometheus_client'"),
    "security_management": ("ModuleNotFoundError", "No module named 'bleach'"),
    "security_utilities": ("ModuleNotFoundError", "No module named 'bleach'"),
    "agents_api": ("ModuleNotFoundError", "No module named 'app.middleware.auth'"),
    "workflow_versioning": ("ModuleNotFoundError", "No module named 'app.services.session_service'"),
    "sso_management": ("ModuleNotFoundError", "No module named 'app.services.sso.mfa_service'"),
    "sso_provider_management": ("ModuleNotFoundError", "No module named 'app.services.auth_service'"),
    "compliance_reports": ("ModuleNotFoundError", "No module named 'app.services.auth_service'"),
    "database_performance": ("ModuleNotFoundError", "No module named 'app.auth'"),
    "platform_integrations": ("SyntaxError", "oauth_manager.py, line 404"),
    "pos_integrations": ("SyntaxError", "oauth_manager.py, line 404"),
    "pos_production_api": ("SyntaxError", "oauth_manager.py, line 404"),
    "shopify_payments": ("SyntaxError", "oauth_manager.py, line 404"),
    "oauth": ("SyntaxError", "oauth_manager.py, line 404"),
    "webhooks": ("SyntaxError", "oauth_manager.py, line 404"),
    "agent_analysis": ("SyntaxError", None),
    "visual_workflow_builder": ("SyntaxError", None),
    "rl_training": ("SyntaxError", None),
    "gemini": ("ImportError", "SafetySettings"),
    "marketplace_catalog": ("ImportError", "cannot import name 'MarketplaceListing'"),
    "credit_system": ("ImportError", "most likely due to a circular import"),
    "workflow_management": ("ImportError", "cannot import name 'WorkflowEngin'"),
    "enterprise_sso": ("RuntimeError", "SAML metadata URL is not configured"),
    "websocket_docs": ("ModuleNotFoundError", "No module named 'app.schemas.websocket'"),
}


def _clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAML_", "PYTHON"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def _run_json(args: list, cwd: Path, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def _check_message(expected: dict, message: str) -> None:
    if "message" in expected:
        assert expected["message"] in message
    if "message_any" in expected:
        assert any(m in message for m in expected["message_any"]), message


# ---------------------------------------------------------------------------
# EnGarde
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engarde_expected() -> dict:
    with open(ENGARDE / "expected_runtime.toml", "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def engarde_report() -> dict:
    return _run_json(["-m", "app.main", "--check", "--json"], ENGARDE, _clean_env())


def test_report_constants_are_consistent():
    assert len(REPORT_ROUTERS) == len(set(REPORT_ROUTERS)) == 66
    assert len(REPORT_LOADED) == 34 and REPORT_LOADED <= set(REPORT_ROUTERS)
    assert set(REPORT_FAILURES) == set(REPORT_ROUTERS) - REPORT_LOADED


def test_engarde_router_list_is_the_report_appendix():
    import ast

    tree = ast.parse((ENGARDE / "app" / "main.py").read_text(encoding="utf-8"))
    routers = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "ROUTERS" for t in node.targets)
    )
    assert ast.literal_eval(routers) == REPORT_ROUTERS


def test_engarde_expected_toml_matches_the_report(engarde_expected):
    routers = engarde_expected["routers"]
    assert list(routers) == REPORT_ROUTERS
    assert {name for name, spec in routers.items() if spec["loads"]} == REPORT_LOADED
    for name, (exc_type, _fragment) in REPORT_FAILURES.items():
        assert routers[name]["error"] == exc_type, name
        assert routers[name]["cause"], name
    assert engarde_expected["summary"] == {"total": 66, "loaded": 34, "failed": 32}


def test_engarde_exact_split(engarde_report):
    assert engarde_report["loaded"] == [name for name in REPORT_ROUTERS if name in REPORT_LOADED]
    assert set(engarde_report["failed"]) == set(REPORT_ROUTERS) - REPORT_LOADED
    assert len(engarde_report["loaded"]) == 34 and len(engarde_report["failed"]) == 32


@pytest.mark.parametrize("name", sorted(REPORT_FAILURES))
def test_engarde_failure(engarde_report, engarde_expected, name):
    got = engarde_report["failed"][name]
    expected = engarde_expected["routers"][name]
    exc_type, fragment = REPORT_FAILURES[name]
    assert got["type"] == expected["error"] == exc_type
    if fragment:
        assert fragment in got["message"]
    if exc_type == "SyntaxError" and fragment is None:
        assert any(m in got["message"] for m in PARAMETER_ORDER_MESSAGES), got["message"]
    if name in {"platform_integrations", "oauth"}:
        assert "Perhaps you forgot a comma?" in got["message"]
    _check_message(expected, got["message"])
    assert (got["file"], got["line"]) == (expected["file"], expected["line"])


def test_engarde_text_check_output():
    result = subprocess.run(
        [sys.executable, "-m", "app.main", "--check"],
        cwd=ENGARDE,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 67
    for name, line in zip(REPORT_ROUTERS, lines):
        if name in REPORT_LOADED:
            assert line == f"OK {name}"
        else:
            assert line.startswith(f"FAILED {name}: {REPORT_FAILURES[name][0]}: ")
    assert lines[-1] == "Successfully loaded and included 34 routers"
    assert "Failed to load router analytics: Table 'predictive_models' is already defined" in result.stderr
    assert "Successfully loaded and included 34 routers" in result.stderr


def test_engarde_enterprise_sso_loads_once_configured(engarde_expected):
    report = _run_json(
        ["-m", "app.main", "--check", "--json"],
        ENGARDE,
        _clean_env(SAML_METADATA_URL="https://idp.example.com/saml/metadata"),
    )
    assert "enterprise_sso" in report["loaded"]
    assert set(report["failed"]) == set(REPORT_FAILURES) - {"enterprise_sso"}


def test_engarde_declares_only_the_web_stack():
    with open(ENGARDE / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    assert project["name"] == "engarde-backend"
    assert project["requires-python"] == ">=3.10"
    assert project["dependencies"] == ["fastapi>=0.110", "sqlalchemy>=2.0", "pydantic>=2.5"]


# ---------------------------------------------------------------------------
# flask_inventory
# ---------------------------------------------------------------------------

FLASK_LOADED = ["health", "products", "warehouses", "suppliers", "orders"]
FLASK_FAILURES = {
    "reports": ("ModuleNotFoundError", "No module named 'dateutil'"),
    "stock": ("ImportError", "cannot import name 'format_sku' from 'inventory.utils.formatting'"),
    "pricing": ("SyntaxError", None),
}


@pytest.fixture(scope="module")
def flask_report() -> dict:
    pytest.importorskip("flask")
    return _run_json(
        ["-m", "inventory.check", "--json"],
        FLASK_INVENTORY,
        _clean_env(PYTHONPATH=str(FLASK_INVENTORY / "src")),
    )


@pytest.fixture(scope="module")
def flask_expected() -> dict:
    with open(FLASK_INVENTORY / "expected_runtime.toml", "rb") as fh:
        return tomllib.load(fh)


def test_flask_expected_toml_is_pinned(flask_expected):
    blueprints = flask_expected["blueprints"]
    assert [n for n, s in blueprints.items() if s["loads"]] == FLASK_LOADED
    assert {n: s["error"] for n, s in blueprints.items() if not s["loads"]} == {
        n: t for n, (t, _) in FLASK_FAILURES.items()
    }


def test_flask_split(flask_report):
    assert flask_report["loaded"] == FLASK_LOADED
    assert set(flask_report["failed"]) == set(FLASK_FAILURES)


@pytest.mark.parametrize("name", sorted(FLASK_FAILURES))
def test_flask_failure(flask_report, flask_expected, name):
    got = flask_report["failed"][name]
    expected = flask_expected["blueprints"][name]
    exc_type, fragment = FLASK_FAILURES[name]
    assert got["type"] == expected["error"] == exc_type
    if fragment:
        assert fragment in got["message"]
    else:
        assert any(m in got["message"] for m in PARAMETER_ORDER_MESSAGES), got["message"]
    _check_message(expected, got["message"])
    assert (got["file"], got["line"]) == (expected["file"], expected["line"])


def test_flask_text_check_output():
    pytest.importorskip("flask")
    result = subprocess.run(
        [sys.executable, "-m", "inventory.check"],
        cwd=FLASK_INVENTORY,
        env=_clean_env(PYTHONPATH=str(FLASK_INVENTORY / "src")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "OK products" in lines and any(l.startswith("FAILED reports: ModuleNotFoundError: ") for l in lines)
    assert lines[-1] == "Successfully loaded 5 of 8 blueprints"


def test_flask_dependencies_live_in_requirements_files():
    requirements = (FLASK_INVENTORY / "requirements.txt").read_text(encoding="utf-8")
    dev = (FLASK_INVENTORY / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "==" in requirements and "; python_version" in requirements and "#" in requirements
    assert "-r requirements.txt" in dev
    assert not (FLASK_INVENTORY / "pyproject.toml").exists()
    assert "install_requires" not in (FLASK_INVENTORY / "setup.cfg").read_text(encoding="utf-8")
