"""FK301 duplicate-model: one table defined by two models on one metadata."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis, Location
from fixkit.project import module_name_of
from fixkit.rules._common import call_fixer, metadata_identity
from fixkit.rules.base import Example, Rule

BASE = "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"


def _describe(model) -> str:
    return f"{len(model.columns)} columns, {len(model.relationships)} relationships, {len(model.constraints)} constraints"


def model_groups(analysis):
    """{(metadata identity, table): [(facts, model, live)]} over every file, dead copies included."""
    project = analysis.project
    groups: dict[tuple[str, str], list] = {}
    for facts in analysis.facts.values():
        if not facts.models:
            continue
        live = bool(facts.module)
        module = facts.module or module_name_of(facts.path, project.source_roots) or ""
        for model in facts.models:
            identity = None
            for base in (model.base, *model.bases):
                identity = metadata_identity(analysis, facts, base, module)
                if identity:
                    break
            if identity is None:
                continue
            groups.setdefault((identity, model.table), []).append((facts, model, live))
    return groups


class DuplicateTable(Rule):
    code = "FK301"
    kind = "duplicate-model"
    summary = "Table defined by two models on one metadata"
    what = """
Finds SQLAlchemy tables defined more than once on the same `MetaData`: declarative classes
(a `DeclarativeBase` subclass, `declarative_base()`, `registry`, Flask-SQLAlchemy
`db.Model`, SQLModel `table=True`) and core `Table("name", metadata, ...)` with the same
table name, with the base followed across modules.  The diagnosis sits on the definition
that raises (the one executed second when an entry point is imported) and lists every
definition, including dead copies in shadowed files, with how complete each is.  A table
that every definition but one maps with `extend_existing=True` does not raise and is not
reported.
"""
    why = """
The second definition raises `Table 'x' is already defined for this MetaData instance`,
failing its module and every entry point importing it.  `extend_existing=True` silences the
error by merging two different definitions, which hides the bug instead of fixing it.
"""
    example = """
```python
# app/models/core.py
class PredictiveModel(Base):
    __tablename__ = "predictive_models"
# app/models/analytics_models.py
class PredictiveModel(Base):            # raises when both are imported
    __tablename__ = "predictive_models"
```
"""
    fix_safety = """
