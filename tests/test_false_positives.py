"""False root causes found by planning real installed libraries (django, sqlalchemy,
pandas, celery, sympy, twisted, ...) as projects of their own, each reduced to the smallest
tree that reproduces it.

Every case first proves with the real interpreter that the tree imports fine (so the
expectation is Python's behaviour, not a guess), then asserts that `make_plan` reports no
root cause for it.
"""

from __future__ import annotations

import importlib.machinery
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from fixkit.config import Config
from fixkit.plan import make_plan


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def assert_imports(root: Path, *modules: str) -> None:
    """Python itself imports each module of the tree, each in a fresh interpreter."""
    for module in modules:
        proc = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"{module}: {proc.stderr[-2000:]}"


def plan_codes(root: Path, *entries: str) -> list[tuple[str, str, int, str]]:
    plan = make_plan(Config(root=root, entry_points=entries, offline=True, use_cache=False))
    return [(d.code, d.file, d.line, d.message) for d in plan.diagnoses]


def test_package_importing_its_own_submodule_before_rebinding_the_name(tmp_path):
    """sqlalchemy.orm: `from . import mapper as mapperlib` in the package's own __init__
    imports the submodule (the package has no attribute `mapper` yet), even though a
    later line rebinds `mapper` to a function.  Skipping that import made the simulation
    enter the query/loading/strategies/session cycle at the wrong member and report a
    circular import that never happens (50 false blocked entry points)."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from . import mapper as mapperlib\nfrom .ctor import mapper\n",
            "pkg/mapper.py": "from . import loading\n",
            "pkg/ctor.py": "from .query import Query\n\n\ndef mapper():\n    pass\n",
            "pkg/query.py": "from . import loading\n\n\nclass Query:\n    pass\n",
            "pkg/loading.py": "from . import strategies\n",
            "pkg/strategies.py": "from . import query\nfrom .session import Session\n",
            "pkg/session.py": "from .query import Query\n\n\nclass Session:\n    pass\n",
        },
    )
    assert_imports(tmp_path, "pkg", "pkg.session", "pkg.query", "pkg.strategies", "pkg.ctor")
    assert plan_codes(tmp_path, "pkg.*") == []


def _an_extension_module() -> Path:
    """A real compiled module of this interpreter (`math`), to sit inside a package."""
    dynload = Path(sysconfig.get_paths()["stdlib"]) / "lib-dynload"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = dynload / f"math{suffix}"
        if candidate.exists():
            return candidate
    pytest.skip("this interpreter has no math extension module in lib-dynload")


def test_package_importing_its_own_compiled_submodule(tmp_path):
    """pandas._libs.tslibs: `from pandas._libs.tslibs import dtypes` in the package's
    __init__, `dtypes` a compiled module: the from-import imports the submodule, it is
    no partially initialised package missing a name (1,440 false blocked entry points)."""
    extension = _an_extension_module()
    write(tmp_path, {"pkg/__init__.py": "from pkg import math\n\nTAU = math.tau\n", "pkg/user.py": "from pkg import TAU\n"})
    shutil.copy(extension, tmp_path / "pkg" / extension.name)
    assert_imports(tmp_path, "pkg", "pkg.user")
    assert plan_codes(tmp_path, "pkg.*") == []


# celery's shape: a declarative base and a first model of table `taskmeta`; the tests
# below add a second model of that table.
TASK_DB = {
    "pkg/__init__.py": "",
    "pkg/db.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
}
TASK_MODEL = (
    "from sqlalchemy import Column, Integer, String\n"
    "from pkg.db import Base\n\n\n"
    "class Task(Base):\n"
    "    __tablename__ = 'taskmeta'\n"
    "    id = Column(Integer, primary_key=True)\n\n\n"
)


@pytest.mark.parametrize("table_args", ["{'extend_existing': True}", "({'sqlite_autoincrement': True, 'extend_existing': True},)"])
def test_second_model_with_extend_existing_does_not_raise(tmp_path, table_args):
    """celery.backends.database.models: `TaskExtended(Task)` maps the same table with
    `extend_existing: True`; SQLAlchemy extends the table instead of raising."""
    write(
        tmp_path,
        {
            **TASK_DB,
            "pkg/models.py": (
                TASK_MODEL +
                "class TaskExtended(Task):\n"
                "    __tablename__ = 'taskmeta'\n"
                f"    __table_args__ = {table_args}\n"
                "    name = Column(String(155))\n"
            ),
        },
    )
    assert_imports(tmp_path, "pkg.models")
    assert plan_codes(tmp_path, "pkg.*") == []


def test_second_model_without_extend_existing_still_reported(tmp_path):
    """The control: the same tree without `extend_existing` raises, and is reported."""
    write(
        tmp_path,
        {
            **TASK_DB,
            "pkg/models.py": (
                TASK_MODEL +
                "class Other(Base):\n"
                "    __tablename__ = 'taskmeta'\n"
                "    id = Column(Integer, primary_key=True)\n"
            ),
        },
    )
    proc = subprocess.run([sys.executable, "-c", "import pkg.models"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "already defined" in proc.stderr
    assert [c[0] for c in plan_codes(tmp_path, "pkg.*")] == ["FK301"]


def test_dynamic_import_of_a_third_party_module_in_a_loop_is_not_a_router_list(tmp_path):
    """twisted.internet._service_identity: `__import__(f"service_identity.{alias}")` over a
    literal tuple, in a try/except, is a compatibility shim for a third-party package, not
    a list of the project's routers: no FK201 "the router list names ..." for it."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/compat.py": (
                "for _alias in 'decoder', 'nosuchmodule':\n"
                "    try:\n"
                "        __import__(f'json.{_alias}')\n"
                "    except ImportError:\n"
                "        pass\n"
            ),
        },
    )
    assert_imports(tmp_path, "pkg.compat")
    assert plan_codes(tmp_path, "pkg.*") == []


