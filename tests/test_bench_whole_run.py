"""The whole-run bench: its children keep the project's bytecode, as an installed copy does; its phases count CPU."""
from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bench.phases
from bench.phases import Clock, worker_validate, worker_validate_seconds
from bench.whole_run import bytecode_environment, kind_and_file

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


def test_a_phase_counts_the_cpu_of_the_children_it_reaps() -> None:
    clock = Clock()
    clock.enter("read")
    subprocess.run([sys.executable, "-c", "import time\nend = time.process_time() + 0.3\n"
                    "while time.process_time() < end: pass"], check=True)
    clock.enter("store")  # nested: pauses the reading
    time.sleep(0.2)  # wall time, no CPU
    clock.leave()
    clock.leave()
    assert clock.cpu["read"] >= 0.3
    assert clock.cpu["store"] < 0.1 <= clock.seconds["store"]


def test_a_workers_validation_counts_its_cpu_apart_from_its_wall_time(tmp_path: Path, monkeypatch) -> None:
    timed = worker_validate(lambda: time.sleep(0.2), tmp_path)
    monkeypatch.setattr(bench.phases.os, "getpid", lambda: -1)  # as in a reading worker
    timed()
    wall, cpu = worker_validate_seconds(tmp_path)
    assert wall >= 0.2 > 0.05 > cpu


def test_tree_memory_finds_the_peak_of_a_child_that_grows_then_shrinks() -> None:
    """The RSS is sampled often and cheaply, the PSS where the RSS grew: a 200 MB peak held for
    half a second is seen by both (a process alone shares little: its PSS is near its RSS)."""
    from bench.whole_run import TreeMemory

    child = subprocess.Popen([sys.executable, "-c", "import time\ntime.sleep(0.3)\nblock = bytearray(200 * 2**20)\n"
                              "time.sleep(0.5)\ndel block\ntime.sleep(0.3)"])
    memory = TreeMemory(child)
    memory.start()
    child.wait()
    memory.join()
    assert 200 * 1024 < memory.rss < 300 * 1024
    assert 190 * 1024 < memory.pss <= memory.rss


def test_a_process_that_ends_while_its_tree_is_listed_has_no_children(monkeypatch) -> None:
    """Workers end while the sampler walks the tree (a pool replaces them, a run ends): a process
    whose /proc entry goes between two listings is a leaf, not an error that would stop the
    sampling for the rest of the run (seen: the tree's memory then no longer measured)."""
    import bench.whole_run as whole_run

    class Gone(type(Path())):
        def iterdir(self):
            raise FileNotFoundError(2, "No such file or directory", str(self))

        glob = iterdir  # however the tasks are listed

    monkeypatch.setattr(whole_run, "Path", Gone)
    assert whole_run._children(1) == []
    assert whole_run._tree(1) == [1]


def test_the_bare_library_runs_with_pythons_collector_not_egalites() -> None:
    """The bench's pool is egalite's, whose workers collect garbage less often: the bare library's work
    puts Python's thresholds back first, so it is measured as it runs on its own."""
    import gc

    import collector
    from bench.throughput import BARE, PYTHON_COLLECTOR
    from extract.batch import run_parallel
    from tests.test_batch import fake, thresholds

    _, bare = BARE["text"]
    assert PYTHON_COLLECTOR[0] < collector.YOUNG_OBJECTS
    [outcome] = run_parallel(fake("a"), functools.partial(bare.func, thresholds), workers=1, progress=False)
    assert outcome.result == PYTHON_COLLECTOR
    assert gc.get_threshold() == PYTHON_COLLECTOR  # this process's own never changed


def test_a_seed_names_a_kind_and_an_existing_file(tmp_path: Path) -> None:
    """``--seed text=FILE``: the bench measures copies of anyone's questionnaire; a typo is refused."""
    seed = tmp_path / "re-make.pdf"
    seed.write_bytes(b"%PDF-1.4\n")
    assert kind_and_file(f"text={seed}") == ("text", seed)
    for wrong in (f"texte={seed}", f"text={tmp_path / 'missing.pdf'}", str(seed)):
        with pytest.raises(argparse.ArgumentTypeError):
            kind_and_file(wrong)
