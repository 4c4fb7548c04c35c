"""Caches of the plan stage, in `.fixkit_cache/` beside the facts cache (ruff's cache is the model).

Three levels, all under one *base key*: fixkit's version and source, the running and the
target Python, the project root, the configuration, the dependency declarations
(pyproject.toml, setup.cfg, requirements files: the FK101 rule and fix read them
directly) and a fingerprint of the target environment (the modification times of every
directory on the target interpreter's sys.path: installing or removing a distribution
adds or removes a `*.dist-info` entry, which changes its directory's mtime).

1. `PlanCache`: the whole plan, reused when every file's (size, mtime_ns) is unchanged,
   or, for files whose stat changed, their SHA-256 is.
2. `FixCache.diagnoses`: the rules' diagnoses, keyed by a structural digest of the
   analysis (every file's facts minus its hash and line count, plus the project's
   layout) and by the SHA-256 of every file a rule read as text.
3. `FixCache.fix`: each fix, keyed by the rule code and the diagnosis, with the answer
   to every question its fixer asked of the analysis (`Analysis.asking`: the facts of
   the files it looked at, the importers of a module, the definers of a name, the
   project-wide tables it used, the SHA-256 of every file it read as text, and always
   the project's layout).  It is reused while every answer is the same: an import
   added to a file no fixer looked at recomputes the diagnoses but no fix.

Every failure to read or write a cache falls back to computing (a read-only checkout
still gets a plan).  Pickles hold only fixkit's own frozen dataclasses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from fixkit.cache import read_pickle, write_pickle
from fixkit.model import sha256_bytes

if TYPE_CHECKING:
    from fixkit.analysis import Analysis
    from fixkit.plan import Plan
    from fixkit.project import Project

CACHE_DIR = ".fixkit_cache"
# Bump when the layout of the pickled entries changes.
FORMAT = 3

# Dependency declarations read outside `Project.read_bytes` (fixkit.deps.declarations).
_DECLARATION_GLOBS = ("*.toml", "*.cfg", "*.txt", "*.in", "*.ini", "setup.py", "Pipfile", "requirements/*")

_SYS_PATH_PROBE = (
    "import json, os, site, sys\n"
    "p = sys.path[1:] if sys.path and sys.path[0] in ('', os.getcwd()) else sys.path\n"
    "user = site.getusersitepackages() if site.ENABLE_USER_SITE else None\n"
    "print(json.dumps([[os.path.abspath(x) for x in p if isinstance(x, str)], user]))"
)
# What else decides an interpreter's sys.path: its environment variables.
_SYS_PATH_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONSAFEPATH", "PYTHONPLATLIBDIR")


# ----------------------------------------------------------------------------- the base key


def _fixkit_source_fingerprint() -> str:
    """Hash of fixkit's and the codemods' own sources (~100 files, a few ms): a development checkout never
    reuses a plan or fix an older fixkit produced."""
    import fixkit

    digest = hashlib.sha256()
    roots = [Path(fixkit.__file__).resolve().parent]
    try:
        import codemods

        roots.append(Path(codemods.__file__).resolve().parent)
    except ImportError:
        pass
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            try:
                # Content, not mtime: a checkout or touch of fixkit's tree keeps the caches.
                digest.update(f"{path.relative_to(root)}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                continue
    return digest.hexdigest()


def environment_fingerprint(python: str, cwd: Path, site_paths: Iterable[str] = (), cache_dir: Path | None = None) -> str:
    """The target environment's state, cheaply: its sys.path and the mtime of every
    directory on it.  Installing, upgrading or removing a distribution adds or removes
    its `*.dist-info` directory (and its top-level packages) in a sys.path directory,
    which changes that directory's mtime; a new `.pth` file does too, and may change
    sys.path itself.

    Asking the interpreter for its sys.path costs a start (~30 ms, a fifth of a warm
    plan): with `cache_dir`, the answer is kept and reused while the interpreter, its
    `pyvenv.cfg`, the variables that steer sys.path, the mtime of every sys.path
    directory and whether the user site directory exists are all unchanged."""
    entries, user = _sys_path(python, cwd, cache_dir)
    digest = hashlib.sha256(repr(entries).encode("utf-8", "surrogateescape"))
    for entry, stamp in _stamps([*site_paths, *entries]).items():
        digest.update(f"{entry}\0{stamp}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stamps(paths: Iterable[str | None]) -> dict[str, int | str]:
    out: dict[str, int | str] = {}
    for entry in paths:
        if entry:
            try:
                out[entry] = os.stat(entry).st_mtime_ns
            except OSError:
                out[entry] = "missing"
    return out


def _sys_path(python: str, cwd: Path, cache_dir: Path | None) -> tuple[list[str] | str, str | None]:
    """(sys.path of `python` run in `cwd`, its user site directory); a string in place
    of the list when the interpreter could not say."""
    import json

    real = os.path.realpath(python)
    bin_dir = Path(os.path.abspath(python)).parent
    key = repr(
        (
            os.path.abspath(python),
            real,
            tuple(_stamps([real, str(bin_dir / "pyvenv.cfg"), str(bin_dir.parent / "pyvenv.cfg")]).items()),
            tuple(os.environ.get(v) for v in _SYS_PATH_VARIABLES),
            str(cwd),
        )
    )
    store = cache_dir / "syspath.pickle" if cache_dir is not None else None
    saved = read_pickle(store) if store is not None else None
    if isinstance(saved, dict) and saved.get("key") == key and _stamps(saved["stamps"]) == saved["stamps"]:
        return saved["entries"], saved["user"]
    try:
        result = subprocess.run([python, "-c", _SYS_PATH_PROBE], capture_output=True, text=True, timeout=60, cwd=str(cwd))
        answer = json.loads(result.stdout) if result.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return f"failed {exc}", None
    if not (isinstance(answer, list) and len(answer) == 2 and isinstance(answer[0], list)):
        return f"failed {result.returncode}", None
    entries, user = answer
    if store is not None:
        # The user site directory counts while it does not exist: creating it changes sys.path.
        _write_pickle(store, {"key": key, "entries": entries, "user": user, "stamps": _stamps([*entries, user])})
    return entries, user


def _declarations_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    seen: set[Path] = set()
    for pattern in _DECLARATION_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path in seen or not path.is_file():
                continue
            seen.add(path)
            try:
                digest.update(f"{path.name}\0".encode() + sha256_bytes(path.read_bytes()).encode() + b"\n")
            except OSError:
                digest.update(f"{path.name}\0unreadable\n".encode())
    return digest.hexdigest()


def base_key(project: Project, site_paths: Iterable[str] = ()) -> str:
    from fixkit import __version__

    parts = [
        f"format {FORMAT}",
        __version__,
        _fixkit_source_fingerprint(),
        sys.version,
        sys.executable,
        repr(project.target_version),
        os.path.realpath(project.python),
        str(project.root.resolve()),
        repr(project.config),
        repr(sorted(site_paths)),
        repr(sorted(project.namespaces)),
        repr(sorted(project.extensions)),
        repr(project.source_roots),
        repr(project.script_modules),
        _declarations_fingerprint(project.root),
        environment_fingerprint(project.python, project.root, site_paths, project.root / CACHE_DIR),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


# ----------------------------------------------------------------------------- files


def _write_pickle(path: Path, data: Any) -> None:
    try:
        write_pickle(path, data)
    except OSError:
        pass  # a read-only checkout still gets a plan


def _prune(directory: Path, prefix: str, keep: Path) -> None:
    try:
        for old in directory.glob(prefix + "*.pickle"):
            if old != keep:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def file_stats(project: Project) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every discovered file; taken BEFORE the files are read, so a
    file changed while fixkit reads it leaves a stat that never matches again."""
    out: dict[str, tuple[int, int]] = {}
    for path in project.files:
        try:
            st = os.stat(project.abspath(path))
            out[path] = (st.st_size, st.st_mtime_ns)
        except OSError:
            out[path] = (-1, -1)
    return out


