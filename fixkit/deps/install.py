"""Checking a requirement against the target environment, and installing into it.

`conflicts(requirement, python)` asks pipdeptree (run by this interpreter, pointed at
the target one with `--python`) what the installed distributions require of the
distribution being added, and reports every requirement the chosen specifier or the
installed version breaks; conflicts are reported, never forced.

`install(requirements, python)` runs the target interpreter's own pip, then checks
again: each requirement is installed at a version its specifier accepts, and
`pip check` finds nothing broken.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fixkit.errors import FixkitError
from fixkit.resolve import environment as _environment


@dataclass(frozen=True)
class InstallResult:
    ok: bool  # pip succeeded and every requirement is now satisfied
    requirements: tuple[str, ...]
    installed: dict[str, str] = field(default_factory=dict)  # distribution → version, after
    missing: tuple[str, ...] = ()  # requirements still unsatisfied after pip ran
    conflicts: tuple[str, ...] = ()  # `pip check` lines after the install
    returncode: int = 0
    command: tuple[str, ...] = ()
    output: str = ""  # the end of pip's output, for the report

    @property
    def summary(self) -> str:
        if self.ok:
            return "installed " + ", ".join(f"{k} {v}" for k, v in self.installed.items())
        if self.returncode:
            return f"pip failed (exit {self.returncode}): " + (self.output.strip().splitlines() or [""])[-1]
        return "still missing after pip: " + ", ".join(self.missing)


_TREES: dict[str, list[dict]] = {}


def _pipdeptree(python: str, timeout: float) -> list[dict]:
    """pipdeptree's JSON for `python`, once per interpreter (dropped by `install`)."""
    if python not in _TREES:
        _TREES[python] = _run_pipdeptree(python, timeout)
    return _TREES[python]


def _run_pipdeptree(python: str, timeout: float) -> list[dict]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pipdeptree", "--python", python, "-o", "json", "-w", "silence"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise FixkitError(f"pipdeptree could not run: {exc}") from None
    if done.returncode != 0:
        # older pipdeptree spells the options differently
        done = subprocess.run([sys.executable, "-m", "pipdeptree", "--python", python, "--json"], capture_output=True, text=True, timeout=timeout)
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise FixkitError(f"pipdeptree gave no JSON for {python}: {(done.stderr.strip().splitlines() or [''])[-1]}") from None


def conflicts(requirement: str, python: str | None = None, *, candidate_version: str | None = None, timeout: float = 120.0) -> list[str]:
    """What adding `requirement` would break in the target environment.

    Checked: the installed version of the distribution (if any) against the new
    specifier, and every installed distribution's requirement on it against the
    version that would be used (installed, else `candidate_version`).
    """
    python = python or sys.executable
    try:
        req = Requirement(requirement)
    except InvalidRequirement as exc:
        raise FixkitError(f"not a requirement: {requirement!r}: {exc}") from None
    key = canonicalize_name(req.name)
    tree = _pipdeptree(python, timeout)
    installed: str | None = None
    wanted_by: list[tuple[str, str]] = []  # (dependent, its specifier)
    for node in tree:
        package = node.get("package", {})
        if canonicalize_name(package.get("key", "")) == key:
            installed = package.get("installed_version")
        for dep in node.get("dependencies", []):
            if canonicalize_name(dep.get("key", "")) == key:
                spec = dep.get("required_version") or ""
                wanted_by.append((f"{package.get('package_name')} {package.get('installed_version')}", "" if spec == "Any" else spec))
    problems: list[str] = []
    version = installed or candidate_version
    if installed and req.specifier and not req.specifier.contains(installed, prereleases=True):
        problems.append(f"{req.name} {installed} is installed, which `{requirement}` does not accept")
    if version:
        for who, spec in wanted_by:
            try:
                if spec and not SpecifierSet(spec).contains(Version(version), prereleases=True):
                    problems.append(f"{who} requires {req.name}{spec}, but {version} would be used")
            except (InvalidSpecifier, InvalidVersion):
                continue
    return problems


def _pip_check(python: str, timeout: float) -> list[str]:
    try:
        done = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True, timeout=timeout, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode == 0:
        return []
    return [line for line in done.stdout.splitlines() if line.strip() and "No broken requirements" not in line]


def install(
    requirements: Iterable[str],
    python: str | None = None,
    *,
    index_url: str | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = 900.0,
) -> InstallResult:
    """Install `requirements` (PEP 508 strings) with the target interpreter's pip, then
    re-check the environment.  Never raises for a failed install: the result says."""
    python = python or sys.executable
    reqs = tuple(requirements)
    parsed = []
    for text in reqs:
        try:
            parsed.append(Requirement(text))
        except InvalidRequirement as exc:
            raise FixkitError(f"not a requirement: {text!r}: {exc}") from None
    if not reqs:
        return InstallResult(True, reqs)
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
    if index_url:
        command += ["--index-url", index_url]
    command += [*extra_args, *reqs]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
        returncode, output = done.returncode, (done.stdout + done.stderr)
    except FileNotFoundError:
        raise FixkitError(f"interpreter not found: {python}") from None
    except subprocess.TimeoutExpired:
        returncode, output = -1, f"pip did not finish within {timeout:.0f}s"
    _environment.forget(python)
    _TREES.pop(python, None)
    env = _environment.probe(python)
    installed: dict[str, str] = {}
    missing: list[str] = []
    for req in parsed:
        version = env.version_of(req.name)
        if version is None or (req.specifier and not req.specifier.contains(version, prereleases=True)):
            missing.append(str(req))
        else:
            installed[req.name] = version
    checks = tuple(_pip_check(python, 120.0))
    tail = "\n".join(output.strip().splitlines()[-15:])
    return InstallResult(
        ok=returncode == 0 and not missing,
        requirements=reqs,
        installed=installed,
        missing=tuple(missing),
        conflicts=checks,
        returncode=returncode,
        command=tuple(command),
        output=tail,
    )
