"""Discovery of an inbox, pre-flight checks, and the worker pool's limits."""
from __future__ import annotations

import ctypes
import hashlib
import io
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract import batch
from extract.batch import HASH_BLOCK, UNEXPECTED, InputFile, Outcome, discover, run_parallel, sha256_of
from extract.safety import kind_problem, preflight

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n"


# --- work functions: top-level so that they pickle into the workers -------------------------

def echo(item: InputFile) -> str:
    return item.relative


def misbehave(item: InputFile) -> str:
    """Does what its file's name says: hang, eat memory, crash, raise; otherwise echoes."""
    name = item.relative
    if name == "hang":
        time.sleep(600)
    if name == "slow":
        time.sleep(1.5)
    if name == "memory":
        bytearray(4 * 2**30)
    if name == "segfault":
        ctypes.string_at(0)
    if name == "raise":
        raise ValueError("valeur étrange")
    if name == "recurse":
        return misbehave(item)
    if name == "exit":
        os._exit(3)
    return name


def pid(item: InputFile) -> int:
    return os.getpid()


def thresholds(item: InputFile) -> tuple[int, int, int]:
    import gc

    return gc.get_threshold()


def fake(*names: str) -> list[InputFile]:
    return [InputFile(Path("/nonexistent") / name, name, "", 0) for name in names]


def by_name(outcomes: list[Outcome]) -> dict[str, Outcome]:
    return {outcome.item.relative: outcome for outcome in outcomes}


# --- discover --------------------------------------------------------------------------------

