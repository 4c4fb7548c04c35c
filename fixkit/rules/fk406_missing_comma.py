"""FK406 syntax-error: a missing comma between two elements ("Perhaps you forgot a comma?")."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example

_DICT = '''PROVIDERS = {
    "lightspeed": {
        "scopes": ["employee:all"]
        "auth_style": "body",
    },
}
'''


class MissingComma(SyntaxRepairRule):
    code = "FK406"
    summary = "Missing comma between two elements"
    what = """
Finds two expressions side by side inside brackets where Python expects a comma
("invalid syntax. Perhaps you forgot a comma?"): most often one entry of a multi-line
dict, list or call that lost its trailing comma when a line was added after it (the
report's `oauth_manager.py`, line 404, which kept six routers from loading).
"""
    why = "A syntax error: the module, and everything importing it, fails to import."
    example = """
```python
"scopes": ["employee:all"]      # FK406
"auth_style": "body",
"scopes": ["employee:all"],     # fixed
```
"""
    fix_safety = """
`safe` when the two expressions are on different lines and a comma fits in exactly one
place between them such that the file then gets past the error: a comma at a line break
between two complete entries only ends the first entry, so the container gets exactly
the entry written on the next line — nothing else can have been meant.  `review` when
the two are on one line or a comma fits in several places: `a b` may have been meant as
`a.b` or `a + b`.  Errors with this message that no single comma repairs go to FK499.
"""
    VALID = (Example('NAMES = [\n    "a"\n    "b",\n]\n', note="implicit string concatenation is valid"),)
    INVALID = (
        Example(
            _DICT,
            expect=(("app/mod.py", 3),),
            fixed={"app/mod.py": _DICT.replace('["employee:all"]\n', '["employee:all"],\n')},
        ),
        Example("VALUES = [1 2]\n", expect=(("app/mod.py", 1),), fixed={"app/mod.py": "VALUES = [1, 2]\n"}),
    )
