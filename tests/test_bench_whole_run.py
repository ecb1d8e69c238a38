"""The whole-run bench starts its children with the project's bytecode kept, as an installed copy has it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.whole_run import bytecode_environment

PROJECT = Path(__file__).resolve().parent.parent


def test_children_read_the_project_compiled_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    environment = bytecode_environment(tmp_path)
    compiled = tmp_path / str(PROJECT / "exit_codes.py").lstrip("/")
    cached = compiled.parent / "exit_codes.cpython-{}{}.pyc".format(*sys.version_info[:2])
    assert cached.is_file()
    before = cached.stat().st_mtime_ns
    child = subprocess.run(
        [sys.executable, "-c", "import sys, exit_codes; print(sys.flags.dont_write_bytecode, exit_codes.__cached__)"],
        env=environment, cwd=PROJECT, capture_output=True, text=True, check=True)
    assert child.stdout.split() == ["0", str(cached)]
    assert cached.stat().st_mtime_ns == before  # read, not compiled again
