#!/usr/bin/env python
"""Generate a synthetic FastAPI + SQLAlchemy backend with injected faults and their ground truth.

    python benchmarks/generate.py OUT_DIR --modules 5000 [--seed 1] [--faults-per-kind K] [--check]

The project has the shape of the seed backend (`sample_projects/engarde_backend`):
`app/main.py` loads every router of a literal `ROUTERS` list with
`importlib.import_module(f"app.routers.{name}")` inside try/except, `app/models/`
holds declarative models on one `Base`, `app/schemas/` pydantic models and
`app/services/<domain>/` packages of services importing each other.  Imports only
point "down" a global order (core < models < schemas < services < routers), so the
only import cycles are the ones put there on purpose: benign ones (function-level or
plain `import a.b` cycles, which never fail) and the injected circular-import faults.

Injected faults (one host module each, blast radius kept small except the
"wide" missing comma, like the seed's oauth_manager.py):
missing-dependency, missing-module, missing-name, duplicate-model, shadowed-module,
parameter-order, missing-comma (kind syntax-error) and circular-import.

`OUT_DIR/ground_truth.json` lists every fault with its kind, code, file, line (as
this interpreter reports it), symbol and `blocks`: the routers that cannot import
until it is fixed — reverse reachability over module-level imports from the fault's
module(s).  A syntax-error host's own imports run once its syntax is fixed (fixkit
recovers them from the statements that parse), so they count for `blocks` too, except
for an import-time cycle: Python never runs them, so no cycle goes through one.  `--check` runs `python -m app.main --check --json` in a
subprocess and compares the routers that really fail with the ground truth.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

# Third-party imports that are not installed in fixkit's environment nor in the
# benchmark's (checked at generation time: a name that is importable is skipped).
MISSING_DISTRIBUTIONS = [
    ("dagger", "import dagger"),
    ("prometheus_client", "from prometheus_client import Counter, Histogram"),
    ("bleach", "import bleach"),
    ("opentelemetry.exporter.prometheus", "from opentelemetry.exporter.prometheus import PrometheusMetricReader"),
    ("stripe", "import stripe"),
    ("boto3", "import boto3"),
    ("redis", "import redis"),
    ("celery", "from celery import shared_task"),
    ("sentry_sdk", "import sentry_sdk"),
    ("elasticsearch", "from elasticsearch import Elasticsearch"),
    ("pika", "import pika"),
    ("twilio.rest", "from twilio.rest import Client as TwilioClient"),
    ("sendgrid", "import sendgrid"),
    ("pymongo", "from pymongo import MongoClient"),
    ("google.cloud.storage", "from google.cloud import storage as gcs_storage"),
    ("azure.storage.blob", "from azure.storage.blob import BlobServiceClient"),
    ("tiktoken", "import tiktoken"),
    ("langchain", "import langchain"),
    ("kafka", "from kafka import KafkaProducer"),
    ("openai", "import openai"),
]

FAULT_KINDS = (
    "parameter-order",
    "missing-comma",
    "missing-dependency",
    "missing-module",
    "missing-name",
    "duplicate-model",
    "shadowed-module",
    "circular-import",
)

# kind -> (diagnosis kind, code, the exception `python -m app.main --check` shows)
FAULT_META = {
    "parameter-order": ("parameter-order", "FK401", "SyntaxError"),
    "missing-comma": ("syntax-error", "FK4", "SyntaxError"),
    "missing-dependency": ("missing-dependency", "FK101", "ModuleNotFoundError"),
    "missing-module": ("missing-module", "FK201", "ModuleNotFoundError"),
    "missing-name": ("missing-name", "FK202", "ImportError"),
    "duplicate-model": ("duplicate-model", "FK301", "InvalidRequestError"),
    "shadowed-module": ("shadowed-module", "FK203", "ImportError"),
    "circular-import": ("circular-import", "FK501", "ImportError"),
}

DOMAINS = """billing analytics campaigns brands content users auth notifications search media
workflows marketplace payments integrations reporting audit scheduling inventory orders
shipping pricing catalog recommendations messaging webhooks compliance onboarding teams
projects tasks comments files exports imports sync caching metrics alerts sessions tokens
profiles settings permissions roles feedback surveys experiments features ledger invoices
subscriptions coupons referrals partners vendors contracts support tickets knowledge
translations localization geo devices telemetry pipelines agents prompts embeddings""".split()

NOUNS = """account activity address agreement alert asset attachment audience balance batch
bid budget bundle cart channel charge checkout cohort comment config connection contact
conversion credit customer dashboard dataset delivery deposit digest discount document
draft entry event export feed filter forecast goal grant group history identity import
incident insight invoice issue job key label lead limit listing log mailbox member
message metric milestone model note offer order owner package page partner payload payout
period plan policy portfolio post preference price product profile quota quote rate
receipt record refund region release report request reservation resource review rule
schedule score segment sequence session share signal snapshot source stage statement
status step stock store subscription summary supplier tag target task template tenant
ticket token topic trace transaction transfer trigger upload usage user variant vendor
version visit voucher wallet warehouse webhook widget window workspace zone""".split()

VERBS = """build create fetch load list sync update validate merge compute render export
import resolve refresh score rank notify schedule archive publish summarize reconcile
normalize enrich dispatch""".split()

STDLIB_IMPORTS = [
    "import logging",
    "import json",
    "import re",
    "import hashlib",
    "import uuid",
    "import time",
    "import itertools",
    "import functools",
    "from collections import defaultdict, OrderedDict",
    "from datetime import datetime, timedelta, timezone",
    "from decimal import Decimal",
    "from enum import Enum",
    "from pathlib import Path",
    "from dataclasses import dataclass, field",
    "from typing import Any, Dict, Iterable, List, Optional, Tuple",
]


def camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


@dataclass(eq=False)  # hashed by identity: modules go into sets and dict keys
class Module:
    name: str  # dotted module name
    path: str  # relative file path
    role: str  # core | database | model | schema | service | router | init | main | extra
    order: int
    package: str = ""  # services: the domain package's dotted name
    layer: int = 0
    exports: list[str] = field(default_factory=list)
    # module-level, executed first-party imports: (module, names); names == () means `import module`
    deps: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # first-party imports that never run at import time (function level, TYPE_CHECKING)
    lazy_deps: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    fault_imports: list[str] = field(default_factory=list)  # extra module-level import lines
    appended: list[str] = field(default_factory=list)  # extra code at the end (syntax faults)
    noise: set[str] = field(default_factory=set)
    text: str = ""


class Generator:
    def __init__(self, modules: int, seed: int, faults_per_kind: int | None = None) -> None:
        self.target = max(40, modules)
        self.rng = random.Random(seed)
        self.seed = seed
        self.faults_per_kind = faults_per_kind if faults_per_kind is not None else 1 + self.target // 5000
        self.mods: dict[str, Module] = {}
        self.order = 0
        self.used_tables: set[str] = set()
        self.used_classes: set[str] = set()
        self.used_stems: set[str] = set()
        self.faults: list[dict] = []
        self.hosts: set[str] = set()
        self.syntax_hosts: set[str] = set()
        self.missing_pool = [m for m in MISSING_DISTRIBUTIONS if not _importable(m[0])]

    # ------------------------------------------------------------------ skeleton

    def add(self, name: str, role: str, **kw) -> Module:
        is_pkg = kw.pop("is_package", False)
        path = name.replace(".", "/") + ("/__init__.py" if is_pkg else ".py")
        mod = Module(name=name, path=path, role=role, order=self.order, **kw)
        self.order += 1
        self.mods[name] = mod
        return mod

    def unique(self, pool: list[str], used: set[str], fmt=lambda s: s) -> str:
        for _ in range(20):
            cand = fmt(self.rng.choice(pool))
            if cand not in used:
                used.add(cand)
                return cand
        i = 2
        base = fmt(self.rng.choice(pool))
        while f"{base}_{i}" in used:
            i += 1
        used.add(f"{base}_{i}")
        return f"{base}_{i}"

    def build(self) -> None:
        rng = self.rng
        n = self.target
        n_routers = max(16, n * 5 // 100)
        n_models = max(4, n * 8 // 100)
        n_schemas = max(3, n * 6 // 100)
        fixed = 8  # app, main, database, core pkg + 3, models/schemas/services/routers inits below
        n_services = max(12, n - n_routers - n_models - n_schemas - fixed - 4)

        self.add("app", "init", is_package=True)
        self.add("app.core", "init", is_package=True)
        self.add("app.core.config", "core", exports=["settings", "Settings"])
        self.add("app.core.logging_utils", "core", exports=["get_logger", "log_event"])
        sec = self.add("app.core.security", "core", exports=["hash_password", "verify_password", "create_token"])
        sec.deps.append(("app.core.config", ("settings",)))
        db = self.add("app.database", "database", exports=["Base", "get_db", "SessionLocal"])
        db.deps.append(("app.core.config", ("settings",)))

        models_init = self.add("app.models", "init", is_package=True)
        self.model_modules: list[Module] = []
        for _ in range(n_models):
            stem = self.unique(NOUNS, self.used_stems, lambda s: f"{s}_models")
            mod = self.add(f"app.models.{stem}", "model")
            mod.deps.append(("app.database", ("Base",)))
            for _ in range(rng.randint(1, 4)):
                cls = self.unique(NOUNS, self.used_classes, lambda s: camel(s) + rng.choice(["", "Record", "Entry", "Item"]))
                mod.exports.append(cls)
            self.model_modules.append(mod)
            models_init.deps.append((mod.name, tuple(mod.exports)))

        self.add("app.schemas", "init", is_package=True)
        self.schema_modules: list[Module] = []
        for i in range(n_schemas):
            stem = self.unique(NOUNS, self.used_stems, lambda s: f"{s}_schemas")
            mod = self.add(f"app.schemas.{stem}", "schema")
            ent = camel(stem.removesuffix("_schemas"))
            mod.exports += [f"{ent}Base", f"{ent}Create", f"{ent}Read"]
            if i and rng.random() < 0.3:
                other = rng.choice(self.schema_modules)
                mod.deps.append((other.name, (other.exports[0],)))
            self.schema_modules.append(mod)

        # services: domain packages in layers; a package depends on a few packages of lower layers
        self.add("app.services", "init", is_package=True)
        self.service_modules: list[Module] = []
        packages: list[tuple[str, int, list[Module], list[str]]] = []
        made = 0
        domains = list(DOMAINS)
        rng.shuffle(domains)
        p = 0
        while made < n_services:
            dom = domains[p % len(domains)] + ("" if p < len(domains) else f"_{p // len(domains)}")
            p += 1
            size = min(n_services - made, rng.randint(8, 30))
            pkg = f"app.services.{dom}"
            self.add(pkg, "init", is_package=True)
            made += 1
            layer = min(4, len(packages) * 5 // max(1, (n_services // 18)))
            lower = [q for q in packages if q[1] < layer] or packages
            dep_pkgs = [q[0] for q in rng.sample(lower, min(len(lower), rng.randint(1, 3)))] if lower else []
            members: list[Module] = []
            used_here: set[str] = set()
            for _ in range(max(1, size - 1)):
                stem = self.unique(NOUNS, used_here, lambda s: f"{s}_{rng.choice(['service', 'client', 'manager', 'repository', 'utils', 'tasks', 'engine', 'store'])}")
                mod = self.add(f"{pkg}.{stem}", "service", package=pkg, layer=layer)
                base = stem.rsplit("_", 1)[0]
                mod.exports = [f"{base}_{v}" for v in rng.sample(VERBS, rng.randint(2, 4))] + [camel(stem)]
                members.append(mod)
                made += 1
            packages.append((pkg, layer, members, dep_pkgs))
            self.service_modules += members
        by_pkg = {q[0]: q for q in packages}

        for pkg, layer, members, dep_pkgs in packages:
            for j, mod in enumerate(members):
                targets: list[Module] = []
                if j:
                    recent = members[max(0, j - 8) : j]
                    targets += rng.sample(recent, min(len(recent), rng.choice([0, 1, 1, 2, 2, 3])))
                for dp in dep_pkgs:
                    if rng.random() < 0.45:
                        targets.append(rng.choice(by_pkg[dp][2]))
                if rng.random() < 0.5:
                    targets.append(rng.choice(self.model_modules))
                if rng.random() < 0.25:
                    targets.append(rng.choice(self.schema_modules))
                for t in dict.fromkeys(targets):
                    mod.deps.append((t.name, tuple(rng.sample(t.exports, min(len(t.exports), rng.randint(1, 2))))))
                if rng.random() < 0.4:
                    mod.deps.append(("app.core.logging_utils", ("get_logger",)))
                if rng.random() < 0.15:
                    mod.deps.append(("app.database", ("Base", "get_db")))
                # noise that must never be reported
                r = rng.random()
                if r < 0.08:
                    mod.noise.add("guarded-optional")
                elif r < 0.14:
                    mod.noise.add("version-branch")
                if rng.random() < 0.1 and j + 1 < len(members):
                    later = rng.choice(members[j + 1 :])
                    mod.lazy_deps.append((later.name, (later.exports[0],), rng.choice(["function", "type-checking"])))
            # one benign module-level cycle per few packages: plain `import a.b` both ways
            # Their only first-party imports are each other, so no fault is ever below a
            # cycle: a module that finished importing inside a cycle whose other half then
            # failed stays in sys.modules, and run-time results would depend on load order.
            if len(members) > 4 and rng.random() < 0.3:
                a, b = members[-1], members[-2]
                a.deps = [(b.name, ())]
                b.deps = [(a.name, ())]
                a.noise.add("benign-cycle")
                b.noise.add("benign-cycle")

        self.add("app.routers", "init", is_package=True)
        self.router_modules: list[Module] = []
        upper = [m for m in self.service_modules if m.layer >= 2] or self.service_modules
        used_routers: set[str] = set()
        for _ in range(n_routers):
            stem = self.unique(NOUNS + DOMAINS, used_routers, lambda s: s + rng.choice(["", "", "_admin", "_public", "_v2", "_reports"]))
            mod = self.add(f"app.routers.{stem}", "router")
            mod.exports = ["router"]
            mod.deps.append(("app.database", ("get_db",)))
            sch = rng.choice(self.schema_modules)
            mod.deps.append((sch.name, tuple(sch.exports[1:])))
            for s in dict.fromkeys(rng.sample(upper, min(len(upper), rng.randint(1, 3))) + [rng.choice(self.service_modules)]):
                mod.deps.append((s.name, (s.exports[0],)))
            if rng.random() < 0.6:
                mdl = rng.choice(self.model_modules)
                mod.deps.append((mdl.name, (mdl.exports[0],)))
            if rng.random() < 0.3:
                mod.deps.append(("app.core.security", ("create_token",)))
            self.router_modules.append(mod)
        self.add("app.main", "main")

    # ------------------------------------------------------------------ graph helpers

    def edges(self, name: str, recovered: bool = False) -> list[str]:
        """Modules whose code runs when `name` is imported: its imports and their parent
        packages; with `recovered`, also those of a file with a syntax error (blast radius)."""
        mod = self.mods[name]
        if name in self.syntax_hosts and not recovered:
            return _parents(name, self.mods)  # a file that does not compile runs none of its imports
        out = _parents(name, self.mods)
        for target, _names in mod.deps:
            if target in self.mods:
                out.append(target)
                out += _parents(target, self.mods)
        for line in mod.fault_imports:
            target = _fault_target(line)
            if target in self.mods:
                out.append(target)
                out += _parents(target, self.mods)
        return out

    def reverse_graph(self, recovered: bool = False) -> dict[str, set[str]]:
        rev: dict[str, set[str]] = {n: set() for n in self.mods}
        for name in self.mods:
            for t in self.edges(name, recovered):
                rev[t].add(name)
        return rev

    def routers_reaching(self, starts: list[str], rev: dict[str, set[str]]) -> list[str]:
        seen = set(starts)
        queue = deque(starts)
        while queue:
            cur = queue.popleft()
            for nxt in rev[cur]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return sorted(n for n in seen if self.mods[n].role == "router")

    def forward_closure(self, name: str) -> set[str]:
        seen = {name}
        stack = [name]
        while stack:
            cur = stack.pop()
            for t in self.edges(cur):
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        return seen

    def reach_counts(self) -> dict[str, int]:
        """How many routers reach each module: one pass over the DAG in reverse order (bitsets)."""
        bits: dict[str, int] = {}
        router_bit = {m.name: 1 << i for i, m in enumerate(self.router_modules)}
        rev = self.reverse_graph()
        for mod in sorted(self.mods.values(), key=lambda m: -m.order):
            acc = router_bit.get(mod.name, 0)
            for importer in rev[mod.name]:
                acc |= bits.get(importer, 0)
            bits[mod.name] = acc
        return {k: bin(v).count("1") for k, v in bits.items()}

    # ------------------------------------------------------------------ faults

    def pick_host(self, roles: tuple[str, ...], lo: int, hi: int, counts: dict[str, int], *, syntax: bool) -> Module:
        """A module of one of `roles` reached by lo..hi routers; the band widens when none fits."""
        n_r = len(self.router_modules)
        while True:
            try:
                return self._pick_host(roles, lo, hi, counts, syntax=syntax)
            except LookupError:
                if lo <= 1 and hi >= n_r:
                    raise RuntimeError(f"no host for a fault among {roles}") from None
                lo, hi = max(1, lo - 1), min(n_r, hi * 2)

    def _pick_host(self, roles: tuple[str, ...], lo: int, hi: int, counts: dict[str, int], *, syntax: bool) -> Module:
        blocked_below = set()
        for s in self.syntax_hosts:
            blocked_below |= self.forward_closure(s)
        cands = [
            m
            for m in self.mods.values()
            if m.role in roles and m.name not in self.hosts and m.name not in blocked_below and lo <= counts.get(m.name, 0) <= hi and "benign-cycle" not in m.noise
        ]
        cands.sort(key=lambda m: m.order)
        self.rng.shuffle(cands)
        if syntax:  # nothing faulty below a file that does not compile (see the module doc)
            cands = [next((m for m in cands if not (self.forward_closure(m.name) - {m.name}) & self.hosts), None)]
            cands = [m for m in cands if m is not None]
        if not cands:
            raise LookupError(roles)
        host = cands[0]
        self.hosts.add(host.name)
        if syntax:
            self.syntax_hosts.add(host.name)
        return host

    def inject(self) -> None:
        rng = self.rng
        counts = self.reach_counts()
        n_r = len(self.router_modules)
        small = max(2, n_r // 25)
        for kind in FAULT_KINDS:
            for k in range(self.faults_per_kind):
                fault = {"id": f"{kind}-{k + 1}", "kind": FAULT_META[kind][0], "code": FAULT_META[kind][1], "injected": kind, "runtime": FAULT_META[kind][2]}
                if kind == "parameter-order":
                    host = self.pick_host(("router",) if k % 2 == 0 else ("router", "service"), 1, small, counts, syntax=True)
                    fname = f"{host.name.rsplit('.', 1)[1]}_{rng.choice(VERBS)}_window"
                    if host.role == "router":
                        code = [
                            "",
                            "",
                            f'@router.get("/{fname}/{{item_id}}")',
                            f"async def {fname}(",
                            "    limit: int = 50,",
                            "    item_id: int,",
                            "    db: Session = Depends(get_db),",
                            "):",
                            f'    """Items of one window; the signature puts a default before a required parameter."""',
                            '    return {"item_id": item_id, "limit": limit}',
                        ]
                    else:
                        code = [
                            "",
                            "",
                            f"def {fname}(offset: int = 0, size: int, *, strict: bool = False) -> dict:",
                            '    return {"offset": offset, "size": size, "strict": strict}',
                        ]
                    host.appended += code
                    fault.update(file=host.path, module=host.name, symbol=fname, marker=f"def {fname}(")
                elif kind == "missing-comma":
                    host = self.pick_host(("service",), max(2, small), max(3, n_r // 8), counts, syntax=True)
                    const = f"{host.name.rsplit('.', 1)[1].upper()}_PROVIDERS"
                    host.appended += [
                        "",
                        "",
                        f"{const} = {{",
                        '    "google": {"scope": "openid email", "timeout": 10},',
                        '    "github": {"scope": "read:user", "timeout": 10}',
                        '    "slack": {"scope": "chat:write", "timeout": 5},',
                        "}",
                    ]
                    fault.update(file=host.path, module=host.name, symbol=None, marker='    "github": {"scope"')
                elif kind == "missing-dependency":
                    host = self.pick_host(("service", "router"), 1, small, counts, syntax=False)
                    dist, line = self.missing_pool[len([f for f in self.faults if f["injected"] == kind]) % len(self.missing_pool)]
                    host.fault_imports.append(line)
                    fault.update(file=host.path, module=host.name, symbol=dist, marker=line)
                elif kind == "missing-module":
                    host = self.pick_host(("service", "router"), 1, small, counts, syntax=False)
                    pkg = rng.choice([m.package for m in self.service_modules])
                    gone = f"{pkg}.{rng.choice(NOUNS)}_legacy_{k + 1}"
                    line = f"from {gone} import {rng.choice(VERBS)}_legacy"
                    host.fault_imports.append(line)
                    fault.update(file=host.path, module=host.name, symbol=gone, marker=line)
                elif kind == "missing-name":
                    host = self.pick_host(("service", "router"), 1, small, counts, syntax=False)
                    lower = [m for m in self.service_modules if m.order < host.order and m.name not in self.hosts and "benign-cycle" not in m.noise]
                    target = rng.choice(lower or [m for m in self.service_modules if m.name not in self.hosts and m.order < host.order])
                    name = f"{target.exports[0]}_v{k + 2}"
                    line = f"from {target.name} import {name}"
                    host.fault_imports.append(line)
                    fault.update(file=host.path, module=host.name, symbol=name, marker=line, target_module=target.name)
                elif kind == "duplicate-model":
                    host = self.pick_host(("service", "router"), 1, small, counts, syntax=False)
                    canon_mod = rng.choice([m for m in self.model_modules])
                    cls = canon_mod.exports[0]
                    stem = f"legacy_{canon_mod.name.rsplit('.', 1)[1]}_{k + 1}"
                    legacy = self.add(f"app.models.{stem}", "extra", exports=[cls])
                    legacy.deps.append(("app.database", ("Base",)))
                    legacy.noise.add(f"duplicate-of:{canon_mod.name}:{cls}")
                    line = f"from {legacy.name} import {cls}"
                    host.fault_imports.append(line)
                    fault.update(file=legacy.path, module=legacy.name, symbol=cls, marker=f"class {cls}(Base):", table=_table_name(cls), related=[canon_mod.path], importer=host.path, extra_modules=[legacy.name])
                elif kind == "shadowed-module":
                    host = self.pick_host(("service", "router"), 1, small, counts, syntax=False)
                    pkg = rng.choice([m.package for m in self.service_modules if m.order < host.order] or [self.service_modules[0].package])
                    stem = self.unique(NOUNS, self.used_stems, lambda s: f"{s}_compat")
                    dead = self.add(f"{pkg}.{stem}", "extra")  # the file: never importable
                    dead.path = f"{pkg.replace('.', '/')}/{stem}.py"
                    dead.noise.add("shadowed-file")
                    dead.exports = [f"{stem}_legacy_adapter", f"{stem}_active"]
                    live_name = f"{pkg}.{stem}"
                    live = Module(name=live_name, path=f"{pkg.replace('.', '/')}/{stem}/__init__.py", role="extra", order=self.order, exports=[f"{stem}_active"])
                    live.noise.add("shadowing-package")
                    self.order += 1
                    self.mods[live_name] = live  # the package wins: it is what `import` finds
                    self.shadow_files = getattr(self, "shadow_files", []) + [dead]
                    line = f"from {live_name} import {stem}_legacy_adapter"
                    host.fault_imports.append(line)
                    fault.update(file=dead.path, module=live_name, symbol=f"{stem}_legacy_adapter", marker=f"def {stem}_legacy_adapter(", importer=host.path, importer_marker=line, package_file=live.path)
                elif kind == "circular-import":
                    host = self.pick_host(("service", "router"), 1, small, counts, syntax=False)
                    pkg = rng.choice([m.package for m in self.service_modules])
                    stem = self.unique(NOUNS, self.used_stems, lambda s: s)
                    a = self.add(f"{pkg}.{stem}_sync", "extra", exports=[f"run_{stem}_sync"])
                    b = self.add(f"{pkg}.{stem}_jobs", "extra", exports=[f"run_{stem}_jobs"])
                    a.deps.append((b.name, (b.exports[0],)))
                    b.deps.append((a.name, (a.exports[0],)))
                    a.noise.add("cycle")
                    b.noise.add("cycle")
                    line = f"from {a.name} import {a.exports[0]}"
                    host.fault_imports.append(line)
                    # Entered through `a`, the import that fails is b's `from a import run_a_sync`.
                    fault.update(file=b.path, module=b.name, symbol=a.exports[0], marker=f"from {a.name} import {a.exports[0]}", related=[a.path], importer=host.path, extra_modules=[a.name, b.name])
                fault["host"] = host.name
                self.faults.append(fault)

    # ------------------------------------------------------------------ rendering

    def render_all(self) -> None:
        for mod in self.mods.values():
            mod.text = self.render(mod)
        for dead in getattr(self, "shadow_files", []):
            dead.text = self.render_dead(dead)

    def import_lines(self, mod: Module) -> list[str]:
        rng = random.Random(f"{self.seed}:{mod.name}")
        lines = []
        for target, names in mod.deps:
            if not names:
                lines.append(f"import {target}")
                continue
            parent = mod.name.rsplit(".", 1)[0] if mod.role != "init" else mod.name
            if target.rsplit(".", 1)[0] == parent and mod.role == "service" and rng.random() < 0.4:
                lines.append(f"from .{target.rsplit('.', 1)[1]} import {', '.join(names)}")
            else:
                lines.append(f"from {target} import {', '.join(names)}")
        return lines

    def uses(self, mod: Module) -> list[str]:
        names = []
        for target, imported in mod.deps:
            if imported and target.startswith("app.services"):
                names += [n for n in imported if n[0].islower()]
        return names

    def render(self, mod: Module) -> str:
        r = random.Random(f"{self.seed}:body:{mod.name}")
        if mod.role == "init":
            return self.render_init(mod)
        if mod.name == "app.core.config":
            return CONFIG_TEXT
        if mod.name == "app.core.logging_utils":
            return LOGGING_TEXT
        if mod.name == "app.core.security":
            return SECURITY_TEXT
        if mod.name == "app.database":
            return DATABASE_TEXT
        if mod.name == "app.main":
            return self.render_main()
        if mod.role in ("model",) or any(n.startswith("duplicate-of:") for n in mod.noise):
            body = self.render_models(mod, r)
        elif mod.role == "schema":
            body = self.render_schemas(mod, r)
        elif mod.role == "router":
            body = self.render_router(mod, r)
        elif "shadowing-package" in mod.noise:
            stem = mod.name.rsplit(".", 1)[1]
            body = [f'"""The {stem} adapters (a package; the module file beside it is dead)."""', "", "", f"def {stem}_active(payload=None):", "    return dict(payload or {})", ""]
            return "\n".join(body)
        elif "cycle" in mod.noise:
            return self.render_cycle(mod)
        else:
            body = self.render_service(mod, r)
        if mod.appended:
            body = body + mod.appended + [""]
        return "\n".join(body)

    def render_init(self, mod: Module) -> str:
        lines = [f'"""{mod.name} package."""']
        if mod.name == "app.models":
            lines = ['"""All models, imported once so that every table is registered on Base.metadata."""', ""]
            lines += self.import_lines(mod)
        return "\n".join(lines) + "\n"

    def header(self, mod: Module, r: random.Random, doc: str, extra_std: list[str] | None = None, future: bool = True) -> list[str]:
        out = [f'"""{doc}"""']
        if future:
            out.append("from __future__ import annotations")
        out.append("")
        std = sorted(set(r.sample(STDLIB_IMPORTS, r.randint(2, 5)) + ["import logging"] + (extra_std or [])))
        out += std
        if "version-branch" in mod.noise:
            out += ["import sys"]
        out.append("")
        if "guarded-optional" in mod.noise:
            out += ["try:", "    import orjson as _fast_json  # optional speed-up", "except ImportError:", "    _fast_json = None", ""]
        if "version-branch" in mod.noise:
            out += ["if sys.version_info >= (3, 12):", "    from typing import Self", "else:", "    from typing_extensions import Self", ""]
        if any(kind == "type-checking" for _t, _n, kind in mod.lazy_deps):
            out += ["from typing import TYPE_CHECKING", ""]
        return out

    def render_service(self, mod: Module, r: random.Random) -> list[str]:
        out = self.header(mod, r, f"{camel(mod.name.rsplit('.', 1)[1]).replace('_', ' ')}: {mod.package.rsplit('.', 1)[1]} domain logic.")
        out += self.import_lines(mod)
        out += mod.fault_imports
        for target, names, kind in mod.lazy_deps:
            if kind == "type-checking":
                out += ["", "if TYPE_CHECKING:", f"    from {target} import {', '.join(names)}"]
        out += ["", "logger = logging.getLogger(__name__)", ""]
        stem = mod.name.rsplit(".", 1)[1]
        base = stem.rsplit("_", 1)[0]
        out += [f'{base.upper()}_DEFAULTS = {{', f'    "batch_size": {r.choice([50, 100, 250, 500])},', f'    "retries": {r.randint(1, 5)},', f'    "ttl_seconds": {r.choice([60, 300, 900, 3600])},', '}', ""]
        collaborators = self.uses(mod)
        cls = camel(stem)
        out += ["", f"class {cls}:", f'    """Coordinates {base.replace("_", " ")} operations for one tenant."""', "", "    def __init__(self, config=None, *, tenant_id: str | None = None) -> None:", f"        self.config = dict({base.upper()}_DEFAULTS, **(config or {{}}))", "        self.tenant_id = tenant_id", "        self._seen: dict = {}", ""]
        for i in range(r.randint(2, 6)):
            meth = f"{r.choice(VERBS)}_{r.choice(NOUNS)}"
            out += [
                f"    def {meth}_{i}(self, items, *, limit: int = 100):",
                f'        """{meth.replace("_", " ").capitalize()} for up to `limit` items."""',
                "        results = []",
                "        for index, item in enumerate(items):",
                "            if index >= limit:",
                "                break",
                "            key = str(item.get(\"id\", index)) if isinstance(item, dict) else str(item)",
                "            if key in self._seen:",
                "                continue",
                "            self._seen[key] = item",
                f"            results.append({{\"key\": key, \"tenant\": self.tenant_id, \"step\": {i}}})",
            ]
            if collaborators and r.random() < 0.7:
                fn = r.choice(collaborators)
                out += [f"        results.extend([{fn}(entry, limit=limit) for entry in results[:3]])"]
            out += ["        logger.debug(\"%s processed %d\", self.__class__.__name__, len(results))", "        return results", ""]
        for export in mod.exports:
            if export == cls:
                continue
            out += ["", f"def {export}(payload=None, *, limit: int = 100) -> dict:", f'    """{export.replace("_", " ").capitalize()}."""', "    data = dict(payload or {})", "    total = 0", "    for key, value in sorted(data.items()):", "        if isinstance(value, (int, float)):", "            total += value", "        elif isinstance(value, str) and value.isdigit():", "            total += int(value)"]
            if collaborators and r.random() < 0.5:
                out += [f"    data[\"upstream\"] = {r.choice(collaborators)}(data, limit=limit)"]
            out += ['    data["total"] = total', '    data["limit"] = limit', "    return data"]
        for target, names, kind in mod.lazy_deps:
            if kind == "function":
                out += ["", f"def _late_{names[0]}(payload=None):", "    # imported here: the other module imports this one at module level", f"    from {target} import {', '.join(names)}", "", f"    return {names[0]}(payload)" if names[0][0].islower() else f"    return {names[0]}()"]
        for target, names in mod.deps:
            if not names:  # the benign plain-import cycle: attribute access only at call time
                out += ["", f"def _peer_{target.rsplit('.', 1)[1]}():", f"    return {target}.__name__"]
        if "guarded-optional" in mod.noise:
            out += ["", "def dumps(value) -> str:", "    if _fast_json is not None:", "        return _fast_json.dumps(value).decode()", "    return json.dumps(value, default=str)"] if "import json" in out else []
        out.append("")
        return out

    def render_cycle(self, mod: Module) -> str:
        (target, names), = mod.deps
        export = mod.exports[0]
        return "\n".join([
            f'"""{export.replace("_", " ")}: half of a pair that imports each other at module level."""',
            "import logging",
            "",
            f"from {target} import {', '.join(names)}",
            "",
            "logger = logging.getLogger(__name__)",
            "",
            "",
            f"def {export}(payload=None):",
            f"    # {names[0]} is bound only once the other module finished importing",
            f"    return {{\"peer\": {names[0]}.__name__, \"payload\": payload}}",
            "",
        ])

    def render_dead(self, dead: Module) -> str:
        legacy, active = dead.exports
        return "\n".join([
            '"""Old single-file version of the adapters; the package of the same name shadows this file."""',
            "",
            "",
            f"def {legacy}(payload=None):",
            "    return {\"legacy\": True, **dict(payload or {})}",
            "",
            "",
            f"def {active}(payload=None):",
            "    return dict(payload or {})",
            "",
        ])

    def render_models(self, mod: Module, r: random.Random) -> list[str]:
        out = [f'"""{mod.name.rsplit(".", 1)[1].replace("_", " ").capitalize()}: declarative models."""', "from datetime import datetime", "from typing import Optional", "",
               "from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, JSON, String, Text, UniqueConstraint, func",
               "from sqlalchemy.orm import Mapped, mapped_column, relationship", ""]
        out += self.import_lines(mod)
        dup = next((n for n in mod.noise if n.startswith("duplicate-of:")), None)
        prev_table = None
        for cls in mod.exports:
            table = _table_name(cls)
            out += ["", "", f"class {cls}(Base):", f'    __tablename__ = "{table}"']
            if r.random() < 0.5:
                out += [f'    __table_args__ = (UniqueConstraint("tenant_id", "name"), Index("ix_{table}_created", "created_at"))']
            out += ["", "    id: Mapped[int] = mapped_column(Integer, primary_key=True)", "    tenant_id: Mapped[str] = mapped_column(String(36), index=True)", "    name: Mapped[str] = mapped_column(String(200))"]
            for c in range(r.randint(2, 8 if not dup else 3)):
                col = f"{r.choice(NOUNS)}_{c}"
                typ = r.choice(["Mapped[Optional[str]] = mapped_column(Text)", "Mapped[float] = mapped_column(Float, default=0.0)", "Mapped[bool] = mapped_column(Boolean, default=False)", "Mapped[Optional[dict]] = mapped_column(JSON)", "Mapped[int] = mapped_column(Integer, default=0)"])
                out.append(f"    {col}: {typ}")
            out += ["    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())"]
            if prev_table and not dup and r.random() < 0.5:
                out += [f'    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("{prev_table}.id"))']
            out += ["", "    def __repr__(self) -> str:", f'        return f"<{cls} {{self.id}} {{self.name!r}}>"']
            prev_table = table
        out.append("")
        return out

    def render_schemas(self, mod: Module, r: random.Random) -> list[str]:
        base, create, read = mod.exports
        out = [f'"""Request and response schemas: {base.removesuffix("Base")}."""', "from __future__ import annotations", "", "from datetime import datetime", "from typing import List, Optional", "", "from pydantic import BaseModel, Field", ""]
        out += self.import_lines(mod)
        fields = [f"    {r.choice(NOUNS)}_{i}: {r.choice(['Optional[str] = None', 'int = 0', 'float = 0.0', 'bool = False', 'List[str] = Field(default_factory=list)'])}" for i in range(r.randint(2, 7))]
        out += ["", "", f"class {base}(BaseModel):", '    name: str = Field(..., min_length=1, max_length=200)'] + fields
        out += ["", "", f"class {create}({base}):", "    tenant_id: Optional[str] = None"]
        out += ["", "", f"class {read}({base}):", "    id: int", "    created_at: Optional[datetime] = None", "", "    model_config = {\"from_attributes\": True}", ""]
        return out

    def render_router(self, mod: Module, r: random.Random) -> list[str]:
        stem = mod.name.rsplit(".", 1)[1]
        out = [f'"""HTTP API: {stem.replace("_", " ")}."""', "from __future__ import annotations", "", "import logging", "from typing import List, Optional", "",
               "from fastapi import APIRouter, Depends, HTTPException, Query", "from sqlalchemy.orm import Session", ""]
        out += self.import_lines(mod)
        out += mod.fault_imports
        out += ["", "logger = logging.getLogger(__name__)", f'router = APIRouter(prefix="/{stem.replace("_", "-")}", tags=["{stem}"])', ""]
        schema = next(names for t, names in mod.deps if t.startswith("app.schemas."))
        create, read = schema
        services = [n for t, names in mod.deps if t.startswith("app.services.") for n in names]
        out += ["", f'@router.get("/", response_model=List[{read}])', f"async def list_{stem}(", "    skip: int = 0,", "    limit: int = Query(50, le=500),", "    db: Session = Depends(get_db),", "):",
                f'    """List {stem.replace("_", " ")}."""', "    return []"]
        out += ["", f'@router.post("/", response_model={read}, status_code=201)', f"async def create_{stem}(payload: {create}, db: Session = Depends(get_db)):", "    data = payload.model_dump()"]
        for s in services[:2]:
            out += [f"    data.update({s}(data) if callable({s}) else {{}})"]
        out += ['    return {"id": 1, **data}']
        for i in range(r.randint(1, 4)):
            verb = r.choice(VERBS)
            out += ["", f'@router.get("/{{item_id}}/{verb}-{i}")', f"async def {verb}_{stem}_{i}(item_id: int, verbose: bool = False, db: Session = Depends(get_db)):", "    if item_id < 0:", '        raise HTTPException(status_code=404, detail="not found")', f'    return {{"item_id": item_id, "step": "{verb}", "verbose": verbose}}']
        out.append("")
        return out

    def render_main(self) -> str:
        names = "\n".join(f'    "{m.name.rsplit(".", 1)[1]}",' for m in self.router_modules)
        return MAIN_TEXT.replace("__ROUTERS__", names)

    # ------------------------------------------------------------------ output

    def write(self, out: Path) -> dict:
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        files = list(self.mods.values()) + list(getattr(self, "shadow_files", []))
        total_lines = 0
        for mod in files:
            path = out / mod.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(mod.text, encoding="utf-8")
            total_lines += mod.text.count("\n")
        (out / "pyproject.toml").write_text(PYPROJECT_TEXT, encoding="utf-8")
        return {"files": len(files), "lines": total_lines}

    def ground_truth(self, stats: dict) -> dict:
        rev = self.reverse_graph()
        blocking = self.reverse_graph(recovered=True)
        by_path = {m.path: m for m in list(self.mods.values()) + list(getattr(self, "shadow_files", []))}
        blocked: dict[str, list[str]] = {}
        for fault in self.faults:
            text = by_path[fault["file"]].text
            fault["line"] = _line_of(text, fault["marker"])
            if fault["injected"] in ("parameter-order", "missing-comma"):
                try:
                    compile(text, fault["file"], "exec")
                    raise RuntimeError(f"{fault['file']} compiles although a syntax error was injected")
                except SyntaxError as exc:
                    fault["line"] = exc.lineno
                    fault["message"] = exc.msg
                    fault["line_range"] = [min(exc.lineno, _line_of(text, fault["marker"])), max(exc.lineno, exc.end_lineno or exc.lineno)]
            fault.setdefault("line_range", [fault["line"], fault["line"]])
            if "importer" in fault:
                marker = fault.get("importer_marker") or next(l for l in self.mods[fault["host"]].fault_imports if fault["symbol"] in l or fault["module"] in l)
                fault["importer_line"] = _line_of(by_path[fault["importer"]].text, marker)
            starts = [fault["host"]] + fault.get("extra_modules", [])
            fault["blocks"] = self.routers_reaching(starts, rev if fault["injected"] == "circular-import" else blocking)
            for r in fault["blocks"]:
                blocked.setdefault(r, []).append(fault["id"])
            del fault["marker"]
            fault.pop("importer_marker", None)
        degree = [len(m.deps) for m in self.mods.values() if m.role in ("service", "router")]
        return {
            "generator": {"modules": self.target, "seed": self.seed, "faults_per_kind": self.faults_per_kind, "python": "%d.%d" % sys.version_info[:2], **stats,
                          "mean_first_party_imports": round(sum(degree) / max(1, len(degree)), 2), "max_first_party_imports": max(degree or [0])},
            "entry_points": sorted(m.name for m in self.router_modules),
            "blocked": dict(sorted(blocked.items())),
            "faults": self.faults,
        }


def _importable(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name.split(".")[0]) is not None and (
            "." not in name or importlib.util.find_spec(name) is not None
        )
    except (ImportError, ValueError):
        return False


def _parents(name: str, mods: dict[str, Module]) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]) in mods]


def _fault_target(line: str) -> str:
    words = line.split()
    return words[1]


def _table_name(cls: str) -> str:
    out = []
    for i, ch in enumerate(cls):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out) + "s"


def _line_of(text: str, marker: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if marker.strip() in line:
            return i
    raise RuntimeError(f"marker {marker!r} not found")


def generate(out: Path, modules: int, seed: int = 1, faults_per_kind: int | None = None) -> dict:
    """Write the project to `out` (replacing it) and return its ground truth (also in ground_truth.json)."""
    gen = Generator(modules, seed, faults_per_kind)
    gen.build()
    gen.inject()
    gen.render_all()
    stats = gen.write(out)
    truth = gen.ground_truth(stats)
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth


def runtime_failures(project: Path, python: str = sys.executable, timeout: float = 600) -> dict[str, dict]:
    """Run the generated app's router loop in a subprocess: {router module: {"type", "message"}}."""
    proc = subprocess.run([python, "-m", "app.main", "--check", "--json"], cwd=project, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(project)})
    if proc.returncode != 0:
        raise RuntimeError(f"app.main --check failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    return {f"app.routers.{name}": info for name, info in report["failed"].items()}


def check(project: Path, truth: dict) -> list[str]:
    """Differences between what really fails at run time and the ground truth (empty: consistent)."""
    failed = runtime_failures(project)
    problems = []
    expected = set(truth["blocked"])
    for r in sorted(set(failed) - expected):
        problems.append(f"{r} fails at run time but no fault blocks it: {failed[r]}")
    for r in sorted(expected - set(failed)):
        problems.append(f"{r} imports at run time but the ground truth says {truth['blocked'][r]} block it")
    faults = {f["id"]: f for f in truth["faults"]}
    for r, ids in truth["blocked"].items():
        if len(ids) == 1 and r in failed and failed[r]["type"] != faults[ids[0]]["runtime"]:
            problems.append(f"{r}: expected {faults[ids[0]]['runtime']} from {ids[0]}, got {failed[r]['type']}: {failed[r]['message']}")
    return problems


CONFIG_TEXT = '''"""Settings read from the environment once, at import."""
from __future__ import annotations

import os


class Settings:
    PROJECT_NAME: str = os.environ.get("PROJECT_NAME", "Synthetic Backend")
    DATABASE_URL: str = os.environ.get("DATABASE_URL", "sqlite:///./app.db")
    SECRET_KEY: str = os.environ.get("SECRET_KEY", "change-me")
    TOKEN_TTL_SECONDS: int = int(os.environ.get("TOKEN_TTL_SECONDS", "3600"))


settings = Settings()
'''

LOGGING_TEXT = '''"""Structured logging helpers."""
from __future__ import annotations

import json
import logging


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)


def log_event(logger: logging.Logger, event: str, **fields) -> None:
    logger.info("%s %s", event, json.dumps(fields, default=str, sort_keys=True))
'''

SECURITY_TEXT = '''"""Password hashing and signed tokens (stdlib only)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from app.core.config import settings


def hash_password(password: str, salt: bytes = b"synthetic") -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000).hex()


def verify_password(password: str, digest: str) -> bool:
    return hmac.compare_digest(hash_password(password), digest)


def create_token(subject: str) -> str:
    body = json.dumps({"sub": subject, "exp": int(time.time()) + settings.TOKEN_TTL_SECONDS}).encode()
    sig = hmac.new(settings.SECRET_KEY.encode(), body, hashlib.sha256).hexdigest()
    return base64.urlsafe_b64encode(body).decode() + "." + sig
'''

DATABASE_TEXT = '''"""Session factory and the single declarative Base."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.core.config import settings

SessionLocal = sessionmaker(autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    """Every model registers on Base.metadata."""


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
'''

MAIN_TEXT = '''"""Application entry: builds the FastAPI app and loads every router by name.

    python -m app.main --check --json     # which routers load, then exit
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from typing import Dict, List

from fastapi import FastAPI

from app.core.config import settings

logger = logging.getLogger("app.main")

ROUTERS = [
__ROUTERS__
]

LOADED_ROUTERS: List[str] = []
FAILED_ROUTERS: Dict[str, BaseException] = {}


def load_routers(app: FastAPI) -> int:
    for name in ROUTERS:
        try:
            module = importlib.import_module(f"app.routers.{name}")
            app.include_router(module.router, prefix="/api")
            LOADED_ROUTERS.append(name)
        except Exception as exc:  # one broken router must not keep the others down
            FAILED_ROUTERS[name] = exc
            logger.warning("Failed to load router %s: %s", name, exc)
    return len(LOADED_ROUTERS)


app = FastAPI(title=settings.PROJECT_NAME)
load_routers(app)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.main")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.check and args.json:
        failed = {n: {"type": type(e).__name__, "message": " ".join(str(e).split())} for n, e in FAILED_ROUTERS.items()}
        print(json.dumps({"loaded": LOADED_ROUTERS, "failed": failed}))
    elif args.check:
        print(f"{len(LOADED_ROUTERS)}/{len(ROUTERS)} routers loaded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

PYPROJECT_TEXT = '''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "synthetic-backend"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["fastapi>=0.110", "sqlalchemy>=2.0", "pydantic>=2.5"]

[tool.setuptools.packages.find]
include = ["app*"]
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=1000, help="number of modules, about (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults-per-kind", type=int, default=None, help="default: 1 + modules // 5000")
    parser.add_argument("--check", action="store_true", help="run the router loop and compare with the ground truth")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    truth = generate(args.out, args.modules, args.seed, args.faults_per_kind)
    g = truth["generator"]
    print(f"{args.out}: {g['files']} files, {g['lines']} lines, {len(truth['entry_points'])} routers, "
          f"{len(truth['faults'])} faults blocking {len(truth['blocked'])} routers ({time.perf_counter() - t0:.1f}s)")
    if args.check:
        problems = check(args.out, truth)
        for p in problems:
            print("MISMATCH", p)
        print("runtime check:", "consistent" if not problems else f"{len(problems)} mismatches")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
