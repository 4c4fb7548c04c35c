"""apply: write a plan's fixes to disk, safely, with a journal that `undo` replays.

Promises, and how each is kept:

* **never half-written** — every file is written to a temporary file in its own
  directory, flushed and fsync'ed, given the original's permission bits, then moved
  over the original with `os.replace` (atomic on POSIX and Windows); the directory is
  fsync'ed after.  A process killed at any instant leaves each file old or new.
* **undo, byte for byte, even after a crash** — the original bytes of every file are
  copied into `.fixkit_cache/journal/<timestamp>/` and the manifest is fsync'ed BEFORE
  the first change to that file; `undo` restores from there.
* **never a file that does not parse** — each Python file's new text is compiled
  (`compile(..., dont_inherit=True)`, AST only: nothing runs) before it is written;
  a TOML file is parsed.  A fix whose result does not parse is refused.
* **never a stale edit** — an edit carries the sha256 of the bytes it was computed
  against; a file whose bytes differ is refused.
* **never over a user's uncommitted work** — files with uncommitted git changes are
  refused unless `allow_dirty`.
* encoding, BOM and newline style are kept: edits apply to the decoded text
  (`fixkit.textio`) and are encoded back the same way.

Conflicting fixes on one file are handled like ruff's fix loop: apply what composes,
re-plan against the new text, repeat (bounded by MAX_ROUNDS).
"""

from __future__ import annotations

import ast
import datetime as _dt
import json
import os
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from fixkit.errors import FixkitError
from fixkit.model import Diagnosis, FileEdit, Fix, Safety, apply_hunks, edits_conflict, merge_edits, sha256_bytes
from fixkit.textio import SourceDecodeError, decode_source

MAX_ROUNDS = 8
JOURNAL_DIR = Path(".fixkit_cache") / "journal"
CRASH_ENV = "FIXKIT_TEST_CRASH_AFTER_WRITES"  # fault injection for the crash tests

_replacements = 0  # file replacements done by this process, for CRASH_ENV


# --------------------------------------------------------------------------- writing


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (Windows); os.replace is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _after_replacement() -> None:
    global _replacements
    _replacements += 1
    limit = os.environ.get(CRASH_ENV)
    if limit and _replacements >= int(limit):
        os._exit(99)  # a real, abrupt death: no finally blocks, no flushing


