"""FK901 runtime-error: an entry point that imports statically but fails when run (from verify)."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis
from fixkit.rules.base import Rule


class RuntimeErrorRule(Rule):
    code = "FK901"
    kind = "runtime-error"
    summary = "Entry point fails when imported, for a reason static analysis cannot see"
    what = """
Emitted by `fixkit verify`, which imports each entry point in a fresh subprocess of the
target interpreter with a timeout: an exception that no static diagnosis explains (code
that runs at import time and raises: a missing environment variable, a failing
initialisation, a bad argument to a constructor).  `fixkit plan` never reports it because
it never runs the project's code.
"""
    why = """
The entry point is still missing at runtime even when every static root cause is fixed.
"""
    example = """
```python
# app/routers/enterprise_sso.py
provider = SSOProvider(settings.SSO_METADATA_URL)  # raises at import: the URL is not set
```
"""
    fix_safety = """
No automatic fix (`manual`): the traceback's last frame in the project is the place to look.
"""

    def find(self, analysis) -> Iterable[Diagnosis]:
        return ()  # only `fixkit verify` finds these: it runs the code, plan never does
