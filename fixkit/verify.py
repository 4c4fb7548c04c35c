"""verify: import each entry point for real, in a fresh subprocess of the target interpreter.

This is the only place fixkit runs the analysed project's code.  Every import happens
in its own process (a broken module cannot poison the next one's `sys.modules` or
SQLAlchemy metadata), in its own session (so a timeout kills the whole process group,
threads and children included), with stdin closed and stdout/stderr drained by a thread
that keeps only the first `OUTPUT_CAP` bytes: a module that hangs, calls `sys.exit`,
`os._exit`s or prints megabytes costs at most `timeout` seconds and a few kilobytes.

The child reports through a result file, never through stdout, so nothing the module
prints can be mistaken for (or corrupt) the result.

Three questions are answered:
* does each entry point import (``verify_entry_points``)?  Each failure is tied to the
  plan's diagnosis that explains it (``explain_failures``), else it becomes an FK901
  runtime-error diagnosis;
* is an endpoint served (``check_app``)?  The app is built in a subprocess and its
  routes listed; a missing route is traced statically to the failed entry point that
  declares it (``find_route_providers``);
* do the models match the database (``check_database``)?  SQLAlchemy's inspector in
  the subprocess compares the tables of every model that imports with the live schema.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from fixkit.model import Diagnosis, Location

OUTPUT_CAP = 64 * 1024  # bytes of a child's stdout+stderr kept for the report
_READ_CHUNK = 65536

# The program run in the target interpreter.  It must work on every Python fixkit
# supports as a target (3.8+ syntax only) and import nothing of fixkit.
_CHILD_LIB = r'''
import json, os, sys, traceback
CONFIG = json.loads(sys.argv[1])
root = os.path.realpath(CONFIG["root"])
sys.dont_write_bytecode = True
for p in reversed(CONFIG["paths"]):
    sys.path.insert(0, p)

def first_party(filename):
    if not filename or filename.startswith("<"):
        return None  # <string>, <frozen importlib._bootstrap>: not a file of the project
    try:
        real = os.path.realpath(filename)
    except (TypeError, ValueError):
        return None
    if not real.startswith(root + os.sep):
        return None
    rel = os.path.relpath(real, root).replace(os.sep, "/")
    parts = rel.split("/")
    if "site-packages" in parts or "dist-packages" in parts or ".venv" in parts or "venv" in parts:
        return None
    return rel

def describe(exc):
    tb = traceback.extract_tb(exc.__traceback__)
    where = None
    if isinstance(exc, SyntaxError) and first_party(exc.filename):
        where = (first_party(exc.filename), exc.lineno or 0)
    if where is None:
        for frame in reversed(tb):
            rel = first_party(frame.filename)
            if rel:
                where = (rel, frame.lineno or 0)
                break
    chain = []
    for frame in tb:
        rel = first_party(frame.filename)
        if rel and (not chain or chain[-1] != rel):
            chain.append(rel)
    message = str(exc) if not isinstance(exc, SyntaxError) else (exc.msg or str(exc))
    if isinstance(exc, SystemExit):
        message = "the module called sys.exit(%r)" % (exc.code,)
    return {
        "type": type(exc).__name__,
        "message": message[:2000],
        "file": where[0] if where else None,
        "line": where[1] if where else None,
        "name": getattr(exc, "name", None) if isinstance(exc, ImportError) else None,
        "chain": chain,
    }

def run_import(module):
    import importlib
    try:
        importlib.import_module(module)
        return {"ok": True, "error": None}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included: report, do not die
        return {"ok": False, "error": describe(exc)}

def routes_of(app):
    out = []
    url_map = getattr(app, "url_map", None)
    if url_map is not None and hasattr(url_map, "iter_rules"):  # Flask / Werkzeug
        for rule in url_map.iter_rules():
            methods = sorted(m for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS"))
            out.append({"methods": methods, "path": rule.rule, "name": rule.endpoint})
        return out
    def flatten(routes):
        # FastAPI >= 0.120 includes routers lazily (_IncludedRouter); its public
        # iter_route_contexts yields the effective routes.  Older versions list them.
        try:
            from fastapi.routing import iter_route_contexts
        except Exception:
            return list(routes)
        try:
            return list(iter_route_contexts(list(routes)))
        except Exception:
            return list(routes)
    def walk(routes, prefix):
        for route in flatten(routes):
            if getattr(route, "path", None) is None:
                continue
            path = prefix + getattr(route, "path", "")
            methods = getattr(route, "methods", None)
            sub = getattr(route, "routes", None)
            if methods is None and sub and type(route).__name__ == "Mount":
                walk(sub, path)
                continue
            kind = "WEBSOCKET" if "WebSocket" in type(route).__name__ else None
            out.append({"methods": sorted(methods) if methods else ([kind] if kind else []),
                        "path": path, "name": getattr(route, "name", None)})
    walk(getattr(app, "routes", []) or [], "")
    return out

def run_app(target):
    import importlib
    module, _, attr = target.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in (attr or "app").split("."):
            obj = getattr(obj, part)
        if callable(obj) and not hasattr(obj, "routes") and not hasattr(obj, "url_map"):
            obj = obj()  # an application factory
        return {"ok": True, "routes": routes_of(obj)}
    except BaseException as exc:
        return {"ok": False, "error": describe(exc), "routes": []}

def run_database(url, modules):
    from sqlalchemy import MetaData, create_engine, inspect
    def metadatas():
        found = {}
        for name, mod in list(sys.modules.items()):
            if mod is None or not first_party(getattr(mod, "__file__", None)):
                continue
            for value in list(vars(mod).values()):
                meta = value if isinstance(value, MetaData) else getattr(value, "metadata", None) if isinstance(value, type) else None
                if isinstance(meta, MetaData):
                    found[id(meta)] = meta
        return found
    def table_keys():
        return {(i, t) for i, m in metadatas().items() for t in m.tables}
    failed = []
    partial = set()  # tables registered by an import that then failed: not "models that import"
    for module in modules:
        seen = table_keys()
        r = run_import(module)
        if not r["ok"]:
            failed.append(module)
            partial |= table_keys() - seen
    metas = metadatas()
    engine = create_engine(url)
    dialect = engine.dialect
    def compiled(type_):
        try:
            return type_.compile(dialect=dialect).upper()
        except Exception:
            return type(type_).__name__.upper()
    models = {}
    for meta in metas.values():
        for key, table in meta.tables.items():
            if (id(meta), key) in partial:
                continue
            models.setdefault(table.name, {c.name: {"type": compiled(c.type), "nullable": bool(c.nullable), "pk": bool(c.primary_key)} for c in table.columns})
    insp = inspect(engine)
    live = {}
    for table in insp.get_table_names():
        pk = set((insp.get_pk_constraint(table) or {}).get("constrained_columns") or ())
        live[table] = {c["name"]: {"type": compiled(c["type"]), "nullable": bool(c.get("nullable", True)), "pk": c["name"] in pk} for c in insp.get_columns(table)}
    engine.dispose()
    return {"ok": True, "models": models, "live": live, "failed_imports": failed}

def serve(spec):
    mode = spec["mode"]
    try:
        if mode == "import":
            result = run_import(spec["module"])
        elif mode == "app":
            result = run_app(spec["app"])
        else:
            result = run_database(spec["url"], spec["modules"])
    except BaseException as exc:
        result = {"ok": False, "error": describe(exc)}
    data = json.dumps(result, default=str)
    with open(spec["out"], "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os._exit(0)  # skip atexit handlers and non-daemon threads the project may have started
'''

_CHILD = _CHILD_LIB + "\nserve(CONFIG)\n"

# A fork server: imports the project's third-party libraries (never a first-party
# module) once, then forks one child per entry point.  Each child is as isolated as a
# fresh interpreter for the project's own modules (none were imported before the
# fork) but skips re-importing FastAPI/SQLAlchemy/pydantic, which dominates the cost.
# Single-threaded: a select() loop over the request pipe, a SIGCHLD self-pipe and the
# children's output pipes (drained here, capped at CAP bytes each).
_ZYGOTE = _CHILD_LIB + r'''
import select, signal
proto = os.fdopen(os.dup(1), "w", buffering=1)
devnull = os.open(os.devnull, os.O_RDWR)
os.dup2(devnull, 1)  # library chatter while preloading must not corrupt the protocol
os.dup2(devnull, 2)
CAP = CONFIG["cap"]
first = set(CONFIG["first_party"])
for name in CONFIG["preload"]:
    if name.split(".")[0] in first:
        continue
    try:
        __import__(name)
    except BaseException:
        pass
for name in list(sys.modules):
    mod = sys.modules.get(name)
    if name.split(".")[0] in first or (mod is not None and first_party(getattr(mod, "__file__", None))):
        del sys.modules[name]  # a library pulled a project module in: the children must import it afresh
import threading
if threading.active_count() > 1:
    # A library started a thread while preloading: forking now could copy a lock held
    # by it into every child (a hang fixkit would misreport).  Fresh interpreters, then.
    proto.write(json.dumps({"ready": False, "why": "threads"}) + "\n")
    proto.flush()
    os._exit(0)
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)
signal.signal(signal.SIGCHLD, lambda *a: None)
def send(msg):
    proto.write(json.dumps(msg) + "\n")
    proto.flush()
outputs = {}  # read fd -> [pid, bytearray]
def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        try:
            os.killpg(pid, signal.SIGKILL)  # whatever it left behind in its session
        except OSError:
            pass
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
        send({"exit": pid, "code": code})
send({"ready": True})
buf = b""
while True:
    fds = [0, wake_r] + list(outputs)
    try:
        ready, _, _ = select.select(fds, [], [])
    except InterruptedError:
        continue
    if wake_r in ready:
        try:
            os.read(wake_r, 4096)
        except BlockingIOError:
            pass
        reap()
    for fd in ready:
        if fd in outputs:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            pid, sink = outputs[fd]
            if chunk:
                room = CAP - len(sink)
                if room > 0:
                    sink.extend(chunk[:room])
                continue
            os.close(fd)
            del outputs[fd]
            send({"output": pid, "data": bytes(sink).decode("utf-8", "replace")})
    if 0 in ready:
        data = os.read(0, 65536)
        if not data:
            break
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            spec = json.loads(line)
            out_r, out_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.setsid()
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.dup2(devnull, 0)
                os.dup2(out_w, 1)
                os.dup2(out_w, 2)
                for fd in [out_r, out_w, wake_r, wake_w, devnull, proto.fileno()] + list(outputs):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                sys.stdin = open(0, "r", closefd=False)
                sys.stdout = open(1, "w", buffering=1, closefd=False)
                sys.stderr = open(2, "w", buffering=1, closefd=False)
                serve(spec)
            os.close(out_w)
            outputs[out_r] = [pid, bytearray()]
            send({"id": spec["id"], "pid": pid})
    reap()
'''


@dataclass(frozen=True)
class Failure:
    """Why one entry point did not import (the exception as the child saw it)."""

    type: str
    message: str
    file: str | None = None  # the first first-party frame, relative to the root
    line: int | None = None
    name: str | None = None  # ImportError.name: the module that could not be imported
    chain: tuple[str, ...] = ()  # first-party files on the traceback, outermost first

    def __str__(self) -> str:
        where = f" ({self.file}:{self.line})" if self.file else ""
        return f"{self.type}: {self.message}{where}"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message, "file": self.file, "line": self.line, "name": self.name}


@dataclass(frozen=True)
class VerifyItem:
    module: str
    ok: bool
    error: Failure | None = None
    diagnosis: str | None = None  # id of the diagnosis that explains the failure
    output: str = ""  # what the module printed (capped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "ok": self.ok,
            "error": str(self.error) if self.error else None,
            "exception": self.error.to_dict() if self.error else None,
            "diagnosis": self.diagnosis,
        }


@dataclass(frozen=True)
class RouteCheck:
    method: str
    path: str
    registered: bool
    providers: tuple[str, ...] = ()  # failed entry points that declare the route
    diagnoses: tuple[str, ...] = ()  # ids of the diagnoses blocking those entry points
    locations: tuple[str, ...] = ()  # "file:line" of the declaring decorator

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": f"{self.method} {self.path}",
            "registered": self.registered,
            "providers": list(self.providers),
            "diagnoses": list(self.diagnoses),
            "locations": list(self.locations),
        }


@dataclass(frozen=True)
class RoutesResult:
    app: str
    ok: bool
    routes: tuple[tuple[str, str], ...] = ()  # (METHOD, path)
    error: str | None = None
    checks: tuple[RouteCheck, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "ok": self.ok,
            "error": self.error,
            "count": len(self.routes),
            "routes": [f"{m} {p}" for m, p in self.routes],
            "expected": [c.to_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class ColumnDiff:
    table: str
    column: str
    problem: str  # "missing in database" | "no model column" | "type differs" | "nullable differs"
    model: str | None = None
    database: str | None = None


@dataclass(frozen=True)
class DatabaseResult:
    url: str
    ok: bool
    error: str | None = None
    model_tables: tuple[str, ...] = ()
    database_tables: tuple[str, ...] = ()
    missing_tables: tuple[str, ...] = ()  # a model has it, the database does not
    unmodelled_tables: tuple[str, ...] = ()  # in the database, no model that imports has it
    columns: tuple[ColumnDiff, ...] = ()
    failed_imports: tuple[str, ...] = ()  # entry points whose models could not be compared

    @property
    def matches(self) -> bool:
        return self.ok and not (self.missing_tables or self.unmodelled_tables or self.columns)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": _redact(self.url),
            "ok": self.ok,
            "error": self.error,
            "matches": self.matches,
            "model_tables": len(self.model_tables),
            "database_tables": len(self.database_tables),
            "missing_tables": list(self.missing_tables),
            "tables_without_model": list(self.unmodelled_tables),
            "columns": [c.__dict__ for c in self.columns],
            "failed_imports": list(self.failed_imports),
        }


@dataclass(frozen=True)
class VerifyResult:
    items: tuple[VerifyItem, ...]
    runtime_diagnoses: tuple[Diagnosis, ...] = ()  # FK901, failures no plan diagnosis explains
    routes: RoutesResult | None = None
    database: DatabaseResult | None = None

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def loaded(self) -> int:
        return sum(1 for i in self.items if i.ok)

    def status(self) -> dict[str, bool]:
        return {i.module: i.ok for i in self.items}

    def item(self, module: str) -> VerifyItem | None:
        return next((i for i in self.items if i.module == module), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "total": self.total,
            "loaded": self.loaded,
            "items": [i.to_dict() for i in self.items],
            "runtime_diagnoses": [
                {"id": d.id, "code": d.code, "kind": d.kind, "message": d.message, "file": d.file, "line": d.line, "blocks": list(d.blocks)}
                for d in self.runtime_diagnoses
            ],
        }
        if self.routes is not None:
            out["routes"] = self.routes.to_dict()
        if self.database is not None:
            out["database"] = self.database.to_dict()
        return out


# --------------------------------------------------------------------------- subprocess


@dataclass(frozen=True)
class ChildRun:
    result: dict[str, Any] | None  # None when the child died before reporting
    returncode: int | None
    timed_out: bool
    output: str


def _drain(stream, sink: bytearray) -> None:
    """Read until EOF, keeping the first OUTPUT_CAP bytes; the rest is discarded so a
    chatty child neither blocks on a full pipe nor fills fixkit's memory."""
    while True:
        chunk = stream.read1(_READ_CHUNK) if hasattr(stream, "read1") else stream.read(_READ_CHUNK)
        if not chunk:
            break
        room = OUTPUT_CAP - len(sink)
        if room > 0:
            sink.extend(chunk[:room])
    stream.close()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass


