"""Declaring a dependency: where it goes, and that every other byte stays as it was."""

from __future__ import annotations

import configparser
import difflib
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from fixkit.deps import (
    Declaration,
    DeclarationError,
    add_requirement,
    add_requirements,
    add_to_text,
    choose_declaration,
    choose_specifier,
    conflicts,
    find_declarations,
    lower_bound,
    where_declared,
)
from fixkit.deps.requirements import declared_in_requirements
from fixkit.model import apply_hunks

SAMPLES = Path(__file__).resolve().parent.parent / "sample_projects"


def only_added(old: str, new: str) -> list[str]:
    """The lines `new` adds to `old`; fails when any old line changed or went away."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    added = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), f"{tag} of old lines {old_lines[i1:i2]!r}"
        if tag == "insert":
            added += new_lines[j1:j2]
    return added


def copy_sample(name: str, tmp_path: Path) -> Path:
    source = SAMPLES / name
    if not source.is_dir():
        pytest.skip(f"sample project {name} is not in the tree yet")
    target = tmp_path / name
    shutil.copytree(source, target)
    return target


# --------------------------------------------------------------------------- pyproject.toml


def test_engarde_pyproject_gains_one_line_and_nothing_else(tmp_path) -> None:
    root = copy_sample("engarde_backend", tmp_path)
    original = (root / "pyproject.toml").read_bytes()
    declaration = choose_declaration(root, "app/routers/csv_import.py")
    assert declaration == Declaration("pyproject.toml", "pep621")
    edit, notes = add_requirement(root, declaration, "dagger-io>=0.9")
    new = apply_hunks(original.decode(), edit.hunks)
    assert only_added(original.decode(), new) == ['    "dagger-io>=0.9",\n']
    assert "dagger-io>=0.9" in tomllib.loads(new)["project"]["dependencies"]
    assert notes == []
    assert (root / "pyproject.toml").read_bytes() == original  # a fix only describes the edit


def test_test_code_goes_to_the_test_group(tmp_path) -> None:
    root = copy_sample("engarde_backend", tmp_path)
    declaration = choose_declaration(root, "tests/test_routers.py")
    assert declaration.kind == "pep621-optional" and declaration.group == "dev"
    text = (root / "pyproject.toml").read_text()
    new = add_to_text(declaration, text, "respx>=0.20")
    assert only_added(text, new) == ['    "respx>=0.20",\n']
    assert "respx>=0.20" in tomllib.loads(new)["project"]["optional-dependencies"]["dev"]


PYPROJECT_CASES = {
    "sorted list: alphabetical place": ('[project]\nname = "x"\ndependencies = [\n  "alpha",\n  "zulu",\n]\n', 1),
    "last item without comma": ('[project]\nname = "x"\ndependencies = [\n    "alpha",\n    "zeta"  # pinned below\n]\n', 1),
    "comments and blank lines": ('# top\n[project]\nname = "x"\n\ndependencies = [\n    # web\n    "flask>=3",\n\n    # db\n    "sqlalchemy",  # orm\n]\n\n[tool.x]\na = 1\n', 1),
    "CRLF": ('[project]\r\nname = "x"\r\ndependencies = [\r\n    "flask",\r\n]\r\n', 1),
    "empty multi-line": ('[project]\nname = "x"\ndependencies = [\n]\n', 1),
    "no dependencies key": ('[project]\nname = "x"\nversion = "1"\n\n[tool.ruff]\nline-length = 100\n', 3),
    "strings with escapes and brackets": ('[project]\nname = "x"\ndependencies = [\n    "a[extra]>=1; python_version < \\"3.12\\"",\n    \'b @ https://x.invalid/b-1.0.tar.gz#sha256=00\',\n]\n', 1),
}


@pytest.mark.parametrize("case", PYPROJECT_CASES)
def test_pep621_insertions_add_lines_only(case: str) -> None:
    text, added_lines = PYPROJECT_CASES[case]
    new = add_to_text(Declaration("pyproject.toml", "pep621"), text, "bleach>=6.1")
    added = only_added(text, new)
    assert len(added) == added_lines
    deps = tomllib.loads(new)["project"]["dependencies"]
    assert sorted(deps) == sorted([*tomllib.loads(text)["project"].get("dependencies", []), "bleach>=6.1"])
    if "\r\n" in text:
        assert all(line.endswith("\r\n") for line in added)


def test_one_line_array_changes_only_its_own_line() -> None:
    text = '[project]\nname = "x"\ndependencies = ["flask", "requests"]  # keep\n\n[tool.x]\n'
    new = add_to_text(Declaration("pyproject.toml", "pep621"), text, "bleach")
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b] == [2]
    assert new_lines[2] == 'dependencies = ["flask", "requests", "bleach"]  # keep'


def test_poetry_dependencies_and_groups() -> None:
    text = '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "^0.110"  # web\n\n[tool.poetry.group.dev.dependencies]\npytest = "*"\n\n[build-system]\nrequires = ["poetry-core"]\n'
    new = add_to_text(Declaration("pyproject.toml", "poetry"), text, "dagger-io>=0.9")
    assert only_added(text, new) == ['dagger-io = ">=0.9"\n']
    assert tomllib.loads(new)["tool"]["poetry"]["dependencies"]["dagger-io"] == ">=0.9"
    new = add_to_text(Declaration("pyproject.toml", "poetry-group", "dev"), text, "respx")
    assert only_added(text, new) == ['respx = "*"\n']
    new = add_to_text(Declaration("pyproject.toml", "poetry"), text, 'bleach[css]>=6; python_version >= "3.9"')
    value = tomllib.loads(new)["tool"]["poetry"]["dependencies"]["bleach"]
    assert value == {"version": ">=6", "extras": ["css"], "markers": 'python_version >= "3.9"'}


def test_poetry_project_is_found_and_chosen(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n\n[tool.poetry.group.test.dependencies]\npytest = "*"\n')
    assert choose_declaration(tmp_path, "svc/app.py") == Declaration("pyproject.toml", "poetry")
    assert choose_declaration(tmp_path, "tests/test_app.py") == Declaration("pyproject.toml", "poetry-group", "test")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True), min_size=0, max_size=6, unique=True),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["    ", "  ", "\t"]),
    st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True),
)
def test_property_any_multiline_array_gains_exactly_one_line(names, trailing_comma, comments, indent, new_name) -> None:
    lines = []
    for i, name in enumerate(names):
        comma = "," if (i < len(names) - 1 or trailing_comma) else ""
        lines.append(f'{indent}"{name}"{comma}' + (f"  # note {i}" if comments else "") + "\n")
    text = '[project]\nname = "p"\ndependencies = [\n' + "".join(lines) + ']\n\n[tool.other]\nx = 1\n'
    new = add_to_text(Declaration("pyproject.toml", "pep621"), text, new_name)
    assert len(only_added(text, new)) == 1
    assert sorted(tomllib.loads(new)["project"]["dependencies"]) == sorted([*names, new_name])


# --------------------------------------------------------------------------- requirements files

REQUIREMENTS = """\
# production requirements
-r base.txt
-c constraints.txt
--index-url https://pypi.org/simple
-e git+https://github.com/acme/tool.git#egg=acme-tool
flask>=3.0  # web
requests[security] >= 2.31 ; python_version >= "3.8"
gunicorn==21.2.0 \\
    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000
