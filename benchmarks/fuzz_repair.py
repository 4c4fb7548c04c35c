#!/usr/bin/env python
"""Fuzz the token-level syntax repair (`fixkit.repair.repair_source`) with mutated real files.

    python benchmarks/fuzz_repair.py [--seconds 600] [--engine auto|atheris|hypothesis]

Seeds are the sample projects' Python files (the broken ones included).  Every input,
decoded as fixkit decodes source (`fixkit.textio`, falling back to UTF-8 with
replacement characters for bytes no codec accepts), must satisfy `check_repair`:

- `repair_source` returns; it never raises;
- when it returns a text, that text parses and compiles on this Python (checked here
  with `ast.parse` + `compile`, independently of fixkit's own gate), and
- repairing the repaired text changes nothing (idempotence).

With atheris installed (`pip install atheris`; it has wheels for CPython 3.11) this
runs libFuzzer, coverage-guided, over a corpus written to
`benchmarks/_work/fuzz_corpus/`; a failing input is saved as `benchmarks/_work/crash-*`
(`--keep-going` saves one input per distinct failure, `_work/crash-<hash>`, and carries on).
Otherwise hypothesis drives the structured mutations of `mutate` below, for the given
time.  `tests/test_fuzz_repair.py` runs the same check with a small budget in CI.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The characters whose loss or doubling makes the mechanical errors the repair knows
# (missing comma, missing colon, parameter order after a moved "=", unclosed brackets).
PUNCTUATION = b",:()[]{}=\"'*\n\t "
MAX_SEED_BYTES = 30_000


def seed_files(root: Path = ROOT) -> list[Path]:
    files = sorted(p for p in (root / "sample_projects").rglob("*.py") if p.stat().st_size <= MAX_SEED_BYTES)
    if not files:
        raise SystemExit(f"no seed files under {root / 'sample_projects'}")
    return files


def mutate(data: bytes, ops: list[tuple[str, int, int, bytes]]) -> bytes:
    """Apply structured byte mutations: (op, a, b, payload), positions taken modulo the length."""
    buf = bytearray(data)
    for op, a, b, payload in ops:
        n = len(buf)
        if op == "insert":
            pos = a % (n + 1)
            buf[pos:pos] = payload
        elif n == 0:
            continue
        elif op == "delete":
            pos = a % n
            del buf[pos : pos + 1 + b % 8]
        elif op == "replace":
            pos = a % n
            buf[pos : pos + len(payload)] = payload
        elif op == "drop_punct":  # delete the b-th occurrence of one punctuation byte
            ch = PUNCTUATION[a % len(PUNCTUATION)]
            hits = [i for i, c in enumerate(buf) if c == ch]
            if hits:
                del buf[hits[b % len(hits)]]
        elif op == "dup_punct":
            ch = PUNCTUATION[a % len(PUNCTUATION)]
            hits = [i for i, c in enumerate(buf) if c == ch]
            if hits:
                i = hits[b % len(hits)]
                buf[i:i] = bytes([ch])
        elif op in ("dup_line", "drop_line", "swap_lines"):
            lines = bytes(buf).splitlines(keepends=True)
            if not lines:
                continue
            i = a % len(lines)
            if op == "dup_line":
                lines.insert(i, lines[i])
            elif op == "drop_line":
                del lines[i]
            elif len(lines) > 1:
                j = (i + 1) % len(lines)
                lines[i], lines[j] = lines[j], lines[i]
            buf = bytearray(b"".join(lines))
    return bytes(buf)


def decode(data: bytes) -> str:
    from fixkit.textio import SourceDecodeError, decode_source

    try:
        return decode_source(data).text
    except SourceDecodeError:
        return data.decode("utf-8", "replace")


def compiles(text: str) -> str | None:
    """None when `text` parses and compiles on this Python, else the error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(ast.parse(text), "<fuzz>", "exec", dont_inherit=True)
        return None
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return f"{type(exc).__name__}: {exc}"


def check_repair(data: bytes) -> None:
    """The property every input must have; raises AssertionError (or the repair's exception)."""
    from fixkit.repair import repair_source

    text = decode(data)
    target = sys.version_info[:2]
    result = repair_source(text, target)
    if result.text is None:
        return
    error = compiles(result.text)
    assert error is None, f"repair returned text that does not compile: {error}"
    if result.changed:
        again = repair_source(result.text, target)
        assert again.text == result.text, "repairing the repaired text changed it again"


def _run_hypothesis(seconds: float, seeds: list[Path]) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    datas = [p.read_bytes() for p in seeds]
    op = st.tuples(
        st.sampled_from(["insert", "delete", "replace", "drop_punct", "dup_punct", "dup_line", "drop_line", "swap_lines", "drop_punct", "drop_punct"]),
        st.integers(0, 1 << 20),
        st.integers(0, 1 << 10),
        st.binary(min_size=1, max_size=4) | st.sampled_from([b",", b":", b"=", b"(", b")", b"\t", b"    ", b"def ", b"\x00", b"\xff", b"'''"]),
    )
    deadline = time.monotonic() + seconds
    count = 0
    failures = 0
    while time.monotonic() < deadline:

        @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=False)
        @given(st.sampled_from(range(len(datas))), st.lists(op, min_size=1, max_size=6))
        def prop(index, ops):
            nonlocal count
            count += 1
            check_repair(mutate(datas[index], ops))

        try:
            prop()
        except Exception as exc:  # hypothesis has shrunk it and printed the falsifying example
            failures += 1
            print(f"FAILURE: {type(exc).__name__}: {exc}", file=sys.stderr)
            break
    print(f"hypothesis: {count} inputs in {seconds:.0f}s, {failures} failures")
    return 1 if failures else 0


def _run_atheris(seconds: float, seeds: list[Path], keep_going: bool = False) -> int:
    import atheris

    corpus = ROOT / "benchmarks" / "_work" / "fuzz_corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for p in seeds:
        (corpus / p.relative_to(ROOT).as_posix().replace("/", "__")).write_bytes(p.read_bytes())

    seen: set[str] = set()

    def one_input(data: bytes) -> None:
        if not keep_going:
            check_repair(data)
            return
        try:
            check_repair(data)
        except Exception as exc:  # record one input per distinct failure, then carry on
            import hashlib
            import traceback

            frame = traceback.extract_tb(exc.__traceback__)[-1]
            signature = f"{type(exc).__name__}:{frame.filename}:{frame.lineno}"
            if signature not in seen:
                seen.add(signature)
                path = corpus.parent / f"crash-{hashlib.sha1(signature.encode()).hexdigest()[:10]}"
                path.write_bytes(data)
                print(f"NEW FAILURE {signature}: {exc} -> {path}", file=sys.stderr, flush=True)

    with atheris.instrument_imports():
        import fixkit.repair  # noqa: F401  (instrumented for coverage guidance)
    flags = [f"-max_total_time={int(seconds)}", "-max_len=40000", "-timeout=30", f"-artifact_prefix={corpus.parent}/"]
    atheris.Setup([sys.argv[0], *flags, str(corpus)], one_input)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument("--keep-going", action="store_true", help="atheris: save one input per distinct failure and carry on")
    args = parser.parse_args(argv)
    seeds = seed_files()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    print(f"fuzzing fixkit.repair with {engine} for {args.seconds:.0f}s over {len(seeds)} seed files", file=sys.stderr)
    return _run_atheris(args.seconds, seeds, args.keep_going) if engine == "atheris" else _run_hypothesis(args.seconds, seeds)


if __name__ == "__main__":
    sys.exit(main())
