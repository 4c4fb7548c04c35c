"""The CLI under a demanding user: every bad input is one line on stderr, exit 2, no
traceback; Ctrl-C stops a running plan with exit 130 and one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import read_terminal

TIMEOUT = 120


def fixkit(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fixkit", *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd,
        env={**os.environ, "FIXKIT_DEBUG": "", **(env or {})},
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("fixkit: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "a.py").write_text("from app.b import missing_name\n")
    (root / "app" / "b.py").write_text("present = 1\n")
    return root


def test_plan_nonexistent_path(tmp_path):
    assert_one_line_error(fixkit("plan", str(tmp_path / "nope")), "no such directory")


def test_plan_file_path(broken):
    assert_one_line_error(fixkit("plan", str(broken / "app" / "a.py")), "not a directory")


def test_plan_output_into_missing_directory(broken, tmp_path):
    assert_one_line_error(fixkit("plan", str(broken), "--format", "sarif", "-o", str(tmp_path / "no" / "dir" / "x.sarif")), "cannot write")


def test_resolve_empty_name():
    assert_one_line_error(fixkit("resolve", ""), "not an import name")


def test_explain_unknown_code():
    assert_one_line_error(fixkit("explain", "FK999"), "unknown code")


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("value", ["FK999", "fk202", "missing-nme", ""])
def test_selection_that_matches_nothing_is_an_error(broken, option, value):
    """A typo in --select used to select nothing and print "No problems found" (exit 0)
    over a broken project; in --ignore it silently ignored nothing."""
    assert_one_line_error(fixkit("plan", str(broken), option, value, "--offline"), option, "no such code")


def test_selection_from_pyproject_is_checked_too(broken):
    (broken / "pyproject.toml").write_text('[tool.fixkit]\nselect = ["FK2O2"]\n')
    assert_one_line_error(fixkit("plan", str(broken), "--offline"), "FK2O2")


@pytest.mark.parametrize("value", ["FK202", "FK2", "missing-name"])
def test_valid_selection_still_finds_the_problem(broken, value):
    proc = fixkit("plan", str(broken), "--select", value, "--offline", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert '"FK202"' in proc.stdout


def test_verify_app_without_colon(broken):
    assert_one_line_error(fixkit("verify", str(broken), "--app", "garbage"), "MODULE:ATTR")


def test_undo_without_journal(broken):
    assert_one_line_error(fixkit("undo", str(broken)), "nothing to undo")


def test_apply_unreadable_plan(broken, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"x":')
    assert_one_line_error(fixkit("apply", str(broken), "--plan", str(bad), "--yes"), "not a JSON plan")


def test_no_color_and_narrow_terminal_keep_the_text_readable(broken):
    """NO_COLOR: no escape sequences; a 40-column terminal still names the code and file."""
    proc = fixkit("plan", str(broken), "--offline", env={"NO_COLOR": "1", "COLUMNS": "40", "TERM": "xterm-256color"})
    assert proc.returncode == 1, proc.stderr
    assert "\x1b[" not in proc.stdout
    assert "FK202" in proc.stdout and "app/a.py" in proc.stdout


def _pool_workers(pid: int) -> list[int] | None:
    """The forked pool workers of `pid` (children running its very command line), or
    None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read()
        entries = os.listdir("/proc")
    except OSError:
        return None
    workers = []
    for entry in entries:
        if not entry.isdigit() or int(entry) == pid:
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if f.read() == command:
                        workers.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return workers