def run_child(python: str, root: Path, paths: Sequence[str], spec: Mapping[str, Any], timeout: float) -> ChildRun:
    """Run the child program with `spec` and return what it reported."""
    with tempfile.TemporaryDirectory(prefix="fixkit-verify-") as tmp:
        out_path = os.path.join(tmp, "result.json")
        payload = {"root": str(root), "paths": list(paths), "out": out_path, **spec}
        env = dict(os.environ)
        # Never leave __pycache__ behind in the project: `undo` promises byte-for-byte.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONSTARTUP", None)
        env.setdefault("PYTHONIOENCODING", "utf-8")
        try:
            proc = subprocess.Popen(
                [python, "-B", "-c", _CHILD, json.dumps(payload)],
                cwd=str(root),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            from fixkit.errors import FixkitError

            raise FixkitError(f"cannot run the target interpreter {python}: {exc.strerror or exc}") from None
        sink = bytearray()
        drainer = threading.Thread(target=_drain, args=(proc.stdout, sink), daemon=True)
        drainer.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        # Also reap children the module left behind holding the pipe open.
        _kill_group(proc)
        proc.wait()
        drainer.join(timeout=5)
        result = None
        if not timed_out:
            try:
                with open(out_path, encoding="utf-8") as fh:
                    result = json.loads(fh.read())
            except (OSError, ValueError):
                result = None
        return ChildRun(result, None if timed_out else proc.returncode, timed_out, bytes(sink).decode("utf-8", "replace"))


class ForkServer:
    """fixkit's side of the fork server (_ZYGOTE): thread-safe `run(spec, timeout)`."""

    def __init__(self, python: str, root: Path, paths: Sequence[str], preload: Sequence[str], first_party: Sequence[str], start_timeout: float = 60.0):
        self.tmp = tempfile.TemporaryDirectory(prefix="fixkit-verify-")
        config = {"root": str(root), "paths": list(paths), "preload": list(preload), "first_party": list(first_party), "cap": OUTPUT_CAP}
        env = dict(os.environ)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONSTARTUP", None)
        self.proc = subprocess.Popen(
            [python, "-B", "-c", _ZYGOTE, json.dumps(config)],
            cwd=str(root), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.pids: dict[int, int] = {}  # request id -> pid
        self.exits: dict[int, int] = {}  # pid -> exit code
        self.outputs: dict[int, str] = {}  # pid -> captured output
        self.ready = False
        self.dead = False
        self.counter = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        with self.cond:
            self.cond.wait_for(lambda: self.ready or self.dead, timeout=start_timeout)
        if not self.ready:
            self.close()
            raise OSError("the fork server did not start")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            with self.cond:
                if "ready" in msg:
                    self.ready = bool(msg["ready"])
                    self.dead = not self.ready
                elif "id" in msg:
                    self.pids[msg["id"]] = msg["pid"]
                elif "exit" in msg:
                    self.exits[msg["exit"]] = msg["code"]
                elif "output" in msg:
                    self.outputs[msg["output"]] = msg["data"]
                self.cond.notify_all()
        with self.cond:
            self.dead = True
            self.cond.notify_all()

    def run(self, spec: Mapping[str, Any], timeout: float) -> ChildRun:
        with self.lock:
            self.counter += 1
            ident = self.counter
        out_path = os.path.join(self.tmp.name, f"result-{ident}.json")
        line = json.dumps({**spec, "id": ident, "out": out_path}) + "\n"
        with self.lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(line.encode())
            self.proc.stdin.flush()
        with self.cond:
            if not self.cond.wait_for(lambda: ident in self.pids or self.dead, timeout=30):
                raise OSError("the fork server did not answer")
            if ident not in self.pids:
                raise OSError("the fork server died")
            pid = self.pids[ident]
            exited = self.cond.wait_for(lambda: pid in self.exits or self.dead, timeout=timeout)
            if self.dead and pid not in self.exits:
                try:
                    os.killpg(pid, signal.SIGKILL)  # orphaned with its server: do not leave it running
                except OSError:
                    pass
                raise OSError("the fork server died")  # the caller falls back to a fresh interpreter
        timed_out = not exited or pid not in self.exits
        if timed_out:
            try:
                os.killpg(pid, signal.SIGKILL)  # not reaped yet: the group is still its own
            except OSError:
                pass
        with self.cond:
            self.cond.wait_for(lambda: (pid in self.exits and pid in self.outputs) or self.dead, timeout=10)
            code = self.exits.pop(pid, None)
            output = self.outputs.pop(pid, "")
        result = None
        if not timed_out:
            try:
                with open(out_path, encoding="utf-8") as fh:
                    result = json.loads(fh.read())
            except (OSError, ValueError):
                result = None
        return ChildRun(result, None if timed_out else code, timed_out, output)

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
            self.proc.wait()
        self.tmp.cleanup()


def _error_from(run: ChildRun, timeout: float) -> Failure | None:
    if run.timed_out:
        return Failure("Timeout", f"importing took longer than {timeout:g}s (killed)")
    if run.result is None:
        tail = run.output.strip().splitlines()[-1:] if run.output.strip() else []
        extra = f": {tail[0][:300]}" if tail else ""
        return Failure("ProcessExit", f"the interpreter exited with code {run.returncode} before reporting{extra}")
    err = run.result.get("error")
    if not err:
        return None
    return Failure(
        type=str(err.get("type")),
        message=str(err.get("message")),
        file=err.get("file"),
        line=err.get("line"),
        name=err.get("name"),
        chain=tuple(err.get("chain") or ()),
    )


def _workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def verify_entry_points(
    root: Path,
    modules: Sequence[str],
    *,
    python: str,
    paths: Sequence[str] = (),
    timeout: float = 30.0,
    preload: Sequence[str] | None = None,
) -> list[VerifyItem]:
    """Import each module in its own process, in parallel; results in `modules` order.

    With `preload` (third-party modules the project imports, None = find them) and
    os.fork available, the processes are forked from a server that imported those
    once; otherwise each is a fresh interpreter.  The isolation is the same.
    """
    root = Path(root).resolve()
    search = [str(root / p) if p else str(root) for p in (paths or ("",))]
    server = None
    # Linux only: fork after importing libraries is not safe on macOS (system frameworks).
    if sys.platform.startswith("linux") and len(modules) > 1 and os.environ.get("FIXKIT_VERIFY_NO_FORK") != "1":
        if preload is None:
            preload = third_party_imports(root, search)
        try:
            server = ForkServer(python, root, search, preload, _top_level_names(search))
        except OSError:
            server = None

    def one(module: str) -> VerifyItem:
        spec = {"mode": "import", "module": module}
        run = None
        if server is not None:
            try:
                run = server.run(spec, timeout)
            except OSError:
                run = None
        if run is None:
            run = run_child(python, root, search, spec, timeout)
        err = _error_from(run, timeout)
        ok = err is None and bool(run.result and run.result.get("ok"))
        return VerifyItem(module, ok, err, None, run.output)

    try:
        with ThreadPoolExecutor(max_workers=_workers()) as pool:
            return list(pool.map(one, modules))
    finally:
        if server is not None:
            server.close()


_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import|import[ \t]+([A-Za-z_][\w.]*))", re.M)
_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".fixkit_cache", ".tox", "build", "dist"}


