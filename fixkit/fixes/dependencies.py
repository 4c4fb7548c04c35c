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

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from fixkit.analysis import Analysis
from fixkit.deps.declarations import DeclarationError, add_requirements, choose_declaration, where_declared
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
    setup_cfg = Path(analysis.project.root) / "setup.cfg"
    if setup_cfg.is_file():
        import configparser

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(setup_cfg.read_text(encoding="utf-8"))
            value = parser.get("options", "python_requires", fallback=None)
            if value:
                return value.strip()
        except (configparser.Error, UnicodeDecodeError, OSError):
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
    requires_python = _requires_python(analysis)
    safety = _SAFETY.get(resolution.confidence, Safety.MANUAL)
    spec, why = _specifier(resolver, resolution, requires_python)
    requirement = f"{resolution.distribution}{spec}"
    notes.append(f"specifier: {spec or '(none)'}: {why}")
    safety = _check_conflicts(resolver, requirement, notes, safety)

    # The rule reports one diagnosis per top-level package; its other missing modules
    # (opentelemetry.sdk.metrics beside opentelemetry.exporter.prometheus) may need other
    # distributions, declared by the same edit: `Fix.distribution` names the first,
    # `Fix.more_requirements` the rest, and `apply --install` installs them all.
    extra: list[str] = []
    for other in (diagnosis.datum("modules") or "").split():
        if other == name:
            continue
        try:
            more = resolver.resolve(other)
        except FixkitError:
            continue
        if more.distribution is None or more.stdlib:
            notes.append(f"`{other}`: no distribution found: declare it by hand")
            continue
        if canonicalize_name(more.distribution) in {canonicalize_name(Requirement(r).name) for r in (requirement, *extra)}:
            continue
        other_spec, _ = _specifier(resolver, more, requires_python)
        extra.append(f"{more.distribution}{other_spec}")
        notes += [f"also for `{other}`: {n}" for n in _evidence_notes(more)]
        worse = _SAFETY.get(more.confidence, Safety.MANUAL)
        if worse.rank > safety.rank:
            safety = worse
        safety = _check_conflicts(resolver, extra[-1], notes, safety)

    wanted = [requirement, *extra]
    undeclared = [r for r in wanted if not where_declared(root, Requirement(r).name)]
    declared = [r for r in wanted if r not in undeclared]
    if declared:
        notes.append("already declared: " + ", ".join(declared))
    if not undeclared:
        where = ", ".join(d.label for d in where_declared(root, resolution.distribution))
        return Fix(
            f"install {resolution.distribution} ({resolution.confidence} confidence): already declared in {where}",
            safety,
            (),
            distribution=requirement,
            notes=tuple(notes),
            more_requirements=tuple(extra),
        )
    try:
        declaration = choose_declaration(root, diagnosis.file)
        edit, more_notes = add_requirements(root, declaration, undeclared)
    except DeclarationError as exc:
        return Fix(
            f"declare {' '.join(undeclared)} by hand ({resolution.confidence} confidence)",
            Safety.MANUAL,
            (),
            distribution=requirement,
            notes=(*notes, str(exc)),
            more_requirements=tuple(extra),
        )
    notes += more_notes
    if more_notes and safety is Safety.SAFE:
        safety = Safety.REVIEW  # a hash-pinned or generated file needs a person to regenerate it
    return Fix(
        f"declare {', '.join(undeclared)} in {declaration.label} ({resolution.confidence} confidence)",
        safety,
        (edit,),
        distribution=requirement,
        notes=tuple(notes),
        more_requirements=tuple(extra),
    )


def _check_conflicts(resolver: Resolver, requirement: str, notes: list[str], safety: Safety) -> Safety:
    try:
        problems = conflicts(requirement, resolver.python)  # pipdeptree runs once per interpreter
    except FixkitError as exc:
        problems = []
        notes.append(f"conflict check skipped: {exc}")
    if problems:
        notes += [f"conflict: {p}" for p in problems]
        if safety is Safety.SAFE:
            return Safety.REVIEW
    return safety
