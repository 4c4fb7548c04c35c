"""`fixkit.deps.install` for real: pip of a throwaway venv installs from an index served
on 127.0.0.1 by the test, then the environment is checked again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fixkit.deps import install, install_resolved
from fixkit.errors import FixkitError
from fixkit.resolve import Resolver
from tests.index_server import LocalIndex


@pytest.fixture()
def hermetic_pip(monkeypatch) -> None:
    # only the local index: no pip.conf, no find-links or extra indexes from the machine
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    for var in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL", "PIP_CONSTRAINT", "PIP_NO_INDEX"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory) -> str:
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    return str(venv / "bin" / "python")


def test_install_from_a_local_index_then_recheck(tmp_path: Path, venv_python: str, hermetic_pip: None) -> None:
    with LocalIndex(tmp_path / "index") as index:
        for version in ("1.0", "1.1", "1.2"):
            index.add("zqxfancy", version, {"zqxfancy/__init__.py": f"VERSION = {version!r}\n"})
        resolver = Resolver(python=venv_python, index_url=index.url)
        [resolution] = [resolver.resolve("zqxfancy")]
        assert resolution.distribution == "zqxfancy" and resolution.installable
        result = install_resolved([resolution], venv_python, index_url=index.url, extra_args=["--no-deps"])
    assert result.ok, result.output
    assert result.installed == {"zqxfancy": "1.2"}
    assert result.missing == () and result.returncode == 0
    assert "--index-url" in result.command and result.command[0] == venv_python
    # the environment cache was dropped: the same, long-lived resolver now sees the install
    again = resolver.resolve("zqxfancy")
    assert again.evidence[0].source == "environment" and again.installed_version == "1.2"
    done = subprocess.run([venv_python, "-c", "import zqxfancy; print(zqxfancy.VERSION)"], capture_output=True, text=True)
    assert done.stdout.strip() == "1.2"


def test_failed_install_is_reported_not_raised(tmp_path: Path, venv_python: str, hermetic_pip: None) -> None:
    with LocalIndex(tmp_path / "index") as index:
        index.add("zqxother", "1.0", {"zqxother/__init__.py": ""})
        result = install(["zqxmissing>=1"], venv_python, index_url=index.url, extra_args=["--no-deps"], timeout=120)
    assert not result.ok
    assert result.returncode != 0
    assert result.missing == ("zqxmissing>=1",)
    assert "pip failed" in result.summary


def test_unsatisfiable_specifier_is_missing_after_install(tmp_path: Path, venv_python: str, hermetic_pip: None) -> None:
    with LocalIndex(tmp_path / "index") as index:
        index.add("zqxpinned", "1.0", {"zqxpinned/__init__.py": ""})
        result = install(["zqxpinned>=2"], venv_python, index_url=index.url, extra_args=["--no-deps"], timeout=120)
    assert not result.ok and result.missing == ("zqxpinned>=2",)


def test_low_confidence_is_never_installed(tmp_path: Path, venv_python: str) -> None:
    with LocalIndex(tmp_path / "index") as index:
        index.add("zqxbrandnew", "0.1", {"zqxbrandnew/__init__.py": ""}, age_days=1)
        resolution = Resolver(python=venv_python, index_url=index.url).resolve("zqxbrandnew")
    assert resolution.confidence == "low"
    with pytest.raises(FixkitError, match="will not install"):
        install_resolved([resolution], venv_python, index_url=index.url)


def test_bad_requirement_is_a_fixkit_error(venv_python: str) -> None:
    with pytest.raises(FixkitError, match="not a requirement"):
        install(["not a requirement !!"], venv_python)


def test_an_installed_pkgutil_namespace_root_does_not_answer_for_its_siblings(tmp_path: Path, venv_python: str, hermetic_pip: None) -> None:
    # backports.* distributions each ship backports/__init__.py: having one installed
    # says nothing about which distribution provides backports.zoneinfo
    with LocalIndex(tmp_path / "index") as index:
        index.add("backports-zqxfake", "1.0", {"backports/__init__.py": "", "backports/zqxfake/__init__.py": ""})
        assert install(["backports-zqxfake"], venv_python, index_url=index.url, extra_args=["--no-deps"]).ok
    r = Resolver(python=venv_python, offline=True).resolve("backports.zoneinfo")
    assert r.distribution is not None and r.distribution.lower() == "backports-zoneinfo"
    assert r.evidence[0].source != "environment"
    own = Resolver(python=venv_python, offline=True).resolve("backports")
    assert own.evidence[0].source == "environment"