def test_ctrl_c_during_plan_is_one_line_and_exit_130(tmp_path):
    """SIGINT to the whole process group (what a terminal's Ctrl-C does), pool workers
    included: `fixkit: interrupted`, exit 130, no worker tracebacks, no worker left.
    It once hung: workers died of the SIGINT, CPython's pool manager thread died of the
    broken pool ("Exception in thread Thread-1") and the exit waited on live workers."""
    root = tmp_path / "big"
    for i in range(1500):
        pkg = root / "big" / f"p{i // 100}"
        pkg.mkdir(parents=True, exist_ok=True)
        (pkg / "__init__.py").touch()
        (pkg / f"m{i}.py").write_text("".join(f"def f{j}(x):\n    return x + {j}\n\n" for j in range(200)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "fixkit", "plan", str(root), "--offline", "--no-cache"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # A shell's background job starts with SIGINT ignored; a terminal's does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # Interrupt while the fact-extraction pool works, however slow the machine: a fixed
    # sleep can land in the start-up imports instead (where CPython may report a caught
    # Ctrl-C as death by SIGINT) and does not test the pool at all.
    deadline = time.monotonic() + 60
    workers = _pool_workers(proc.pid) if (os.cpu_count() or 1) >= 2 else None
    while workers is not None and not workers and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        workers = _pool_workers(proc.pid)
    time.sleep(1.0 if workers else 1.5)  # past the first chunks: workers between items, results flowing
    if proc.poll() is not None:
        pytest.skip("the plan finished before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        pytest.fail(f"still running 60 s after Ctrl-C; stderr: {err[-3000:]}")
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines() == ["fixkit: interrupted"]
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # the workers went with it
        os.killpg(proc.pid, 0)


def _slow_double(x: int) -> int:
    time.sleep(0.05)
    return 2 * x


def test_pool_workers_leave_ctrl_c_to_the_parent(capfd):
    """A SIGINT that reaches the workers (a terminal signals the whole group) changes
    nothing: they ignore it, the parent alone decides."""
    import multiprocessing

    from fixkit.analyse import pool_map

    signalled = []

    def done(n: int) -> None:
        if not signalled:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGINT)
                signalled.append(child.pid)

    out: list = []
    try:
        pool_map(_slow_double, list(range(60)), out, workers=2, chunksize=5, done=done)
    except KeyboardInterrupt:  # not pytest's own: only the workers were signalled
        pytest.fail("a worker's SIGINT reached the parent as KeyboardInterrupt")
    assert signalled
    assert out == [2 * x for x in range(60)]
    assert capfd.readouterr().err == ""


def test_pool_stops_at_once_on_ctrl_c(capfd):
    """Ctrl-C in the parent stops the workers between two items: no waiting for the chunks
    already handed out, no worker left, no thread traceback."""
    import multiprocessing

    from fixkit.analyse import pool_map

    interrupted = []

    def done(n: int) -> None:
        interrupted.append(time.monotonic())
        raise KeyboardInterrupt

    out: list = []
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        # 2 s a chunk; one worker's chunk done, the other's and the queued ones are not
        pool_map(_slow_double, list(range(320)), out, workers=2, chunksize=40, done=done)
    assert len(out) == 40 and interrupted and interrupted[0] - started >= 1.9
    assert time.monotonic() - interrupted[0] < 1.5, "waited for the chunks already handed out"
    assert multiprocessing.active_children() == []
    assert capfd.readouterr().err == ""


def _plan_on_a_terminal(root: Path, env: dict) -> str:
    """`fixkit plan` with stdout on a real pseudo-terminal (what a user sees)."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fixkit", "plan", str(root), "--offline"], stdout=follower, stderr=subprocess.PIPE,
        env={**os.environ, "FIXKIT_DEBUG": "", "COLUMNS": "100", **env},
    )
    os.close(follower)
    terminal = read_terminal(leader, proc)
    proc.wait(timeout=TIMEOUT)
    assert proc.returncode == 1, proc.stderr.read()
    return terminal.decode("utf-8", "replace")


def test_no_color_on_a_terminal_has_no_colours(broken):
    """https://no-color.org: NO_COLOR set (non-empty) means no ANSI colour, even on a tty."""
    import re

    coloured = _plan_on_a_terminal(broken, {"NO_COLOR": ""})
    assert re.search(r"\x1b\[(3\d|9\d)m", coloured), "control: a terminal gets colours"
    plain = _plan_on_a_terminal(broken, {"NO_COLOR": "1"})
    assert not re.search(r"\x1b\[(3\d|9\d)m", plain), plain
    assert "FK202" in plain
