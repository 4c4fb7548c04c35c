"""The Markdown verification report of `fixkit report`, in the spirit of the seed report.

The seed report's author could only estimate; this report states what was measured:
the entry points that import before and after the last `fixkit apply` (from its
journal) and now (a fresh `verify`), the root causes with their blast radius, what was
fixed, and what remains with its exact next action and a priority.

Priorities are derived, not guessed:
* P0 — the cause keeps an expected route (`--expect-route`) from being served;
* P1 — it blocks five entry points or more;
* P2 — a missing package, or it blocks two to four entry points;
* P3 — everything else.

Everything works on plain records (dicts) so that the "before" side can come from
the journal an earlier process wrote.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Mapping, Sequence

from fixkit.model import Diagnosis


def diagnosis_record(d: Diagnosis) -> dict[str, Any]:
    fix = d.fix
    return {
        "id": d.id,
        "code": d.code,
        "kind": d.kind,
        "message": d.message,
        "file": d.file,
        "line": d.line,
        "module": d.module,
        "symbol": d.symbol,
        "blocks": list(d.blocks),
        "related": [{"file": r.file, "line": r.line} for r in d.related],
        "fix": None
        if fix is None
        else {
            "summary": fix.summary,
            "safety": fix.safety.value,
            "distribution": fix.distribution,
            "requirements": list(fix.requirements),
            "notes": list(fix.notes),
            "files": list(fix.paths),
        },
    }


def verify_record(result: Any) -> dict[str, Any]:
    """A VerifyResult as the journal keeps it."""
    return result.to_dict()


def priority(rec: Mapping[str, Any], route_blockers: Iterable[str] = ()) -> str:
    if rec["id"] in set(route_blockers):
        return "P0"
    n = len(rec.get("blocks") or ())
    if n >= 5:
        return "P1"
    if rec["kind"] == "missing-dependency" or n >= 2:
        return "P2"
    return "P3"


def next_action(rec: Mapping[str, Any], refused: str | None = None) -> str:
    """The one thing a person (or fixkit) should do next about this cause."""
    fix = rec.get("fix")
    where = f"`{rec['file']}:{rec['line']}`"
    if fix and fix.get("distribution"):
        dist = fix["distribution"]
        wanted = " ".join(f"'{r}'" for r in fix.get("requirements") or [dist])
        how = f"install it: `pip install {wanted}` (or `fixkit apply --install`)"
        if fix["safety"] == "manual":
            return f"decide whether `{dist}` is the right distribution ({'; '.join(fix.get('notes') or []) or fix['summary']}), then {how}"
        return how
    if fix and fix["safety"] == "safe":
        if refused:
            return f"fixkit refused the safe fix ({refused}); apply it by hand: {fix['summary']}"
        return f"run `fixkit apply`: {fix['summary']}"
    if fix and fix["safety"] == "review":
        return f"review the proposed fix, then run `fixkit apply --unsafe`: {fix['summary']}"
    if fix and fix["safety"] == "manual":
        notes = "; ".join(fix.get("notes") or [])
        return f"decide by hand: {fix['summary']}" + (f" ({notes})" if notes else "")
    kind = rec["kind"]
    if kind == "runtime-error":
        return f"read the exception raised at {where} during import and fix the initialisation ({rec['message']})"
    if kind == "missing-dependency":
        return f"find the distribution that provides `{rec.get('symbol')}` and declare it (`fixkit resolve {rec.get('symbol')}`)"
    return f"fix by hand at {where}: {rec['message']}"


def _escape(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _status(item: Mapping[str, Any] | None) -> str:
    if item is None:
        return "—"
    return "✅ loads" if item["ok"] else "❌ fails"


def render(
    *,
    project: str,
    now: Mapping[str, Any],
    remaining: Sequence[Mapping[str, Any]],
    before: Mapping[str, Any] | None = None,
    causes_before: Sequence[Mapping[str, Any]] | None = None,
    applied: Sequence[Mapping[str, Any]] = (),
    rolled_back: Sequence[Mapping[str, Any]] = (),
    installed: Sequence[str] = (),
    apply_time: str | None = None,
    generated: str | None = None,
) -> str:
    """The report.  `now`/`before` are verify records (VerifyResult.to_dict()),
    `remaining`/`causes_before` diagnosis records (diagnosis_record)."""
    generated = generated or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    total, loaded = now["total"], now["loaded"]
    runtime = [r for r in now.get("runtime_diagnoses") or ()]
    remaining_all = list(remaining) + [
        {**r, "symbol": None, "module": None, "related": [], "fix": None} for r in runtime if r["id"] not in {x["id"] for x in remaining}
    ]
    routes = now.get("routes") or None
    route_blockers = [d for c in (routes or {}).get("expected", []) if not c["registered"] for d in c["diagnoses"]]
    missing_routes = [c for c in (routes or {}).get("expected", []) if not c["registered"]]
    db = now.get("database") or None
    # A fix applied whose cause is still found is not a fix yet: a dependency declared
    # but not installed still blocks every entry point it blocked.
    still_found = {r["id"]: r for r in remaining_all}
    pending = [f for f in applied if f.get("id") in still_found]
    fixed = [f for f in applied if f.get("id") not in still_found]

    out: list[str] = []
    w = out.append
    w(f"# Verification Report: {project}")
    w(f"**Generated:** {generated} by `fixkit report` (entry points imported for real, each in its own subprocess)  ")
    if apply_time:
        w(f"**Last `fixkit apply`:** {apply_time}")
    w("")
    w("---")
    w("")
    w("## Executive Summary")
    w("")
    if loaded == total and not missing_routes and (db is None or db.get("matches")):
        overall = "✅ **ALL ENTRY POINTS IMPORT**"
    elif loaded == total:
        overall = "⚠️ **ENTRY POINTS IMPORT, CHECKS FAILED**"
    else:
        overall = f"⚠️ **PARTIAL: {total - loaded} ENTRY POINTS STILL FAIL**"
    w(f"**Overall Status:** {overall}")
    w("")
    if before is not None:
        w(f"Entry points importing: **{before['loaded']}/{before['total']} → {loaded}/{total}** after the fixes.")
    else:
        w(f"Entry points importing: **{loaded}/{total}**.")
    for c in missing_routes:
        w(f"- ❌ `{c['route']}` is **not served**" + (f": declared in {', '.join('`' + p + '`' for p in c['providers'])}, which failed to import." if c["providers"] else "."))
    for c in (routes or {}).get("expected", []):
        if c["registered"]:
            w(f"- ✅ `{c['route']}` is served.")
    w("")
    w("### Summary Statistics")
    w("")
    w(f"- **Total entry points:** {total}")
    if before is not None:
        w(f"- **Importing before the fixes:** {before['loaded']} ({_rate(before)})")
    w(f"- **Importing now:** {loaded} ({_rate(now)})")
    w(f"- **Failing now:** {total - loaded}")
    if causes_before is not None:
        w(f"- **Root causes found before the fixes:** {len(causes_before)}")
    extra = [f"{len(pending)} not effective yet, see What Remains"] if pending else []
    extra += [f"{len(rolled_back)} rolled back because verification got worse"] if rolled_back else []
    w(f"- **Fixes applied:** {len(applied)}" + (f" ({'; '.join(extra)})" if extra else ""))
    if installed:
        w(f"- **Distributions installed:** {', '.join(installed)}")
    w(f"- **Root causes remaining:** {len(remaining_all)}")
    w("")

    w("## 1. Entry Point Status")
    w("")
    before_items = {i["module"]: i for i in (before or {}).get("items", [])}
    labels = {r["id"]: r for r in list(causes_before or []) + remaining_all}
    if before is not None:
        w("| Entry point | Before | Now | Cause now |")
        w("|---|---|---|---|")
    else:
        w("| Entry point | Now | Cause |")
        w("|---|---|---|")
    for item in now["items"]:
        cause = ""
        if not item["ok"]:
            rec = labels.get(item.get("diagnosis") or "")
            cause = f"{rec['code']} {rec['kind']}: {_escape(rec['message'])}" if rec else _escape(item.get("error") or "")
        if before is not None:
            w(f"| `{item['module']}` | {_status(before_items.get(item['module']))} | {_status(item)} | {cause} |")
        else:
            w(f"| `{item['module']}` | {_status(item)} | {cause} |")
    w("")

    w("## 2. Root Causes and Blast Radius")
    w("")
    causes = list(causes_before) if causes_before is not None else remaining_all
    if not causes:
        w("No root causes found.")
    remaining_ids = {r["id"] for r in remaining_all}
    for rec in sorted(causes, key=lambda r: (-len(r.get("blocks") or ()), r["file"], r["line"])):
        state = "remaining" if rec["id"] in remaining_ids else "fixed"
        blocks = rec.get("blocks") or []
        w(f"### {rec['code']} {rec['kind']} — `{rec['file']}:{rec['line']}` ({state})")
        w("")
        w(f"{rec['message']}")
        w("")
        w(f"**Blast radius:** {len(blocks)} entry point{'s' if len(blocks) != 1 else ''}" + (": " + ", ".join(f"`{b}`" for b in blocks) if blocks else ""))
        if rec.get("related"):
            w("")
            w("Also involved: " + ", ".join(f"`{r['file']}:{r['line']}`" for r in rec["related"]))
        w("")

    w("## 3. What Was Fixed")
    w("")
    if not applied:
        w("Nothing has been applied yet (run `fixkit apply`).")
    elif not fixed:
        w(f"Nothing is fixed yet: the cause of every fix applied is still found ({len(pending)}, listed under What Remains).")
    by_id = {r["id"]: r for r in causes_before or ()}
    now_ok = {i["module"] for i in now["items"] if i["ok"]}
    for fix in fixed:
        files = ", ".join(f"`{f}`" for f in fix.get("files") or [])
        w(f"- ✅ **{fix.get('code', '')}** {fix['summary']}" + (f" — {files}" if files else ""))
        cause = by_id.get(fix.get("id", ""))
        if cause and cause.get("blocks"):
            freed = [b for b in cause["blocks"] if b in now_ok]
            w(f"  - entry points it blocked that import now: {len(freed)}/{len(cause['blocks'])}" + (": " + ", ".join(f"`{b}`" for b in freed) if freed else ""))
    for rb in rolled_back:
        w(f"- ↩️ rolled back: {rb['summary']} — {rb['reason']}")
    if applied:
        w("")
        w("Every touched file is journaled: `fixkit undo` restores them byte for byte.")
    w("")

    w("## 4. What Remains")
    w("")
    if not remaining_all:
        w("Nothing: every root cause is fixed.")
    else:
        applied_for = {f["id"]: f for f in pending}
        for rec in remaining_all:
            fix = applied_for.get(rec["id"])
            if fix is not None:
                files = ", ".join(f"`{f}`" for f in fix.get("files") or [])
                w(f"- ⏳ **{fix.get('code', '')}** {fix['summary']}" + (f" — {files}" if files else "")
                  + f": applied by the last `fixkit apply`, {_not_yet(rec)}; next: {next_action(rec)}")  # fmt: skip
        if pending:
            w("")
        w("| Priority | Cause | Blocks | Next action |")
        w("|---|---|---|---|")
        ranked = sorted(remaining_all, key=lambda r: (priority(r, route_blockers), -len(r.get("blocks") or ()), r["file"], r["line"]))
        for rec in ranked:
            w(
                f"| {priority(rec, route_blockers)} | {rec['code']} {rec['kind']} `{rec['file']}:{rec['line']}`: {_escape(rec['message'])} "
                f"| {len(rec.get('blocks') or ())} | {_escape(next_action(rec))} |"
            )
    w("")

    if routes is not None:
        w("## 5. Endpoint Verification")
        w("")
        if routes.get("ok"):
            w(f"App `{routes['app']}` built in a subprocess: **{routes['count']} routes** registered.")
        else:
            w(f"App `{routes['app']}` could not be built: {routes.get('error')}")
        w("")
        for c in routes.get("expected", []):
            if c["registered"]:
                w(f"- ✅ `{c['route']}`: registered")
                continue
            w(f"- ❌ `{c['route']}`: **not registered** (requests get 404)")
            for loc in c.get("locations") or []:
                w(f"  - declared at `{loc}`, a module that failed to import")
            for ident in c.get("diagnoses") or []:
                rec = labels.get(ident)
                if rec:
                    w(f"  - blocked by {rec['code']} {rec['kind']} `{rec['file']}:{rec['line']}` — next: {next_action(rec)}")
        w("")
    if db is not None:
        w("## 6. Database Verification")
        w("")
        if not db.get("ok"):
            w(f"Could not compare with `{db['url']}`: {db.get('error')}")
        else:
            w(f"`{db['url']}`: {db['model_tables']} tables in the models that import, {db['database_tables']} in the database.")
            w("")
            if db.get("matches"):
                w("✅ Every model table exists with the same columns.")
            for t in db["missing_tables"]:
                w(f"- ❌ table `{t}` has a model but is missing in the database")
            for t in db["tables_without_model"]:
                w(f"- ⚠️ table `{t}` exists in the database but no imported model defines it")
            for c in db["columns"]:
                detail = f" (model `{c['model']}`, database `{c['database']}`)" if c.get("model") and c.get("database") else ""
                w(f"- ⚠️ `{c['table']}.{c['column']}`: {c['problem']}{detail}")
            if db.get("failed_imports"):
                w("")
                w(f"Models behind {len(db['failed_imports'])} failing entry points could not be compared.")
        w("")
    w("---")
    w("")
    w("*Produced by fixkit; nothing in this report is estimated.*")
    return "\n".join(out) + "\n"


def _not_yet(rec: Mapping[str, Any]) -> str:
    if rec["kind"] == "missing-dependency":
        return "but the dependency it declared is not installed yet"
    return "but the cause is still found"


def _rate(v: Mapping[str, Any]) -> str:
    return f"{100.0 * v['loaded'] / v['total']:.1f}%" if v["total"] else "n/a"
