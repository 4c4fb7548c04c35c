"""`fixkit plan` end to end, as a subprocess: exit codes, output formats, the JSON contract,
selection, bad input, bad files, and zero diagnoses on healthy trees."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixkit.plan import Plan
from tests.helpers import read_terminal

REPO = Path(__file__).resolve().parent.parent
CLEAN = REPO / "tests" / "data" / "clean_project"


def fixkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fixkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        env={**os.environ, "FIXKIT_DEBUG": ""},
    )


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


ROUTER = "from fastapi import APIRouter\nrouter = APIRouter()\n"


@pytest.fixture
def small_broken(tmp_path) -> Path:
    return write(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/routers/good.py": ROUTER,
            "app/routers/missing.py": ROUTER + "from app.services.gone import helper\n",
            "app/routers/typo.py": ROUTER + "from app.services.real import Helpr\n",
            "app/services/__init__.py": "",
            "app/services/real.py": "class Helper:\n    pass\n",
        },
    )


def test_clean_project_exits_0(tmp_path):
    root = tmp_path / "clean"
    shutil.copytree(CLEAN, root)
    result = fixkit("plan", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2/2 entry points import; 0 root causes" in result.stdout
    assert result.stderr == ""


def test_fixkits_own_source_has_no_diagnoses(tmp_path):
    root = tmp_path / "self"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root)
    for package in ("fixkit", "codemods"):
        if (REPO / package).is_dir():
            shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    result = fixkit("plan", str(root), "--format", "json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert json.loads(result.stdout)["diagnoses"] == []


def test_problems_exit_1_with_headline_and_json_contract(small_broken):
    text = fixkit("plan", str(small_broken), "--offline")
    assert text.returncode == 1, text.stderr
    assert "1/3 entry points import; 2 root causes" in text.stdout

    out = fixkit("plan", str(small_broken), "--offline", "--format", "json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert set(data) == {"fixkit_version", "root", "entry_points", "diagnoses"}
    assert data["root"] == str(small_broken.resolve())
    assert set(data["entry_points"]) == {"total", "blocked", "items"}
    assert (data["entry_points"]["total"], data["entry_points"]["blocked"]) == (3, 2)
    for item in data["entry_points"]["items"]:
        assert set(item) == {"module", "file", "blocked_by"}
    ids = {d["id"] for d in data["diagnoses"]}
    assert {i for item in data["entry_points"]["items"] for i in item["blocked_by"]} == ids
    keys = {"id", "code", "kind", "message", "file", "line", "column", "module", "symbol", "related", "blocks", "fix"}
    by_code = {}
    for d in data["diagnoses"]:
        assert set(d) == keys
        by_code[d["code"]] = d
        if d["fix"] is not None:
            assert {"summary", "safety", "distribution", "diff", "notes", "edits"} <= set(d["fix"])
            assert d["fix"]["safety"] in ("safe", "review", "manual")
    assert by_code["FK201"]["file"] == "app/routers/missing.py" and by_code["FK201"]["blocks"] == ["app.routers.missing"]
    assert by_code["FK202"]["symbol"] == "Helpr" and by_code["FK202"]["line"] == 3
    # the JSON reads back into the same plan (what `apply --plan` does)
    plan = Plan.from_dict(data)
    assert plan.to_dict() == data


def test_select_ignore_entry_and_output_file(small_broken, tmp_path):
    only = fixkit("plan", str(small_broken), "--offline", "--select", "FK202", "--format", "json")
    assert [d["code"] for d in json.loads(only.stdout)["diagnoses"]] == ["FK202"]
    ignored = fixkit("plan", str(small_broken), "--offline", "--ignore", "missing-name", "--format", "json")
    assert [d["code"] for d in json.loads(ignored.stdout)["diagnoses"]] == ["FK201"]
    write(small_broken, {"app/jobs/nightly.py": "import app.services.gone\n"})
    entry = fixkit("plan", str(small_broken), "--offline", "--entry", "app.jobs.*", "--format", "json")
    items = {i["module"]: i for i in json.loads(entry.stdout)["entry_points"]["items"]}
    assert items["app.jobs.nightly"]["blocked_by"] and "app.routers.good" in items
    target = tmp_path / "plan.json"
    saved = fixkit("plan", str(small_broken), "--offline", "--format", "json", "-o", str(target))
    assert saved.returncode == 1 and saved.stdout == ""
    assert json.loads(target.read_text())["entry_points"]["total"] == 3  # without --entry


@pytest.mark.parametrize("bad", ["missing-dir", "a-file"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, bad):
    path = tmp_path / "nowhere"
    if bad == "a-file":
        path.write_text("x = 1\n")
    result = fixkit("plan", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("fixkit: ")
    assert "Traceback" not in result.stderr


def test_bad_python_option_is_one_line(tmp_path):
    result = fixkit("plan", str(CLEAN), "--python", str(tmp_path / "no-python"))
    assert result.returncode == 2 and "target interpreter" in result.stderr and "Traceback" not in result.stderr


def test_bad_files_still_get_a_plan(tmp_path):
    root = write(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/routers/ok.py": ROUTER,
            "app/routers/latin.py": ROUTER + "from app.bad_encoding import x\n",
            "app/bad_encoding.py": b"x = 1\ny = 2\nname = '\xe9t\xe9'\n",
            "app/routers/big.py": ROUTER + "from app.huge import value_99999\n",
            "app/huge.py": "".join(f"value_{i} = {i}\n" for i in range(100_000)),
        },
    )
    os.mkfifo(root / "app" / "pipe.py")
    os.symlink(root / "app" / "nowhere.py", root / "app" / "dangling.py")
    (root / "app" / "folder.py").mkdir()
    result = fixkit("plan", str(root), "--offline", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    by_file = {d["file"]: d for d in data["diagnoses"]}
    assert set(by_file) == {"app/bad_encoding.py", "app/pipe.py", "app/dangling.py"}
    assert by_file["app/bad_encoding.py"]["blocks"] == ["app.routers.latin"]
    assert "FIFO" in by_file["app/pipe.py"]["message"]
    items = {i["module"]: i["blocked_by"] for i in data["entry_points"]["items"]}
    assert items["app.routers.big"] == [] and items["app.routers.ok"] == []


def test_engarde_json_headline_numbers(tmp_path):
    root = tmp_path / "engarde"
    shutil.copytree(REPO / "sample_projects" / "engarde_backend", root, ignore=shutil.ignore_patterns("__pycache__", ".fixkit_cache"))
    result = fixkit("plan", str(root), "--offline")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].startswith("35/66 entry points import; 21 root causes;")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses PEP 701 f-strings")
def test_unchecked_newer_syntax_is_a_note_on_stderr_not_a_diagnosis(tmp_path):
    root = write(
        tmp_path / "proj",
        {
            "pyproject.toml": '[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.13"\n',
            "app/__init__.py": "",
            "app/routers/r.py": ROUTER + 'name = "x"\nmsg = f"{name + f"{"nested"}"}"\n',
        },
    )
    result = fixkit("plan", str(root), "--python", sys.executable, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["diagnoses"] == []
    assert "fixkit: note:" in result.stderr and "3.13" in result.stderr


def test_a_package_directory_is_refused_with_the_directory_to_plan(tmp_path):
    root = write(tmp_path / "proj", {"app/__init__.py": "", "app/routers/r.py": ROUTER})
    result = fixkit("plan", str(root / "app"))
    assert result.returncode == 2
    assert f"plan the project directory that contains it, {root.resolve()}" in result.stderr


# ------------------------------------------------------------------ progress bar


def many_files(root: Path, count: int) -> Path:
    """A clean package of `count` small modules (and its __init__.py)."""
    files: dict[str, str | bytes] = {"pkg/__init__.py": ""}
    for i in range(count):
        files[f"pkg/m{i}.py"] = f"import json\n\n\ndef f{i}():\n    return json.dumps({i})\n"
    return write(root, files)


def plan_with_stderr_on_a_terminal(root: Path, tmp_path: Path) -> tuple[int, str, bytes]:
    """`fixkit plan --format json` with stderr on a pseudo-terminal (100x30) and stdout to a
    file: the exit code, stdout, and every byte the terminal received."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    out_path = tmp_path / "stdout.json"
    with open(out_path, "wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "fixkit", "plan", str(root), "--format", "json", "--no-cache"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=slave,
            env={**os.environ, "FIXKIT_DEBUG": "", "TERM": "xterm-256color", "NO_COLOR": "", "COLUMNS": ""},
        )
    os.close(slave)
    terminal = read_terminal(master, child)
    code = child.wait(timeout=600)
    return code, out_path.read_text(), terminal


ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_large_plan_shows_a_progress_bar_on_the_terminal_and_clears_it(tmp_path):
    root = many_files(tmp_path / "big", 600)
    code, stdout, terminal = plan_with_stderr_on_a_terminal(root, tmp_path)
    assert code == 0, terminal
    assert json.loads(stdout)["diagnoses"] == []  # stdout is the report alone
    plain = ANSI.sub(b"", terminal).decode("utf-8")
    assert "fixkit: analysing" in plain, terminal
    assert re.search(r"\d+/601 files", plain) and "━" in plain, plain
    # transient: once done the bar's line is erased and the cursor shown again
    assert terminal.endswith(b"\x1b[2K") and b"\x1b[?25h" in terminal, terminal[-200:]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_small_plan_shows_no_progress_bar_even_on_a_terminal(tmp_path):
    root = many_files(tmp_path / "small", 20)
    code, stdout, terminal = plan_with_stderr_on_a_terminal(root, tmp_path)
    assert code == 0 and json.loads(stdout)["diagnoses"] == []
    assert terminal == b""


def test_no_progress_bar_and_no_rich_when_stderr_is_not_a_terminal(tmp_path):
    root = many_files(tmp_path / "big", 600)
    result = fixkit("plan", str(root), "--format", "json", "--no-cache")
    assert result.returncode == 0 and json.loads(result.stdout)["diagnoses"] == []
    assert result.stderr == ""
    # the bar costs nothing when it is not shown: rich is not even imported
    report = tmp_path / "plan.json"
    probe = (
        "import sys\nfrom fixkit.cli import main\n"
        f"code = main(['plan', {str(root)!r}, '--format', 'json', '--no-cache', '--output', {str(report)!r}])\n"
        "print(code, sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "0 []", done.stdout + done.stderr
    assert json.loads(report.read_text())["diagnoses"] == []
