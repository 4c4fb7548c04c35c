"""The syntax repairs on real source text: each catalogue entry, the parameter-order
edge cases, several errors in one file, what is never done, and both message wordings."""

from __future__ import annotations

import ast
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from fixkit.facts import SyntaxErrorFact
from fixkit.model import Safety
from fixkit.repair import classify, repair_source, syntax_error_of
from fixkit.repair.check import parses

ROOT = Path(__file__).resolve().parent.parent
PY312 = Path("/root/.pyenv/versions/3.12.1/bin/python")
PY310 = Path("/root/.pyenv/versions/3.10.13/bin/python")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --------------------------------------------------------------------------- the catalogue

CATALOGUE = [
    # (code, broken, repaired, safety)
    ("FK401", "def f(a=1, b):\n    return a, b\n", "def f(b, a=1):\n    return a, b\n", "review"),
    ("FK402", "f(a=1, 2)\n", "f(2, a=1)\n", "review"),
    ("FK402", "f(x, **kw, y)\n", "f(x, y, **kw)\n", "review"),
    ("FK403", "f(a=g(1), b=2, a=g( 1 ))\n", "f(a=g(1), b=2)\n", "safe"),
    ("FK404", "def f(self, x, y, x):\n    pass\n", "def f(self, x, y):\n    pass\n", "review"),
    ("FK405", 'x = f"{d["k"]:>{w}}"\n', "x = f\"{d['k']:>{w}}\"\n", "safe"),
    ("FK405", "x = f'{d['k']} and {y!r}'\n", "x = f'{d[\"k\"]} and {y!r}'\n", "safe"),
    ("FK405", 'x = f"{f"{y}"!s:{w}}"\n', "x = f\"{f'{y}'!s:{w}}\"\n", "safe"),
    ("FK406", 'd = {\n    "a": [1]  # first\n    "b": 2,\n}\n', 'd = {\n    "a": [1],  # first\n    "b": 2,\n}\n', "safe"),
    ("FK406", "call(a b)\n", "call(a, b)\n", "review"),
    ("FK407", "```python\nimport os\n```\n", "import os\n", "safe"),
    ("FK407", "~~~\nx = 1\n", "x = 1\n", "safe"),
    ("FK408", 'print "a", b\n', 'print("a", b)\n', "safe"),
    ("FK408", "print x,\n", 'print(x, end=" ")\n', "review"),
    ("FK409", "class A(object)\n    pass\n", "class A(object):\n    pass\n", "safe"),
    ("FK409", "for x in y  # loop\n    pass\n", "for x in y:  # loop\n    pass\n", "safe"),
    ("FK409", "if a:\n    pass\nelse if b:\n    pass\n", "if a:\n    pass\nelif b:\n    pass\n", "safe"),
    ("FK410", "try:\n    pass\nexcept OSError, err:\n    pass\n", "try:\n    pass\nexcept OSError as err:\n    pass\n", "review"),
    ("FK411", "while n = 0:\n    pass\n", "while n == 0:\n    pass\n", "review"),
    ("FK412", "print(\u201chello\u201d, \u2018x\u2019)\n", "print(\"hello\", 'x')\n", "safe"),
    ("FK412", "x = 5 \u2212 3\n", "x = 5 - 3\n", "review"),
    ("FK412", "if x:\n\u00a0\u00a0pass\u200b\n", "if x:\n  pass\n", "safe"),
    ("FK413", "if x:\n        a = 1\n\tb = 2\n", "if x:\n        a = 1\n        b = 2\n", "review"),
    ("FK413", "if x:\n    a = 1\n\tb = 2\n", "if x:\n    a = 1\n    b = 2\n", "review"),
    # "  \t" and "\t" are one column for any tab width: safe
    ("FK413", "if x:\n\ta = 1\n  \tb = 2\n", "if x:\n        a = 1\n        b = 2\n", "safe"),
]


@pytest.mark.parametrize("code, broken, repaired, safety", CATALOGUE)
def test_each_catalogue_entry_repairs_its_error(code, broken, repaired, safety):
    err = syntax_error_of(broken)
    assert err is not None
    assert classify(err, broken).code == code
    result = repair_source(broken)
    assert result.text == repaired
    assert {s.code for s in result.steps} == {code}
    assert result.safety.value == safety
    assert parses(result.text)


