"""FK202 when the missing name is a typo of a name the same module defines.

`from app.services.workflow_engine import WorkflowEngin` where workflow_engine
defines `WorkflowEngine`: when exactly one name of that module is that close
(difflib ratio >= 0.9, or an edit distance of 1-2 between names of 6+ characters)
and no first-party module defines the misspelt name, the import and every use of it
in the importing files are renamed (`codemods.rename_import`).  `review`: a person
confirms the spelling was the intent.  Otherwise `None`, and the caller
(`fixkit.fixes.imports.fix_missing_name`) keeps its manual did-you-mean.
"""

from __future__ import annotations

import ast
import difflib

from codemods._common import absolute_name
from codemods.rename_import import RenameImportCommand
from fixkit.analysis import Analysis
from fixkit.codemod_runner import edits_from, run_on_project, source_of
from fixkit.model import Diagnosis, Fix, Safety

MIN_RATIO = 0.9
MAX_DISTANCE = 2
MIN_LENGTH_FOR_DISTANCE = 6


def edit_distance(a: str, b: str, limit: int = MAX_DISTANCE) -> int:
    """Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def closeness(wanted: str, candidate: str) -> tuple[float, int] | None:
    """(ratio, edit distance) when `candidate` is close enough to be the intended name."""
    ratio = difflib.SequenceMatcher(a=wanted, b=candidate, autojunk=False).ratio()
    distance = edit_distance(wanted, candidate)
    long_enough = min(len(wanted), len(candidate)) >= MIN_LENGTH_FOR_DISTANCE
    if ratio >= MIN_RATIO or (long_enough and 1 <= distance <= MAX_DISTANCE):
        return ratio, distance
    return None


def intended_name(analysis: Analysis, module: str, name: str) -> tuple[str, float, int] | None:
    """The one name of `module` that `name` is a typo of, or None (none, or several)."""
    facts = analysis.facts_of(module)
    if facts is None or facts.defines(name) is not False or analysis.definers(name):
        return None  # unknowable module contents, or the name really lives elsewhere
    names = set(facts.defined_names) | {d.name for d in facts.definitions}
    close = [(candidate, *found) for candidate in sorted(names) if candidate != name and (found := closeness(name, candidate))]
    return close[0] if len(close) == 1 else None


def _still_imports(text: str, package: str | None, module: str, name: str) -> bool:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            resolved = absolute_name(package, "." * node.level + (node.module or "")) if node.level else node.module
            if resolved == module and any(alias.name == name for alias in node.names):
                return True
    return False


def fix_typo(diagnosis: Diagnosis, analysis: Analysis, names_by_file: dict[str, list[str]]) -> Fix | None:
    """A review fix renaming `diagnosis.symbol` to the close name its module defines, in
    every file of `names_by_file`; None when no single name is that close."""
    module, name = diagnosis.module, diagnosis.symbol
    if not module or not name or not names_by_file:
        return None
    found = intended_name(analysis, module, name)
    if found is None:
        return None
    intended, ratio, distance = found
    paths = sorted(names_by_file)
    results = run_on_project(analysis.project, RenameImportCommand, paths, {"renames": [f"{module}:{name}={intended}"]})
    edits, problems = edits_from(analysis.project, results.values())
    left = [
        path for path, result in results.items()
        if result.new_text is not None and _still_imports(result.new_text, source_of(analysis.project, path).package, module, name)
    ]  # fmt: skip
    if problems or left or len(edits) != len(paths):
        return None  # the manual did-you-mean stands
    facts = analysis.facts_of(module)
    where = next((f"{facts.path}:{d.line}" for d in facts.definitions if d.name == intended), facts.path) if facts else module
    notes = (
        f"{module} defines {intended} ({where}); similarity {ratio:.2f}, edit distance {distance}",
        f"no first-party module defines {name}",
    )
    summary = f"Import {intended} from {module} instead of the misspelt {name}, and rename its uses"
    if len(edits) > 1:
        summary += f" (in {len(edits)} files)"
    return Fix(summary, Safety.REVIEW, edits=edits, notes=notes)
