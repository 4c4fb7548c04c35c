"""Command-line parsing and exit codes; the work happens in `fixkit.commands.*`.

Exit codes follow ruff: 0 nothing found (or everything fixed), 1 problems found or
left, 2 a usage or input error, reported as one line without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from fixkit import __version__
from fixkit.errors import FixkitError

FORMATS_PLAN = ("text", "json", "markdown", "sarif", "github", "rdjson", "github-annotations")

DESCRIPTION = """\
Find every reason the entry points of a Python project (FastAPI routers, Flask
blueprints, scripts) cannot be imported, trace which entry points each root cause
blocks through the import graph, and fix what can be fixed mechanically.
"""

EPILOG = """\
exit codes: 0 nothing found, 1 problems found or left, 2 usage or input error.
Run `fixkit explain` for the list of diagnosis codes."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other input error
        command = self.prog.removeprefix("fixkit").strip()
        raise FixkitError(f"{command}: {message}" if command else message)


def _add_project(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", default=".", metavar="PATH", help="project root (default: .)")
    p.add_argument("--python", metavar="PY", help="target interpreter (default: the project's .venv, else this one)")
    p.add_argument(
        "--entry",
        action="append",
        default=[],
        metavar="PATTERN",
        help="entry-point modules, fnmatch pattern (repeatable; adds to the detected ones)",
    )
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write .fixkit_cache")


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", default=[], metavar="CODE", help="only these codes, code prefixes or kinds")
    p.add_argument("--ignore", action="append", default=[], metavar="CODE", help="skip these codes, code prefixes or kinds")
    p.add_argument(
        "--canonical",
        action="append",
        default=[],
        metavar="NAME=MODULE",
        help="keep this module's definition of a duplicated model",
    )
    p.add_argument("--offline", action="store_true", help="do not ask a package index")
    p.add_argument("--index-url", metavar="URL", help="package index to check distributions against")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fixkit", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"fixkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "plan",
        help="dry run: root causes, the entry points each blocks, the fixes (changes nothing)",
        description="Find every root cause that keeps an entry point from importing, without running "
        "the project's code; list the entry points each blocks; show the fixes in order of impact.",
    )
    _add_project(p)
    _add_selection(p)
    p.add_argument("--format", choices=FORMATS_PLAN, default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output here instead of stdout")

    p = sub.add_parser(
        "apply",
        help="apply the fixes (safe ones by default), then verify",
        description="Apply the plan's fixes at or below the chosen safety, writing each file atomically "
        "and journaling it for `fixkit undo`; verify the entry points before and after.",
    )
    _add_project(p)
    _add_selection(p)
    p.add_argument("--unsafe", action="store_true", help="also apply fixes marked review")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask before writing")
    p.add_argument("--install", action=argparse.BooleanOptionalAction, default=False, help="install resolved distributions into the target environment")
    p.add_argument("--allow-dirty", action="store_true", help="touch files with uncommitted git changes")
    p.add_argument("--plan", metavar="FILE", help="apply exactly the fixes of a saved `plan --format json`")
    p.add_argument("--no-verify", action="store_true", help="skip the import verification before and after")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per entry point when verifying")

    p = sub.add_parser(
        "verify",
        help="import each entry point in a subprocess and explain each failure",
        description="The only command that runs the project's code: imports each entry point in a fresh "
        "subprocess of the target interpreter with a timeout and ties every failure to a diagnosis.",
    )
    _add_project(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per entry point")
    p.add_argument("--app", metavar="MODULE:ATTR", help="the ASGI/WSGI app to build and list routes of")
    p.add_argument("--expect-route", action="append", default=[], metavar="'METHOD /path'", help="check that the app serves this route")
    p.add_argument("--database", metavar="URL", help="compare the models' tables with this database's schema")

    p = sub.add_parser(
        "resolve",
        help="which distribution provides an import name, with evidence",
        description="For each import name, the PyPI distribution that provides it, a confidence and the "
        "evidence; never a guess from the name alone.",
    )
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--python", metavar="PY", help="target interpreter whose environment is consulted")
    p.add_argument("--project", metavar="PATH", default=".", help="project whose [tool.fixkit] mapping applies")
    p.add_argument("--offline", action="store_true", help="do not ask a package index")
    p.add_argument("--index-url", metavar="URL", help="package index to check candidates against")

    p = sub.add_parser(
        "report",
        help="a Markdown verification report: status, root causes, fixes, next actions",
        description="Write a verification report: entry points before and after, root causes with their "
        "blast radius, what was fixed and what remains with its next action.",
    )
    _add_project(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per entry point")
    p.add_argument("--app", metavar="MODULE:ATTR")
    p.add_argument("--expect-route", action="append", default=[], metavar="'METHOD /path'")
    p.add_argument("--database", metavar="URL")

    p = sub.add_parser("undo", help="restore every file the last `fixkit apply` touched", description="Restore, byte for byte, every file the last apply touched, from its journal.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH")

    p = sub.add_parser("explain", help="documentation of a diagnosis code (all codes without one)")
    p.add_argument("code", nargs="?", metavar="CODE")

    p = sub.add_parser(
        "pr-review",
        help="post the plan as a GitHub pull-request review with suggestions",
        description="Post the plan's fixes as review comments with suggestion blocks on a pull request, "
        "using GITHUB_TOKEN and GITHUB_API_URL; comments already posted are not posted again.",
    )
    _add_project(p)
    _add_selection(p)
    p.add_argument("--repo", required=True, metavar="OWNER/NAME")
    p.add_argument("--pr", required=True, type=int, metavar="N")
    p.add_argument("--all", action="store_true", help="comment on everything, not only lines the pull request changes")
    p.add_argument("--api-url", metavar="URL", help="default: $GITHUB_API_URL or https://api.github.com")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 2
        command = importlib.import_module(f"fixkit.commands.{args.command.replace('-', '_')}")
        return int(command.run(args))
    except FixkitError as exc:
        print(f"fixkit: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("fixkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug of ours: one line unless asked for the traceback
        if os.environ.get("FIXKIT_DEBUG"):
            raise
        print(f"fixkit: internal error: {type(exc).__name__}: {exc} (set FIXKIT_DEBUG=1 for a traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