NOT_MECHANICAL = [
    ("FK403", "f(a=1, a=2)\n"),  # which value is meant is a decision
    ("FK404", "def f(x: int, x: str):\n    pass\n"),
    (None, "x = (1,\n"),  # unclosed bracket: where it closes is a decision
    (None, "if x:\n\tif y:\n\t    a = 1\n        b = 2\n"),  # b's block depends on the tab width
    (None, 'print(\u201csay "hi"\u201d)\n'),  # the body holds the straight quote already
    (None, "x = 0777\n"),
    (None, 'x = f"{d["it\'s"]}"\n'),  # both quotes taken: needs 3.12
    (None, 'x = f"{f"{y["z"]}"}"\n'),  # three levels, two quote characters: needs 3.12
]


@pytest.mark.parametrize("code, broken", NOT_MECHANICAL)
def test_what_is_not_mechanical_is_left_alone(code, broken):
    result = repair_source(broken)
    assert result.text is None
    assert result.remaining is not None
    assert result.remaining_code == code


def test_several_errors_in_one_file_are_repaired_one_after_the_other():
    broken = dedent(
        """
        ```python
        CONFIG = {
            "a": 1
            "b": 2,
        }


        def handler(event=None, context):
            print "handling", event
            return CONFIG
        ```
        """
    )
    result = repair_source(broken)
    assert [s.code for s in result.steps] == ["FK407", "FK406", "FK401", "FK408", "FK407"]
    assert result.text == dedent(
        """
        CONFIG = {
            "a": 1,
            "b": 2,
        }


        def handler(context, event=None):
            print("handling", event)
            return CONFIG
        """
    )
    assert result.safety is Safety.REVIEW  # the reorder, without knowing the callers


def test_a_repairable_error_before_an_unrepairable_one_gives_no_text():
    result = repair_source("def f(a=1, b):\n    pass\nx = (1,\n")
    assert result.text is None
    assert [s.code for s in result.steps] == ["FK401"]
    assert result.remaining.message == "'(' was never closed"


def test_the_repair_is_bounded_by_max_steps():
    """Repair, re-parse, repeat — at most MAX_STEPS (50) times: a file with 60 errors is
    not half-repaired (no text: it would not parse), one with 50 is repaired whole."""
    from fixkit.repair import MAX_STEPS

    assert MAX_STEPS == 50
    sixty = "".join(f"print 'step {i}'\n" for i in range(60))
    result = repair_source(sixty)
    assert result.text is None and not result.repaired
    assert len(result.steps) == MAX_STEPS and {s.code for s in result.steps} == {"FK408"}
    assert result.remaining.line == MAX_STEPS + 1  # the first error the bound left
    assert result.remaining_code is None  # stopped by the bound, not by an error no entry repairs
    fifty = "".join(f"print 'step {i}'\n" for i in range(MAX_STEPS))
    whole = repair_source(fifty)
    assert whole.text == "".join(f"print('step {i}')\n" for i in range(MAX_STEPS)) and len(whole.steps) == MAX_STEPS
    assert len(repair_source(sixty, max_steps=60).steps) == 60


def test_tabs_inside_a_multi_line_string_are_data_and_stay():
    broken = 'if x:\n        a = 1\n\tb = """\n\tkept\n"""\n'
    assert repair_source(broken).text == 'if x:\n        a = 1\n        b = """\n\tkept\n"""\n'


def test_crlf_line_endings_and_non_ascii_text_are_kept():
    broken = 'NAMES = {\r\n    "é": 1\r\n    "ü": 2,\r\n}\r\ndef f(a="ß", b):\r\n    return a\r\n'
    result = repair_source(broken)
    assert result.text == 'NAMES = {\r\n    "é": 1,\r\n    "ü": 2,\r\n}\r\ndef f(b, a="ß"):\r\n    return a\r\n'


