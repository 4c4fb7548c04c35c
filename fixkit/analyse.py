"""discover → facts for every file (cached, in a process pool on big projects) → graph → Analysis.

Also asks the target interpreter, once, which imported third-party modules exist in its
environment (`probe_environment`): find_spec of a top-level name and PathFinder look-ups
level by level never import anything, so no project or package code runs.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import pickle
import signal
import stat
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from fixkit.analysis import Analysis
from fixkit.cache import FactsCache, paused_gc
from fixkit.config import Config
from fixkit.errors import FixkitError
from fixkit.facts import FileFacts
from fixkit.facts.extract import NeedsTarget, count_lines, extract_facts
from fixkit.model import sha256_bytes
from fixkit.project import Project, discover, interpreter_version, module_name_of

# Below this many files to parse, a process pool costs more to start than it saves.
POOL_THRESHOLD = 200

Progress = Callable[[int, int], None]


def _read(project: Project, path: str) -> tuple[bytes | None, str | None]:
    """The file's bytes, or why they cannot be read.  Never opens a FIFO (it would block)."""
    abspath = project.abspath(path)
    try:
        st = os.stat(abspath)
    except FileNotFoundError:
        return None, "cannot read: dangling symbolic link" if os.path.islink(abspath) else "cannot read: file vanished"
    except OSError as exc:
        return None, f"cannot read: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        return None, f"cannot read: {kind}"
    try:
        return abspath.read_bytes(), None
    except OSError as exc:
        return None, f"cannot read: {exc.strerror}"


def _would_be_module(project: Project, sf) -> str:
    """A shadowed file's name had the package not hidden it: its relative imports
    resolve against it, so its facts (models, imports) can be compared with the live copy."""
    if not sf.shadowed_by:
        return ""
    return module_name_of(sf.path, project.source_roots) or ""


def _extract_job(job: tuple[str, str, bool, bytes, tuple[int, int]]) -> FileFacts | tuple[str, str]:
    path, module, is_package, data, target = job
    try:
        return extract_facts(path, module, is_package, data, target)
    except NeedsTarget as exc:
        return ("needs-target", f"{exc.error.msg} (line {exc.error.lineno})")


def _extract_serial(jobs: list, progress: Progress | None, total: int, done: int) -> list:
    out = []
    with paused_gc(long_lived=True):  # as in the pool (pool_map acyclic)
        for job in jobs:
            out.append(_extract_job(job))
            done += 1
            if progress and done % 50 == 0:
                progress(done, total)
    return out


