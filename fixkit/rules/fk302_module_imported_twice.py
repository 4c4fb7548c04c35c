"""FK302 duplicate-model: one models module imported under two names."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis, Location
from fixkit.rules._common import call_fixer
from fixkit.rules.base import Example, Rule

_DB = "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"
_MODELS = "from app.db import Base\nfrom sqlalchemy import Column, Integer\n\nclass User(Base):\n    __tablename__ = 'users'\n    id = Column(Integer, primary_key=True)\n"


class ModuleImportedTwice(Rule):
    code = "FK302"
    kind = "duplicate-model"
    summary = "Models module imported under two module names"
    what = """
Finds a file that defines models and is imported under two names: its own
(`app.models.core`) and a shorter one that a `sys.path.insert(0, <dir>)` makes possible
(`models.core`).  Python executes the file once per name, so every table in it is defined
twice on the same metadata.
"""
    why = """
The second execution raises `Table 'x' is already defined for this MetaData instance`.  It
looks like FK301 but no model is duplicated in the source: the fix is to import the module
under one name, not to delete or merge classes, and `extend_existing=True` would only hide
that the module runs twice.
"""
    example = """
```python
# app/main.py
sys.path.insert(0, os.path.dirname(__file__))
from models.core import User          # runs app/models/core.py as `models.core`
# app/routers/users.py
from app.models.core import User      # ... and again as `app.models.core`
```
"""
    fix_safety = """
Repointing `from models.core import X` to the canonical `from app.models.core import X`
is `review`: the sys.path entry may exist for other reasons and is left for a person.
"""
    VALID = (
        Example({"app/__init__.py": "", "app/db.py": _DB, "app/models/__init__.py": "", "app/models/core.py": _MODELS,
                 "app/main.py": "from app.models.core import User\n"}),
    )
    INVALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/db.py": _DB,
                "app/models/__init__.py": "",
                "app/models/core.py": _MODELS,
                "app/main.py": "import os\nimport sys\nsys.path.insert(0, os.path.dirname(__file__))\nfrom models.core import User\nfrom app.models.core import User as U2\n",
            },
            expect=(("app/main.py", 4),),
            fixed={
                "app/main.py": "import os\nimport sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
                "from app.models.core import User\nfrom app.models.core import User as U2\n"
            },
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        graph = analysis.graph
        alias_sites: dict[str, list] = {}
        canonical_importers: dict[str, set[str]] = {}
        for src, edges in graph.executed.items():
            for edge in edges:
                if edge.kind == "parent":
                    continue
                if edge.alias:
                    alias_sites.setdefault(edge.dst, []).append((src, edge))
                else:
                    canonical_importers.setdefault(edge.dst, set()).add(src)
        out = []
        for module, sites in sorted(alias_sites.items()):
            facts = analysis.facts_of(module)
            if facts is None or not facts.models:
                continue
            sites.sort(key=lambda t: (analysis.facts_of(t[0]).path, t[1].line))
            alias_bits = 0
            for src, _ in sites:
                alias_bits |= graph.entry_bits(src)
            canon_bits = 0
            for src in canonical_importers.get(module, ()):
                canon_bits |= graph.entry_bits(src)
            if not canonical_importers.get(module):
                continue  # imported under one name only: runs once
            src, edge = sites[0]
            src_facts = analysis.facts_of(src)
            related = tuple(Location(analysis.facts_of(s).path, e.line) for s, e in sites[1:])
            related += tuple(Location(analysis.facts_of(s).path, 1, note="imports it as " + module) for s in sorted(canonical_importers[module]))
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=f"{facts.path} is imported as `{edge.alias}` and as `{module}`: its {len(facts.models)} model(s) are defined twice; import it as `{module}` only",
                    file=src_facts.path,
                    line=edge.line,
                    module=module,
                    symbol=edge.alias,
                    related=related,
                    blocks=graph.entries_of(alias_bits & canon_bits),
                    data=(("raises-in", src), ("canonical", module), ("alias", edge.alias or "")),
                )
            )
        return out

    def fix(self, diagnosis, analysis):
        return call_fixer("models", "fix_module_imported_twice", diagnosis, analysis)
