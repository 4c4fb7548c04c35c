"""Run a libcst codemod over many files and hand back the new texts (never writing).

Modelled on libcst's `parallel_exec_transform_with_prettyprint`
(libcst/codemod/_cli.py): one fresh codemod instance per file with a context that
knows the file's module and package (relative imports depend on both), a process
pool only when there are enough files to pay for starting it, and per-file
failures reported instead of aborting the run.  Unlike libcst's runner the result
is the text, because fixkit's plan stage turns texts into `FileEdit`s and only
`apply` writes.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, SkipFile

from fixkit import __version__
from fixkit.cache import CACHE_DIR
from fixkit.model import FileEdit, edit_between
from fixkit.project import Project
from fixkit.textio import SourceDecodeError, decode_source

# Below this many files a pool costs more than it saves (start-up, pickling).
PARALLEL_THRESHOLD = 24
# Results of earlier runs, under the project's .fixkit_cache: every plan recomputes its
# fixes, and a libcst pass costs ~10x an ast parse, so a warm plan reuses them.
CACHE_SUBDIR = "codemods"
CACHE_LIMIT = 4000  # entries; the oldest go first


@dataclass(frozen=True)
class SourceText:
    path: str  # relative to the project root, "/" separated
    text: str
    module: str | None  # "app.models.core"; None when the file is not importable
    package: str | None  # the package relative imports resolve against


@dataclass(frozen=True)
class CodemodResult:
    path: str
    old_text: str
    new_text: str | None  # None when the codemod failed or skipped the file
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.new_text is not None and self.new_text != self.old_text


def transform_text(command: type[Codemod], source: SourceText, args: Mapping[str, Any]) -> CodemodResult:
    """One file, one fresh codemod instance (codemods keep per-file state on self)."""
    context = CodemodContext(filename=source.path, full_module_name=source.module, full_package_name=source.package)
    try:
        tree = cst.parse_module(source.text)
    except cst.ParserSyntaxError as exc:
        return CodemodResult(source.path, source.text, None, f"cannot be parsed: {exc.message} (line {exc.raw_line})")
    try:
        instance = command(context, **args)  # type: ignore[call-arg]
        new_text = instance.transform_module(tree).code
    except SkipFile as exc:
        return CodemodResult(source.path, source.text, None, f"skipped: {exc}", tuple(context.warnings))
    except Exception as exc:  # a codemod bug on one file must not lose the other files' results
        return CodemodResult(source.path, source.text, None, f"{type(exc).__name__}: {exc}", tuple(context.warnings))
    return CodemodResult(source.path, source.text, new_text, None, tuple(context.warnings))


def _transform_job(job: tuple[type[Codemod], SourceText, Mapping[str, Any]]) -> CodemodResult:
    return transform_text(*job)


def _fingerprint() -> str:
    """The codemods' own source and libcst's version: a changed codemod never reuses
    a text an older one produced (as the facts cache does with the extractor)."""
    import codemods._common as common  # the package itself may be a namespace in an old editable install

    try:
        libcst_version = importlib.metadata.version("libcst")
    except importlib.metadata.PackageNotFoundError:
        libcst_version = "?"
    digest = hashlib.sha256(f"{__version__} {libcst_version}".encode())
    for path in sorted(Path(common.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


_FINGERPRINT: str | None = None


def _cache_key(command: type[Codemod], source: SourceText, args: Mapping[str, Any]) -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _fingerprint()
    payload = json.dumps(
        [_FINGERPRINT, f"{command.__module__}.{command.__qualname__}", sorted((k, repr(v)) for k, v in args.items()),
         source.module, source.package, source.text],
    )  # fmt: skip
    return hashlib.sha256(payload.encode("utf-8", "surrogateescape")).hexdigest()


def _cached(cache_dir: Path, key: str) -> str | None:
    try:
        return (cache_dir / key).read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None


def _store(cache_dir: Path, key: str, text: str) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8", "surrogateescape"))
        os.replace(tmp, cache_dir / key)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _prune(cache_dir: Path) -> None:
    try:
        entries = [p for p in cache_dir.iterdir() if not p.name.startswith(".tmp-")]
        if len(entries) > CACHE_LIMIT:
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[: len(entries) - CACHE_LIMIT]:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def run_codemod(
    command: type[Codemod],
    sources: Iterable[SourceText],
    args: Mapping[str, Any],
    *,
    jobs: int | None = None,
    cache_dir: Path | None = None,
) -> dict[str, CodemodResult]:
    """Results by path, for every source (changed or not).  With `cache_dir`, a file
    already transformed with the same text, command and arguments is not parsed again."""
    todo = list({s.path: s for s in sources}.values())
    results: list[CodemodResult] = []
    keys: dict[str, str] = {}
    if cache_dir is not None:
        pending = []
        for source in todo:
            keys[source.path] = key = _cache_key(command, source, args)
            hit = _cached(cache_dir, key)
            if hit is None:
                pending.append(source)
            else:
                results.append(CodemodResult(source.path, source.text, hit))
        todo = pending
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(todo) < PARALLEL_THRESHOLD:
        fresh = [transform_text(command, s, args) for s in todo]
    else:
        # Warm the native parser before forking, as libcst's runner does.
        cst.parse_module("")
        from fixkit.analyse import pool_map  # its workers leave Ctrl-C to this process

        fresh = []
        pool_map(_transform_job, [(command, s, args) for s in todo], fresh, workers=min(jobs, len(todo)), chunksize=4)
    if cache_dir is not None:
        for result in fresh:
            if result.new_text is not None and not result.warnings:
                _store(cache_dir, keys[result.path], result.new_text)
        if fresh:
            _prune(cache_dir)
    return {r.path: r for r in [*results, *fresh]}


def source_of(project: Project, path: str) -> SourceText:
    """A project file as the codemods need it (decoded as Python would, newlines kept)."""
    text = decode_source(project.read_bytes(path)).text
    info = project.files.get(path)
    module = info.module if info is not None and info.module else None
    if module is None:
        package = None
    elif info is not None and info.is_package:
        package = module
    else:
        package = module.rpartition(".")[0]
    return SourceText(path, text, module, package)


def run_on_project(
    project: Project, command: type[Codemod], paths: Sequence[str], args: Mapping[str, Any], *, jobs: int | None = None
) -> dict[str, CodemodResult]:
    sources: list[SourceText] = []
    failed: dict[str, CodemodResult] = {}
    for path in paths:
        try:
            sources.append(source_of(project, path))
        except (OSError, SourceDecodeError) as exc:
            failed[path] = CodemodResult(path, "", None, f"cannot be read: {exc}")
    cache_dir = project.root / CACHE_DIR / CACHE_SUBDIR if project.config.use_cache else None
    return {**run_codemod(command, sources, args, jobs=jobs, cache_dir=cache_dir), **failed}


def parses(text: str, path: str = "<fix>") -> bool:
    try:
        ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def edits_from(project: Project, results: Iterable[CodemodResult]) -> tuple[tuple[FileEdit, ...], tuple[str, ...]]:
    """FileEdits for every changed file, and a problem line for each file that failed or
    whose new text would not parse (a fix must never write such a file)."""
    edits: list[FileEdit] = []
    problems: list[str] = []
    for result in sorted(results, key=lambda r: r.path):
        if result.error is not None:
            problems.append(f"{result.path}: {result.error}")
            continue
        if not result.changed:
            continue
        assert result.new_text is not None
        if not parses(result.new_text, result.path) and parses(result.old_text, result.path):
            problems.append(f"{result.path}: the rewritten file would not parse; not changed")
            continue
        old_bytes = project.read_bytes(result.path)
        edits.append(edit_between(result.path, result.old_text, result.new_text, old_bytes=old_bytes))
    return tuple(edits), tuple(problems)