def _top_level_names(search: Sequence[str]) -> list[str]:
    """First-party top-level names: packages and modules directly on the source roots."""
    names = set()
    for base in search:
        try:
            for entry in os.scandir(base):
                if entry.name in _SKIP_DIRS or entry.name.startswith("."):
                    continue
                if entry.is_dir() or entry.name.endswith(".py"):
                    names.add(entry.name[:-3] if entry.name.endswith(".py") else entry.name)
        except OSError:
            continue
    return sorted(names)


def third_party_imports(root: Path, search: Sequence[str], limit: int = 5000) -> list[str]:
    """Modules the project imports that are not its own (the fork server preloads them;
    one that fails to import there is simply imported by each child)."""
    first = set(_top_level_names(search))
    found: dict[str, None] = {}
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".") and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))]
        for name in filenames:
            if not name.endswith(".py"):
                continue
            count += 1
            if count > limit:
                return list(found)
            try:
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as fh:
                    text = fh.read(200_000)
            except OSError:
                continue
            for m in _IMPORT_LINE.finditer(text):
                module = m.group(1) or m.group(2)
                if module.split(".")[0] not in first and not module.startswith("."):
                    found.setdefault(module, None)
    return list(found)


# --------------------------------------------------------------------------- diagnoses


_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")
_TABLE = re.compile(r"Table '([^']+)' is already defined")


