"""A real package index for tests: PEP 503 HTML and PEP 691 JSON "simple" pages,
PEP 658 `.metadata` files and the wheels, served over HTTP on 127.0.0.1 from a
thread, with HTTP range requests (switchable off) and a log of every request.

Wheels are written directly as zip files with a proper `.dist-info` (METADATA,
WHEEL, top_level.txt and a RECORD with sha256 hashes), so pip installs them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import http.server
import json
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel(
    directory: Path,
    name: str,
    version: str,
    files: dict[str, str],
    *,
    requires_python: str | None = None,
    summary: str = "a test distribution",
) -> Path:
    """Write `{name}-{version}-py3-none-any.whl` holding `files` (path → source)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[-_.]+", "_", name)
    dist_info = f"{stem}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
    if requires_python:
        metadata += f"Requires-Python: {requires_python}\n"
    tops = sorted({p.split("/")[0].removesuffix(".py") for p in files})
    contents = dict(files)
    contents[f"{dist_info}/METADATA"] = metadata
    contents[f"{dist_info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: fixkit-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    contents[f"{dist_info}/top_level.txt"] = "\n".join(tops) + "\n"
    record = "".join(f"{path},{_record_hash(text.encode())},{len(text.encode())}\n" for path, text in contents.items())
    record += f"{dist_info}/RECORD,,\n"
    path = directory / f"{stem}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name_in_zip, text in contents.items():
            zf.writestr(name_in_zip, text)
        zf.writestr(f"{dist_info}/RECORD", record)
    return path


@dataclass
class Release:
    project: str
    version: str
    wheel: Path
    requires_python: str | None = None
    uploaded: dt.datetime = field(default_factory=lambda: dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))


class LocalIndex:
    """`with LocalIndex(tmp_path) as index:` … `index.url` is the simple/ root."""

    def __init__(self, directory: Path, *, ranges: bool = True, json_api: bool = True) -> None:
        self.directory = directory
        self.ranges = ranges
        self.json_api = json_api
        self.releases: list[Release] = []
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def add(
        self,
        project: str,
        version: str,
        files: dict[str, str],
        *,
        requires_python: str | None = None,
        age_days: int = 2000,
    ) -> Release:
        wheel = build_wheel(self.directory / "files", project, version, files, requires_python=requires_python)
        release = Release(project, version, wheel, requires_python, dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=age_days))
        self.releases.append(release)
        return release

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self.base + "/simple/"

    def wheel_downloads(self) -> list[tuple[str, str | None]]:
        return [(p, r) for p, r in self.requests if p.startswith("/files/") and p.endswith(".whl")]

    def __enter__(self) -> "LocalIndex":
        index = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                index.requests.append((self.path, self.headers.get("Range")))
                path = self.path.split("?", 1)[0]
                if path == "/simple/":
                    names = sorted({canonicalize_name(r.project) for r in index.releases})
                    body = "".join(f'<a href="{n}/">{n}</a>\n' for n in names)
                    return self._send(200, f"<!DOCTYPE html><html><body>{body}</body></html>".encode(), "text/html")
                m = re.fullmatch(r"/simple/([^/]+)/", path)
                if m:
                    return self._project(m.group(1))
                m = re.fullmatch(r"/files/([^/]+)", path)
                if m:
                    return self._file(m.group(1))
                self._send(404, b"not found", "text/plain")

            def _project(self, name: str) -> None:
                releases = [r for r in index.releases if canonicalize_name(r.project) == canonicalize_name(name)]
                if not releases or name != canonicalize_name(name):
                    return self._send(404, b"not found", "text/plain")
                accept = self.headers.get("Accept", "")
                if index.json_api and "application/vnd.pypi.simple.v1+json" in accept:
                    files = [
                        {
                            "filename": r.wheel.name,
                            "url": f"../../files/{r.wheel.name}",
                            "hashes": {"sha256": hashlib.sha256(r.wheel.read_bytes()).hexdigest()},
                            "requires-python": r.requires_python,
                            "core-metadata": True,
                            "upload-time": r.uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                            "yanked": False,
                        }
                        for r in releases
                    ]
                    body = {"meta": {"api-version": "1.1"}, "name": canonicalize_name(name), "versions": [r.version for r in releases], "files": files}
                    return self._send(200, json.dumps(body).encode(), "application/vnd.pypi.simple.v1+json")
                links = []
                for r in releases:
                    digest = hashlib.sha256(r.wheel.read_bytes()).hexdigest()
                    rp = f' data-requires-python="{html.escape(r.requires_python)}"' if r.requires_python else ""
                    links.append(f'<a href="../../files/{r.wheel.name}#sha256={digest}"{rp} data-core-metadata="true" data-dist-info-metadata="true">{r.wheel.name}</a><br/>')
                page = "<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>"
                self._send(200, page.encode(), "text/html")

            def _file(self, filename: str) -> None:
                metadata = filename.endswith(".metadata")
                wheel_name = filename.removesuffix(".metadata")
                release = next((r for r in index.releases if r.wheel.name == wheel_name), None)
                if release is None:
                    return self._send(404, b"not found", "text/plain")
                data = release.wheel.read_bytes()
                if metadata:
                    with zipfile.ZipFile(release.wheel) as zf:
                        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
                        return self._send(200, zf.read(meta), "text/plain")
                header = self.headers.get("Range")
                if index.ranges and header:
                    m = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
                    if m:
                        size = len(data)
                        first, last = m.groups()
                        if first == "":
                            start, end = max(0, size - int(last)), size - 1
                        else:
                            start, end = int(first), (int(last) if last else size - 1)
                        end = min(end, size - 1)
                        self.send_response(206)
                        self.send_header("Content-Type", "application/octet-stream")
                        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                        self.send_header("Content-Length", str(end - start + 1))
                        self.end_headers()
                        self.wfile.write(data[start : end + 1])
                        return
                self._send(200, data, "application/octet-stream")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
