"""FK402 syntax-error: a positional argument after a keyword argument in a call."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class PositionalAfterKeyword(SyntaxRepairRule):
    code = "FK402"
    summary = "Positional argument follows keyword argument"
    what = """
Finds calls that pass a positional argument after a keyword argument (`f(a=1, x)`) or
after `**kwargs` ("positional argument follows keyword argument [unpacking]").
"""
    why = "A syntax error: the module, and everything importing it, fails to import."
    example = """
```python
send(to=user, message)   # FK402
send(message, to=user)   # fixed
```
"""
    fix_safety = """
`review`: the positional arguments move in front of the keyword arguments, keeping their
order.  That is what the call can only have meant syntactically, but which parameter the
author had in mind is a guess, and the moved arguments are now evaluated first.
"""
    VALID = (Example("def send(message, to=None):\n    return message\n\n\nsend('hi', to='me')\n"),)
    INVALID = (
        Example(
            "def send(message, to=None):\n    return message\n\n\nsend(to='me', 'hi')\n",
            expect=(("app/mod.py", 5),),
            fixed={"app/mod.py": "def send(message, to=None):\n    return message\n\n\nsend('hi', to='me')\n"},
        ),
        Example(
            "def send(message, **extra):\n    return message\n\n\nsend(**{'to': 1}, 'hi')\n",
            expect=(("app/mod.py", 5),),
            fixed={"app/mod.py": "def send(message, **extra):\n    return message\n\n\nsend('hi', **{'to': 1})\n"},
        ),
    )
