"""Property tests of the syntax repairs (hypothesis).

The generated functions are fixkit's own test code, self-contained, so executing them
here is fine (the analysed project's code is never run).
"""

from __future__ import annotations

import ast
import asyncio
import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fixkit.repair import parses, repair_source, repaired_or_original
from fixkit.repair.check import syntax_error_of

PARAM_NAMES = [f"p{i}" for i in range(8)]


@st.composite
def signatures(draw):
    """A valid signature as parts: (required, defaulted, varargs, kwonly, kwargs), plus layout."""
    n_required = draw(st.integers(1, 4))
    n_default = draw(st.integers(1, 4))
    names = PARAM_NAMES[: n_required + n_default]
    required = names[:n_required]
    defaulted = names[n_required:]
    varargs = draw(st.booleans())
    kwonly = draw(st.lists(st.sampled_from(["k1", "k2"]), unique=True, max_size=2))
    kwonly_defaults = {k: draw(st.booleans()) for k in kwonly}
    kwargs = draw(st.booleans())
    annotated = draw(st.booleans())
    layout = draw(st.sampled_from(["one-line", "one-per-line", "comments"]))
    is_async = draw(st.booleans())
    # The invalid order: the positional parameters shuffled so that at least one
    # parameter without a default comes after one with a default.
    order = draw(st.permutations(required + defaulted))
    first_default = next(i for i, n in enumerate(order) if n in defaulted)
    assume(any(n in required for n in order[first_default:]))
    return dict(
        required=required,
        defaulted=defaulted,
        varargs=varargs,
        kwonly=kwonly,
        kwonly_defaults=kwonly_defaults,
        kwargs=kwargs,
        annotated=annotated,
        layout=layout,
        is_async=is_async,
        order=order,
    )


def _param(name: str, default: bool, annotated: bool) -> str:
    text = name + (": int" if annotated else "")
    if default:
        text += " = " if annotated else "="
        text += str(100 + int(name[1:]) if name.startswith("p") else 7)
    return text


def render(sig: dict, order: list[str]) -> str:
    """The function source with the positional parameters in `order`."""
    parts = [_param(n, n in sig["defaulted"], sig["annotated"]) for n in order]
    if sig["varargs"]:
        parts.append("*args")
    elif sig["kwonly"]:
        parts.append("*")
    parts += [_param(k, sig["kwonly_defaults"][k], sig["annotated"]) for k in sig["kwonly"]]
    if sig["kwargs"]:
        parts.append("**kwargs")
    body_names = list(sig["required"] + sig["defaulted"]) + (["args"] if sig["varargs"] else []) + list(sig["kwonly"]) + (["kwargs"] if sig["kwargs"] else [])
    body = "    return {" + ", ".join(f"{n!r}: {n}" for n in body_names) + "}\n"
    head = ("async " if sig["is_async"] else "") + "def target"
    if sig["layout"] == "one-line":
        signature = "(" + ", ".join(parts) + ")"
    elif sig["layout"] == "one-per-line":
        signature = "(\n" + "".join(f"    {p},\n" for p in parts) + ")"
    else:
        lines = []
        for i, p in enumerate(parts):
            if i % 2:
                lines.append(f"    # about {p.split(':')[0].split('=')[0].strip('*')}\n")
            lines.append(f"    {p},  # note {i}\n")
        signature = "(\n" + "".join(lines) + ")"
    return f"{head}{signature} -> dict:\n{body}"


def load(text: str):
    namespace: dict = {}
    exec(compile(text, "<generated>", "exec"), namespace)  # fixkit's own generated code
    return namespace["target"]


def call(fn, kwargs: dict):
    result = fn(**kwargs)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result


@st.composite
def keyword_calls(draw, sig: dict):
    kwargs = {n: draw(st.integers(-5, 5)) for n in sig["required"]}
    for n in sig["defaulted"]:
        if draw(st.booleans()):
            kwargs[n] = draw(st.integers(-5, 5))
    for k in sig["kwonly"]:
        if not sig["kwonly_defaults"][k] or draw(st.booleans()):
            kwargs[k] = draw(st.integers(-5, 5))
    if sig["kwargs"] and draw(st.booleans()):
        kwargs["extra"] = draw(st.integers(-5, 5))
    return kwargs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data(), sig=signatures(), mode=st.sampled_from(["reorder", "keyword-only"]))
def test_shuffled_parameters_are_repaired_and_behave_like_the_original(data, sig, mode):
    original_text = render(sig, sig["required"] + sig["defaulted"])
    broken_text = render(sig, sig["order"])
    assert parses(original_text)
    assert not parses(broken_text), broken_text

    result = repair_source(broken_text, policy=lambda info: mode)

    assert result.repaired, (broken_text, result.remaining)
    assert parses(result.text)
    assert [s.code for s in result.steps] == ["FK401"]
    # Only the parameter list changed: the body and the header around it are intact.
    assert result.text.split("-> dict:")[1] == broken_text.split("-> dict:")[1]
    assert ast.dump(ast.parse(result.text).body[0].body[0]) == ast.dump(ast.parse(original_text).body[0].body[0])
    original, repaired = load(original_text), load(result.text)
    for _ in range(3):
        kwargs = data.draw(keyword_calls(sig))
        assert call(repaired, dict(kwargs)) == call(original, dict(kwargs))


