"""The main job, as named steps: what ``egalite run`` and ``egalite check`` do.

check the output folder and lock it → check the history and back it up
(restoring it from its backup when damaged) → discover the inbox → start the workers on its files →
meanwhile read back the officer's corrections → read and validate each file in a worker (reusing
unchanged files) → cross-check the declared index → store → records.jsonl and CSV → workbooks
→ French summary. Each step is one call into the module that owns it.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import multiprocessing
import os
import re
import tempfile
import traceback
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterator

import click
from filelock import FileLock, Timeout

import allocator
import collector
from analyse import stamps
from analyse.backup import BACKUP_NAME, secure as secure_history
from analyse.corrections import Correction, FoundCorrections, read_choices, read_corrections
from analyse.edits import SNAPSHOT, changes, remember, workbook_cells
from analyse.export import columns, write_csv, write_jsonl
from analyse.report import for_terminal
from analyse.store import Made, Saved, Store, Unchanged
from analyse.validate import validate
from analyse.sheets import WorkbookLocked
from exit_codes import Exit, Interrupted, OutputError, UsageError, why
from extract.batch import (UNEXPECTED, InputFile, Outcome, discover, memory_limit_enforced, out_of_memory,
                           run_parallel, sha256_of, task_size)
from extract.safety import entry_problem
from extract.version import EXTRACTOR_VERSION
from questionnaire.definition import Form, forms_digest, in_order, merged
from questionnaire.record import SOURCE_OCR, Record

if TYPE_CHECKING:
    from analyse.excel import Book

STORE_NAME = "egalite.sqlite"
LOCK_NAME = ".egalite.lock"
CROPS = "zones"  # PNG crops of doubtful zones, for the review sheet
SAFE_NAME_LENGTH = 40  # characters of a consultation's or a file's name in its pictures' folder
TERRITORY_BOOK = "synthese-territoire.xlsx"
IN_FLIGHT = 2  # tasks (runs of tender workbooks) submitted per writing process, not yet collected
BATCH = 8  # tender workbooks at most in a task of a writing process
# Records at most (the latest versions of the history's files) for which the workbooks are written while
# this process holds the run's records for the exports, a lone tender's beside the territory's: each
# process writing a workbook holds its records, about 50 kB each (5,000 files in one tender: 846 MB in
# all side by side, 436 MB one after the other)
SIDE_BY_SIDE = 2000
RESERVED = {name.casefold() for name in (STORE_NAME, BACKUP_NAME, LOCK_NAME, CROPS, TERRITORY_BOOK,
                                         "records.jsonl", "records.csv")}


@dataclass(frozen=True)
class RunOptions:
    form: str  # the command line's form: first among the versions, and the keys of files none recognises
    workers: int | None = None
    timeout: float = 120.0
    egapro: Path | None = None
    publication: bool = False
    use_cache: bool = True
    progress: bool = True


# -- one file, in a worker ----------------------------------------------------

def process(item: InputFile, form: str, output: Path | None = None, *, stored: bool = False) -> dict | Made:
    """Read and validate one file (runs in a worker process) with the versions of the questionnaire,
    ``form`` first; a plain dict crosses back, or with ``stored`` the record :class:`Made`: its text as
    the store keeps it (:func:`analyse.store.record_text`) and its lines in the exports, strings that
    cross between processes in a fraction of a dict's time, which the run stores and exports as they are."""
    record = _read_guarded(item, in_order(form), output)
    record.sha256, record.size = item.sha256 or fingerprint(item, checked=not record.rejected), item.size
    record.findings = validate(record)
    _review_suspect_ocr(record, record.form)
    if output is not None and not record.rejected:
        _pictures(record, item, output)
    record = _crops_from_output(record, item)
    if not stored:
        return record.to_dict()
    return Made.of(record, columns(form))


def _pictures(record: Record, item: InputFile, output: Path) -> None:
    """The pictures of the fields to check that reading did not cut (text-layer and fillable pages)."""
    from extract.read import METHOD_XFA

    if record.method == METHOD_XFA or not record.unpictured():  # an XFA form's page shows no answer
        return
    # imported once a file needs pictures (a worker reading files without doubt never loads OpenCV), after
    # reading: loaded first under a worker's memory limit, they could crash it where the reader rejects
    # the file with « Mémoire insuffisante »
    from extract.crops import add_pictures

    add_pictures(record, item.path, output / _crops_folder(item), record.form)


