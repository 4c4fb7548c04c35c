"""FK101 fixes end to end on a copy of the seed project: resolution, specifier,
declaration edit (one line, parses), safety from confidence, notes with the evidence."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from fixkit.analysis import Analysis
from fixkit.config import load_config
from fixkit.fixes.dependencies import fix_missing_dependency
from fixkit.model import Diagnosis, Safety, apply_hunks, sha256_bytes
from fixkit.project import Project
from tests.index_server import LocalIndex
from tests.test_deps import only_added

SAMPLE = Path(__file__).resolve().parent.parent / "sample_projects" / "engarde_backend"


@pytest.fixture()
def project_root(tmp_path) -> Path:
    if not SAMPLE.is_dir():
        pytest.skip("sample project not in the tree yet")
    root = tmp_path / "engarde_backend"
    shutil.copytree(SAMPLE, root)
    return root


def analysis_for(root: Path, **config) -> Analysis:
    return Analysis(project=Project(root=root, config=load_config(root, **config), python=sys.executable, target_version=(3, 10)))


def diagnosis(symbol: str, file: str = "app/routers/csv_import.py") -> Diagnosis:
    return Diagnosis("FK101", "missing-dependency", f"No module named {symbol!r}", file, 3, module=file[:-3].replace("/", "."), symbol=symbol)


def apply_fix(root: Path, fix) -> str:
    [edit] = fix.edits
    path = root / edit.path
    assert edit.old_sha256 == sha256_bytes(path.read_bytes())
    return apply_hunks(path.read_text(), edit.hunks)


def test_dagger_offline_is_declared_safely_with_the_warning(project_root: Path) -> None:
    fix = fix_missing_dependency(diagnosis("dagger"), analysis_for(project_root, offline=True))
    assert fix is not None and fix.safety is Safety.SAFE
    assert fix.distribution == "dagger-io"
    assert any("unrelated project" in n for n in fix.notes)
    assert any(n.startswith("evidence (curated)") for n in fix.notes)
    old = (project_root / "pyproject.toml").read_text()
    new = apply_fix(project_root, fix)
    assert only_added(old, new) == ['    "dagger-io",\n']
    assert "dagger-io" in tomllib.loads(new)["project"]["dependencies"]


def test_specifier_comes_from_the_index_and_fits_requires_python(project_root: Path, tmp_path: Path) -> None:
    with LocalIndex(tmp_path / "index") as index:
        index.add("dagger-io", "0.9.3", {"dagger/__init__.py": ""}, requires_python=">=3.10")
        index.add("dagger-io", "0.12.1", {"dagger/__init__.py": ""}, requires_python=">=3.12")
        fix = fix_missing_dependency(diagnosis("dagger"), analysis_for(project_root, index_url=index.url))
    assert fix is not None
    # engarde requires-python >=3.10: 0.12 needs 3.12, so the floor is 0.9
    assert fix.distribution == "dagger-io>=0.9"
    assert "dagger-io>=0.9" in tomllib.loads(apply_fix(project_root, fix))["project"]["dependencies"]


def test_namespace_import_from_test_code_goes_to_the_dev_group(project_root: Path) -> None:
    fix = fix_missing_dependency(diagnosis("opentelemetry.exporter.prometheus", "tests/test_metrics.py"), analysis_for(project_root, offline=True))
    assert fix is not None and fix.distribution == "opentelemetry-exporter-prometheus"
    assert "[project.optional-dependencies] dev" in fix.summary
    new = tomllib.loads(apply_fix(project_root, fix))
    assert "opentelemetry-exporter-prometheus" in new["project"]["optional-dependencies"]["dev"]


def test_installed_and_declared_distribution_only_needs_installing(project_root: Path) -> None:
    fix = fix_missing_dependency(diagnosis("fastapi.routing"), analysis_for(project_root, offline=True))
    assert fix is not None and fix.edits == ()
    assert fix.distribution and fix.distribution.startswith("fastapi>=")
    assert "already declared" in fix.summary


def test_unknown_import_is_manual_and_installs_nothing(project_root: Path) -> None:
    fix = fix_missing_dependency(diagnosis("zqx_internal_sdk"), analysis_for(project_root, offline=True))
    assert fix is not None and fix.safety is Safety.MANUAL
    assert fix.distribution is None and fix.edits == ()
    assert "no distribution found" in fix.summary


def test_low_confidence_is_manual(project_root: Path, tmp_path: Path) -> None:
    with LocalIndex(tmp_path / "index") as index:
        index.add("zqxbrandnew", "0.1", {"zqxbrandnew/__init__.py": ""}, age_days=2)
        fix = fix_missing_dependency(diagnosis("zqxbrandnew"), analysis_for(project_root, index_url=index.url))
    assert fix is not None and fix.safety is Safety.MANUAL
    assert any("not established" in n for n in fix.notes)


def test_user_mapping_is_used(project_root: Path) -> None:
    fix = fix_missing_dependency(diagnosis("corp_sdk"), analysis_for(project_root, offline=True, mapping={"corp_sdk": "corp-sdk-client"}))
    assert fix is not None and fix.safety is Safety.SAFE and fix.distribution == "corp-sdk-client"
    assert "corp-sdk-client" in tomllib.loads(apply_fix(project_root, fix))["project"]["dependencies"]


def test_grouped_diagnosis_declares_every_distribution_it_needs(project_root: Path) -> None:
    d = Diagnosis(
        "FK101", "missing-dependency", "m", "app/services/telemetry.py", 8,
        module="opentelemetry.exporter.prometheus", symbol="opentelemetry.exporter.prometheus",
        data=(("modules", "opentelemetry.exporter.prometheus opentelemetry.sdk.metrics"),),
    )
    fix = fix_missing_dependency(d, analysis_for(project_root, offline=True))
    assert fix is not None and fix.distribution == "opentelemetry-exporter-prometheus"
    deps = tomllib.loads(apply_fix(project_root, fix))["project"]["dependencies"]
    assert "opentelemetry-exporter-prometheus" in deps and "opentelemetry-sdk" in deps
    assert fix.requirements == ("opentelemetry-exporter-prometheus", "opentelemetry-sdk")


def test_a_conflict_with_the_installed_distributions_makes_a_safe_fix_review() -> None:
    from fixkit.fixes.dependencies import _check_conflicts
    from fixkit.resolve import Resolver

    notes: list[str] = []
    # fastapi's dependency anyio is installed here: asking for an impossible version conflicts
    assert _check_conflicts(Resolver(python=sys.executable, offline=True), "anyio>=999", notes, Safety.SAFE) is Safety.REVIEW
    assert any(n.startswith("conflict: anyio") for n in notes)
    notes.clear()
    assert _check_conflicts(Resolver(python=sys.executable, offline=True), "anyio", notes, Safety.SAFE) is Safety.SAFE
    assert notes == []


def test_flask_inventory_dateutil_goes_to_requirements_txt(tmp_path: Path) -> None:
    source = SAMPLE.parent / "flask_inventory"
    if not source.is_dir():
        pytest.skip("flask_inventory not in the tree yet")
    root = tmp_path / "flask_inventory"
    shutil.copytree(source, root)
    with LocalIndex(tmp_path / "index") as index:
        index.add("python-dateutil", "2.9.0", {"dateutil/__init__.py": ""}, requires_python=">=3.8")
        index.add("python-dateutil", "3.1.0", {"dateutil/__init__.py": ""}, requires_python=">=3.12")
        fix = fix_missing_dependency(
            diagnosis("dateutil.relativedelta", "src/inventory/blueprints/reports.py"),
            analysis_for(root, index_url=index.url),
        )
    assert fix is not None and fix.safety is Safety.SAFE
    # setup.cfg says python_requires >=3.10: 3.1 needs 3.12, so the floor is 2.9
    assert fix.distribution == "python-dateutil>=2.9"
    old = (root / "requirements.txt").read_text()
    assert only_added(old, apply_fix(root, fix)) == ["python-dateutil>=2.9\n"]
