"""Fixes for FK4xx syntax errors: repair the whole file, then the callers.

A file that does not compile fails at its first syntax error, so the diagnosis is
about that one; but a fix must leave a file that parses, so the fix repairs every
catalogued error in the file (`fixkit.repair.repair_source`).  When one of them
cannot be repaired the fix is `manual` and says where and what a person decides.

Parameter order (FK401) also looks at the project, because how to keep behaviour
depends on who calls the function:

* a framework endpoint or dependency (route decorator, `Depends(f)`) is called
  with keywords: make the parameters keyword-only — safe;
* every caller is in the project and passes them by keyword: keyword-only — safe;
* every caller is in the project: move the parameters without defaults before the
  first default and rewrite the positional calls to pass those arguments by
  keyword (same binding, same evaluation order) — safe;
* some callers cannot be known (the function escapes as a value, is exported via
  `__all__`, is a method that may be overridden, is a lambda): keyword-only, so
  that an unknown positional caller fails loudly with a TypeError instead of
  silently binding a value to another parameter — review, with the reasons.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from fixkit.analysis import Analysis
from fixkit.facts import FileFacts, SyntaxErrorFact
from fixkit.model import Diagnosis, FileEdit, Fix, Safety, edit_between
from fixkit.repair import MAX_STEPS, RepairResult, repair_source, syntax_error_of
from fixkit.repair.callsites import CallSite, Usage, decorator_usage, find_usage, rewrite_calls
from fixkit.repair.catalogue import BY_CODE, repeated_keyword_values
from fixkit.repair.params import Mode, ParameterRepair, default_policy
from fixkit.repair.source import Source
from fixkit.textio import SourceDecodeError, decode_source


def fix_syntax_error(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    return file_repair(analysis, diagnosis.file).fix


def fix_parameter_order(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    return file_repair(analysis, diagnosis.file).fix


def fix_unrepairable(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    """FK499: a syntax error outside the catalogue, or a file Python cannot read.

    The repair is tried all the same (it stops at the first error it has no entry
    for), so the fix is the manual diagnosis `_manual_fix` builds: the line, a caret
    under the column, the message and what a person must decide.  The entry points the
    file blocks are the diagnosis' own (`blocks`), shown with it."""
    facts = analysis.facts.get(diagnosis.file)
    if facts is not None and facts.syntax_error is None and facts.read_error is not None:
        return _unreadable_fix(diagnosis.file, facts.read_error)
    return file_repair(analysis, diagnosis.file).fix


# --------------------------------------------------------------------------- the plan for one file


@dataclass
class Decision:
    mode: Mode
    safety: Safety
    notes: list[str] = field(default_factory=list)


@dataclass
class FileRepair:
    path: str
    result: RepairResult | None
    fix: Fix | None




def file_repair(analysis: Analysis, path: str) -> FileRepair:
    """The repair of one file and its callers (computed once per analysis)."""
    return analysis.memo(("syntax-repair", path), lambda: _plan(analysis, path))


def _target(analysis: Analysis) -> tuple[int, int]:
    return tuple(analysis.project.target_version[:2])  # type: ignore[return-value]


def _read(analysis: Analysis, path: str) -> tuple[bytes, str] | None:
    try:
        data = analysis.project.read_bytes(path)
        return data, decode_source(data).text
    except (OSError, SourceDecodeError):
        return None


