"""The resolver against a real package index served on 127.0.0.1 by the test, from
wheels the test builds: candidates must exist and their wheels must really provide
the module; a same-named trap is rejected; established candidates are preferred."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from fixkit.cli import main
from fixkit.resolve import NOT_FOUND, Resolver
from fixkit.resolve.index import fetch_project, wheel_file_names
from tests.index_server import LocalIndex


@pytest.fixture()
def index(tmp_path):
    with LocalIndex(tmp_path / "index") as idx:
        # the trap: named like the import, provides something else
        idx.add("zqxtrap", "1.0", {"zqx_unrelated_pkg/__init__.py": "x = 1\n"})
        # the real provider of `zqxtrap` under another name is NOT discoverable by name:
        # the resolver must say "no distribution found", not guess
        idx.add("zqxtrap-real", "2.0", {"zqxtrap/__init__.py": "y = 2\n"})
        # an established same-name distribution (three releases, years old)
        for version in ("1.0", "1.1", "1.2"):
            idx.add("zqxfancy", version, {"zqxfancy/__init__.py": f"VERSION = {version!r}\n", "zqxfancy/core.py": "def f():\n    return 1\n"}, requires_python=">=3.8")
        # a brand-new same-name distribution (one release, yesterday)
        idx.add("zqxnew", "0.1", {"zqxnew/__init__.py": ""}, age_days=1)
        # a namespace package family
        for version in ("2.0", "2.5", "3.0"):
            idx.add("zqxacme-widgets", version, {"zqxacme/widgets/__init__.py": "", "zqxacme/widgets/buttons.py": ""})
        # a namespace look-alike registered last week: content matches, but it is new
        idx.add("zqxacme-gadgets", "0.0.1", {"zqxacme/gadgets/__init__.py": ""}, age_days=7)
        idx.add("zqxacme", "0.1", {"zqxacme_shim.py": ""})
        # a binding published under the usual `python-` spelling
        for version in ("1.0", "2.0", "3.0"):
            idx.add("python-zqxbind", version, {"zqxbind/__init__.py": ""})
        yield idx


def _resolver(index: LocalIndex, **kw) -> Resolver:
    return Resolver(index_url=index.url, use_environment=False, **kw)


def test_same_name_trap_that_does_not_provide_the_module_is_rejected(index) -> None:
    r = _resolver(index).resolve("zqxtrap")
    assert r.distribution is None
    assert NOT_FOUND in r.warnings
    assert any("zqxtrap exists on the index but does not provide `zqxtrap`" in w and "zqx_unrelated_pkg" in w for w in r.warnings)


def test_verified_established_same_name_distribution_is_medium(index) -> None:
    r = _resolver(index).resolve("zqxfancy.core")
    assert r.distribution == "zqxfancy"
    assert r.confidence == "medium"
    assert r.evidence[0].source == "index" and "zqxfancy-1.2-py3-none-any.whl" in r.evidence[0].detail
    assert r.newest_version == "1.2"
    assert r.installable
    assert any("its name equals the import name" in w for w in r.warnings)


def test_new_same_name_distribution_is_low_and_never_installable(index) -> None:
    r = _resolver(index).resolve("zqxnew")
    assert r.distribution == "zqxnew" and r.confidence == "low"
    assert not r.installable
    assert any("not established" in w for w in r.warnings)


def test_namespace_prefix_verified_against_the_wheel_is_high(index) -> None:
    r = _resolver(index).resolve("zqxacme.widgets.buttons")
    # `zqxacme` exists too but provides only zqxacme_shim: the longest verified prefix wins
    assert r.distribution == "zqxacme-widgets" and r.confidence == "high"
    assert "`zqxacme.widgets`" in r.evidence[0].detail


def test_new_namespace_distribution_is_low_even_when_its_wheel_matches(index) -> None:
    r = _resolver(index).resolve("zqxacme.gadgets")
    assert r.distribution == "zqxacme-gadgets" and r.confidence == "low"
    assert not r.installable


def test_python_prefixed_binding_is_found_and_verified(index) -> None:
    r = _resolver(index).resolve("zqxbind.core")
    assert r.distribution == "python-zqxbind" and r.confidence == "medium"
    assert "`zqxbind`" in r.evidence[0].detail
    assert any("usual spelling of a binding" in w for w in r.warnings)


def test_wheels_are_read_with_range_requests_not_whole_downloads(index) -> None:
    _resolver(index).resolve("zqxfancy")
    downloads = index.wheel_downloads()
    assert downloads, "the wheel was never looked at"
    assert all(rng and rng.startswith("bytes=") for _, rng in downloads)


def test_index_without_range_support_still_works(tmp_path) -> None:
    with LocalIndex(tmp_path / "idx", ranges=False) as idx:
        idx.add("zqxfancy", "1.0", {"zqxfancy/__init__.py": ""})
        idx.add("zqxfancy", "1.1", {"zqxfancy/__init__.py": ""})
        idx.add("zqxfancy", "1.2", {"zqxfancy/__init__.py": ""})
        r = _resolver(idx).resolve("zqxfancy")
    assert r.distribution == "zqxfancy"


def test_pep_503_html_index(tmp_path) -> None:
    with LocalIndex(tmp_path / "idx", json_api=False) as idx:
        idx.add("zqxacme-widgets", "3.0", {"zqxacme/widgets/__init__.py": ""}, requires_python=">=3.9")
        project = fetch_project(idx.url, "zqxacme_widgets")
        assert project is not None and project.files[0].requires_python == ">=3.9" and project.files[0].core_metadata
        r = _resolver(idx).resolve("zqxacme.widgets")
    assert r.distribution == "zqxacme-widgets"


def test_wheel_file_names_match_the_zip(index) -> None:
    wheel = next(r.wheel for r in index.releases if r.project == "zqxacme-widgets" and r.version == "3.0")
    import zipfile

    names = wheel_file_names(index.base + "/files/" + wheel.name)
    assert names == zipfile.ZipFile(wheel).namelist()


def test_pep_658_metadata_is_served(index) -> None:
    project = fetch_project(index.url, "zqxfancy")
    assert project is not None and all(f.core_metadata for f in project.files)
    with urllib.request.urlopen(project.files[0].url + ".metadata") as response:
        assert b"Name: zqxfancy" in response.read()


def test_table_answers_are_confirmed_on_the_index(index, tmp_path) -> None:
    # the local index has no dagger-io: pip could not install it from there
    r = _resolver(index).resolve("dagger")
    assert r.distribution == "dagger-io" and r.confidence == "low"
    assert any("dagger-io is not on the index" in w for w in r.warnings)
    with LocalIndex(tmp_path / "with-dagger") as idx:
        idx.add("dagger-io", "0.9.0", {"dagger/__init__.py": ""})
        r = _resolver(idx).resolve("dagger.client")
        assert r.confidence == "high" and [e.source for e in r.evidence] == ["curated", "index"]
        # a table entry whose newest wheel stopped providing the module
        idx.add("prometheus-client", "9.0", {"prometheus/__init__.py": ""})
        r = _resolver(idx).resolve("prometheus_client")
        assert r.distribution == "prometheus-client" and r.confidence == "medium"
        assert any("does not provide `prometheus_client`" in w for w in r.warnings)


def test_user_mapping_missing_from_the_index_keeps_its_confidence_with_a_warning(index) -> None:
    r = _resolver(index, mapping={"corp_sdk": "corp-sdk"}).resolve("corp_sdk")
    assert r.distribution == "corp-sdk" and r.confidence == "high"
    assert any("not on the index" in w for w in r.warnings)


def test_offline_never_asks_the_index(index) -> None:
    r = _resolver(index, offline=True).resolve("zqxfancy")
    assert r.distribution is None
    assert index.requests == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_index_falls_back_to_offline_evidence() -> None:
    resolver = Resolver(index_url=f"http://127.0.0.1:{_closed_port()}/simple/", use_environment=False, timeout=2)
    r = resolver.resolve("google.cloud.not_a_real_product_xyz")
    assert r.distribution is None
    r = resolver.resolve("opentelemetry.exporter.prometheus")
    assert r.distribution == "opentelemetry-exporter-prometheus"


def test_resolve_command_with_index_url(index, capsys) -> None:
    code = main(["resolve", "zqxfancy", "zqxtrap", "--index-url", index.url, "--format", "json", "--python", __import__("sys").executable])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out[0]["distribution"] == "zqxfancy" and out[0]["evidence"][0]["source"] == "index"
    assert out[1]["distribution"] is None


@pytest.mark.network
def test_pypi_itself_confirms_a_namespace_distribution() -> None:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        pytest.skip("pypi.org is not reachable")
    r = Resolver(index_url="https://pypi.org/simple/", use_environment=False).resolve("opentelemetry.exporter.otlp.proto.http")
    assert r.distribution and r.distribution.lower().startswith("opentelemetry-exporter-otlp-proto-http")
