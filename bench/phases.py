"""``egalite`` as the officer runs it, with the wall time of each phase of a run written to a file.

``python -m bench.phases PHASES.json run INBOX --output OUT`` runs the
``egalite`` command (:func:`cli.main`) unchanged, after wrapping the steps
of :mod:`pipeline` with timers; :mod:`bench.whole_run` starts it in a child
process. Phases are exclusive: time spent in the store while the workbooks
are written counts for the store. The reading workers time ``validate`` in
each file (they inherit the wrappers) and append it to a file per worker
beside PHASES.json.
"""
from __future__ import annotations

import functools
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

PHASES = ("corrections", "discover+hash", "read", "validate", "store", "exports", "workbooks")


class Clock:
    """Exclusive phase timers: entering a phase pauses the one it was called from.

    Each phase has its wall seconds and its CPU seconds: this process's, and its children's as they
    are reaped (the reading workers when the reading ends, the workbook writers when the workbooks
    are written)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(PHASES, 0.0)
        self.cpu = dict.fromkeys(PHASES, 0.0)
        self.stack: list[tuple[str, float, float]] = []

    def enter(self, phase: str) -> None:
        now, used = time.perf_counter(), _cpu()
        if self.stack:
            self._add(*self.stack[-1], now, used)
        self.stack.append((phase, now, used))

    def leave(self) -> None:
        now, used = time.perf_counter(), _cpu()
        self._add(*self.stack.pop(), now, used)
        if self.stack:
            self.stack[-1] = (self.stack[-1][0], now, used)

    def _add(self, phase: str, since: float, used_since: float, now: float, used: float) -> None:
        self.seconds[phase] += now - since
        self.cpu[phase] += used - used_since


def _cpu() -> float:
    """CPU seconds of this process and of its children reaped so far."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


CLOCK = Clock()


def timed(phase: str, function: Callable) -> Callable:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CLOCK.enter(phase)
        try:
            return function(*args, **kwargs)
        finally:
            CLOCK.leave()
    return wrapper


def timed_iterator(phase: str, function: Callable[..., Iterator]) -> Callable[..., Iterator]:
    """A generator's own time (its call, which may start work at once, and between the caller's ``next``
    and its ``yield``) counts for ``phase``."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator:
        return _timed_items(phase, timed(phase, function)(*args, **kwargs))
    return wrapper


def _timed_items(phase: str, iterator: Iterator) -> Iterator:
    while True:
        CLOCK.enter(phase)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            CLOCK.leave()
        yield item


def worker_validate(function: Callable, folder: Path) -> Callable:
    """``validate`` timed: in the parent by the clock, in a worker appended to its own file."""
    parent = os.getpid()

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() == parent:
            return timed("validate", function)(*args, **kwargs)
        start, used = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            with open(folder / f"validate-{os.getpid()}.txt", "a", encoding="ascii") as log:
                log.write(f"{time.perf_counter() - start:.6f} {time.process_time() - used:.6f}\n")
    return wrapper


def instrument(folder: Path) -> None:
    import pipeline
    from analyse.store import Store

    pipeline.discover = timed("discover+hash", pipeline.discover)
    reading = timed_iterator("read", pipeline.run_parallel)
    hashing = timed_iterator("discover+hash", pipeline.run_parallel)  # the workers' pass of content hashes
    pipeline.run_parallel = lambda items, work, *args, **kwargs: (
        hashing if work is pipeline.fingerprint else reading)(items, work, *args, **kwargs)
    pipeline.validate = worker_validate(pipeline.validate, folder)
    pipeline.write_jsonl = timed("exports", pipeline.write_jsonl)
    pipeline.write_csv = timed("exports", pipeline.write_csv)
    pipeline._take_corrections = timed("corrections", pipeline._take_corrections)
    pipeline._workbooks = timed("workbooks", pipeline._workbooks)
    for name, member in vars(Store).items():
        if callable(member) and not name.startswith("__"):
            setattr(Store, name, timed("store", member))
    Store.__init__ = timed("store", Store.__init__)


def worker_validate_seconds(folder: Path) -> tuple[float, float]:
    """The workers' validation: wall seconds and CPU seconds, summed over the files."""
    lines = [line.split() for log in folder.glob("validate-*.txt") for line in log.read_text().splitlines()]
    return sum(float(wall) for wall, _ in lines), sum(float(cpu) for _, cpu in lines)


def main() -> None:
    target = Path(sys.argv[1])
    folder = target.parent
    instrument(folder)
    from cli import main as egalite

    try:
        egalite(sys.argv[2:], prog_name="egalite", standalone_mode=False)
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    wall, cpu = worker_validate_seconds(folder)
    figures = dict(CLOCK.seconds, worker_validate=wall, worker_validate_cpu=cpu, cpu=CLOCK.cpu)
    target.write_text(json.dumps(figures))
    sys.exit(code)


if __name__ == "__main__":
    main()
