"""Where a project declares its dependencies, what it declares, and adding one.

Declaration files, in the order a new dependency goes into them:

1. `pyproject.toml` `[project] dependencies` (PEP 621), or an optional group in
   `[project.optional-dependencies]` or a PEP 735 `[dependency-groups]` group when the
   importing code is test code and a test group exists (`test`, `tests`, `testing`,
   `dev`) or a group is named after a directory of the importing file;
2. `pyproject.toml` `[tool.poetry.dependencies]` (or a Poetry group, same rule);
3. `setup.cfg` `[options] install_requires`;
4. a requirements file: the one `[tool.setuptools.dynamic] dependencies` names, else
   `requirements.in` (pip-tools: the `.txt` is generated from it), `requirements.txt`,
   `requirements/base.txt`, ... (test code: `requirements-dev.txt`, `requirements/test.txt`, ...);
5. none of those: a new `requirements.txt`.

Every edit inserts one line (a one-line array gains one item) and leaves every other
byte as it was; it is checked to parse and to hold exactly one more requirement.
"""

from __future__ import annotations

import configparser
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from fixkit.deps.requirements import declared_in_requirements, logical_lines, parse_requirement_line, read_requirements
from fixkit.deps.toml_edit import TomlEditError, insert_array_item, insert_table_key
from fixkit.model import FileEdit, edit_between
from fixkit.textio import newline_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEST_GROUPS = ("test", "tests", "testing", "dev")
REQUIREMENTS_MAIN = (
    "requirements.in",
    "requirements.txt",
    "requirements/base.in",
    "requirements/base.txt",
    "requirements/main.txt",
    "requirements/prod.txt",
    "requirements/production.txt",
    "requirements/common.txt",
)
REQUIREMENTS_TEST = (
    "requirements-dev.in",
    "requirements-dev.txt",
    "requirements-test.txt",
    "requirements_dev.txt",
    "requirements_test.txt",
    "dev-requirements.txt",
    "test-requirements.txt",
    "requirements/dev.txt",
    "requirements/test.txt",
    "requirements/tests.txt",
)


class DeclarationError(ValueError):
    """The declaration cannot be edited safely; the message says why."""


@dataclass(frozen=True)
class Declaration:
    path: str  # relative to the project root, "/" separated
    kind: str  # pep621 | pep621-optional | dependency-group | poetry | poetry-group | poetry-dev | setup.cfg | requirements
    group: str | None = None

    @property
    def label(self) -> str:
        return {
            "pep621": f"{self.path} [project] dependencies",
            "pep621-optional": f"{self.path} [project.optional-dependencies] {self.group}",
            "dependency-group": f"{self.path} [dependency-groups] {self.group}",
            "poetry": f"{self.path} [tool.poetry.dependencies]",
            "poetry-group": f"{self.path} [tool.poetry.group.{self.group}.dependencies]",
            "poetry-dev": f"{self.path} [tool.poetry.dev-dependencies]",
            "setup.cfg": f"{self.path} [options] install_requires",
            "requirements": self.path,
        }.get(self.kind, self.path)


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _names(requirements: list[str]) -> set[str]:
    out = set()
    for text in requirements:
        try:
            out.add(canonicalize_name(Requirement(text).name))
        except InvalidRequirement:
            continue
    return out


