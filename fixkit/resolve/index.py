"""A small client for a PEP 503 / PEP 691 "simple" package index.

What the resolver asks an index: does a project of this name exist, what are its
files (with `requires-python`, upload time, yanked, PEP 658 metadata), and which
modules does its newest wheel really provide.  The last question is answered from
the wheel's zip central directory fetched with HTTP range requests (two small
requests instead of a whole download); an index that ignores ranges gets a whole
download up to `MAX_WHOLE_DOWNLOAD` bytes.  Works for http(s):// and file:// indexes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from fixkit.resolve.wheels import BadZip, NeedMoreBytes, provided_modules, zip_names_from_tail

PYPI_SIMPLE = "https://pypi.org/simple/"
TAIL_BYTES = 65536
MAX_WHOLE_DOWNLOAD = 30 * 1024 * 1024
USER_AGENT = "fixkit-resolver"


class IndexError_(Exception):
    """The index could not be reached or answered nonsense (not: the project is missing)."""


@dataclass(frozen=True)
class IndexFile:
    filename: str
    url: str
    requires_python: str | None = None
    upload_time: str | None = None  # ISO 8601 (PEP 700), when the index says
    yanked: bool = False
    core_metadata: bool = False  # PEP 658/714: <url>.metadata exists

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")

    @property
    def version(self) -> Version | None:
        try:
            if self.is_wheel:
                return parse_wheel_filename(self.filename)[1]
            stem = re.sub(r"\.(tar\.gz|zip|tar\.bz2|tgz)$", "", self.filename)
            return Version(stem.rsplit("-", 1)[1])
        except (InvalidWheelFilename, InvalidVersion, IndexError, ValueError):
            return None


@dataclass(frozen=True)
class IndexProject:
    name: str
    files: tuple[IndexFile, ...]

    def versions(self, include_prereleases: bool = False) -> list[Version]:
        out = {f.version for f in self.files if f.version is not None and not f.yanked}
        return sorted(v for v in out if v is not None and (include_prereleases or not v.is_prerelease))

    def newest_wheel(self) -> IndexFile | None:
        """The newest non-yanked wheel, preferring final releases and pure-Python/manylinux tags."""
        wheels = [f for f in self.files if f.is_wheel and not f.yanked and f.version is not None]
        if not wheels:
            return None
        finals = [f for f in wheels if not f.version.is_prerelease] or wheels  # type: ignore[union-attr]
        newest = max(f.version for f in finals)  # type: ignore[type-var]
        same = [f for f in finals if f.version == newest]
        # any wheel of one release names the same modules; the pure one is the smallest
        same.sort(key=lambda f: (0 if f.filename.endswith("-none-any.whl") else 1, f.filename))
        return same[0]

    def first_upload(self) -> str | None:
        times = [f.upload_time for f in self.files if f.upload_time]
        return min(times) if times else None


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self._current: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._current = dict(attrs)
            self._current["_text"] = ""

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["_text"] = (self._current.get("_text") or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._current is not None:
            self.links.append(self._current)
            self._current = None


def _open(url: str, headers: dict[str, str], timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - the user's index


def project_url(index_url: str, name: str) -> str:
    return index_url.rstrip("/") + "/" + canonicalize_name(name) + "/"


def fetch_project(index_url: str, name: str, *, timeout: float = 10.0) -> IndexProject | None:
    """The project's files, or None when the index has no such project (404)."""
    url = project_url(index_url, name)
    if url.startswith("file:"):
        # a local directory index, as pip reads it: <project>/index.html
        directory = urllib.request.url2pathname(urllib.parse.urlparse(url).path)
        try:
            with open(os.path.join(directory, "index.html"), "rb") as fh:
                return _parse_html(name, fh.read().decode("utf-8", "replace"), url)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise IndexError_(f"{url}: {exc.strerror}") from None
    accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
    try:
        with _open(url, {"Accept": accept}, timeout) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "") or ""
            final_url = response.geturl() or url
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return None
        raise IndexError_(f"{url}: HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise IndexError_(f"{url}: {exc.reason}") from None
    except (OSError, ValueError) as exc:
        raise IndexError_(f"{url}: {exc}") from None
    if "json" in content_type or body.lstrip().startswith(b"{"):
        return _parse_json(name, body, final_url)
    return _parse_html(name, body.decode("utf-8", "replace"), final_url)


def _parse_json(name: str, body: bytes, base: str) -> IndexProject:
    try:
        data = json.loads(body)
        files = []
        for f in data.get("files", []):
            meta = f.get("core-metadata", f.get("dist-info-metadata", False))
            files.append(
                IndexFile(
                    filename=f["filename"],
                    url=urllib.parse.urljoin(base, f["url"]),
                    requires_python=f.get("requires-python") or None,
                    upload_time=f.get("upload-time"),
                    yanked=bool(f.get("yanked", False)),
                    core_metadata=bool(meta),
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexError_(f"{base}: unreadable PEP 691 page: {exc}") from None
    return IndexProject(name=data.get("name", name), files=tuple(files))


def _parse_html(name: str, text: str, base: str) -> IndexProject:
    parser = _LinkParser()
    parser.feed(text)
    files = []
    for link in parser.links:
        href = link.get("href")
        if not href:
            continue
        absolute = urllib.parse.urljoin(base, href)
        filename = urllib.parse.unquote(urllib.parse.urlparse(absolute).path.rsplit("/", 1)[-1])
        meta = link.get("data-core-metadata", link.get("data-dist-info-metadata"))
        files.append(
            IndexFile(
                filename=filename,
                url=absolute.split("#", 1)[0],
                requires_python=link.get("data-requires-python") or None,
                yanked="data-yanked" in link,
                core_metadata=meta is not None and meta != "false",
            )
        )
    return IndexProject(name=name, files=tuple(files))


def _read_range(url: str, header: str, timeout: float) -> tuple[bytes, int | None, bool]:
    """(body, total size, whether the server honoured the range)."""
    if url.startswith("file:"):
        path = urllib.request.url2pathname(urllib.parse.urlparse(url).path)
        with open(path, "rb") as fh:
            data = fh.read(MAX_WHOLE_DOWNLOAD + 1)
        if len(data) > MAX_WHOLE_DOWNLOAD:
            raise IndexError_(f"{url}: too large")
        return data, len(data), False
    with _open(url, {"Range": header}, timeout) as response:
        status = getattr(response, "status", 200)
        if status == 206:
            content_range = response.headers.get("Content-Range", "")
            m = re.match(r"bytes \d+-\d+/(\d+)", content_range)
            return response.read(), int(m.group(1)) if m else None, True
        length = response.headers.get("Content-Length")
        if length and int(length) > MAX_WHOLE_DOWNLOAD:
            raise IndexError_(f"{url}: no range support and {int(length)} bytes is too large to download")
        body = response.read(MAX_WHOLE_DOWNLOAD + 1)
        if len(body) > MAX_WHOLE_DOWNLOAD:
            raise IndexError_(f"{url}: no range support and too large to download")
        return body, len(body), False


def wheel_file_names(url: str, *, timeout: float = 20.0) -> list[str]:
    """Every file name inside the wheel at `url`, read from its zip central directory."""
    try:
        tail, total, ranged = _read_range(url, f"bytes=-{TAIL_BYTES}", timeout)
        if total is None:
            raise IndexError_(f"{url}: range answer without a size")
        try:
            return zip_names_from_tail(tail, total)
        except NeedMoreBytes as more:
            if not ranged:
                raise IndexError_(f"{url}: truncated zip") from None
            rest, _, _ = _read_range(url, f"bytes={more.offset}-{total - len(tail) - 1}", timeout)
            return zip_names_from_tail(rest + tail, total)
    except BadZip as exc:
        raise IndexError_(f"{url}: not a wheel: {exc}") from None
    except urllib.error.HTTPError as exc:
        raise IndexError_(f"{url}: HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise IndexError_(f"{url}: {exc.reason}") from None
    except (OSError, ValueError) as exc:
        raise IndexError_(f"{url}: {exc}") from None


def wheel_modules(url: str, *, timeout: float = 20.0) -> set[str]:
    return provided_modules(wheel_file_names(url, timeout=timeout))


def configured_index_url(python: str | None = None) -> str:
    """The index pip is configured with: $PIP_INDEX_URL, else `pip config` of the
    target interpreter (global.index-url / install.index-url), else PyPI."""
    env = os.environ.get("PIP_INDEX_URL")
    if env:
        return env
    if python:
        try:
            out = subprocess.run(
                [python, "-m", "pip", "config", "list"],
                capture_output=True,
                text=True,
                timeout=15,
                env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            key, _, value = line.partition("=")
            if key.strip() in ("global.index-url", "install.index-url", ":env:.index-url"):
                return value.strip().strip("'\"")
    return PYPI_SIMPLE
