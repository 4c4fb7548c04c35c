"""The few GitHub REST calls `fixkit pr-review` needs, over urllib (no extra dependency).

Requests carry the headers GitHub documents for its REST API (`Accept:
application/vnd.github+json`, `Authorization: Bearer TOKEN`, `X-GitHub-Api-Version`);
lists are read page by page (`per_page=100`, following the `Link: rel="next"` header,
which must stay on the same API host: the token is never sent anywhere else).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from fixkit import __version__
from fixkit.errors import FixkitError

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
# Pages are bounded so that a server that always answers rel="next" cannot loop us forever.
MAX_PAGES = 100


class GitHubError(FixkitError):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class GitHub:
    def __init__(self, token: str, api_url: str = DEFAULT_API_URL, timeout: float = 30.0):
        if not token:
            raise FixkitError("GITHUB_TOKEN is not set")
        parsed = urllib.parse.urlsplit(api_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise FixkitError(f"not an http(s) API URL: {api_url!r}")
        self.api_url = api_url.rstrip("/")
        self._token = token
        self.timeout = timeout

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self._token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"fixkit/{__version__}",
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _url(self, path: str, params: dict[str, Any] | None = None) -> str:
        url = self.api_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        return url

    def request(self, method: str, url: str, body: Any = None) -> tuple[Any, dict[str, str]]:
        if not url.startswith(self.api_url + "/"):
            raise GitHubError(f"refusing to send the token to {url} (outside {self.api_url})")
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers=self._headers(data is not None))
        shown = urllib.parse.urlsplit(url).path
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
                headers = {k.lower(): v for k, v in resp.headers.items()}
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc)
            raise GitHubError(f"GitHub API {method} {shown}: {exc.code} {exc.reason}{detail}", exc.code) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GitHubError(f"cannot reach {self.api_url}: {reason}") from None
        try:
            return (json.loads(raw) if raw else None), headers
        except ValueError:
            raise GitHubError(f"GitHub API {method} {shown}: the answer is not JSON") from None

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", self._url(path, params))[0]

    def get_all(self, path: str) -> list[Any]:
        url: str | None = self._url(path, {"per_page": 100})
        items: list[Any] = []
        for _ in range(MAX_PAGES):
            if url is None:
                return items
            page, headers = self.request("GET", url)
            if not isinstance(page, list):
                raise GitHubError(f"GitHub API GET {path}: expected a list")
            items.extend(page)
            match = _LINK_NEXT.search(headers.get("link", ""))
            url = match.group(1) if match else None
        raise GitHubError(f"GitHub API GET {path}: more than {MAX_PAGES} pages")

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", self._url(path), body)[0]

    # ------------------------------------------------------------------ pull requests

    def pull(self, repo: str, number: int) -> dict[str, Any]:
        return self.get(f"/repos/{repo}/pulls/{number}")

    def pull_files(self, repo: str, number: int) -> list[dict[str, Any]]:
        return self.get_all(f"/repos/{repo}/pulls/{number}/files")

    def review_comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        return self.get_all(f"/repos/{repo}/pulls/{number}/comments")

    def reviews(self, repo: str, number: int) -> list[dict[str, Any]]:
        return self.get_all(f"/repos/{repo}/pulls/{number}/reviews")

    def create_review(self, repo: str, number: int, review: dict[str, Any]) -> dict[str, Any]:
        return self.post(f"/repos/{repo}/pulls/{number}/reviews", review)


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    errors = data.get("errors") if isinstance(data, dict) else None
    parts = [message] if message else []
    if isinstance(errors, list):
        parts += [e if isinstance(e, str) else str(e.get("message") or e) for e in errors[:3]]
    return (": " + "; ".join(" ".join(str(p).split()) for p in parts)) if parts else ""


# --------------------------------------------------------------------------- patches


@dataclass
class PatchLines:
    """Lines of a file's new version that a pull request's patch shows."""

    added: set[int] = field(default_factory=set)
    # every line a review comment can be placed on (added or context) -> its hunk number;
    # a multi-line comment must stay inside one hunk
    hunk_of: dict[int, int] = field(default_factory=dict)

    def can_comment(self, first: int, last: int) -> bool:
        hunks = {self.hunk_of.get(n) for n in range(first, last + 1)}
        return len(hunks) == 1 and None not in hunks


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def parse_patch(patch: str | None) -> PatchLines:
    out = PatchLines()
    if not patch:
        return out
    line_no = 0
    hunk = -1
    rows = patch.split("\n")
    if rows and rows[-1] == "":
        rows.pop()  # the break after the last line
    for raw in rows:
        header = _HUNK.match(raw)
        if header:
            hunk += 1
            line_no = int(header.group(1))
            continue
        if hunk < 0:
            continue
        # an empty row is a context line whose leading space was stripped on the way
        tag = raw[0] if raw else " "
        if tag == "+":
            out.added.add(line_no)
            out.hunk_of[line_no] = hunk
            line_no += 1
        elif tag == " ":
            out.hunk_of[line_no] = hunk
            line_no += 1
        # "-" lines exist only on the left side; "\ No newline at end of file" is no line
    return out