def _review_suspect_ocr(record: Record, form: Form) -> None:
    """An OCR value that fails validation may be a misread (0 for O, a lost digit): a person checks it.

    A table total that does not add up may come from any cell of its row or column; details
    given without their tick (or the reverse), from the tick as much as from the details.
    """
    if not any(reading.source == SOURCE_OCR for reading in record.readings.values()):
        return  # nothing read by OCR (a fillable form, a text layer): no finding is worth tracing back
    keys = set(form.keys)
    flagged = {f.key for f in record.findings if f.severity in ("error", "warning") and f.key in keys}
    cells = [form.field(k) for k in flagged if form.field(k).table]
    flagged |= {f.key for f in form.fields for cell in cells
                if f.table == cell.table and (f.row == cell.row or (f.column and f.column == cell.column))}
    flagged |= {c.done_key for c in form.commitments if c.details_key in flagged}
    for key, reading in record.readings.items():
        if reading.source == SOURCE_OCR and key in flagged and not reading.doubt:
            reading.doubt = "Valeur lue par OCR qui ne passe pas la validation : vérifier la lecture."


def fingerprint(item: InputFile, *, checked: bool = False) -> str | None:
    """The file's SHA-256, computed in a worker under the run's limits (a file on a network
    drive that stops answering is stopped by ``--timeout``); None for an entry that must not
    be opened, checked first (a link out of the inbox, a FIFO): the reader says why in French.
    ``checked``: the reader has just found nothing wrong with the entry (it read the file), not asked again."""
    try:
        return None if not checked and entry_problem(item.path, _inbox_of(item)) else sha256_of(item.path)
    except OSError:  # unreadable: the reader says why in French (extract.safety.preflight)
        return None


def _inbox_of(item: InputFile) -> Path:
    return item.path.parents[len(Path(item.relative).parts) - 1]


def _read_guarded(item: InputFile, forms: list[Form], output: Path | None) -> Record:
    """A parser's unexpected exception on a hostile file rejects that file, not the batch."""
    from extract.read import read_file  # imported by the parent before the workers start (:func:`_records`)

    try:
        return read_file(item.path, item.relative, item.tender, forms=forms, inbox=_inbox_of(item),
                         scans=functools.partial(_scan_start, item, output))
    except (MemoryError, RecursionError):
        raise  # the worker says which limit was hit (extract.batch)
    except Exception as error:  # noqa: BLE001 - any parser failure on untrusted input
        if out_of_memory(error):  # a C++ library's bad_alloc under the worker's memory limit
            raise MemoryError(str(error)) from error
    return Record(file=item.relative, tender=item.tender, error=UNEXPECTED, error_class="rejected",
                  form_id=forms[0].id)


def _crops_from_output(record: Record, item: InputFile) -> Record:
    """Crop pictures are named within the file's crops folder; the record names them from the output
    (the folder's name made only for a record with pictures: most have none)."""
    cropped = [reading for reading in record.readings.values() if reading.crop]
    if cropped:
        folder = _crops_folder(item)
        for reading in cropped:
            reading.crop = (folder / reading.crop).as_posix()
    return record


def _crops_folder(item: InputFile) -> Path:
    """The file's zone pictures: ``zones/<consultation>/<name>-<digest>``, both names cut short and made
    of letters, digits, ``-``, ``_`` and ``.`` only (the bidder names the file), the digest of its path
    telling apart two files whose safe names are alike (« offre.pdf », « offre.PDF »)."""
    digest = hashlib.sha256(item.relative.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return Path(CROPS) / _safe_name(item.tender) / f"{_safe_name(Path(item.relative).stem)}-{digest}"


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("._")[:SAFE_NAME_LENGTH] or "_"


def _scan_start(item: InputFile, output: Path | None) -> tuple[Any, str | None]:
    """This worker's scan reader and why there is none, started when a file first needs it: a worker
    reading text-layer or fillable files never imports the scan reader nor starts Tesseract."""
    options = _scan_options(item, output)
    return options["scan_reader"], options["scan_unavailable"]


def _scan_options(item: InputFile, output: Path | None) -> dict:
    """The scan reader of this worker (one OCR engine per process), or why there is none."""
    from extract.ocr_engine import engine_status
    from extract.scan import OcrReader

    engine, reason = engine_status()
    if engine is None:
        return {"scan_reader": None, "scan_unavailable": reason}
    crops = output / _crops_folder(item) if output else None
    return {"scan_reader": OcrReader(engine, crops),
            "scan_unavailable": None}


# -- the batch -------------------------------------------------------------------

def run_batch(inbox: Path, output: Path, options: RunOptions) -> Exit:
    """Read every file of the inbox and write the outputs; the exit code says how it went.

    A failure that stops the run raises an :class:`exit_codes.EgaliteError`
    (a form definition with a mistake stops it before anything is read).
    """
    form = in_order(options.form)[0]
    _prepare_output(inbox, output)
    with _exclusive(output) as locked, collector.collecting_less():  # its workers and writers inherit it
        if not locked:
            raise OutputError(f"Une autre exécution d'egalite utilise déjà le dossier {output} : "
                              "attendez qu'elle se termine, puis relancez.")
        return _run_locked(inbox, output, options, form)


def _prepare_output(inbox: Path, output: Path) -> None:
    """The output folder exists, outside the inbox, and can be written."""
    if output.resolve().is_relative_to(inbox.resolve()):
        where = "est le" if output.resolve() == inbox.resolve() else "est dans le"
        raise UsageError(f"Le dossier des résultats {output} {where} dossier des offres {inbox} : les résultats "
                         "y seraient relus comme des offres. Choisissez un dossier de résultats en dehors, "
                         f"par exemple {inbox.parent / (inbox.name + '-resultats')}.")
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output} est un fichier, pas un dossier : donnez un dossier pour les résultats "
                          "(il est créé s'il n'existe pas).")
    try:
        output.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=output).close()
    except OSError as error:
        raise OutputError(f"Impossible d'écrire dans le dossier des résultats {output} ({why(error)}) : "
                          "choisissez un autre dossier, ou demandez les droits d'écriture.") from error


