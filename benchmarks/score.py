"""Compare a plan (the `fixkit plan --format json` dict) with a generated project's ground truth.

A fault is *found* when a diagnosis of its kind sits at its place: the fault's file
and a line inside its `line_range`.  Some faults have a second honest place, because
a tool may report them where they are written or where they bite:

- shadowed-module: the dead file (FK203), or the import that only the dead file
  could satisfy (FK202 missing-name / FK203 at the importer);
- duplicate-model: the copy that raises, or any other definition of the table;
- circular-import: either module of the pair.

A place that matches with another kind is *misclassified*; `blocks_exact` says whether
the diagnosis names exactly the routers the ground truth says the fault blocks.
Diagnoses that match no fault are listed as `extra` (false positives).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FaultResult:
    id: str
    kind: str
    status: str  # found | misclassified | missing
    blocks_exact: bool = False
    diagnosis: dict | None = None
    missing_blocks: list[str] = field(default_factory=list)
    extra_blocks: list[str] = field(default_factory=list)


@dataclass
class Score:
    faults: list[FaultResult]
    extra: list[dict]
    entry_points_total: int
    entry_points_expected: int
    blocked_missing: list[str]  # routers the ground truth blocks that the plan calls importable
    blocked_extra: list[str]  # routers the plan calls blocked that really import

    @property
    def found(self) -> int:
        return sum(f.status == "found" for f in self.faults)

    @property
    def blocks_exact(self) -> int:
        return sum(f.status == "found" and f.blocks_exact for f in self.faults)

    @property
    def perfect(self) -> bool:
        return (
            self.found == len(self.faults)
            and self.blocks_exact == len(self.faults)
            and not self.extra
            and not self.blocked_missing
            and not self.blocked_extra
            and self.entry_points_total == self.entry_points_expected
        )

    def summary(self) -> str:
        return (
            f"faults found {self.found}/{len(self.faults)}, blocks exact {self.blocks_exact}/{len(self.faults)}, "
            f"false positives {len(self.extra)}, entry points {self.entry_points_total}/{self.entry_points_expected}, "
            f"blocked routers missed {len(self.blocked_missing)}, wrongly blocked {len(self.blocked_extra)}"
        )

    def problems(self) -> list[str]:
        out = []
        for f in self.faults:
            if f.status != "found":
                out.append(f"{f.id}: {f.status}" + (f" (reported as {f.diagnosis['code']} {f.diagnosis['kind']})" if f.diagnosis else ""))
            elif not f.blocks_exact:
                out.append(f"{f.id}: blocks differ: missing {f.missing_blocks[:5]}, extra {f.extra_blocks[:5]}")
        for d in self.extra[:20]:
            out.append(f"false positive: {d['code']} {d['kind']} {d['file']}:{d['line']} {d.get('message', '')[:120]}")
        if self.entry_points_total != self.entry_points_expected:
            out.append(f"entry points: {self.entry_points_total} found, {self.entry_points_expected} expected")
        if self.blocked_missing:
            out.append(f"routers blocked but reported importable: {self.blocked_missing[:10]}")
        if self.blocked_extra:
            out.append(f"routers reported blocked but importable: {self.blocked_extra[:10]}")
        return out


def _places(fault: dict) -> list[tuple[tuple[str, ...], str, tuple[int, int] | None]]:
    """(accepted kinds, file, line range or None for any line) where a diagnosis may sit."""
    kind = fault["kind"]
    lo, hi = fault["line_range"]
    places: list[tuple[tuple[str, ...], str, tuple[int, int] | None]] = [((kind,), fault["file"], (lo, hi))]
    if fault["injected"] == "shadowed-module":
        places.append((("shadowed-module", "missing-name"), fault["importer"], (fault["importer_line"], fault["importer_line"])))
        places.append((("shadowed-module",), fault["package_file"], None))
    elif fault["injected"] == "duplicate-model":
        places += [((kind,), path, None) for path in fault.get("related", [])]
    elif fault["injected"] == "circular-import":
        places += [((kind,), path, None) for path in fault.get("related", [])]
        places.append(((kind,), fault["importer"], (fault["importer_line"], fault["importer_line"])))
    return places


def _at(diag: dict, file: str, lines: tuple[int, int] | None) -> bool:
    return diag["file"] == file and (lines is None or lines[0] <= diag["line"] <= lines[1])


def score(plan: dict, truth: dict) -> Score:
    diags = list(plan.get("diagnoses", []))
    used: set[int] = set()
    results = []
    for fault in truth["faults"]:
        expected_blocks = set(fault["blocks"])
        found = misclassified = None
        for kinds, file, lines in _places(fault):
            for i, d in enumerate(diags):
                if not _at(d, file, lines):
                    continue
                if d["kind"] in kinds:
                    # among several at the place, prefer the one whose blocks match
                    if found is None or set(d.get("blocks", ())) == expected_blocks:
                        found = (i, d)
                elif misclassified is None:
                    misclassified = (i, d)
            if found:
                break
        if found:
            i, d = found
            used.add(i)
            got = set(d.get("blocks", ()))
            results.append(FaultResult(fault["id"], fault["kind"], "found", got == expected_blocks, d,
                                       sorted(expected_blocks - got), sorted(got - expected_blocks)))
        elif misclassified:
            used.add(misclassified[0])
            results.append(FaultResult(fault["id"], fault["kind"], "misclassified", False, misclassified[1]))
        else:
            results.append(FaultResult(fault["id"], fault["kind"], "missing"))
    # A second diagnosis of an already-found fault at one of its places is not a false positive.
    fault_files = {p[1] for f in truth["faults"] for p in _places(f)}
    extra = [d for i, d in enumerate(diags) if i not in used and d["file"] not in fault_files]
    eps = plan.get("entry_points", {})
    items = eps.get("items", [])
    blocked = {e["module"] for e in items if e.get("blocked_by")}
    expected_blocked = set(truth["blocked"])
    return Score(
        faults=results,
        extra=extra,
        entry_points_total=int(eps.get("total", len(items))),
        entry_points_expected=len(truth["entry_points"]),
        blocked_missing=sorted(expected_blocked - blocked),
        blocked_extra=sorted(blocked - expected_blocked),
    )
