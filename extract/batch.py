"""The files of an inbox, and reading them in parallel under time and memory limits.

:func:`discover` lists every file an officer dropped in the inbox (one
sub-folder per tender). :func:`run_parallel` reads them on all cores, each
file in a worker process of a :class:`pebble.ProcessPool`: a parser that
hangs is killed after the time limit, one that eats memory hits the worker's
address-space limit, one that crashes (a segfault in PDFium) only loses its
worker; in every case the file gets a French failure reason and the batch
goes on. Outcomes are yielded as their task completes, so the caller can save
each one at once and an interrupted run loses only the tasks in flight.

A task is a few files (up to :data:`FILES_PER_TASK`, where the system has the alarm
signal; one elsewhere, :func:`_task_size`): a task costs about 0.6 ms
of CPU between the run's process (pebble's threads, the futures) and the worker
(pipes, pickling) when each takes a few milliseconds, a sixth of reading one of
our fillable forms. The guarantees stay per file: each file of a task is read
and judged alone in the worker; a task gets the time limit of all its files,
and a task whose worker is lost (a file of it over the time limit: the
worker ends itself, :func:`_ended_after`; crashed, out of memory) gives no
outcome: each of its files is read again in a task of its own, under
the file's own limit, so that only the file at fault fails.
"""
from __future__ import annotations

import errno
import faulthandler
import functools
import hashlib
import logging
import os
import signal
import stat
import sys
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterable, Iterator, Sequence

from pebble import CONSTS, ProcessExpired, ProcessPool

import collector
from exit_codes import InputError, why

try:
    import resource  # POSIX: a worker's limits
except ImportError:  # Windows
    resource = None

if TYPE_CHECKING:
    from tqdm import tqdm

TASKS_PER_WORKER = 1000  # a worker is replaced after this many files, to contain leaks
TASKS_IN_FLIGHT = 4  # per worker: enough to keep workers busy, few results held at once
FILES_PER_TASK = 8  # at most; fewer when the files are few, so that every worker gets several tasks
CAN_END_ITSELF = hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")  # POSIX: see _ended_after
# How often pebble's threads look at its pool (0.1 s by default): ending a pool waits for their next
# look, a tenth of a 100-file run spent waiting (0.49 -> 0.43 s wall, the same CPU at 100 and 1,000 files)
POLL_SECONDS = 0.01
CONSTS.sleep_unit = POLL_SECONDS
BROKEN_POLL_SECONDS = 1.0  # how often the run looks whether pebble found its pool broken, while no task completes
LITTER = frozenset({"thumbs.db", "desktop.ini"})
NAME_PROBLEM = ("Nom de fichier ou de dossier illisible (caractères hors UTF-8, souvent une archive zip créée "
                "sous Windows) : renommez-le, puis relancez. Non lu.")
LOST = "Le processus de lecture de ce fichier a échoué : il n'a pas pu être lu."
UNEXPECTED = ("Le lecteur a échoué sur ce fichier (structure PDF inattendue) : il n'a pas pu être lu. "
              "Demandez au candidat un PDF enregistré à nouveau, ou vérifiez-le à la main.")
_OUT_OF_MEMORY = ("bad_alloc", "Insufficient memory", "Failed to allocate", "Out of memory", "Cannot allocate memory",
                  "failed to map segment")  # the last: a library loaded under the limit


@dataclass(frozen=True)
class InputFile:
    path: Path  # absolute
    relative: str  # path relative to the inbox, forward slashes (records.jsonl "file")
    tender: str  # name of its first-level sub-folder of the inbox ("" for files at the root)
    size: int
    sha256: str | None = None  # the content's hash, once someone has computed it
    raw_name: str | None = None  # the relative path's bytes in hex, when they are not valid UTF-8
    problem: str | None = None  # French reason why the entry cannot be read at all (its name, its path)


@dataclass
class Outcome:
    item: InputFile
    result: Any | None
    failure: str | None  # French reason when the worker could not give a result


