"""FK410 syntax-error: `except A, b:` (Python 2) or unparenthesised exception types."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class ExceptComma(SyntaxRepairRule):
    code = "FK410"
    summary = "Exception types not parenthesised (Python 2 `except A, e:`)"
    what = 'Finds `except A, b:` clauses ("multiple exception types must be parenthesized").'
    why = "A syntax error on Python 3: the module, and everything importing it, fails to import."
    example = """
```python
except ValueError, exc:       # FK410
except ValueError as exc:     # fixed (Python 2 meaning)
except KeyError, IndexError:  # FK410
except (KeyError, IndexError):  # fixed
```
"""
    fix_safety = """
`review`: when the second name looks like a variable (not `...Error`/`...Exception`) the
clause is read as Python 2's `except A as b`; otherwise the types are parenthesised.
Both readings exist in real code, so a person confirms.
"""
    VALID = (Example("try:\n    pass\nexcept ValueError as exc:\n    raise\n"),)
    INVALID = (
        Example(
            "try:\n    pass\nexcept ValueError, exc:\n    raise\n",
            expect=(("app/mod.py", 3),),
            fixed={"app/mod.py": "try:\n    pass\nexcept ValueError as exc:\n    raise\n"},
        ),
        Example(
            "try:\n    pass\nexcept KeyError, IndexError:\n    raise\n",
            expect=(("app/mod.py", 3),),
            fixed={"app/mod.py": "try:\n    pass\nexcept (KeyError, IndexError):\n    raise\n"},
        ),
    )
