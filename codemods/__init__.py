"""fixkit's libcst codemods.

Each module holds one `VisitorBasedCodemodCommand` with `DESCRIPTION`, `add_args` and
its own `EXAMPLES` (before, after, arguments, module name) that tests/test_codemods.py
runs.  They run through fixkit's fixers (`fixkit.codemod_runner`) and through libcst's
own CLI, configured by `.libcst.codemod.yaml` at the repository root::

    python -m libcst.tool codemod dedupe_models.DedupeModelsCommand --help
"""

COMMANDS = (
    "codemods.repoint_imports.RepointImportsCommand",
    "codemods.dedupe_models.DedupeModelsCommand",
    "codemods.shadowed_module.MoveDefinitionsCommand",
    "codemods.defer_import.DeferImportCommand",
    "codemods.rename_import.RenameImportCommand",
)
