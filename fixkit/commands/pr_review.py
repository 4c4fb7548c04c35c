"""`fixkit pr-review --repo OWNER/NAME --pr N`: the plan as a pull-request review.

By default only what the pull request is responsible for: diagnoses on lines it adds
(or whose related locations it adds), and diagnoses blocking an entry point that
imports on the base commit but not on the head (the base is planned from a
`git archive` of the base commit when the clone has it).  `--all` comments on
everything.  A comment goes on the diff when GitHub can place it there (every line of
its range shown in one hunk of the file's patch); otherwise it is listed in the
review's body.  Each comment and body entry carries `<!-- fixkit:ID -->`; whatever an
earlier review already holds is not posted again.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from fixkit.commands.plan import config_from_args
from fixkit.config import Config
from fixkit.errors import FixkitError
from fixkit.github_api import DEFAULT_API_URL, GitHub, PatchLines, parse_patch
from fixkit.model import Diagnosis
from fixkit.plan import Plan, make_plan
from fixkit.reporters._common import path_prefix
from fixkit.reporters.github import ReviewComment, comment_for, fingerprints_in, review_body

# GitHub's abuse detection answers 403 to reviews with very many comments (reviewdog
# posts at most 30 per request for the same reason).
MAX_COMMENTS_PER_REVIEW = 30
MAX_LISTED_IN_BODY = 100


@dataclass
class Outcome:
    selected: list[Diagnosis] = field(default_factory=list)
    posted_inline: list[ReviewComment] = field(default_factory=list)
    posted_in_body: list[ReviewComment] = field(default_factory=list)
    already_posted: int = 0
    reviews: int = 0


def changed_lines(files: list[dict]) -> dict[str, PatchLines]:
    return {f["filename"]: parse_patch(f.get("patch")) for f in files if f.get("status") != "removed"}


def select(plan: Plan, changed: dict[str, PatchLines], prefix: str, base: Plan | None, everything: bool) -> list[Diagnosis]:
    if everything:
        return list(plan.diagnoses)
    newly_broken: set[str] = set()
    if base is not None:
        was_blocked = {e.module for e in base.entry_points if e.blocked}
        newly_broken = {e.module for e in plan.entry_points if e.blocked and e.module not in was_blocked}

    def on_changed_line(d: Diagnosis) -> bool:
        places = [(d.file, d.line)] + [(r.file, r.line) for r in d.related]
        return any(line in changed.get(prefix + path, PatchLines()).added for path, line in places)

    return [d for d in plan.diagnoses if on_changed_line(d) or newly_broken.intersection(d.blocks)]


def place(comment: ReviewComment, changed: dict[str, PatchLines]) -> ReviewComment | None:
    """The comment itself, its fallback, or None when neither fits on the diff."""
    for candidate in (comment, comment.fallback):
        if candidate is None:
            continue
        lines = changed.get(candidate.path)
        if lines is not None and lines.can_comment(candidate.first_line, candidate.line):
            return candidate
    return None


def review(
    gh: GitHub,
    repo: str,
    number: int,
    plan: Plan,
    *,
    prefix: str = "",
    base_plan: Callable[[str], Plan | None] | None = None,
    everything: bool = False,
    checkout_sha: str | None = None,
    log: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
) -> Outcome:
    pull = gh.pull(repo, number)
    head_sha = pull["head"]["sha"]
    if checkout_sha is not None and checkout_sha != head_sha:
        # GitHub places comments by the head's line numbers; a merge commit's may differ.
        log(f"fixkit: the checkout ({checkout_sha[:12]}) is not the pull request's head ({head_sha[:12]}); check out the head so that lines match")
    changed = changed_lines(gh.pull_files(repo, number))
    base = None
    if not everything and base_plan is not None:
        base = base_plan(pull["base"]["sha"])
        if base is None:
            log("fixkit: the base commit is not in this clone; entry points newly broken elsewhere are not reported (fetch it, or use --all)")

    outcome = Outcome(selected=select(plan, changed, prefix, base, everything))
    posted = set()
    for existing in gh.review_comments(repo, number):
        posted |= fingerprints_in(existing.get("body"))
    for existing in gh.reviews(repo, number):
        posted |= fingerprints_in(existing.get("body"))

    inline: list[ReviewComment] = []
    outside: list[ReviewComment] = []
    for d in outcome.selected:
        if d.id in posted:
            outcome.already_posted += 1
            continue
        comment = comment_for(plan, d, prefix)
        placed = place(comment, changed)
        (inline if placed is not None else outside).append(placed or comment)

    # The review body is limited like a comment (65536 characters): list the first ones;
    # the rest are not fingerprinted yet, so the next run lists them.
    outside = outside[:MAX_LISTED_IN_BODY]
    if not inline and not outside:
        return outcome
    chunks = [inline[i : i + MAX_COMMENTS_PER_REVIEW] for i in range(0, len(inline), MAX_COMMENTS_PER_REVIEW)] or [[]]
    for i, chunk in enumerate(chunks):
        body = review_body(plan, outside if i == 0 else [])
        gh.create_review(repo, number, {"commit_id": head_sha, "event": "COMMENT", "body": body, "comments": [c.to_api() for c in chunk]})
        outcome.reviews += 1
    outcome.posted_inline = inline
    outcome.posted_in_body = outside
    return outcome


# --------------------------------------------------------------------------- the command


def _git(repo_root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", "-C", str(repo_root), *args], capture_output=True, text=not binary, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None


def repository_root(project: Path) -> Path:
    found = _git(project, "rev-parse", "--show-toplevel")
    if found is None or found.returncode != 0:
        return project.resolve()
    return Path(found.stdout.strip()).resolve()


def base_planner(config: Config, repo_root: Path, make_plan: Callable[[Config], Plan]) -> Callable[[str], Plan | None]:
    """Plans the project as it is on a commit, from `git archive` into a temporary dir."""

    def plan_at(sha: str) -> Plan | None:
        have = _git(repo_root, "cat-file", "-e", f"{sha}^{{commit}}")
        if have is None or have.returncode != 0:
            _git(repo_root, "fetch", "--quiet", "--depth=1", "origin", sha)
            have = _git(repo_root, "cat-file", "-e", f"{sha}^{{commit}}")
            if have is None or have.returncode != 0:
                return None
        archive = _git(repo_root, "archive", "--format=tar", sha, binary=True)
        if archive is None or archive.returncode != 0:
            return None
        rel = config.root.resolve().relative_to(repo_root)
        with tempfile.TemporaryDirectory(prefix="fixkit-base-") as tmp:
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(tmp, filter="data")
                else:  # pragma: no cover - Pythons before the extraction filters
                    tar.extractall(tmp)
            base_root = Path(tmp) / rel
            if not base_root.is_dir():
                return None  # the project did not exist on the base commit
            return make_plan(dataclasses.replace(config, root=base_root, use_cache=False))

    return plan_at


def run(args: argparse.Namespace) -> int:
    repo = args.repo.strip()
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise FixkitError(f"pr-review: --repo must be OWNER/NAME, got {args.repo!r}")
    if args.pr < 1:
        raise FixkitError(f"pr-review: --pr must be a pull request number, got {args.pr}")
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        raise FixkitError("pr-review: GITHUB_TOKEN is not set")
    gh = GitHub(token, args.api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL)

    config = config_from_args(args)
    plan = make_plan(config)
    repo_root = repository_root(config.root)
    prefix = path_prefix(plan, repo_root)
    head = _git(repo_root, "rev-parse", "HEAD")
    outcome = review(
        gh,
        repo,
        args.pr,
        plan,
        prefix=prefix,
        base_plan=base_planner(config, repo_root, make_plan),
        everything=args.all,
        checkout_sha=head.stdout.strip() if head is not None and head.returncode == 0 else None,
    )
    print(
        f"fixkit: {len(outcome.selected)} diagnos{'is' if len(outcome.selected) == 1 else 'es'} for {repo}#{args.pr}: "
        f"{len(outcome.posted_inline)} comment(s) posted on the diff, {len(outcome.posted_in_body)} listed in the review body, "
        f"{outcome.already_posted} already posted"
    )
    return 1 if outcome.selected else 0
