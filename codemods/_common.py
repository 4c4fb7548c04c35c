"""Pieces the fixkit codemods share: what a "move" is, and module-name arithmetic.

Kept free of fixkit imports so that the codemods run through libcst's own CLI
(`python -m libcst.tool codemod ...`) with nothing but libcst installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence, Union

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor


@dataclass(frozen=True)
class Move:
    """`old_module.old_name` now lives at `new_module.new_name`.

    Written on the command line as ``OLD_MODULE:NAME=NEW_MODULE[:NEW_NAME]``; the
    colon separates the module from the name because both are dotted otherwise.
    """

    old_module: str
    old_name: str
    new_module: str
    new_name: str

    @classmethod
    def parse(cls, spec: Union[str, "Move"]) -> "Move":
        if isinstance(spec, Move):
            return spec
        old, sep, new = spec.partition("=")
        old_module, colon, old_name = old.partition(":")
        if not sep or not colon or not old_module or not old_name or not new:
            raise ValueError(f"a move is OLD_MODULE:NAME=NEW_MODULE[:NEW_NAME], got {spec!r}")
        new_module, _, new_name = new.partition(":")
        for dotted in (old_module, new_module):
            if not all(part.isidentifier() for part in dotted.split(".")):
                raise ValueError(f"not a module name: {dotted!r} in {spec!r}")
        for name in (old_name, new_name or old_name):
            if not name.isidentifier():
                raise ValueError(f"not a name: {name!r} in {spec!r}")
        return cls(old_module, old_name, new_module, new_name or old_name)

    @property
    def spec(self) -> str:
        tail = f":{self.new_name}" if self.new_name != self.old_name else ""
        return f"{self.old_module}:{self.old_name}={self.new_module}{tail}"

    @property
    def renamed(self) -> bool:
        return self.new_name != self.old_name


@dataclass(frozen=True)
class Target:
    """A definition `module:name` (``--canonical`` / ``--remove`` arguments)."""

    module: str
    name: str

    @classmethod
    def parse(cls, spec: Union[str, "Target"]) -> "Target":
        if isinstance(spec, Target):
            return spec
        module, colon, name = spec.partition(":")
        if not colon or not module or not name.isidentifier():
            raise ValueError(f"expected MODULE:NAME, got {spec!r}")
        return cls(module, name)

    @property
    def spec(self) -> str:
        return f"{self.module}:{self.name}"


def parse_all(items: Iterable[Union[str, Move]]) -> tuple[Move, ...]:
    return tuple(Move.parse(item) for item in items)


def absolute_name(package: str | None, dotted: str) -> str | None:
    """Resolve a name as QualifiedNameProvider spells it (``..core.X`` is relative)."""
    level = len(dotted) - len(dotted.lstrip("."))
    if level == 0:
        return dotted
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    rest = dotted[level:]
    return ".".join([*base, rest] if rest else base) or None


def relative_parts(package: str | None, target: str) -> tuple[int, str] | None:
    """`target` written relative to `package`: (level, rest), or None when they share
    no top-level package (then only an absolute import can name it)."""
    if not package:
        return None
    here = package.split(".")
    there = target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    if common == 0:
        return None
    return len(here) - common + 1, ".".join(there[common:])


def dotted_expr(dotted: str) -> Union[cst.Name, cst.Attribute]:
    node: Union[cst.Name, cst.Attribute] = cst.Name(dotted.split(".")[0])
    for part in dotted.split(".")[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def import_from_parts(package: str | None, module: str, relative_style: bool) -> dict:
    """The `relative` and `module` fields of an ImportFrom naming `module`."""
    if relative_style:
        parts = relative_parts(package, module)
        if parts is not None:
            level, rest = parts
            return {"relative": [cst.Dot()] * level, "module": dotted_expr(rest) if rest else None}
    return {"relative": [], "module": dotted_expr(module)}


def strip_trailing_comma(aliases: Sequence[cst.ImportAlias], parenthesized: bool) -> list[cst.ImportAlias]:
    """Without parentheses a trailing comma is a syntax error; with them it is style."""
    aliases = list(aliases)
    if aliases and not parenthesized and isinstance(aliases[-1].comma, cst.Comma):
        aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return aliases


def module_and_package(path: str) -> tuple[str, str]:
    """The dotted module and package of a file given relative to its source root."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        module = ".".join(parts[:-1])
        return module, module
    return ".".join(parts), ".".join(parts[:-1])


def without_opening_blank_lines(module: cst.Module) -> cst.Module:
    """`module` with the blank lines before its first statement removed (comments kept):
    what a removed first statement leaves behind, since the blank lines that separated
    it from the next one belong to that next one."""
    first = module.body[0]
    lines = list(first.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return module.with_changes(body=[first.with_changes(leading_lines=lines), *module.body[1:]])


class AliasSafeImportsCommand(VisitorBasedCodemodCommand):
    """A codemod command whose import requests may name one object with and without alias.

    libcst's AddImportsVisitor sorts the `(name, alias)` pairs it adds per module and
    fails with a TypeError when `A` and `A as x` are both requested (None against a
    str).  A file may well need both — `from old import A` in one statement and `from
    old import A as x` in another, both moved — so the aliased twins are held back and
    added by a second AddImportsVisitor pass, which merges them into the statement the
    first pass wrote.
    """

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        tree = super().transform_module_impl(tree)
        requests = self.context.scratch.get(AddImportsVisitor.CONTEXT_KEY, [])
        plain = {(item.module, item.obj_name) for item in requests if item.obj_name and item.alias is None}
        self._held_back = [item for item in requests if item.alias is not None and (item.module, item.obj_name) in plain]
        if self._held_back:
            self.context.scratch[AddImportsVisitor.CONTEXT_KEY] = [i for i in requests if i not in self._held_back]
        return tree

    def transform_module(self, tree: cst.Module) -> cst.Module:
        self._held_back = []
        tree = super().transform_module(tree)
        if self._held_back:
            self.context.scratch[AddImportsVisitor.CONTEXT_KEY] = self._held_back
            tree = AddImportsVisitor(self.context).transform_module(tree)
        return tree