def _run_locked(inbox: Path, output: Path, options: RunOptions, form: Form) -> Exit:
    started = datetime.now().replace(microsecond=0)
    restored = secure_history(output / STORE_NAME)
    if restored:
        click.secho(for_terminal(restored), fg="yellow", err=True)
    store = Store(output / STORE_NAME, form)
    records: list[Record | Unchanged | Saved] = []
    digests: list[str] = []  # of the records as stored: what the exports are written from
    summary: dict | None = None
    try:
        files = discover(inbox, skip=[output])
        with closing(_first_pass(files, output, store, options, form)) as first:  # the workers start now
            found = _read_corrections(output, store, merged(in_order(form.id)))  # every version's columns
            waiting = _take_corrections(store, found.corrections, wait_for_unknown=True)
            _take_choices(output, store)
            index = _egapro_index(output, options)
            checks = _checks(index, form)
            run_id = store.start_run(inbox, started, checks)
            for record in _records(files, first, output, store, checks, options, form):
                if index is not None:
                    record = _cross_checked(record, index)
                digests.append(store.save(run_id, record, EXTRACTOR_VERSION))  # at once: an interrupted run loses nothing
                records.append(record.saved() if isinstance(record, Made) else record)
        _take_corrections(store, waiting)
        summary = _summary(records)
        outputs = _outputs(store, inbox, output, records, digests, started, options, index is not None,
                           found.unreadable)
        store.finish_run(run_id, summary)
    except KeyboardInterrupt:
        raise Interrupted(_interrupted(summary["files"] if summary else len(records), output)) from None
    finally:
        store.close()
    _print_summary(summary, outputs.written)
    if outputs.problems:
        raise OutputError("\n".join([*outputs.problems.values(), "Les autres résultats sont écrits."]))
    return Exit.OK


def _interrupted(read: int, output: Path) -> str:
    return (f"Arrêt demandé (Ctrl-C). Les {read} fichier(s) lu(s) avant l'arrêt sont gardés dans "
            f"l'historique ({output / STORE_NAME}) ; les classeurs et records.jsonl de l'exécution précédente "
            "restent tels quels. Relancez la même commande : elle reprend là où elle s'est arrêtée, "
            "sans relire les fichiers déjà lus.")


def _checks(index: Any, form: Form) -> str | None:
    """What validates this run's records (:meth:`analyse.store.Store.start_run`): the code of the
    validation and the questionnaire's definitions, when no Egapro export adds findings to them."""
    if index is not None:
        return None
    return hashlib.sha256(f"{stamps.layout_digest()}\0{forms_digest(in_order(form.id))}".encode()).hexdigest()


def _outputs(store: Store, inbox: Path, output: Path, records: list[Record | Unchanged | Saved], digests: list[str],
             started: datetime, options: RunOptions, checked: bool, damaged: dict[Path, str]) -> "Outputs":
    """Write every output that can be; what could not be written, with a French sentence for each.
    ``records`` (this run's) are emptied once exported.

    A damaged workbook is left as it is (the corrections typed in it could
    not be read): it is named, the others are written.
    """
    outputs = Outputs(problems=dict(damaged))

    def exports() -> None:
        _exports(outputs, store, output, records, digests, options)
        records.clear()  # the workbooks are written from the store: the run's records are not held longer
        allocator.give_back_freed()  # the pages freed texts left in the C heap, before the workbooks take their own

    _workbooks(outputs, store, inbox, output, started, options, checked, exports)
    return outputs