def _extract_all(jobs: list, progress: Progress | None, total: int, done: int) -> list:
    if len(jobs) < POOL_THRESHOLD or (os.cpu_count() or 1) < 2:
        return _extract_serial(jobs, progress, total, done)
    workers = min(os.cpu_count() or 2, 8)
    chunk = max(8, len(jobs) // (workers * 8))
    out: list = []
    try:
        pool_map(_extract_job, jobs, out, workers=workers, chunksize=chunk, done=(lambda n: progress(done + n, total)) if progress else None, acyclic=True)
    except (OSError, BrokenProcessPool):
        # No semaphores in this sandbox, or a worker was killed (out of memory): the
        # serial path gives the same facts, only slower.
        return out + _extract_serial(jobs[len(out) :], progress, total, done + len(out))
    return out


# A process pool that Ctrl-C stops at once, without a traceback.  A terminal sends SIGINT
# to the whole process group: a worker that dies of it breaks the pool, CPython's
# manager thread can then die itself (3.11 sets an exception on the futures the parent
# just cancelled: "Exception in thread Thread-1 ... InvalidStateError") and the exit
# waits forever for the workers it never stopped.  So the workers ignore SIGINT, only
# the parent handles it, and on any exception it tells the workers to stop between two
# items, cancels what has not started and waits for them; force is the last resort.

_POOL_STOP = None  # in a pool worker: the parent's "stop now" event
POOL_STOP_GRACE = 5.0  # seconds for the workers to finish their current item


def _pool_worker_init(stop, collect: bool = True) -> None:
    global _POOL_STOP
    _POOL_STOP = stop
    # What the worker inherited from the parent (every fact, the graph) lives as long as
    # the worker: the collector need not walk it at each full collection of libcst's
    # garbage.
    gc.freeze()
    if not collect:
        gc.disable()  # see pool_map(acyclic=True)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked since the fork


def _pool_chunk(fn: Callable, items: list) -> list | None:
    out = []
    for item in items:
        if _POOL_STOP is not None and _POOL_STOP.is_set():
            return None  # the parent was interrupted: nobody wants the rest
        out.append(fn(item))
    return out


@contextmanager
def _sigint_held():
    """SIGINT blocked in this thread: a worker forked meanwhile starts with it blocked
    (until its initializer ignores it), and the parent's Ctrl-C arrives afterwards."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _stop_pool(pool: ProcessPoolExecutor, stop) -> None:
    # shutdown() forgets both, so take them first (private, hence the getattr).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    try:
        stop.set()
    except OSError:
        pass
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(POOL_STOP_GRACE)  # it joins the workers once their chunks return
        if not manager.is_alive():
            return
    for process in processes:  # stuck, or the manager never started
        try:
            if process.is_alive():
                process.terminate()
                process.join(1.0)
                if process.is_alive():
                    process.kill()
                    process.join(1.0)
        except (OSError, ValueError, AssertionError):
            pass


def pool_map(
    fn: Callable,
    items: list,
    out: list,
    *,
    workers: int,
    chunksize: int,
    done: Callable[[int], None] | None = None,
    acyclic: bool = False,
) -> None:
    """Append fn(item) for every item to `out`, in order, computed in a process pool in
    chunks; `done(len(out))` after each chunk.  fn must be picklable (module level).
    OSError (no pool possible here) and BrokenProcessPool (a worker died) leave in
    `out` what was finished; any exception, KeyboardInterrupt included, stops the
    workers before it propagates.

    `acyclic`: fn makes no reference cycles (parsing with `ast`, building facts), so the
    workers run without the cyclic garbage collector and the parent pauses it while it
    unpickles the results: it would otherwise traverse every AST node and every fact
    received so far, again and again (a fifth of extraction time)."""
    context = multiprocessing.get_context()
    stop = context.Event()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_pool_worker_init, initargs=(stop, not acyclic))
    try:
        with _sigint_held():  # the workers start in submit()
            futures = [pool.submit(_pool_chunk, fn, items[i : i + chunksize]) for i in range(0, len(items), chunksize)]
        with paused_gc(long_lived=True) if acyclic else nullcontext():
            for future in futures:
                out.extend(future.result())
                if done:
                    done(len(out))
    except BaseException:
        _stop_pool(pool, stop)
        raise
    pool.shutdown(wait=True)


def _extract_in_target(project: Project, pending: list[tuple[str, str, bool]]) -> list[FileFacts] | None:
    """Facts of files only a newer Python parses, extracted by fixkit's extractor running in
    the target interpreter (a subprocess that compiles, never executes, the files)."""
    fixkit_parent = str(Path(__file__).resolve().parent.parent)
    code = f"import sys; sys.path.insert(0, {fixkit_parent!r}); from fixkit.facts.extract import main; main()"
    jobs = [(path, module, is_pkg, str(project.abspath(path))) for path, module, is_pkg in pending]
    try:
        result = subprocess.run(
            [project.python, "-I", "-c", code],
            input=pickle.dumps(jobs, protocol=4),
            capture_output=True,
            timeout=120,
            cwd=str(project.root),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    try:
        facts = pickle.loads(result.stdout)
    except Exception:  # a foreign interpreter's output we cannot read: treat as unchecked
        return None
    return facts if isinstance(facts, list) and len(facts) == len(jobs) else None


def collect_facts(
    project: Project,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    notes: list[str] | None = None,
    known_shas: Mapping[str, str] = {},
) -> dict[str, FileFacts]:
    """Every file's facts: from the cache when its content hash is there, else extracted.
    `known_shas`: the content hash of files whose stat the last plan saw unchanged, so
    they are not even read (as ruff trusts a file's mtime)."""
    notes = notes if notes is not None else []
    cache = FactsCache(project.root, project.target_version, enabled=use_cache)
    facts: dict[str, FileFacts] = {}
    jobs = []
    total = len(project.files)
    for path, sf in project.files.items():
        module = sf.module or ""
        known = known_shas.get(path)
        if known is not None:
            hit = cache.get(path, known, module, sf.is_package)
            if hit is not None:
                facts[path] = hit
                continue
        data, error = _read(project, path)
        if data is None:
            facts[path] = FileFacts(path=path, module=module, sha256="", lines=0, read_error=error, is_package=sf.is_package)
            continue
        sha = sha256_bytes(data)
        hit = cache.get(path, sha, module, sf.is_package)
        if hit is not None:
            facts[path] = hit
            continue
        jobs.append((path, module or _would_be_module(project, sf), sf.is_package, data, project.target_version))
    if progress:
        progress(total - len(jobs), total)
    results = _extract_all(jobs, progress, total, total - len(jobs))
    pending = []
    for job, result in zip(jobs, results):
        if isinstance(result, tuple):
            pending.append((job[0], job[1], job[2], job[3], result[1]))
        else:
            if result.module and not project.files[job[0]].module:
                result = replace(result, module="")  # a dead copy: never importable as itself
            facts[job[0]] = result
            cache.put(result)
    if pending:
        _handle_newer_syntax(project, pending, facts, cache, notes)
    cache.save(set(facts))
    return dict(sorted(facts.items()))


def _handle_newer_syntax(project: Project, pending: list, facts: dict, cache: FactsCache, notes: list[str]) -> None:
    running = "%d.%d" % sys.version_info[:2]
    target = "%d.%d" % project.target_version
    usable = os.path.realpath(project.python) != os.path.realpath(sys.executable)
    if usable:
        try:
            usable = interpreter_version(project.python) >= project.target_version
        except FixkitError:
            usable = False
    extracted = _extract_in_target(project, [(p, m, i) for p, m, i, _d, _e in pending]) if usable else None
    if extracted is not None:
        for result in extracted:
            if result.module and not project.files[result.path].module:
                result = replace(result, module="")
            facts[result.path] = result
            cache.put(result)
        return
    for path, module, is_package, data, error in pending:
        message = (
            f"not checked: Python {running} rejects it ({error}) but the project targets Python {target}, "
            f"and no Python {target} interpreter was available to check it (use --python)"
        )
        facts[path] = FileFacts(
            path=path, module=project.files[path].module, sha256=sha256_bytes(data), lines=count_lines(data), unchecked=message, is_package=is_package
        )
    notes.append(
        f"{len(pending)} file(s) use syntax newer than Python {running} (the project targets {target}) and were not "
        f"checked; pass --python with a Python {target} interpreter to check them"
    )


def analyse(
    config: Config | Project,
    *,
    site_paths: Iterable[str] = (),
    progress: Progress | None = None,
    known_shas: Mapping[str, str] = {},
) -> Analysis:
    from fixkit.graph import build_graph

    project = config if isinstance(config, Project) else discover(config)
    notes: list[str] = []
    facts = collect_facts(project, use_cache=project.config.use_cache, progress=progress, notes=notes, known_shas=known_shas)
    analysis = Analysis(project=project, facts=facts, site_paths=tuple(str(p) for p in site_paths), notes=notes)
    with paused_gc(long_lived=True):  # edges and sets, no cycles: see `paused_gc`
        analysis.graph = build_graph(project, facts)
    return analysis


# ----------------------------------------------------------------------------- environment


@dataclass(frozen=True)
class ModuleStatus:
    """What the target environment has of a dotted name, found without importing."""

    name: str
    stdlib: bool
    found: int  # how many leading components exist (0: not even the top-level name)
    kinds: tuple[str, ...]  # per found component: "module" | "package" | "namespace" | "builtin"

    @property
    def exists(self) -> bool:
        return self.stdlib or self.found == len(self.name.split("."))

    @property
    def missing_at(self) -> str | None:
        """The first component that certainly does not exist, or None when it exists or
        cannot be decided (a plain module may create submodules at import)."""
        if self.exists:
            return None
        parts = self.name.split(".")
        if self.found == 0:
            return parts[0]
        if self.kinds[self.found - 1] in ("package", "namespace"):
            return ".".join(parts[: self.found + 1])
        return None


_PROBE = r"""
import importlib.machinery, importlib.util, json, os, sys
extra, names = json.load(sys.stdin)
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]
sys.path[:0] = extra
stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
def kind(spec):
    if spec.submodule_search_locations is not None:
        return "namespace" if spec.origin in (None, "namespace") else "package"
    return "builtin" if spec.origin in ("built-in", "frozen") else "module"
out = {}
def probe(name):
    parts = name.split(".")
    kinds = []
    if parts[0] in stdlib:
        return [True, 0, []]
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return [False, 0, []]
    kinds.append(kind(spec))
    locations = list(spec.submodule_search_locations or [])
    for i in range(1, len(parts)):
        if kinds[-1] not in ("package", "namespace"):
            break
        more = [os.path.join(p, *parts[:i]) for p in sys.path if isinstance(p, str)]
        locations = list(dict.fromkeys(locations + [d for d in more if os.path.isdir(d)]))
        try:
            sub = importlib.machinery.PathFinder.find_spec(".".join(parts[: i + 1]), locations)
        except (ImportError, ValueError):
            sub = None
        if sub is None:
            break
        kinds.append(kind(sub))
        locations = list(sub.submodule_search_locations or [])
    return [False, len(kinds), kinds]
for name in names:
    try:
        out[name] = probe(name)
    except Exception:  # an odd finder or package: undecidable, so never reported missing
        out[name] = [True, 0, []]
json.dump(out, sys.stdout)
"""


def probe_environment(analysis: Analysis, names: Iterable[str]) -> dict[str, ModuleStatus]:
    """Which of `names` the target interpreter's environment (plus `analysis.site_paths`)
    provides.  One subprocess per analysis, results cached on the analysis."""
    cache: dict[str, ModuleStatus] = analysis.__dict__.setdefault("_env_status", {})
    wanted = sorted({n for n in names if n and n not in cache})
    if wanted:
        project = analysis.project
        payload = json.dumps([list(analysis.site_paths), wanted])
        try:
            result = subprocess.run(
                [project.python, "-c", _PROBE],
                input=payload,
                capture_output=True,
                text=True,
                timeout=120,
                cwd=str(project.root),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise FixkitError(f"cannot run the target interpreter {project.python}: {exc}") from None
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise FixkitError(f"the target interpreter {project.python} failed to list its modules: {last}")
        for name, (stdlib, found, kinds) in json.loads(result.stdout).items():
            cache[name] = ModuleStatus(name, bool(stdlib), int(found), tuple(kinds))
    return {n: cache[n] for n in names if n in cache}
