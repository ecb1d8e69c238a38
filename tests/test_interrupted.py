"""A run killed in the middle of a batch: nothing lost, nothing doubled, old workbooks still readable."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "inbox" / "CHV-2026-007" / "Egalite FH - Nordpaysage.pdf"
# For the Ctrl-C test, a Word re-typing read from its text: our fillable form is read in a
# millisecond or two, and a batch of them could end between two looks at the store.
TEXT_SAMPLE = ROOT / "samples" / "inbox" / "CHV-2026-007" / "QUESTIONNAIRE_EGALITE_PRESSING_MODERNE.pdf"
COPIES = 200


def _inbox(folder: Path, count: int, start: int = 0, sample: Path = SAMPLE) -> None:
    """Distinct copies of one questionnaire (a comment after %%EOF changes the content hash)."""
    data = sample.read_bytes()
    for number in range(start, start + count):
        target = folder / "VM-2026-099" / f"réponse n°{number:03d} d'une entreprise.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data + f"\n% copie {number}\n".encode())


def _egalite(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "run", *args, "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stored(output: Path) -> int:
    """The file versions the run has committed; read-only: looking never creates the store
    (an empty file made before the run makes it) nor takes a lock the run could wait for."""
    store = output / "egalite.sqlite"
    if not store.is_file():
        return 0
    try:
        db = sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _ended(process: subprocess.Popen) -> str:
    """Why a run the test meant to interrupt had already ended: its exit code and last words."""
    out, err = process.communicate()
    return f"the run ended before it could be interrupted (code {process.returncode}): {(out or '')[-500:]}{(err or '')[-1500:]}"


def _ctrl_c_as_in_a_terminal() -> None:
    """A run started from a terminal hears Ctrl-C; one started under a background job (a shell
    script's `cmd &`, as a CI or a landing script may run the tests) inherits SIGINT ignored,
    and Python then rightly ignores it too. The test wants the terminal's case."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _kill_when_stored(process: subprocess.Popen, output: Path, at_least: int, total: int) -> None:
    deadline = time.monotonic() + 120
    while _stored(output) < at_least and time.monotonic() < deadline:
        assert process.poll() is None, _ended(process)
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert at_least <= _stored(output) < total


def test_killed_run_then_rerun_loses_and_doubles_nothing(tmp_path: Path) -> None:
    inbox, output = tmp_path / "entrée", tmp_path / "sortie"
    _inbox(inbox, 6)
    assert _egalite(str(inbox), "--output", str(output)).wait(timeout=300) == 0
    book = output / "VM-2026-099" / "synthese-VM-2026-099.xlsx"
    first_book = book.read_bytes()

    _inbox(inbox, 34, start=6)  # new files arrive; the next run is killed half-way
    _kill_when_stored(_egalite(str(inbox), "--output", str(output)), output, at_least=12, total=40)
    assert book.read_bytes() == first_book  # the previous workbook is untouched and readable
    load_workbook(book, read_only=True).close()

    assert _egalite(str(inbox), "--output", str(output)).wait(timeout=300) == 0
    lines = [json.loads(line) for line in (output / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    files = [line["file"] for line in lines]
    assert len(files) == len(set(files)) == 40
    assert {line["status"] for line in lines} == {"ok"}
    assert _stored(output) == 40
    load_workbook(book, read_only=True).close()


def test_ctrl_c_stops_with_a_french_sentence_and_the_next_run_goes_on(tmp_path: Path) -> None:
    inbox, output = tmp_path / "entrée", tmp_path / "sortie"
    _inbox(inbox, COPIES, sample=TEXT_SAMPLE)  # the run is still reading when Ctrl-C comes, even on a loaded machine
    process = subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "run", str(inbox),
                                "--output", str(output), "--workers", "1"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while _stored(output) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, _ended(process)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's foreground processes
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err
    assert "Traceback" not in out + err
    assert "Arrêt demandé (Ctrl-C)" in err and "sont gardés dans l'historique" in err
    assert "reprend là où elle s'est arrêtée" in err
    kept = _stored(output)
    assert 3 <= kept < COPIES

    assert _egalite(str(inbox), "--output", str(output)).wait(timeout=300) == 0
    lines = (output / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == COPIES and _stored(output) == COPIES
