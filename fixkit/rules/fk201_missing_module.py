"""FK201 missing-module: a first-party module that does not exist."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis
from fixkit.rules._common import call_fixer, order_sites, executed_imports, raises_in, related
from fixkit.rules.base import Example, Rule


class MissingModule(Rule):
    code = "FK201"
    kind = "missing-module"
    summary = "Imported first-party module does not exist"
    what = """
Finds module-level, unguarded imports of a module of the project's own packages (`app.*`)
that has no file and no package directory, and modules a literal router list names that do
not exist.  A module that exists but does not parse is not missing (that is a syntax-error
diagnosis); a directory without `__init__.py` is a namespace package and exists.  When a
parent package is missing too (`from app.middleware.auth import ...` with no
`app/middleware/`), the diagnosis is about the first missing package, the one Python names
in its `ModuleNotFoundError`, and its message says which modules under it were imported.
"""
    why = """
The import raises `ModuleNotFoundError`, so the importing module and every entry point that
imports it fail.  It usually means a module was renamed or moved (`app.services.auth_service`
became `app.services.authentication`) and some importers were not updated.
"""
    example = """
```python
# app/routers/compliance_reports.py
from app.services.auth_service import require_admin  # app/services/auth_service.py is gone
```
"""
    fix_safety = """
Every import of the missing module (or of a module under a missing package) is repointed
to the first-party module that really defines its names.  `safe` when exactly one module
defines each name: the import then binds the very object it was written for.  `review`
when several modules define one: the most plausible is chosen (path similarity, the other
names of the same import) and every candidate is listed with its reasons.  `manual` when
no module defines a name, or a file uses the module object itself or star-imports it: the
fix suggests similar module paths and names (did you mean).
"""
    VALID = (
        Example({"app/mod.py": "from app.services import helper\n", "app/services/__init__.py": "", "app/services/helper.py": ""}),
        Example({"app/mod.py": "import app.ns.tool\n", "app/ns/tool.py": ""}, note="namespace package"),
        Example({"app/mod.py": "try:\n    from app.optional import x\nexcept ImportError:\n    x = None\n"}),
        Example({"app/mod.py": "def f():\n    from app.gone import x\n"}),
        Example({"app/mod.py": "from app._native.sub import fast\n", "app/_native.cpython-311-x86_64-linux-gnu.so": ""}, note="a compiled module"),
        Example(
            {"app/mod.py": "from app.extern.packaging import version\n",
             "app/extern/__init__.py": "import sys\nclass VendorImporter:\n    pass\nsys.meta_path.append(VendorImporter())\n"},
            note="a vendoring import hook provides the submodules",
        ),
        Example({"app/mod.py": "from app.operations.build import wheel\n", "app/operations/build/__init__.py": "", "app/operations/build/wheel.py": ""},
                note="a package named build is not build output"),
    )
    INVALID = (
        Example(
            {"app/mod.py": "import os\nfrom app.services.auth_service import require_admin\n", "app/services/__init__.py": ""},
            expect=(("app/mod.py", 2),),
        ),
        Example(
            {"app/a.py": "import app.gone\n", "app/b.py": "from app.gone import x\n"},
            expect=(("app/a.py", 1),),
            note="one root cause per missing module",
        ),
        Example(
            {"app/__init__.py": "", "app/core/__init__.py": "",
             "app/core/security.py": "def get_current_user():\n    return 'user'\n",
             "app/routers/agents.py": "from app.middleware.auth import get_current_user\n\nDEP = get_current_user\n"},
            expect=(("app/routers/agents.py", 1),),
            fixed={"app/routers/agents.py": "from app.core.security import get_current_user\n\nDEP = get_current_user\n"},
            note="no app/middleware/ at all: the import is repointed to where get_current_user is defined",
        ),
        Example(
            {"app/main.py": "import importlib\nROUTERS = ['a', 'b']\nfor name in ROUTERS:\n    try:\n        importlib.import_module(f'app.routers.{name}')\n    except Exception:\n        pass\n",
             "app/routers/a.py": "router = 1\n"},
            expect=(("app/main.py", 5),),
            note="a router the router list names but nobody wrote",
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        project = analysis.project
        hooked = {f.module for f in analysis.facts.values() if f.module and f.import_hook}
        groups: dict[str, list] = {}
        for facts, imp in executed_imports(analysis):
            if not project.is_first_party(imp.module):
                continue
            missing = first_missing(project, imp.module, hooked)
            if missing is not None:
                groups.setdefault(missing, []).append((facts, imp))
        out = []
        for module, group in sorted(groups.items()):
            group = order_sites(analysis, group)
            facts, imp = group[0]
            importers = sorted({f.module for f, _ in group})
            names = sorted({n for _, i in group if i.module == module for n, _ in i.names})
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=f"{_what_is_missing(module, [i.module for _, i in group])}; imported by {', '.join(importers)}",
                    file=facts.path,
                    line=imp.line,
                    column=imp.column,
                    module=module,
                    symbol=module,
                    related=related(group),
                    data=(raises_in(*importers), ("names", " ".join(names)), ("importers", " ".join(importers))),
                )
            )
        out.extend(self._missing_entry_points(analysis))
        return out

    def _missing_entry_points(self, analysis) -> list[Diagnosis]:
        project = analysis.project
        out = []
        for facts in analysis.facts.values():
            for hint in facts.entry_hints:
                if hint.kind != "router-list":
                    continue
                # A loop importing third-party names (twisted's `service_identity.{alias}`
                # compatibility shim) lists no entry point of this project.
                missing = [m for m in hint.modules if project.is_first_party(m) and first_missing(project, m) is not None]
                for module in missing:
                    out.append(
                        Diagnosis(
                            code=self.code,
                            kind=self.kind,
                            message=f"the router list names `{module}`, which does not exist",
                            file=facts.path,
                            line=hint.line,
                            module=module,
                            symbol=module,
                            blocks=(module,),
                            data=(raises_in(), ("names", ""), ("importers", facts.module)),
                        )
                    )
        return out

    def fix(self, diagnosis, analysis):
        return call_fixer("imports", "fix_missing_module", diagnosis, analysis)


def _what_is_missing(module: str, imported: list[str]) -> str:
    """`module `a.b` does not exist`, or, when what the files import lies under the
    missing package, those modules and the package they lack."""
    wanted = sorted(set(imported))
    if wanted == [module]:
        return f"module `{module}` does not exist"
    listed = ", ".join(f"`{m}`" for m in wanted)
    verb = "does" if len(wanted) == 1 else "do"
    return f"module{'s' if len(wanted) > 1 else ''} {listed} {verb} not exist: there is no package `{module}`"


def first_missing(project, module: str, hooked: set[str] | None = None) -> str | None:
    """The shortest prefix of `module` that does not exist in the project, if any.
    `hooked`: modules whose import installs an import hook (their submodules may exist)."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        prefix = ".".join(parts[:i])
        if hooked is not None and i > 1 and ".".join(parts[: i - 1]) in hooked:
            return None  # its package installs an import hook (a vendoring importer, ...)
        if prefix in project.extensions:
            return None  # a compiled module may provide submodules itself: unknowable
        if not project.module_exists(prefix):
            return prefix
    return None