def _match(err: Failure, diagnoses: Sequence[Diagnosis]) -> Diagnosis | None:
    """The diagnosis whose subject is the thing the exception is about."""
    def first(pred) -> Diagnosis | None:
        return next((d for d in diagnoses if pred(d)), None)

    if err.type in ("ModuleNotFoundError", "ImportError") and err.name and "cannot import name" not in err.message:
        missing = err.name
        hit = first(lambda d: d.kind in ("missing-dependency", "missing-module") and d.symbol and (
            d.symbol == missing or missing.startswith(d.symbol + ".") or d.symbol.startswith(missing + ".")))
        if hit:
            return hit
    m = _CANNOT_IMPORT.search(err.message)
    if m:
        name, module = m.groups()
        if "partially initialized" in err.message or "circular import" in err.message:
            hit = first(lambda d: d.kind == "circular-import")
            if hit:
                return hit
        hit = first(lambda d: d.kind == "missing-name" and d.symbol == name)
        if hit:
            return hit
        hit = first(lambda d: d.kind == "circular-import" and (d.symbol == name or d.module == module))
        if hit:
            return hit
    if err.type in ("SyntaxError", "IndentationError", "TabError") and err.file:
        hit = first(lambda d: d.kind in ("syntax-error", "parameter-order") and d.file == err.file)
        if hit:
            return hit
    t = _TABLE.search(err.message)
    if t:
        table = t.group(1)
        hit = first(lambda d: d.kind == "duplicate-model" and (d.datum("table") == table or f"'{table}'" in d.message or table in d.message))
        if hit:
            return hit
    return None


