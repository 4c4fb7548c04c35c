"""Every output format of a plan: `render(plan, fmt)` returns the text to print or save."""

from __future__ import annotations

import importlib
from typing import Any

from fixkit.errors import FixkitError
from fixkit.plan import Plan

# format name -> module in this package, each with `render(plan, *, root=None, ...) -> str`
_MODULES = {
    "text": "text",
    "json": "json",
    "markdown": "markdown",
    "sarif": "sarif",
    "github": "github",
    "rdjson": "rdjson",
    "github-annotations": "annotations",
}
FORMATS = tuple(_MODULES)


def render(plan: Plan, fmt: str, *, root: str | None = None, **options: Any) -> str:
    """The plan in format `fmt`.

    `root`: make file paths relative to this directory (the repository root, when the
    project is a subdirectory of it) instead of the project root; ignored by `json`,
    whose contract keeps project-relative paths.  Extra `options` go to the text
    reporter only: `color` (default: whether stdout is a terminal; pass False when
    writing to a file) and `width`.
    """
    try:
        module = importlib.import_module(f"fixkit.reporters.{_MODULES[fmt]}")
    except KeyError:
        raise FixkitError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})") from None
    if fmt != "text":
        options = {}
    return module.render(plan, root=root, **options)