def test_a_file_that_parses_is_returned_unchanged():
    text = "def f(a, b=1):\n    return a\n"
    result = repair_source(text)
    assert result.text == text and result.steps == () and not result.changed


# --------------------------------------------------------------------------- parameter order shapes

KEYWORD_ONLY = lambda info: "keyword-only"  # noqa: E731
REORDER = lambda info: "reorder"  # noqa: E731

SHAPES = [
    # (broken, keyword-only result, reorder result)
    (
        "async def f(self, a: Dict[str, int] = {}, b: Tuple[int, int]):\n    pass\n",
        "async def f(self, a: Dict[str, int] = {}, *, b: Tuple[int, int]):\n    pass\n",
        "async def f(self, b: Tuple[int, int], a: Dict[str, int] = {}):\n    pass\n",
    ),
    (
        "def f(a, b=lambda x, y: (x, y), c, *args, d, **kw):\n    pass\n",
        "def f(a, b=lambda x, y: (x, y), *args, c, d, **kw):\n    pass\n",
        "def f(a, c, b=lambda x, y: (x, y), *args, d, **kw):\n    pass\n",
    ),
    (
        "def f(a, b=1, c, *, d=2, e):\n    pass\n",
        "def f(a, b=1, *, c, d=2, e):\n    pass\n",
        "def f(a, c, b=1, *, d=2, e):\n    pass\n",
    ),
    (
        "def f(a, /, b=1, c):\n    pass\n",
        "def f(a, /, b=1, *, c):\n    pass\n",
        "def f(a, /, c, b=1):\n    pass\n",
    ),
    (
        # a default before `/`: everything after it needs a default or `*`
        "def f(a=1, b, /, c):\n    pass\n",
        "def f(b, a=1, /, *, c):\n    pass\n",
        "def f(b, a=1, /, *, c):\n    pass\n",
    ),
    ("g = lambda a=1, b: (a, b)\n", "g = lambda a=1, *, b: (a, b)\n", "g = lambda b, a=1: (a, b)\n"),
    (
        "@app.get('/x')\n@other\ndef f(a: int = 1, b: str = 'x',\n      c: int) -> None:\n    pass\n",
        "@app.get('/x')\n@other\ndef f(a: int = 1, b: str = 'x',\n      *,\n      c: int) -> None:\n    pass\n",
        "@app.get('/x')\n@other\ndef f(c: int, a: int = 1,\n      b: str = 'x') -> None:\n    pass\n",
    ),
]


@pytest.mark.parametrize("broken, keyword_only, reorder", SHAPES)
def test_parameter_order_shapes(broken, keyword_only, reorder):
    assert repair_source(broken, policy=KEYWORD_ONLY).text == keyword_only
    assert repair_source(broken, policy=REORDER).text == reorder


def test_a_multi_line_signature_keeps_comments_with_their_parameters():
    broken = dedent(
        """
        class Service:
            @router.post("/run")
            async def run(
                self,
                limit: int = 10,  # page size
                # the body, validated by pydantic
                payload: "RunRequest",  # required
                db=Depends(get_db)
            ):
                return limit
        """
    )
    keyword_only = repair_source(broken).text  # a route decorator: keyword-only by default
    assert keyword_only == broken.replace(
        "limit: int = 10,  # page size\n", "limit: int = 10,  # page size\n        *,\n"
    )
    reorder = repair_source(broken, policy=REORDER).text
    assert reorder == dedent(
        """
        class Service:
            @router.post("/run")
            async def run(
                self,
                # the body, validated by pydantic
                payload: "RunRequest",  # required
                limit: int = 10,  # page size
                db=Depends(get_db)
            ):
                return limit
        """
    )


def test_the_policy_sees_the_signature():
    seen = []
    broken = "class A:\n    @staticmethod\n    def m(x=1, y):\n        return y\n"
    repair_source(broken, policy=lambda info: seen.append(info) or "reorder")
    (info,) = seen
    assert (info.name, info.qualname, info.is_method, info.is_lambda) == ("m", "A.m", True, False)
    assert info.decorators == ("@staticmethod",)
    assert info.positional == ("x", "y") and info.offenders == ("y",) and info.first_default == 0
    assert not info.is_route


