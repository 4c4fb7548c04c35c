"""`fixkit plan`: the dry run.  Finds every root cause, its blast radius and its fix; writes nothing
but the report (and the facts cache)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from fixkit.config import Config, load_config, parse_assignments
from fixkit.errors import FixkitError

# Below this many files a plan takes well under a second: no progress bar.
PROGRESS_MIN_FILES = 500


def config_from_args(args: argparse.Namespace) -> Config:
    """The Config of a project command: [tool.fixkit] plus options; `--entry` adds to the
    configured entry points instead of replacing them."""
    root = Path(args.path)
    if not root.exists():
        raise FixkitError(f"{args.path}: no such directory")
    if not root.is_dir():
        raise FixkitError(f"{args.path}: not a directory (fixkit plans a project directory)")
    config = load_config(
        root,
        select=getattr(args, "select", None),
        ignore=getattr(args, "ignore", None),
        canonical=parse_assignments(getattr(args, "canonical", None), "--canonical"),
        python=args.python,
        offline=getattr(args, "offline", False) or None,
        index_url=getattr(args, "index_url", None),
    )
    _check_selection(config.select, "select")
    _check_selection(config.ignore, "ignore")
    entries = tuple(dict.fromkeys((*config.entry_points, *(args.entry or ()))))
    return dataclasses.replace(config, entry_points=entries, use_cache=not args.no_cache)


def _check_selection(patterns: tuple[str, ...], option: str) -> None:
    """A --select/--ignore value that matches no code, prefix or kind is a typo: silently
    selecting nothing would print "No problems found" over a broken project."""
    if not patterns:
        return  # importing every rule costs ~60 ms, a third of a warm plan
    from fixkit.rules import KINDS, RULES

    codes = [r.code for r in RULES]
    for pattern in patterns:
        if not pattern or not (pattern in KINDS or any(code.startswith(pattern) for code in codes)):
            raise FixkitError(f"--{option} {pattern!r}: no such code, code prefix or kind (run `fixkit explain` for the list)")


class _Progress:
    """A rich progress bar of the files analysed, on stderr: only when stderr is a terminal
    and the project has at least PROGRESS_MIN_FILES files, and gone (transient) when the
    plan is done, before the report is printed.  stdout is never touched, so machine
    formats stay clean.  rich.progress is imported only when the bar is shown."""

    def __init__(self) -> None:
        self._bar = None  # rich.progress.Progress once shown
        self._task = None
        self._off = False

    def __call__(self, done: int, total: int) -> None:
        if self._off:
            return
        if self._bar is None:
            if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
                self._off = True  # decided once: no isatty() call per update
                return
            if done >= total:
                return  # every file's facts came from the cache: nothing to wait for
            self._start(total)
        # after the last file the rules still run: say so (the spinner keeps turning)
        what = "fixkit: checking imports" if done >= total else "fixkit: analysing"
        self._bar.update(self._task, completed=done, total=total, description=what)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        class Spinner(SpinnerColumn):
            def render(self, task):  # rich stops a spinner when its task is complete
                return self.spinner.render(task.get_time())

        self._bar = Progress(
            Spinner(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            console=Console(file=sys.stderr),
            transient=True,
            # the bar must never take over stdout (a JSON report) or stderr's notes
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._bar.add_task("fixkit: analysing", total=total)
        self._bar.start()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()  # transient: the bar's lines are erased
            self._bar = None


def relax_garbage_collector() -> None:
    """A plan builds hundreds of thousands of long-lived, acyclic objects (every file's
    facts) and CPython's default generation-0 threshold (700 allocations) rescans them
    over and over: loading the facts of 5,000 files took 0.6 s CPU instead of 0.25 s,
    and a cold plan 13 % more CPU.  Cycles are still collected, only less often.  And
    this process makes one plan and exits: the facts and the graph are frozen out of
    the collector's reach once made (`fixkit.cache.paused_gc`; a re-plan after an
    import added, 5,000 modules: 1.90 -> 1.62 s)."""
    import gc

    import fixkit.cache

    gc.set_threshold(100_000, 50, 100)
    fixkit.cache.ONE_SHOT = True


def run(args: argparse.Namespace) -> int:
    from fixkit.plan import make_plan
    from fixkit.reporters import render

    relax_garbage_collector()
    config = config_from_args(args)
    progress = _Progress()
    try:
        plan = make_plan(config, progress=progress)
    finally:
        progress.close()
    # What could not be checked goes to stderr in every format, so that it is never lost
    # and never breaks a machine-readable stdout.
    for note in plan.notes:
        print(f"fixkit: note: {note}", file=sys.stderr)
    if args.output:
        text = render(plan, args.format, color=False) if args.format == "text" else render(plan, args.format)
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise FixkitError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(render(plan, args.format))
        sys.stdout.flush()
    return 1 if plan.diagnoses else 0
