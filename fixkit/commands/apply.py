"""`fixkit apply`: apply the plan's fixes, verify before and after, journal for undo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

from fixkit.apply import Applier, FileState, atomic_write, check_plan_current, eligible
from fixkit.commands.verify import Loaded, load, project_root, run_verification
from fixkit.errors import FixkitError
from fixkit.model import Diagnosis, merge_edits, unified_diff
from fixkit.reporters.verification import diagnosis_record, next_action
from fixkit.verify import verify_entry_points


def _diffs(chosen: Sequence[Diagnosis], states: Mapping[str, FileState]) -> str:
    per_file: dict[str, list] = {}
    for d in chosen:
        for e in d.fix.edits:  # type: ignore[union-attr]
            per_file.setdefault(e.path, []).append(e)
    out = []
    for path in sorted(per_file):
        edits = per_file[path]
        edit = edits[0] if len(edits) == 1 else merge_edits(edits)
        out.append(unified_diff(edit, states[path].text if states[path].exists else None))
    return "".join(out)


def _load_saved_plan(path: str) -> Any:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise FixkitError(f"{path}: cannot read: {exc.strerror}") from None
    except ValueError as exc:
        raise FixkitError(f"{path}: not a JSON plan: {exc}") from None
    from fixkit.plan import Plan

    from_dict = getattr(Plan, "from_dict", None)
    if from_dict is None:  # pragma: no cover - until the engine provides it
        raise FixkitError("apply --plan: this build cannot read saved plans yet")
    try:
        return from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise FixkitError(f"{path}: not a fixkit plan ({type(exc).__name__}: {exc})") from None


def run(args: argparse.Namespace) -> int:
    root = project_root(args.path)
    loaded = load(args)
    config, project = loaded.config, loaded.project
    plan = loaded.plan
    if args.plan:
        plan = _load_saved_plan(args.plan)
    select, ignore = tuple(config.select), tuple(config.ignore)
    todo = [d for d in plan.diagnoses if eligible(d, unsafe=args.unsafe, select=select, ignore=ignore, install=args.install)]
    if args.plan:
        stale = check_plan_current(root, todo)
        if stale:
            raise FixkitError(f"{args.plan} is out of date: changed since the plan was made: {', '.join(stale)}; run `fixkit plan` again")
    if not todo:
        print(f"Nothing to apply: {len(plan.diagnoses)} diagnoses, none with a fix at the chosen safety" + ("" if args.unsafe else " (try --unsafe)") + ".")
        _print_remaining(plan.diagnoses)
        return 1 if plan.diagnoses else 0
    if not args.yes and not sys.stdin.isatty():
        print(f"{len(todo)} fixes would be applied:")
        for d in todo:
            print(f"  {d.code} {d.file}:{d.line} {d.fix.summary}")  # type: ignore[union-attr]
        print("fixkit: stdin is not a terminal: nothing applied; pass --yes to apply", file=sys.stderr)
        return 1

    python = project.python or sys.executable
    paths = tuple(project.source_roots or ("",))
    entry = [e.module for e in loaded.plan.entry_points]
    before = None
    verify_fn = None
    if not args.no_verify and entry:
        before = run_verification(loaded, timeout=args.timeout, find_app=False)

        def verify_fn(modules: Sequence[str]) -> dict[str, bool]:
            items = verify_entry_points(root, list(modules), python=python, paths=paths, timeout=args.timeout)
            return {i.module: i.ok for i in items}

    def confirm(chosen: Sequence[Diagnosis], states: Mapping[str, FileState]) -> bool:
        if args.yes:
            return True
        sys.stdout.write(_diffs(chosen, states))
        files = {e.path for d in chosen for e in d.fix.edits}  # type: ignore[union-attr]
        try:
            answer = input(f"Apply {len(chosen)} fixes to {len(files)} files? [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    from fixkit.plan import make_plan

    applier = Applier(
        root=root,
        make_plan=lambda: make_plan(config),
        unsafe=args.unsafe,
        select=select,
        ignore=ignore,
        allow_dirty=args.allow_dirty,
        install=args.install,
        index_url=args.index_url,
        python=python,
        target_version=tuple(project.target_version) if getattr(project, "target_version", None) else None,
        verify=verify_fn,
        confirm=confirm,
        initial_status=before.status() if before is not None else None,
        replan=not args.plan,
    )
    result = applier.run(plan)
    final_plan = make_plan(config)
    after = None
    if before is not None:
        after = run_verification(Loaded(config, project, final_plan), timeout=args.timeout, find_app=False)
    if result.journal is not None:
        _journal_extras(Path(result.journal), loaded, before, after, final_plan)

    _print_result(root, result)
    if before is not None and after is not None:
        print(f"{before.loaded}/{before.total} → {after.loaded}/{after.total} entry points import")
        for item in after.items:
            if not item.ok and before.item(item.module) is not None and before.item(item.module).ok:
                print(f"  worse: {item.module} imported before and fails now: {item.error}")
    _print_remaining(final_plan.diagnoses, after.runtime_diagnoses if after is not None else ())
    left = bool(final_plan.diagnoses) or (after is not None and after.loaded != after.total)
    refused = bool(result.by_status("refused"))
    return 1 if (left or refused) else 0


def _journal_extras(journal: Path, loaded: Loaded, before, after, final_plan) -> None:
    """What `fixkit report` needs later, kept beside the originals."""
    records = {
        "plan_before.json": [diagnosis_record(d) for d in loaded.plan.diagnoses],
        "plan_after.json": [diagnosis_record(d) for d in final_plan.diagnoses],
    }
    if before is not None:
        records["verify_before.json"] = before.to_dict()
        records["plan_before.json"] += [diagnosis_record(d) for d in before.runtime_diagnoses]
    if after is not None:
        records["verify_after.json"] = after.to_dict()
    for name, data in records.items():
        atomic_write(journal / name, json.dumps(data, indent=1).encode("utf-8"), project_file=False)


def _print_result(root: Path, result) -> None:
    applied = result.applied
    if applied:
        rel = result.journal.relative_to(root) if result.journal else None
        print(f"Applied {len(applied)} fixes to {len(result.written)} files in {result.rounds} round(s) (journal {rel}; `fixkit undo` restores them)")
        for o in applied:
            print(f"  fixed {o.diagnosis.code} {o.diagnosis.file}:{o.diagnosis.line}: {o.fix.summary}")
    else:
        print("No fix applied.")
    for label, status in (("refused", "refused"), ("rolled back", "rolled-back"), ("deferred", "deferred")):
        for o in result.by_status(status):
            print(f"  {label} {o.diagnosis.code} {o.diagnosis.file}:{o.diagnosis.line}: {o.fix.summary} — {o.reason}")
    for w in result.installed:
        print(f"  installed {w}")
    for note in result.install_notes:
        print(f"  note: {note}")


def _print_remaining(diagnoses: Sequence[Diagnosis], runtime: Sequence[Diagnosis] = ()) -> None:
    items = list(diagnoses) + list(runtime)
    if not items:
        return
    print(f"Remaining ({len(items)}):")
    for d in items:
        rec = diagnosis_record(d)
        blocks = f" (blocks {len(d.blocks)})" if d.blocks else ""
        print(f"  {d.code} {d.kind} {d.file}:{d.line}{blocks}: {d.message}")
        print(f"      next: {next_action(rec)}")