def _plan(analysis: Analysis, path: str) -> FileRepair:
    target = _target(analysis)
    read = _read(analysis, path)
    if read is None:
        return FileRepair(path, None, None)
    data, text = read
    result = repair_source(text, target, policy=default_policy)
    if not result.repaired:
        return FileRepair(path, result, _manual_fix(path, text, result, target))
    if not result.changed:
        return FileRepair(path, result, None)  # it parses: nothing to repair

    decisions: dict[str, Decision] = {}
    for step in result.steps:
        if step.parameters is not None:
            rep = step.parameters
            usage = _usage(analysis, path, result.text, rep, target)
            decisions[rep.signature.qualname] = _decide(rep, usage)
    if any(
        step.parameters is not None and decisions[step.parameters.signature.qualname].mode != step.parameters.mode
        for step in result.steps
    ):
        result = repair_source(
            text,
            target,
            policy=lambda info: decisions[info.qualname].mode if info.qualname in decisions else default_policy(info),
        )
        if not result.repaired:  # cannot happen for a mode change alone, but never hand on a broken file
            return FileRepair(path, result, _manual_fix(path, text, result, target))

    final_text = result.text or text
    safety = Safety.SAFE
    notes: list[str] = []
    other_texts: dict[str, tuple[bytes, str, str]] = {}  # path -> (old bytes, old text, new text)
    rewritten = 0
    for step in result.steps:
        notes.append(f"line {step.line}: {step.description}")
        notes.extend(f"  {n}" for n in step.notes)
        rep = step.parameters
        if rep is None:
            if step.safety.rank > safety.rank:
                safety = step.safety
            continue
        # FK401's safety is decided from its callers below, not by the text repair.
        decision = decisions.get(rep.signature.qualname) or _decide(rep, Usage())
        # Callers as they are in the repaired text (its lines may have moved).
        usage = _usage(analysis, path, final_text, rep, target)
        step_safety = decision.safety
        notes.extend(f"  {n}" for n in decision.notes)
        if rep.first_changed is not None:
            same_file = [c for c in usage.calls if c.path == path]
            final_text, problems = rewrite_calls(
                final_text, same_file, rep.signature.positional, rep.first_changed, target, rep.signature.positional_only
            )
            rewritten += _count_rewritten(same_file, rep)
            for other in sorted({c.path for c in usage.calls if c.path != path}):
                if other in other_texts:
                    old_bytes, old_text, current = other_texts[other]
                else:
                    read_other = _read(analysis, other)
                    if read_other is None:
                        problems.append(f"{other}: cannot be read")
                        continue
                    old_bytes, old_text = read_other
                    current = old_text
                calls = [c for c in usage.calls if c.path == other]
                new_other, more = rewrite_calls(
                    current, calls, rep.signature.positional, rep.first_changed, target, rep.signature.positional_only
                )
                problems.extend(more)
                rewritten += _count_rewritten(calls, rep)
                other_texts[other] = (old_bytes, old_text, new_other)
            if problems:
                step_safety = Safety.REVIEW
                notes.extend(f"  call not rewritten: {p}" for p in problems)
        if rep.positional_only_reordered:
            step_safety = Safety.REVIEW
            notes.append("  positional-only parameters were reordered: their callers must swap arguments by hand")
        if step_safety.rank > safety.rank:
            safety = step_safety

    edits: list[FileEdit] = []
    for edited_path, new_text in [(path, final_text)] + [(p, v[2]) for p, v in sorted(other_texts.items())]:
        if syntax_error_of(new_text, target) is not None:
            # Never hand on a file that does not parse: explain instead.
            err = syntax_error_of(new_text, target)
            return FileRepair(
                path,
                result,
                Fix(
                    summary=f"Repairing {path} would leave {edited_path} unparsable; repair it by hand",
                    safety=Safety.MANUAL,
                    notes=tuple(notes) + (f"{edited_path}:{err.line}: {err.message}",),
                ),
            )
    edits.append(edit_between(path, text, final_text, old_bytes=data))
    for other, (old_bytes, old_text, new_other) in sorted(other_texts.items()):
        if new_other != old_text:
            edits.append(edit_between(other, old_text, new_other, old_bytes=old_bytes))
    codes = sorted({step.code for step in result.steps})
    count = len(result.steps)
    if count == 1:
        description = result.steps[0].description
        summary = description[:1].upper() + description[1:]
    else:
        summary = f"Repair {count} syntax errors ({', '.join(codes)}) in {path}"
    if rewritten:
        summary += f" and rewrite {rewritten} call{'s' if rewritten != 1 else ''} to pass arguments by keyword"
    return FileRepair(path, result, Fix(summary=summary, safety=safety, edits=tuple(edits), notes=tuple(notes)))


def _count_rewritten(calls: list[CallSite], rep: ParameterRepair) -> int:
    first = rep.first_changed if rep.first_changed is not None else 10**9
    return sum(1 for c in calls if c.positional + (1 if c.bound else 0) > first and not c.starred)


# --------------------------------------------------------------------------- deciding FK401


def _decide(rep: ParameterRepair, usage: Usage) -> Decision:
    info = rep.signature
    framework_from_decorators, escapes_from_decorators = decorator_usage(info.decorators, route=True)
    framework = framework_from_decorators + usage.framework
    unknown = list(escapes_from_decorators) + usage.escapes
    if info.is_lambda:
        unknown.append("a lambda: its callers cannot be found by name")
    if info.is_method:
        unknown.append(f"a method: subclasses may override {info.name}() and callers may use other receivers")
    first_offender = info.positional.index(info.offenders[0])
    if framework:
        return Decision(
            "keyword-only",
            Safety.REVIEW if unknown else Safety.SAFE,
            [f"called by a framework with keyword arguments ({'; '.join(framework)})"] + _why_review(unknown),
        )
    if unknown:
        return Decision(
            "keyword-only",
            Safety.REVIEW,
            _why_review(unknown)
            + ["keyword-only, so that an unknown positional caller fails with a TypeError instead of binding a value to another parameter"],
        )
    positional_beyond = [
        c for c in usage.calls if c.starred or c.positional + (1 if c.bound else 0) > first_offender
    ]
    if not positional_beyond:
        where = f"all {len(usage.calls)} call site(s) pass" if usage.calls else "no call site in the project passes"
        return Decision("keyword-only", Safety.SAFE, [f"{where} {', '.join(info.offenders)} by keyword"])
    if any(c.starred for c in positional_beyond):
        return Decision(
            "keyword-only",
            Safety.REVIEW,
            ["a call passes *args, so which value binds to which parameter cannot be told; made keyword-only"],
        )
    return Decision(
        "reorder",
        Safety.SAFE,
        [f"every caller is in the project ({len(usage.calls)} call site(s)); positional calls now pass the moved arguments by keyword"],
    )


