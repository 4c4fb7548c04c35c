"""FK412 syntax-error: typographic characters pasted into code (curly quotes, dashes,
non-breaking and zero-width spaces)."""

from __future__ import annotations

from fixkit.rules.base import Example
from fixkit.rules.fk4xx_base import SyntaxRepairRule


class InvalidCharacter(SyntaxRepairRule):
    code = "FK412"
    summary = "Typographic character in code (curly quote, dash, non-breaking space)"
    what = """
Finds characters that word processors, chat interfaces and web pages substitute for
ASCII and that Python rejects outside strings: curly quotes (`“hello”`, "invalid
character '“' (U+201C)"), en/em dashes and the minus sign used as `-`, non-breaking and
other Unicode spaces, and zero-width characters ("invalid non-printable character").
"""
    why = "A syntax error: the module, and everything importing it, fails to import."
    example = """
```python
print(“hello”)    # FK412
print("hello")    # fixed
x = 5 – 3         # FK412 (en dash)
x = 5 - 3         # fixed
```
"""
    fix_safety = """
`safe` for quotes (the pair on the line becomes straight quotes; the string's text is
unchanged, and a body that already holds that quote is left to FK499), spaces (become
spaces) and zero-width characters (deleted): none of them can mean anything else outside
a string.  `review` for dashes, which become `-`: almost surely the minus that was meant.
"""
    VALID = (Example('GREETING = "\u201chello\u201d \u2013 it\u2019s fine inside strings"\n'),)
    INVALID = (
        Example("print(\u201chello\u201d)\n", expect=(("app/mod.py", 1),), fixed={"app/mod.py": 'print("hello")\n'}),
        Example("x = 5 \u2013 3\n", expect=(("app/mod.py", 1),), fixed={"app/mod.py": "x = 5 - 3\n"}),
        Example(
            "if True:\n\u00a0\u00a0\u00a0\u00a0x = 1\n",
            expect=(("app/mod.py", 2),),
            fixed={"app/mod.py": "if True:\n    x = 1\n"},
        ),
    )
