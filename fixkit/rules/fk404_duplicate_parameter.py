"""FK404 syntax-error: two parameters of one function share a name."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class DuplicateParameter(SyntaxRepairRule):
    code = "FK404"
    summary = "Duplicate parameter in function definition"
    what = "Finds function definitions with two parameters of one name (\"duplicate argument 'x' in function definition\")."
    why = "A syntax error (raised by the compiler): the module, and everything importing it, fails to import."
    example = """
```python
def move(self, x, y, x): ...   # FK404
def move(self, x, y): ...      # fixed
```
"""
    fix_safety = """
`review` when the two parameters are written identically: the later one is deleted, so
the body keeps meaning what it says, but the function takes one argument fewer and a
caller that passed all of them by position must change.  `manual` when they differ
(annotation or default): a person decides which to keep or what to rename.
"""
    VALID = (Example("def move(x, y):\n    return x + y\n"),)
    INVALID = (
        Example(
            "def move(x, y, x):\n    return x + y\n",
            expect=(("app/mod.py", 1),),
            fixed={"app/mod.py": "def move(x, y):\n    return x + y\n"},
        ),
        Example("def move(x: int, y, x: str):\n    return y\n", expect=(("app/mod.py", 1),), note="they differ: manual"),
    )
