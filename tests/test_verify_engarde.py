"""`fixkit verify` on a copy of the engarde sample (only fastapi/sqlalchemy/pydantic installed)."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import copy_sample


if any(importlib.util.find_spec(n) for n in ("bleach", "dagger", "prometheus_client")):
    pytest.skip("this environment has packages the sample expects to be missing", allow_module_level=True)



def fixkit(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.pop("SAML_METADATA_URL", None)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fixkit", *args], cwd=cwd, env=e, capture_output=True, text=True, timeout=600, input=input
    )


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("verify"))
    proc = fixkit("verify", str(root), "--format", "json", "--python", sys.executable, "--expect-route", "GET /api/analytics/performance")
    assert proc.returncode == 1, proc.stderr
    plan = json.loads(fixkit("plan", str(root), "--format", "json", "--python", sys.executable).stdout)
    return root, json.loads(proc.stdout), plan


def test_34_of_66_routers_load(verified):
    _, result, _ = verified
    assert (result["total"], result["loaded"]) == (66, 34)
    assert len(result["items"]) == 66


def test_every_failure_is_tied_to_a_diagnosis_and_enterprise_sso_becomes_fk901(verified):
    _, result, plan = verified
    plan_ids = {d["id"]: d for d in plan["diagnoses"]}
    runtime = {d["id"]: d for d in result["runtime_diagnoses"]}
    items = {i["module"]: i for i in result["items"]}
    sso = items["app.routers.enterprise_sso"]
    assert not sso["ok"] and sso["exception"]["type"] == "RuntimeError"
    fk901 = runtime[sso["diagnosis"]]
    assert (fk901["code"], fk901["kind"]) == ("FK901", "runtime-error")
    assert fk901["file"] == "app/services/sso/saml.py"
    assert "app.routers.enterprise_sso" in fk901["blocks"]
    for module, item in items.items():
        if item["ok"]:
            continue
        assert item["diagnosis"], f"{module} failed without an explaining diagnosis: {item['error']}"
        if module != "app.routers.enterprise_sso":
            assert item["diagnosis"] in plan_ids, f"{module}: {item['error']} tied to {item['diagnosis']}"
    analytics = plan_ids[items["app.routers.analytics"]["diagnosis"]]
    assert analytics["kind"] == "duplicate-model"
    oauth = {plan_ids[items[f"app.routers.{m}"]["diagnosis"]]["file"] for m in ("platform_integrations", "pos_integrations", "pos_production_api", "shopify_payments", "oauth", "webhooks")}
    assert oauth == {"app/services/oauth_manager.py"}


def test_expected_route_is_missing_and_explained(verified):
    _, result, plan = verified
    routes = result["routes"]
    assert routes["app"] == "app.main:app" and routes["ok"]
    [check] = routes["expected"]
    assert check["route"] == "GET /api/analytics/performance"
    assert not check["registered"]
    assert check["providers"] == ["app.routers.analytics"]
    kinds = {d["id"]: d["kind"] for d in plan["diagnoses"]}
    assert check["diagnoses"] and kinds[check["diagnoses"][0]] == "duplicate-model"
    assert any(r.startswith("GET /api/") for r in routes["routes"])  # the 34 routers' routes are listed


def test_text_output_names_the_router_and_the_blocking_diagnosis(tmp_path):
    root = copy_sample(tmp_path)
    proc = fixkit("verify", str(root), "--python", sys.executable, "--expect-route", "GET /api/analytics/performance")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("34/66 entry points import")
    assert "MISSING GET /api/analytics/performance" in proc.stdout
    assert "declared in app.routers.analytics" in proc.stdout
    assert "duplicate-model" in proc.stdout.split("MISSING GET /api/analytics/performance", 1)[1]
    assert not list(root.rglob("__pycache__"))


def test_database_comparison_on_sqlite(tmp_path):
    root = copy_sample(tmp_path)
    db = tmp_path / "live.db"
    # The live database: the tables of the models that import, then drift: one dropped, one extra, one column renamed.
    subprocess.run(
        [sys.executable, "-c", f"from sqlalchemy import create_engine\nimport app.models.core, app.models.marketplace\nfrom app.database import Base\nBase.metadata.create_all(create_engine('sqlite:///{db}'))"],
        cwd=root, check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    con = sqlite3.connect(db)
    con.executescript(
        "DROP TABLE campaign_metrics;"
        "CREATE TABLE legacy_sessions (id INTEGER PRIMARY KEY, token TEXT);"
        "ALTER TABLE users RENAME COLUMN full_name TO display_name;"
    )
    con.close()
    proc = fixkit("verify", str(root), "--format", "json", "--python", sys.executable, "--database", f"sqlite:///{db}")
    assert proc.returncode == 1, proc.stderr
    database = json.loads(proc.stdout)["database"]
    assert database["ok"], database
    assert database["missing_tables"] == ["campaign_metrics"]
    assert database["tables_without_model"] == ["legacy_sessions"]
    columns = {(c["table"], c["column"]): c["problem"] for c in database["columns"]}
    assert columns == {("users", "full_name"): "missing in database", ("users", "display_name"): "no model column"}
    assert "predictive_models" not in database["missing_tables"]  # core.py's table is in the database