def _why_review(reasons: list[str]) -> list[str]:
    return [f"callers may exist outside the project: {r}" for r in reasons]


# --------------------------------------------------------------------------- usage in the project


def _usage(analysis: Analysis, path: str, repaired_text: str, rep: ParameterRepair, target: tuple[int, int]) -> Usage:
    info = rep.signature
    usage = Usage()
    try:
        tree = ast.parse(repaired_text)
    except SyntaxError:
        return usage
    source = Source(repaired_text)
    module_level = "." not in info.qualname and not info.is_lambda
    if info.is_lambda:
        return usage
    if info.is_method:
        cls = info.qualname.rsplit(".", 1)[0]
        _merge(usage, find_usage(tree, source, path, method=info.name, in_class=cls.rsplit(".", 1)[-1]))
        return usage
    _merge(usage, find_usage(tree, source, path, names=frozenset({info.name})))
    if not module_level:
        return usage  # a nested function is only reachable by name inside its file
    module = _module_of(analysis, path)
    if not module:
        return usage
    # The files that can call it: those importing its module (or the name from its
    # package), and those whose imports are unknown because they do not parse.
    broken = analysis.files_with("syntax_error", "read_error", "unchecked")
    importing = {facts.path: facts for facts, _imp in analysis.importers(module)}  # `from package import module` too
    for other, facts in sorted({**importing, **dict(broken)}.items()):
        if other == path or not other.endswith(".py"):
            continue
        if facts.syntax_error is not None or facts.read_error is not None or facts.unchecked is not None:
            read = _read(analysis, other)
            if read is not None and re.search(rf"\b{re.escape(info.name)}\b", read[1]) and _mentions(read[1], module):
                usage.escapes.append(f"{other} may use it but does not parse, so its calls cannot be checked")
            continue
        if not _may_import(facts, module, info.name):
            continue
        read = _read(analysis, other)
        if read is None:
            continue
        try:
            other_tree = ast.parse(read[1])
        except SyntaxError:
            continue
        names, chains = _bindings(other_tree, facts, module, info.name, analysis)
        if names or chains:
            _merge(usage, find_usage(other_tree, Source(read[1]), other, names=frozenset(names), chains=frozenset(chains)))
    return usage


def _merge(into: Usage, more: Usage) -> None:
    into.calls.extend(more.calls)
    into.escapes.extend(more.escapes)
    into.framework.extend(more.framework)


def _module_of(analysis: Analysis, path: str) -> str:
    facts = analysis.facts.get(path)
    if facts is not None and facts.module:
        return facts.module
    sf = analysis.project.files.get(path)
    return sf.module if sf is not None else ""


def _mentions(text: str, module: str) -> bool:
    return module.rsplit(".", 1)[-1] in text


def _may_import(facts: FileFacts, module: str, name: str) -> bool:
    parent, _, last = module.rpartition(".")
    for imp in facts.imports:
        if imp.module == module:
            return True
        if imp.is_from and imp.module == parent and any(n == last for n, _ in imp.names):
            return True
    return False


def _bindings(tree: ast.Module, facts: FileFacts, module: str, name: str, analysis: Analysis) -> tuple[set[str], set[str]]:
    """Names and dotted chains under which `module.name` is reachable in this file."""
    names: set[str] = set()
    chains: set[str] = set()
    parent_of_module, _, last = module.rpartition(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source_module = _absolute(node, facts)
            for alias in node.names:
                if source_module == module and alias.name == name:
                    names.add(alias.asname or alias.name)
                elif source_module == module and alias.name == "*":
                    names.add(name)
                elif source_module == parent_of_module and alias.name == last:
                    chains.add(f"{alias.asname or alias.name}.{name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == module:
                    chains.add(f"{alias.asname or alias.name}.{name}")
    return names, chains


def _absolute(node: ast.ImportFrom, facts: FileFacts) -> str:
    if not node.level:
        return node.module or ""
    parts = facts.module.split(".") if facts.module else []
    if not facts.is_package:
        parts = parts[:-1]
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)] if node.level - 1 <= len(parts) else []
    base = ".".join(parts)
    if node.module:
        return f"{base}.{node.module}" if base else node.module
    return base