def _current_sha(project: Project, path: str) -> str | None:
    try:
        return sha256_bytes(project.read_bytes(path))
    except OSError:
        return None


# ----------------------------------------------------------------------------- 1. whole plan


# More changed files than this: planning again costs little more than checking them.
MAX_INCREMENTAL = 20


def _unchanged_structure(project: Project, key: str, saved: dict[str, tuple[int, int, str]], changed: dict[str, bytes]) -> bool:
    """Whether the files in `changed` (path -> new bytes) leave the saved plan exact.

    A plan is a function of the base key, the structure of the analysis (every file's
    facts minus hash and line count, the project's layout: `FixCache.structure`) and the
    bytes of the files the rules and fixers read as text (recorded per diagnosis run and
    per fix).  So when each changed file's new facts have the structural digest its old
    facts had, and none of them is among the files read, the saved plan is the plan.
    Updates the fix cache's per-file identities so the next full plan agrees."""
    from dataclasses import replace

    from fixkit.analyse import _would_be_module
    from fixkit.facts.extract import NeedsTarget, extract_facts

    fix_cache = FixCache(project, key)
    digests: dict[str, tuple[str, str]] = fix_cache.data["digests"]
    if not digests or not fix_cache.data["diagnoses"]:
        return False
    # The files a rule or fixer read: none of them may have changed.
    for entries in fix_cache.data["diagnoses"].values():
        for answers, _found in entries:
            if changed.keys() & _reads(answers).keys():
                return False
    for entries in fix_cache.data["fixes"].values():
        for answers, _fix in entries:
            if changed.keys() & _reads(answers).keys():
                return False
    updated = dict(digests)
    for path, data in changed.items():
        info = project.files.get(path)
        if info is None or path not in digests:
            return False
        try:
            facts = extract_facts(path, info.module or _would_be_module(project, info), info.is_package, data, project.target_version)
        except NeedsTarget:
            return False
        if facts.module and not info.module:
            facts = replace(facts, module="")  # a dead copy: as collect_facts does
        if _facts_digest(facts) != digests[path][1]:
            return False
        updated[path] = (f"{facts.sha256}:{facts.module}:{facts.is_package}", digests[path][1])
    fix_cache.data["digests"] = updated
    fix_cache.used_diagnoses = fix_cache.data["diagnoses"]
    fix_cache.used_fixes = fix_cache.data["fixes"]
    fix_cache.dirty = True
    fix_cache.save()
    return True


