"""FK407 syntax-error: a markdown code fence left in a Python file."""

from __future__ import annotations

from fixkit.rules.fk4xx_base import SyntaxRepairRule
from fixkit.rules.base import Example


class MarkdownFence(SyntaxRepairRule):
    code = "FK407"
    summary = "Markdown code fence in a Python file"
    what = """
Finds lines that are only a markdown code fence (```` ``` ````, ```` ```python ````,
`~~~`) where Python reports "invalid syntax": code pasted from a chat answer or a
generated document with its fences.
"""
    why = "A syntax error: the module, and everything importing it, fails to import."
    example = """
````
```python        # FK407: the line is deleted
import os
```               # FK407
````
"""
    fix_safety = """
`safe`: a line holding nothing but a fence is never Python, and only lines where the
parser fails are touched (a fence inside a docstring is valid and left alone).
"""
    VALID = (Example('DOC = """\n```python\nx = 1\n```\n"""\n', note="a fence inside a string is fine"),)
    INVALID = (
        Example("```python\nx = 1\n```\n", expect=(("app/mod.py", 1),), fixed={"app/mod.py": "x = 1\n"}),
    )