def explain_failures(items: Sequence[VerifyItem], plan: Any | None, project_files: Mapping[str, str] | None = None) -> tuple[list[VerifyItem], list[Diagnosis]]:
    """Tie each failure to the plan diagnosis that explains it; the rest become FK901.

    `plan` is a fixkit.plan.Plan (or None); `project_files` maps a module to its file.
    Matching, most specific first: the exception's subject (missing module, missing
    name, table, file of a syntax error) against a diagnosis blocking this entry point,
    then against any diagnosis; then a diagnosis on the file the traceback reached;
    then the entry point's own static blockers (the import graph already says why).
    """
    diagnoses: list[Diagnosis] = list(getattr(plan, "diagnoses", ()) or ())
    blocked_by = {e.module: tuple(e.blocked_by) for e in getattr(plan, "entry_points", ()) or ()}
    by_id = {d.id: d for d in diagnoses}
    out: list[VerifyItem] = []
    runtime: dict[tuple[str, str, int, str], list[str]] = {}
    errors: dict[tuple[str, str, int, str], Failure] = {}
    for item in items:
        if item.ok or item.error is None:
            out.append(item)
            continue
        err = item.error
        own = [by_id[i] for i in blocked_by.get(item.module, ()) if i in by_id]
        hit = _match(err, own) or _match(err, diagnoses)
        if hit is None and err.file:
            hit = next((d for d in own if d.file == err.file), None) or next(
                (d for d in diagnoses if d.file == err.file and d.code != "FK901"), None
            )
        if hit is None and own and err.type not in ("Timeout", "ProcessExit"):
            # The exception is not one static analysis words the same way, but the graph
            # already blocks this entry point: it is that cause until it is fixed.
            hit = own[0] if err.type in ("ModuleNotFoundError", "ImportError", "SyntaxError") else None
        if hit is not None:
            out.append(replace(item, diagnosis=hit.id))
            continue
        file = err.file or (project_files or {}).get(item.module) or ""
        key = (err.type, file, err.line or 0, err.message)
        runtime.setdefault(key, []).append(item.module)
        errors[key] = err
        out.append(item)
    fk901: list[Diagnosis] = []
    assigned: dict[str, str] = {}
    for key, modules in runtime.items():
        err = errors[key]
        etype, file, line, message = key
        d = Diagnosis(
            code="FK901",
            kind="runtime-error",
            message=f"{etype} raised while importing: {message}"[:500],
            file=file,
            line=line or 1,
            module=modules[0],
            symbol=etype,
            related=tuple(Location(f, 1, 0, "on the import path") for f in err.chain if f != file),
            blocks=tuple(modules),
            data=(("exception", etype), ("error", message[:500])),
        )
        fk901.append(d)
        for m in modules:
            assigned[m] = d.id
    out = [replace(i, diagnosis=assigned[i.module]) if i.module in assigned and not i.diagnosis else i for i in out]
    return out, fk901


