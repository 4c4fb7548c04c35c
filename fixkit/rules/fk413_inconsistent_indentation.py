"""FK413 syntax-error: indentation mixing tabs and spaces inconsistently (TabError)."""

from __future__ import annotations

from fixkit.rules.base import Example
from fixkit.rules.fk4xx_base import SyntaxRepairRule


class InconsistentIndentation(SyntaxRepairRule):
    code = "FK413"
    summary = "Indentation mixes tabs and spaces inconsistently"
    what = """
Finds files Python rejects with "TabError: inconsistent use of tabs and spaces in
indentation": a block indented partly with tabs and partly with spaces, typically code
pasted from another editor.
"""
    why = "A syntax error: the module, and everything importing it, fails to import."
    example = """
```python
if ready:
        start()      # 8 spaces
\tstop()          # a tab: 8 columns, or 4?
```
"""
    fix_safety = """
Indentation becomes spaces only (lines inside multi-line strings are left alone: their
whitespace is data).  The file is tried with tabs 8 and 4 columns wide.  `safe` when both
widths give the same code (same syntax tree): the tab width never mattered.  `review`
when only one width gives valid code (the notes say which).  When both are valid but
mean different blocks, which one the author saw is a person's decision: left to FK499.
"""
    VALID = (Example("if True:\n\tx = 1\n\ty = 2\n", note="tabs only are consistent"),)
    INVALID = (
        Example(
            "if True:\n        x = 1\n\ty = 2\n",
            expect=(("app/mod.py", 3),),
            fixed={"app/mod.py": "if True:\n        x = 1\n        y = 2\n"},
        ),
    )
