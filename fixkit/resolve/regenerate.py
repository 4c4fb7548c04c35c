"""Regenerate the shipped tables in `fixkit/resolve/data/` from real wheels.

    python -m fixkit.resolve.regenerate --ranking pypi.tsv --top 4000

`--ranking` is a TSV with a header naming at least `name` and a download rank column
(`rank_among_15000_most_downloaded`, or `rank`); the most downloaded `--top` projects
are read from PyPI.  For each one the newest release's wheel is located with PyPI's
JSON API and only the wheel's zip central directory is fetched (an HTTP range request
for its last 64 KiB): the file list says which modules the wheel provides, exactly as
`import` will see them (namespace packages are descended: `google.cloud.storage`).

Writes, each sorted and with a header line:

* `data/generated.tsv`: import name, distribution, rank, wheel file it was read from
  (every row can be checked again by listing that wheel);
* `data/known.tsv`: the ranked distribution names with their rank, used offline to
  tell an established distribution from an unknown one and to check namespace
  candidates (`opentelemetry.exporter.x` → `opentelemetry-exporter-x`);
* `data/namespaces.txt`: top-level names that are namespace packages in some wheel.

`data/curated.tsv` is written by hand and never touched here: entries a wheel listing
cannot decide (a trap name on PyPI, a preferred fork) with the reason.  Check it with

    python -m fixkit.resolve.regenerate --verify-curated
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from packaging.utils import canonicalize_name

from fixkit.resolve.index import USER_AGENT, IndexError_, wheel_file_names
from fixkit.resolve.wheels import provided_modules

DATA = Path(__file__).with_name("data")
# Top-level names shipped by many wheels by accident (tests, docs, examples): they say
# nothing about which distribution a project needs.
NOISE = frozenset(
    "tests test testing docs doc examples example benchmarks benchmark scripts tools "
    "build dist src conftest setup utils util _version version demo demos samples".split()
)


def keep(module: str, namespaces: set[str]) -> bool:
    """Whether a provided module belongs in the table: top-level modules, and the first
    regular package below a namespace root; not private (`_x`) or noise roots."""
    parts = module.split(".")
    if parts[0] in NOISE or parts[0] == "bin":
        return False
    if parts[0].startswith("_"):
        return len(parts) == 1  # `_cffi_backend`, `_yaml`: real, importable, top-level
    return len(parts) == 1 or parts[0] in namespaces


def compact(rows: list[tuple[str, str, int, str]], limit: int = 40) -> list[tuple[str, str, int, str]]:
    """A distribution that ships hundreds of packages under one namespace root (ansible's
    `ansible_collections.<ns>.<collection>.plugins...`) is listed to three levels only."""
    per_root: dict[tuple[str, str], int] = {}
    for module, dist, _, _ in rows:
        if "." in module:
            key = (dist, module.split(".", 1)[0])
            per_root[key] = per_root.get(key, 0) + 1
    out: dict[tuple[str, str], tuple[str, str, int, str]] = {}
    for module, dist, rank, filename in rows:
        if "." in module and per_root[(dist, module.split(".", 1)[0])] > limit:
            module = ".".join(module.split(".")[:3])
        out.setdefault((module, dist), (module, dist, rank, filename))
    return list(out.values())


def read_ranking(path: Path) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        rank_key = next((k for k in reader.fieldnames or () if k.startswith("rank")), None)
        if rank_key is None:
            raise SystemExit(f"{path}: no rank column")
        for row in reader:
            rank = (row.get(rank_key) or "").strip()
            if rank.isdigit():
                out.append((row["name"], int(rank)))
    out.sort(key=lambda item: item[1])
    return out


def newest_wheel(name: str) -> tuple[str, str] | None:
    """(filename, url) of a wheel of the newest release, from PyPI's JSON API."""
    url = f"https://pypi.org/pypi/{canonicalize_name(name)}/json"
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            data = json.load(response)
            base = response.geturl() or url
    except (urllib.error.URLError, OSError, ValueError):
        return None
    wheels = [u for u in data.get("urls", []) if u.get("packagetype") == "bdist_wheel" and not u.get("yanked")]
    if not wheels:
        return None
    wheels.sort(key=lambda u: (0 if u["filename"].endswith("-none-any.whl") else 1, u.get("size", 0)))
    # a mirror may answer with URLs relative to the page
    return wheels[0]["filename"], urllib.parse.urljoin(base, wheels[0]["url"])


