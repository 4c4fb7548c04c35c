"""Import name → the PyPI distribution that provides it, with evidence; never a guess.

    from fixkit.resolve import resolve
    [r] = resolve(["dagger"], python="/path/to/.venv/bin/python", offline=True)
    r.distribution  # "dagger-io"
    r.confidence    # "high"
    r.evidence      # (Evidence("curated", "..."),)
    r.warnings      # ("PyPI's `dagger` is an unrelated project ...",)

Evidence, strongest first (every answer records which one decided it, like
FawltyDeps' `resolved_with`):

1. ``environment`` — an installed distribution of the target interpreter provides
   the module (its file list, read in that interpreter; see `environment`);
2. ``user-mapping`` — `[tool.fixkit] mapping` of the project;
3. ``curated`` / ``wheel-listing`` — the shipped tables (`data/`): hand-curated
   entries, and the modules each of the most downloaded projects' wheels provide;
4. ``index`` — online only: the index pip is configured with has a candidate (the
   dotted prefixes as distribution names, then the name itself) whose newest wheel
   really provides the module, read from the wheel's zip directory;
   ``namespace`` — offline, or when the index is unreachable: the longest dotted
   prefix of a namespace-package import that names a ranked distribution.

Confidence: ``high`` (installed, curated, the only or dominant wheel provider, a
verified namespace distribution), ``medium`` (several providers, an unverified
namespace name, a verified same-name distribution that is established), ``low`` (a
verified but new or unranked same-name distribution: never installed automatically).
An answer only from the name is never given: a same-name distribution that does not
provide the module is reported in the warnings, and the result is "no distribution found".
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from packaging.utils import canonicalize_name

from fixkit.errors import FixkitError
from fixkit.resolve import table as _table
from fixkit.resolve.environment import Environment, probe
from fixkit.resolve.index import IndexError_, IndexProject, configured_index_url, fetch_project, wheel_modules

HIGH, MEDIUM, LOW = "high", "medium", "low"
NOT_FOUND = "no distribution found"
# An index project counts as established with this many releases over this many days.
ESTABLISHED_RELEASES = 3
ESTABLISHED_DAYS = 90

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class Evidence:
    source: str  # environment | user-mapping | curated | wheel-listing | index | namespace | stdlib
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "detail": self.detail}


@dataclass(frozen=True)
class Resolution:
    import_name: str
    distribution: str | None
    confidence: str  # high | medium | low
    evidence: tuple[Evidence, ...] = ()
    warnings: tuple[str, ...] = ()
    installed_version: str | None = None  # in the target environment, when installed
    newest_version: str | None = None  # on the index, when it was asked
    stdlib: bool = False

    @property
    def resolved(self) -> bool:
        return self.distribution is not None

    @property
    def installable(self) -> bool:
        """Whether `apply --install` may install it without a person deciding."""
        return self.distribution is not None and self.confidence in (HIGH, MEDIUM)

    def to_json(self) -> dict[str, object]:
        return {
            "import": self.import_name,
            "distribution": self.distribution,
            "confidence": self.confidence,
            "evidence": [e.to_json() for e in self.evidence],
            "warnings": list(self.warnings),
        }


def validate_name(name: str) -> str:
    name = name.strip()
    if not _DOTTED.match(name):
        raise FixkitError(f"not an import name: {name!r} (expected a dotted module name such as yaml or google.cloud.storage)")
    return name


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


@dataclass
class Resolver:
    """Resolves many names with shared caches (environment probe, index answers)."""

    python: str | None = None
    offline: bool = False
    index_url: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    use_environment: bool = True
    timeout: float = 10.0
    _projects: dict[str, IndexProject | None | IndexError_] = field(default_factory=dict, init=False, repr=False)
    _wheels: dict[str, set[str] | IndexError_] = field(default_factory=dict, init=False, repr=False)
    _index_down: str | None = field(default=None, init=False, repr=False)

    # ------------------------------------------------------------------ sources

    @property
    def environment(self) -> Environment | None:
        # through probe()'s per-interpreter cache, which `fixkit.deps.install` drops
        # after installing: a long-lived resolver then sees the new distributions
        return probe(self.python) if self.use_environment else None

    @property
    def index(self) -> str:
        if self.index_url is None:
            self.index_url = configured_index_url(self.python or sys.executable)
        return self.index_url

    def project(self, name: str) -> IndexProject | None:
        key = canonicalize_name(name)
        if key not in self._projects:
            try:
                self._projects[key] = fetch_project(self.index, name, timeout=self.timeout)
            except IndexError_ as exc:
                self._projects[key] = exc
        hit = self._projects[key]
        if isinstance(hit, IndexError_):
            raise hit
        return hit

    def modules_of_wheel(self, url: str) -> set[str]:
        if url not in self._wheels:
            try:
                self._wheels[url] = wheel_modules(url, timeout=self.timeout * 2)
            except IndexError_ as exc:
                self._wheels[url] = exc
        hit = self._wheels[url]
        if isinstance(hit, IndexError_):
            raise hit
        return hit

    # ------------------------------------------------------------------ resolving

    def resolve(self, name: str) -> Resolution:
        name = validate_name(name)
        tables = _table.load()
        curated_warning = ""
        for prefix in _prefixes(name):
            entry = tables.curated.get(prefix)
            if entry is not None:
                curated_warning = entry.warning
                break
        warnings = [curated_warning] if curated_warning else []

        top = name.split(".", 1)[0]
        env = self.environment
        stdlib = env.stdlib if env is not None and env.stdlib else frozenset(getattr(sys, "stdlib_module_names", ()))
        if top in stdlib:
            return Resolution(
                name,
                None,
                HIGH,
                (Evidence("stdlib", f"`{top}` is in the standard library of Python {'.'.join(map(str, env.version[:2])) if env else sys.version.split()[0]}"),),
                ("part of the standard library: there is no distribution to install",),
                stdlib=True,
            )

        ours = frozenset(getattr(sys, "stdlib_module_names", ()))
        if env is not None and env.stdlib and top in ours and top not in env.stdlib:
            warnings.append(
                f"`{top}` is in the standard library of Python {sys.version_info[0]}.{sys.version_info[1]} but not of the target "
                f"Python {env.version[0]}.{env.version[1]}: guard the import or raise requires-python"
            )
        found = self._from_environment(name, env, warnings)
        if found is None:
            found = self._from_mapping(name, warnings, env)
        if found is None:
            found = self._from_tables(name, tables, warnings, env)
        if found is not None and not self.offline and not self._index_down and found.evidence[0].source in ("user-mapping", "curated", "wheel-listing"):
            found = self._confirm(found)
        if found is None and not self.offline:
            found = self._from_index(name, tables, warnings, env)
        if found is None and (self.offline or self._index_down):
            found = self._from_namespace(name, tables, warnings, env)
        if found is None:
            return Resolution(name, None, LOW, (), tuple(_dedupe([*warnings, NOT_FOUND])))
        return found

    def _installed(self, env: Environment | None, distribution: str) -> str | None:
        return env.version_of(distribution) if env is not None else None

    def _confirm(self, found: Resolution) -> Resolution:
        """Online: the index must have the distribution, and its newest wheel should
        still provide the module (a table entry can go stale: pkg_resources left setuptools)."""
        import dataclasses

        dist = found.distribution or ""
        user = found.evidence[0].source == "user-mapping"
        try:
            project = self.project(dist)
        except IndexError_ as exc:
            self._index_down = str(exc)
            return dataclasses.replace(found, warnings=(*found.warnings, f"not confirmed on the index ({exc})"))
        if project is None:
            return dataclasses.replace(
                found,
                confidence=found.confidence if user else LOW,
                warnings=(*found.warnings, f"{dist} is not on the index {self.index}: pip cannot install it from there"),
            )
        wheel = project.newest_wheel()
        if wheel is None:
            return dataclasses.replace(found, warnings=(*found.warnings, f"{project.name} has no wheel on the index whose contents could be checked"))
        try:
            modules = self.modules_of_wheel(wheel.url)
        except IndexError_ as exc:
            return dataclasses.replace(found, warnings=(*found.warnings, f"{wheel.filename} could not be read: {exc}"))
        name = found.import_name
        provides = next((p for p in _prefixes(name) if p in modules), None)
        if provides is None and any(m.startswith(name + ".") for m in modules):
            provides = name  # a namespace the wheel fills (mpl_toolkits.*)
        if provides is None:
            return dataclasses.replace(
                found,
                confidence=MEDIUM if found.confidence == HIGH else found.confidence,
                warnings=(*found.warnings, f"the newest wheel of {project.name} ({wheel.filename}) does not provide `{name}`: an older release may"),
                newest_version=str(wheel.version),
            )
        return dataclasses.replace(
            found,
            evidence=(*found.evidence, Evidence("index", f"{wheel.filename} on {self.index} provides `{provides}`")),
            newest_version=str(wheel.version),
        )

    def _from_environment(self, name: str, env: Environment | None, warnings: list[str]) -> Resolution | None:
        if env is None:
            return None
        hit = env.providers(name)
        if hit is None:
            return None
        prefix, dists = hit
        if prefix != name and prefix in _table.load().namespaces:
            return None  # pkgutil-style `backports/__init__.py`: says nothing about backports.x
        dist = dists[0]
        version = env.dists.get(dist)
        detail = f"{dist} {version} is installed in {env.python} and provides `{prefix}`"
        extra = list(warnings)
        if len(dists) > 1:
            extra.append(f"`{prefix}` is provided by several installed distributions: {', '.join(dists)}")
        if prefix != name:
            detail += f" (the package `{name}` is part of)"
        return Resolution(name, dist, HIGH, (Evidence("environment", detail),), tuple(_dedupe(extra)), installed_version=version)

    def _from_mapping(self, name: str, warnings: list[str], env: Environment | None) -> Resolution | None:
        for prefix in _prefixes(name):
            dist = self.mapping.get(prefix)
            if dist:
                return Resolution(
                    name,
                    dist,
                    HIGH,
                    (Evidence("user-mapping", f"[tool.fixkit] mapping: {prefix} = {dist!r}"),),
                    tuple(_dedupe(warnings)),
                    installed_version=self._installed(env, dist),
                )
        return None

    def _from_tables(self, name: str, tables: _table.Tables, warnings: list[str], env: Environment | None) -> Resolution | None:
        for prefix in _prefixes(name):
            entry = tables.curated.get(prefix)
            if entry is not None:
                detail = f"curated table: `{prefix}` is provided by {entry.distribution}"
                if entry.source:
                    detail += f" ({entry.source})"
                return Resolution(name, entry.distribution, HIGH, (Evidence("curated", detail),), tuple(_dedupe(warnings)), installed_version=self._installed(env, entry.distribution))
            entries = tables.generated.get(prefix)
            if entries and prefix != name and prefix in tables.namespaces:
                continue  # `google` (some wheel ships google/__init__.py) says nothing about google.cloud.x
            if entries:
                best = entries[0]
                others = [e for e in entries[1:] if canonicalize_name(e.distribution) != canonicalize_name(best.distribution)]
                evidence = [Evidence("wheel-listing", f"{best.source} (download rank {best.rank}) provides `{prefix}`")]
                extra = list(warnings)
                confidence = HIGH
                if others:
                    # a clear favourite (ten times the downloads rank) stays high
                    runner_up = others[0].rank or 10**9
                    if best.rank is None or runner_up < best.rank * 10:
                        confidence = MEDIUM
                    extra.append(
                        f"`{prefix}` is also provided by " + ", ".join(f"{e.distribution} (rank {e.rank})" for e in others[:5]) + ": check which one the project means"
                    )
                if prefix in tables.namespaces:
                    confidence = LOW
                    extra.append(f"`{prefix}` is a namespace shared by many distributions: import the subpackage you need, not `{prefix}` itself")
                elif not _related(prefix, best.distribution):
                    main = [m for m in tables.modules_of(best.distribution) if _related(m, best.distribution)]
                    if main:
                        # oci-cli ships a top-level `services`: not what `import services` means
                        confidence = LOW if prefix.split(".")[0] in GENERIC_NAMES else MEDIUM
                        extra.append(
                            f"`{prefix}` is a side package of {best.distribution}, whose own package is `{main[0]}`"
                            + (f"; `{prefix}` is more likely a module of the project itself" if confidence == LOW else "")
                        )
                if confidence == HIGH and prefix.split(".")[0] in GENERIC_NAMES:
                    confidence = MEDIUM
                    extra.append(f"`{prefix}` is a common name for a project's own module: check it is not a missing first-party module")
                return Resolution(name, best.distribution, confidence, tuple(evidence), tuple(_dedupe(extra)), installed_version=self._installed(env, best.distribution))
        return None

    def _from_namespace(self, name: str, tables: _table.Tables, warnings: list[str], env: Environment | None) -> Resolution | None:
        top = name.split(".", 1)[0]
        if "." not in name or top not in tables.namespaces:
            return None
        for prefix in _prefixes(name)[:-1]:  # never the namespace root alone
            if prefix in tables.namespace_levels:
                continue  # `google.cloud` is a namespace too: a distribution named after it provides nothing below
            candidate = prefix.replace(".", "-").replace("_", "-")
            published = tables.published_name(candidate)
            if published:
                why = "offline" if self.offline else f"the index was unreachable: {self._index_down}"
                return Resolution(
                    name,
                    published,
                    MEDIUM,
                    (Evidence("namespace", f"`{top}` is a namespace package and {published} (download rank {tables.rank(published)}) is named after the longest dotted prefix `{prefix}`"),),
                    tuple(_dedupe([*warnings, f"not checked against a wheel ({why})"])),
                    installed_version=self._installed(env, published),
                )
        return None

    def _established(self, project: IndexProject, tables: _table.Tables) -> tuple[bool, str]:
        rank = tables.rank(project.name)
        if rank is not None:
            return True, f"download rank {rank}"
        versions = project.versions(include_prereleases=True)
        first = project.first_upload()
        age_days = None
        if first:
            try:
                when = _dt.datetime.fromisoformat(first.replace("Z", "+00:00"))
                age_days = (_dt.datetime.now(_dt.timezone.utc) - when).days
            except ValueError:
                age_days = None
        if len(versions) >= ESTABLISHED_RELEASES and age_days is not None and age_days >= ESTABLISHED_DAYS:
            return True, f"{len(versions)} releases since {first[:10]}"  # type: ignore[index]
        described = f"{len(versions)} release(s)" + (f", first uploaded {age_days} days ago" if age_days is not None else ", upload dates unknown")
        return False, described

    def _from_index(self, name: str, tables: _table.Tables, warnings: list[str], env: Environment | None) -> Resolution | None:
        parts = name.split(".")
        candidates: list[tuple[str, str, bool]] = []  # (distribution, the prefix it is named after, named after the whole prefix)
        top = parts[0]
        # the dotted prefixes as names, longest first, then the usual spellings of a
        # binding (`python-magic`, `pyserial`): each only counts if its wheel provides the module
        for dist, prefix in [*((p.replace(".", "-"), p) for p in _prefixes(name)), (f"python-{top}", top), (f"py{top}", top)]:
            if all(canonicalize_name(dist) != canonicalize_name(c[0]) for c in candidates):
                candidates.append((dist, prefix, prefix.count(".") > 0))
        verified: list[tuple[IndexProject, str, str, bool, str]] = []
        notes: list[str] = []
        for dist, _prefix, namespaced in candidates:
            try:
                project = self.project(dist)
            except IndexError_ as exc:
                self._index_down = str(exc)
                return None
            if project is None:
                continue
            wheel = project.newest_wheel()
            if wheel is None:
                notes.append(f"{project.name} exists on the index but has no wheel whose contents could be checked")
                continue
            try:
                modules = self.modules_of_wheel(wheel.url)
            except IndexError_ as exc:
                notes.append(f"{wheel.filename}: {exc}")
                continue
            provides = next((p for p in _prefixes(name) if p in modules), None)
            if provides is None:
                shown = ", ".join(sorted(modules)[:6]) or "no modules"
                notes.append(f"{project.name} exists on the index but does not provide `{name}`: its newest wheel {wheel.filename} provides {shown}")
                continue
            verified.append((project, wheel.filename, provides, namespaced, str(wheel.version)))
        if not verified:
            warnings.extend(notes)
            return None
        ranked = []
        for project, filename, provides, namespaced, version in verified:
            established, why = self._established(project, tables)
            ranked.append((not established, -len(provides.split(".")), tables.rank(project.name) or 10**9, project, filename, provides, namespaced, version, established, why))
        ranked.sort(key=lambda r: r[:3])
        _, _, _, project, filename, provides, namespaced, version, established, why = ranked[0]
        if established:
            confidence = HIGH if namespaced and len(parts) > 1 else MEDIUM
        else:
            confidence = LOW
            notes.append(f"{project.name} is not established ({why}): check it is the project you mean before installing")
        if not namespaced:
            how = "its name equals the import name" if canonicalize_name(project.name) == canonicalize_name(provides) else f"it is the usual spelling of a binding of `{provides}`"
            notes.append(f"{project.name} was found because {how}; its wheel was checked to provide `{provides}`")
        evidence = (Evidence("index", f"{filename} on {self.index} provides `{provides}` ({why})"),)
        dist_name = project.name if project.name else filename.split("-")[0]
        return Resolution(
            name,
            dist_name,
            confidence,
            evidence,
            tuple(_dedupe([*warnings, *notes])),
            installed_version=self._installed(env, dist_name),
            newest_version=version,
        )


# Names projects give their own modules: a wheel that happens to ship one says little.
GENERIC_NAMES = frozenset(
    "app application config configs core common api apis models model lib libs server main settings helpers "
    "helper constants db database schemas schema services service routers router middleware auth client "
    "clients data logger log logs exceptions errors types base utils util tools scripts handlers views "
    "controllers tasks jobs workers plugins extensions ext internal shared src modules components".split()
)


def _related(module: str, distribution: str) -> bool:
    """Whether a module's name and a distribution's name share a word (`yaml`/PyYAML,
    `attr`/attrs, `google.cloud.storage`/google-cloud-storage)."""
    mod = module.lower().replace(".", "-").replace("_", "-")
    dist = canonicalize_name(distribution)
    if mod in dist or dist in mod:
        return True
    words = {w for w in re.split(r"[-]", dist) if len(w) >= 3} - {"python", "py"}
    return any(w in mod for w in words) or any(len(m) >= 3 and m in dist for m in mod.split("-"))


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def resolve(
    names: Iterable[str],
    *,
    python: str | None = None,
    offline: bool = False,
    index_url: str | None = None,
    mapping: Mapping[str, str] | None = None,
    use_environment: bool = True,
) -> list[Resolution]:
    """Resolve each import name (see the module docstring); order is kept."""
    resolver = Resolver(python=python, offline=offline, index_url=index_url, mapping=dict(mapping or {}), use_environment=use_environment)
    return [resolver.resolve(name) for name in names]
