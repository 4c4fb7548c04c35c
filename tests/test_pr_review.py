"""`fixkit pr-review` against a GitHub API served on 127.0.0.1 that checks every request."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from fixkit.commands.pr_review import base_planner, review
from fixkit.config import load_config
from fixkit.errors import FixkitError
from fixkit.github_api import GitHub, GitHubError, parse_patch
from fixkit.plan import EntryPoint, Plan
from fixkit.reporters.github import fingerprints_in
from test_reporters import handmade_plan

TOKEN = "secret-token"
REPO = "engarde/backend"
PR = 7
HEAD = "a" * 40
BASE = "b" * 40
PAGE_SIZE = 2  # small pages so that every list is read over several


def _patch(start: int, rows: list[str]) -> str:
    new_count = sum(1 for r in rows if not r.startswith("-"))
    old_count = sum(1 for r in rows if not r.startswith("+"))
    return f"@@ -{start},{old_count} +{start},{new_count} @@\n" + "\n".join(rows)


FILES = [
    {  # the PR adds the second PredictiveModel (lines 7-13)
        "filename": "app/models/analytics_models.py",
        "status": "modified",
        "patch": _patch(4, [" class PredictiveModel(Base):", '    __tablename__ = "predictive_models"', "     id = Column(Integer, primary_key=True)"] + ["+x"] * 7),
    },
    {"filename": "pyproject.toml", "status": "modified", "patch": _patch(1, [" [project]", ' name = "engarde"', " dependencies = [", '+    "fastapi>=0.110",', " ]"])},
    {"filename": "app/routers/agents_api.py", "status": "modified", "patch": _patch(1, [" from fastapi import APIRouter", "+from app.services.session import open_session", " ", " router = APIRouter()"])},
    {"filename": "README.md", "status": "modified", "patch": _patch(1, ["+hello"])},
    {"filename": "old.py", "status": "removed", "patch": _patch(1, ["-gone"])},
]


class FakeGitHub:
    """The REST endpoints pr-review uses, with GitHub's pagination and header checks."""

    def __init__(self):
        self.pull = {"number": PR, "head": {"sha": HEAD}, "base": {"sha": BASE}}
        self.files = [dict(f) for f in FILES]
        self.comments: list[dict] = []
        self.reviews: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.problems: list[str] = []
        self.fail_post_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _send(self, status: int, data, headers: dict | None = None):
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def _check_headers(self) -> bool:
                wanted = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
                for key, value in wanted.items():
                    if self.headers.get(key) != value:
                        fake.problems.append(f"{self.command} {self.path}: {key}={self.headers.get(key)!r}")
                        self._send(401, {"message": "Bad credentials"})
                        return False
                if not self.headers.get("User-Agent"):
                    fake.problems.append("no User-Agent")
                return True

            def _page(self, items: list, path: str, query: dict):
                if query.get("per_page") != ["100"]:
                    fake.problems.append(f"{path}: per_page={query.get('per_page')}")
                page = int(query.get("page", ["1"])[0])
                chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
                headers = {}
                if page * PAGE_SIZE < len(items):
                    headers["Link"] = f'<{fake.url}{path}?per_page=100&page={page + 1}>; rel="next", <{fake.url}{path}?per_page=100&page=9>; rel="last"'
                self._send(200, chunk, headers)

            def do_GET(self):
                fake.requests.append(("GET", self.path))
                if not self._check_headers():
                    return
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                prefix = f"/repos/{REPO}/pulls/{PR}"
                if url.path == prefix:
                    return self._send(200, fake.pull)
                lists = {f"{prefix}/files": fake.files, f"{prefix}/comments": fake.comments, f"{prefix}/reviews": fake.reviews}
                if url.path in lists:
                    return self._page(lists[url.path], url.path, query)
                fake.problems.append(f"unexpected GET {self.path}")
                self._send(404, {"message": "Not Found"})

            def do_POST(self):
                fake.requests.append(("POST", self.path))
                if not self._check_headers():
                    return
                if self.path != f"/repos/{REPO}/pulls/{PR}/reviews":
                    fake.problems.append(f"unexpected POST {self.path}")
                    return self._send(404, {"message": "Not Found"})
                if self.headers.get("Content-Type") != "application/json":
                    fake.problems.append("POST without JSON content type")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.fail_post_with:
                    return self._send(fake.fail_post_with, {"message": "Validation Failed", "errors": ["Line could not be resolved"]})
                if body.get("commit_id") != fake.pull["head"]["sha"] or body.get("event") != "COMMENT" or not isinstance(body.get("body"), str):
                    fake.problems.append(f"bad review {body!r}")
                patches = {f["filename"]: parse_patch(f.get("patch")) for f in fake.files}
                for c in body.get("comments", []):
                    if c.get("side") != "RIGHT" or c["path"] not in patches:
                        fake.problems.append(f"bad comment {c!r}")
                        continue
                    # GitHub answers 422 when a line is not in the diff
                    if not patches[c["path"]].can_comment(c.get("start_line", c["line"]), c["line"]):
                        fake.problems.append(f"line not in the diff {c!r}")
                    fake.comments.append({"id": len(fake.comments) + 1, "path": c["path"], "line": c["line"], "body": c["body"]})
                review_ = {"id": len(fake.reviews) + 1, "body": body["body"], "comments": body.get("comments", [])}
                fake.reviews.append(review_)
                self._send(200, {"id": review_["id"]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    with FakeGitHub() as server:
        yield server


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return handmade_plan(tmp_path / "proj")


def base_of(plan: Plan) -> Plan:
    """The base commit: ai_creative_studio and workflow_management still imported there."""
    fine = {"app.routers.ai_creative_studio", "app.routers.workflow_management"}
    entry_points = tuple(EntryPoint(e.module, e.file, () if e.module in fine else e.blocked_by) for e in plan.entry_points)
    return dataclasses.replace(plan, entry_points=entry_points)


def quiet(message: str) -> None:
    pass


def test_first_run_comments_on_changed_lines_and_newly_broken_entry_points(fake, plan):
    gh = GitHub(TOKEN, fake.url)
    outcome = review(gh, REPO, PR, plan, base_plan=lambda sha: base_of(plan) if sha == BASE else None, log=quiet)
    assert fake.problems == []
    codes = {d.code for d in outcome.selected}
    # FK301/FK202 sit on added lines; FK101 and FK201 newly break an entry point; FK401, FK499, FK501 do neither
    assert codes == {"FK301", "FK202", "FK101", "FK201"}
    assert [r for r in fake.requests if r[0] == "POST"] == [("POST", f"/repos/{REPO}/pulls/{PR}/reviews")]
    posted = fake.reviews[0]["comments"]
    assert {(c["path"], c.get("start_line"), c["line"]) for c in posted} == {
        ("app/models/analytics_models.py", 7, 11),
        ("pyproject.toml", None, 4),
        ("app/routers/agents_api.py", None, 2),
    }
    # FK201's fix creates files and its line is not in the diff: listed in the review body
    fk201 = next(d for d in plan.diagnoses if d.code == "FK201")
    assert fingerprints_in(fake.reviews[0]["body"]) == {fk201.id}
    # every list was read to its last page
    assert ("GET", f"/repos/{REPO}/pulls/{PR}/files?per_page=100&page=3") in fake.requests


def test_second_run_posts_nothing(fake, plan):
    gh = GitHub(TOKEN, fake.url)
    planner = lambda sha: base_of(plan)  # noqa: E731
    review(gh, REPO, PR, plan, base_plan=planner, log=quiet)
    posts = len([r for r in fake.requests if r[0] == "POST"])
    again = review(gh, REPO, PR, plan, base_plan=planner, log=quiet)
    assert len([r for r in fake.requests if r[0] == "POST"]) == posts == 1
    assert again.already_posted == 4 and not again.posted_inline and not again.posted_in_body
    assert fake.problems == []


def test_all_adds_only_what_was_not_posted(fake, plan):
    gh = GitHub(TOKEN, fake.url)
    review(gh, REPO, PR, plan, base_plan=lambda sha: base_of(plan), log=quiet)
    outcome = review(gh, REPO, PR, plan, everything=True, log=quiet)
    assert outcome.already_posted == 4
    assert {c.diagnosis_id for c in outcome.posted_inline + outcome.posted_in_body} == {
        d.id for d in plan.diagnoses if d.code in {"FK401", "FK499", "FK501"}
    }
    assert fake.problems == []


def test_without_the_base_commit_only_changed_lines_count(fake, plan):
    messages: list[str] = []
    outcome = review(GitHub(TOKEN, fake.url), REPO, PR, plan, base_plan=lambda sha: None, log=messages.append)
    assert {d.code for d in outcome.selected} == {"FK301", "FK202"}
    assert "base commit is not in this clone" in messages[0]


def test_api_error_is_one_line(fake, plan):
    fake.fail_post_with = 422
    with pytest.raises(GitHubError) as info:
        review(GitHub(TOKEN, fake.url), REPO, PR, plan, everything=True, log=quiet)
    assert str(info.value) == f"GitHub API POST /repos/{REPO}/pulls/{PR}/reviews: 422 Unprocessable Entity: Validation Failed; Line could not be resolved"


def test_bad_token_is_reported(fake, plan):
    with pytest.raises(GitHubError, match="401"):
        review(GitHub("wrong", fake.url), REPO, PR, plan, log=quiet)


def test_unreachable_api_is_one_line(plan):
    with pytest.raises(GitHubError, match="cannot reach http://127.0.0.1:9"):
        review(GitHub(TOKEN, "http://127.0.0.1:9"), REPO, PR, plan, log=quiet)


def test_token_never_leaves_the_api_host(fake):
    fake.files = [dict(FILES[0])] * 3  # forces a Link header...
    gh = GitHub(TOKEN, fake.url)
    fake.url = "http://evil.example"  # ...pointing elsewhere
    with pytest.raises(GitHubError, match="refusing to send the token"):
        gh.pull_files(REPO, PR)


def test_parse_patch_added_and_commentable_lines():
    lines = parse_patch("@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n@@ -10,2 +11,2 @@\n x\n+y\n\\ No newline at end of file")
    assert lines.added == {2, 3, 12}
    assert lines.hunk_of == {1: 0, 2: 0, 3: 0, 4: 0, 11: 1, 12: 1}
    assert lines.can_comment(2, 4) and not lines.can_comment(4, 11) and not lines.can_comment(5, 5)


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


def test_base_planner_plans_the_project_as_it_was_on_the_base_commit(tmp_path):
    repo = tmp_path / "repo"
    project = repo / "backend"
    (project / "app").mkdir(parents=True)
    _git(repo, "init", "-q")
    (project / "app" / "studio.py").write_text("import json\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    base_sha = _git(repo, "rev-parse", "HEAD")
    (project / "app" / "studio.py").write_text("import dagger\n")

    seen = {}

    def plan_files(config):  # a stand-in planner that records what tree it was given
        seen["root"] = config.root
        seen["text"] = (config.root / "app" / "studio.py").read_text()
        return Plan("0.1.0", str(config.root), (), (), {})

    planner = base_planner(load_config(project), repo.resolve(), plan_files)
    assert planner(base_sha) is not None
    assert seen["text"] == "import json\n" and seen["root"].name == "backend"
    assert not seen["root"].exists()  # the temporary checkout is gone
    assert planner("c" * 40) is None  # a commit the clone does not have


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GITHUB_API_URL")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "fixkit", "pr-review", *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_cli_without_token_is_a_one_line_error(tmp_path):
    result = _cli(str(tmp_path), "--repo", REPO, "--pr", "7")
    assert result.returncode == 2 and result.stderr.strip() == "fixkit: pr-review: GITHUB_TOKEN is not set"


def test_cli_bad_repo_is_a_one_line_error(tmp_path):
    result = _cli(str(tmp_path), "--repo", "nope", "--pr", "7", env={"GITHUB_TOKEN": TOKEN})
    assert result.returncode == 2 and "--repo must be OWNER/NAME" in result.stderr and len(result.stderr.splitlines()) == 1


def test_cli_end_to_end_on_the_sample_posts_once(fake, tmp_path):
    try:
        from fixkit.plan import make_plan  # noqa: F401
    except ImportError:
        pytest.skip("fixkit.plan.make_plan is not there yet")
    sample = Path(__file__).resolve().parent.parent / "sample_projects" / "engarde_backend"
    project = tmp_path / "engarde_backend"
    import shutil

    shutil.copytree(sample, project)
    fake.files = []  # a pull request touching nothing: with --all everything goes into the review's body
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.url}
    first = _cli(str(project), "--repo", REPO, "--pr", str(PR), "--all", "--offline", env=env)
    assert first.returncode == 1, first.stderr
    assert "already posted" in first.stdout
    assert len(fake.reviews) == 1 and len(fingerprints_in(fake.reviews[0]["body"])) > 5
    second = _cli(str(project), "--repo", REPO, "--pr", str(PR), "--all", "--offline", env=env)
    assert second.returncode == 1, second.stderr
    assert len(fake.reviews) == 1  # nothing new was posted
    assert fake.problems == []


def test_a_checkout_other_than_the_head_is_reported(fake, plan):
    messages: list[str] = []
    review(GitHub(TOKEN, fake.url), REPO, PR, plan, everything=True, checkout_sha="c" * 40, log=messages.append)
    assert messages == [f"fixkit: the checkout ({'c' * 12}) is not the pull request's head ({HEAD[:12]}); check out the head so that lines match"]
    messages.clear()
    review(GitHub(TOKEN, fake.url), REPO, PR, plan, everything=True, checkout_sha=HEAD, log=messages.append)
    assert messages == []


def _commit_all(repo: Path, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


def _pull_files(repo: Path, base: str, head: str) -> list[dict]:
    """The pull request's files as GitHub lists them, from the real `git diff`."""
    files = []
    for row in _git(repo, "diff", "--name-status", base, head).splitlines():
        status, name = row.split("\t", 1)
        diff = _git(repo, "diff", base, head, "--", name)
        patch = diff[diff.index("@@") :] if "@@" in diff else None
        files.append({"filename": name, "status": {"A": "added", "D": "removed"}.get(status, "modified"), "patch": patch})
    return files


def test_cli_default_mode_on_a_real_pull_request(fake, tmp_path):
    """Base: everything but `legacy` imports. Head: deletes services/tax.py and makes
    services/pricing.py import a package that is not installed. Only the two new causes
    are reported; the old one is not the pull request's doing."""
    repo = tmp_path / "shop"
    files = {
        "pyproject.toml": '[project]\nname = "shop"\ndependencies = [\n    "fastapi",\n]\n\n[tool.fixkit]\nentry-points = ["app.routers.*"]\n',
        "app/__init__.py": "",
        "app/routers/__init__.py": "",
        "app/routers/orders.py": "from fastapi import APIRouter\nfrom app.services.tax import vat\n\nrouter = APIRouter()\n",
        "app/routers/prices.py": "from fastapi import APIRouter\nfrom app.services.pricing import price\n\nrouter = APIRouter()\n",
        "app/routers/legacy.py": "from fastapi import APIRouter\nfrom app.oldstuff import thing\n\nrouter = APIRouter()\n",
        "app/services/__init__.py": "",
        "app/services/tax.py": "def vat():\n    return 0.2\n",
        "app/services/pricing.py": "def price():\n    return 1\n",
    }
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    _git(repo, "init", "-q")
    base = _commit_all(repo, "base")
    (repo / "app/services/tax.py").unlink()
    (repo / "app/services/pricing.py").write_text("import dagger\n\n\ndef price():\n    return 1\n")
    head = _commit_all(repo, "head")

    fake.pull = {"number": PR, "head": {"sha": head}, "base": {"sha": base}}
    fake.files = _pull_files(repo, base, head)
    result = _cli(str(repo), "--repo", REPO, "--pr", str(PR), "--offline", env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.url})
    assert result.returncode == 1, result.stderr
    assert fake.problems == []
    assert "2 diagnoses" in result.stdout, result.stdout
    posted = fake.reviews[0]
    inline = posted["comments"]
    # the dependency fix edits pyproject.toml, which the PR does not touch: its diff goes
    # on the new import line instead
    assert [(c["path"], c["line"]) for c in inline] == [("app/services/pricing.py", 1)]
    assert "FK101" in inline[0]["body"] and "+++ b/pyproject.toml" in inline[0]["body"]
    # the router's import of the deleted module is not on the diff: it is in the body
    assert "app/routers/orders.py:2" in posted["body"] and "FK201" in posted["body"]
    assert "legacy" not in json.dumps(posted)