./vendor/localpkg
"""


def test_requirements_names_follow_includes_not_constraints(tmp_path) -> None:
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    (tmp_path / "base.txt").write_text("sqlalchemy>=2\n")
    (tmp_path / "constraints.txt").write_text("urllib3<3\n")
    names = declared_in_requirements(tmp_path / "requirements.txt")
    assert {"flask", "requests", "gunicorn", "acme-tool", "sqlalchemy"} <= set(names)
    assert "urllib3" not in names
    assert [d.path for d in where_declared(tmp_path, "SQLAlchemy")] == ["requirements.txt"]


def test_requirements_insertion_keeps_every_other_byte_and_warns_about_hashes(tmp_path) -> None:
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    declaration = choose_declaration(tmp_path, "app.py")
    assert declaration == Declaration("requirements.txt", "requirements")
    edit, notes = add_requirement(tmp_path, declaration, "bleach>=6.1")
    new = apply_hunks(REQUIREMENTS, edit.hunks)
    assert only_added(REQUIREMENTS, new) == ["bleach>=6.1\n"]
    assert any("hash-checking" in n for n in notes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nc\nd\n", "a\nb\nc\nd\n"),  # sorted: alphabetical place
        ("zeta\nalpha\n", "zeta\nalpha\nb\n"),  # unsorted: the end
        ("zeta\nalpha", "zeta\nb\nalpha"),  # no final newline: the last line keeps its bytes
        ("flask\r\nzope.x\r\n", "b\r\nflask\r\nzope.x\r\n"),
        ("", "b\n"),
        ("x \\\n  >=1\n", "b\nx \\\n  >=1\n"),  # never between a line and its continuation
    ],
)
def test_requirements_text_cases(text: str, expected: str) -> None:
    new = add_to_text(Declaration("requirements.txt", "requirements"), text, "b")
    assert new == expected
    only_added(text, new)


def test_flask_inventory_requirements(tmp_path) -> None:
    root = copy_sample("flask_inventory", tmp_path)
    original = (root / "requirements.txt").read_text()
    declaration = choose_declaration(root, "src/inventory/views.py")
    edit, _ = add_requirement(root, declaration, "bleach>=6.1")
    path = root / declaration.path
    new = apply_hunks(path.read_text(), edit.hunks)
    if declaration.path == "requirements.txt":
        assert only_added(original, new) == ["bleach>=6.1\n"]
    else:
        assert len(only_added(path.read_text(), new)) == 1


def test_pip_tools_input_is_preferred_and_noted(tmp_path) -> None:
    (tmp_path / "requirements.in").write_text("flask\n")
    (tmp_path / "requirements.txt").write_text("flask==3.0.0\n")
    declaration = choose_declaration(tmp_path, "app.py")
    assert declaration.path == "requirements.in"
    _, notes = add_requirement(tmp_path, declaration, "bleach")
    assert any("pip-compile" in n for n in notes)


def test_test_requirements_file_for_test_code(tmp_path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest\n")
    assert choose_declaration(tmp_path, "tests/test_x.py").path == "requirements-dev.txt"
    assert choose_declaration(tmp_path, "app/x.py").path == "requirements.txt"


# --------------------------------------------------------------------------- setup.cfg

SETUP_CFG = """\
[metadata]
name = legacy
version = 1.0

