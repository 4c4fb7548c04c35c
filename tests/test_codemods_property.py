"""Property: a codemod with nothing to do changes nothing.

Every command runs on real files (the engarde sample and fixkit's own source) with
arguments naming modules and names that appear nowhere in them: the output must be the
input, byte for byte.  Hypothesis draws the file and the absent names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libcst.codemod import CodemodContext

from codemods._common import module_and_package
from codemods.dedupe_models import DedupeModelsCommand
from codemods.defer_import import DeferImportCommand
from codemods.rename_import import RenameImportCommand
from codemods.repoint_imports import RepointImportsCommand

REPO = Path(__file__).resolve().parents[1]


def _corpus() -> list[tuple[str, str]]:
    files = sorted((REPO / "sample_projects" / "engarde_backend").rglob("*.py"))[:40] + sorted((REPO / "fixkit").rglob("*.py"))[:20]
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            ast.parse(text)
        except SyntaxError:
            continue  # the sample's broken files are the repairs' business, not the codemods'
        rel = path.relative_to(REPO / "sample_projects" / "engarde_backend") if "sample_projects" in path.parts else path.relative_to(REPO)
        out.append((rel.as_posix(), text))
    return out


CORPUS = _corpus()
_ident = st.from_regex(r"[A-Z][a-z]{3,8}", fullmatch=True).map(lambda s: f"Zz{s}")


def _run(command, path: str, text: str, **args) -> str:
    module, package = module_and_package(path)
    context = CodemodContext(filename=path, full_module_name=module, full_package_name=package)
    return command(context, **args).transform_module(cst.parse_module(text)).code


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), _ident, _ident)
def test_codemods_with_nothing_to_do_change_nothing(item, name, other) -> None:
    path, text = item
    absent = f"zz_absent.{name.lower()}"
    assert _run(RepointImportsCommand, path, text, moves=[f"{absent}:{name}=zz_elsewhere.mod"]) == text
    assert _run(DedupeModelsCommand, path, text, canonical=f"zz_elsewhere.mod:{name}", remove=[f"{absent}:{name}"]) == text
    assert _run(DeferImportCommand, path, text, module=absent) == text
    assert _run(RenameImportCommand, path, text, renames=[f"{absent}:{name}={other}"]) == text


def test_the_corpus_is_real() -> None:
    assert len(CORPUS) >= 30  # a property over an empty corpus would prove nothing
