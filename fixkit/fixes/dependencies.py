"""FK101 missing-dependency: declare (and with `apply --install`, install) the
distribution that provides a missing third-party import.

`fix_missing_dependency(diagnosis, analysis)` reads `diagnosis.symbol` (the imported
module, e.g. "opentelemetry.exporter.prometheus") and `diagnosis.file` (the importing
file), resolves the module with `fixkit.resolve`, chooses a `>=X.Y` specifier and the
declaration file, and returns a Fix whose `distribution` is the requirement string and
whose edit inserts it.  Safety follows the resolver's confidence: high → safe,
medium → review, low or none → manual; a conflict with the installed distributions
makes a safe fix review.  `notes` carry the evidence, warnings and conflicts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fixkit.analysis import Analysis
from fixkit.deps.declarations import DeclarationError, add_requirement, choose_declaration, where_declared
from fixkit.deps.install import conflicts
from fixkit.deps.specifier import choose_specifier
from fixkit.errors import FixkitError
from fixkit.model import Diagnosis, Fix, Safety
from fixkit.resolve import HIGH, MEDIUM, Resolution, Resolver
from fixkit.resolve.index import IndexError_

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_SAFETY = {HIGH: Safety.SAFE, MEDIUM: Safety.REVIEW}
# One resolver per (interpreter, index settings, mapping): a plan with many missing
# imports probes the environment and asks the index once per name at most.
_RESOLVERS: dict[tuple, Resolver] = {}
_CONFLICTS: dict[tuple[str, str], list[str]] = {}


def resolver_for(analysis: Analysis) -> Resolver:
    project = analysis.project
    config = project.config
    python = project.python or config.python or sys.executable
    key = (python, config.offline, config.index_url, tuple(sorted(config.mapping.items())))
    if key not in _RESOLVERS:
        _RESOLVERS[key] = Resolver(python=python, offline=config.offline, index_url=config.index_url, mapping=dict(config.mapping))
    return _RESOLVERS[key]


def _requires_python(analysis: Analysis) -> str | None:
    path = Path(analysis.project.root) / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        value = data.get("project", {}).get("requires-python") or data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python")
        if isinstance(value, str) and not value.startswith(("^", "~")):
            return value
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        pass
    major, minor = analysis.project.target_version
    return f">={major}.{minor}"


def _evidence_notes(resolution: Resolution) -> list[str]:
    notes = [f"evidence ({e.source}): {e.detail}" for e in resolution.evidence]
    notes += [f"warning: {w}" for w in resolution.warnings]
    return notes


def _specifier(resolver: Resolver, resolution: Resolution, requires_python: str | None) -> tuple[str, str]:
    releases: list[tuple[str, str | None]] = []
    if not resolution.installed_version and not resolver.offline:
        try:
            project = resolver.project(resolution.distribution or "")
        except IndexError_:
            project = None
        if project is not None:
            releases = [(str(f.version), f.requires_python) for f in project.files if f.version is not None and not f.yanked]
    return choose_specifier(installed=resolution.installed_version, releases=releases, requires_python=requires_python)


def fix_missing_dependency(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    name = diagnosis.symbol or diagnosis.module
    if not name:
        return None
    resolver = resolver_for(analysis)
    try:
        resolution = resolver.resolve(name)
    except FixkitError as exc:  # the target interpreter could not be asked
        return Fix(f"cannot resolve `{name}`: {exc}", Safety.MANUAL, notes=(str(exc),))
    notes = _evidence_notes(resolution)
    if resolution.stdlib:
        return Fix(
            f"`{name}` is in the standard library of the target Python, not a distribution",
            Safety.MANUAL,
            notes=(*notes, "check the target interpreter and requires-python: the module exists there"),
        )
    if resolution.distribution is None:
        return Fix(
            f"no distribution found for `{name}`: declare it by hand, or add it to [tool.fixkit] mapping",
            Safety.MANUAL,
            notes=tuple(notes),
        )
    root = Path(analysis.project.root)
    safety = _SAFETY.get(resolution.confidence, Safety.MANUAL)
    spec, why = _specifier(resolver, resolution, _requires_python(analysis))
    requirement = f"{resolution.distribution}{spec}"
    notes.append(f"specifier: {spec or '(none)'}: {why}")

    key = (resolver.python or sys.executable, requirement)
    if key not in _CONFLICTS:
        try:
            _CONFLICTS[key] = conflicts(requirement, resolver.python)
        except FixkitError as exc:
            _CONFLICTS[key] = []
            notes.append(f"conflict check skipped: {exc}")
    problems = _CONFLICTS[key]
    if problems:
        notes += [f"conflict: {p}" for p in problems]
        if safety is Safety.SAFE:
            safety = Safety.REVIEW

    declared = where_declared(root, resolution.distribution)
    if declared:
        where = ", ".join(d.label for d in declared)
        return Fix(
            f"install {resolution.distribution} ({resolution.confidence} confidence): already declared in {where}",
            safety,
            (),
            distribution=requirement,
            notes=tuple(notes),
        )
    try:
        declaration = choose_declaration(root, diagnosis.file)
        edit, more = add_requirement(root, declaration, requirement)
    except DeclarationError as exc:
        return Fix(
            f"declare {requirement} by hand ({resolution.confidence} confidence)",
            Safety.MANUAL,
            (),
            distribution=requirement,
            notes=(*notes, str(exc)),
        )
    notes += more
    if more and safety is Safety.SAFE:
        safety = Safety.REVIEW  # a hash-pinned or generated file needs a person to regenerate it
    return Fix(
        f"declare {requirement} in {declaration.label} ({resolution.confidence} confidence)",
        safety,
        (edit,),
        distribution=requirement,
        notes=tuple(notes),
    )