def _is_test_path(path: str | None) -> bool:
    if not path:
        return False
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return any(p in ("tests", "test", "testing") for p in parts[:-1]) or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def find_declarations(root: Path) -> list[Declaration]:
    """Every place `root` declares dependencies, in preference order (main first)."""
    out: list[Declaration] = []
    pyproject = _load_toml(root / "pyproject.toml")
    project = pyproject.get("project")
    # [project] without a `dependencies` key gets one only when nothing else declares
    # dependencies: a requirements.txt beside it is where the project keeps them
    implicit_pep621 = isinstance(project, dict) and "dependencies" not in project and "dependencies" not in project.get("dynamic", [])
    if isinstance(project, dict) and "dependencies" in project:
        out.append(Declaration("pyproject.toml", "pep621"))
    if isinstance(project, dict):
        for group in (project.get("optional-dependencies") or {}):
            out.append(Declaration("pyproject.toml", "pep621-optional", group))
    groups = pyproject.get("dependency-groups")  # PEP 735 (uv, pip 25.1+)
    if isinstance(groups, dict):
        for group in groups:
            out.append(Declaration("pyproject.toml", "dependency-group", group))
    poetry = pyproject.get("tool", {}).get("poetry", {})
    if isinstance(poetry, dict) and "dependencies" in poetry:
        out.append(Declaration("pyproject.toml", "poetry"))
        for group, body in (poetry.get("group") or {}).items():
            if isinstance(body, dict) and "dependencies" in body:
                out.append(Declaration("pyproject.toml", "poetry-group", group))
        if isinstance(poetry.get("dev-dependencies"), dict):  # Poetry < 1.2
            out.append(Declaration("pyproject.toml", "poetry-dev", "dev"))
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(setup_cfg.read_text(encoding="utf-8"))
            if parser.has_option("options", "install_requires"):
                out.append(Declaration("setup.cfg", "setup.cfg"))
        except (configparser.Error, UnicodeDecodeError):
            pass
    dynamic = pyproject.get("tool", {}).get("setuptools", {}).get("dynamic", {}).get("dependencies", {})
    dynamic_files = dynamic.get("file", []) if isinstance(dynamic, dict) else []
    if isinstance(dynamic_files, str):
        dynamic_files = [dynamic_files]
    seen = set()
    for rel in [*dynamic_files, *REQUIREMENTS_MAIN, *REQUIREMENTS_TEST]:
        if rel in seen or not (root / rel).is_file():
            continue
        seen.add(rel)
        out.append(Declaration(rel, "requirements", "test" if rel in REQUIREMENTS_TEST else None))
    if implicit_pep621 and not any(d.kind in ("poetry", "setup.cfg", "requirements") for d in out):
        out.insert(0, Declaration("pyproject.toml", "pep621"))
    return out


def declared_requirements(root: Path, declaration: Declaration) -> set[str]:
    """Canonical names declared in one place (requirements files with their -r includes)."""
    if declaration.kind == "requirements":
        return set(declared_in_requirements(root / declaration.path))
    if declaration.kind == "setup.cfg":
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string((root / declaration.path).read_text(encoding="utf-8"))
        value = parser.get("options", "install_requires", fallback="")
        return _names([line for line in value.splitlines() if line.strip() and not line.strip().startswith("#")])
    data = _load_toml(root / declaration.path)
    if declaration.kind == "pep621":
        return _names(data.get("project", {}).get("dependencies", []))
    if declaration.kind == "pep621-optional":
        return _names(data.get("project", {}).get("optional-dependencies", {}).get(declaration.group, []))
    if declaration.kind == "dependency-group":
        items = data.get("dependency-groups", {}).get(declaration.group, [])
        return _names([i for i in items if isinstance(i, str)])  # {include-group = ...} tables name no distribution
    if declaration.kind == "poetry":
        return {canonicalize_name(k) for k in data["tool"]["poetry"].get("dependencies", {}) if k != "python"}
    if declaration.kind == "poetry-group":
        return {canonicalize_name(k) for k in data["tool"]["poetry"]["group"][declaration.group].get("dependencies", {})}
    if declaration.kind == "poetry-dev":
        return {canonicalize_name(k) for k in data["tool"]["poetry"].get("dev-dependencies", {})}
    return set()


def where_declared(root: Path, distribution: str) -> list[Declaration]:
    """The declarations that already name `distribution`."""
    want = canonicalize_name(distribution)
    return [d for d in find_declarations(root) if want in declared_requirements(root, d)]


