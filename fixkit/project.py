"""Discover a project: its root, source roots, first-party modules, files and target Python.

CONTRACT (other stages code against these types); discovery is `discover(config)`.

Discovery never imports or runs anything of the project.  It walks the tree with an
explicit stack (no recursion), skips what is not the project's own source (virtualenvs,
build output, VCS and tool caches, what `.gitignore` and `[tool.fixkit] exclude`
ignore) and names every file the way the import system would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fixkit.config import Config, read_pyproject
from fixkit.errors import FixkitError


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the project root, "/" separated
    module: str  # dotted module name ("app.models.core"); "" when not importable
    is_package: bool = False  # an __init__.py
    shadowed_by: str | None = None  # for pkg/x.py beside a pkg/x/ package: the package's path


@dataclass
class Project:
    root: Path
    config: Config
    files: dict[str, SourceFile] = field(default_factory=dict)  # by relative path
    modules: dict[str, SourceFile] = field(default_factory=dict)  # importable modules by name
    first_party: frozenset[str] = frozenset()  # top-level names: {"app"}
    source_roots: tuple[str, ...] = ("",)  # relative dirs on sys.path: "" (flat) or "src"
    python: str = ""  # target interpreter executable
    target_version: tuple[int, int] = (3, 11)  # oldest Python the project supports
    # Added by discover: directories importable as namespace packages (no __init__.py).
    namespaces: frozenset[str] = frozenset()
    # Added by discover: compiled extension modules (.so/.pyd): they exist, unread.
    extensions: frozenset[str] = frozenset()
    # Added by discover: `[project.scripts]` targets ("pkg.cli:main" -> "pkg.cli").
    script_modules: tuple[str, ...] = ()

    def abspath(self, path: str) -> Path:
        return self.root / path

    def read_bytes(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def read_text(self, path: str) -> str:
        """The file decoded as Python would (PEP 263 / BOM), newlines kept as they are."""
        from fixkit.textio import decode_source

        return decode_source(self.read_bytes(path)).text

    def is_first_party(self, module: str) -> bool:
        return module.split(".", 1)[0] in self.first_party

    def module_exists(self, module: str) -> bool:
        """True when `import module` finds it in the project (a file or a namespace dir)."""
        return module in self.modules or module in self.namespaces or module in self.extensions

    def shadowed_file(self, module: str) -> SourceFile | None:
        """The dead `x.py` that a package `x/` hides, for module `x`."""
        return self._shadowed.get(module)

    @property
    def _shadowed(self) -> dict[str, SourceFile]:
        cached = self.__dict__.get("_shadowed_cache")
        if cached is None:
            cached = {}
            for f in self.files.values():
                if f.shadowed_by:
                    cached[module_name_of(f.path, self.source_roots) or ""] = f
            self.__dict__["_shadowed_cache"] = cached
        return cached


# ----------------------------------------------------------------------------- walking

# Directory names that are never the project's own importable source.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".fixkit_cache",
        ".eggs",
        "__pycache__",
        "node_modules",
        "build",
        "dist",
        "site-packages",
    }
)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class IgnoreRules:
    """The common subset of gitignore: globs, `/`-anchored patterns, `dir/`, `**`, `!`.

    Each rule applies below the directory of the file it came from.  That covers what
    projects put in `.gitignore` for Python trees without shelling out to git (which
    is absent in copies, archives and containers).
    """

    def __init__(self) -> None:
        self._rules: list[tuple[str, re.Pattern[str], bool, bool, bool]] = []  # base, regex, negate, dir_only, anchored

    def add(self, base: str, pattern: str) -> None:
        pattern = pattern.rstrip("\n").rstrip()
        if not pattern or pattern.startswith("#"):
            return
        negate = pattern.startswith("!")
        if negate:
            pattern = pattern[1:]
        if pattern.startswith("\\"):
            pattern = pattern[1:]
        dir_only = pattern.endswith("/")
        pattern = pattern.strip("/") if dir_only else pattern
        anchored = "/" in pattern.rstrip("/")
        pattern = pattern.lstrip("/")
        if not pattern:
            return
        regex = _glob_to_regex(pattern, anchored)
        self._rules.append((base, regex, negate, dir_only, anchored))

    def add_file(self, base: str, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        for line in text.splitlines():
            self.add(base, line)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        name = rel.rpartition("/")[2]
        for base, regex, negate, dir_only, anchored in self._rules:
            if dir_only and not is_dir:
                continue
            if base:
                if not rel.startswith(base + "/"):
                    continue
                sub = rel[len(base) + 1 :]
            else:
                sub = rel
            # The walk prunes ignored directories, so a pattern without a "/" only needs
            # to be tried on the last component.
            if regex.match(sub if anchored else name):
                result = not negate
        return result


def _glob_to_regex(pattern: str, anchored: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    if not anchored:
        return re.compile(f"^{''.join(out)}$")  # matched against one path component
    # An anchored pattern matching a directory also covers everything below it.
    return re.compile(f"^{''.join(out)}(?:/.*)?$")


_EXTENSION_SUFFIXES = (".so", ".pyd")


def _walk(root: Path, ignore: IgnoreRules, extensions: list[str] | None = None) -> tuple[list[str], list[str]]:
    """All `.py` paths and all directories (relative, "/"-separated) that are kept;
    compiled extension modules (`x.cpython-311-x86_64-linux-gnu.so`) go to `extensions`."""
    files: list[str] = []
    dirs: list[str] = []
    stack = [""]
    root_dir = str(root)
    while stack:
        rel_dir = stack.pop()
        # Plain strings, and the directory's own listing to find its .gitignore: a tree
        # with thousands of data directories (django's locales) is walked on every plan.
        abs_dir = os.path.join(root_dir, rel_dir) if rel_dir else root_dir
        try:
            entries = list(os.scandir(abs_dir))
        except OSError:
            continue
        if rel_dir and any(entry.name == ".gitignore" for entry in entries):
            gitignore = Path(abs_dir, ".gitignore")
            if gitignore.is_file():
                ignore.add_file(rel_dir, gitignore)
        for entry in entries:
            name = entry.name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                if not is_dir and entry.is_symlink():
                    # A symlink to a directory is walked like one; to a file, read like one.
                    is_dir = entry.is_dir(follow_symlinks=True) and not _links_upwards(root, entry.path)
            except OSError:
                is_dir = False
            if is_dir:
                if name in SKIP_DIRS or name.endswith(".egg-info"):
                    # build/ and dist/ are build output, unless they are a package of
                    # the project (pip._internal.operations.build).
                    if name not in ("build", "dist") or not os.path.exists(os.path.join(entry.path, "__init__.py")):
                        continue
                if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    continue  # a virtualenv, whatever it is called
                if ignore.ignored(rel, True):
                    continue
                dirs.append(rel)
                stack.append(rel)
            elif name.endswith(".py") and not ignore.ignored(rel, False):
                # FIFOs, dangling links and unreadable files are kept: analysis reports
                # them as files Python could not import instead of hiding them.
                files.append(rel)
            elif name.endswith(_EXTENSION_SUFFIXES) and extensions is not None:
                extensions.append(rel)
    files.sort()
    dirs.sort()
    return files, dirs


def _links_upwards(root: Path, path: str) -> bool:
    """A symlink pointing at one of its own ancestors would make the walk endless."""
    try:
        target = Path(path).resolve()
        here = Path(path).parent.resolve()
    except OSError:
        return True
    return here == target or target in here.parents


# ----------------------------------------------------------------------------- naming


def module_name_of(path: str, source_roots: tuple[str, ...]) -> str | None:
    """The dotted name of `path` under the first source root that contains it."""
    for root in source_roots:
        if root:
            if not path.startswith(root + "/"):
                continue
            rel = path[len(root) + 1 :]
        else:
            rel = path
        parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if not parts or not all(_IDENT.match(p) for p in parts):
            return None
        return ".".join(parts)
    return None


def _table_at(pyproject: dict, *keys: str) -> dict:
    """The table at `keys` (`"tool", "setuptools"`), {} when a level is missing or is not a
    table: the analysed project's own pyproject.toml may hold anything, and a value of the
    wrong type is as good as absent for finding its modules."""
    value: object = pyproject
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _source_roots(root: Path, pyproject: dict) -> tuple[str, ...]:
    """`src` (src layout) or what setuptools' `packages.find.where` names, then the root."""
    roots: list[str] = []
    where = _table_at(pyproject, "tool", "setuptools", "packages", "find").get("where", [])
    for w in [where] if isinstance(where, str) else where if isinstance(where, list) else []:
        if isinstance(w, str) and w.strip("./") and (root / w).is_dir():
            roots.append(w.strip("/").removeprefix("./"))
    if (root / "src").is_dir() and not (root / "src" / "__init__.py").exists() and "src" not in roots:
        roots.append("src")
    roots.append("")
    return tuple(roots)