def _exports(outputs: Outputs, store: Store, output: Path, records: list[Record | Unchanged | Saved],
             digests: list[str], options: RunOptions) -> None:
    """records.jsonl and records.csv, by consultation and file; like the workbooks (:mod:`analyse.stamps`),
    not written again when what they show did not change: this run's records as stored (``digests``),
    the corrections, the form's columns."""
    inputs = stamps.inputs_digest(sorted(digests), store.corrections_digest(), options.form)
    paths = [path for path in (output / "records.jsonl", output / "records.csv")
             if _to_write(outputs, store, output, path, inputs)]
    if not paths:
        return  # no record parsed
    exported = [record.lines if isinstance(record, Saved) else record for record in
                sorted(_with_corrections(store, records), key=lambda record: (record.tender, record.file))]
    write = {"records.jsonl": lambda path: write_jsonl(exported, path),
             "records.csv": lambda path: write_csv(exported, path, in_order(options.form))}
    for path in paths:
        _attempt(outputs, store, output, path, inputs, write[path.name])


@dataclass
class Outputs:
    """The outputs written, and those that could not be, each with a French sentence."""

    written: list[Path] = field(default_factory=list)
    problems: dict[Path, str] = field(default_factory=dict)

    def attempt(self, path: Path, write: Callable[[Path], object]) -> None:
        """Write one output unless it is a damaged one; a failure is noted, and the run goes on."""
        if path in self.problems:
            return
        try:
            write(path)
            self.written.append(path)
        except WorkbookLocked as error:
            self.problems[path] = str(error)
        except OSError as error:
            self.problems[path] = f"{path} n'a pas pu être écrit ({why(error)})."


def _with_corrections(store: Store, records: list[Record | Unchanged | Saved]) -> list[Record | Saved]:
    """This run's records as the store gives them back: the officer's corrections applied (a record
    :class:`Saved` from a worker's that no correction names, as it came)."""
    return store.corrected_records(records)


def _read_corrections(output: Path, store: Store, form: Form) -> FoundCorrections:
    """Corrections typed in the previous workbooks, read before the workbooks are rewritten;
    the changes made to them that are not read back are said."""
    untouched = functools.partial(stamps.as_written, store, output)
    notices = changes(output, form, untouched)
    found = read_corrections(output, form, untouched)
    if notices or found.notices:
        click.secho("Modifications des classeurs qui ne sont pas relues :", fg="yellow")
    for notice in notices + found.notices:
        click.secho(for_terminal(f"  {notice}"), fg="yellow")
    return found


def _take_corrections(store: Store, corrections: list[Correction], *, wait_for_unknown: bool = False
                      ) -> list[Correction]:
    """Store the corrections; with ``wait_for_unknown``, return those of files the history does not know.

    Those files may be unknown because the history was restored from a
    backup taken before they were first read: their corrections are taken
    once this run has read them again.
    """
    files = {(c.tender, c.file) for c in corrections} if wait_for_unknown else set()
    unknown = {file for file in files if not store.knows(*file)}
    reports = store.add_corrections([c for c in corrections if (c.tender, c.file) not in unknown])
    accepted = [r for r in reports if r.accepted]
    if reports:
        click.echo(f"Corrections relues dans les classeurs : {len(accepted)} acceptée(s), "
                   f"{len(reports) - len(accepted)} refusée(s).")
    for report in reports:
        click.secho(for_terminal(f"  {report.message}"), fg=None if report.accepted else "yellow")
    return [c for c in corrections if (c.tender, c.file) in unknown]


def _take_choices(output: Path, store: Store) -> None:
    """The answers the officer retained in « Réponses multiples », stored before the workbooks are rewritten."""
    for choice in read_choices(output, functools.partial(stamps.as_written, store, output)):
        where = f"{choice.name} (consultation {choice.tender})"
        if len(choice.files) == 1:
            store.choose(choice.tender, choice.structure, choice.files[0])
            click.echo(for_terminal(f"Réponse retenue pour {where} : {choice.files[0]}."))
        else:
            click.secho(for_terminal(f"Choix de la réponse retenue ignoré pour {where} : {len(choice.files)} "
                                     "réponse(s) marquée(s) « Oui » ; marquez-en une seule, puis relancez."),
                        fg="yellow")


@dataclass(frozen=True)
class _FirstPass:
    """The workers' first pass over the run's files (:func:`_first_pass`): their hashes, or their records."""

    outcomes: Generator[Outcome, None, None]
    hashes: bool

    def close(self) -> None:
        """Stop the workers, when the run stops before taking every outcome."""
        self.outcomes.close()