def modules_of(name: str) -> tuple[str, str, set[str], set[str]] | None:
    found = newest_wheel(name)
    if found is None:
        return None
    filename, url = found
    try:
        names = wheel_file_names(url, timeout=60)
    except IndexError_:
        return None
    modules = provided_modules(names)
    # namespace roots: a top directory holding python files but no __init__ of its own
    tops_with_init = {n.split("/")[0] for n in names if n.count("/") == 1 and n.endswith("/__init__.py")}
    namespaces = {m.split(".")[0] for m in modules if "." in m} - tops_with_init
    return name, filename, modules, namespaces


def verify_curated(workers: int = 16) -> int:
    """Check every curated entry against the newest wheel of its distribution on PyPI:
    the wheel must provide the import name (or the package it is part of)."""
    from fixkit.resolve.table import load

    entries = list(load().curated.values())
    failures = 0

    def check(entry):
        result = modules_of(entry.distribution)
        if result is None:
            return entry, None
        return entry, result[2]

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for entry, modules in pool.map(check, entries):
            parts = entry.import_name.split(".")
            prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
            if modules is None:
                print(f"?  {entry.import_name} -> {entry.distribution}: no wheel to check")
            elif prefixes & modules or any(m.startswith(entry.import_name + ".") or m.endswith("." + entry.import_name) for m in modules):
                # a namespace (mpl_toolkits.*) or a directory a .pth file puts on sys.path (pywin32)
                print(f"ok {entry.import_name} -> {entry.distribution}")
            elif "no longer" in entry.warning:  # known and said in the entry's warning
                print(f"~  {entry.import_name} -> {entry.distribution}: {entry.warning}")
            else:
                failures += 1
                print(f"NO {entry.import_name} -> {entry.distribution}: wheel provides {', '.join(sorted(modules)[:8])}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify-curated", action="store_true", help="only check data/curated.tsv against PyPI's wheels")
    parser.add_argument("--ranking", type=Path)
    parser.add_argument("--top", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=24)
    parser.add_argument("--output", type=Path, default=DATA, help="directory to write the tables to (default: the shipped data)")
    args = parser.parse_args(argv)
    if args.verify_curated:
        return verify_curated(args.workers)
    if args.ranking is None:
        parser.error("--ranking is required to regenerate")

    ranking = read_ranking(args.ranking)
    rank_of = {canonicalize_name(n): r for n, r in ranking}
    todo = [n for n, _ in ranking[: args.top]]
    rows: list[tuple[str, str, int, str]] = []
    namespaces: set[str] = set()
    start = time.monotonic()
    done = 0
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        for result in pool.map(modules_of, todo):
            done += 1
            if done % 250 == 0:
                print(f"{done}/{len(todo)} in {time.monotonic() - start:.0f}s", file=sys.stderr)
            if result is None:
                continue
            name, filename, modules, ns = result
            namespaces |= ns
            for module in modules:
                if keep(module, ns):
                    rows.append((module, name, rank_of[canonicalize_name(name)], filename))

    out_dir = args.output
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = compact(rows)
    rows.sort(key=lambda r: (r[0].lower(), r[2]))
    with (out_dir / "generated.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# import\tdistribution\trank\tsource wheel (regenerate: python -m fixkit.resolve.regenerate)\n")
        for module, dist, rank, filename in rows:
            fh.write(f"{module}\t{dist}\t{rank}\t{filename}\n")
    with (out_dir / "known.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# distribution\tdownload rank (1 = most downloaded)\n")
        for name, rank in ranking:
            fh.write(f"{name}\t{rank}\n")
    with (out_dir / "namespaces.txt").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# top-level names that are namespace packages (no __init__) in a ranked wheel\n")
        for ns in sorted(namespaces - NOISE):
            fh.write(ns + "\n")
    print(f"{len(rows)} modules from {len(todo)} projects in {time.monotonic() - start:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