[options]
packages = find:
install_requires =
    flask>=3
    requests ; python_version >= "3.8"
python_requires = >=3.9

[options.extras_require]
dev = pytest
"""


def test_setup_cfg_install_requires(tmp_path) -> None:
    (tmp_path / "setup.cfg").write_text(SETUP_CFG)
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    declaration = choose_declaration(tmp_path, "legacy/app.py")
    assert declaration == Declaration("setup.cfg", "setup.cfg")
    edit, _ = add_requirement(tmp_path, declaration, "bleach>=6.1")
    new = apply_hunks(SETUP_CFG, edit.hunks)
    assert only_added(SETUP_CFG, new) == ["    bleach>=6.1\n"]
    parser = configparser.ConfigParser()
    parser.read_string(new)
    assert parser.get("options", "install_requires").split("\n")[-1] == "bleach>=6.1"
    assert parser.get("options", "python_requires") == ">=3.9"


def test_setup_cfg_without_install_requires_gets_the_key() -> None:
    text = "[metadata]\nname = x\n\n[options]\npackages = find:\n"
    new = add_to_text(Declaration("setup.cfg", "setup.cfg"), text, "bleach")
    assert only_added(text, new) == ["install_requires =\n", "    bleach\n"]


def test_setup_py_only_is_left_to_a_person(tmp_path) -> None:
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(install_requires=['flask'])\n")
    with pytest.raises(DeclarationError, match="setup.py"):
        choose_declaration(tmp_path, "x.py")


def test_nothing_declared_creates_requirements_txt(tmp_path) -> None:
    declaration = choose_declaration(tmp_path, "x.py")
    edit, notes = add_requirement(tmp_path, declaration, "bleach")
    assert edit.creates and edit.path == "requirements.txt" and edit.hunks[0].text == "bleach\n"
    assert notes


def test_several_requirements_in_one_edit(tmp_path) -> None:
    root = copy_sample("engarde_backend", tmp_path)
    text = (root / "pyproject.toml").read_text()
    edit, _ = add_requirements(root, Declaration("pyproject.toml", "pep621"), ["dagger-io", "bleach", "prometheus-client"])
    new = apply_hunks(text, edit.hunks)
    assert sorted(only_added(text, new)) == sorted(['    "dagger-io",\n', '    "bleach",\n', '    "prometheus-client",\n'])


def test_invalid_requirement_is_refused() -> None:
    with pytest.raises(DeclarationError):
        add_to_text(Declaration("requirements.txt", "requirements"), "", "not a requirement !!")


def test_find_declarations_lists_every_place(tmp_path) -> None:
    root = copy_sample("engarde_backend", tmp_path)
    kinds = [(d.kind, d.group) for d in find_declarations(root)]
    assert kinds[0] == ("pep621", None)
    assert ("pep621-optional", "dev") in kinds and ("pep621-optional", "server") in kinds


# --------------------------------------------------------------------------- specifiers and conflicts


def test_specifier_from_installed_then_newest_fitting_requires_python() -> None:
    assert choose_specifier(installed="2.1.9")[0] == ">=2.1"
    releases = [("6.2.0", ">=3.8"), ("6.3.0", ">=3.9"), ("6.4.0", ">=3.12"), ("7.0rc1", ">=3.9")]
    assert choose_specifier(releases=releases, requires_python=">=3.10")[0] == ">=6.3"
    assert choose_specifier(releases=releases, requires_python=">=3.12")[0] == ">=6.4"
    assert choose_specifier(releases=[("0.66b2", None)])[0] == ">=0.66b2"  # only pre-releases exist
    assert choose_specifier()[0] == ""
    assert lower_bound("21") == ">=21"


def test_conflicts_are_read_from_the_target_environment() -> None:
    from importlib.metadata import version

    major = int(version("anyio").split(".")[0])  # installed with fastapi in this environment
    assert conflicts(f"anyio>={major + 50}", sys.executable)
    assert conflicts("anyio", sys.executable) == []
    # starlette (from fastapi) requires anyio>=3: a 1.x would break it
    problems = conflicts("anyio<2", sys.executable)
    assert any("anyio" in p for p in problems)


def test_project_table_without_dependencies_defers_to_requirements_txt(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "svc"\nversion = "1"\n')
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert choose_declaration(tmp_path, "svc/app.py").path == "requirements.txt"
    (tmp_path / "requirements.txt").unlink()
    declaration = choose_declaration(tmp_path, "svc/app.py")
    assert declaration == Declaration("pyproject.toml", "pep621")
    text = (tmp_path / "pyproject.toml").read_text()
    new = add_to_text(declaration, text, "bleach")
    assert tomllib.loads(new)["project"]["dependencies"] == ["bleach"]
    only_added(text, new)


def test_flask_inventory_declares_in_requirements_txt_and_dev_for_tests(tmp_path) -> None:
    root = copy_sample("flask_inventory", tmp_path)
    assert choose_declaration(root, "src/inventory/blueprints/reports.py").path == "requirements.txt"
    assert choose_declaration(root, "tests/test_reports.py").path == "requirements-dev.txt"


def test_sorted_insertion_keeps_comments_with_their_requirement() -> None:
    text = "flask\n# tomllib is stdlib from 3.11\ntomli; python_version < '3.11'\n"
    new = add_to_text(Declaration("requirements.txt", "requirements"), text, "python-dateutil")
    assert new == "flask\npython-dateutil\n# tomllib is stdlib from 3.11\ntomli; python_version < '3.11'\n"
    text = '[project]\nname = "x"\ndependencies = [\n    # web\n    "flask",\n    # db\n    "sqlalchemy",\n]\n'
    new = add_to_text(Declaration("pyproject.toml", "pep621"), text, "pydantic")
    assert '    "flask",\n    "pydantic",\n    # db\n' in new


requirement_line = st.one_of(
    st.from_regex(r"[a-z][a-z0-9\-]{0,8}(>=[0-9]\.[0-9])?", fullmatch=True),
    st.just("# a comment"),
    st.just(""),
    st.just("-r other.txt"),
    st.just("--hash=sha256:00"),
    st.just('tomli>=2; python_version < "3.11"  # backport'),
    st.just("-e ./local#egg=localpkg"),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(requirement_line, max_size=10), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True))
def test_property_requirements_files_gain_exactly_one_line(lines, newline, final_newline, new_name) -> None:
    text = newline.join(lines) + (newline if final_newline and lines else "")
    new = add_to_text(Declaration("requirements.txt", "requirements"), text, new_name)
    added = only_added(text, new)
    assert [a.rstrip("\r\n") for a in added] == [new_name]


def test_pep_735_dependency_groups_for_test_code(tmp_path) -> None:
    text = (
        '[project]\nname = "svc"\nversion = "1"\ndependencies = ["flask"]\n\n'
        '[dependency-groups]\ndev = [\n    "pytest>=8",\n    { include-group = "lint" },\n]\nlint = ["ruff"]\n'
    )
    (tmp_path / "pyproject.toml").write_text(text)
    declaration = choose_declaration(tmp_path, "tests/test_svc.py")
    assert declaration == Declaration("pyproject.toml", "dependency-group", "dev")
    edit, _ = add_requirement(tmp_path, declaration, "respx>=0.21")
    new = apply_hunks(text, edit.hunks)
    assert only_added(text, new) == ['    "respx>=0.21",\n']
    assert "respx>=0.21" in tomllib.loads(new)["dependency-groups"]["dev"]
    assert [d.path for d in where_declared(tmp_path, "pytest")] == ["pyproject.toml"]
    assert choose_declaration(tmp_path, "svc/app.py") == Declaration("pyproject.toml", "pep621")


def test_legacy_poetry_dev_dependencies(tmp_path) -> None:
    text = '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n\n[tool.poetry.dev-dependencies]\npytest = "^7"\n'
    (tmp_path / "pyproject.toml").write_text(text)
    declaration = choose_declaration(tmp_path, "tests/test_x.py")
    assert declaration.kind == "poetry-dev"
    new = add_to_text(declaration, text, "respx>=0.21")
    assert only_added(text, new) == ['respx = ">=0.21"\n']
    assert tomllib.loads(new)["tool"]["poetry"]["dev-dependencies"]["respx"] == ">=0.21"
    assert [d.kind for d in where_declared(tmp_path, "pytest")] == ["poetry-dev"]
