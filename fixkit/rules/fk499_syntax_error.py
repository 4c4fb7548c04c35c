"""FK499 syntax-error: a file Python cannot compile (or read), when no FK4xx rule claims it."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis
from fixkit.rules.base import Example, Rule


class SyntaxErrorRule(Rule):
    code = "FK499"
    kind = "syntax-error"
    summary = "File does not compile"
    what = """
Reports every importable file that does not parse for the project's target Python, with
the exact line, column and message, and every file Python could not even read (not valid
in its declared encoding, a NUL byte, a dangling link, a FIFO).  The specific FK4xx rules
come first in the registry; this one reports only the errors none of them claimed.  Code
valid only on a newer Python than the running one is parsed by the target interpreter, or
noted as not checked; it is never reported as an error.
"""
    why = """
A module that does not compile raises `SyntaxError` when imported, and so does every module
that imports it: one error takes every entry point importing it down.
"""
    example = """
```python
# app/services/db.py, line 6: no catalogued repair knows which bracket was meant
    "opts": (1, 2}     # closing parenthesis '}' does not match opening parenthesis '('
```
A missing comma, a parameter order, a Python 2 `print` and the other mechanical errors
have rules of their own (FK401-FK413), which repair them.
"""
    fix_safety = """
`manual`: no catalogued repair knows the error (or the file cannot be read), so the
fix changes nothing and says what a person must decide: the line with a caret under the
column, Python's message, and a hint where the message tells enough (unmatched brackets,
an unterminated string, a NUL byte, an undecodable file).  The entry points the file
blocks are listed with the diagnosis.
"""
    VALID = (Example("x = 1\n"), Example({"app/mod.py": "x = 1\n", "scripts/tool-x.py": "x = 1\n"}))
    INVALID = (
        Example({"app/mod.py": "import os\n\nx = (1,\n"}, expect=(("app/mod.py", 3),), note="no FK4xx rule claims an unclosed bracket"),
        Example(
            {"app/mod.py": "x = 1\n", "app/latin.py": "s = '\udce9'\n"},
            expect=(("app/latin.py", 1),),
            note="not valid UTF-8: lone surrogates are written as the raw byte (surrogateescape)",
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        claimed = _claimed_by_earlier_rules(analysis)
        out = []
        for _path, facts in analysis.files_with("syntax_error", "read_error"):
            sf = analysis.project.files.get(facts.path)
            if sf is not None and sf.shadowed_by:
                continue  # dead code: never imported (FK203)
            if facts.path in claimed:
                continue
            if facts.syntax_error is not None:
                err = facts.syntax_error
                out.append(
                    Diagnosis(
                        code=self.code,
                        kind=self.kind,
                        message=f"syntax error: {err.message}",
                        file=facts.path,
                        line=err.line,
                        column=err.column,
                        module=facts.module or None,
                        data=(("raises-in", facts.module), ("text", err.text)),
                    )
                )
            elif facts.read_error is not None:
                out.append(
                    Diagnosis(
                        code=self.code,
                        kind=self.kind,
                        message=f"{facts.read_error}: Python cannot import it either",
                        file=facts.path,
                        line=1,
                        module=facts.module or None,
                        data=(("raises-in", facts.module),),
                    )
                )
        return out


    def fix(self, diagnosis, analysis):
        from fixkit.fixes.syntax import fix_unrepairable

        return fix_unrepairable(diagnosis, analysis)


def _claimed_by_earlier_rules(analysis) -> set[str]:
    """Files whose syntax error an FK4xx rule before this one in RULES already reports:
    each reports exactly the files `claimed_code` gives its code."""
    from fixkit.repair.claims import claimed_code
    from fixkit.rules import RULES

    earlier: set[str] = set()
    for rule in RULES:
        if rule is SyntaxErrorRule:
            break
        if rule.code.startswith("FK4"):
            earlier.add(rule.code)
    return {path for path, _f in analysis.files_with("syntax_error") if claimed_code(analysis, path) in earlier}