# --------------------------------------------------------------------------- manual


def caret(source_line: str, column: int, line: int) -> tuple[str, str]:
    """Two lines pointing at a column: `  404 | text` and `      |    ^`."""
    number = f"{line:>5} | "
    prefix = "".join(ch if ch == "\t" else " " for ch in source_line[:column])
    return number + source_line, " " * (len(number) - 2) + "| " + prefix + "^"


def _manual_fix(path: str, text: str, result: RepairResult, target: tuple[int, int]) -> Fix:
    err = result.remaining or SyntaxErrorFact(message="syntax error", line=1, column=0)
    current = text if not result.steps else result.steps[-1].text
    lines = [l.rstrip("\r\n") for l in Source(current).lines]
    if "null bytes" in err.message and "\x00" in current:
        # Python names no place for a NUL byte: point at the first one, shown as ␀.
        before = current[: current.index("\x00")]
        err = SyntaxErrorFact(message=err.message, line=before.count("\n") + 1, column=len(before) - (before.rfind("\n") + 1))
        lines = [l.replace("\x00", "\u2400") for l in lines]
    source_line = lines[err.line - 1] if 0 < err.line <= len(lines) else err.text
    notes: list[str] = []
    bounded = len(result.steps) >= MAX_STEPS
    if bounded:
        notes.append(
            f"{len(result.steps)} errors could be repaired, but the repair stops there (a bound against repairs that "
            "never end) and the file has more; nothing is written, since it would still not parse. The first left:"
        )
    elif result.steps:
        notes.append(f"{len(result.steps)} earlier error(s) could be repaired; this one stops the repair:")
        notes.extend(f"  line {s.line}: {s.description}" for s in result.steps)
    notes.extend(caret(source_line, err.column, err.line))
    notes.append(f"{err.message}")
    if bounded:
        notes.append(f"Repair some of these errors by hand (or split the file), then plan again: fixkit repairs up to {MAX_STEPS} per file.")
    else:
        notes.append(_what_to_decide(result, err, current, target))
    return Fix(
        summary=f"{path}:{err.line}: {err.message} — a person must decide how to repair it",
        safety=Safety.MANUAL,
        notes=tuple(notes),
    )


def _unreadable_fix(path: str, error: str) -> Fix:
    if error.startswith("cannot decode"):
        decide = ("Python reads source as UTF-8 unless a coding comment (PEP 263) on line 1 or 2 says otherwise: "
                  "re-save the file in the encoding it declares, or declare the encoding it is really in.")  # fmt: skip
    elif error.startswith("too deeply nested"):
        decide = "Python's compiler refuses nesting this deep: split the expression into named parts."
    else:
        decide = "Python cannot read it as a module: make it a readable Python file, or remove it if it is not meant to be imported."
    return Fix(summary=f"{path}: {error} — a person must decide how to repair it", safety=Safety.MANUAL, notes=(error, decide))


def _what_to_decide(result: RepairResult, err: SyntaxErrorFact, text: str, target: tuple[int, int]) -> str:
    code = result.remaining_code
    if code == "FK403":
        values = repeated_keyword_values(text, err, target)
        return f"The call passes one keyword twice with different values ({', '.join(values)}): keep the one that is meant."
    if code == "FK404":
        return "Two parameters share a name and differ: rename one (and its uses in the body) or delete it."
    if code == "FK401":
        return "The parameter list has a shape fixkit does not rewrite (e.g. a backslash continuation): move the parameters without defaults before the first default, or add `*,` before them."
    if code == "FK402":
        return "Decide which parameter the positional argument is meant for and pass it by keyword, or move it before the keyword arguments."
    if code == "FK408":
        return "Rewrite the Python 2 print statement as a call; `print >>f, x` becomes `print(x, file=f)`."
    if code in BY_CODE:
        return f"{BY_CODE[code].name}: the repair did not lead to code that parses; repair it by hand."
    message = err.message
    if "null bytes" in message:
        return "Python source cannot hold a NUL byte: remove it (a binary or truncated file saved under a .py name?)."
    if "was never closed" in message or "does not match opening parenthesis" in message or message.startswith("unmatched"):
        return "Brackets do not pair up: decide where the expression is meant to end and close (or remove) the bracket there."
    if message.startswith("unterminated"):
        return "A string is never closed: decide where it is meant to end and close it there."
    if "only supported in Python" in message:
        return "The code needs a newer Python than the project supports (requires-python, target-version): raise that minimum, or write it without the newer syntax."
    return "No mechanical repair is known for this error."