def test_a_projects_own_import_module_helper_is_not_importlib(tmp_path):
    """sympy.external.import_module returns None when the module is missing: a call of a
    first-party function that happens to be called `import_module` is no import (24 false
    FK101 on sympy: scipy, matplotlib, tensorflow, ...)."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/external.py": (
                "def import_module(name):\n"
                "    try:\n"
                "        return __import__(name)\n"
                "    except ImportError:\n"
                "        return None\n"
            ),
            "pkg/use.py": "from pkg.external import import_module\n\nscipy_like = import_module('fixkit_qa_not_installed')\n",
            "pkg/use_attr.py": "from pkg import external\n\nother = external.import_module('fixkit_qa_not_installed')\n",
        },
    )
    assert_imports(tmp_path, "pkg.use", "pkg.use_attr")
    assert plan_codes(tmp_path, "pkg.*") == []


def test_importlib_import_module_of_a_missing_module_still_reported(tmp_path):
    """The control: importlib's own import_module of a module nobody installed fails."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/use.py": "from importlib import import_module\n\nmod = import_module('fixkit_qa_not_installed')\n",
        },
    )
    proc = subprocess.run([sys.executable, "-c", "import pkg.use"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "ModuleNotFoundError" in proc.stderr
    assert [c[0] for c in plan_codes(tmp_path, "pkg.*")] == ["FK101"]


def test_import_in_the_else_of_a_try_import_runs_only_when_the_try_succeeded(tmp_path):
    """tornado.test.netutil_test: `try: import pycares / except ImportError: ... / else:
    from tornado.platform.caresresolver import CaresResolver`.  Without pycares the else
    never runs, so the module imports fine and is not blocked by the missing pycares."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/resolver.py": "import fixkit_qa_not_installed\n\nResolver = object\n",
            "pkg/user.py": (
                "try:\n"
                "    import fixkit_qa_not_installed\n"
                "except ImportError:\n"
                "    Resolver = None\n"
                "else:\n"
                "    from pkg.resolver import Resolver\n"
            ),
        },
    )
    assert_imports(tmp_path, "pkg.user")
    plan = make_plan(Config(root=tmp_path, entry_points=("pkg.*",), offline=True, use_cache=False))
    assert [(d.code, d.file, d.blocks) for d in plan.diagnoses] == [("FK101", "pkg/resolver.py", ("pkg.resolver",))]


def test_package_that_hands_its_name_to_a_module_replacing_function(tmp_path):
    """celery/__init__.py: `local.recreate_module(__name__, by_module={...})` replaces the
    package in sys.modules with a lazy module that serves `Celery`, `shared_task`, ...;
    `from celery import shared_task` works although no line of __init__ binds it."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": (
                "from . import local\n\n"
                "old, new = local.recreate_module(__name__, by_module={'pkg.impl': ['Thing']})\n"
            ),
            "pkg/local.py": (
                "import importlib\nimport sys\nimport types\n\n\n"
                "class LazyModule(types.ModuleType):\n"
                "    def __getattr__(self, name):\n"
                "        for module, names in self._by_module.items():\n"
                "            if name in names:\n"
                "                return getattr(importlib.import_module(module), name)\n"
                "        raise AttributeError(name)\n\n\n"
                "def create_module(name, by_module):\n"
                "    module = sys.modules[name] = LazyModule(name)\n"
                "    module._by_module = by_module\n"
                "    return module\n\n\n"
                "def recreate_module(name, by_module):\n"
                "    old = sys.modules[name]\n"
                "    new = create_module(name, by_module)\n"
                "    new.__path__ = old.__path__\n"
                "    return old, new\n"
            ),
            "pkg/impl.py": "class Thing:\n    pass\n",
            "pkg/user.py": "from pkg import Thing\n",
        },
    )
    assert_imports(tmp_path, "pkg.user")
    assert plan_codes(tmp_path, "pkg.*") == []


