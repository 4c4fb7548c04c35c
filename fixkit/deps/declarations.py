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


def _toml_type(value: object) -> str:
    from fixkit.config import toml_type

    return toml_type(value)


class _Found:
    """What `find_declarations` found, what it had to skip and why (one line each, for
    the notes of a fix), and the main declarations that exist but cannot be read: a new
    dependency belongs there, so it is not put anywhere else either.

    pyproject.toml is the analysed project's own data and may hold anything: a value of
    the wrong type is skipped with a problem line, never a crash."""

    def __init__(self) -> None:
        self.declarations: list[Declaration] = []
        self.problems: list[str] = []
        self.unusable: dict[str, str] = {}  # "pep621" | "poetry" -> the problem

    def skip(self, label: str, want: str, value: object) -> str:
        problem = f"{label} must be {want}, not {_toml_type(value)}: skipped"
        self.problems.append(problem)
        return problem

    def table(self, parent: dict, key: str, label: str) -> dict | None:
        """parent[key] when it is a table; None when it is absent or (noted) is not."""
        value = parent.get(key)
        if value is None or isinstance(value, dict):
            return value
        self.skip(label, "a table", value)
        return None

    def strings(self, parent: dict, key: str, label: str, tables: bool = False, want: str = "") -> list | None:
        """parent[key] when it is an array of strings (and of tables, when `tables`)."""
        value = parent.get(key)
        if value is None:
            return None
        kinds = (str, dict) if tables else str
        want = want or "an array of strings" + (" and tables" if tables else "")
        if not isinstance(value, list):
            self.skip(label, want, value)
            return None
        bad = next((v for v in value if not isinstance(v, kinds)), None)
        if bad is not None:
            self.problems.append(f"{label} must be {want}, but it holds {_toml_type(bad)} ({bad!r}): skipped")
            return None
        return value


def _scan(root: Path) -> _Found:
    found = _Found()
    out = found.declarations
    path = root / "pyproject.toml"
    pyproject: dict = {}
    if path.is_file():
        try:
            pyproject = tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            found.problems.append("pyproject.toml is not UTF-8: skipped")
        except tomllib.TOMLDecodeError as exc:
            found.problems.append(f"pyproject.toml is not valid TOML ({exc}): skipped")
        except OSError as exc:
            found.problems.append(f"pyproject.toml cannot be read ({exc.strerror}): skipped")

    project = found.table(pyproject, "project", "pyproject.toml [project]")
    if "project" in pyproject and project is None:
        found.unusable["pep621"] = found.problems[-1]
    implicit_pep621 = False
    dynamic_dependencies = False
    if project is not None:
        dynamic = found.strings(project, "dynamic", "pyproject.toml [project] dynamic")
        if "dependencies" in project:
            if found.strings(project, "dependencies", "pyproject.toml [project] dependencies") is not None:
                out.append(Declaration("pyproject.toml", "pep621"))
            else:
                found.unusable["pep621"] = found.problems[-1]
        elif "dynamic" in project and dynamic is None:
            # whether the dependencies are dynamic cannot be told: where they go neither
            found.unusable["pep621"] = found.problems[-1]
        else:
            # [project] without a `dependencies` key gets one only when nothing else declares
            # dependencies: a requirements.txt beside it is where the project keeps them
            dynamic_dependencies = "dependencies" in (dynamic or ())
            implicit_pep621 = not dynamic_dependencies
        optional = found.table(project, "optional-dependencies", "pyproject.toml [project.optional-dependencies]")
        for group in optional or {}:
            if found.strings(optional, group, f"pyproject.toml [project.optional-dependencies] {group}") is not None:
                out.append(Declaration("pyproject.toml", "pep621-optional", group))
    groups = found.table(pyproject, "dependency-groups", "pyproject.toml [dependency-groups]")  # PEP 735 (uv, pip 25.1+)
    for group in groups or {}:
        # {include-group = "..."} tables are allowed beside the requirement strings
        if found.strings(groups, group, f"pyproject.toml [dependency-groups] {group}", tables=True) is not None:
            out.append(Declaration("pyproject.toml", "dependency-group", group))
    tool = found.table(pyproject, "tool", "pyproject.toml [tool]") or {}
    poetry = found.table(tool, "poetry", "pyproject.toml [tool.poetry]")
    if "poetry" in tool and poetry is None:
        found.unusable["poetry"] = found.problems[-1]
    poetry = poetry or {}
    if "dependencies" in poetry:
        if found.table(poetry, "dependencies", "pyproject.toml [tool.poetry.dependencies]") is None:
            found.unusable["poetry"] = found.problems[-1]
        else:
            out.append(Declaration("pyproject.toml", "poetry"))
            poetry_groups = found.table(poetry, "group", "pyproject.toml [tool.poetry.group]")
            for group in poetry_groups or {}:
                body = found.table(poetry_groups, group, f"pyproject.toml [tool.poetry.group.{group}]")
                if body is not None and found.table(body, "dependencies", f"pyproject.toml [tool.poetry.group.{group}.dependencies]") is not None:
                    out.append(Declaration("pyproject.toml", "poetry-group", group))
            if found.table(poetry, "dev-dependencies", "pyproject.toml [tool.poetry.dev-dependencies]") is not None:  # Poetry < 1.2
                out.append(Declaration("pyproject.toml", "poetry-dev", "dev"))
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(setup_cfg.read_text(encoding="utf-8"), source="setup.cfg")
            if parser.has_option("options", "install_requires"):
                out.append(Declaration("setup.cfg", "setup.cfg"))
        except UnicodeDecodeError:
            found.problems.append("setup.cfg is not UTF-8: skipped")
        except OSError as exc:
            found.problems.append(f"setup.cfg cannot be read ({exc.strerror}): skipped")
        except configparser.Error as exc:
            found.problems.append(f"setup.cfg cannot be parsed ({' '.join(str(exc).split())[:160]}): skipped")
    known = len(found.problems)
    setuptools = found.table(tool, "setuptools", "pyproject.toml [tool.setuptools]") or {}
    dynamic_table = found.table(setuptools, "dynamic", "pyproject.toml [tool.setuptools.dynamic]") or {}
    dynamic = found.table(dynamic_table, "dependencies", "pyproject.toml [tool.setuptools.dynamic] dependencies") or {}
    dynamic_files = dynamic.get("file", [])
    if isinstance(dynamic_files, str):
        dynamic_files = [dynamic_files]
    elif found.strings(dynamic, "file", "pyproject.toml [tool.setuptools.dynamic] dependencies.file", want="a string or an array of strings") is None:
        dynamic_files = []
    if dynamic_dependencies and len(found.problems) > known:
        found.unusable["pep621"] = found.problems[-1]  # the file the dependencies are read from is unknown
    seen = set()
    for rel in [*dynamic_files, *REQUIREMENTS_MAIN, *REQUIREMENTS_TEST]:
        if rel in seen or not (root / rel).is_file():
            continue
        seen.add(rel)
        out.append(Declaration(rel, "requirements", "test" if rel in REQUIREMENTS_TEST else None))
        try:
            (root / rel).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            found.problems.append(f"{rel} is not UTF-8: skipped")
        except OSError as exc:
            found.problems.append(f"{rel} cannot be read ({exc.strerror}): skipped")
    if implicit_pep621 and not any(d.kind in ("poetry", "setup.cfg", "requirements") for d in out):
        out.insert(0, Declaration("pyproject.toml", "pep621"))
    return found


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
    return _scan(root).declarations


