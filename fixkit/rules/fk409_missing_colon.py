"""FK409 syntax-error: a compound statement header without its colon."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class MissingColon(SyntaxRepairRule):
    code = "FK409"
    summary = "Missing colon after a block header"
    what = """
Finds `def`, `class`, `if`, `for`, `while`, `with`, `try`... headers whose line ends
without the colon ("expected ':'"), and `else if` written for `elif`.
"""
    why = "A syntax error: the module, and everything importing it, fails to import."
    example = """
```python
def total(items)          # FK409
def total(items):         # fixed
else if x:                # FK409
elif x:                   # fixed
```
"""
    fix_safety = """
`safe` when the line starts with a block keyword and nothing but a comment follows the
place the parser expected the colon: the colon is the only thing that can be missing
there.  `review` when the header spans lines (the colon goes at the end of the last).
Other "expected ':'" errors are left to FK499.
"""
    VALID = (Example("def total(items):\n    return sum(items)\n"),)
    INVALID = (
        Example(
            "def total(items)\n    return sum(items)\n",
            expect=(("app/mod.py", 1),),
            fixed={"app/mod.py": "def total(items):\n    return sum(items)\n"},
        ),
        Example(
            "x = 1\nif x > 1:\n    y = 2\nelse if x:\n    y = 3\n",
            expect=(("app/mod.py", 4),),
            fixed={"app/mod.py": "x = 1\nif x > 1:\n    y = 2\nelif x:\n    y = 3\n"},
        ),
    )
