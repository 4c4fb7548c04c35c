"""FK408 syntax-error: a Python 2 print statement."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class PrintStatement(SyntaxRepairRule):
    code = "FK408"
    summary = "Python 2 print statement"
    what = "Finds `print x` statements (\"Missing parentheses in call to 'print'\")."
    why = "A syntax error on Python 3: the module, and everything importing it, fails to import."
    example = """
```python
print "loaded", name     # FK408
print("loaded", name)    # fixed
```
"""
    fix_safety = """
`safe` for `print a, b`: the call prints the same.  `review` with a trailing comma
(Python 2 suppressed the newline; `end=" "` is the closest).  `print >>stream, x` is
`manual`: the notes say how to write it.
"""
    VALID = (Example("print('ok')\n"),)
    INVALID = (
        Example('print "loaded", 3\n', expect=(("app/mod.py", 1),), fixed={"app/mod.py": 'print("loaded", 3)\n'}),
    )
