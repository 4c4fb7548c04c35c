"""The import graph: edges, entry points, blast radius, SCCs and import-time cycle simulation,
on real small projects written to tmp_path."""

from __future__ import annotations

import time
from pathlib import Path

from fixkit.analyse import analyse
from fixkit.config import Config, load_config
from fixkit.project import discover


def project(tmp_path: Path, files: dict[str, str], **config) -> Path:
    root = tmp_path / "proj"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    root.mkdir(exist_ok=True)
    return root


def graph_of(tmp_path, files, **config):
    root = project(tmp_path, files)
    return analyse(Config(root=root, use_cache=False, **config)).graph


ROUTER = "from fastapi import APIRouter\nrouter = APIRouter()\n"


def edges(graph, module, executed=True):
    return {(e.dst, e.kind) for e in graph.successors(module, executed)}


def test_edges_parents_submodules_and_names(tmp_path):
    g = graph_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/pkg/__init__.py": "name = 1\n",
            "app/pkg/sub.py": "",
            "app/pkg/deep/leaf.py": "",  # namespace package app.pkg.deep
            "app/user.py": "import app.pkg.deep.leaf\nfrom app.pkg import name, sub\ndef f():\n    import app.lazy\n",
            "app/lazy.py": "",
        },
    )
    assert edges(g, "app.user") == {
        ("app", "parent"),
        ("app", "import"),
        ("app.pkg", "import"),
        ("app.pkg.deep", "import"),
        ("app.pkg.deep.leaf", "import"),
        ("app.pkg", "from"),
        ("app.pkg.sub", "submodule"),
    }
    assert ("app.lazy", "import") in edges(g, "app.user", executed=False)
    assert ("app.pkg", "parent") in edges(g, "app.pkg.deep.leaf") or ("app.pkg.deep", "parent") in edges(g, "app.pkg.deep.leaf")


def test_entry_points_router_list_wins_and_app_is_not_one(tmp_path):
    files = {
        "app/main.py": "import importlib\nfrom fastapi import FastAPI\napp = FastAPI()\nROUTERS = ['b', 'a']\nfor n in ROUTERS:\n    importlib.import_module(f'app.routers.{n}')\n",
        "app/routers/a.py": ROUTER,
        "app/routers/b.py": ROUTER,
        "app/routers/unlisted.py": ROUTER,
    }
    g = graph_of(tmp_path, files)
    assert g.entry_points == ("app.routers.b", "app.routers.a")  # the list's order


def test_entry_points_detected_routers_scripts_and_configured(tmp_path):
    files = {
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\n[project.scripts]\ntool = "app.cli:main"\n',
        "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "app/routers/a.py": ROUTER,
        "app/web/bp.py": "from flask import Blueprint\nbp = Blueprint('bp', __name__)\n",
        "app/cli.py": "def main():\n    pass\n",
        "app/jobs/nightly.py": "",
    }
    root = project(tmp_path, files)
    g = analyse(Config(root=root, use_cache=False)).graph
    assert set(g.entry_points) == {"app.routers.a", "app.web.bp", "app.cli"}
    g2 = analyse(Config(root=root, use_cache=False, entry_points=("app.jobs.*",))).graph
    assert set(g2.entry_points) == {"app.routers.a", "app.web.bp", "app.cli", "app.jobs.nightly"}
    only_app = project(tmp_path / "second", {"svc/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"})
    assert analyse(Config(root=only_app, use_cache=False)).graph.entry_points == ("svc.main",)


def test_blast_radius_follows_executed_edges_only(tmp_path):
    files = {
        "app/routers/one.py": ROUTER + "import app.services.hub\n",
        "app/routers/two.py": ROUTER + "from app.services import hub\n",
        "app/routers/three.py": ROUTER + "def f():\n    import app.services.hub\n",
        "app/routers/four.py": ROUTER + "try:\n    import app.services.hub\nexcept ImportError:\n    pass\n",
        "app/services/__init__.py": "",
        "app/services/hub.py": "from .broken import x\n",
        "app/services/broken.py": "x = (\n",
    }
    g = graph_of(tmp_path, files)
    assert g.entry_points_reaching(["app.services.broken"]) == ("app.routers.one", "app.routers.two")
    assert g.entry_points_reaching(["app.routers.three"]) == ("app.routers.three",)


def test_sccs_and_blast_radius_are_linear_on_a_long_chain(tmp_path):
    """A 3,000-module import chain: no recursion limit, no quadratic work."""
    n = 3000
    files = {f"app/m{i}.py": f"import app.m{i + 1}\n" for i in range(n)}
    files[f"app/m{n}.py"] = "import app.m0\n"  # one big cycle
    files["app/routers/r.py"] = ROUTER + "import app.m0\n"
    root = project(tmp_path, files)
    analysis = analyse(Config(root=root, use_cache=False))
    g = analysis.graph
    start = time.perf_counter()
    components = g.sccs()
    assert max(len(c) for c in components) == n + 1
    assert g.entry_points_reaching([f"app.m{n}"]) == ("app.routers.r",)
    assert g.import_cycle_failures() == {}  # `import x` cycles without attribute access are fine
    assert time.perf_counter() - start < 10


