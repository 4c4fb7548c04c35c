"""FK202 missing-name: `from module import name` where the module does not define the name."""

from __future__ import annotations

import difflib
from typing import Iterable

from fixkit.model import Diagnosis
from fixkit.rules._common import call_fixer, order_sites, defines, executed_imports, raises_in, related
from fixkit.rules.base import Example, Rule


def missing_names(analysis) -> list:
    """(facts, import, name, shadow_defines) for every imported first-party name that the
    module certainly does not define; shadow_defines: the dead `x.py` copy defines it.
    Once per analysis: FK202 and FK203 both walk it."""
    return analysis.memo("fk202:missing-names", lambda: list(_missing_names(analysis)))


def _missing_names(analysis):
    project = analysis.project
    for facts, imp in executed_imports(analysis):
        if not imp.is_from or not imp.names or not project.is_first_party(imp.module):
            continue
        if not project.module_exists(imp.module):
            continue  # FK201
        if imp.module in project.extensions:
            continue  # a compiled module: its names cannot be read
        namespace_only = imp.module in project.namespaces and imp.module not in project.modules
        for name, _ in imp.names:
            if project.module_exists(f"{imp.module}.{name}"):
                continue  # a submodule
            answer = False if namespace_only else defines(analysis, imp.module, name)
            if answer is not False:
                continue
            shadow = project.shadowed_file(imp.module)
            shadow_facts = analysis.facts.get(shadow.path) if shadow else None
            yield facts, imp, name, bool(shadow_facts and name in shadow_facts.defined_names)


class MissingName(Rule):
    code = "FK202"
    kind = "missing-name"
    summary = "Imported name is not defined by the first-party module"
    what = """
Finds `from app.x import Name` executed at import time where `app.x` exists but defines no
`Name`: no class, function, assignment or import binds it at module level, no star import
can provide it and it is not a submodule.  A module-level `__getattr__`, or a star import
of a third-party module, makes every name possible, and nothing is reported.
"""
    why = """
The import raises `ImportError: cannot import name 'Name'`, failing the importing module
and every entry point that imports it.  Typically the name was renamed or moved to another
module.
"""
    example = """
```python
# app/routers/gemini.py
from app.services.ai_client import SafetySettings  # ai_client defines SafetyConfig
```
"""
    fix_safety = """
When exactly one other first-party module defines the name, the fix repoints the import
(`review`).  When no module defines it and exactly one name of the imported module is a
near-miss spelling (difflib ratio >= 0.9, or an edit distance of 1-2 on names of 6+
characters), the import and its uses are renamed (`review`).  Other near misses are only
suggestions in the notes (`manual`).
"""
    VALID = (
        Example({"app/mod.py": "from app.lib import a, b, c, sub\n", "app/lib/__init__.py": "a = 1\ndef b(): pass\nfrom os import path as c\n", "app/lib/sub.py": ""}),
        Example({"app/mod.py": "from app.lib import anything\n", "app/lib.py": "def __getattr__(name):\n    return name\n"}),
        Example({"app/mod.py": "from app.lib import x\n", "app/lib.py": "from app.impl import *\n", "app/impl.py": "x = 1\n"}),
        Example({"app/mod.py": "from app.lib import x\n", "app/lib.py": "from os.path import *\n"}, note="third-party star: unknowable"),
        Example({"app/mod.py": "from app.lib import Thing\n", "app/lib.py": "try:\n    from fast import Thing\nexcept ImportError:\n    class Thing: pass\n"}),
        Example(
            {"app/mod.py": "from app.types import NULL\nfrom app import __file__ as where\n", "app/__init__.py": "",
             "app/types.py": "X = 1\n", "app/impl.py": "from app import types\nNULL = object()\ntypes.NULL = NULL\n"},
            note="a name another module assigns into it; implicit module attributes",
        ),
        Example(
            {"app/mod.py": "from app.lexers import PythonLexer\n",
             "app/lexers.py": "import sys\nclass _Lazy:\n    pass\nsys.modules[__name__] = _Lazy()\n"},
            note="a module that replaces itself in sys.modules: its names are unknowable",
        ),
        Example(
            {"app/mod.py": "from app.hashes import sha256, CO_X\nfrom app.funcs import forward\n",
             "app/hashes.py": "for _name in ('sha256', 'md5'):\n    globals()[_name] = len\nd = globals()\nd['CO_X'] = 1\n",
             "app/funcs.py": "def _make():\n    exec('def forward(): pass', globals())\n_make()\n"},
            note="names made by code at import time (hashlib, inspect, turtle)",
        ),
    )
    INVALID = (
        Example({"app/mod.py": "from app.lib import SafetySettings\n", "app/lib.py": "class SafetyConfig: pass\n"}, expect=(("app/mod.py", 1),)),
        Example(
            {"app/mod.py": "from app.lib import Thing\n", "app/lib.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.impl import Thing\n", "app/impl.py": "Thing = 1\n"},
            expect=(("app/mod.py", 1),),
            note="a name bound only for type checkers",
        ),
        Example(
            {"app/mod.py": "from app.lib import x\n", "app/lib.py": "from app.impl import *\n", "app/impl.py": "__all__ = ['y']\nx = 1\ny = 2\n"},
            expect=(("app/mod.py", 1),),
            note="__all__ limits what a star import brings",
        ),
        Example(
            {"app/mod.py": "from app.lib import x\n", "app/lib.py": "from app.impl import *\n", "app/impl.py": "__all__ = ['y']\n__all__.extend(['z'])\ny = 2\nz = 3\n"},
            expect=(("app/mod.py", 1),),
            note="an __all__ extended by code is unknown: x (defined nowhere) is still missing",
        ),
        Example(
            {"app/mod.py": "from app.engine import WorkflowEngin\n\n\ndef run():\n    return WorkflowEngin()\n",
             "app/engine.py": "class WorkflowEngine:\n    pass\n"},
            expect=(("app/mod.py", 1),),
            fixed={"app/mod.py": "from app.engine import WorkflowEngine\n\n\ndef run():\n    return WorkflowEngine()\n"},
            note="a typo of the one close name the module defines: renamed with its uses",
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        groups: dict[tuple[str, str], list] = {}
        for facts, imp, name, shadow in missing_names(analysis):
            if not shadow:
                groups.setdefault((imp.module, name), []).append((facts, imp))
        out = []
        for (module, name), group in sorted(groups.items()):
            group = order_sites(analysis, group)
            facts, imp = group[0]
            importers = sorted({f.module for f, _ in group})
            definers = [m for m in analysis.definers(name) if m != module]
            hint = f"; defined in {', '.join(definers)}" if definers else ""
            target = analysis.facts_of(module)
            close = difflib.get_close_matches(name, sorted(target.defined_names), n=1, cutoff=0.8) if target else []
            if close and not definers:
                hint = f"; did you mean `{close[0]}`?"
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=f"`{module}` does not define `{name}`{hint}",
                    file=facts.path,
                    line=imp.line,
                    column=imp.column,
                    module=module,
                    symbol=name,
                    related=related(group),
                    data=(
                        raises_in(*importers),
                        ("names", name),
                        ("importers", " ".join(importers)),
                        ("definers", " ".join(definers)),
                        ("did-you-mean", close[0] if close else ""),
                    ),
                )
            )
        return out

    def fix(self, diagnosis, analysis):
        return call_fixer("imports", "fix_missing_name", diagnosis, analysis)
