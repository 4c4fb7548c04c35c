"""FK405 syntax-error: an f-string reusing its own quote before Python 3.12."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example

_TARGET_311 = '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.10"\n'


class FStringQuoteReuse(SyntaxRepairRule):
    code = "FK405"
    summary = "f-string reuses its quote inside a replacement field (needs Python 3.12)"
    what = """
Finds f-strings such as `f"{row["id"]}"` in projects that support Pythons older than
3.12: PEP 701 made them valid in 3.12, before that the inner quote ends the f-string
("f-string: unmatched '['", "f-string: expecting '}'").  Code generated or written
on 3.12 and deployed on 3.11 breaks this way.
"""
    why = "On the project's oldest Python the module, and everything importing it, fails to import."
    example = """
```python
f"{row["id"]}"    # FK405 on Python < 3.12
f"{row['id']}"    # fixed
```
"""
    fix_safety = """
`safe`: the nested string literals switch to the other quote character; they are the
same strings, so nothing changes at run time.  Not repaired (left to FK499) when a
nested literal contains the other quote character too, since the replacement field of an
f-string could not hold a backslash escape before 3.12.
"""
    VALID = (Example({"pyproject.toml": _TARGET_311, "app/mod.py": "row = {'id': 1}\nprint(f\"{row['id']}\")\n"}),)
    INVALID = (
        Example(
            {"pyproject.toml": _TARGET_311, "app/mod.py": 'row = {"id": 1}\nprint(f"{row["id"]}")\n'},
            expect=(("app/mod.py", 2),),
            fixed={"app/mod.py": "row = {\"id\": 1}\nprint(f\"{row['id']}\")\n"},
        ),
    )
