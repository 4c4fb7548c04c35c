"""`fixkit verify`: import each entry point for real and explain each failure.

Also holds what `apply` and `report` share with it: loading the project and its
plan, and running the whole verification (entry points, app routes, database).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from fixkit.errors import FixkitError
from fixkit.verify import (
    VerifyResult,
    check_app,
    check_database,
    detect_app,
    explain_failures,
    verify_entry_points,
)


@dataclass
class Loaded:
    config: Any
    project: Any  # fixkit.project.Project
    plan: Any  # fixkit.plan.Plan


def project_root(path: str) -> Path:
    root = Path(path)
    if not root.exists():
        raise FixkitError(f"{path}: no such directory")
    if not root.is_dir():
        raise FixkitError(f"{path}: not a directory (give the project root)")
    return root.resolve()


def load(args: argparse.Namespace) -> Loaded:
    """Config (as `fixkit plan` reads it), discovered project and a fresh plan for PATH."""
    project_root(args.path)
    from fixkit.commands.plan import config_from_args
    from fixkit.plan import make_plan
    from fixkit.project import discover

    config = config_from_args(args)
    project = discover(config)
    plan = make_plan(config)
    return Loaded(config, project, plan)


def _source_texts(project: Any, predicate) -> dict[str, str]:
    out = {}
    for rel, sf in getattr(project, "files", {}).items():
        if not predicate(rel, sf):
            continue
        try:
            out[sf.module or rel] = (project.root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return out


def run_verification(
    loaded: Loaded,
    *,
    timeout: float = 30.0,
    app: str | None = None,
    expect_routes: Sequence[str] = (),
    database: str | None = None,
    find_app: bool = True,
) -> VerifyResult:
    project, plan = loaded.project, loaded.plan
    root = Path(project.root)
    entry = list(plan.entry_points)
    modules = [e.module for e in entry]
    files = {e.module: e.file for e in entry}
    python = project.python or sys.executable
    paths = tuple(project.source_roots or ("",))
    items = verify_entry_points(root, modules, python=python, paths=paths, timeout=timeout)
    items, fk901 = explain_failures(items, plan, files)
    result = VerifyResult(tuple(items), tuple(fk901))
    if app is None and (find_app or expect_routes):
        app = detect_app(root, {m: sf.path for m, sf in getattr(project, "modules", {}).items()})
    routes = None
    if app:
        failed = {i.module for i in items if not i.ok}
        failed_texts = {}
        for m in failed:
            try:
                failed_texts[m] = (root / files[m]).read_text(encoding="utf-8", errors="replace")
            except (OSError, KeyError):
                continue
        blockers: dict[str, list[str]] = {}
        for e in entry:
            ids = list(e.blocked_by)
            item = result.item(e.module)
            if item is not None and item.diagnosis and item.diagnosis not in ids:
                ids.insert(0, item.diagnosis)
            blockers[e.module] = ids
        prefix_texts = _source_texts(
            project, lambda rel, sf: rel.endswith(".py") and sf.module not in failed
        ).values()
        prefix_texts = [t for t in prefix_texts if "include_router" in t or "register_blueprint" in t]
        routes = check_app(
            root, app, python=python, paths=paths, timeout=timeout, expect=expect_routes,
            failed=failed_texts, blockers=blockers, prefix_texts=prefix_texts,
        )
    db = None
    if database:
        db = check_database(root, database, modules, python=python, paths=paths, timeout=max(timeout, 60.0))
    return VerifyResult(result.items, result.runtime_diagnoses, routes, db)


def diagnosis_label(plan: Any, result: VerifyResult, ident: str | None) -> str:
    if not ident:
        return ""
    for d in list(getattr(plan, "diagnoses", ())) + list(result.runtime_diagnoses):
        if d.id == ident:
            return f"{d.id} {d.kind} {d.file}:{d.line}"
    return ident


def render_text(plan: Any, result: VerifyResult, *, list_routes: bool = False) -> str:
    lines = [f"{result.loaded}/{result.total} entry points import"]
    for item in result.items:
        if item.ok:
            continue
        label = diagnosis_label(plan, result, item.diagnosis)
        lines.append(f"  FAIL {item.module}: {item.error}")
        if label:
            lines.append(f"       explained by {label}")
    if result.runtime_diagnoses:
        lines.append("")
        lines.append("Runtime errors static analysis could not see:")
        for d in result.runtime_diagnoses:
            lines.append(f"  {d.code} {d.file}:{d.line} {d.message} (blocks {', '.join(d.blocks)})")
    if result.routes is not None:
        r = result.routes
        lines.append("")
        if r.ok:
            lines.append(f"App {r.app}: {len(r.routes)} routes registered")
        else:
            lines.append(f"App {r.app} could not be built: {r.error}")
        if list_routes:
            lines.extend(f"  {m:7} {p}" for m, p in r.routes)
        for c in r.checks:
            if c.registered:
                lines.append(f"  OK   {c.method} {c.path} is registered")
                continue
            lines.append(f"  MISSING {c.method} {c.path} is not registered")
            if c.providers:
                for module, loc in zip(c.providers, c.locations):
                    lines.append(f"       declared in {module} (line {loc.rsplit(':', 1)[-1]}), which failed to import")
                for ident in c.diagnoses:
                    lines.append(f"       blocked by {diagnosis_label(plan, result, ident)}")
            else:
                lines.append("       no failed entry point declares it")
    if result.database is not None:
        db = result.database
        lines.append("")
        if not db.ok:
            lines.append(f"Database {db.url}: could not compare: {db.error}")
        else:
            lines.append(
                f"Database {db.url}: {len(db.model_tables)} model tables, {len(db.database_tables)} tables in the database"
                + (" — they match" if db.matches else "")
            )
            for t in db.missing_tables:
                lines.append(f"  missing in database: {t}")
            for t in db.unmodelled_tables:
                lines.append(f"  table without a model: {t}")
            for c in db.columns:
                detail = f" (model {c.model}, database {c.database})" if c.model and c.database else ""
                lines.append(f"  {c.table}.{c.column}: {c.problem}{detail}")
    return "\n".join(lines) + "\n"


def verification_ok(result: VerifyResult) -> bool:
    if result.loaded != result.total:
        return False
    if result.routes is not None and (not result.routes.ok or any(not c.registered for c in result.routes.checks)):
        return False
    if result.database is not None and not result.database.matches:
        return False
    return True


def write_output(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise FixkitError(f"{output}: cannot write: {exc.strerror}") from None
    else:
        sys.stdout.write(text)


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    result = run_verification(
        loaded, timeout=args.timeout, app=args.app, expect_routes=args.expect_route, database=args.database
    )
    if args.format == "json":
        text = json.dumps(result.to_dict(), indent=2) + "\n"
    else:
        text = render_text(loaded.plan, result, list_routes=bool(args.app))
    write_output(text, args.output)
    return 0 if verification_ok(result) else 1