def atomic_write(path: Path, data: bytes, mode: int | None = None, *, project_file: bool = True) -> None:
    """Replace `path` with `data` so that readers only ever see the old or the new bytes.

    A symlink is followed (the link stays, its target is rewritten).  Permission bits
    are kept (or set to `mode`); ownership too when we are allowed to.  fixkit's own
    files (the journal) pass `project_file=False`: the crash injection counts only
    writes of the project's files.
    """
    path = Path(os.path.realpath(path))
    old_stat = None
    try:
        old_stat = path.stat()
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".fixkit-tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        elif old_stat is not None:
            os.chmod(tmp, stat.S_IMODE(old_stat.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if old_stat is not None and hasattr(os, "chown"):
            try:
                os.chown(tmp, old_stat.st_uid, old_stat.st_gid)
            except OSError:
                pass  # not ours to give away; the file keeps our ownership
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)
    if project_file:
        _after_replacement()


def atomic_delete(path: Path) -> None:
    os.unlink(path)
    _fsync_dir(path.parent)
    _after_replacement()


# --------------------------------------------------------------------------- journal


def _now_stamp() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


class Journal:
    """The originals of every file one `apply` touches, saved before it touches them.

    Layout: `<dir>/manifest.json` and `<dir>/blobs/<n>` (original bytes).  The manifest
    is rewritten atomically after each new file is saved, so whatever instant the
    process dies at, every file that was changed has its original on disk.
    """

    def __init__(self, root: Path, directory: Path, manifest: dict[str, Any]):
        self.root = root
        self.dir = directory
        self.manifest = manifest

    @classmethod
    def create(cls, root: Path) -> "Journal":
        base = root / JOURNAL_DIR
        base.mkdir(parents=True, exist_ok=True)
        ignore = base.parent / ".gitignore"
        if not ignore.exists():  # like .pytest_cache: git never shows fixkit's own files
            try:
                ignore.write_text("# created by fixkit\n*\n", encoding="utf-8")
            except OSError:
                pass
        stamp = _now_stamp()
        directory = base / stamp
        n = 0
        while True:
            try:
                directory.mkdir()
                break
            except FileExistsError:
                n += 1
                directory = base / f"{stamp}-{n}"
        (directory / "blobs").mkdir()
        manifest = {
            "version": 1,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "root": str(root),
            "state": "applying",
            "files": [],
            "fixes": [],
            "rolled_back": [],
            "installed": [],
        }
        journal = cls(root, directory, manifest)
        journal._save()
        return journal

    @classmethod
    def latest(cls, root: Path, *, include_undone: bool = False) -> "Journal | None":
        base = root / JOURNAL_DIR
        if not base.is_dir():
            return None
        for directory in sorted((d for d in base.iterdir() if d.is_dir()), reverse=True):
            try:
                manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # died before its first manifest: nothing was changed under it
            if include_undone or manifest.get("state") != "undone":
                return cls(root, directory, manifest)
        return None

    def _save(self) -> None:
        data = json.dumps(self.manifest, indent=1, sort_keys=True).encode("utf-8")
        atomic_write(self.dir / "manifest.json", data, project_file=False)

    def entry(self, path: str) -> dict[str, Any] | None:
        return next((f for f in self.manifest["files"] if f["path"] == path), None)

    def record(self, paths: Iterable[str]) -> None:
        """Save the originals of `paths` not saved yet; returns once they are on disk."""
        changed = False
        for rel in paths:
            if self.entry(rel) is not None:
                continue
            absolute = self.root / rel
            item: dict[str, Any] = {"path": rel, "existed": absolute.exists(), "written": []}
            if item["existed"]:
                data = absolute.read_bytes()
                blob = f"{len(self.manifest['files']):05d}"
                atomic_write(self.dir / "blobs" / blob, data, project_file=False)
                item.update(blob=blob, sha256=sha256_bytes(data), mode=stat.S_IMODE(absolute.stat().st_mode))
            self.manifest["files"].append(item)
            changed = True
        if changed:
            self._save()

    def will_write(self, rel: str, digest: str | None) -> None:
        """Note the hash a file is about to get, before writing it: `undo` then knows the
        file is still in a state apply produced (even if apply died right after)."""
        item = self.entry(rel)
        assert item is not None, f"{rel} written without a journal entry"
        if digest not in item["written"]:
            item["written"].append(digest)
            self._save()

    def note(self, key: str, value: Any) -> None:
        self.manifest[key].append(value)
        self._save()

    def finish(self, state: str = "complete") -> None:
        self.manifest["state"] = state
        self._save()

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.manifest["files"]


def _sweep_temporaries(root: Path, journal: Journal) -> None:
    """Remove the temporary files a process killed between writing and renaming left."""
    for item in journal.files:
        absolute = Path(os.path.realpath(root / item["path"]))
        if absolute.parent.is_dir():
            for tmp in absolute.parent.glob(f".{absolute.name}.*.fixkit-tmp"):
                try:
                    tmp.unlink()
                except OSError:
                    pass


@dataclass(frozen=True)
class UndoResult:
    journal: Path
    restored: tuple[str, ...]
    removed: tuple[str, ...]  # files apply had created
    refused: tuple[tuple[str, str], ...]  # (path, why): changed after apply, left alone
    installed: tuple[str, ...] = ()  # distributions apply installed (not uninstalled)


def undo(root: Path) -> UndoResult:
    """Restore every file of the latest not-yet-undone journal, byte for byte."""
    root = Path(root).resolve()
    journal = Journal.latest(root)
    if journal is None:
        raise FixkitError(f"nothing to undo: no apply journal under {root / JOURNAL_DIR}")
    restored, removed, refused = [], [], []
    for item in journal.files:
        rel = item["path"]
        absolute = root / rel
        current = absolute.read_bytes() if absolute.is_file() else None
        current_hash = sha256_bytes(current) if current is not None else None
        allowed = set(item.get("written") or ()) | {item.get("sha256")}
        if current_hash not in allowed:
            refused.append((rel, "changed after apply; left as it is"))
            continue
        if item["existed"]:
            original = (journal.dir / "blobs" / item["blob"]).read_bytes()
            if current != original or (absolute.exists() and stat.S_IMODE(absolute.stat().st_mode) != item["mode"]):
                absolute.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(absolute, original, item["mode"])
            restored.append(rel)
        elif absolute.exists():
            os.unlink(absolute)
            removed.append(rel)
    _sweep_temporaries(root, journal)
    # Files refused stay as the user left them; the journal is not offered again either way.
    journal.finish("undone")
    return UndoResult(journal.dir, tuple(restored), tuple(removed), tuple(refused), tuple(journal.manifest.get("installed") or ()))


# --------------------------------------------------------------------------- checks


def parses(
    path: str,
    data: bytes,
    *,
    python: str | None = None,
    target_version: tuple[int, int] | None = None,
    before: bytes | None = None,
) -> str | None:
    """None when `data` is a valid file of its kind, else why not (one line).

    The target version's grammar (`ast.parse(feature_version=...)`) is only held
    against the new text when the file as it was (`before`) met it: a fix must not
    make a file worse, but is not refused for syntax the project already used.

    Python is compiled to an AST from the bytes (so a PEP 263 coding line is honoured)
    without inheriting fixkit's own __future__ flags.  When this interpreter rejects it
    and the target interpreter is another one (newer syntax), that one is asked; it only
    compiles, it runs nothing.
    """
    if path.endswith((".py", ".pyi")):
        try:
            compile(data, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as exc:
            local = f"line {exc.lineno}: {exc.msg}"
        except (ValueError, RecursionError, MemoryError) as exc:
            local = f"{type(exc).__name__}: {exc}"
        else:
            if target_version and target_version < sys.version_info[:2]:
                try:
                    ast.parse(data, filename=path, feature_version=target_version)
                except SyntaxError as exc:
                    why = f"line {exc.lineno}: {exc.msg} (on Python {target_version[0]}.{target_version[1]})"
                    if before is None:
                        return why
                    try:
                        ast.parse(before, filename=path, feature_version=target_version)
                    except (SyntaxError, ValueError, RecursionError, MemoryError):
                        return None  # it did not meet the target's grammar before either
                    return why
                except (ValueError, RecursionError, MemoryError):
                    pass
            return None
        if python and os.path.realpath(python) != os.path.realpath(sys.executable):
            code = "import sys; compile(sys.stdin.buffer.read(), sys.argv[1], 'exec', 0x400, True)"
            try:
                proc = subprocess.run([python, "-c", code, path], input=data, capture_output=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                return local
            return None if proc.returncode == 0 else local
        return local
    if path.endswith(".toml"):
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            tomllib.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            return f"invalid TOML: {exc}"
    return None


def dirty_files(root: Path) -> set[str] | None:
    """Files under `root` with uncommitted changes (relative paths), None when `root`
    is not inside a git work tree (or git is not installed)."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if top.returncode != 0:
        return None
    toplevel = Path(top.stdout.strip()).resolve()
    proc = subprocess.run(
        ["git", "-C", str(toplevel), "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", str(root)],
        capture_output=True,
        timeout=60,
    )
    if proc.returncode != 0:
        return None
    out: set[str] = set()
    entries = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        if status[0] in "RC":
            i += 1  # the rename's source follows as its own entry
        absolute = (toplevel / name).resolve()
        try:
            out.add(absolute.relative_to(root.resolve()).as_posix())
        except ValueError:
            continue
    return out


# --------------------------------------------------------------------------- selection


def eligible(diagnosis: Diagnosis, *, unsafe: bool, select: Sequence[str] = (), ignore: Sequence[str] = (), install: bool = False) -> bool:
    """Whether `apply` should apply this diagnosis's fix at all."""
    fix = diagnosis.fix
    if fix is None:
        return False
    level = Safety.REVIEW if unsafe else Safety.SAFE
    if not level.allows(fix.safety):
        return False

    def hit(patterns: Sequence[str]) -> bool:
        return any(diagnosis.code.startswith(p) or diagnosis.kind == p for p in patterns)

    if select and not hit(select):
        return False
    if ignore and hit(ignore):
        return False
    return bool(fix.edits) or (install and bool(fix.distribution))


# --------------------------------------------------------------------------- one round


@dataclass(frozen=True)
class Outcome:
    """What happened to one diagnosis's fix."""

    diagnosis: Diagnosis
    status: str  # "applied" | "refused" | "deferred" | "rolled-back"
    reason: str = ""
    round: int = 0

    @property
    def fix(self) -> Fix:
        assert self.diagnosis.fix is not None
        return self.diagnosis.fix


@dataclass
class FileState:
    """One file as it is now, decoded once."""

    path: str
    exists: bool
    data: bytes = b""
    text: str = ""
    encode: Callable[[str], bytes] = lambda t: t.encode("utf-8")
    mode: int | None = None
    error: str | None = None

    @property
    def sha256(self) -> str | None:
        return sha256_bytes(self.data) if self.exists else None


def read_state(root: Path, rel: str) -> FileState:
    absolute = root / rel
    if not absolute.exists():
        return FileState(rel, False)
    try:
        data = absolute.read_bytes()
        mode = stat.S_IMODE(absolute.stat().st_mode)
    except OSError as exc:
        return FileState(rel, True, error=f"cannot read: {exc.strerror}")
    try:
        decoded = decode_source(data) if rel.endswith((".py", ".pyi")) else None
    except SourceDecodeError as exc:
        return FileState(rel, True, data=data, mode=mode, error=str(exc))
    if decoded is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return FileState(rel, True, data=data, mode=mode, error=f"not valid UTF-8 at byte {exc.start}")
        bom = text.startswith("\ufeff")
        body = text[1:] if bom else text
        return FileState(rel, True, data, body, (lambda t, b=bom: (("\ufeff" + t) if b else t).encode("utf-8")), mode)
    return FileState(rel, True, data, decoded.text, decoded.encode, mode)


def new_bytes(state: FileState, edit: FileEdit) -> bytes | None:
    """The file's bytes after `edit` (None: deleted).  Raises ValueError when impossible."""
    if edit.delete:
        return None
    if edit.creates:
        return "".join(h.text for h in edit.hunks).encode("utf-8")
    return state.encode(apply_hunks(state.text, edit.hunks))


@dataclass
class Round:
    """Pick, from diagnoses in plan order, the fixes that can be applied together now."""

    root: Path
    python: str | None = None
    target_version: tuple[int, int] | None = None
    dirty: set[str] | None = None  # None: not a git tree, or --allow-dirty
    ours: set[str] = field(default_factory=set)  # files this apply already wrote (not "dirty")

    def choose(self, diagnoses: Sequence[Diagnosis]) -> tuple[list[Diagnosis], list[Outcome], dict[str, FileState]]:
        accepted: list[Diagnosis] = []
        outcomes: list[Outcome] = []
        states: dict[str, FileState] = {}
        taken: dict[str, list[FileEdit]] = {}

        def state(rel: str) -> FileState:
            if rel not in states:
                states[rel] = read_state(self.root, rel)
            return states[rel]

        for d in diagnoses:
            fix = d.fix
            assert fix is not None
            reason = self._refusal(fix, state)
            if reason:
                outcomes.append(Outcome(d, "refused", reason))
                continue
            if any(edits_conflict(e, other) for e in fix.edits for other in taken.get(e.path, ())):
                outcomes.append(Outcome(d, "deferred", "overlaps another fix of this round; re-planned next round"))
                continue
            # The fix alone must give files that parse (a multi-file fix is all or nothing).
            alone = self._check(fix.edits, state)
            if alone:
                outcomes.append(Outcome(d, "refused", alone))
                continue
            # ... and so must the file with this round's other fixes (they may compose badly).
            together = self._check_merged(fix.edits, taken, state)
            if together:
                outcomes.append(Outcome(d, "deferred", f"does not compose with another fix of this round ({together}); re-planned next round"))
                continue
            accepted.append(d)
            for e in fix.edits:
                taken.setdefault(e.path, []).append(e)
        return accepted, outcomes, states

    def _refusal(self, fix: Fix, state: Callable[[str], FileState]) -> str | None:
        for e in fix.edits:
            if e.path.startswith("/") or ".." in Path(e.path).parts:
                return f"{e.path}: path outside the project"
            real = Path(os.path.realpath(self.root / e.path))
            if not real.is_relative_to(Path(os.path.realpath(self.root))):
                return f"{e.path}: a symlink that leads outside the project"
            s = state(e.path)
            if s.error:
                return f"{e.path}: {s.error}"
            if e.creates:
                if s.exists:
                    return f"{e.path}: would be created but already exists"
            elif not s.exists:
                return f"{e.path}: no longer exists"
            elif s.sha256 != e.old_sha256:
                return f"{e.path}: changed since the plan was made"
            if self.dirty is not None and e.path in self.dirty and e.path not in self.ours:
                return f"{e.path}: has uncommitted changes (commit them, or pass --allow-dirty)"
        return None

    def _check(self, edits: Sequence[FileEdit], state: Callable[[str], FileState]) -> str | None:
        for e in edits:
            try:
                data = new_bytes(state(e.path), e)
            except ValueError as exc:
                return f"{e.path}: {exc}"
            if data is not None:
                old = state(e.path)
                why = parses(e.path, data, python=self.python, target_version=self.target_version, before=old.data if old.exists else None)
                if why:
                    return f"{e.path}: the result would not parse ({why})"
        return None

    def _check_merged(self, edits: Sequence[FileEdit], taken: Mapping[str, list[FileEdit]], state) -> str | None:
        merged = []
        for e in edits:
            others = taken.get(e.path)
            if not others or e.delete or e.creates:
                continue
            try:
                merged.append(merge_edits([*others, e]))
            except ValueError as exc:
                return str(exc)
        return self._check(merged, state)


def write_round(root: Path, journal: Journal, chosen: Sequence[Diagnosis], states: Mapping[str, FileState], *, python=None, target_version=None) -> list[str]:
    """Write the chosen fixes (journaled first); the paths written, in order."""
    per_file: dict[str, list[FileEdit]] = {}
    for d in chosen:
        for e in d.fix.edits:  # type: ignore[union-attr]
            per_file.setdefault(e.path, []).append(e)
    if not per_file:
        return []
    results: dict[str, bytes | None] = {}
    for rel, edits in per_file.items():
        edit = edits[0] if len(edits) == 1 else merge_edits(edits)
        data = new_bytes(states[rel], edit)
        if data is not None:
            old = states[rel]
            why = parses(rel, data, python=python, target_version=target_version, before=old.data if old.exists else None)
            if why:  # checked in choose(); a second guard costs little and protects the promise
                raise FixkitError(f"internal: {rel} would not parse after merging ({why})")
        results[rel] = data
    journal.record(sorted(results))  # every original is on disk before the first change
    written = []
    for rel in sorted(results):
        data = results[rel]
        journal.will_write(rel, None if data is None else sha256_bytes(data))
        absolute = root / rel
        try:
            if data is None:
                atomic_delete(absolute)
            else:
                absolute.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(absolute, data)
        except OSError as exc:
            done = f"; {len(written)} file(s) already written: `fixkit undo` restores them" if written else ""
            raise FixkitError(f"cannot write {rel}: {exc.strerror or exc}{done}") from None
        written.append(rel)
    return written


def restore(root: Path, journal: Journal, contents: Mapping[str, bytes | None]) -> None:
    """Put files back to given contents (None: absent), through the journal."""
    journal.record(sorted(contents))
    for rel in sorted(contents):
        data = contents[rel]
        absolute = root / rel
        journal.will_write(rel, None if data is None else sha256_bytes(data))
        if data is None:
            if absolute.exists():
                atomic_delete(absolute)
        else:
            current = absolute.read_bytes() if absolute.exists() else None
            if current != data:
                absolute.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(absolute, data)


def snapshot(root: Path, paths: Iterable[str]) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for rel in paths:
        absolute = root / rel
        out[rel] = absolute.read_bytes() if absolute.is_file() else None
    return out


# --------------------------------------------------------------------------- the loop


@dataclass
class ApplyResult:
    outcomes: list[Outcome] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # every file touched, in order
    journal: Path | None = None
    before: Any = None  # fixkit.verify.VerifyResult
    after: Any = None
    rounds: int = 0
    installed: list[str] = field(default_factory=list)
    install_notes: list[str] = field(default_factory=list)
    final_plan: Any = None  # the plan of the project as apply left it

    def by_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def applied(self) -> list[Outcome]:
        return self.by_status("applied")


@dataclass
class Applier:
    """Runs the fix loop.  `make_plan` re-plans the project as it is on disk;
    `verify` (optional) imports the given entry points and returns {module: ok}."""

    root: Path
    make_plan: Callable[[], Any]
    unsafe: bool = False
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    allow_dirty: bool = False
    install: bool = False
    python: str | None = None
    target_version: tuple[int, int] | None = None
    verify: Callable[[Sequence[str]], Mapping[str, bool]] | None = None
    confirm: Callable[[Sequence[Diagnosis], Mapping[str, FileState]], bool] | None = None
    index_url: str | None = None  # for --install: the package index pip uses
    initial_status: Mapping[str, bool] | None = None  # verification already run before apply
    max_rounds: int = MAX_ROUNDS
    replan: bool = True  # False for `apply --plan`: exactly the given fixes, one round

    def run(self, plan: Any) -> ApplyResult:
        """Apply, then verify once.  Only when an entry point that imported before no
        longer does is the work redone from the originals with a verification after
        every round, to find and roll back the fixes responsible: the common case costs
        one verification, not one per round."""
        root = Path(self.root).resolve()
        dirty = None if self.allow_dirty else dirty_files(root)
        rnd = Round(root, self.python, self.target_version, dirty)
        entry = [e.module for e in getattr(plan, "entry_points", ())]
        status: dict[str, bool] | None = None
        if self.verify is not None and entry:
            status = dict(self.initial_status) if self.initial_status is not None else dict(self.verify(entry))
        result = ApplyResult()
        journal = self._loop(root, plan, rnd, result, None, None, confirm=True)
        if status is not None and journal is not None and result.written:
            now = dict(self.verify(entry))  # type: ignore[misc]
            if any(status.get(m) and not now.get(m) for m in entry):
                originals = {}
                for item in journal.files:
                    originals[item["path"]] = (journal.dir / "blobs" / item["blob"]).read_bytes() if item["existed"] else None
                restore(root, journal, originals)
                journal.manifest["fixes"] = []
                result = ApplyResult(journal=journal.dir)
                self._loop(root, plan, rnd, result, journal, status, confirm=False)
        if self.install:
            self._install(root, result, journal)
        if journal is not None:
            journal.finish("complete")
        return result

    def _loop(self, root: Path, plan: Any, rnd: Round, result: ApplyResult, journal: Journal | None, status: dict[str, bool] | None, *, confirm: bool) -> Journal | None:
        """The fix loop: apply what composes, re-plan, repeat.  With `status` (which entry
        points imported before), verify after each round and roll back regressions."""
        done: set[str] = set()  # diagnosis ids applied, refused or rolled back: never retried
        entry = [e.module for e in getattr(plan, "entry_points", ())]
        for number in range(1, self.max_rounds + 1):
            if number > 1:
                if not self.replan:
                    break
                plan = self.make_plan()
            candidates = [
                d for d in plan.diagnoses
                if d.id not in done and eligible(d, unsafe=self.unsafe, select=self.select, ignore=self.ignore, install=self.install)
            ]
            if not candidates:
                break
            chosen, outcomes, states = rnd.choose(candidates)
            for o in outcomes:
                if o.status == "refused":
                    done.add(o.diagnosis.id)
                    result.outcomes.append(Outcome(o.diagnosis, o.status, o.reason, number))
            if not chosen:
                # Deferred fixes with nothing applied would be re-planned identically: stop.
                result.outcomes.extend(Outcome(o.diagnosis, o.status, o.reason, number) for o in outcomes if o.status == "deferred")
                break
            if confirm and self.confirm is not None and not self.confirm(chosen, states):
                result.outcomes.extend(Outcome(d, "refused", "not confirmed", number) for d in chosen)
                break
            if journal is None:
                journal = Journal.create(root)
            result.journal = journal.dir
            paths = sorted({e.path for d in chosen for e in d.fix.edits})  # type: ignore[union-attr]
            pre = snapshot(root, paths)
            written = write_round(root, journal, chosen, states, python=self.python, target_version=self.target_version)
            rnd.ours.update(written)
            result.rounds = number
            for w in written:
                if w not in result.written:
                    result.written.append(w)
            kept = list(chosen)
            if status is not None and self.verify is not None and written:
                now = dict(self.verify(entry))
                regressed = [m for m in entry if status.get(m) and not now.get(m)]
                if regressed:
                    kept = self._replay(root, journal, chosen, states, pre, regressed, result, number)
                    now = dict(self.verify(entry))
                status = now
            for d in chosen:
                done.add(d.id)
            for d in kept:
                result.outcomes.append(Outcome(d, "applied", "", number))
                journal.note("fixes", {"id": d.id, "code": d.code, "summary": d.fix.summary, "files": list(d.fix.paths)})  # type: ignore[union-attr]
            if not self.replan:
                break
        return journal

    def _replay(self, root, journal, chosen, states, pre, regressed, result, number) -> list[Diagnosis]:
        """An entry point that imported before the round no longer does: replay the round
        fix by fix from the pre-round files and roll back each fix after which one of
        those entry points stops importing."""
        restore(root, journal, pre)
        kept: list[Diagnosis] = []
        for d in chosen:
            trial = kept + [d]
            contents = dict(pre)
            for rel in {e.path for k in trial for e in k.fix.edits}:
                edits = [e for k in trial for e in k.fix.edits if e.path == rel]
                contents[rel] = new_bytes(states[rel], edits[0] if len(edits) == 1 else merge_edits(edits))
            restore(root, journal, contents)
            check = self.verify(regressed)  # type: ignore[misc]
            broken = [m for m in regressed if not check.get(m)]
            if broken:
                reason = "verification got worse: " + ", ".join(broken) + " stopped importing"
                result.outcomes.append(Outcome(d, "rolled-back", reason, number))
                journal.note("rolled_back", {"id": d.id, "summary": d.fix.summary, "reason": reason})
                contents = dict(pre)
                for rel in {e.path for k in kept for e in k.fix.edits}:
                    edits = [e for k in kept for e in k.fix.edits if e.path == rel]
                    contents[rel] = new_bytes(states[rel], edits[0] if len(edits) == 1 else merge_edits(edits))
                restore(root, journal, contents)
            else:
                kept.append(d)
        return kept

    def _install(self, root: Path, result: ApplyResult, journal: Journal | None) -> None:
        wanted = []
        for o in result.applied:
            for dist in o.fix.requirements:
                if dist not in wanted:
                    wanted.append(dist)
        if not wanted:
            return
        try:
            from fixkit import deps  # the resolver engineer's module
        except ImportError:
            deps = None
        installer = getattr(deps, "install", None)
        if installer is None:
            result.install_notes.append("fixkit.deps.install is not available in this build: not installed: " + " ".join(wanted))
            return
        kwargs = {"index_url": self.index_url} if self.index_url else {}
        outcome = installer(wanted, self.python or sys.executable, **kwargs)
        ok = getattr(outcome, "ok", True)
        if ok:
            result.installed.extend(wanted)
            if journal is not None:
                for w in wanted:
                    journal.note("installed", w)
        message = getattr(outcome, "message", None) or getattr(outcome, "summary", None)
        if message:
            result.install_notes.append(str(message))
        elif not ok:
            result.install_notes.append("installing failed: " + " ".join(wanted))


def check_plan_current(root: Path, diagnoses: Iterable[Diagnosis]) -> list[str]:
    """For `apply --plan`: every file an edit of these diagnoses' fixes was computed
    against, whose bytes changed since (or that appeared or vanished)."""
    stale = []
    for d in diagnoses:
        if d.fix is None:
            continue
        for e in d.fix.edits:
            absolute = Path(root) / e.path
            if e.creates:
                if absolute.exists():
                    stale.append(f"{e.path} (exists now)")
            elif not absolute.is_file():
                stale.append(f"{e.path} (gone)")
            elif sha256_bytes(absolute.read_bytes()) != e.old_sha256:
                stale.append(e.path)
    return sorted(set(stale))