def _first_pass(files: list[InputFile], output: Path, store: Store, options: RunOptions, form: Form) -> _FirstPass:
    """The workers started on the files at once, while this process reads the corrections and
    prepares the run: computing their hashes, to find the unchanged ones in the store, when the store
    may hold some of them (:func:`_records` has the others read after); reading them otherwise.

    Without any cached record (a first run into a new output folder), no file can be found in the
    cache: its hash is computed by the worker that reads it (:func:`process`), in the same task.
    """
    named = [item for item in files if not item.problem]
    if options.use_cache and store.holds(EXTRACTOR_VERSION):
        return _FirstPass(run_parallel(named, fingerprint, workers=options.workers, timeout=options.timeout,
                                       progress=False), hashes=True)
    return _FirstPass(_read(named, output, options, form), hashes=False)


def _records(files: list[InputFile], first: _FirstPass, output: Path, store: Store, checks: str | None,
             options: RunOptions, form: Form) -> Iterator[Record | Unchanged | Made]:
    """Records for every file: unchanged files from the store, the others read in workers
    (:class:`Made`, not parsed, unless a worker could not give one). ``first``: the workers' first
    pass over the files (:func:`_first_pass`).

    Unchanged files are known by their content's hash, itself computed in
    workers under the same limits as reading (:func:`fingerprint`). One stored
    at the same place by a run of the same ``checks`` is not even parsed (:class:`Unchanged`).
    """
    for item in files:
        if item.problem:
            yield Record(file=item.relative, tender=item.tender, error=item.problem, error_class="rejected",
                         size=item.size, file_bytes=item.raw_name, form_id=form.id)
    if not first.hashes:
        yield from _read_records(first.outcomes, form)
        return
    todo = []
    forms = in_order(form.id)
    for outcome in first.outcomes:
        item, digest = outcome.item, outcome.result
        if outcome.failure:
            yield _failed(item, outcome.failure, form)
            continue
        cached = store.cached(digest, EXTRACTOR_VERSION, (item.tender, item.relative), checks) if digest else None
        if isinstance(cached, Unchanged):
            yield cached
        elif cached is not None and _fresh(cached, forms):
            cached.file, cached.tender, cached.published_index = item.relative, item.tender, None
            cached.findings = validate(cached)
            yield cached
        else:
            todo.append(replace(item, sha256=digest))
    yield from _read_records(_read(todo, output, options, form), form)


def _read(todo: list[InputFile], output: Path, options: RunOptions, form: Form) -> Generator[Outcome, None, None]:
    """The workers started reading ``todo``."""
    if todo:  # the reader, imported here only when a file is to be read; the workers inherit it. Its
        # page reader (PDFium, numpy), which our own fillable form never needs, is imported
        # by each worker when a file first needs it (extract.read._pages_reader)
        import extract.read  # noqa: F401
    work = functools.partial(process, form=form.id, output=output.absolute(), stored=True)
    _say_unlimited_memory(todo)
    return run_parallel(todo, work, workers=options.workers, timeout=options.timeout, progress=options.progress)


def _read_records(outcomes: Iterator[Outcome], form: Form) -> Iterator[Record | Made]:
    for count, outcome in enumerate(outcomes):
        if not count:
            _import_writers()  # while the workers read, not between the reading and the workbooks
        yield _record_of(outcome, form)


def _fresh(cached: Record, forms: list[Form]) -> bool:
    """Whether a cached record was read with the definitions as they are: the form it answers
    unchanged, or, for a file no form recognised, every form unchanged."""
    return cached.form_digest == forms_digest(forms) or any(
        f.id == cached.form_id and f.digest == cached.form_digest for f in forms)


def _record_of(outcome: Outcome, form: Form) -> Record | Made:
    """The record a worker gave (its dict, or :class:`Made`: :func:`process`), or the file rejected
    with why the worker could not give one."""
    if isinstance(outcome.result, Made):
        return outcome.result
    if outcome.result is not None:
        return Record.from_dict(outcome.result)
    return _failed(outcome.item, outcome.failure, form)


def _failed(item: InputFile, failure: str | None, form: Form) -> Record:
    return Record(file=item.relative, tender=item.tender, error=failure, error_class="rejected", size=item.size,
                  form_id=form.id)


def _say_unlimited_memory(todo: list[InputFile]) -> None:
    """Where the system cannot limit a worker's memory, the officer is told (the time limit still holds)."""
    if todo and not memory_limit_enforced():
        click.secho("Sur ce système, la mémoire utilisée pour lire chaque fichier ne peut pas être limitée : "
                    "un fichier très lourd peut ralentir l'ordinateur le temps de sa lecture "
                    "(la limite de temps par fichier s'applique).", fg="yellow", err=True)