class PlanCache:
    def __init__(self, project: Project, key: str, enabled: bool = True) -> None:
        self.project = project
        self.key = key
        self.enabled = enabled
        self.dir = project.root / CACHE_DIR
        self.file = self.dir / f"plan-{key[:24]}.pickle"
        # path -> SHA-256 of the files whose (size, mtime) are those the last plan saw.
        self.known_shas: dict[str, str] = {}

    def load(self, stats: dict[str, tuple[int, int]]) -> Plan | None:
        """The saved plan when it is still the plan of the tree as it is now.

        Files whose stat changed are hashed; when their content changed too, the plan
        still stands if their facts are the same apart from the hash and line count (a
        comment appended, a string edited) and no rule or fixer read any of them as
        text (`_unchanged_structure`).  Anything else: None, and the caller plans."""
        if not self.enabled:
            return None
        data = read_pickle(self.file)
        if not isinstance(data, tuple) or len(data) != 4 or data[0] != self.key:
            return None
        _key, saved, plan, extra = data
        # Whatever happens next, the files whose stat is unchanged need not be read again
        # to find their facts in the facts cache (`collect_facts(known_shas=...)`).
        self.known_shas = {path: entry[2] for path, entry in saved.items() if stats.get(path) == entry[:2]}
        if saved.keys() != stats.keys():
            return None
        # Files a rule or fixer read that discovery does not list (a missing __init__.py,
        # a data file): hashed every time, there are few.
        for path, sha in extra.items():
            if _current_sha(self.project, path) != sha:
                return None
        touched = False
        changed: dict[str, bytes] = {}
        for path, stat in stats.items():
            size, mtime, sha = saved[path]
            if (size, mtime) == stat:
                continue
            # The stat changed (a touch, a checkout, an edit): the content decides.
            try:
                data_now = self.project.read_bytes(path)
            except OSError:
                return None
            touched = True
            sha_now = sha256_bytes(data_now)
            saved[path] = (stat[0], stat[1], sha_now)
            if sha_now != sha:
                changed[path] = data_now
                if len(changed) > MAX_INCREMENTAL:
                    return None
        if changed and not _unchanged_structure(self.project, self.key, saved, changed):
            return None
        if touched:
            _write_pickle(self.file, (self.key, saved, plan, extra))
        return plan

    def save(self, stats: dict[str, tuple[int, int]], analysis: Analysis, plan: Plan, extra_reads: dict[str, str | None] | None = None) -> None:
        """`extra_reads`: files outside `stats` the plan depends on, with their SHA-256
        (None: did not exist), from `FixCache.extra_reads`."""
        if not self.enabled:
            return
        saved = {}
        for path, (size, mtime) in stats.items():
            facts = analysis.facts.get(path)
            if facts is None or not facts.sha256:
                return  # a file fixkit could not read: nothing to compare next time
            saved[path] = (size, mtime, facts.sha256)
        _write_pickle(self.file, (self.key, saved, plan, dict(extra_reads or {})))
        _prune(self.dir, "plan-", self.file)