def test_simulation_finds_the_failing_from_import_and_spares_working_cycles(tmp_path):
    files = {
        "app/routers/credit.py": ROUTER + "from app.credit import Ledger\n",
        "app/credit.py": "from app.billing import Billing\n\nclass Ledger:\n    pass\n",
        "app/billing.py": "from app.credit import Ledger\n\nclass Billing:\n    pass\n",
        "app/fine_a.py": "A = 1\nfrom app.fine_b import B\n",
        "app/fine_b.py": "B = 1\nfrom app.fine_a import A\n",
        "app/routers/fine.py": ROUTER + "import app.fine_a\n",
        "app/pkg/__init__.py": "from .core import Thing\n",
        "app/pkg/core.py": "class Thing:\n    pass\n",
        "app/routers/pkg.py": ROUTER + "from app.pkg.core import Thing\n",
    }
    g = graph_of(tmp_path, files)
    failures = g.import_cycle_failures()
    assert len(failures) == 1
    (failure, starts), = failures.items()
    assert (failure.importer, failure.line, failure.target, failure.name) == ("app.billing", 1, "app.credit", "Ledger")
    assert failure.cycle == ("app.credit", "app.billing")
    assert starts == {"app.routers.credit"}  # the entry point whose import fails


def test_a_broken_module_blocks_through_its_recovered_imports_but_runs_none_of_them(tmp_path):
    """A file with a syntax error imports nothing when Python runs it, but what it will
    import once fixed blocks its importers too: its recovered imports are executed edges,
    marked `recovered`, left out of `runtime` (what the cycle simulation runs)."""
    files = {
        "app/routers/broken.py": ROUTER + "from app.services.hub import helper\ndef f(a=1, b):\n    pass\n",
        "app/routers/fine.py": ROUTER + "import app.services.other\n",
        "app/services/__init__.py": "",
        "app/services/hub.py": "import app.services.deep\ndef helper():\n    pass\n",
        "app/services/deep.py": "",
        "app/services/other.py": "",
    }
    g = graph_of(tmp_path, files)
    hub = [e for e in g.successors("app.routers.broken") if e.dst == "app.services.hub"]
    assert hub and all(e.recovered and e.executed for e in hub)
    assert not any(e.recovered for e in g.runtime.get("app.routers.broken", ()))
    assert not any(e.recovered for e in g.successors("app.routers.fine"))
    assert g.entry_points_reaching(["app.services.deep"]) == ("app.routers.broken",)


def test_a_cycle_through_a_broken_module_is_not_a_circular_import(tmp_path):
    """billing.py does not compile, so importing credit.py fails at billing's SyntaxError,
    never at a partially initialised credit: no import-time cycle is reported, and the
    modules are not one component of what runs."""
    files = {
        "app/routers/credit.py": ROUTER + "from app.credit import Ledger\n",
        "app/credit.py": "from app.billing import Billing\n\nclass Ledger:\n    pass\n",
        "app/billing.py": "from app.credit import Ledger\n\nclass Billing:\n    def charge(self, amount=0, currency):\n        pass\n",
    }
    root = project(tmp_path, files)
    analysis = analyse(Config(root=root, use_cache=False))
    g = analysis.graph
    assert analysis.facts["app/billing.py"].syntax_error is not None
    assert ("app.credit", "from") in edges(g, "app.billing")  # recovered: it blocks
    assert g.import_cycle_failures() == {}
    assert not any({"app.credit", "app.billing"} <= set(c) for c in g.sccs())
    from fixkit.plan import diagnose

    kinds = {d.kind: d for d in diagnose(analysis)}
    assert "circular-import" not in kinds
    assert kinds["parameter-order"].blocks == ("app.routers.credit",)


def test_sys_path_alias_resolves_to_the_canonical_module(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/main.py": "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\nfrom models.core import User\n",
        "app/models/__init__.py": "",
        "app/models/core.py": "User = 1\n",
    }
    g = graph_of(tmp_path, files)
    assert g.aliases == {"models": "app.models", "main": "app.main"}
    alias_edges = [e for e in g.successors("app.main") if e.alias]
    assert {(e.dst, e.alias) for e in alias_edges} == {("app.models", "models"), ("app.models.core", "models.core")}


def test_discover_layouts_ignores_and_shadowing(tmp_path):
    files = {
        "pyproject.toml": '[tool.fixkit]\nexclude = ["legacy/**"]\n',
        ".gitignore": "generated/\n*.gen.py\n!keep.gen.py\n",
        "src/lib/__init__.py": "",
        "src/lib/models.py": "",
        "src/lib/models/__init__.py": "",
        "src/lib/ns/tool.py": "",
        "tests/test_lib.py": "",
        "generated/out.py": "",
        "src/lib/x.gen.py": "",
        "src/lib/keep.gen.py": "",
        "legacy/old.py": "",
        "build/lib/copy.py": "",
        ".venv/lib/site.py": "",
        "env2/pyvenv.cfg": "",
        "env2/lib/thing.py": "",
        "src/lib/sub/.gitignore": "local_only.py\n",
        "src/lib/sub/local_only.py": "",
        "src/lib/sub/kept.py": "",
    }
    root = project(tmp_path, files)
    p = discover(load_config(root))
    assert p.source_roots[0] == "src"
    assert set(p.files) == {
        "src/lib/__init__.py",
        "src/lib/models.py",
        "src/lib/models/__init__.py",
        "src/lib/ns/tool.py",
        "tests/test_lib.py",
        "src/lib/keep.gen.py",
        "src/lib/sub/kept.py",
    }
    assert p.files["src/lib/models.py"].shadowed_by == "src/lib/models/__init__.py"
    assert p.files["src/lib/models.py"].module == ""
    assert p.modules["lib.models"].path == "src/lib/models/__init__.py"
    assert "lib.ns" in p.namespaces and p.module_exists("lib.ns.tool")
    assert p.first_party == {"lib", "tests"}
    assert p.files["src/lib/keep.gen.py"].module == ""  # not an identifier: not importable