def _egapro_index(output: Path, options: RunOptions):
    """The ministry's public export, given or remembered; None when there is none or it is unreadable."""
    from analyse import egapro

    path = options.egapro or egapro.remembered(output)
    if path is None:
        return None
    try:
        index = egapro.EgaproIndex.load(path)
    except egapro.EgaproError as error:
        click.secho(for_terminal(str(error)), fg="red", err=True)
        return None
    if options.egapro:
        egapro.remember(options.egapro, output)
    return index


def _cross_checked(record: Record | Made, index) -> Record:
    """The declared index against the published one (findings and the workbooks' column): the record
    parsed when a worker made it, stored as it then is."""
    from analyse import egapro

    record = record.record() if isinstance(record, Made) else record
    year = egapro.tender_year(record, datetime.now().year)
    record.findings.extend(egapro.cross_check(record, index, year))
    published = egapro.published_score(record, index, year)
    record.published_index = {"score": published[0], "year": published[1]} if published else None
    return record


def _workbooks(outputs: Outputs, store: Store, inbox: Path, output: Path, started: datetime, options: RunOptions,
               checked: bool, exports: Callable[[], None]) -> None:
    """One workbook per tender and one for the territory, all from the store, and ``exports``
    (which lets go of the run's records) done by this process meanwhile.

    A workbook whose records and options did not change since a run wrote it
    is left as it is (:mod:`analyse.stamps`); the others are written in
    parallel processes (a few milliseconds a file, one core each). Past
    :data:`SIDE_BY_SIDE` records, memory comes first: the exports are done
    before the writers start, and a lone tender's workbook is written in this
    process before the territory's, so that no record is held by two processes;
    where writers are not forked, a lone tender's is written here too.
    """
    publication = options.publication
    shown = store.digests()
    jobs = [(tender, tender_book(output, tender),
             stamps.inputs_digest(content.digest, tender, publication, checked, str(inbox.absolute())))  # links
            for tender, content in shown.items()]
    jobs = [(tender, path, inputs) for tender, path, inputs in jobs if _to_write(outputs, store, output, path, inputs)]
    territory = output / TERRITORY_BOOK
    territory_inputs = stamps.inputs_digest([content.digest for content in shown.values()], publication, checked)
    if not _to_write(outputs, store, output, territory, territory_inputs):
        territory = None
    light = sum(content.files for content in shown.values()) <= SIDE_BY_SIDE
    exports_first = not light or (territory is None and not jobs)
    if exports_first:  # before any writer starts: the run's records are let go of
        exports()
    if territory is None and not jobs:
        return  # the workbook writers are not even imported
    _import_writers()

    noted_form = merged(in_order(store.form.id))
    write = functools.partial(_write_and_note, functools.partial(
        _tender_workbook, history=store.path, run_date=started.date(), publication=publication,
        egapro_checked=checked, choices=store.choices(), inbox=inbox, form=store.form), form=noted_form)
    noted: dict[Path, dict] = {}
    written: list[Path] = []

    def collect(books: list[tuple[Path, str]], future: Future) -> None:
        for (path, inputs), result in zip(books, future.result()):
            if _attempt(outputs, store, output, path, inputs,
                        lambda path, result=result: noted.setdefault(path, _given(result))):
                written.append(path)

    store.commit()  # the writers read the records from the store, as committed
    workers = options.workers or os.cpu_count() or 1
    # The territory in a writer beside the tenders' when memory allows; beside a lone tender's only where
    # writers are forked (two started afresh cost more than both workbooks of a small tender)
    beside = territory is not None and light and (len(jobs) != 1 or _writers_fork())
    with _writers(len(jobs) + beside, workers) as pool:
        # The territory first, in a writer of its own (it reads every record), while the others write
        # the tenders, each reading its own tender's records, and this process does the exports. A few
        # runs of tenders in flight at a time: the cells noted from their workbooks are collected as they
        # come. With one writer, everything is written here, one after the other.
        whole = None if territory is None else pool.submit(_write_each, functools.partial(
            _write_and_note, functools.partial(
                _territory_workbook, history=store.path, form=store.form, run_date=started.date(),
                publication=publication, egapro_checked=checked), form=noted_form), [(territory,)])
        window: deque[tuple[list[tuple[Path, str]], Future]] = deque()

        def submit(batch: list[tuple[str, Path, str]]) -> None:
            window.append(([(path, inputs) for _, path, inputs in batch],
                           pool.submit(_write_each, write, [(path, tender, path) for tender, path, _ in batch])))

        batches = _batches(jobs, workers)
        for batch in itertools.islice(batches, IN_FLIGHT * workers):
            submit(batch)
        if not exports_first:
            exports()
        for batch in batches:
            submit(batch)
            collect(*window.popleft())
        while window:
            collect(*window.popleft())
        if territory is not None and whole is not None:
            collect([(territory, territory_inputs)], whole)
    _remember(outputs, output, written, noted_form, noted)


