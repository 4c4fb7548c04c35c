"""The project's dependency declarations, and the target environment's installs.

API (used by `fixkit.fixes.dependencies` and by `fixkit apply --install`):

``find_declarations(root) -> list[Declaration]``
    every place the project declares dependencies (PEP 621 and its optional groups,
    Poetry and its groups, setup.cfg, requirements files), main ones first.
``choose_declaration(root, importing_file=None) -> Declaration``
    where a new dependency of that file goes (raises DeclarationError for setup.py).
``where_declared(root, distribution) -> list[Declaration]``
    the declarations that already name it.
``add_requirement(root, declaration, requirement) -> (FileEdit, notes)``
    one inserted line against the file as it is now; every other byte unchanged.
``add_requirements(root, declaration, [requirement, ...]) -> (FileEdit, notes)``
    several at once: one edit (FK101 fixes adding to one file insert at the same
    place, so their separate edits conflict; the plan can combine them with this).
``choose_specifier(installed=..., releases=..., requires_python=...) -> (">=X.Y", why)``
``conflicts(requirement, python) -> list[str]``
    what the requirement would break among the installed distributions (pipdeptree).
``install(requirements, python, *, index_url=None, extra_args=()) -> InstallResult``
    the target interpreter's `pip install`, then a re-check: `InstallResult.ok`,
    `.installed` {distribution: version}, `.missing`, `.conflicts` (pip check),
    `.returncode`, `.output`, `.summary`.  Callers install only resolutions whose
    confidence is high or medium (`Resolution.installable`); see `install_resolved`.
"""

from __future__ import annotations

from typing import Iterable

from fixkit.deps.declarations import (
    Declaration,
    DeclarationError,
    add_requirement,
    add_requirements,
    add_to_text,
    choose_declaration,
    find_declarations,
    where_declared,
)
from fixkit.deps.install import InstallResult, conflicts, install
from fixkit.deps.specifier import choose_specifier, lower_bound


def install_resolved(resolutions: Iterable[object], python: str | None = None, **kwargs: object) -> InstallResult:
    """Install the distributions of `fixkit.resolve.Resolution`s, refusing low confidence."""
    from fixkit.errors import FixkitError

    requirements = []
    for r in resolutions:
        if not getattr(r, "installable", False):
            raise FixkitError(f"will not install {getattr(r, 'distribution', None) or 'nothing'} for `{getattr(r, 'import_name', '?')}`: confidence {getattr(r, 'confidence', '?')}")
        requirements.append(r.distribution)  # type: ignore[attr-defined]
    return install(requirements, python, **kwargs)  # type: ignore[arg-type]


__all__ = [
    "Declaration",
    "DeclarationError",
    "InstallResult",
    "add_requirement",
    "add_requirements",
    "add_to_text",
    "choose_declaration",
    "choose_specifier",
    "conflicts",
    "find_declarations",
    "install",
    "install_resolved",
    "lower_bound",
    "where_declared",
]
