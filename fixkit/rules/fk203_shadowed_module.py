"""FK203 shadowed-module: `pkg/x.py` beside a `pkg/x/` package is dead code."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis, Location
from fixkit.rules._common import call_fixer, order_sites, raises_in
from fixkit.rules.base import Example, Rule
from fixkit.rules.fk202_missing_name import missing_names


class ShadowedModule(Rule):
    code = "FK203"
    kind = "shadowed-module"
    summary = "Module file is hidden by a package of the same name"
    what = """
Finds `pkg/x.py` next to a package directory `pkg/x/` with an `__init__.py`.  The import
system always picks the package, so `x.py` is never imported: it is dead code that still
looks authoritative (the report's `app/models.py` beside `app/models/`).  Also reports each
`from pkg.x import Name` executed at import time that only the dead file could satisfy.
"""
    why = """
Edits to the dead file have no effect, duplicate definitions in it mislead readers and
tools, and imports written against it fail with `ImportError` because the package does
not define those names.
"""
    example = """
```
app/models.py          # dead: app/models/__init__.py wins
app/models/__init__.py
```
"""
    fix_safety = """
Deleting the dead file is `review`: nothing can import it, but a person should check
that nothing in it is still needed; names only it defines are moved or listed in notes.
"""
    VALID = (Example({"app/models/__init__.py": "x = 1\n", "app/other.py": "from app.models import x\n"}),)
    INVALID = (
        Example({"app/models.py": "x = 1\n", "app/models/__init__.py": "x = 1\n"}, expect=(("app/models.py", 1),)),
        Example(
            {"app/models.py": "Legacy = 1\n", "app/models/__init__.py": "", "app/use.py": "from app.models import Legacy\n"},
            expect=(("app/models.py", 1), ("app/use.py", 1)),
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        out = []
        project = analysis.project
        for sf in sorted(project.files.values(), key=lambda s: s.path):
            if not sf.shadowed_by:
                continue
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=f"{sf.path} is never imported: the package {sf.shadowed_by.rsplit('/', 1)[0]}/ shadows it",
                    file=sf.path,
                    line=1,
                    module=None,
                    symbol=None,
                    related=(Location(sf.shadowed_by, 1),),
                    data=(raises_in(), ("package", sf.shadowed_by)),
                )
            )
        groups: dict[tuple[str, str], list] = {}
        for facts, imp, name, shadow in missing_names(analysis):
            if shadow:
                groups.setdefault((imp.module, name), []).append((facts, imp))
        for (module, name), group in sorted(groups.items()):
            group = order_sites(analysis, group)
            facts, imp = group[0]
            dead = project.shadowed_file(module)
            importers = sorted({f.module for f, _ in group})
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=f"`{name}` is only defined in the dead file {dead.path if dead else module}; the package `{module}` does not define it",
                    file=facts.path,
                    line=imp.line,
                    column=imp.column,
                    module=module,
                    symbol=name,
                    related=tuple(Location(f.path, i.line, i.column) for f, i in group[1:]) + ((Location(dead.path, 1),) if dead else ()),
                    data=(raises_in(*importers), ("names", name), ("dead-file", dead.path if dead else "")),
                )
            )
        return out

    def fix(self, diagnosis, analysis):
        return call_fixer("shadowed", "fix_shadowed_module", diagnosis, analysis)
