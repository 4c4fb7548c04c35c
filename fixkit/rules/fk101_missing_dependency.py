"""FK101 missing-dependency: a third-party module the target environment does not have."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis
from fixkit.rules._common import call_fixer, executed_imports, order_sites, raises_in, related
from fixkit.rules.base import Example, Rule


class MissingDependency(Rule):
    code = "FK101"
    kind = "missing-dependency"
    summary = "Imported third-party module is not installed"
    what = """
Finds module-level, unguarded imports of modules that are neither in the standard library
nor first-party and that the target environment (`--python`, the project's `.venv`, else
the running interpreter) cannot find.  The check asks the target interpreter once, with
`importlib.util.find_spec` for top-level names and `PathFinder` level by level for dotted
names such as `opentelemetry.exporter.prometheus`: nothing is imported, no code runs.
Imports inside functions, under `if TYPE_CHECKING:`, in `sys.version_info`/platform
branches or in `try/except ImportError` are not failures and are not reported.
"""
    why = """
`ModuleNotFoundError` at import time takes the importing module down, and with it every
entry point (router, blueprint, script) that imports that module.  A router loop that
catches the error hides it as "router failed to load".
"""
    example = """
```python
# app/routers/csv_import.py
import dagger  # not installed: the router never loads
```
"""
    fix_safety = """
The fix declares the distribution that provides the module (resolved with evidence by
`fixkit.resolve`; never guessed from the import name alone) and, with
`fixkit apply --install`, installs it.  It is `safe` when the resolver's confidence is
high (the target environment, the curated table or the index's own wheel contents say
which distribution provides the module), `review` when it is medium or the new
requirement conflicts with what is installed, and `manual` when confidence is low or
nothing provides it: a low-confidence name is never declared or installed automatically.
"""
    VALID = (
        Example({"app/mod.py": "import json\nimport fancylib\nfrom fancylib.sub import thing\n", "site/fancylib/__init__.py": "", "site/fancylib/sub.py": "thing = 1\n"}),
        Example({"app/mod.py": "try:\n    import dagger\nexcept ImportError:\n    dagger = None\n"}),
        Example({"app/mod.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import dagger\n\ndef run():\n    import dagger\n"}),
        Example({"app/mod.py": "import sys\nif sys.version_info < (3, 11):\n    import tomli as tomllib\nelse:\n    import tomllib\n"}),
        Example({"app/mod.py": "from app.helpers import x\n", "app/helpers.py": "x = 1\n"}, note="first-party"),
        Example({"tests/test_a.py": "import helpers_for_tests\n", "tests/helpers_for_tests.py": ""}, note="a test's directory is on sys.path"),
        Example({"app/mod.py": "from contextlib import suppress\nwith suppress(ImportError):\n    import dagger\n"}),
    )
    INVALID = (
        Example({"app/mod.py": "import json\nimport dagger\n"}, expect=(("app/mod.py", 2),)),
        Example(
            {"app/a.py": "from dagger import Connection\n", "app/b.py": "import os\nimport dagger\nimport dagger.sub\n",
             "app/routers/r.py": "from fastapi import APIRouter\nimport app.b\nrouter = APIRouter()\n"},
            expect=(("app/b.py", 2),),
            note="one root cause per missing package, every import site in related",
        ),
        Example(
            {"app/mod.py": "from ns_only.exporter.prometheus import Reader\n", "site/ns_only/api.py": ""},
            expect=(("app/mod.py", 1),),
            note="the namespace package exists, the submodule does not",
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        from fixkit.analyse import probe_environment

        project = analysis.project
        graph = analysis.graph
        sites = []
        names: set[str] = set()
        for facts, imp in executed_imports(analysis):
            if project.is_first_party(imp.module) or (graph is not None and graph.resolve_alias(imp.module)[1]):
                continue
            if _script_sibling(project, facts.path, imp.module):
                continue
            sites.append((facts, imp))
            names.add(imp.module)
            if imp.is_from:
                names.update(f"{imp.module}.{n}" for n, _ in imp.names)
        if not sites:
            return []
        status = probe_environment(analysis, names)
        groups: dict[str, list] = {}
        missing_part: dict[str, str] = {}
        for facts, imp in sites:
            st = status.get(imp.module)
            if st is None or st.stdlib:
                continue
            missing = st.missing_at
            if missing is None and imp.is_from and st.exists and st.kinds and st.kinds[-1] == "namespace":
                # A namespace package has no names of its own: `from ns import x` needs ns.x.
                for n, _ in imp.names:
                    sub = status.get(f"{imp.module}.{n}")
                    if sub is not None and not sub.exists and sub.missing_at:
                        missing = sub.missing_at
                        break
            if missing is None:
                continue
            # One root cause per top-level package: opentelemetry.exporter.prometheus and
            # opentelemetry.sdk.metrics are both "install the opentelemetry pieces".
            groups.setdefault(imp.module.split(".", 1)[0], []).append((facts, imp))
            missing_part[imp.module] = missing
        out = []
        for top, group in sorted(groups.items()):
            group = order_sites(analysis, group)
            facts, imp = group[0]
            importers = sorted({f.module for f, _ in group})
            modules = sorted({i.module for _, i in group}, key=lambda m: (m != imp.module, m))
            what = ", ".join(f"`{m}`" for m in modules)
            missing = sorted({missing_part[m] for m in modules})
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=f"{what} {'is' if len(modules) == 1 else 'are'} not installed in the target environment "
                    f"(no module named {', '.join(repr(m) for m in missing)}); imported at module level by {', '.join(importers)}",
                    file=facts.path,
                    line=imp.line,
                    column=imp.column,
                    module=imp.module,
                    symbol=imp.module,
                    related=related(group),
                    data=(
                        raises_in(*importers),
                        ("import", imp.module),
                        ("modules", " ".join(modules)),
                        ("missing", " ".join(missing)),
                        ("python", project.python),
                        ("importers", " ".join(importers)),
                    ),
                )
            )
        return out

    def fix(self, diagnosis, analysis):
        return call_fixer("dependencies", "fix_missing_dependency", diagnosis, analysis)


def _script_sibling(project, path: str, module: str) -> bool:
    """A file outside any regular package (a script, a pytest test module) runs with its
    own directory on sys.path (`python dir/x.py`, pytest's default import mode), so its
    sibling modules import by their bare names."""
    directory = path.rpartition("/")[0]
    prefix = f"{directory}/" if directory else ""
    if f"{prefix}__init__.py" in project.files:
        return False
    top = module.split(".", 1)[0]
    return f"{prefix}{top}.py" in project.files or (project.root / prefix / top).is_dir()
