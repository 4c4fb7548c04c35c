"""FK401 parameter-order: a parameter without a default after one with a default."""

from __future__ import annotations

from typing import Iterable

from fixkit.model import Diagnosis
from fixkit.repair.claims import claimed_code, parameter_order_diagnosis
from fixkit.rules.base import Example, Rule

_ENDPOINT = '''from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items(limit: int = 10, owner: str):
    return []
'''

_HELPER = '''def scale(values, factor=2, offset):
    return [v * factor + offset for v in values]
'''
_HELPER_USE = '''from app.helpers import scale

print(scale([1, 2], 3, 4))
'''

_METHOD = '''class Report:
    def render(
        self,
        title: str = "Report",  # shown on top
        # the rows, already sorted
        rows: list,
    ) -> str:
        return title + str(len(rows))
'''


class ParameterOrder(Rule):
    code = "FK401"
    kind = "parameter-order"
    summary = "Parameter without a default follows a parameter with a default"
    what = """
Finds function and lambda signatures where a parameter without a default comes after
one with a default (Python 3.10/3.11: "non-default argument follows default argument";
3.12+: "parameter without a default follows parameter with a default").  Async
functions, methods, decorated functions, multi-line signatures with comments and
annotations, `*args`, `**kwargs` and positional-only `/` are all handled.
"""
    why = """
It is a syntax error: the module cannot be imported at all, and neither can anything
that imports it.  In the report it took three routers down (an endpoint gained a body
parameter after a query parameter with a default).
"""
    example = """
```python
@router.post("/{agent_id}/analyze")
async def analyze_agent(agent_id: str, limit: int = 10, payload: AnalysisRequest):  # FK401
    ...
# fixed: FastAPI calls endpoints with keyword arguments, so `*` keeps behaviour
async def analyze_agent(agent_id: str, limit: int = 10, *, payload: AnalysisRequest):
```
"""
    fix_safety = """
The fix keeps what every caller means.  `safe`: the function is a framework endpoint or
dependency (route decorator, `Depends(f)`; the framework passes keywords, and FastAPI's
documentation recommends this `*`), or every caller is in the project and passes the
parameters by keyword (→ keyword-only), or every caller is in the project (→ the
parameters without defaults move before the first default and each positional call is
rewritten to pass the moved arguments by keyword: same binding, same evaluation order).
`review`: callers may exist outside the project (the function is used as a value, is in
`__all__`, has an unknown decorator, is a method subclasses may override, is a lambda):
it becomes keyword-only so that such a caller fails with a TypeError rather than binding
a value to the wrong parameter; the notes say why.  Positional-only parameters that had
to be reordered are `review` too (their callers must swap arguments by hand).
"""
    VALID = (
        Example("def f(a, b=1, *, c):\n    return a\n"),
        Example("def f(a, b=1, *args, c, d=2, **kw):\n    return a\n\n\ng = lambda x, y=1: x + y\n"),
        Example("def f(a, /, b=1, *, c):\n    return a\n"),
    )
    INVALID = (
        Example(
            _ENDPOINT,
            expect=(("app/mod.py", 7),),
            fixed={"app/mod.py": _ENDPOINT.replace("limit: int = 10, owner: str", "limit: int = 10, *, owner: str")},
            note="a FastAPI endpoint: keyword-only (safe)",
        ),
        Example(
            {"app/__init__.py": "", "app/helpers.py": _HELPER, "app/use.py": _HELPER_USE},
            expect=(("app/helpers.py", 1),),
            fixed={
                "app/helpers.py": _HELPER.replace("values, factor=2, offset", "values, offset, factor=2"),
                "app/use.py": _HELPER_USE.replace("scale([1, 2], 3, 4)", "scale([1, 2], factor=3, offset=4)"),
            },
            note="every caller is in the project: reorder and rewrite the positional call",
        ),
        Example(
            "def area(width=1, height):\n    return width * height\n\n\nprint(area(width=2, height=3))\n",
            expect=(("app/mod.py", 1),),
            fixed={"app/mod.py": "def area(width=1, *, height):\n    return width * height\n\n\nprint(area(width=2, height=3))\n"},
            note="all callers pass it by keyword: keyword-only",
        ),
        Example(
            "def on_event(event=None, context):\n    return event\n\n\nHANDLERS = [on_event]\n",
            expect=(("app/mod.py", 1),),
            fixed={"app/mod.py": "def on_event(event=None, *, context):\n    return event\n\n\nHANDLERS = [on_event]\n"},
            note="escapes as a value: keyword-only, review",
        ),
        Example(
            _METHOD,
            expect=(("app/mod.py", 6),),
            fixed={
                "app/mod.py": _METHOD.replace(
                    '        title: str = "Report",  # shown on top\n',
                    '        title: str = "Report",  # shown on top\n        *,\n',
                )
            },
            note="a method, multi-line with comments: keyword-only, review; comments stay put",
        ),
    )

    def find(self, analysis) -> Iterable[Diagnosis]:
        out = []
        for path, facts in analysis.files_with("syntax_error"):
            if claimed_code(analysis, path) == self.code:
                out.append(parameter_order_diagnosis(self, analysis, path, facts, facts.syntax_error))
        return out

    def fix(self, diagnosis, analysis):
        from fixkit.fixes.syntax import fix_parameter_order

        return fix_parameter_order(diagnosis, analysis)
