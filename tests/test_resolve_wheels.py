"""Which modules a wheel provides, from its zip directory alone, and the index client's
edge cases (a central directory larger than one range request, a configured index)."""

from __future__ import annotations

import io
import zipfile

import pytest

from fixkit.resolve import index as index_module
from fixkit.resolve.index import configured_index_url, wheel_file_names
from fixkit.resolve.wheels import BadZip, NeedMoreBytes, provided_modules, zip_names_from_tail
from tests.index_server import LocalIndex


def test_provided_modules_descends_namespaces_and_skips_metadata() -> None:
    names = [
        "opentelemetry/exporter/prometheus/__init__.py",
        "opentelemetry/exporter/prometheus/_mapping.py",
        "google/protobuf/__init__.py",
        "google/protobuf/internal/decoder.py",
        "six.py",
        "_cffi_backend.cpython-311-x86_64-linux-gnu.so",
        "yaml/_yaml.cpython-311-x86_64-linux-gnu.so",
        "yaml/__init__.py",
        "mpl_toolkits/mplot3d/__init__.py",
        "pkg-1.0.dist-info/METADATA",
        "pkg-1.0.data/scripts/tool",
        "pkg/__pycache__/x.cpython-311.pyc",
        "not-a-module/readme.py",
    ]
    assert provided_modules(names) == {
        "opentelemetry.exporter.prometheus",
        "google.protobuf",
        "six",
        "_cffi_backend",
        "yaml",
        "mpl_toolkits.mplot3d",
    }


def _zip_bytes(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in names:
            zf.writestr(name, "")
    return buffer.getvalue()


def test_zip_names_from_the_tail_alone() -> None:
    data = _zip_bytes(["a/__init__.py", "a/b.py"])
    assert zip_names_from_tail(data[-200:], len(data)) == ["a/__init__.py", "a/b.py"]
    with pytest.raises(BadZip):
        zip_names_from_tail(b"not a zip at all" * 4, 64)


def test_a_tail_too_short_asks_for_the_directory_start() -> None:
    names = [f"pkg/module_{i:05d}.py" for i in range(400)]
    data = _zip_bytes(names)
    with pytest.raises(NeedMoreBytes) as more:
        zip_names_from_tail(data[-100:], len(data))
    assert 0 < more.value.offset < len(data) - 100
    assert zip_names_from_tail(data[more.value.offset :], len(data)) == names


def test_large_central_directory_takes_a_second_range_request(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(index_module, "TAIL_BYTES", 2048)
    files = {f"zqxbig/mod_{i:04d}.py": "" for i in range(300)}
    files["zqxbig/__init__.py"] = ""
    with LocalIndex(tmp_path / "idx") as idx:
        release = idx.add("zqxbig", "1.0", files)
        names = wheel_file_names(idx.base + "/files/" + release.wheel.name)
        ranges = [r for _, r in idx.wheel_downloads()]
    assert len(ranges) == 2 and ranges[0] == "bytes=-2048" and ranges[1].startswith("bytes=")
    assert names == zipfile.ZipFile(release.wheel).namelist()


def test_configured_index_url_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple/")
    assert configured_index_url() == "http://127.0.0.1:9/simple/"
    monkeypatch.delenv("PIP_INDEX_URL")
    assert configured_index_url(None) == "https://pypi.org/simple/"


def test_file_url_index(tmp_path) -> None:
    # pip accepts file:// indexes; so does the resolver (a directory per project)
    from tests.index_server import build_wheel

    wheel = build_wheel(tmp_path / "files", "zqxlocal", "1.0", {"zqxlocal/__init__.py": ""})
    project_dir = tmp_path / "simple" / "zqxlocal"
    project_dir.mkdir(parents=True)
    (project_dir / "index.html").write_text(f'<a href="../../files/{wheel.name}">{wheel.name}</a>\n')
    project = index_module.fetch_project((tmp_path / "simple").as_uri() + "/", "zqxlocal")
    assert project is not None and project.newest_wheel() is not None
    assert index_module.fetch_project((tmp_path / "simple").as_uri() + "/", "zqxmissing") is None
    assert "zqxlocal" in index_module.wheel_modules(project.newest_wheel().url)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=50, deadline=None)
@given(st.lists(st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_/]{0,30}\.py", fullmatch=True), min_size=1, max_size=40, unique=True), st.integers(22, 4096))
def test_property_tail_reading_matches_zipfile(names, tail) -> None:
    data = _zip_bytes(names)
    try:
        got = zip_names_from_tail(data[-tail:], len(data))
    except NeedMoreBytes as more:
        got = zip_names_from_tail(data[more.offset :], len(data))
    assert got == zipfile.ZipFile(io.BytesIO(data)).namelist()