def discover(inbox: Path, skip: Iterable[Path] = ()) -> list[InputFile]:
    """Every file under ``inbox``, sorted by relative path.

    Only system litter is left out (hidden entries, ``Thumbs.db``,
    ``desktop.ini``, ``~$`` Office lock files), and the folders in ``skip``
    (the output folder, when it lies inside the inbox). Everything else is
    listed, so that the reader can reject it with a reason rather than leave
    it out: non-PDF files, special files, folders that cannot be read, links
    to folders (never followed: they would loop or leave the inbox), links to
    files (:func:`extract.safety.preflight` refuses those leading out of the
    inbox). Nothing is opened or written.
    """
    root = os.fspath(inbox.absolute())
    skipped = {Path(folder).absolute() for folder in skip}
    unreadable: list[str] = []
    found: list[str] = []  # the paths as os.walk makes them: a Path each is made once, for its InputFile
    for folder, dirs, files in os.walk(root, onerror=lambda error: unreadable.append(error.filename)):
        dirs[:] = [d for d in dirs if not _is_litter(d) and Path(folder, d) not in skipped]
        found.extend(os.path.join(folder, d) for d in dirs if os.path.islink(os.path.join(folder, d)))  # not followed
        found.extend(os.path.join(folder, name) for name in files if not _is_litter(name))
    if root in unreadable:
        raise InputError(f"Dossier des offres illisible (droits d'accès insuffisants) : {inbox}")
    inside = len(os.path.join(root, ""))  # the characters of the inbox's path and separator
    return sorted((_input_file(path, inside) for path in found + unreadable), key=lambda item: item.relative)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's content, read in blocks (files can be large).

    Raises OSError, rather than blocking, for what is not a regular file: a
    FIFO in the inbox would otherwise hang the run (call
    :func:`extract.safety.preflight` first to get the reason in French).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # POSIX, Windows
    with open(os.open(path, flags), "rb", buffering=0) as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        digest = hashlib.sha256()
        while block := stream.read(HASH_BLOCK):
            digest.update(block)
        return digest.hexdigest()


# Bytes read at a time to hash a file: a questionnaire (30 kB) in one read. ``hashlib.file_digest`` made
# a 256 kB buffer for each file (a fifth of the time it took to hash one of our fillable forms).
HASH_BLOCK = 2**16


def run_parallel(items: Sequence[InputFile], work: Callable[[InputFile], Any], *,
                 workers: int | None = None, timeout: float = 120.0, memory_mb: int = 1536,
                 progress: bool = True) -> Generator[Outcome, None, None]:
    """Apply ``work`` to every item in worker processes; yield outcomes as they complete.

    The call itself starts the workers and gives them their first tasks: the caller can do something
    else while they work and take the outcomes later (closing the generator stops them). ``work`` must
    be a picklable top-level function. Each file gets at most ``timeout`` seconds; each worker may grow
    its address space by ``memory_mb`` MiB beyond what it holds when it starts (the parent's
    imports, inherited; what a worker imports itself counts within it: the
    page reader, about 160 MiB of address space, Tesseract). Every item yields
    exactly one :class:`Outcome`, in completion order. Even with ``workers=1`` files are read in a worker:
    only there can a hung or crashing parser be stopped.
    """
    outcomes = _run_parallel(items, work, workers or os.cpu_count() or 1, _Limits(timeout, memory_mb), progress)
    next(outcomes)  # up to its first yield: the workers started, their first tasks given
    return outcomes


