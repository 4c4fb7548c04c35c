"""diagnoses → fixes ordered by impact.  CONTRACT: `Plan` and its JSON form.

`make_plan(config)` runs discover → analyse → diagnose and asks each rule for its fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from fixkit.config import Config
from fixkit.errors import FixkitError
from fixkit.model import Diagnosis, FileEdit, Fix, Hunk, Location, Safety, unified_diff

if TYPE_CHECKING:
    from fixkit.analysis import Analysis
    from fixkit.fixcache import FixCache


@dataclass(frozen=True)
class EntryPoint:
    module: str  # "app.routers.analytics"
    file: str  # relative path
    blocked_by: tuple[str, ...] = ()  # diagnosis ids, most impactful first

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by)


@dataclass(frozen=True)
class Plan:
    fixkit_version: str
    root: str  # the project root as an absolute path
    entry_points: tuple[EntryPoint, ...]
    diagnoses: tuple[Diagnosis, ...]  # ordered by impact: most entry points unblocked first
    # The text of every file a fix edits, as it was when planned: reporters need the
    # old lines for diffs and suggestions.  Not part of the JSON contract.
    texts: Mapping[str, str] = field(default_factory=dict, compare=False)

    # Added: what could not be checked (newer syntax without its interpreter, ...).
    # Shown by the text reporter; not part of the JSON contract.
    notes: tuple[str, ...] = field(default=(), compare=False)
    # A plan read back from JSON has no texts: each fix's diff as the document gave it,
    # by diagnosis id, so writing the plan out again keeps them.
    saved_diffs: Mapping[str, str] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (README): stable keys, paths relative to the root with "/"."""
        return {
            "fixkit_version": self.fixkit_version,
            "root": self.root,
            "entry_points": {
                "total": len(self.entry_points),
                "blocked": sum(1 for e in self.entry_points if e.blocked),
                "items": [{"module": e.module, "file": e.file, "blocked_by": list(e.blocked_by)} for e in self.entry_points],
            },
            "diagnoses": [self._diagnosis_dict(d) for d in self.diagnoses],
        }

    def _diagnosis_dict(self, d: Diagnosis) -> dict[str, Any]:
        return {
            "id": d.id,
            "code": d.code,
            "kind": d.kind,
            "message": d.message,
            "file": d.file,
            "line": d.line,
            "column": d.column,
            "module": d.module,
            "symbol": d.symbol,
            "related": [{"file": r.file, "line": r.line} for r in d.related],
            "blocks": list(d.blocks),
            "fix": None if d.fix is None else self._fix_dict(d.id, d.fix),
        }

    def _fix_dict(self, diagnosis_id: str, fix: Fix) -> dict[str, Any]:
        if all(edit.creates or edit.path in self.texts for edit in fix.edits):
            diff = "".join(unified_diff(edit, None if edit.creates else self.texts[edit.path]) for edit in fix.edits)
        else:
            diff = self.saved_diffs.get(diagnosis_id, "")
        return {
            "summary": fix.summary,
            "safety": fix.safety.value,
            "distribution": fix.distribution,
            "requirements": list(fix.requirements),
            "diff": diff,
            "notes": list(fix.notes),
            "edits": [
                {
                    "path": e.path,
                    "old_sha256": e.old_sha256,
                    "delete": e.delete,
                    "hunks": [{"start": h.start, "end": h.end, "text": h.text} for h in e.hunks],
                }
                for e in fix.edits
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Plan":
        """Read back `to_dict` (what `apply --plan` does); raises FixkitError on a bad document."""
        try:
            entry_points = tuple(
                EntryPoint(item["module"], item["file"], tuple(item["blocked_by"])) for item in data["entry_points"]["items"]
            )
            diagnoses = tuple(_diagnosis_from(d) for d in data["diagnoses"])
            plan = cls(
                fixkit_version=str(data["fixkit_version"]),
                root=str(data["root"]),
                entry_points=entry_points,
                diagnoses=diagnoses,
                saved_diffs={d.id: raw["fix"].get("diff", "") for raw, d in zip(data["diagnoses"], diagnoses) if raw.get("fix")},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise FixkitError(f"not a fixkit plan: {type(exc).__name__}: {exc}") from None
        for raw, diagnosis in zip(data["diagnoses"], diagnoses):
            if raw.get("id") not in (None, diagnosis.id):
                raise FixkitError(f"not a fixkit plan: diagnosis id {raw.get('id')} does not match its code and place")
        return plan


def _diagnosis_from(d: Mapping[str, Any]) -> Diagnosis:
    fix = d.get("fix")
    return Diagnosis(
        code=d["code"],
        kind=d["kind"],
        message=d["message"],
        file=d["file"],
        line=int(d["line"]),
        column=int(d.get("column") or 0),
        module=d.get("module"),
        symbol=d.get("symbol"),
        related=tuple(Location(r["file"], int(r["line"])) for r in d.get("related", ())),
        blocks=tuple(d.get("blocks", ())),
        fix=None if fix is None else _fix_from(fix),
    )


def _fix_from(f: Mapping[str, Any]) -> Fix:
    edits = tuple(
        FileEdit(
            path=e["path"],
            old_sha256=e.get("old_sha256"),
            hunks=tuple(Hunk(int(h["start"]), int(h["end"]), h["text"]) for h in e.get("hunks", ())),
            delete=bool(e.get("delete", False)),
        )
        for e in f.get("edits", ())
    )
    return Fix(
        summary=f["summary"],
        safety=Safety(f["safety"]),
        edits=edits,
        distribution=f.get("distribution"),
        notes=tuple(f.get("notes", ())),
        more_requirements=tuple(r for r in f.get("requirements", ()) if r != f.get("distribution")),
    )


# ----------------------------------------------------------------------------- planning


def make_plan(config: Config, progress: Callable[[int, int], None] | None = None, *, site_paths: Iterable[str] = ()) -> Plan:
    """discover → analyse → every rule's diagnoses (root causes only) → blast radius →
    fixes → ordered by how many entry points each fix unblocks.

    With the cache on, the whole plan is reused when no file, setting or installed
    distribution changed, and diagnoses and fixes are reused when what they depend on
    did not change (`fixkit.fixcache`)."""
    from fixkit.fixcache import FixCache, PlanCache, base_key, file_stats
    from fixkit.project import discover

    project = discover(config)
    site_paths = tuple(str(p) for p in site_paths)
    if project.config.use_cache:
        key = base_key(project, site_paths)
        stats = file_stats(project)  # before any file is read: see file_stats
        plan_cache = PlanCache(project, key)
        plan = plan_cache.load(stats)
        if plan is not None:
            return plan
    # Imported only now: a reused plan needs neither the extractor nor the graph.
    from fixkit.analyse import analyse

    if not project.config.use_cache:
        return plan_from_analysis(analyse(project, site_paths=site_paths, progress=progress))
    analysis = analyse(project, site_paths=site_paths, progress=progress, known_shas=plan_cache.known_shas)
    fix_cache = FixCache(project, key)
    # What the target interpreter said about third-party modules (`probe_environment`):
    # the base key holds the environment's fingerprint, so its answers still hold.
    known_env = fix_cache.data.setdefault("environment", {})
    statuses = analysis.__dict__.setdefault("_env_status", {})
    statuses.update(known_env)
    plan = plan_from_analysis(analysis, fix_cache)
    if statuses != known_env:
        fix_cache.data["environment"] = dict(statuses)
        fix_cache.dirty = True
    fix_cache.save()
    plan_cache.save(stats, analysis, plan, fix_cache.extra_reads(stats))
    return plan


def diagnose(analysis: Analysis, cache: FixCache | None = None) -> list[Diagnosis]:
    """Every selected rule's diagnoses with their blast radius (no fixes); each rule's
    findings come from `cache` while what the rule looked at is unchanged."""
    from fixkit.rules import RULES

    config = analysis.project.config
    graph = analysis.graph
    found: list[Diagnosis] = []
    for rule_cls in RULES:
        if not config.selects(rule_cls.code, rule_cls.kind):
            continue
        run = lambda rule_cls=rule_cls: list(rule_cls().find(analysis))  # noqa: E731
        for d in run() if cache is None else cache.findings(rule_cls.code, analysis, run):
            if not config.selects(d.code, d.kind):
                continue
            if not d.blocks:
                raising = d.datum("raises-in")
                if raising is None:
                    sf = analysis.project.files.get(d.file)
                    raising = sf.module if sf else ""
                d = replace(d, blocks=graph.entry_points_reaching(raising.split()))
            found.append(d)
    return found


def plan_from_analysis(analysis: Analysis, cache: FixCache | None = None) -> Plan:
    from fixkit import __version__
    from fixkit.cache import paused_gc
    from fixkit.rules import SEVERITY, rule_for

    graph = analysis.graph
    project = analysis.project
    # Rules and the checks of cached fixes make plain data, no cycles, while every fact
    # of the project is alive: the cyclic collector would only walk those again and
    # again (about 40 % of this phase's time at 5,000 files).  Computing fixes (libcst)
    # runs with it.
    with paused_gc(long_lived=True):
        diagnoses = diagnose(analysis, cache)
        blockers: dict[str, list[Diagnosis]] = {ep: [] for ep in graph.entry_points}
        for d in diagnoses:
            for ep in d.blocks:
                blockers.setdefault(ep, []).append(d)

        def unblocks(d: Diagnosis) -> int:
            """Entry points for which this is the last remaining cause."""
            return sum(1 for ep in d.blocks if len(blockers.get(ep, ())) == 1)

        diagnoses.sort(key=lambda d: (-unblocks(d), -len(d.blocks), SEVERITY.get(d.kind, 99), d.file, d.line, d.code, d.symbol or ""))
        fixes: dict[int, Fix | None] = {}
        todo: list[int] = []
        for i, d in enumerate(diagnoses):
            if rule_for(d.code) is None:
                fixes[i] = None
                continue
            hit, fix = cache.cached_fix(d.code, d, analysis) if cache is not None else (False, None)
            if hit:
                fixes[i] = fix
            else:
                todo.append(i)
    for i, (fix, asked) in zip(todo, compute_fixes(analysis, [diagnoses[i] for i in todo])):
        fixes[i] = fix
        if cache is not None:
            cache.store_fix(diagnoses[i].code, diagnoses[i], analysis, fix, asked)

    with_fixes = []
    texts: dict[str, str] = {}
    for i, d in enumerate(diagnoses):
        fix = fixes[i]
        if fix is not None:
            d = replace(d, fix=fix)
            for edit in fix.edits:
                if not edit.creates and edit.path not in texts:
                    texts[edit.path] = project.read_text(edit.path)
        with_fixes.append(d)

    order = {d.id: i for i, d in enumerate(with_fixes)}
    entry_points = []
    for ep in graph.entry_points:
        sf = project.modules.get(ep)
        ids = sorted({d.id for d in blockers.get(ep, ())}, key=lambda i: order.get(i, 1 << 30))
        entry_points.append(EntryPoint(ep, sf.path if sf else "", tuple(ids)))
    return Plan(
        fixkit_version=__version__,
        root=str(project.root),
        entry_points=tuple(entry_points),
        diagnoses=tuple(with_fixes),
        texts=texts,
        notes=tuple(analysis.notes),
    )


# ----------------------------------------------------------------------------- computing fixes

# The analysis and diagnoses a forked fix worker reads: inherited, never pickled.
_FORKED: tuple[Analysis, list[Diagnosis]] | None = None
# Below this many fixes to compute, starting workers costs more than it saves.
PARALLEL_FIXES = 4


def compute_fixes(analysis: Analysis, diagnoses: list[Diagnosis], jobs: int | None = None) -> list[tuple[Fix | None, dict]]:
    """Each diagnosis's fix with the questions its fixer asked (`Analysis.asking`).

    Fixes are independent of each other, and the costly ones (libcst codemods over the
    importers of a module) take seconds each on a large project: with several to
    compute and a `fork` start method, they run in a process pool whose workers inherit
    the analysis instead of receiving a pickle of it."""
    import multiprocessing
    import os
    from contextlib import nullcontext

    from fixkit.cache import paused_gc

    global _FORKED
    jobs = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(diagnoses) < PARALLEL_FIXES or multiprocessing.get_start_method() != "fork":
        # A few fixes: their garbage (libcst trees) is little, and the collector would
        # walk every fact of the project at each full collection.
        with paused_gc() if len(diagnoses) < PARALLEL_FIXES else nullcontext():
            return [_fix_with_questions(analysis, d) for d in diagnoses]
    from fixkit.analyse import pool_map

    from concurrent.futures.process import BrokenProcessPool

    out: list[tuple[Fix | None, dict]] = []
    _FORKED = (analysis, diagnoses)
    try:
        pool_map(_fix_job, list(range(len(diagnoses))), out, workers=min(jobs, len(diagnoses)), chunksize=1)
    except (OSError, BrokenProcessPool):  # no pool here (no semaphores), or a worker died
        pass  # `out` holds the fixes finished, in order; the rest are computed below
    finally:
        _FORKED = None
    out += [_fix_with_questions(analysis, d) for d in diagnoses[len(out) :]]
    return out


def _fix_job(index: int) -> tuple[Fix | None, dict]:
    assert _FORKED is not None, "fix workers are forked from compute_fixes"
    analysis, diagnoses = _FORKED
    return _fix_with_questions(analysis, diagnoses[index])


def _fix_with_questions(analysis: Analysis, diagnosis: Diagnosis) -> tuple[Fix | None, dict]:
    from fixkit.rules import rule_for

    rule = rule_for(diagnosis.code)
    with analysis.asking() as asked:
        fix = rule().fix(diagnosis, analysis) if rule is not None else None
    return fix, dict(asked)