def declaration_problems(root: Path) -> list[str]:
    """One line for each declaration `find_declarations` skipped because it cannot be
    read (a value of the wrong type in pyproject.toml, a file that is not UTF-8, ...)."""
    return _scan(root).problems


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
    # find_declarations checked the types; the file may have changed since: check again
    if declaration.kind in ("pep621", "pep621-optional", "dependency-group"):
        table = _at(data, "dependency-groups") if declaration.kind == "dependency-group" else _at(data, "project")
        if declaration.kind == "pep621-optional":
            table = _at(table, "optional-dependencies")
        items = table.get("dependencies" if declaration.kind == "pep621" else declaration.group)
        # {include-group = ...} tables name no distribution
        return _names([i for i in items if isinstance(i, str)]) if isinstance(items, list) else set()
    poetry = _at(_at(data, "tool"), "poetry")
    if declaration.kind == "poetry":
        return {canonicalize_name(k) for k in _at(poetry, "dependencies") if k != "python"}
    if declaration.kind == "poetry-group":
        return {canonicalize_name(k) for k in _at(_at(_at(poetry, "group"), declaration.group or ""), "dependencies")}
    if declaration.kind == "poetry-dev":
        return {canonicalize_name(k) for k in _at(poetry, "dev-dependencies")}
    return set()


def _at(table: object, key: str) -> dict:
    value = table.get(key) if isinstance(table, dict) else None
    return value if isinstance(value, dict) else {}


def where_declared(root: Path, distribution: str) -> list[Declaration]:
    """The declarations that already name `distribution`."""
    want = canonicalize_name(distribution)
    return [d for d in find_declarations(root) if want in declared_requirements(root, d)]


def choose_declaration(root: Path, importing_file: str | None = None) -> Declaration:
    """Where a new dependency of `importing_file` (relative path) belongs."""
    scan = _scan(root)
    found = scan.declarations
    test_code = _is_test_path(importing_file)
    dirs = set((importing_file or "").replace("\\", "/").split("/")[:-1])
    for kinds in (("pep621", "pep621-optional"), ("poetry", "poetry-group")):
        main = next((d for d in found if d.kind == kinds[0]), None)
        groups = [d for d in found if d.kind == kinds[1] or (kinds[0] == "pep621" and d.kind == "dependency-group") or (kinds[0] == "poetry" and d.kind == "poetry-dev")]
        unusable = scan.unusable.get(kinds[0])
        if main is None and not groups and not unusable:
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
        if unusable:
            # the main declaration is there but cannot be read: a new requirement goes
            # there, not into a file the project does not use
            raise DeclarationError(f"{unusable.removesuffix(': skipped')}: correct it, then declare the dependency there")
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
    # what could not be read may already declare these: a person should look
    notes: list[str] = declaration_problems(root)
    if not path.exists():
        return edit_between(declaration.path, None, "".join(r + "\n" for r in requirements)), [f"creates {declaration.path}: the project declares no dependencies anywhere else", *notes]
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