def _import_writers() -> None:
    """The workbook writers' modules, imported by this process before the writers fork from it:
    they inherit them (about 45 ms of imports)."""
    import xlsxwriter  # noqa: F401
    import analyse.workbook_territory  # noqa: F401 - and analyse.workbook_tender


def _writers_fork() -> bool:
    """Whether the writing processes are forked from this one (Linux): a process started afresh
    (Windows, macOS) imports everything again, about 0.2 s for two writers."""
    return multiprocessing.get_start_method() == "fork"


def _batches(jobs: list[tuple[str, Path, str]], workers: int) -> Iterator[list[tuple[str, Path, str]]]:
    """The tenders' workbooks in runs, a task of a writing process each: one task a workbook cost the
    run's process and the writers about 2 ms a workbook besides writing it."""
    size = task_size(len(jobs), workers, BATCH)
    for start in range(0, len(jobs), size):
        yield jobs[start:start + size]


def _write_each(write: Callable[..., dict], jobs: list[tuple[Any, ...]]) -> list[dict | Exception]:
    """``write(*job)`` for each of ``jobs``: what it gave, or the error it raised (raised again by
    :func:`_given` when its workbook is collected: the others of the run are written all the same),
    with the traceback where it was raised as a note (a writing process's is not sent back otherwise)."""
    done: list[dict | Exception] = []
    for job in jobs:
        try:
            done.append(write(*job))
        except Exception as error:  # noqa: BLE001 - raised by _given, for its own workbook
            error.add_note("".join(traceback.format_exception(error)))
            done.append(error)
    return done


def _given(result: dict | Exception) -> dict:
    if isinstance(result, Exception):
        raise result
    return result


def _tender_workbook(tender: str, path: Path, *, history: Path, form: Form, **options: Any) -> Book:
    """A tender's workbook, not yet saved, from its records as the process writing it reads them from
    the store ``history`` (the run's process neither parses them nor sends them over)."""
    from analyse.workbook_tender import tender_workbook

    return tender_workbook(_reader(history, form).latest(tender), tender, path, form=form, **options)


def _territory_workbook(*, history: Path, form: Form, run_date: date, **options: Any) -> Book:
    """The territory's workbook, not yet saved, from every record as the process writing it reads them."""
    from analyse.workbook_territory import territory_workbook

    return territory_workbook(_reader(history, form), run_date, **options)


_READERS: dict[tuple[int, Path, str], Store] = {}  # the store as each process writing workbooks reads it


def _reader(history: Path, form: Form) -> Store:
    """The store ``history``, read-only, opened once by a process for all the workbooks it writes:
    a connection opened per workbook cost as much again as reading a tender's records."""
    key = (os.getpid(), history, form.id)  # a process forked from this one opens its own
    store = _READERS.get(key)
    if store is None:
        store = _READERS[key] = Store(history, form, read_only=True)
    return store


def _close_readers() -> None:
    """Close the stores this process opened to write workbooks (a process of a pool closes its own as it ends)."""
    while _READERS:
        _READERS.popitem()[1].close()


def _write_and_note(build: Callable[..., Book], path: Path, *args: Any, form: Form) -> dict:
    """Build a workbook from ``args`` and save it as ``path``; its cells not read back
    (:func:`analyse.edits.workbook_cells`), taken from the workbook in memory. The garbage collector
    waits until it is written: a workbook's cells and XML live until then (a tenth of a tender
    workbook's CPU time, a fifth for one of 1,000 records)."""
    from analyse.excel import save_atomically

    with collector.paused():
        workbook = build(*args)
        save_atomically(workbook, path)
        noted = workbook_cells(workbook, form)
        del workbook  # freed by reference counting, before the collector resumes and would scan its cells
    return noted


def _to_write(outputs: Outputs, store: Store, output: Path, path: Path, inputs: str) -> bool:
    """Whether ``path`` must be written: not a damaged workbook, nor already the one ``inputs`` give."""
    if path in outputs.problems:
        return False
    if stamps.up_to_date(store, output, path, inputs):
        outputs.written.append(path)
        return False
    return True


def _attempt(outputs: Outputs, store: Store, output: Path, path: Path, inputs: str,
             write: Callable[[Path], object]) -> bool:
    """Write one workbook (failures noted by ``outputs``) and remember what it was written from."""
    outputs.attempt(path, write)
    if path in outputs.written:
        stamps.stamp(store, output, path, inputs)
        return True
    return False