The fix keeps one definition (the one `--canonical` / `[tool.fixkit] canonical` names, else
the most complete one; the message says which and why), deletes the others and repoints
their importers.  `safe` when the deleted copies have nothing the kept one lacks; `review`
when a deleted copy has columns, relationships or constraints the kept one lacks (they
are listed in the notes) or is a class of another name; `manual` when the configured
canonical is none of the definitions or the rewrite would close an import cycle.  Never
`extend_existing=True`.
"""
    VALID = (
        Example({"app/db.py": BASE, "app/a.py": "from app.db import Base\nfrom sqlalchemy import Column, Integer\n\nclass A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n",
                 "app/b.py": "from app.db import Base\nfrom sqlalchemy import Column, Integer\n\nclass B(Base):\n    __tablename__ = 'b'\n    id = Column(Integer, primary_key=True)\n"}),
        Example({"app/db.py": BASE + "\nclass Other(DeclarativeBase):\n    pass\n",
                 "app/a.py": "from app.db import Base, Other\n\nclass A(Base):\n    __tablename__ = 't'\n\nclass B(Other):\n    __tablename__ = 't'\n"},
                note="same table name on two metadata objects"),
        Example({"app/db.py": BASE,
                 "app/a.py": "from app.db import Base\nfrom sqlalchemy import Column, Integer, String\n\nclass Task(Base):\n    __tablename__ = 't'\n    id = Column(Integer, primary_key=True)\n\nclass TaskExtended(Task):\n    __tablename__ = 't'\n    __table_args__ = {'extend_existing': True}\n    name = Column(String)\n"},
                note="extend_existing: the second definition extends the table instead of raising"),
    )
    INVALID = (
        Example(
            {
                "app/db.py": BASE,
                "app/models/__init__.py": "from .core import Thing\n",
                "app/models/core.py": "from app.db import Base\nfrom sqlalchemy import Column, Integer\n\nclass Thing(Base):\n    __tablename__ = 'things'\n    id = Column(Integer, primary_key=True)\n",
                "app/models/extra.py": "from app.db import Base\nfrom sqlalchemy import Column, Integer, String\n\nclass Thing(Base):\n    __tablename__ = 'things'\n    id = Column(Integer, primary_key=True)\n    name = Column(String)\n",
                "app/routers/things.py": "from fastapi import APIRouter\nfrom app.models.extra import Thing\nrouter = APIRouter()\n",
            },
            expect=(("app/models/extra.py", 4),),
        ),
        Example(
            {"app/db.py": "from sqlalchemy import MetaData, Table, Column, Integer\nmetadata = MetaData()\nusers = Table('users', metadata, Column('id', Integer))\n",
             "app/more.py": "from sqlalchemy import Table, Column, Integer\nfrom app.db import metadata\nimport app.db\nusers2 = Table('users', metadata, Column('id', Integer))\n"},
            expect=(("app/more.py", 4),),
            note="core tables",
        ),
        Example(
            {
                "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
                "app/models/__init__.py": "from .user import UserAccount\nfrom .legacy import UserAccount as Legacy\n",
                "app/models/user.py": "from app.extensions import db\n\nclass UserAccount(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n",
                "app/models/legacy.py": "from ..extensions import db\n\nclass UserAccount(db.Model):\n    __tablename__ = 'user_account'\n    id = db.Column(db.Integer, primary_key=True)\n",
                "app/views.py": "from flask import Blueprint\nimport app.models\nbp = Blueprint('v', __name__)\n",
            },
            expect=(("app/models/legacy.py", 3),),
            note="Flask-SQLAlchemy: the default table name is the class name in snake case",
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        graph = analysis.graph
        canonical_cfg = analysis.project.config.canonical
        out = []
        for (identity, table), defs in sorted(model_groups(analysis).items()):
            live = [(f, m) for f, m, is_live in defs if is_live]
            if len(live) < 2:
                continue
            if sum(1 for _, m in live if not m.extend_existing) < 2:
                # `extend_existing=True` makes SQLAlchemy extend the table instead of
                # raising (celery's `TaskExtended(Task)`): with at most one definition
                # without it, nothing raises when that one runs first, which is how such
                # code is written.  Not an import failure, so not a root cause.
                continue
            once = twice = 0
            per_module: dict[str, int] = {}
            for f, _ in live:
                per_module[f.module] = per_module.get(f.module, 0) + 1
            for module, count in per_module.items():
                bits = graph.entry_bits(module)
                if count > 1:
                    twice |= bits
                twice |= once & bits
                once |= bits
            blocks = graph.entries_of(twice)
            raising = self._raising(analysis, live, blocks)
            facts, model = raising
            canonical, chosen_by = self._canonical(live, canonical_cfg, first=model.name)
            related = tuple(
                Location(f.path, m.line, 0, note=f"{m.name}: {_describe(m)}" + ("" if is_live else " (dead copy)"))
                for f, m, is_live in sorted(defs, key=lambda t: (t[0].path, t[1].line))
                if (f, m) != raising
            )
            all_defs = ";".join(f"{f.path}:{m.line}:{m.name}:{m.completeness}:{'live' if is_live else 'dead'}" for f, m, is_live in defs)
            out.append(
                Diagnosis(
                    code=self.code,
                    kind=self.kind,
                    message=(
                        f"table `{table}` is defined {len(defs)} times on {identity.replace(':', '.')}"
                        f" ({len(live)} imported, {len(defs) - len(live)} dead); "
                        f"{chosen_by}"
                    ),
                    file=facts.path,
                    line=model.line,
                    module=facts.module,
                    symbol=model.name,
                    related=related,
                    blocks=blocks,
                    data=(
                        ("raises-in", facts.module),
                        ("table", table),
                        ("metadata", identity),
                        ("canonical", canonical[0].module),
                        ("canonical-file", canonical[0].path),
                        ("definitions", all_defs),
                    ),
                )
            )
        return out

    @staticmethod
    def _canonical(live, configured, first: str = ""):
        """The definition to keep and why: the one `--canonical` / `[tool.fixkit] canonical`
        names (`Name = "module"` or `"module:Class"`; looked up as the fix does: the
        diagnosed class first), else the most complete."""
        for name in dict.fromkeys([first, *sorted({m.name for _, m in live})]):
            if name not in configured:
                continue
            module, _, cls = configured[name].partition(":")
            for f, m in live:
                if f.module == module and (not cls or m.name == cls):
                    return (f, m), f"keep {m.name} in {f.module} (chosen by --canonical / [tool.fixkit] canonical)"
            best = max(live, key=lambda t: (t[1].completeness, -len(t[0].path), t[0].path))
            return best, (
                f"the canonical {name} = {configured[name]!r} (--canonical / [tool.fixkit] canonical) is none of "
                f"the definitions; the most complete is {best[1].name} in {best[0].module}"
            )
        best = max(live, key=lambda t: (t[1].completeness, -len(t[0].path), t[0].path))
        return best, f"keep {best[1].name} in {best[0].module} (the most complete: {_describe(best[1])})"

    @staticmethod
    def _raising(analysis, live, blocks):
        """The definition executed second when the first blocked entry point is imported."""
        if blocks:
            marks: dict[str, list] = {}
            for f, m in live:
                marks.setdefault(f.module, []).append((m.line, (f, m)))
            order: list = []
            analysis.graph.simulate(blocks[0], marks=marks, on_mark=order.append)
            if len(order) >= 2:
                return order[1]
        return sorted(live, key=lambda t: (t[0].path, t[1].line))[1]

    def fix(self, diagnosis, analysis):
        return call_fixer("models", "fix_duplicate_model", diagnosis, analysis)
