"""Choosing the version specifier of a dependency fixkit adds: `>=X.Y`.

The lower bound is what is installed in the target environment (the code was
presumably written against it), else the newest release on the index whose
`Requires-Python` accepts every Python the project supports.  No upper bound: a cap
the project did not ask for causes more conflicts than it prevents.
"""

from __future__ import annotations

from typing import Iterable

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version


def lower_bound(version: str | Version) -> str:
    """`>=X.Y` for a final release (`>=X` when it has one part), `>=<exact>` for a pre-release
    (so that pip may choose pre-releases, as it must for a project that has only those)."""
    v = version if isinstance(version, Version) else Version(str(version))
    if v.is_prerelease or v.is_devrelease:
        return f">={v}"
    release = v.release
    if v.epoch:
        return f">={v.epoch}!{'.'.join(map(str, release[:2]))}"
    return ">=" + ".".join(str(p) for p in release[:2])


def python_floor(requires_python: str | None) -> Version | None:
    """The oldest Python a `requires-python` allows (3.x minor versions checked)."""
    if not requires_python:
        return None
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return None
    for minor in range(0, 30):
        candidate = Version(f"3.{minor}")
        if spec.contains(candidate, prereleases=True):
            return candidate
    return None


def fits(file_requires_python: str | None, project_floor: Version | None) -> bool:
    if not file_requires_python or project_floor is None:
        return True
    try:
        return SpecifierSet(file_requires_python).contains(project_floor, prereleases=True)
    except InvalidSpecifier:
        return True  # an unreadable Requires-Python is pip's problem, not a reason to skip


def choose_specifier(
    *,
    installed: str | None = None,
    releases: Iterable[tuple[str, str | None]] = (),
    requires_python: str | None = None,
) -> tuple[str, str]:
    """(specifier, why). `releases` are (version, the file's requires-python) pairs from
    the index; an empty specifier means nothing is known (offline and not installed)."""
    if installed:
        try:
            return lower_bound(installed), f"{installed} is installed in the target environment"
        except InvalidVersion:
            pass
    floor = python_floor(requires_python)
    usable: list[Version] = []
    for version, file_rp in releases:
        try:
            v = Version(version)
        except InvalidVersion:
            continue
        if fits(file_rp, floor):
            usable.append(v)
    finals = [v for v in usable if not v.is_prerelease]
    pool = finals or usable
    if pool:
        newest = max(pool)
        why = f"{newest} is the newest release on the index"
        if floor is not None:
            why += f" that supports Python {floor} (the project's requires-python {requires_python})"
        return lower_bound(newest), why
    return "", "no version is known (not installed, and the index was not asked)"
