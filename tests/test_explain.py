"""`fixkit explain`: a code's docs, the list of codes, a one-line error for an unknown code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fixkit.commands.explain import explain, listing
from fixkit.errors import FixkitError
from fixkit.rules.base import Rule


class DuplicateTable(Rule):
    code = "FK301"
    kind = "duplicate-model"
    summary = "Table defined by two models"
    what = "Two classes define one table on one metadata."
    why = "SQLAlchemy raises when the second is imported."
    example = "class A(Base): __tablename__ = 't'"
    fix_safety = "Safe when the copies are identical."


class ImportedTwice(Rule):
    code = "FK302"
    kind = "duplicate-model"
    summary = "Models module imported under two names"
    what = "One models file imported as two modules."
    why = "Every model in it is defined twice."
    example = "from models.core import A"
    fix_safety = "Review."


class MissingModule(Rule):
    code = "FK201"
    kind = "missing-module"
    summary = "First-party module does not exist"
    what = "An import of a first-party module that is not there."
    why = "The importing module fails."
    example = "from app.middleware.auth import x"
    fix_safety = "Manual."


RULES = (DuplicateTable, ImportedTwice, MissingModule)


def test_explain_a_code_in_any_case():
    assert explain("fk301", RULES) == DuplicateTable.doc()
    assert explain("FK301", RULES).startswith("FK301 duplicate-model: Table defined by two models\n\n## What it does\n")


def test_explain_a_kind_or_a_family_shows_every_rule_of_it():
    assert explain("duplicate-model", RULES) == DuplicateTable.doc() + "\n" + ImportedTwice.doc()
    assert explain("FK3", RULES) == explain("duplicate-model", RULES)


def test_unknown_code_is_an_error():
    with pytest.raises(FixkitError, match="unknown code 'FK999'"):
        explain("FK999", RULES)


def test_listing_is_sorted_and_aligned():
    lines = listing(RULES).splitlines()
    assert lines[:3] == [
        "FK201  missing-module   First-party module does not exist",
        "FK301  duplicate-model  Table defined by two models",
        "FK302  duplicate-model  Models module imported under two names",
    ]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixkit", "explain", *args], capture_output=True, text=True, timeout=60)


def test_cli_unknown_code_one_line_exit_2():
    result = _cli("FK999")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("fixkit: explain: ")
    assert "Traceback" not in result.stderr


def test_cli_with_the_real_registry():
    try:
        from fixkit.rules import RULES as registry  # noqa: F401
    except ImportError:
        pytest.skip("fixkit.rules.RULES is not there yet")
    listed = _cli()
    assert listed.returncode == 0
    codes = [line.split()[0] for line in listed.stdout.splitlines() if line.startswith("FK")]
    assert codes == sorted(codes) and "FK301" in codes
    one = _cli("FK301")
    assert one.returncode == 0 and one.stdout.startswith("FK301 duplicate-model: ")
    assert "## Why is this bad?" in one.stdout and "## Fix safety" in one.stdout
