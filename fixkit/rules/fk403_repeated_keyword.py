"""FK403 syntax-error: one keyword argument passed twice in a call."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class RepeatedKeyword(SyntaxRepairRule):
    code = "FK403"
    summary = "Keyword argument repeated in a call"
    what = 'Finds calls that pass the same keyword twice (`f(a=1, a=1)`: "keyword argument repeated").'
    why = "A syntax error (raised by the compiler): the module, and everything importing it, fails to import."
    example = """
```python
Column(String, nullable=False, nullable=False)   # FK403
Column(String, nullable=False)                   # fixed
```
"""
    fix_safety = """
`safe` when every occurrence passes the same expression (ignoring whitespace): the later
copies are deleted, nothing can mean anything else.  `manual` when the values differ:
which one is meant is a person's decision; the fix lists them.
"""
    VALID = (Example("print(dict(a=1, b=2))\n"),)
    INVALID = (
        Example(
            "print(dict(a=1, b=2, a=1))\n",
            expect=(("app/mod.py", 1),),
            fixed={"app/mod.py": "print(dict(a=1, b=2))\n"},
        ),
        Example("print(dict(a=1, a=2))\n", expect=(("app/mod.py", 1),), note="different values: manual"),
    )