def _script_modules(pyproject: dict) -> tuple[str, ...]:
    out = []
    for target in _table_at(pyproject, "project", "scripts").values():
        if isinstance(target, str):
            module = target.split(":", 1)[0].strip()
            if module:
                out.append(module)
    return tuple(sorted(set(out)))


# ----------------------------------------------------------------------------- interpreter


def _target_python(root: Path, config: Config) -> str:
    if config.python:
        candidates = [Path(config.python)]
        if not Path(config.python).is_absolute():
            candidates = [root / config.python, Path.cwd() / config.python]
        for candidate in candidates:
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate.absolute())
        raise FixkitError(f"target interpreter not found or not executable: {config.python}")
    for venv in (".venv", "venv"):
        for exe in ("bin/python", "Scripts/python.exe"):
            candidate = root / venv / exe
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate.absolute())
    return sys.executable


def parse_version(text: str, what: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(?:py|python)?(\d+)\.?(\d+)\s*", str(text))
    if not match:
        raise FixkitError(f"{what}: expected a version like 3.11, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def requires_python_floor(spec: str) -> tuple[int, int] | None:
    """The lowest major.minor a `requires-python` specifier admits."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    floors = []
    for s in specifiers:
        parts = s.version.split(".")
        try:
            major, minor = int(parts[0]), int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        except ValueError:
            continue
        if s.operator in (">=", "~=", "==", "==="):
            floors.append((major, minor))
        elif s.operator == ">":
            floors.append((major, minor + (1 if len(parts) <= 2 else 0)))
    return max(floors) if floors else None


_VERSION_CACHE: dict[str, tuple[int, int]] = {}


def interpreter_version(python: str) -> tuple[int, int]:
    """The major.minor of an interpreter (a subprocess that only prints its version)."""
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        return sys.version_info[:2]
    if python not in _VERSION_CACHE:
        try:
            out = subprocess.run(
                [python, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout
            _VERSION_CACHE[python] = parse_version(out.strip(), python)
        except (OSError, subprocess.SubprocessError) as exc:
            raise FixkitError(f"cannot run the target interpreter {python}: {exc}") from None
    return _VERSION_CACHE[python]


# ----------------------------------------------------------------------------- discover


def discover(config: Config) -> Project:
    root = Path(config.root)
    if not root.exists():
        raise FixkitError(f"{root}: no such directory")
    if not root.is_dir():
        raise FixkitError(f"{root}: not a directory (fixkit plans a project directory)")
    root = root.resolve()
    if (root / "__init__.py").is_file():
        # Inside a package every absolute import (`from app.core import x`) would look
        # third-party and missing; the project is the directory that holds the package.
        raise FixkitError(f"{root} is a package (it has __init__.py): plan the project directory that contains it, {root.parent}")
    pyproject = read_pyproject(root)
    source_roots = _source_roots(root, pyproject)

    ignore = IgnoreRules()
    for ignore_file in (root / ".git" / "info" / "exclude", root / ".gitignore"):
        if ignore_file.is_file():
            ignore.add_file("", ignore_file)
    for pattern in config.exclude:
        ignore.add("", pattern)
    extension_paths: list[str] = []
    paths, dirs = _walk(root, ignore, extension_paths)

    package_dirs = {p[: -len("/__init__.py")] for p in paths if p.endswith("/__init__.py")}
    files: dict[str, SourceFile] = {}
    modules: dict[str, SourceFile] = {}
    extensions: set[str] = set()
    first_party: set[str] = set()
    for path in paths:
        module = module_name_of(path, source_roots)
        is_package = path.endswith("/__init__.py") or path == "__init__.py"
        shadowed_by = None
        if not is_package and path[:-3] in package_dirs:
            # The import system prefers the package x/__init__.py to the module x.py.
            shadowed_by = f"{path[:-3]}/__init__.py"
        if module:
            sf = SourceFile(path, "" if shadowed_by else module, is_package, shadowed_by)
            if not shadowed_by:
                modules.setdefault(module, sf)
                first_party.add(module.split(".", 1)[0])
        else:
            sf = SourceFile(path, "", is_package, shadowed_by)
        files[path] = sf

    # A compiled extension is a module too: `hypothesis/_native.cpython-311-...so`.
    for rel in extension_paths:
        directory, _, filename = rel.rpartition("/")
        stem = filename.split(".", 1)[0]
        module = module_name_of(f"{directory}/{stem}.py" if directory else f"{stem}.py", source_roots)
        if module and module not in modules:
            extensions.add(module)
    namespaces: set[str] = set()
    for d in dirs:
        if d in package_dirs:
            continue
        module = module_name_of(d, source_roots)
        if not module or d in source_roots:
            continue
        top = module.split(".", 1)[0]
        if top in first_party:
            namespaces.add(module)
    python = _target_python(root, config)
    if config.target_version:
        target = parse_version(config.target_version, "target-version")
    else:
        requires = _table_at(pyproject, "project").get("requires-python")
        target = requires_python_floor(requires) if isinstance(requires, str) else None
        if target is None:
            target = interpreter_version(python)

    return Project(
        root=root,
        config=config,
        files=files,
        modules=modules,
        first_party=frozenset(first_party),
        source_roots=source_roots,
        python=python,
        target_version=target,
        namespaces=frozenset(namespaces),
        extensions=frozenset(extensions),
        script_modules=_script_modules(pyproject),
    )