# --------------------------------------------------------------------------- routes


_DECORATOR = re.compile(
    r"^[ \t]*@[ \t]*(\w+)\.(get|post|put|delete|patch|options|head|trace|api_route|route|websocket)\("
    r"\s*(?:path\s*=\s*)?([rbuRBU]*)(['\"])(.*?)\4(.*)$",
    re.M,
)
_METHODS_KW = re.compile(r"methods\s*=\s*[\[\(\{]([^\]\)\}]*)")
_ROUTER_PREFIX = re.compile(r"(\w+)\s*(?::[^=]*)?=\s*(?:\w+\.)?(?:APIRouter|Blueprint)\((.*?)\)\s*$", re.M | re.S)
_PREFIX_KW = re.compile(r"(?:url_)?prefix\s*=\s*(['\"])(.*?)\1")
_INCLUDE_PREFIX = re.compile(r"(?:include_router|register_blueprint)\((?:[^()]|\([^()]*\))*?(?:url_)?prefix\s*=\s*(['\"])(.*?)\1", re.S)


def parse_route(spec: str) -> tuple[str, str]:
    """'GET /api/x' → ('GET', '/api/x'); a bare path means GET."""
    parts = spec.strip().split(None, 1)
    if len(parts) == 1:
        method, path = "GET", parts[0]
    else:
        method, path = parts[0].upper(), parts[1].strip()
    if not path.startswith("/"):
        from fixkit.errors import FixkitError

        raise FixkitError(f"--expect-route expects 'METHOD /path', got {spec!r}")
    return method, path


