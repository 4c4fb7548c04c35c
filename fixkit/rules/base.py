"""What every rule is: a code, a kind, its documentation, its own examples, detection and fix.

CONTRACT. Modelled on Fixit's rules (VALID/INVALID examples that the test-suite runs,
see tests/test_rule_examples.py) and ruff's rule docs (what / why / example / fix safety).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterable, Mapping

if TYPE_CHECKING:
    from fixkit.analysis import Analysis
    from fixkit.model import Diagnosis, Fix


@dataclass(frozen=True)
class Example:
    """A small project: files by relative path (a single string means {"app/mod.py": ...}).

    For an INVALID example `expect` lists (file, line) of every diagnosis the rule must
    report; `fixed`, when given, is what each touched file must read after the rule's
    safe/review fixes are applied.  Files under `site/` stand for installed third-party
    packages (put on the target interpreter's path by the test harness).
    """

    files: Mapping[str, str] | str
    expect: tuple[tuple[str, int], ...] = ()
    fixed: Mapping[str, str | None] | None = None  # None value: the file is deleted
    python: tuple[int, int] | None = None  # only meaningful on this target Python and later
    note: str = ""

    def project_files(self) -> Mapping[str, str]:
        return {"app/mod.py": self.files} if isinstance(self.files, str) else self.files


class Rule:
    code: ClassVar[str]  # "FK301"
    kind: ClassVar[str]  # "duplicate-model"
    summary: ClassVar[str]  # one line, imperative-free: "Table defined by two models"
    what: ClassVar[str]  # what it finds
    why: ClassVar[str]  # why it matters
    example: ClassVar[str]  # a short code example for the docs
    fix_safety: ClassVar[str]  # when the fix is safe / review / manual, and why
    VALID: ClassVar[tuple[Example, ...]] = ()
    INVALID: ClassVar[tuple[Example, ...]] = ()

    def find(self, analysis: "Analysis") -> Iterable["Diagnosis"]:
        """Diagnoses without `blocks` and without `fix` (the planner adds both)."""
        raise NotImplementedError

    def fix(self, diagnosis: "Diagnosis", analysis: "Analysis") -> "Fix | None":
        return None

    @classmethod
    def doc(cls) -> str:
        return (
            f"{cls.code} {cls.kind}: {cls.summary}\n\n"
            f"## What it does\n{cls.what.strip()}\n\n"
            f"## Why is this bad?\n{cls.why.strip()}\n\n"
            f"## Example\n{cls.example.strip()}\n\n"
            f"## Fix safety\n{cls.fix_safety.strip()}\n"
        )