# --------------------------------------------------------------------------- message wordings


def test_classification_with_the_312_wording_of_parameter_order():
    text = "def f(a=1, b):\n    pass\n"
    err = SyntaxErrorFact(
        message="parameter without a default follows parameter with a default", line=1, column=11, end_line=1, end_column=12
    )
    entry = classify(err, text, (3, 12))
    assert entry is not None and entry.code == "FK401"
    step = entry.repair(text, err, (3, 12), REORDER)
    assert step.text == "def f(b, a=1):\n    pass\n"


@pytest.mark.skipif(not PY312.exists(), reason="needs a Python 3.12 interpreter")
def test_real_312_message_is_classified():
    out = subprocess.run(
        [str(PY312), "-c", "compile('def f(a=1, b):\\n    pass\\n', 'm', 'exec')"], capture_output=True, text=True
    )
    message = out.stderr.strip().splitlines()[-1].split(": ", 1)[1]
    assert message == "parameter without a default follows parameter with a default"
    err = SyntaxErrorFact(message=message, line=1, column=11)
    assert classify(err, "def f(a=1, b):\n    pass\n").code == "FK401"


@pytest.mark.skipif(not PY312.exists(), reason="needs a Python 3.12 interpreter")
def test_on_312_an_fstring_reusing_its_quote_is_an_error_for_an_older_target():
    """The check runs in 3.12, where PEP 701 f-strings parse, but the target is 3.11."""
    # check.py is loaded on its own: the 3.12 interpreter has none of fixkit's dependencies.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('check', {str(ROOT / 'fixkit/repair/check.py')!r})\n"
        "check = importlib.util.module_from_spec(spec); spec.loader.exec_module(check)\n"
        "syntax_error_of = check.syntax_error_of\n"
        "src = 'x = f\"{d[\"k\"]}\"\\n'\n"
        "print(syntax_error_of(src, (3, 11)) is not None, syntax_error_of(src, (3, 12)) is None)\n"
        "print(syntax_error_of('x = f\"{d[\\'k\\']}\"\\n', (3, 11)) is None)\n"
    )
    out = subprocess.run(
        [str(PY312), "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True"]


@pytest.mark.skipif(not PY310.exists(), reason="needs a Python 3.10 interpreter")
def test_messages_of_310_are_those_the_catalogue_knows():
    """The catalogue matches messages as 3.10 words them too (3.11 runs the suite)."""
    snippets = [snippet for _, snippet, _, _ in CATALOGUE if "f\"" not in snippet and "f'" not in snippet]
    code = (
        "import sys, json\nout = []\n"
        "for s in json.loads(sys.stdin.read()):\n"
        "    try:\n        compile(s, 'm', 'exec')\n        out.append(None)\n"
        "    except SyntaxError as e:\n        out.append([e.msg, e.lineno, (e.offset or 1) - 1, e.end_lineno, (e.end_offset or 1) - 1])\n"
        "print(json.dumps(out))\n"
    )
    import json

    out = subprocess.run([str(PY310), "-c", code], input=json.dumps(snippets), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    expected = {snippet: code for code, snippet, _, _ in CATALOGUE}
    for snippet, found in zip(snippets, json.loads(out.stdout)):
        message, line, column, end_line, end_column = found
        err = SyntaxErrorFact(message, line, column, end_line, end_column)
        entry = classify(err, snippet, (3, 10))
        assert entry is not None and entry.code == expected[snippet], (snippet, message)


def test_repaired_text_is_valid_for_the_target_version():
    """The check uses the target's grammar: a `match` statement is no repair for 3.9."""
    assert syntax_error_of("match x:\n    case 1:\n        pass\n", (3, 9)) is not None
    assert syntax_error_of("match x:\n    case 1:\n        pass\n", (3, 10)) is None


def test_compile_time_errors_count_as_syntax_errors():
    assert syntax_error_of("f(a=1, a=2)\n").message.startswith("keyword argument repeated")
    assert "duplicate argument" in syntax_error_of("def f(x, x):\n    pass\n").message
    assert ast.parse("f(a=1, a=2)\n")  # the parser alone accepts it
