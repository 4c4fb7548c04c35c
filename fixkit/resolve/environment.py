"""What the target environment provides: its installed distributions and their modules.

fixkit never imports the analysed project's code, and the target interpreter may not
be the one fixkit runs in, so a tiny script runs in the target interpreter (from an
empty temporary directory, so that the project's own files are not on `sys.path`):
it reads distribution metadata only — `importlib.metadata.packages_distributions()`
plus each distribution's file list — and prints JSON.  The answer is cached per
interpreter for the life of the process; `forget(python)` drops it after an install.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fixkit.errors import FixkitError
from fixkit.resolve.wheels import provided_modules

PROBE = r"""
import json, sys
try:
    from importlib import metadata
except ImportError:  # pragma: no cover - very old interpreters
    import importlib_metadata as metadata
SUFFIXES = (".py", ".pyi", ".so", ".pyd")
out = {"version": list(sys.version_info[:3]), "executable": sys.executable,
       "stdlib": sorted(getattr(sys, "stdlib_module_names", ())),
       "dists": {}, "files": {}, "top_level": {}}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if not name or name in out["dists"]:
        continue  # the first one on sys.path is what import sees
    out["dists"][name] = dist.version
    try:
        files = dist.files or []
    except Exception:
        files = []
    out["files"][name] = [str(f) for f in files if str(f).endswith(SUFFIXES)]
    try:
        top = dist.read_text("top_level.txt")
    except Exception:
        top = None
    if top:
        out["top_level"][name] = [t.strip().replace("/", ".") for t in top.split() if t.strip()]
try:
    out["packages_distributions"] = metadata.packages_distributions()
except Exception:
    out["packages_distributions"] = {}
json.dump(out, sys.stdout)
"""


@dataclass
class Environment:
    python: str
    version: tuple[int, int, int]
    stdlib: frozenset[str]
    dists: dict[str, str]  # distribution name → version
    modules: dict[str, list[str]] = field(default_factory=dict)  # module → distributions providing it
    _levels: frozenset[str] | None = field(default=None, repr=False)

    def providers(self, module: str) -> tuple[str, list[str]] | None:
        """(the longest prefix of `module` some installed distribution provides, those distributions).

        A shorter prefix that other distributions use as a namespace (`google` when
        `google.protobuf` is installed too) does not count: its provider says nothing
        about the rest of the name."""
        parts = module.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            dists = self.modules.get(prefix)
            if dists and (prefix == module or prefix not in self.namespace_levels):
                return prefix, dists
        return None

    @property
    def namespace_levels(self) -> frozenset[str]:
        if self._levels is None:
            self._levels = frozenset(m.rsplit(".", i)[0] for m in self.modules if "." in m for i in range(1, m.count(".") + 1))
        return self._levels

    def version_of(self, distribution: str) -> str | None:
        from packaging.utils import canonicalize_name

        want = canonicalize_name(distribution)
        for name, version in self.dists.items():
            if canonicalize_name(name) == want:
                return version
        return None


_CACHE: dict[str, Environment] = {}


def forget(python: str | None = None) -> None:
    """Drop the cached answer (of one interpreter, or all) — after installing into it."""
    if python is None:
        _CACHE.clear()
    else:
        _CACHE.pop(_key(python), None)


def _key(python: str) -> str:
    # not realpath: a venv's python is a symlink to its base interpreter, but sees other packages
    return os.path.abspath(python) if os.sep in python else python


def probe(python: str | None = None, *, timeout: float = 60.0) -> Environment:
    """The environment of `python` (default: this interpreter), cached per interpreter."""
    python = python or sys.executable
    key = _key(python)
    if key in _CACHE:
        return _CACHE[key]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME",)}
    try:
        with tempfile.TemporaryDirectory(prefix="fixkit-probe-") as cwd:
            done = subprocess.run(
                [python, "-c", PROBE],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=cwd,
                env=env,
            )
    except FileNotFoundError:
        raise FixkitError(f"interpreter not found: {python}") from None
    except PermissionError:
        raise FixkitError(f"interpreter not executable: {python}") from None
    except subprocess.TimeoutExpired:
        raise FixkitError(f"interpreter {python} did not answer within {timeout:.0f}s") from None
    except OSError as exc:
        raise FixkitError(f"cannot run interpreter {python}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise FixkitError(f"interpreter {python} failed to list its distributions: {last}")
    try:
        data = json.loads(done.stdout)
    except ValueError:
        raise FixkitError(f"interpreter {python} printed no distribution list") from None
    modules: dict[str, list[str]] = {}

    def add(module: str, dist: str) -> None:
        providers = modules.setdefault(module, [])
        if dist not in providers:
            providers.append(dist)

    for dist, files in data["files"].items():
        for module in provided_modules(files):
            add(module, dist)
    # distributions without a file list (old eggs, some editable installs)
    for dist, tops in data.get("top_level", {}).items():
        if not data["files"].get(dist):
            for top in tops:
                add(top, dist)
    for module, dists in (data.get("packages_distributions") or {}).items():
        for dist in dists:
            # packages_distributions names namespace roots too ("google"): only take
            # a name no file list explained, so a namespace root does not count as provided
            if module not in modules and not any(m.startswith(module + ".") for m in modules):
                add(module, dist)
    environment = Environment(
        python=data.get("executable") or python,
        version=tuple(data["version"]),  # type: ignore[arg-type]
        stdlib=frozenset(data.get("stdlib") or ()),
        dists=dict(data["dists"]),
        modules=modules,
    )
    _CACHE[key] = environment
    return environment


def default_python(root: Path | None = None) -> str:
    """The project's .venv interpreter when there is one, else this interpreter."""
    if root is not None:
        for candidate in (root / ".venv" / "bin" / "python", root / ".venv" / "Scripts" / "python.exe", root / "venv" / "bin" / "python"):
            if candidate.exists():
                return str(candidate)
    return sys.executable