def _norm(path: str) -> str:
    """Path templates compared by shape: {id}, {id:int} and <int:id> are one parameter."""
    path = re.sub(r"\{[^}]*\}", "{}", path)
    path = re.sub(r"<[^>]*>", "{}", path)
    return path.rstrip("/") or "/"


def _route_matches(template: str, path: str) -> bool:
    """A registered template serves `path`: same shape, or `path` is a concrete instance."""
    if _norm(template) == _norm(path):
        return True
    pattern = ""
    for part in re.split(r"(\{[^}]*\}|<[^>]*>)", template.rstrip("/") or "/"):
        if part.startswith(("{", "<")):
            pattern += ".+" if (":path" in part or part.startswith("<path:")) else "[^/]+"
        else:
            pattern += re.escape(part)
    return re.fullmatch(pattern, path.rstrip("/") or "/") is not None


def _declared_routes(text: str) -> list[tuple[str, str, int]]:
    """(METHOD, router-relative path including the router's own prefix, line) per decorator."""
    prefixes: dict[str, str] = {}
    for m in _ROUTER_PREFIX.finditer(text):
        kw = _PREFIX_KW.search(m.group(2))
        prefixes[m.group(1)] = kw.group(2) if kw else ""
    out = []
    for m in _DECORATOR.finditer(text):
        var, verb, _, _, path, rest = m.groups()
        line = text.count("\n", 0, m.start()) + 1
        if verb in ("route", "api_route"):
            km = _METHODS_KW.search(rest)
            methods = re.findall(r"['\"](\w+)['\"]", km.group(1)) if km else ["GET"]
        elif verb == "websocket":
            methods = ["WEBSOCKET"]
        else:
            methods = [verb.upper()]
        for method in methods:
            out.append((method.upper(), prefixes.get(var, "") + path, line))
    return out


def include_prefixes(texts: Iterable[str]) -> set[str]:
    """Every literal prefix an app mounts routers/blueprints under, plus no prefix."""
    found = {""}
    for text in texts:
        for m in _INCLUDE_PREFIX.finditer(text):
            found.add(m.group(2).rstrip("/"))
    return found


def find_route_providers(
    method: str, path: str, candidates: Mapping[str, str], prefixes: Iterable[str]
) -> list[tuple[str, int]]:
    """Which candidate modules ({module: source text}) declare `method path`, found with
    regular expressions rather than `ast` because a failed module may not even parse."""
    want = _norm(path)
    pre = sorted(set(prefixes))
    hits = []
    for module, text in candidates.items():
        for m, rel, line in _declared_routes(text):
            if m != method.upper():
                continue
            if any(_norm(p + rel) == want or _route_matches(p + rel, path) for p in pre):
                hits.append((module, line))
                break
    return hits


def detect_app(root: Path, files: Mapping[str, str]) -> str | None:
    """`module:attr` of the project's FastAPI/Starlette/Flask app, when there is one.

    `files` maps module names to relative paths.  Evidence, strongest first, in a
    module that constructs one of those classes: a module-level `name = FastAPI(...)`;
    a module-level `app = create_app()`-style assignment; an application factory
    `def create_app(...)` (the child calls it).  main/app modules win ties.
    """
    framework = re.compile(r"\b(?:FastAPI|Starlette|Flask)\(")
    direct = re.compile(r"^(\w+)\s*(?::[^=\n]*)?=\s*(?:\w+\.)?(?:FastAPI|Starlette|Flask)\(", re.M)
    assigned = re.compile(r"^(app|application|api|server)\s*(?::[^=\n]*)?=\s*[\w.]+\(", re.M)
    factory = re.compile(r"^def\s+(create_app|make_app|app_factory|get_app)\s*\(", re.M)
    found = []
    for module, rel in files.items():
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if not framework.search(text):
            continue
        leaf = module.rsplit(".", 1)[-1]
        rank = 0 if leaf in ("main", "app", "asgi", "wsgi", "server", "__init__") else 1
        for strength, pattern in enumerate((direct, assigned, factory)):
            m = pattern.search(text)
            if m:
                found.append((strength, rank, module.count("."), module, f"{module}:{m.group(1)}"))
                break
    return min(found)[4] if found else None


