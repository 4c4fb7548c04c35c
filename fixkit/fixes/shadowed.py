"""Fix for a module shadowed by a package of the same name (FK203).

`app/models.py` beside `app/models/`: `import app.models` always finds the package,
so the file never runs.  When the package already provides every public name the
file defines, deleting the file changes nothing at run time: safe.  Otherwise the
names only the file defines are moved into the package's `__init__.py`
(`codemods.shadowed_module`, with the private helpers they use and the imports they
need) and the file is deleted: review, the moved names listed — that code never ran
before.  A model class is not moved when its table is already mapped by live code
(moving it would create the duplicate-table error FK301 is about); it is listed.
"""

from __future__ import annotations

from codemods.shadowed_module import MoveDefinitionsCommand
from fixkit.analysis import Analysis
from fixkit.cache import CACHE_DIR
from fixkit.codemod_runner import CACHE_SUBDIR, SourceText, edits_from, parses, run_codemod
from fixkit.facts import FileFacts
from fixkit.model import Diagnosis, FileEdit, Fix, Safety, edit_between, sha256_bytes
from fixkit.project import module_name_of


def _dead_file(diagnosis: Diagnosis, analysis: Analysis) -> str | None:
    files = analysis.project.files
    for path in [diagnosis.file, *(loc.file for loc in diagnosis.related)]:
        info = files.get(path)
        if info is not None and info.shadowed_by:
            return path
    if diagnosis.module:  # a diagnosis on an importer: find the dead file by its would-be name
        for path, info in files.items():
            if info.shadowed_by and module_name_of(path, analysis.project.source_roots) == diagnosis.module:
                return path
    return None


def _package_init(shadowed_by: str) -> str:
    return shadowed_by if shadowed_by.endswith(".py") else f"{shadowed_by.rstrip('/')}/__init__.py"


def _provided(analysis: Analysis, package: str, init: FileFacts | None) -> set[str] | None:
    """Names `from package import X` finds: what __init__ binds, star imports one level
    deep, and submodules.  None when unknowable (a module `__getattr__`)."""
    names = {m.rpartition(".")[2] for m in analysis.project.modules if m.rpartition(".")[0] == package}
    if init is None:
        return names
    if init.has_getattr:
        return None
    names |= {d.name for d in init.definitions} | set(init.defined_names)
    for imp in init.imports:
        if imp.star and imp.scope == "module":
            source = analysis.facts_of(imp.module)
            if source is None:
                return None
            names |= {d.name for d in source.definitions} | set(source.defined_names)
    return names


def fix_shadowed_module(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    dead_path = _dead_file(diagnosis, analysis)
    if dead_path is None:
        return None
    project = analysis.project
    info = project.files[dead_path]
    assert info.shadowed_by is not None
    init_path = _package_init(info.shadowed_by)
    package = module_name_of(init_path, project.source_roots) or ""
    dead = analysis.facts.get(dead_path)
    if dead is None or dead.syntax_error or dead.read_error:
        return Fix(f"Delete or merge {dead_path} by hand (it cannot be parsed)", Safety.MANUAL)
    init = analysis.facts.get(init_path)
    provided = _provided(analysis, package, init)
    if provided is None:
        return Fix(
            f"Delete {dead_path} by hand after checking {init_path}",
            Safety.MANUAL,
            notes=(f"{init_path} defines __getattr__ or star-imports an unknown module: what it provides is unknowable",),
        )
    public: list[str] = []
    for d in dead.definitions:
        if d.kind != "import" and not d.name.startswith("_") and d.name not in public:
            public.append(d.name)
    only_dead = [name for name in public if name not in provided]

    # Tables live code already maps: moving such a model would define the table twice.
    live_tables = {
        m.table: f"{path}:{m.line}"
        for path, facts in analysis.files_with("models")
        if path != dead_path and facts.module and not (project.files.get(path) and project.files[path].shadowed_by)
        for m in facts.models
    }
    notes: list[str] = []
    for model in dead.models:
        if model.name in only_dead and model.table in live_tables:
            only_dead.remove(model.name)
            notes.append(f"{model.name} is not moved: table {model.table!r} is already mapped at {live_tables[model.table]}")

    dead_bytes = project.read_bytes(dead_path)
    delete = FileEdit(dead_path, sha256_bytes(dead_bytes), (), delete=True)
    if not only_dead:
        summary = f"Delete {dead_path}: {package} (the package that shadows it) already provides everything it defines"
        return Fix(summary, Safety.REVIEW if notes else Safety.SAFE, edits=(delete,), notes=tuple(notes))

    cache_dir = project.root / CACHE_DIR / CACHE_SUBDIR if project.config.use_cache else None
    args = {"source_path": dead_path, "source_module": package, "names": only_dead, "source_text": project.read_text(dead_path)}
    if init is not None:
        text = project.read_text(init_path)
        results = run_codemod(MoveDefinitionsCommand, [SourceText(init_path, text, package, package)], args, jobs=1, cache_dir=cache_dir)
        edits, problems = edits_from(project, results.values())
    else:  # a namespace package: the moved code starts its __init__.py
        result = run_codemod(MoveDefinitionsCommand, [SourceText(init_path, "", package, package)], args, jobs=1)[init_path]
        problems = (f"{init_path}: {result.error}",) if result.error else ()
        if result.new_text is not None and not parses(result.new_text):
            problems = (f"{init_path}: the new file would not parse",)
        edits = () if problems else (edit_between(init_path, None, result.new_text),)
    if problems or not edits:
        return Fix(f"Merge {dead_path} into {init_path} by hand", Safety.MANUAL, notes=(*notes, *problems))
    notes.insert(0, f"moved into {init_path}: {', '.join(only_dead)} (they never ran before: {dead_path} was shadowed)")
    if init is not None and init.all_names is not None:
        public_moved = [n for n in only_dead if n not in init.all_names]
        if public_moved:
            notes.append(f"{init_path} has __all__: add {', '.join(public_moved)} there if `from {package} import *` should export them")
    summary = f"Move what only {dead_path} defines into {init_path} and delete {dead_path}"
    return Fix(summary, Safety.REVIEW, edits=(*edits, delete), notes=tuple(notes))
