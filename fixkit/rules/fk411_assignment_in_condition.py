"""FK411 syntax-error: `=` where a condition needs `==`."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class AssignmentInCondition(SyntaxRepairRule):
    code = "FK411"
    summary = "Assignment where a comparison is expected"
    what = """
Finds `if x = 1:` and similar ("invalid syntax. Maybe you meant '==' or ':=' instead of
'='?").
"""
    why = "A syntax error: the module, and everything importing it, fails to import."
    example = """
```python
if status = 200:     # FK411
if status == 200:    # fixed
```
"""
    fix_safety = """
`review`: `==` is the usual intent, but `:=` (keep the value) is possible; exactly one
`=` must sit at the top level of the reported expression, otherwise FK499 reports it.
"""
    VALID = (Example("x = 1\nif x == 1:\n    pass\n"),)
    INVALID = (
        Example(
            "x = 1\nif x = 1:\n    pass\n",
            expect=(("app/mod.py", 2),),
            fixed={"app/mod.py": "x = 1\nif x == 1:\n    pass\n"},
        ),
    )