def check_app(
    root: Path,
    app: str,
    *,
    python: str,
    paths: Sequence[str] = (),
    timeout: float = 30.0,
    expect: Sequence[str] = (),
    failed: Mapping[str, str] | None = None,
    blockers: Mapping[str, Sequence[str]] | None = None,
    prefix_texts: Iterable[str] = (),
) -> RoutesResult:
    """Build the app in a subprocess, list its routes, check the expected ones.

    `failed` maps each failed entry point to its source text (for the static search of
    who would have provided a missing route); `blockers` maps it to diagnosis ids.
    """
    if ":" not in app:
        from fixkit.errors import FixkitError

        raise FixkitError(f"--app expects MODULE:ATTR, got {app!r}")
    root = Path(root).resolve()
    search = [str(root / p) if p else str(root) for p in (paths or ("",))]
    wanted = [parse_route(e) for e in expect]
    run = run_child(python, root, search, {"mode": "app", "app": app}, timeout)
    err = _error_from(run, timeout)
    routes: tuple[tuple[str, str], ...] = ()
    ok = bool(run.result and run.result.get("ok"))
    if run.result:
        routes = tuple(sorted({(m, r["path"]) for r in run.result.get("routes", []) for m in (r.get("methods") or ["ANY"])}))
    prefixes = include_prefixes(prefix_texts)
    checks = []
    for method, path in wanted:
        registered = any(m == method and _route_matches(p, path) for m, p in routes)
        providers: list[str] = []
        locations: list[str] = []
        diags: list[str] = []
        if not registered:
            for module, line in find_route_providers(method, path, failed or {}, prefixes):
                providers.append(module)
                locations.append(f"{module}:{line}")
                for d in (blockers or {}).get(module, ()):
                    if d and d not in diags:
                        diags.append(d)
        checks.append(RouteCheck(method, path, registered, tuple(providers), tuple(diags), tuple(locations)))
    return RoutesResult(app, ok, routes, str(err) if err and not ok else None, tuple(checks))


# --------------------------------------------------------------------------- database


def _redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def check_database(
    root: Path, url: str, modules: Sequence[str], *, python: str, paths: Sequence[str] = (), timeout: float = 60.0
) -> DatabaseResult:
    """Import `modules` (the entry points) in one subprocess, collect the SQLAlchemy
    metadata of every first-party module that imported, and compare with the live
    schema read through SQLAlchemy's inspector."""
    root = Path(root).resolve()
    search = [str(root / p) if p else str(root) for p in (paths or ("",))]
    run = run_child(python, root, search, {"mode": "database", "url": url, "modules": list(modules)}, timeout)
    err = _error_from(run, timeout)
    if err is not None or not run.result or not run.result.get("ok"):
        return DatabaseResult(_redact(url), False, str(err) if err else "the database check did not report")
    models: dict[str, dict[str, dict]] = run.result["models"]
    live: dict[str, dict[str, dict]] = run.result["live"]
    columns: list[ColumnDiff] = []
    for table in sorted(set(models) & set(live)):
        mcols, lcols = models[table], live[table]
        for col in sorted(set(mcols) - set(lcols)):
            columns.append(ColumnDiff(table, col, "missing in database", mcols[col]["type"], None))
        for col in sorted(set(lcols) - set(mcols)):
            columns.append(ColumnDiff(table, col, "no model column", None, lcols[col]["type"]))
        for col in sorted(set(mcols) & set(lcols)):
            mt, lt = mcols[col]["type"], lcols[col]["type"]
            if _type_key(mt) != _type_key(lt):
                columns.append(ColumnDiff(table, col, "type differs", mt, lt))
            elif mcols[col]["nullable"] != lcols[col]["nullable"] and not (mcols[col].get("pk") or lcols[col].get("pk")):
                # a primary key is NOT NULL whatever SQLite's pragma reports
                columns.append(ColumnDiff(table, col, "nullable differs", f"nullable={mcols[col]['nullable']}", f"nullable={lcols[col]['nullable']}"))
    return DatabaseResult(
        _redact(url),
        True,
        None,
        tuple(sorted(models)),
        tuple(sorted(live)),
        tuple(sorted(set(models) - set(live))),
        tuple(sorted(set(live) - set(models))),
        tuple(columns),
        tuple(run.result.get("failed_imports") or ()),
    )


def _type_key(compiled: str) -> str:
    """Types as the database stores them: VARCHAR(100) and VARCHAR(100) COLLATE x match,
    as do aliases a dialect reflects differently (BOOLEAN/BOOL, INTEGER/INT)."""
    key = compiled.upper().split(" COLLATE ")[0].strip()
    aliases = {"BOOL": "BOOLEAN", "INT": "INTEGER", "INT4": "INTEGER", "INT8": "BIGINT", "FLOAT8": "DOUBLE PRECISION"}
    base = key.split("(")[0]
    return aliases.get(base, base) + key[len(base):]