# ----------------------------------------------------------------------------- 2./3. rules and fixes


def _canonical(value: Any) -> Any:
    """A deterministic, repr-able form: sets sorted (their iteration order changes with
    the process's string-hash seed)."""
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_canonical(v)) for v in value))
    if isinstance(value, tuple):
        return tuple(_canonical(v) for v in value)
    return value


def _facts_digest(facts: Any) -> str:
    values = [
        (f.name, _canonical(getattr(facts, f.name)))
        for f in dataclasses.fields(facts)
        # Not structure: the hash and length of the text (whoever reads the text is
        # keyed by its hash), and names derived from the definitions.
        if f.name not in ("sha256", "lines", "defined_names")
    ]
    values.append(("defined_names", _canonical(facts.defined_names)))
    return hashlib.sha256(repr(values).encode("utf-8", "surrogateescape")).hexdigest()


def _digest(*values: Any) -> str:
    """A deterministic digest of plain values (dicts and sets in sorted order)."""
    return hashlib.sha256(repr(_plain(values)).encode("utf-8", "surrogateescape")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)) and all(type(v) is str for v in value):
        return tuple(sorted(value))  # the common case, without a repr per element
    if isinstance(value, dict) and all(type(k) is str for k in value):
        return tuple((k, _plain(value[k])) for k in sorted(value))
    if isinstance(value, dict):
        return tuple(sorted((repr(_plain(k)), _plain(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_plain(v)) for v in value))
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def _reads(answers: dict[tuple, str | None]) -> dict[str, str | None]:
    """The files a fix read as text, with their SHA-256, from its answers."""
    return {q[1]: sha for q, sha in answers.items() if q[0] == "read"}


class FixCache:
    def __init__(self, project: Project, key: str, enabled: bool = True) -> None:
        self.project = project
        self.key = key
        self.enabled = enabled
        self.dir = project.root / CACHE_DIR
        self.file = self.dir / f"fixes-{key[:24]}.pickle"
        data = read_pickle(self.file) if enabled else None
        if not isinstance(data, dict) or data.get("key") != key:
            data = {"key": key, "digests": {}, "diagnoses": {}, "fixes": {}}
        self.data = data
        self.used_diagnoses: dict[str, Any] = {}
        self.used_fixes: dict[tuple, Any] = {}
        self.dirty = False
        self._shas: dict[str, str | None] = {}
        self._answers: dict[tuple, str | None] = {}

    # -- the structural digest

    def structure(self, analysis: Analysis) -> str:
        memo = analysis.__dict__.get("_structural_digest")
        if memo is not None:
            return memo
        old: dict[str, tuple[str, str]] = self.data["digests"]
        new: dict[str, tuple[str, str]] = {}
        digest = hashlib.sha256()
        for path in sorted(analysis.facts):
            facts = analysis.facts[path]
            # The same bytes under the same name give the same facts (the facts cache's own rule).
            identity = f"{facts.sha256}:{facts.module}:{facts.is_package}" if facts.sha256 else ""
            hit = old.get(path)
            if identity and hit is not None and hit[0] == identity:
                one = hit[1]
            else:
                one = _facts_digest(facts)
            new[path] = (identity, one)
            info = self.project.files.get(path)
            digest.update(f"{path}\0{one}\0{info!r}\n".encode("utf-8", "surrogateescape"))
        graph = analysis.graph
        digest.update(repr(getattr(graph, "entry_points", None)).encode())
        digest.update(repr(list(analysis.notes)).encode())
        if new != old:
            self.data["digests"] = new
            self.dirty = True
        memo = analysis.__dict__["_structural_digest"] = digest.hexdigest()
        return memo

    # -- what was read

    @contextmanager
    def recording(self) -> Iterator[dict[str, str | None]]:
        """Every file read through `Project.read_bytes` (and so `read_text`) while the
        block runs, with the SHA-256 of what was read (None: it could not be read)."""
        project = self.project
        reads: dict[str, str | None] = {}
        original = project.read_bytes

        def read_bytes(path: str) -> bytes:
            try:
                data = original(path)
            except OSError:
                reads.setdefault(path, None)
                raise
            reads.setdefault(path, sha256_bytes(data))
            return data

        project.read_bytes = read_bytes  # type: ignore[method-assign]
        try:
            yield reads
        finally:
            del project.read_bytes  # back to the class's method

    def _sha_now(self, analysis: Analysis, path: str) -> str | None:
        facts = analysis.facts.get(path)
        if facts is not None and facts.sha256:
            return facts.sha256
        if path not in self._shas:
            self._shas[path] = _current_sha(self.project, path)
        return self._shas[path]

    def _valid(self, analysis: Analysis, reads: dict[str, str | None]) -> bool:
        return all(self._sha_now(analysis, path) == sha for path, sha in reads.items())

    # -- diagnoses

    def findings(self, code: str, analysis: Analysis, compute: Callable[[], list]) -> list:
        """One rule's findings, reused exactly while every answer to the questions the
        rule asked still holds (as fixes are): a rule that looks only at the broken files
        (`Analysis.files_with`) is not run again after an edit elsewhere; one that walks
        every file asks ("all",), which any structural change answers differently."""
        if not self.enabled:
            return compute()
        entry = self._lookup(self.data["diagnoses"], code, analysis)
        if entry is not None:
            self.used_diagnoses[code] = [entry]
            return list(entry[1])
        with analysis.asking() as asked:
            found = compute()
        self.used_diagnoses[code] = [(self._answers_of(analysis, asked), tuple(found))]
        self.dirty = True
        return found

    # -- fixes

    def fix(self, code: str, diagnosis: Any, analysis: Analysis, compute: Callable[[], Any]) -> Any:
        """The cached fix when every answer it was computed from still holds, else
        `compute()`, whose questions are written down and kept with it."""
        if not self.enabled:
            return compute()
        hit, fix = self.cached_fix(code, diagnosis, analysis)
        if hit:
            return fix
        with analysis.asking() as asked:
            fix = compute()
        self.store_fix(code, diagnosis, analysis, fix, asked)
        return fix

    def cached_fix(self, code: str, diagnosis: Any, analysis: Analysis) -> tuple[bool, Any]:
        key = (code, repr(diagnosis))
        entry = self._lookup(self.data["fixes"], key, analysis) if self.enabled else None
        if entry is None:
            return False, None
        self.used_fixes.setdefault(key, []).append(entry)
        return True, entry[1]

    def _lookup(self, table: dict, key: Any, analysis: Analysis) -> tuple[dict, Any] | None:
        """The first (answers, value) kept under `key` whose every answer still holds."""
        for entry in table.get(key, ()):
            if all(self.answer(analysis, question) == answer for question, answer in entry[0].items()):
                return entry
        return None

    def store_fix(self, code: str, diagnosis: Any, analysis: Analysis, fix: Any, asked: dict[tuple, str | None]) -> None:
        """Keep `fix`, computed (here or in a worker) while `asked` was written down."""
        if not self.enabled:
            return
        self.used_fixes.setdefault((code, repr(diagnosis)), []).append((self._answers_of(analysis, asked), fix))
        self.dirty = True

    def _answers_of(self, analysis: Analysis, asked: dict[tuple, str | None]) -> dict[tuple, str | None]:
        """What each question is answered in this analysis; reads carry their hash already."""
        answers = {("layout",): self.answer(analysis, ("layout",))}
        everything = ("all",) in asked  # then only the reads add anything (`Analysis.ask`)
        for question, answer in asked.items():
            if question[0] == "read":
                answers[question] = answer
            elif not everything or question == ("all",):
                answers[question] = self.answer(analysis, question)
        return answers

    def answer(self, analysis: Analysis, question: tuple) -> str | None:
        """A digest of the answer to `question` (see `fixkit.analysis`) in this analysis."""
        if question in self._answers:
            return self._answers[question]
        kind = question[0]
        if kind == "read":
            value: Any = self._sha_now(analysis, question[1])
        elif kind == "all":
            value = self.structure(analysis)
        elif kind == "layout":
            value = _digest(
                [(path, repr(info)) for path, info in sorted(self.project.files.items())],
                sorted(self.project.extensions),
                getattr(analysis.graph, "entry_points", None),
                list(analysis.notes),
            )
        elif kind == "file":
            value = self._file_digest(analysis, question[1])
        elif kind == "module":
            facts = analysis.by_module.get(question[1])
            value = None if facts is None else f"{facts.path}:{self._file_digest(analysis, facts.path)}"
        elif kind == "importers":
            value = _digest([(facts.path, repr(imp)) for facts, imp in analysis._importers.get(question[1], ())])
        elif kind == "definers":
            value = _digest(sorted(set(analysis._definers.get(question[1], ()))))
        elif kind == "files_with":
            value = _digest([(path, self._file_digest(analysis, path)) for path, _f in analysis.files_with(*question[1:])])
        elif kind == "index":
            module, _, function = question[1].partition(":")
            try:
                build = getattr(importlib.import_module(module), function)
            except (ImportError, AttributeError):
                build = None
            value = _digest(analysis.index(build)) if callable(build) else f"no table {question[1]}"
        elif kind == "reaching":
            value = str(analysis.graph.entry_bits(question[1])) if analysis.graph is not None else None
        else:  # a question this version does not know: never equal, so recomputed
            value = f"unknown question {question!r}"
        self._answers[question] = value
        return value

    def _file_digest(self, analysis: Analysis, path: str) -> str | None:
        self.structure(analysis)  # fills the per-file digests of this analysis
        hit = self.data["digests"].get(path)
        return hit[1] if hit is not None else None

    def extra_reads(self, listed: Iterable[str]) -> dict[str, str | None]:
        """What this plan's rules and fixers read outside the files in `listed`."""
        listed = set(listed)
        out: dict[str, str | None] = {}
        read_sets = [_reads(answers) for entries in self.used_diagnoses.values() for answers, _found in entries]
        read_sets += [_reads(answers) for entries in self.used_fixes.values() for answers, _fix in entries]
        for reads in read_sets:
            out.update((path, sha) for path, sha in reads.items() if path not in listed)
        return out

    def save(self) -> None:
        """Keep what this plan used: entries of older states are dropped, so the file stays
        the size of one plan's diagnoses and fixes."""
        if not self.enabled:
            return
        if not self.dirty and self.used_fixes.keys() == self.data["fixes"].keys() and self.used_diagnoses.keys() == self.data["diagnoses"].keys():
            return
        self.data["diagnoses"] = self.used_diagnoses
        self.data["fixes"] = self.used_fixes
        _write_pickle(self.file, self.data)
        _prune(self.dir, "fixes-", self.file)