def choose_declaration(root: Path, importing_file: str | None = None) -> Declaration:
    """Where a new dependency of `importing_file` (relative path) belongs."""
    found = find_declarations(root)
    test_code = _is_test_path(importing_file)
    dirs = set((importing_file or "").replace("\\", "/").split("/")[:-1])
    for kinds in (("pep621", "pep621-optional"), ("poetry", "poetry-group")):
        main = next((d for d in found if d.kind == kinds[0]), None)
        groups = [d for d in found if d.kind == kinds[1] or (kinds[0] == "pep621" and d.kind == "dependency-group") or (kinds[0] == "poetry" and d.kind == "poetry-dev")]
        if main is None and not groups:
            continue
        named = next((g for g in groups if g.group in dirs), None)
        if named:
            return named
        if test_code:
            test = next((g for g in sorted(groups, key=lambda g: TEST_GROUPS.index(g.group) if g.group in TEST_GROUPS else 99) if g.group in TEST_GROUPS), None)
            if test:
                return test
        if main is not None:
            return main
    setup_cfg = next((d for d in found if d.kind == "setup.cfg"), None)
    if setup_cfg:
        return setup_cfg
    requirements = [d for d in found if d.kind == "requirements"]
    if test_code:
        test = next((d for d in requirements if d.group == "test"), None)
        if test:
            return test
    main_req = next((d for d in requirements if d.group is None), None)
    if main_req:
        return main_req
    if requirements:
        return requirements[0]
    if (root / "setup.py").is_file():
        raise DeclarationError("the project declares its dependencies in setup.py: add it to install_requires by hand")
    return Declaration("requirements.txt", "requirements")


# --------------------------------------------------------------------------- editing


def add_to_requirements_text(text: str, requirement: str) -> str:
    """One line added to a requirements file; sorted position when the file is sorted,
    else the end; never between a line and its continuation."""
    nl = newline_of(text) if text else "\n"
    lines = text.splitlines(keepends=True)
    entries: list[tuple[int, str]] = []  # (line index, canonical name) of plain requirement lines
    for number, logical in logical_lines(text):
        if logical.startswith("-"):
            continue
        name, _ = parse_requirement_line(logical)
        if name:
            entries.append((number - 1, name))

    def ok(index: int) -> bool:
        return index == 0 or not lines[index - 1].rstrip("\r\n").endswith("\\")

    new_name = canonicalize_name(Requirement(requirement).name)
    names = [n for _, n in entries]
    position: int | None = None
    if names and names == sorted(names):
        for index, name in entries:
            if name > new_name and ok(index):
                # above the comment lines that belong to that requirement
                while index > 0 and lines[index - 1].lstrip().startswith("#") and ok(index - 1):
                    index -= 1
                position = index
                break
    if position is None:
        if not lines or (lines[-1].endswith(("\n", "\r")) and ok(len(lines))):
            position = len(lines)
        elif ok(len(lines) - 1):
            position = len(lines) - 1  # before the last line, so that line keeps its bytes
        else:
            raise DeclarationError("the file ends inside a continued line")
    return "".join(lines[:position]) + requirement + nl + "".join(lines[position:])


def add_to_setup_cfg_text(text: str, requirement: str) -> str:
    nl = newline_of(text) if text else "\n"
    lines = text.splitlines(keepends=True)
    section = None
    options_at = None
    key_at = None
    for i, line in enumerate(lines):
        m = re.match(r"^\[([^\]]+)\]\s*$", line.strip())
        if m:
            section = m.group(1).strip()
            if section == "options":
                options_at = i
            continue
        if section == "options" and re.match(r"^install_requires\s*[=:]", line):
            key_at = i
    if key_at is not None:
        last = key_at
        indent = "    "
        for j in range(key_at + 1, len(lines)):
            line = lines[j]
            if line.strip() and line[0] in " \t":
                last = j
                indent = line[: len(line) - len(line.lstrip())]
                continue
            if not line.strip():
                continue  # a blank line may sit inside a multi-line value
            break
        if not lines[last].endswith(("\n", "\r")):
            raise DeclarationError("setup.cfg ends without a newline inside install_requires")
        new_lines = lines[: last + 1] + [f"{indent}{requirement}{nl}"] + lines[last + 1 :]
    elif options_at is not None:
        new_lines = lines[: options_at + 1] + [f"install_requires ={nl}", f"    {requirement}{nl}"] + lines[options_at + 1 :]
    else:
        tail = "" if not lines or lines[-1].endswith(("\n", "\r")) else nl
        new_lines = lines + [f"{tail}{nl}[options]{nl}", f"install_requires ={nl}", f"    {requirement}{nl}"]
    new = "".join(new_lines)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(new)
    except configparser.Error as exc:
        raise DeclarationError(f"the setup.cfg edit would not parse: {exc}") from None
    values = [v.strip() for v in parser.get("options", "install_requires", fallback="").splitlines() if v.strip()]
    if requirement not in values:
        raise DeclarationError("the setup.cfg edit did not land in install_requires")
    return new