@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    root = tmp_path / "boîte de réception"
    files = {
        "AO-2024-001/Réponse d'Égalité SARL.pdf": PDF,
        "AO-2024-001/annexes/questionnaire.pdf": PDF,
        "AO-2024-001/lettre.docx": b"PK\x03\x04",
        "AO 2024-002/Réponse d'Égalité SARL.pdf": PDF + b"%autre",
        "à la racine.pdf": PDF,
        "AO-2024-001/.DS_Store": b"x",
        "AO-2024-001/Thumbs.db": b"x",
        "AO-2024-001/desktop.ini": b"x",
        "AO-2024-001/~$ponse.docx": b"x",
        ".cache/caché.pdf": PDF,
        "sortie/records.jsonl": b"{}",
        "AO-2024-001/" + "n" * 200 + ".pdf": PDF,
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def test_discover_lists_every_file_but_litter_sorted(inbox: Path) -> None:
    found = discover(inbox, skip=[inbox / "sortie"])
    assert [item.relative for item in found] == [
        "AO 2024-002/Réponse d'Égalité SARL.pdf",
        "AO-2024-001/Réponse d'Égalité SARL.pdf",
        "AO-2024-001/annexes/questionnaire.pdf",
        "AO-2024-001/lettre.docx",
        "AO-2024-001/" + "n" * 200 + ".pdf",
        "à la racine.pdf",
    ]
    assert [item.tender for item in found] == ["AO 2024-002"] + ["AO-2024-001"] * 4 + [""]
    assert all(item.path.is_absolute() and item.path.is_file() for item in found)
    assert found[0].size == len(PDF) + len(b"%autre")


def test_discover_keeps_the_output_folder_when_not_told(inbox: Path) -> None:
    assert "sortie/records.jsonl" in [item.relative for item in discover(inbox)]


def test_discover_lists_links_and_special_files_without_following(inbox: Path, tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(PDF)
    tender = inbox / "AO-2024-001"
    (tender / "lien dehors.pdf").symlink_to(outside / "secret.pdf")
    (tender / "lien dedans.pdf").symlink_to(inbox / "à la racine.pdf")
    (tender / "dossier lié").symlink_to(outside)
    (tender / "boucle").symlink_to(inbox)
    os.mkfifo(tender / "tube.pdf")
    found = {item.relative: item for item in discover(inbox)}
    assert "AO-2024-001/dossier lié/secret.pdf" not in found
    assert not any(name.startswith("AO-2024-001/boucle/") for name in found)

    def reason(name: str) -> str | None:
        return preflight(found[f"AO-2024-001/{name}"].path, inbox)
    assert "hors du dossier" in reason("lien dehors.pdf")
    assert reason("lien dedans.pdf") is None
    assert "hors du dossier" in reason("dossier lié")
    assert "Dossier non parcouru" in reason("boucle")
    assert "fichier spécial" in reason("tube.pdf")


def test_discover_lists_an_unreadable_folder(inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = inbox / "AO-2024-003"
    locked.mkdir()
    (locked / "offre.pdf").write_bytes(PDF)
    scandir = os.scandir

    def refuse(path):  # as a folder without read permission (chmod is no use when tests run as root)
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)
    monkeypatch.setattr(os, "scandir", refuse)
    found = {item.relative: item for item in discover(inbox)}
    assert "AO-2024-003/offre.pdf" not in found
    assert "Dossier non parcouru" in preflight(found["AO-2024-003"].path, inbox)


def test_discover_names_each_file_from_the_inbox_however_the_inbox_is_written(inbox: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative names and paths are cut from the paths the folder walk makes: the same for an inbox given
    relative to the current folder, with a trailing separator."""
    monkeypatch.chdir(inbox.parent)
    written = discover(Path(f"./{inbox.name}/"), skip=[Path(inbox.name) / "sortie"])
    assert written == discover(inbox, skip=[inbox / "sortie"])
    assert written[0].relative == "AO 2024-002/Réponse d'Égalité SARL.pdf"
    assert written[0].path == inbox / "AO 2024-002" / "Réponse d'Égalité SARL.pdf"


def test_discover_writes_nothing(inbox: Path) -> None:
    before = {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in inbox.rglob("*") if path.is_file()}
    discover(inbox)
    assert before == {path: (path.stat().st_mtime_ns, path.read_bytes())
                      for path in inbox.rglob("*") if path.is_file()}


@pytest.mark.parametrize("size", [0, 17, HASH_BLOCK, 3 * 2**20 + 17])
def test_sha256_of_streams_the_content(tmp_path: Path, size: int) -> None:
    """Empty, in one block, exactly one block, and over many blocks."""
    data = os.urandom(size)
    (tmp_path / "f.pdf").write_bytes(data)
    assert sha256_of(tmp_path / "f.pdf") == hashlib.sha256(data).hexdigest()


def test_sha256_of_refuses_a_fifo_or_folder_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "tube.pdf")  # opening it for reading would wait for a writer forever
    for path in (tmp_path / "tube.pdf", tmp_path):
        with pytest.raises(OSError):
            sha256_of(path)


# --- preflight -------------------------------------------------------------------------------

@pytest.mark.parametrize("content, expected", [
    (PDF, None),
    (b"\n\n%PDF-1.4\n", None),  # header after a little junk, as readers accept
    (b"%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", None),  # header lost, objects still there
    (b"PK\x03\x04rest", "document Office (docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ancien format"),
    (b"\x89PNG\r\n\x1a\n", "image PNG"),
    (b"\xff\xd8\xff\xe0", "image JPEG"),
    (b"Bonjour, voici notre offre.", "aucun en-tête PDF"),
])
def test_kind_problem(content: bytes, expected: str | None) -> None:
    reason = kind_problem(content)
    assert reason == expected if expected is None else expected in reason


def test_preflight_refuses_empty_huge_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "vide.pdf").write_bytes(b"")
    (tmp_path / "gros.pdf").write_bytes(PDF + bytes(2**20))
    assert preflight(tmp_path / "vide.pdf") == "Fichier vide (0 octet)."
    assert "trop volumineux" in preflight(tmp_path / "gros.pdf", max_bytes=2**20)
    assert preflight(tmp_path / "gros.pdf") is None
    assert "illisible" in preflight(tmp_path / "absent.pdf")


# --- run_parallel ----------------------------------------------------------------------------

def test_every_item_yields_one_outcome_with_its_result() -> None:
    names = [f"f{i}" for i in range(50)]
    outcomes = list(run_parallel(fake(*names), echo, workers=2, progress=False))
    assert sorted(outcome.item.relative for outcome in outcomes) == sorted(names)
    assert all(outcome.result == outcome.item.relative and outcome.failure is None for outcome in outcomes)


def test_failures_are_contained_and_explained_in_french() -> None:
    names = ["hang", "memory", "segfault", "raise", "recurse", "exit", "a", "b", "c"]
    outcomes = by_name(list(run_parallel(fake(*names), misbehave, workers=2, timeout=3,
                                         memory_mb=300, progress=False)))
    assert set(outcomes) == set(names)
    assert outcomes["hang"].failure.startswith("Lecture interrompue après 3 s")
    assert outcomes["memory"].failure.startswith("Mémoire insuffisante")
    assert "300 Mo" in outcomes["memory"].failure
    assert "s'est arrêté brutalement" in outcomes["segfault"].failure
    assert "SIGSEGV" in outcomes["segfault"].failure
    assert outcomes["raise"].failure == UNEXPECTED  # no Python error shown to the officer
    assert "imbriquée trop profondément" in outcomes["recurse"].failure
    assert "code 3" in outcomes["exit"].failure
    for name in "abc":
        assert outcomes[name].result == name and outcomes[name].failure is None
    assert all(outcomes[name].result is None for name in names[:6])


def test_pebble_looks_at_the_pool_every_poll_so_that_ending_a_reading_waits_little(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's managing threads sleep POLL_SECONDS between looks, not pebble's default tenth of a
    second: ending the pool waits for their next look, at the end of every reading."""
    from pebble.pool import process

    slept: list[float] = []
    sleep = time.sleep
    monkeypatch.setattr(process.time, "sleep", lambda seconds: (slept.append(seconds), sleep(seconds)))
    assert len(list(run_parallel(fake("a", "b"), echo, workers=2, progress=False))) == 2
    assert slept and set(slept) == {batch.POLL_SECONDS} and batch.POLL_SECONDS < 0.1


def test_a_single_worker_still_isolates_each_file() -> None:
    outcomes = by_name(list(run_parallel(fake("segfault", "a", "hang", "b"), misbehave, workers=1,
                                         timeout=2, progress=False)))
    assert outcomes["segfault"].failure and outcomes["hang"].failure
    assert (outcomes["a"].result, outcomes["b"].result) == ("a", "b")


def _starts_noted_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """pebble notes a task's start late, as on a loaded machine: a worker that crashes at once ends before
    its task is known to have started, and pebble's threads then abort every task and refuse new ones."""
    import pebble.pool.process

    start = pebble.pool.process.TaskManager.task_start

    def late(self, task: int, worker: int | None) -> None:
        time.sleep(0.3)
        start(self, task, worker)

    monkeypatch.setattr(pebble.pool.process.TaskManager, "task_start", late)


def test_a_pool_pebble_breaks_is_started_again_and_only_the_file_at_fault_is_lost(monkeypatch) -> None:
    _starts_noted_late(monkeypatch)
    names = ["segfault", "a", "b", "c"]
    outcomes = by_name(list(run_parallel(fake(*names), misbehave, workers=2, timeout=20, progress=False)))
    assert set(outcomes) == set(names)
    assert outcomes["segfault"].failure == batch.LOST
    assert [outcomes[name].result for name in "abc"] == list("abc")


def test_tasks_a_broken_pool_never_took_are_read_in_the_next(monkeypatch) -> None:
    """pebble aborts the tasks it had taken when its pool breaks, not those still in its queue: the run does
    not wait for them for ever."""
    import pebble.pool.process
    from pebble.pool.base_pool import PoolStatus

    _starts_noted_late(monkeypatch)
    monkeypatch.setattr(batch, "BROKEN_POLL_SECONDS", 0.2)
    monkeypatch.setattr(pebble.pool.process.PoolManager, "handle_broken_pool", lambda self, error: setattr(
        self.context, "status", PoolStatus.ERROR))  # broken, nothing aborted
    outcomes = by_name(list(run_parallel(fake("segfault", "a", "b"), misbehave, workers=1, timeout=20,
                                         progress=False)))
    assert outcomes["segfault"].failure == batch.LOST
    assert (outcomes["a"].result, outcomes["b"].result) == ("a", "b")


def test_files_run_in_other_processes_and_workers_are_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("extract.batch.TASKS_PER_WORKER", 10)
    pids = [outcome.result for outcome in run_parallel(fake(*map(str, range(45))), pid, workers=2,
                                                       progress=False)]
    assert os.getpid() not in pids
    assert len(set(pids)) >= 5  # 10 files per worker at most: 45 files need at least 5 workers


def test_workers_collect_their_garbage_less_often_than_python_by_default() -> None:
    """A reading worker's collector waits for collector.YOUNG_OBJECTS new objects, not 700, whether
    forked from a process that set it or not (spawned, as on Windows)."""
    import gc

    import collector

    assert gc.get_threshold()[0] < collector.YOUNG_OBJECTS
    [outcome] = run_parallel(fake("a"), thresholds, workers=1, progress=False)
    assert outcome.result == (collector.YOUNG_OBJECTS, *gc.get_threshold()[1:])


def test_a_task_of_several_files_keeps_each_files_limits_and_outcome() -> None:
    """Files go to the workers several to a task (eight files, one worker: two a task); a hung or
    crashing file loses its task's worker, and each file of that task is read again alone."""
    names = ["hang", "a", "segfault", "b", "slow", "c", "d", "e"]
    outcomes = by_name(list(run_parallel(fake(*names), misbehave, workers=1, timeout=1, progress=False)))
    assert set(outcomes) == set(names)
    assert outcomes["hang"].failure.startswith("Lecture interrompue après 1 s")
    assert "SIGSEGV" in outcomes["segfault"].failure
    # within its task's time, but longer than a file may take: failed as if it had been stopped
    assert outcomes["slow"].failure.startswith("Lecture interrompue après 1 s")
    assert all(outcomes[name].result == name and outcomes[name].failure is None for name in "abcde")


def test_a_task_reads_its_files_one_by_one() -> None:
    task = fake("a", "raise", "b")
    outcomes = batch._work_in_worker(misbehave, task, batch._Limits(timeout=5, memory_mb=100))
    assert [(o.item, o.result, o.failure) for o in outcomes] == [
        (task[0], "a", None), (task[1], None, UNEXPECTED), (task[2], "b", None)]


def test_a_worker_ends_itself_when_a_file_of_a_task_outlasts_its_own_limit() -> None:
    """Not after the whole task's limit: the task's files are then read again one a task."""
    import multiprocessing
    import signal

    child = multiprocessing.get_context("fork").Process(
        target=batch._work_in_worker, args=(misbehave, fake("a", "hang"), batch._Limits(timeout=0.5, memory_mb=100)))
    child.start()
    child.join(30)
    assert child.exitcode == -signal.SIGALRM


def test_files_go_one_a_task_where_a_worker_cannot_end_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the alarm signal (Windows) a hung file of a task of 8 would hold its worker for 8 times
    its limit: there a task is one file, stopped at its own limit by the pool."""
    assert batch._task_size(1000, 2) == batch.FILES_PER_TASK
    assert batch._task_size(12, 2) == 1  # few files: every worker gets several tasks
    monkeypatch.setattr(batch, "CAN_END_ITSELF", False)
    assert batch._task_size(1000, 2) == 1


def test_outcomes_come_as_files_complete() -> None:
    outcomes = list(run_parallel(fake("hang", *map(str, range(20))), misbehave, workers=2, timeout=5,
                                 progress=False))
    assert outcomes[-1].item.relative == "hang"


def test_no_items_no_pool() -> None:
    assert list(run_parallel([], echo)) == []


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    list(run_parallel(fake("a", "b"), echo, workers=1))
    assert capsys.readouterr().err == ""


def test_the_workers_start_with_the_call_and_stop_when_it_is_closed() -> None:
    """The caller does other work while the workers read: they are started, and given their first
    tasks, before the first outcome is asked for; closing the outcomes before taking them stops them."""
    outcomes = run_parallel(fake("a", "b"), echo, workers=2, progress=False)
    assert len(multiprocessing.active_children()) == 2
    outcomes.close()
    assert multiprocessing.active_children() == []
    assert sorted(o.result for o in run_parallel(fake("a", "b"), echo, workers=2, progress=False)) == ["a", "b"]


def test_the_progress_bar_is_shown_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    list(run_parallel(fake("a", "b"), echo, workers=1))
    assert "Lecture : 2/2 fichiers" in sys.stderr.getvalue()


def test_tqdm_is_imported_only_to_show_the_bar() -> None:
    """Not on the way to the first file read when nothing is shown (about 12 ms of imports)."""
    script = ("import sys\nfrom extract import batch\nbatch._progress_bar(3, True).close()\n"
              "print('tqdm' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert shown.stdout.strip() == "False"  # stderr is not a terminal here