@settings(max_examples=60, deadline=None)
@given(sig=signatures())
def test_comments_stay_with_their_parameters(sig):
    sig = dict(sig, layout="comments")
    broken_text = render(sig, sig["order"])
    result = repair_source(broken_text, policy=lambda info: "reorder")
    assert result.repaired
    # Every comment line of the broken text is still there, once.
    comments = sorted(line.split("#", 1)[1] for line in broken_text.splitlines() if "#" in line)
    assert sorted(line.split("#", 1)[1] for line in result.text.splitlines() if "#" in line) == comments
    # A parameter keeps its same-line comment ("note i" follows parameter i).
    for line in result.text.splitlines():
        if "# note" in line and line.strip() not in ("*,",):
            code = line.split("#")[0].strip().rstrip(",")
            index = int(line.rsplit("note ", 1)[1])
            assert code == _broken_part(broken_text, index)


def _broken_part(text: str, index: int) -> str:
    for line in text.splitlines():
        if line.rstrip().endswith(f"# note {index}"):
            return line.split("#")[0].strip().rstrip(",")
    raise AssertionError(index)


# --------------------------------------------------------------------------- any input

SNIPPETS = [
    'def handler(a, b=1, c):\n    return {"a": a, "b": [b, c]}\n',
    'CONFIG = {\n    "x": [1, 2],\n    "y": f"{a}",\n}\nprint(dict(a=1, b=2))\n',
    "class A:\n    def m(self, x=1, y):\n        if x:\n            return y\n",
    "try:\n    import os\nexcept ImportError as e:\n    pass\nlambda q=1, r: q\n",
]
MUTATIONS = list(",:()[]{}'\"= \n#`\t") + ["```", "print ", "if x = 1:", "else if", "\u201c", "\u2013", "\u00a0", "\u200b"]


@st.composite
def mutated_sources(draw):
    text = draw(st.sampled_from(SNIPPETS))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()) and at < len(text):
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + draw(st.sampled_from(MUTATIONS)) + text[at:]
    return text


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(mutated_sources(), st.text(alphabet=string.printable, max_size=80)))
def test_repair_never_returns_text_that_does_not_parse_and_is_idempotent(text):
    result = repair_source(text)
    if result.text is not None:
        assert syntax_error_of(result.text) is None
        assert result.steps or result.text == text
    else:
        assert result.remaining is not None
    once = repaired_or_original(text)
    assert repaired_or_original(once) == once


@settings(max_examples=100, deadline=None)
@given(
    entries=st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]), st.integers(0, 99)), min_size=2, max_size=6, unique_by=lambda e: e[0]),
    missing=st.integers(0, 4),
    trailing_comment=st.booleans(),
)
def test_a_dict_missing_one_comma_gets_exactly_that_comma_back(entries, missing, trailing_comment):
    missing %= len(entries) - 1  # never the last entry: a trailing comma is optional
    lines = []
    for i, (key, value) in enumerate(entries):
        comment = "  # why" if trailing_comment else ""
        lines.append(f'    "{key}": {value}{"," if i != missing else ""}{comment}\n')
    original = "D = {\n" + "".join(lines).replace(f"{entries[missing][1]}  #", f"{entries[missing][1]},  #").replace(
        f'"{entries[missing][0]}": {entries[missing][1]}\n', f'"{entries[missing][0]}": {entries[missing][1]},\n'
    ) + "}\n"
    broken = "D = {\n" + "".join(lines) + "}\n"
    assert not parses(broken)
    result = repair_source(broken)
    assert result.text == original
    assert [(s.code, s.safety.value) for s in result.steps] == [("FK406", "safe")]
    namespace: dict = {}
    exec(result.text, namespace)
    assert namespace["D"] == dict(entries)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), sig=signatures())
def test_positional_calls_written_for_the_broken_order_keep_their_binding(data, sig):
    """A caller wrote `target(v0, v1, ...)` against the broken signature: after the
    reorder and the call-site rewrite every value reaches the parameter it was meant for."""
    from fixkit.repair.callsites import find_usage, rewrite_calls
    from fixkit.repair.source import Source

    sig = dict(sig, is_async=False, kwonly=[], kwonly_defaults={}, varargs=False)
    order = sig["order"]
    last_required = max(i for i, n in enumerate(order) if n in sig["required"])
    n_positional = data.draw(st.integers(last_required + 1, len(order)))
    values = {n: 1000 + i for i, n in enumerate(order)}
    call_text = "RESULT = target(" + ", ".join(str(values[n]) for n in order[:n_positional]) + ")\n"
    broken = render(sig, order) + "\n\n" + call_text
    result = repair_source(broken, policy=lambda info: "reorder")
    assert result.repaired
    rep = result.steps[0].parameters
    tree = ast.parse(result.text)
    usage = find_usage(tree, Source(result.text), "m.py", names=frozenset({"target"}))
    assert len(usage.calls) == 1 and not usage.escapes
    fixed, problems = rewrite_calls(result.text, usage.calls, rep.signature.positional, rep.first_changed, (3, 11))
    assert problems == []
    namespace: dict = {}
    exec(compile(fixed, "<generated>", "exec"), namespace)
    got = namespace["RESULT"]
    for name in order[:n_positional]:
        assert got[name] == values[name]
