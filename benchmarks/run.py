#!/usr/bin/env python
"""Side-by-side timings of `fixkit plan`, deptry, ruff and the `ast.parse` floor.

    python benchmarks/run.py --sizes 1000 5000 20000 [--real django sympy] [--repeat 5]

Run it with the interpreter fixkit is installed in.  The first run creates
`benchmarks/_work/venv` (gitignored) with deptry, ruff and the real trees' packages
(`pip install deptry ruff django sympy`); after that it works offline.  For every tree
-- the synthetic projects of `generate.py` at each size and a copy of each real
package's source from that venv's site-packages -- it measures, in the same run:

- fixkit cold (`.fixkit_cache` removed first), warm (nothing changed), one file
  changed (a comment appended to one module before each run) and one import added
  (a new `import json as _bench_N` line at the top of that module, below any
  `from __future__` import, before each run: a structural edit that moves the file's
  lines and adds a name);
- `deptry .` and `ruff check --select E9,F63,F7,F82 --no-cache`;
- the floor: `ast.parse` of every file in a 2-process pool (`floor_parse.py`).

Each number is the median wall time over `--repeat` runs; peak memory is the
`ru_maxrss` of RUSAGE_CHILDREN read in a fresh wrapper process per command run, i.e.
the resident peak of the largest single process the command started (a pool worker
counts on its own, not summed).  On the synthetic trees the cold plan is scored
against `ground_truth.json` (every injected fault found, with exactly the routers it
blocks).  The Markdown table is printed and saved in `_work/results.md` (raw numbers
in `_work/results.json`).  `--profile N` also runs cProfile and `-X importtime` on
fixkit for the synthetic tree of N modules.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = ["deptry", "ruff"]

# Runs one command in a fresh process and reports its wall time and the peak RSS of
# its process tree's largest member (RUSAGE_CHILDREN covers every waited-for descendant).
WRAPPER = r"""
import json, resource, subprocess, sys, time
spec = json.loads(sys.argv[1])
t0 = time.perf_counter()
proc = subprocess.run(spec["cmd"], cwd=spec["cwd"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": rss, "rc": proc.returncode, "stderr": proc.stderr.decode(errors="replace")[-1500:]}))
"""


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"fixkit_bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------- set-up


def bench_venv(work: Path, packages: list[str]) -> Path:
    """The benchmark's own environment: deptry, ruff and the packages whose source is benchmarked."""
    env = work / "venv"
    py = env / "bin" / "python"
    stamp = env / ".installed"
    wanted = sorted(set(TOOLS + packages))
    have = stamp.read_text().split() if stamp.exists() else []
    if not py.exists():
        log(f"creating {env}")
        venv.EnvBuilder(with_pip=True, clear=True).create(env)
    missing = [p for p in wanted if p not in have]
    if missing:
        log(f"pip install {' '.join(missing)} into {env}")
        subprocess.run([str(py), "-m", "pip", "install", "-q", *missing], check=True)
        stamp.write_text(" ".join(sorted(set(have + missing))))
    return env


def site_packages(env: Path) -> Path:
    out = subprocess.run([str(env / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def git_init(tree: Path) -> None:
    # Each tree is its own repository, as a real project is: otherwise fixkit, deptry and
    # ruff would all apply this repository's .gitignore, which ignores benchmarks/_work/.
    if not (tree / ".git").exists():
        subprocess.run(["git", "init", "-q", str(tree)], check=True)


def real_tree(work: Path, env: Path, package: str) -> Path:
    """A copy of an installed package's source laid out as a project: ROOT/<package>/ + pyproject.toml."""
    root = work / "real" / package
    if not (root / package).exists():
        src = site_packages(env) / package
        if not src.is_dir():
            raise SystemExit(f"{package} is not a package directory in {src.parent}")
        shutil.copytree(src, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (root / "pyproject.toml").write_text(f'[project]\nname = "{package}-bench"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = []\n')
    git_init(root)
    return root


def synthetic_tree(work: Path, size: int, seed: int) -> tuple[Path, dict]:
    """The tree of `size` modules, made again when generate.py changed since (its ground
    truth would be stale)."""
    root = work / "synthetic" / f"n{size}"
    truth_file = root / "ground_truth.json"
    stamp = root.parent / f"n{size}.generator"
    generator = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()
    if truth_file.exists() and stamp.exists() and stamp.read_text() == generator:
        truth = json.loads(truth_file.read_text())
        if truth["generator"]["modules"] == size and truth["generator"]["seed"] == seed:
            git_init(root)
            return root, truth
    log(f"generating {root}")
    shutil.rmtree(root, ignore_errors=True)
    truth = _load("generate").generate(root, size, seed)
    git_init(root)
    stamp.write_text(generator)
    return root, truth


def tree_stats(root: Path) -> tuple[int, int]:
    floor = _load("floor_parse")
    files = floor.python_files(str(root))
    lines = 0
    for f in files:
        with open(f, "rb") as fh:
            lines += fh.read().count(b"\n")
    return len(files), lines


# ------------------------------------------------------------------------- measuring


def measure(cmd: list[str], cwd: Path, before=None) -> dict:
    if before:
        before()
    out = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps({"cmd": cmd, "cwd": str(cwd)})], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def series(name: str, cmd: list[str], cwd: Path, repeat: int, before=None, ok_codes=(0, 1)) -> dict:
    runs = [measure(cmd, cwd, before) for _ in range(repeat)]
    bad = [r for r in runs if r["rc"] not in ok_codes]
    walls = [r["wall"] for r in runs]
    result = {"median": statistics.median(walls), "min": min(walls), "max": max(walls), "cpu": statistics.median(r["cpu"] for r in runs),
              "maxrss_mb": max(r["maxrss_kb"] for r in runs) / 1024, "rc": runs[-1]["rc"], "runs": walls}
    if bad:
        result["error"] = f"exit {bad[0]['rc']}: {bad[0]['stderr'].strip().splitlines()[-1] if bad[0]['stderr'].strip() else ''}"
    log(f"  {name:<16} median {result['median']:.3f}s  cpu {result['cpu']:.3f}s  peak {result['maxrss_mb']:.0f} MB" + (f"  ERROR {result['error']}" if bad else ""))
    return result


def changed_file(root: Path) -> Path:
    """A mid-sized module that no injected fault lives in: the one-file-changed run edits it."""
    truth_file = root / "ground_truth.json"
    faulty = set()
    if truth_file.exists():
        faulty = {f["file"] for f in json.loads(truth_file.read_text())["faults"]}
    files = sorted(p for p in root.rglob("*.py") if ".git" not in p.parts and p.relative_to(root).as_posix() not in faulty and p.name != "__init__.py")
    return files[len(files) // 2]


def bench_tree(label: str, root: Path, env: Path, args, truth: dict | None) -> dict:
    log(f"{label}: {root}")
    files, lines = tree_stats(root)
    fixkit = [sys.executable, "-m", "fixkit", "plan", ".", "--format", "json", "-o", str(root.parent / f"{root.name}.plan.json"), "--offline"]
    if truth is None:  # a real tree: its dependencies are installed in the benchmark's venv
        fixkit += ["--python", str(env / "bin" / "python")]
    cache = root / ".fixkit_cache"
    row: dict = {"label": label, "files": files, "lines": lines, "load_before": os.getloadavg()[0]}

    row["fixkit_cold"] = series("fixkit cold", fixkit, root, args.repeat, before=lambda: shutil.rmtree(cache, ignore_errors=True))
    plan_path = root.parent / f"{root.name}.plan.json"
    if truth is not None:
        row["score"] = score_plan(plan_path, truth)
    elif plan_path.exists():
        try:
            plan = json.loads(plan_path.read_text())
            row["diagnoses"] = len(plan.get("diagnoses", []))
        except ValueError:
            row["diagnoses"] = None
    row["fixkit_warm"] = series("fixkit warm", fixkit, root, args.repeat)
    target = changed_file(root)
    original = target.read_bytes()
    counter = iter(range(10**6))

    def touch() -> None:
        target.write_bytes(original + f"\n# benchmark edit {next(counter)}\n".encode())

    lines = original.splitlines(keepends=True)
    # Below any `from __future__` import, which must stay first; every later line moves.
    at = max((i + 1 for i, line in enumerate(lines) if line.startswith(b"from __future__")), default=0)

    def add_import() -> None:
        line = f"import json as _bench_{next(counter)}\n".encode()
        target.write_bytes(b"".join([*lines[:at], line, *lines[at:]]))

    try:
        row["fixkit_changed"] = series("fixkit 1 changed", fixkit, root, args.repeat, before=touch)
        row["fixkit_import"] = series("fixkit 1 import", fixkit, root, args.repeat, before=add_import)
    finally:
        target.write_bytes(original)
    row["deptry"] = series("deptry", [str(env / "bin" / "deptry"), "."], root, args.repeat, ok_codes=(0, 1))
    row["ruff"] = series("ruff", [str(env / "bin" / "ruff"), "check", "--select", "E9,F63,F7,F82", "--no-cache", "--exit-zero", "."], root, args.repeat, ok_codes=(0,))
    row["floor"] = series("ast pool (2)", [sys.executable, str(HERE / "floor_parse.py"), ".", "--jobs", str(args.jobs)], root, args.repeat, ok_codes=(0,))
    # Other work on the machine skews every column alike; the ratios suffer least.
    row["load_after"] = os.getloadavg()[0]
    return row


def score_plan(plan_path: Path, truth: dict) -> dict:
    if not plan_path.exists():
        return {"summary": "no plan written", "perfect": False, "problems": []}
    try:
        plan = json.loads(plan_path.read_text())
    except ValueError as exc:
        return {"summary": f"plan is not JSON: {exc}", "perfect": False, "problems": []}
    result = _load("score").score(plan, truth)
    log(f"  ground truth: {result.summary()}")
    for p in result.problems()[:15]:
        log(f"    {p}")
    return {"summary": result.summary(), "perfect": result.perfect, "found": result.found, "blocks_exact": result.blocks_exact, "faults": len(result.faults), "false_positives": len(result.extra), "problems": result.problems()}


# ------------------------------------------------------------------------- profile


def profile(root: Path, work: Path) -> str:
    prof = work / f"{root.name}.prof"
    shutil.rmtree(root / ".fixkit_cache", ignore_errors=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "fixkit", "plan", ".", "--format", "json", "-o", os.devnull, "--offline", "--no-cache"]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=root, capture_output=True)
    wall = time.perf_counter() - t0
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(prof), stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    imp = subprocess.run([sys.executable, "-X", "importtime", "-m", "fixkit", "plan", ".", "--format", "json", "-o", os.devnull, "--offline"], cwd=root, capture_output=True, text=True)
    rows = []
    for line in imp.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if parts[0].isdigit():
                rows.append((int(parts[1]), parts[2]))
    rows.sort(reverse=True)
    top = "\n".join(f"{us / 1e6:8.3f}s cumulative  {name}" for us, name in rows[:15])
    return f"cProfile of a cold plan (main process only; pool workers are not profiled), wall {wall:.2f}s\n{out.getvalue()}\n-X importtime, largest cumulative imports:\n{top}\n"


# ------------------------------------------------------------------------- report


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


def markdown(rows: list[dict], args) -> str:
    head = ("| tree | files | lines | fixkit cold | warm | 1 changed | 1 import | deptry | ruff | ast pool | cold/deptry | cold/pool | warm/cold | changed/cold | import/cold | peak MB fixkit / deptry / pool | faults found | load |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
    lines = [head]
    for r in rows:
        c, w, ch, im, d, ru, fl = (r[k]["median"] for k in ("fixkit_cold", "fixkit_warm", "fixkit_changed", "fixkit_import", "deptry", "ruff", "floor"))
        err = " (!)" if any("error" in r[k] for k in ("fixkit_cold", "fixkit_warm", "fixkit_changed", "fixkit_import")) else ""
        score = r.get("score")
        faults = f"{score['found']}/{score['faults']} (blocks exact {score['blocks_exact']}, false pos. {score['false_positives']})" if score and "found" in score else (score["summary"] if score else f"{r.get('diagnoses', '-')} diagnoses")
        lines.append(
            f"| {r['label']} | {r['files']:,} | {r['lines']:,} | {c:.2f}{err} | {w:.2f} | {ch:.2f} | {im:.2f} | {d:.2f} | {ru:.2f} | {fl:.2f} | "
            f"{ratio(c, d)} | {ratio(c, fl)} | {ratio(w, c)} | {ratio(ch, c)} | {ratio(im, c)} | "
            f"{r['fixkit_cold']['maxrss_mb']:.0f} / {r['deptry']['maxrss_mb']:.0f} / {r['floor']['maxrss_mb']:.0f} | {faults} | "
            f"{r.get('load_before', 0):.1f}→{r.get('load_after', 0):.1f} |"
        )
    # CPU seconds (user + system of the command and every process it waited for) barely
    # move with the machine's load, unlike wall time: the second table to read when busy.
    lines += ["", "CPU seconds (user + system, all processes of the command; median):", "",
              "| tree | fixkit cold | warm | 1 changed | 1 import | deptry | ruff | ast pool | cold/deptry | cold/pool | warm/cold | changed/cold | import/cold |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        c, w, ch, im, d, ru, fl = (r[k].get("cpu", 0.0) for k in ("fixkit_cold", "fixkit_warm", "fixkit_changed", "fixkit_import", "deptry", "ruff", "floor"))
        lines.append(f"| {r['label']} | {c:.2f} | {w:.2f} | {ch:.2f} | {im:.2f} | {d:.2f} | {ru:.2f} | {fl:.2f} | {ratio(c, d)} | {ratio(c, fl)} | {ratio(w, c)} | {ratio(ch, c)} | {ratio(im, c)} |")
    synth = [r for r in rows if r["label"].startswith("synthetic")]
    growth = []
    for a, b in zip(synth, synth[1:]):
        na, nb = a["files"], b["files"]
        for key, name in (("fixkit_cold", "fixkit cold"), ("fixkit_warm", "fixkit warm"), ("deptry", "deptry"), ("floor", "ast pool")):
            ta, tb = a[key]["median"], b[key]["median"]
            if ta > 0 and tb > 0 and nb > na:
                growth.append(f"{name} {na:,}→{nb:,} files: ×{tb / ta:.2f} time for ×{nb / na:.2f} files (exponent {math.log(tb / ta) / math.log(nb / na):.2f})")
    text = "\n".join(lines)
    if growth:
        text += "\n\nGrowth with N (exponent 1.0 = linear):\n\n" + "\n".join(f"- {g}" for g in growth)
    text += (f"\n\nload = 1-minute load average before → after the tree's runs. Median wall seconds of {args.repeat} runs; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
             f"{tool_versions(args)}. Command: `python benchmarks/run.py {' '.join(sys.argv[1:])}`.")
    return text


def tool_versions(args) -> str:
    env = Path(args.work) / "venv"
    out = []
    for tool in TOOLS:
        try:
            v = subprocess.run([str(env / "bin" / tool), "--version"], capture_output=True, text=True).stdout.strip()
            out.append(v.splitlines()[0] if v else tool)
        except OSError:
            out.append(f"{tool} ?")
    fixkit = subprocess.run([sys.executable, "-m", "fixkit", "--version"], capture_output=True, text=True).stdout.strip()
    return ", ".join([fixkit] + out)


def compile_fixkit() -> None:
    """Byte-compile fixkit as `pip install` does, and let every measured command use
    the bytecode: with PYTHONDONTWRITEBYTECODE set (as in some shells and CI images)
    each fixkit run would compile its own modules again (~0.1 s), a cost deptry's and
    ruff's installed code never pays."""
    import compileall

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("fixkit", "codemods"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                compileall.compile_dir(location, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 20000], help="synthetic project sizes in modules")
    parser.add_argument("--real", nargs="*", default=["django", "sympy"], help="installed packages whose source is benchmarked")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="processes of the ast.parse floor")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default=str(HERE / "_work"))
    parser.add_argument("--profile", type=int, metavar="N", help="also profile fixkit on the synthetic tree of N modules")
    parser.add_argument("--results", default="results", metavar="NAME", help="write _work/NAME.md and NAME.json (default: results)")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("fixkit") is None:
        raise SystemExit(f"fixkit is not installed for {sys.executable}: run this script with fixkit's interpreter")
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = bench_venv(work, list(args.real))
    compile_fixkit()

    rows = []
    for size in args.sizes:
        root, truth = synthetic_tree(work, size, args.seed)
        rows.append(bench_tree(f"synthetic {size:,}", root, env, args, truth))
    for package in args.real:
        rows.append(bench_tree(package, real_tree(work, env, package), env, args, None))
    table = markdown(rows, args)
    (work / f"{args.results}.json").write_text(json.dumps(rows, indent=2))
    (work / f"{args.results}.md").write_text(table + "\n")
    print(table)
    if args.profile:
        root, _truth = synthetic_tree(work, args.profile, args.seed)
        report = profile(root, work)
        (work / f"profile_{args.profile}.txt").write_text(report)
        print(f"\nprofile written to {work / f'profile_{args.profile}.txt'}")
    failed = [r["label"] for r in rows if r.get("score") and not r["score"]["perfect"]]
    if failed:
        print(f"\nground truth NOT met on: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
