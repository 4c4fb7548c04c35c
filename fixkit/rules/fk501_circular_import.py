"""FK501 circular-import: a cycle that fails at import time."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis, Location
from fixkit.rules._common import call_fixer
from fixkit.rules.base import Example, Rule


class CircularImport(Rule):
    code = "FK501"
    kind = "circular-import"
    summary = "Import cycle fails at import time"
    what = """
Finds import cycles (strongly connected components of the module-level import graph) in
which a `from a import X` runs while `a` is still partially initialised and has not bound
`X` yet, by simulating, statement by statement, the import of each module through which
the cycle is entered.  Cycles that import fine (the name is bound before the cycle closes,
`import a` without attribute access, imports inside functions) are not reported.
"""
    why = """
`ImportError: cannot import name 'X' from partially initialized module 'a' (most likely
due to a circular import)` fails every module on the cycle and every entry point importing
one of them.
"""
    example = """
```python
# app/services/credit_service.py
from app.services.billing_service import BillingService
# app/services/billing_service.py
from app.services.credit_service import CreditLedger   # credit_service is half-initialised
```
"""
    fix_safety = """
The fix defers the import that closes the cycle to where its names are read: into the
functions that use them, or under `if TYPE_CHECKING:` when only annotations Python never
evaluates mention them (`codemods/defer_import.py`); the other imports along the cycle
are tried when that one cannot move.  It is `review`: the import then runs at the first
call, not at import time.  When every name is read at import time (module level, class
bodies, decorators, defaults, annotations a framework reads) it is `manual`, with why.
"""
    VALID = (
        Example({"app/a.py": "import app.b\nX = 1\n", "app/b.py": "import app.a\n\ndef f():\n    return app.a.X\n"}),
        Example({"app/a.py": "X = 1\nfrom app.b import Y\n", "app/b.py": "Y = 2\nfrom app.a import X\n"}, note="bound before the cycle closes"),
        Example({"app/a.py": "from app.b import Y\nX = 1\n", "app/b.py": "Y = 2\n\ndef f():\n    from app.a import X\n"}),
        Example(
            {"app/pkg/__init__.py": "from .impl import *\nfrom .user import thing\n", "app/pkg/impl.py": "helper = 1\n",
             "app/pkg/user.py": "from app.pkg import helper\nthing = helper\n",
             "app/routers/r.py": "from fastapi import APIRouter\nimport app.pkg\nrouter = APIRouter()\n"},
            note="bound by a star import before the cycle closes",
        ),
    )
    INVALID = (
        Example(
            {
                "app/credit.py": "from app.billing import Billing\n\nclass Ledger:\n    pass\n",
                "app/billing.py": "from app.credit import Ledger\n\nclass Billing:\n    pass\n",
                "app/routers/credit.py": "from fastapi import APIRouter\nfrom app.credit import Ledger\nrouter = APIRouter()\n",
            },
            expect=(("app/billing.py", 1),),
        ),
        Example(
            {
                "app/credit.py": "from app.billing import Billing\n\nclass Ledger:\n    def bill(self):\n        return Billing()\n",
                "app/billing.py": "from app.credit import Ledger\n\nclass Billing:\n    def ledger(self):\n        return Ledger()\n",
                "app/routers/credit.py": "from fastapi import APIRouter\nfrom app.credit import Ledger\nrouter = APIRouter()\n",
            },
            expect=(("app/billing.py", 1),),
            fixed={"app/billing.py": "class Billing:\n    def ledger(self):\n        from app.credit import Ledger\n        return Ledger()\n"},
            note="the import that closes the cycle moves into the method that uses it",
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        graph = analysis.graph
        component_of: dict[str, int] = {}
        for i, component in enumerate(graph.sccs()):
            for m in component:
                component_of[m] = i
        by_component: dict[int, list] = {}
        for failure, starts in graph.import_cycle_failures().items():
            by_component.setdefault(component_of[failure.target], []).append((failure, starts))
        out = []
        for _, failures in sorted(by_component.items()):
            failures.sort(key=lambda t: (t[0].importer, t[0].line, t[0].name))
            failure, _ = failures[0]
            starts = set().union(*(s for _, s in failures))
            facts = analysis.facts_of(failure.importer)
            cycle = " -> ".join((*failure.cycle, failure.target))
            related = []
            for other, _ in failures[1:]:
                of = analysis.facts_of(other.importer)
                if of is not None and (other.importer, other.line) != (failure.importer, failure.line):
                    related.append(Location(of.path, other.line, note=f"imports {other.name} from {other.target}"))
            target_facts = analysis.facts_of(failure.target)
            defined = next((d.line for d in target_facts.definitions if d.name == failure.name), None) if target_facts else None
            if defined is not None and target_facts is not None:
                related.append(Location(target_facts.path, defined, note=f"{failure.name} is bound here, too late"))
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=(
                        f"circular import: `{failure.importer}` imports `{failure.name}` from `{failure.target}` "
                        f"while `{failure.target}` is only partially initialised (cycle: {cycle})"
                    ),
                    file=facts.path if facts else "",
                    line=failure.line,
                    module=failure.target,
                    symbol=failure.name,
                    related=tuple(related),
                    # The simulation imported each entry point: those it failed for are blocked.
                    blocks=tuple(ep for ep in graph.entry_points if ep in starts),
                    data=(("raises-in", ""), ("cycle", cycle)),
                )
            )
        return out

    def fix(self, diagnosis, analysis):
        return call_fixer("cycles", "fix_circular_import", diagnosis, analysis)