def _run_parallel(items: Sequence[InputFile], work: Callable[[InputFile], Any], workers: int, limits: _Limits,
                  progress: bool) -> Generator[Any, None, None]:
    """:func:`run_parallel`'s generator: None once the first tasks are given, then the outcomes. The
    progress bar is shown from the first outcome taken: what the caller says meanwhile comes before it."""
    if not items:
        yield None
        return
    workers = max(1, min(workers, len(items)))
    size = _task_size(len(items), workers)
    pool = _Pool(functools.partial(ProcessPool, max_workers=workers, max_tasks=max(1, TASKS_PER_WORKER // size),
                                   initializer=_start_worker, initargs=(limits.memory_mb,)))
    tasks = (list(items[start:start + size]) for start in range(0, len(items), size))
    completed = _completed(pool, tasks, work, workers * TASKS_IN_FLIGHT, limits)
    bar = None
    try:
        yield next(completed)  # None: the first tasks given (the first started the workers)
        bar = _progress_bar(len(items), progress)
        for outcomes in completed:
            for outcome in outcomes:
                yield outcome
                bar.update()
    finally:
        if bar is not None:
            bar.close()
        pool.close()


class _Pool:
    """pebble's pool of workers, started again when pebble finds it broken: its threads can take a worker
    that ended (a file that crashed it at once, the machine loaded) for the end of every worker before
    they note the task it had started, and then abort every task and refuse new ones. The files of the
    tasks it aborted are read again (:func:`_completed`)."""

    def __init__(self, start: Callable[[], ProcessPool]) -> None:
        self.start = start
        self.pool = start()

    def schedule(self, *args: Any, **kwargs: Any) -> Future:
        if self.broken:
            self.close()
            self.pool = self.start()
        return self.pool.schedule(*args, **kwargs)

    @property
    def broken(self) -> bool:
        return not self.pool.active

    def close(self) -> None:
        self.pool.stop()
        self.pool.join()


def _task_size(files: int, workers: int) -> int:
    """Files a task: several only where a worker can end itself when one of them outlasts its own
    limit (:func:`_ended_after`). Without the alarm (Windows), pebble's limit for a task of 8 would
    hold a hung file 8 times its limit (16 minutes at 120 s): one file a task, its own limit."""
    if not CAN_END_ITSELF:
        return 1
    return task_size(files, workers, FILES_PER_TASK)


def task_size(items: int, workers: int, most: int) -> int:
    """Items a task of a process pool: up to ``most`` (the pool costs its processes so much a task),
    fewer when they are few, so that every worker gets several tasks (:data:`TASKS_IN_FLIGHT`) and the
    workers share them out evenly."""
    return max(1, min(most, items // (workers * TASKS_IN_FLIGHT)))


@dataclass(frozen=True)
class _Limits:
    timeout: float
    memory_mb: int


def _completed(pool: _Pool, queue: Iterator[list[InputFile]], work: Callable[[InputFile], Any],
               in_flight: int, limits: _Limits) -> Iterator[list[Outcome] | None]:
    """Keep ``in_flight`` tasks scheduled: None once the first are, then the outcomes of each task as it
    completes. The files of a task whose worker was lost are read again first, each in a task of its own.
    Those of the tasks a broken pool aborted (:class:`_Pool`) are read again one at a time, nothing else
    meanwhile: one that breaks the pool again on its own is said lost, and no other file with it."""
    pending: dict[Future, list[InputFile]] = {}
    again: deque[list[InputFile]] = deque()
    alone: deque[list[InputFile]] = deque()  # files of aborted tasks, read again one at a time
    solo: list[InputFile] | None = None  # the one of them being read, alone
    started = False
    while True:
        if alone:
            if not pending:
                solo = alone.popleft()
                pending[_schedule(pool, work, solo, limits)] = solo
        else:
            while len(pending) < in_flight and (task := again.popleft() if again else next(queue, None)):
                pending[_schedule(pool, work, task, limits)] = task
        if not started:
            started = True
            yield None
        if not pending:
            return
        done, _ = wait(pending, timeout=BROKEN_POLL_SECONDS, return_when=FIRST_COMPLETED)
        if not done and pool.broken:
            done = set(pending)  # tasks the broken pool had not yet taken: they would never complete
        for future in done:
            task = pending.pop(future)
            if not _aborted(future):
                outcomes = _outcomes(task, future, limits)
                if outcomes is None:
                    again.extend([item] for item in task)
                else:
                    yield outcomes
            elif task is solo:
                yield [Outcome(item, None, LOST) for item in task]
            else:
                alone.extend([item] for item in task)


def _schedule(pool: _Pool, work: Callable[[InputFile], Any], task: list[InputFile], limits: _Limits) -> Future:
    return pool.schedule(_work_in_worker, args=(work, task, limits), timeout=limits.timeout * len(task))


def _aborted(future: Future) -> bool:
    """Whether a broken pool aborted the task, or never took it."""
    return not future.done() or isinstance(future.exception(), BrokenProcessPool)


def _work_in_worker(work: Callable[[InputFile], Any], task: list[InputFile], limits: _Limits) -> list[Outcome]:
    """Runs in the worker: each file of the task read alone. A file of several that outlasts the time
    limit ends the worker (:func:`_ended_after`); pebble stops a task of one file itself."""
    outcomes = []
    for item in task:
        with _ended_after(limits.timeout if len(task) > 1 else None):
            outcomes.append(_work_on(work, item, limits))
    return outcomes


@contextmanager
def _ended_after(seconds: float | None) -> Iterator[None]:
    """The worker ends itself when one file of a task of several takes longer than ``seconds``: by the
    alarm signal's default action, which the kernel takes even while a parser holds the interpreter. The
    task's files are then read again one a task, so a hung file is stopped after about twice its own time
    limit, not after its whole task's (pebble's limit for the task). Where there is no alarm, tasks are
    of one file (:func:`_task_size`)."""
    if seconds is None or not CAN_END_ITSELF:
        yield
        return
    timer, real = getattr(signal, "setitimer"), getattr(signal, "ITIMER_REAL")  # POSIX only: looked up here
    signal.signal(getattr(signal, "SIGALRM"), signal.SIG_DFL)
    timer(real, seconds)
    try:
        yield
    finally:
        timer(real, 0)


def _work_on(work: Callable[[InputFile], Any], item: InputFile, limits: _Limits) -> Outcome:
    """One file in the worker: an exception becomes a failure, so only picklable data travels back."""
    try:
        return Outcome(item, work(item), None)
    except RecursionError:
        return Outcome(item, None, "Fichier PDF malformé : structure imbriquée trop profondément.")
    except Exception as error:  # any bug of a parser on hostile input must not stop the batch
        if out_of_memory(error):
            return Outcome(item, None, _memory_failure(limits))
        return Outcome(item, None, UNEXPECTED)


def out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` says that memory ran out: Python's MemoryError, or the text
    C++ libraries give when the worker's memory limit stops them (OpenCV, Tesseract)."""
    text = str(error)
    return isinstance(error, MemoryError) or any(sign in text for sign in _OUT_OF_MEMORY)


def _outcomes(task: list[InputFile], future: Future, limits: _Limits) -> list[Outcome] | None:
    """The task's outcomes; for a task of one file whose worker was lost, a failure saying how;
    None for a task of several (which of its files was at fault is not known)."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - the worker was stopped, crashed, or could not send back
        if len(task) > 1:
            return None
        return [Outcome(task[0], None, _lost(error, limits))]


def _lost(error: Exception, limits: _Limits) -> str:
    """Why the worker reading one file gave no outcome, in French."""
    if isinstance(error, TimeoutError):
        return _timeout_failure(limits)
    if isinstance(error, ProcessExpired):
        return _expired_failure(error.exitcode, limits)
    return LOST  # exit, unpicklable result


def _timeout_failure(limits: _Limits) -> str:
    return (f"Lecture interrompue après {limits.timeout:g} s : "
            "le fichier bloque le lecteur ou est trop long à lire.")


def _expired_failure(exitcode: int | None, limits: _Limits) -> str:
    if exitcode is not None and exitcode == -getattr(signal, "SIGKILL", 0):  # the out-of-memory killer (POSIX)
        return _memory_failure(limits)
    name = _signal_name(-exitcode) if exitcode and exitcode < 0 else f"code {exitcode}"
    return (f"Le lecteur PDF s'est arrêté brutalement sur ce fichier ({name}) : "
            "fichier corrompu, malveillant, ou trop lourd pour la mémoire permise.")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _memory_failure(limits: _Limits) -> str:
    return (f"Mémoire insuffisante : la lecture de ce fichier dépasse la limite "
            f"de {limits.memory_mb} Mo par processus.")


def memory_limit_enforced() -> bool:
    """Whether this system lets a worker's memory be limited (Linux: its address space).

    Elsewhere (Windows, macOS, whose kernel does not enforce an address-space
    limit) files are still read with a time limit; the command says in French
    that memory is not limited.
    """
    return resource is not None and sys.platform.startswith("linux")


def _start_worker(memory_mb: int) -> None:
    """Worker initializer: limits, silence, and a garbage collector that runs less often.

    The officer's Ctrl-C goes to the parent, which stops the workers. PDF
    libraries log a warning per oddity (thousands for a hostile file): what
    matters reaches the officer through the outcome, not the terminal.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collector.fewer_collections()
    logging.disable(logging.WARNING)
    faulthandler.disable()  # a crash is reported in the outcome, not as a traceback on the terminal
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per file: no OCR thread fan-out
    if memory_limit_enforced():
        _limit_memory(memory_mb * 2**20)


def _limit_memory(extra: int) -> None:
    """No core file on a crash; the address space may grow by ``extra`` bytes beyond what it holds now."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = address_space() + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def address_space() -> int:
    """This process's address space in bytes (Linux: the first figure of /proc/self/statm, in pages)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _progress_bar(total: int, wanted: bool) -> tqdm | _Bar:
    """tqdm's bar on the officer's terminal; tqdm, about 12 ms of imports, is imported only to show it."""
    if not (wanted and sys.stderr.isatty()):
        return _Bar()
    from tqdm import tqdm

    return tqdm(total=total, desc="Lecture", unit=" fichiers", file=sys.stderr,
                bar_format="{desc} : {n_fmt}/{total_fmt} fichiers |{bar}| "
                           "{elapsed} écoulé, reste {remaining}, {rate_fmt}")


class _Bar:
    """No progress bar: what a tqdm bar is told is not shown."""

    def update(self) -> None:
        pass

    def close(self) -> None:
        pass


def _input_file(path: str, inside: int) -> InputFile:
    """The entry at ``path`` (whose first ``inside`` characters name the inbox) as the run sees it; a name
    or path the system cannot handle becomes its ``problem``."""
    relative, raw_name = shown_name(path[inside:].replace(os.sep, "/"))
    tender = relative.split("/")[0] if "/" in relative else ""
    problem = NAME_PROBLEM if raw_name else None
    try:
        size = os.lstat(path).st_size
    except OSError as error:
        size, problem = 0, problem or _entry_failure(error)
    return InputFile(path=Path(path), relative=relative, tender=tender, size=size, raw_name=raw_name,
                     problem=problem)


def shown_name(relative: str) -> tuple[str, str | None]:
    """A path as it can be shown and stored, and its raw bytes in hex when they are not valid UTF-8.

    A zip made on Windows and unpacked elsewhere leaves names in the old
    Windows code pages: each byte that is not UTF-8 is shown as ``\\xe9``,
    so that two such names stay distinct.
    """
    raw = os.fsencode(relative)
    try:
        raw.decode("utf-8")
        return relative, None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw.hex()


def _entry_failure(error: OSError) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return ("Chemin trop long pour le système : raccourcissez les noms de ce dossier ou de ce fichier, "
                "puis relancez. Non lu.")
    return f"Fichier inaccessible ({why(error)}) : non lu."


def _is_litter(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in LITTER

