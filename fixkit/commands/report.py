"""`fixkit report`: the Markdown verification report (see fixkit.reporters.verification)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from fixkit.apply import Journal
from fixkit.commands.verify import load, run_verification, verification_ok, write_output
from fixkit.reporters.verification import diagnosis_record, render


def _read(journal: Journal, name: str) -> Any:
    try:
        return json.loads((journal.dir / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    now = run_verification(loaded, timeout=args.timeout, app=args.app, expect_routes=args.expect_route, database=args.database)
    journal = Journal.latest(loaded.project.root)  # the last apply that was not undone
    before = causes_before = None
    applied: list = []
    rolled_back: list = []
    installed: list = []
    apply_time = None
    if journal is not None:
        before = _read(journal, "verify_before.json")
        causes_before = _read(journal, "plan_before.json")
        applied = list(journal.manifest.get("fixes") or [])
        rolled_back = list(journal.manifest.get("rolled_back") or [])
        installed = list(journal.manifest.get("installed") or [])
        apply_time = journal.manifest.get("created")
    text = render(
        project=Path(loaded.project.root).name,
        now=now.to_dict(),
        remaining=[diagnosis_record(d) for d in loaded.plan.diagnoses],
        before=before,
        causes_before=causes_before,
        applied=applied,
        rolled_back=rolled_back,
        installed=installed,
        apply_time=apply_time,
    )
    write_output(text, args.output)
    return 0 if verification_ok(now) and not loaded.plan.diagnoses else 1