def _remember(outputs: Outputs, output: Path, books: list[Path], form: Form, noted: dict[Path, dict]) -> None:
    """Note the cells of the workbooks written that are not read back (:mod:`analyse.edits`), all at once."""
    if not books:
        return
    try:
        remember(output, books, form, noted)
    except OSError as error:
        outputs.problems[output / SNAPSHOT] = (
            f"{output / SNAPSHOT} n'a pas pu être écrit ({why(error)}) : une modification faite hors des "
            "cellules relues ne pourra pas être signalée à la prochaine exécution.")


@contextmanager
def _writers(jobs: int, workers: int) -> Iterator[Executor]:
    """Processes to write workbooks in, or the calling process when there is one workbook or one worker."""
    workers = min(jobs, workers)
    if workers < 2:
        try:
            yield _Here()
        finally:
            _close_readers()
        return
    gc.freeze()  # the writers fork from this process: its objects stay shared, their collector does not copy them
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield pool
    finally:
        gc.unfreeze()


class _Here(Executor):
    """Runs each task at once, in the calling process."""

    def submit(self, function: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except Exception as error:  # noqa: BLE001 - given back by future.result(), as a process pool does
            future.set_exception(error)
        return future


def tender_book(output: Path, tender: str) -> Path:
    """The tender's workbook: ``<output>/<tender>/synthese-<tender>.xlsx``.

    A tender folder named like one of the run's own outputs gets a prefix,
    and a long name is cut so that the workbook's name stays within the
    system's limit (255 bytes).
    """
    name = tender or "sans-consultation"
    if name.casefold() in RESERVED:
        name = f"consultation {name}"
    while len(f"synthese-{name}.xlsx".encode()) > 255:
        name = name[:-1]
    return output / name / f"synthese-{name}.xlsx"


def _summary(records: list[Record | Unchanged | Saved]) -> dict:
    counts = {"ok": 0, "review": 0, "rejected": 0}
    for record in records:
        counts[record.status] += 1
    return {"files": len(records), **counts}


def _print_summary(summary: dict, written: list[Path]) -> None:
    click.echo("")
    click.secho(f"{summary['files']} fichier(s) lu(s) : {summary['ok']} OK, "
                f"{summary['review']} à vérifier, {summary['rejected']} rejeté(s).", bold=True)
    for path in sorted(written, key=lambda path: path.suffix == ".xlsx"):  # the exports, then the workbooks
        click.echo(for_terminal(f"{'Classeur' if path.suffix == '.xlsx' else 'Résultats'} : {path}"))


@contextmanager
def _exclusive(output: Path) -> Iterator[bool]:
    """Hold the output folder for this run; False when another run holds it (Windows and Linux alike)."""
    lock = FileLock(output / LOCK_NAME)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


# -- one file, now ----------------------------------------------------------------

def check_file(path: Path, form: str, timeout: float = RunOptions.timeout) -> Exit:
    """Show one file's fields, doubts and findings in the terminal, in French.

    The file is read in a worker, under the same time and memory limits as
    ``egalite run``; what is shown holds no control character (:func:`for_terminal`).
    """
    from analyse.report import describe

    first = in_order(form)[0]
    item = InputFile(path.absolute(), path.name, path.parent.name, path.stat().st_size)
    _say_unlimited_memory([item])
    [outcome] = run_parallel([item], functools.partial(process, form=form), workers=1, timeout=timeout,
                             progress=False)
    record = _record_of(outcome, first)
    click.echo(describe(record, record.form))
    return Exit.OK


def debug_file(path: Path, output: Path, form: str) -> list[Path]:
    """``egalite debug``: one PNG per questionnaire page, with what the reader saw on it."""
    from extract.debug import what_was_seen, write_pictures
    from exit_codes import InputError

    if output.resolve() == path.resolve().parent:
        raise UsageError(f"Les images ne s'écrivent pas dans le dossier du fichier lu ({output}) : "
                         "choisissez un autre dossier avec --output.")
    item = InputFile(path.absolute(), path.name, path.parent.name, path.stat().st_size)
    seen = what_was_seen(item.path, in_order(form), **_scan_options(item, None))
    if not seen.pages:
        raise InputError(f"{path} n'a pas pu être lu : {seen.record.error}")
    if seen.record.rejected:
        click.secho(for_terminal(f"Ce fichier n'a pas été reconnu comme le questionnaire : {seen.record.error} "
                                 f"Ses {len(seen.pages)} premières pages sont dessinées."), fg="yellow", err=True)
    try:
        return write_pictures(item.path, seen, output)
    except OSError as error:
        raise OutputError(f"Impossible d'écrire les images dans {output} ({why(error)}).") from None