def poetry_constraint(requirement: str) -> str:
    """The TOML value for a Poetry dependency table: `">=1.2"`, `"*"` or an inline table."""
    req = Requirement(requirement)
    version = str(req.specifier) or "*"
    if not req.extras and not req.marker:
        return f'"{version}"'
    parts = [f'version = "{version}"']
    if req.extras:
        parts.append("extras = [" + ", ".join(f'"{e}"' for e in sorted(req.extras)) + "]")
    if req.marker:
        parts.append(f"markers = {json.dumps(str(req.marker))}")  # a JSON string is a valid TOML basic string
    return "{ " + ", ".join(parts) + " }"


def add_to_text(declaration: Declaration, text: str, requirement: str) -> str:
    """The declaration file's text with `requirement` added (raises DeclarationError)."""
    try:
        Requirement(requirement)
    except InvalidRequirement as exc:
        raise DeclarationError(f"not a requirement: {requirement!r}: {exc}") from None
    try:
        if declaration.kind == "pep621":
            return insert_array_item(text, "project", "dependencies", requirement)
        if declaration.kind == "pep621-optional":
            return insert_array_item(text, "project.optional-dependencies", declaration.group or "", requirement)
        if declaration.kind == "dependency-group":
            return insert_array_item(text, "dependency-groups", declaration.group or "", requirement)
        if declaration.kind in ("poetry", "poetry-group", "poetry-dev"):
            table = {
                "poetry": "tool.poetry.dependencies",
                "poetry-dev": "tool.poetry.dev-dependencies",
            }.get(declaration.kind, f"tool.poetry.group.{declaration.group}.dependencies")
            return insert_table_key(text, table, Requirement(requirement).name, poetry_constraint(requirement))
    except TomlEditError as exc:
        raise DeclarationError(f"{declaration.label}: {exc}") from None
    if declaration.kind == "setup.cfg":
        return add_to_setup_cfg_text(text, requirement)
    if declaration.kind == "requirements":
        return add_to_requirements_text(text, requirement)
    raise DeclarationError(f"unknown declaration kind {declaration.kind}")


def add_requirement(root: Path, declaration: Declaration, requirement: str) -> tuple[FileEdit, list[str]]:
    """A FileEdit adding `requirement` to `declaration`, against the file as it is now,
    and notes a person should read (hash-pinned files, pip-tools inputs)."""
    return add_requirements(root, declaration, [requirement])


def add_requirements(root: Path, declaration: Declaration, requirements: list[str]) -> tuple[FileEdit, list[str]]:
    """One FileEdit adding several requirements to one declaration (fixes that each add
    one line at the same place cannot be merged hunk by hunk: combine them with this)."""
    path = root / declaration.path
    notes: list[str] = []
    if not path.exists():
        return edit_between(declaration.path, None, "".join(r + "\n" for r in requirements)), [f"creates {declaration.path}: the project declares no dependencies anywhere else"]
    data = path.read_bytes()
    try:
        # plain UTF-8 (a BOM stays in the text as U+FEFF): hunks count lines of exactly these bytes
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeclarationError(f"{declaration.path} is not UTF-8") from None
    new = text
    for requirement in requirements:
        new = add_to_text(declaration, new, requirement)
    if declaration.kind == "requirements":
        parsed = read_requirements(path)
        if parsed.uses_hashes:
            notes.append(f"{declaration.path} pins hashes (pip's hash-checking mode): the added line has none, so regenerate the file (pip-compile --generate-hashes)")
        if declaration.path.endswith(".in") and (root / (declaration.path[:-3] + ".txt")).is_file():
            notes.append(f"{declaration.path} is a pip-tools input: run pip-compile to update {declaration.path[:-3]}.txt")
    return edit_between(declaration.path, text, new, old_bytes=data), notes
