"""Fuzzing the syntax repair (issue 9): mutated real sample files never crash
`fixkit.repair.repair_source`, and any text it returns compiles and is a fixed point.

The longer run is `python benchmarks/fuzz_repair.py --seconds 600` (atheris when installed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixkit.repair import repair_source

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
_spec = importlib.util.spec_from_file_location("fixkit_bench_fuzz_repair", BENCH / "fuzz_repair.py")
fuzz = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fuzz
_spec.loader.exec_module(fuzz)

SEEDS = fuzz.seed_files()
DATAS = [p.read_bytes() for p in SEEDS]

OPS = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "drop_punct", "dup_punct", "dup_line", "drop_line", "swap_lines", "drop_punct"]),
    st.integers(0, 1 << 20),
    st.integers(0, 1 << 10),
    st.binary(min_size=1, max_size=4) | st.sampled_from([b",", b":", b"=", b"(", b")", b"\t", b"    ", b"\x00", b"\xff"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(range(len(DATAS))), st.lists(OPS, min_size=1, max_size=5))
def test_mutated_sample_files_never_break_the_repair(index, ops):
    fuzz.check_repair(fuzz.mutate(DATAS[index], ops))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_break_the_repair(data):
    fuzz.check_repair(data)


def test_the_property_is_not_vacuous():
    """Dropping single commas and colons from real files gives errors the repair fixes:
    the fuzz property is exercised on returned texts, not only on refusals."""
    repaired = 0
    tried = 0
    for data in DATAS[:40]:
        for ch in (b",", b":"):
            for nth in range(0, 60, 7):
                mutated = fuzz.mutate(data, [("drop_punct", fuzz.PUNCTUATION.index(ch), nth, b"")])
                text = fuzz.decode(mutated)
                if fuzz.compiles(text) is None:
                    continue
                tried += 1
                fuzz.check_repair(mutated)
                result = repair_source(text, sys.version_info[:2])
                repaired += result.changed
    assert tried > 50
    assert repaired >= 5, f"only {repaired} of {tried} broken mutants were repaired"


def test_the_compile_check_rejects_what_python_rejects():
    assert fuzz.compiles("x = 1\n") is None
    assert fuzz.compiles("def f(a=1, b):\n    pass\n").startswith("SyntaxError")
    assert fuzz.compiles("f(a=1, a=2)\n").startswith("SyntaxError")  # a compiler-only error
    assert fuzz.compiles("x = 1\0\n") is not None


def test_mutate_is_deterministic_and_bounded():
    data = b"def f(a, b):\n    return {'a': a, 'b': b}\n"
    ops = [("drop_punct", 0, 1, b""), ("dup_line", 3, 0, b""), ("insert", 10**6, 0, b"\t")]
    assert fuzz.mutate(data, ops) == fuzz.mutate(data, ops)
    assert fuzz.mutate(b"", [("delete", 5, 5, b""), ("drop_line", 1, 1, b"")]) == b""
    assert fuzz.mutate(data, [("drop_punct", 0, 0, b"")]) == data.replace(b",", b"", 1)


@pytest.mark.parametrize("name", ["agent_analysis.py", "oauth_manager.py"])
def test_the_seed_backends_broken_files_are_in_the_corpus(name):
    assert any(p.name == name for p in SEEDS)


@pytest.mark.parametrize(
    "text",
    [
        # Found by atheris (benchmarks/fuzz_repair.py): a string literal spanning lines with
        # a non-ASCII character, then a name right after the closing quotes.  Python reports
        # the error column past the line's end in characters (it counts bytes there), and the
        # repair asked parso for a leaf at that position: ValueError from
        # parso.tree.get_leaf_for_position via fixkit/repair/params.py find_signature_node.
        '"""st\n\u4e2d"""e',
        '"""st\n\ufffd"""e',
        'DOC = """résumé\nnaïve café"""x\n',
    ],
)
def test_regression_wide_characters_before_the_error_column(text):
    fuzz.check_repair(text.encode("utf-8"))
