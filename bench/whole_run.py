"""Benchmark: the whole ``egalite run`` against the bare libraries on the same files (issue 13).

Run from the project folder: ``.venv/bin/python -m bench.whole_run``
(``--sizes 100 1000 5000``, ``--kinds fillable generic text scan``,
``--scan-sizes 10``, ``--workers N``, ``--per-consultation 10``,
``--seed KIND=FILE``). Prints figures; asserts nothing.

``--seed text=FILE`` (repeatable) measures a kind on copies of FILE instead of the project's own
sample: the same figures on anyone's questionnaire, for instance a text-layer re-make from the
development set, ``--seed text=../shared/devset/inbox/2026-058-transport-scolaire/TSA_questionnaire_egalite.pdf``.

For each kind and size, an inbox of copies of one sample file (each made
distinct by a comment after its end, so no cache merges them) spread over
consultations of ``--per-consultation`` files, and at 1,000 files also all
in ONE consultation. On it, in the same run:

* the bare library doing the least work on each file, in the same worker
  pool as ``egalite run`` (the ``bench.throughput`` functions), with Python's
  own garbage collector, not the pool's (``bench.throughput.as_python_runs_it``);
* ``egalite run INBOX --output OUT`` in a child process, as the officer
  types it (start-up, store, exports and workbooks included): *cold* into
  an empty output folder, then *warm*, again with nothing changed.

Each run's wall time is split by phase (:mod:`bench.phases`); *validate*
is the parent's validation of cached records plus the workers' validation
time divided by the workers (its share of the reading's wall time, taken
out of *read*); *other* is start-up, imports and what no phase covers. The line
under each run splits the CPU time of its whole tree the same way (the workers' CPU counts in the
phase in which they end: the readers' in *read*, the workbook writers' in *workbooks*). The
peak memory is the sum over the whole process tree (the command and its
workers), sampled every 50 ms: PSS (shared pages counted once) and RSS.
*CPU s* is the CPU time of the whole tree (user and system), which other
users' work changes far less than the wall time; on 2 idle cores a run
takes about half of it where its work is parallel. The bare line's *CPU s* is the CPU time of the
bare library's run (this process and its pool's workers), and its *CPU ratio* that CPU time over the
cold run's: the ratio of the work each does, which the machine's load changes far less than the wall
times' ratio. *load* is the machine's load average when the run ended (other users'
work slows every figure; the ratios are taken within the same minutes).

The children run with the project's bytecode kept, as in an officer's installed copy (pip compiles
what it installs): a machine that sets ``PYTHONDONTWRITEBYTECODE`` would otherwise make every child
compile the whole project again (about 0.1 s of CPU a run). The project is compiled once into a
temporary folder that the children use as ``PYTHONPYCACHEPREFIX``; since Python then reads no other
bytecode, an untimed run on one file of each kind first fills that folder with the bytecode of the
standard library and of the packages the run imports.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.phases import PHASES
from bench.throughput import BARE, measure, seeds
from extract.batch import discover

KINDS = ("fillable", "generic", "text", "scan")  # those the issue names (BARE has one more)
SCAN_SIZES = (10,)  # OCR costs about a second a page: a thousand scans would take an hour
ONE_CONSULTATION_AT = 1000
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
PROJECT_SOURCES = ("analyse", "extract", "questionnaire", "samples", "locales", "bench",
                   "cli.py", "pipeline.py", "exit_codes.py")


@dataclass(frozen=True)
class RunFigures:
    seconds: float
    cpu: float  # user and system seconds of the whole tree
    phases: dict[str, float]
    cpu_phases: dict[str, float]  # CPU seconds of the whole tree by phase
    pss_mb: float
    rss_mb: float
    code: int


# -- memory of a process tree ------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    """The children of every thread of ``pid``: the reading pool starts the workers that replace
    others (every 1,000 files) from a thread of its own, and Linux lists a child under its thread."""
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:  # the process has ended since it was listed: no children
        return found
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text(encoding="ascii").split()]
        except OSError:
            pass
    return found


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(_children(current))
    return found


def _rss_kb(pid: int) -> int:
    """RSS of one process in kB, from ``statm``: a hundredth of the cost of ``smaps_rollup``, which
    walks the process's page tables (about 2 ms for a 150 MB worker); zero once it has gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """PSS of one process in kB (pages shared with other processes counted once); zero once it has gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the summed memory of a process and its descendants until it ends.

    The RSS is sampled every 50 ms; the PSS once a second, and at once where the tree's RSS has
    grown by 5% since the PSS was last read (its peak is thus found within about 5%): read every
    50 ms, ``smaps_rollup`` of four processes took about 8 ms of CPU a tick, 8% of the 2 cores
    the measured run shares with this thread (the bare library's runs are not sampled)."""

    def __init__(self, process: subprocess.Popen) -> None:
        super().__init__(daemon=True)
        self.process = process
        self.pss = self.rss = 0

    def run(self) -> None:
        measured, measured_rss = 0.0, 0  # when the PSS was last read, and the tree's RSS then
        while self.process.poll() is None:
            tree = _tree(self.process.pid)
            rss = sum(map(_rss_kb, tree))
            if rss > measured_rss * 1.05 or time.monotonic() - measured >= 1.0:
                self.pss = max(self.pss, sum(map(_pss_kb, tree)))
                measured, measured_rss = time.monotonic(), rss
            self.rss = max(self.rss, rss)
            time.sleep(0.05)


# -- runs --------------------------------------------------------------------------------------

def bytecode_environment(prefix: Path) -> dict[str, str]:
    """The children's environment: bytecode written to and read from ``prefix``, the project compiled."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(prefix)
    project = Path(__file__).resolve().parent.parent
    sources = [str(project / name) for name in PROJECT_SOURCES]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *sources], env=environment, check=True,
                   stdout=subprocess.DEVNULL)
    return environment


def fill_bytecode(found: dict[str, Path], kinds: list[str], workers: int | None, folder: Path,
                  environment: dict[str, str]) -> None:
    """An untimed run on one file of each kind: the bytecode of everything it imports is written."""
    inbox = folder / "inbox" / "AO-0000"
    inbox.mkdir(parents=True)
    for kind in kinds:
        (inbox / f"{kind}.pdf").write_bytes(found[kind].read_bytes())
    egalite_run(inbox.parent, folder / "output", workers, environment)


def egalite_run(inbox: Path, output: Path, workers: int | None, environment: dict[str, str]) -> RunFigures:
    """``egalite run`` in a child process, timed from outside, with its phases and tree memory."""
    report = output.parent / f"{output.name}-phases" / "phases.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    for old in report.parent.glob("validate-*.txt"):
        old.unlink()
    command = [sys.executable, "-m", "bench.phases", str(report), "run", str(inbox), "--output", str(output)]
    if workers:
        command += ["--workers", str(workers)]
    start, used = time.perf_counter(), _tree_cpu()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    memory = TreeMemory(process)
    memory.start()
    _, errors = process.communicate()
    seconds, cpu = time.perf_counter() - start, _tree_cpu() - used
    memory.join()
    if process.returncode:
        print(errors.decode(errors="replace")[-2000:], file=sys.stderr)
    phases = json.loads(report.read_text()) if report.is_file() else {}
    return RunFigures(seconds, cpu, _split(phases, seconds, workers or os.cpu_count() or 1),
                      _split_cpu(phases, cpu),
                      memory.pss / 1024, memory.rss / 1024, process.returncode)


def _tree_cpu() -> float:
    """CPU seconds of the processes this one has waited for, and of their own (the run and its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    """CPU seconds of this process (the bare library's pool is fed and read from here)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _split(phases: dict[str, float], seconds: float, workers: int) -> dict[str, float]:
    """Wall seconds per phase: the workers' validation is moved out of the reading's wall time."""
    if not phases:
        return {}
    split = {phase: phases[phase] for phase in PHASES}
    in_workers = min(phases["worker_validate"] / workers, split["read"])
    split["read"] -= in_workers
    split["validate"] += in_workers
    split["other"] = seconds - sum(phases[phase] for phase in PHASES)
    return split


def _split_cpu(phases: dict[str, Any], cpu: float) -> dict[str, float]:
    """CPU seconds per phase: the reading workers' validation moved out of *read*."""
    if not phases:
        return {}
    split = {phase: phases["cpu"][phase] for phase in PHASES}
    in_workers = min(phases["worker_validate_cpu"], split["read"])
    split["read"] -= in_workers
    split["validate"] += in_workers
    split["other"] = cpu - sum(phases["cpu"][phase] for phase in PHASES)
    return split


def make_inbox(seed: Path, count: int, per_consultation: int, folder: Path) -> Path:
    """``count`` distinct copies of ``seed`` in consultations of ``per_consultation`` files."""
    data = seed.read_bytes()
    for number in range(count):
        consultation = folder / f"AO-{number // per_consultation:04d}"
        consultation.mkdir(parents=True, exist_ok=True)
        (consultation / f"{number:05d}.pdf").write_bytes(data + b"\n%% bench %d\n" % number)
    return folder


# -- table -------------------------------------------------------------------------------------

COLUMNS = ["corrections", "discover+hash", "read", "validate", "store", "exports", "workbooks", "other"]
SHORT = {"corrections": "corr", "discover+hash": "disc+hash", "read": "read", "validate": "valid",
         "store": "store", "exports": "export", "workbooks": "books", "other": "other"}


def heading() -> str:
    phases = " ".join(f"{SHORT[c]:>9}" for c in COLUMNS)
    return (f"{'kind':<9} {'files':>5} {'cons.':>5} {'run':<5} {'s':>7} {'CPU s':>7} {'files/s':>8} {'ms/file':>8}"
            f" {'bare/s':>7} {'ratio':>6} {'PSS MB':>7} {'RSS MB':>7}  {phases} {'load':>5}")


def line(kind: str, files: int, consultations: int, name: str, run: RunFigures,
         bare: float | None) -> str:
    rate = files / run.seconds
    ratio = f"{rate / bare:6.2f}" if bare else f"{'':>6}"
    bare_text = f"{bare:7.1f}" if bare else f"{'':>7}"
    phases = " ".join(f"{run.phases.get(c, float('nan')):9.2f}" for c in COLUMNS)
    failed = f"  (exit {run.code})" if run.code else ""
    return (f"{kind:<9} {files:>5} {consultations:>5} {name:<5} {run.seconds:7.2f} {run.cpu:7.2f} {rate:8.1f}"
            f" {1000 * run.seconds / files:8.2f} {bare_text} {ratio} {run.pss_mb:7.0f} {run.rss_mb:7.0f}"
            f"  {phases} {os.getloadavg()[0]:5.1f}{failed}")


def cpu_line(files: int, consultations: int, run: RunFigures) -> str:
    """Under a run's line: the CPU seconds of its whole tree by phase."""
    phases = " ".join(f"{run.cpu_phases.get(c, float('nan')):9.2f}" for c in COLUMNS)
    return (f"{'':<9} {files:>5} {consultations:>5} {'cpu':<5} {'':>7} {run.cpu:7.2f} {'':>8}"
            f" {1000 * run.cpu / files:8.2f} {'':>7} {'':>6} {'':>7} {'':>7}  {phases}")


def kind_and_file(text: str) -> tuple[str, Path]:
    """``--seed``'s value: a kind of the bench and an existing file."""
    kind, _, name = text.partition("=")
    if kind not in KINDS or not Path(name).is_file():
        raise argparse.ArgumentTypeError(f"KIND=FILE expected, KIND one of {', '.join(KINDS)} and FILE a file: {text}")
    return kind, Path(name)


def bench_one(kind: str, seed: Path, size: int, per_consultation: int, workers: int | None,
              folder: Path, environment: dict[str, str]) -> None:
    inbox = make_inbox(seed, size, per_consultation, folder / "inbox")
    consultations = -(-size // per_consultation)
    bare_name, bare = BARE[kind]
    used = _tree_cpu() + _own_cpu()
    base = measure(discover(inbox), bare, workers)
    bare_rate, bare_cpu = base.files_per_second, _tree_cpu() + _own_cpu() - used
    output = folder / "output"
    cold_cpu = 0.0
    for name in ("cold", "warm"):
        run = egalite_run(inbox, output, workers, environment)
        cold_cpu = cold_cpu or run.cpu
        print(line(kind, size, consultations, name, run, bare_rate if name == "cold" else None), flush=True)
        print(cpu_line(size, consultations, run), flush=True)
    print(f"{'':<9} {size:>5} {consultations:>5} bare  {size / bare_rate:7.2f} {bare_cpu:7.2f} {bare_rate:8.1f}"
          f" {1000 / bare_rate:8.2f}  ({bare_name}, {base.failures} failed; CPU ratio, bare CPU s / cold CPU s:"
          f" {bare_cpu / cold_cpu:.2f})", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--scan-sizes", type=int, nargs="+", default=list(SCAN_SIZES))
    parser.add_argument("--per-consultation", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--inbox", type=Path, default=Path("samples/inbox"))
    parser.add_argument("--seed", type=kind_and_file, action="append", default=[], metavar="KIND=FILE",
                        help="copies of FILE for KIND instead of the sample inbox's file (repeatable)")
    options = parser.parse_args(argv)

    found = seeds(options.inbox) | dict(options.seed)
    with tempfile.TemporaryDirectory(prefix="egalite-bytecode-") as prefix:
        environment = bytecode_environment(Path(prefix))
        with tempfile.TemporaryDirectory(prefix="egalite-whole-") as folder:
            fill_bytecode(found, options.kinds, options.workers, Path(folder), environment)
        report(found, options, environment)


def report(found: dict[str, Path], options: argparse.Namespace, environment: dict[str, str]) -> None:
    print(f"whole `egalite run` (cold: empty output; warm: again, nothing changed) and the bare library, "
          f"{options.workers or os.cpu_count()} workers; phases in wall seconds, and in CPU seconds on the line under (its ms/file: CPU ms a file); load {os.getloadavg()[0]:.1f}")
    print(heading())
    for kind in options.kinds:
        for size in options.scan_sizes if kind == "scan" else options.sizes:
            layouts = [options.per_consultation] + ([size] if size == ONE_CONSULTATION_AT else [])
            for per_consultation in layouts:
                with tempfile.TemporaryDirectory(prefix="egalite-whole-") as folder:
                    bench_one(kind, found[kind], size, per_consultation, options.workers, Path(folder),
                              environment)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