def test_handing_the_name_to_a_logger_keeps_missing_names_reported(tmp_path):
    """The control: `logging.getLogger(__name__)` replaces nothing."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "import logging\n\nlog = logging.getLogger(__name__)\n",
            "pkg/user.py": "from pkg import Thing\n",
        },
    )
    proc = subprocess.run([sys.executable, "-c", "import pkg.user"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "cannot import name 'Thing'" in proc.stderr
    assert [c[0] for c in plan_codes(tmp_path, "pkg.*")] == ["FK202"]


# numpy.linalg <-> numpy.lib: entered at lib it imports; entered at linalg it fails.
CYCLE = {
    "pkg/lib/__init__.py": "from pkg.lib.poly import poly\n",
    "pkg/lib/poly.py": "from pkg.linalg import eig\n\n\ndef poly():\n    pass\n",
    "pkg/lib/helpers.py": "h = 1\n",
    "pkg/linalg.py": "from pkg.lib.helpers import h\n\n\ndef eig():\n    pass\n",
}


def test_cycle_order_set_by_a_packages_conditional_imports_is_not_guessed(tmp_path):
    """numpy/__init__.py imports its subpackages inside `if __NUMPY_SETUP__: ... else:`.
    The simulation does not run conditional imports, so it entered the numpy.linalg /
    numpy.lib cycle at the wrong member and reported a circular import Python never
    hits: `import numpy.linalg` runs numpy/__init__ first, which imports lib first."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "import sys\n\nif sys.version_info < (3,):\n    pass\nelse:\n    from . import lib\n    from . import linalg\n",
            **CYCLE,
        },
    )
    assert_imports(tmp_path, "pkg.linalg", "pkg.lib", "pkg.lib.poly", "pkg")
    assert plan_codes(tmp_path, "pkg.*") == []


def test_cycle_entered_at_the_wrong_member_without_conditions_still_reported(tmp_path):
    """The control: the same cycle with nothing conditional fails for `import pkg.linalg`."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            **CYCLE,
        },
    )
    proc = subprocess.run([sys.executable, "-c", "import pkg.linalg"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "partially initialized" in proc.stderr
    assert [c[0] for c in plan_codes(tmp_path, "pkg.*")] == ["FK501"]


def test_module_that_setattrs_computed_names_onto_itself(tmp_path):
    """numpy/dtypes.py: a helper does `from numpy import dtypes; setattr(dtypes, DType.__name__,
    DType)`, called by other modules at import time: its names are made by code."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg import kinds\nfrom pkg import core\n",
            "pkg/kinds.py": "__all__ = []\n\n\ndef _add(cls):\n    from pkg import kinds\n\n    setattr(kinds, cls.__name__, cls)\n    __all__.append(cls.__name__)\n",
            "pkg/core.py": "from pkg.kinds import _add\n\n\nclass StringKind:\n    pass\n\n\n_add(StringKind)\n",
            "pkg/user.py": "from pkg.kinds import StringKind\n",
        },
    )
    assert_imports(tmp_path, "pkg.user")
    assert plan_codes(tmp_path, "pkg.*") == []
