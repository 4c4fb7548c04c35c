"""Resolve 1,000 import names offline and print how long it takes (not a timed test).

    python benchmarks/bench_resolve.py [--with-environment]

The names mix what a real project imports: curated names (yaml, cv2, ...), modules of
the wheel-listing table with submodules (`sqlalchemy.orm`-style), namespace packages
(`google.cloud.x.v1`), standard-library modules and unknown names.  The first run
includes loading the shipped tables; the second reuses them.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fixkit.resolve import Resolver  # noqa: E402
from fixkit.resolve import table as resolve_table  # noqa: E402


def names(count: int = 1000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    tables = resolve_table.load()
    generated = sorted(tables.generated)
    curated = sorted(tables.curated)
    stdlib = sorted(getattr(sys, "stdlib_module_names", ("os", "json", "re")))
    out: list[str] = []
    while len(out) < count:
        kind = rng.random()
        if kind < 0.45:
            out.append(rng.choice(generated) + rng.choice(("", ".core", ".utils.helpers")))
        elif kind < 0.6:
            out.append(rng.choice(curated))
        elif kind < 0.75:
            out.append(f"google.cloud.{rng.choice(['storage', 'bigquery', 'pubsub', 'zzfake'])}.v{rng.randint(1, 3)}")
        elif kind < 0.85:
            out.append(rng.choice(stdlib).lstrip("_") or "os")
        else:
            out.append(f"unknown_module_{rng.randint(0, 10**6)}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--with-environment", action="store_true", help="also read this interpreter's installed distributions")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    resolve_table.load.cache_clear()
    start = time.perf_counter()
    sample = names(args.count)
    resolver = Resolver(offline=True, use_environment=args.with_environment)
    results = [resolver.resolve(n) for n in sample]
    cold = time.perf_counter() - start
    start = time.perf_counter()
    resolver = Resolver(offline=True, use_environment=args.with_environment)
    results = [resolver.resolve(n) for n in sample]
    warm = time.perf_counter() - start
    resolved = sum(r.resolved for r in results)
    print(f"resolved {len(sample)} names offline ({resolved} to a distribution): cold {cold:.3f}s (tables loaded), warm {warm:.3f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
