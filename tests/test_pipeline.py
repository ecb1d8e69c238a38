"""`egalite run` and `egalite check` end to end, as an officer runs them."""
from __future__ import annotations

import json
import multiprocessing
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

import pipeline
from cli import main
from exit_codes import Exit
from tests.support_egapro import PublicRow, write_csv

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "samples" / "inbox"
PICKED = ["VM-2026-014/Questionnaire egalite Lefebvre.pdf",  # annotations
          "CHV-2026-007/Egalite FH - Nordpaysage.pdf",  # declares 297 employees and 85
          "CHV-2026-007/Devis Blanchisserie Industrielle du Nord.pdf"]  # not a questionnaire
FILLABLE = INBOX / "VM-2026-014" / "Questionnaire égalité - SARL Jardins du Hainaut.pdf"  # our own form
TEXT_LAYER = INBOX / "VM-2026-014" / "QUESTIONNAIRE EGALITE - NORDPAYSAGE.pdf"
PAGE_READER = ("numpy", "pdfplumber", "pypdfium2", "cv2")  # the page reader's libraries


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "boîte de réception"
    for relative in PICKED:
        target = inbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(INBOX / relative, target)
    (inbox / "VM-2026-014" / "notes de l'acheteur.docx").write_bytes(b"PK\x03\x04 not really a docx")
    return inbox


def _run(*args: str):
    return CliRunner().invoke(main, ["run", *map(str, args), "--workers", "1"], catch_exceptions=False)


def _lines(output: Path) -> dict[str, dict]:
    text = (output / "records.jsonl").read_text(encoding="utf-8")
    return {line["file"]: line for line in map(json.loads, text.splitlines())}


def test_run_accounts_for_every_file_and_writes_every_output(tmp_path: Path) -> None:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    result = _run(inbox, "--output", output)
    assert result.exit_code == Exit.OK, result.output
    lines = _lines(output)
    assert set(lines) == {p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file()}
    assert lines["VM-2026-014/notes de l'acheteur.docx"]["status"] == "rejected"
    assert lines["CHV-2026-007/Devis Blanchisserie Industrielle du Nord.pdf"]["status"] == "rejected"
    assert lines["VM-2026-014/Questionnaire egalite Lefebvre.pdf"]["fields"]["siret"] == "47200993500033"
    assert all(line["tender"] == line["file"].split("/")[0] for line in lines.values())
    csv_rows = (output / "records.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_rows) == len(lines) + 1
    for book in ("VM-2026-014/synthese-VM-2026-014.xlsx", "CHV-2026-007/synthese-CHV-2026-007.xlsx",
                 "synthese-territoire.xlsx"):
        assert (output / book).stat().st_size > 0
    assert "4 fichier(s) lu(s)" in result.output


def test_the_workbooks_written_in_one_process_read_the_store_through_one_connection(
        tmp_path: Path, monkeypatch) -> None:
    """Two tenders and the territory written by the run's own process (one worker): the store is opened
    read-only once for the three, and closed once they are written."""
    opened = []

    class Spied(pipeline.Store):
        def __init__(self, *args, read_only: bool = False, **kwargs) -> None:
            super().__init__(*args, read_only=read_only, **kwargs)
            if read_only:
                opened.append(self)

    monkeypatch.setattr(pipeline, "Store", Spied)
    output = tmp_path / "sortie"
    assert _run(_inbox(tmp_path), "--output", output).exit_code == Exit.OK
    assert len(list(output.rglob("*.xlsx"))) == 3
    assert len(opened) == 1 and not pipeline._READERS
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        opened[0].db.execute("SELECT 1")


def _one_tender(tmp_path: Path) -> Path:
    inbox = tmp_path / "une consultation"
    (inbox / "AO-1").mkdir(parents=True)
    for name in ("a.pdf", "b.pdf"):
        shutil.copy(FILLABLE, inbox / "AO-1" / name)
    return inbox


@pytest.mark.parametrize("side_by_side, forked, expected", [
    (2000, True, [("writers", 2), "exports", "writers done"]),  # few records: all at once
    (1, True, ["exports", ("writers", 1), "writers done"]),  # past SIDE_BY_SIDE: memory first
    (2000, False, [("writers", 1), "exports", "writers done"]),  # writers started afresh: not for two
])
def test_with_few_records_a_lone_tender_is_written_beside_the_territory_and_the_exports_meanwhile(
        tmp_path: Path, monkeypatch, side_by_side: int, forked: bool, expected: list) -> None:
    """Two workbooks to write (one tender, the territory) and two workers: with few records, two writers
    write them while the run's process writes the exports; past SIDE_BY_SIDE records, the exports first
    (the run lets go of its records), then both workbooks in the run's process, one after the other;
    where a writer would be started afresh (Windows), both are written in the run's process."""
    events: list = []
    writers, exports = pipeline._writers, pipeline._exports

    @contextmanager
    def spied_writers(jobs: int, workers: int):
        events.append(("writers", jobs))
        with writers(jobs, workers) as pool:
            yield pool
        events.append("writers done")

    def spied_exports(*args) -> None:
        events.append("exports")
        exports(*args)

    monkeypatch.setattr(pipeline, "_writers", spied_writers)
    monkeypatch.setattr(pipeline, "_exports", spied_exports)
    monkeypatch.setattr(pipeline, "SIDE_BY_SIDE", side_by_side)
    monkeypatch.setattr(pipeline, "_writers_fork", lambda: forked)
    output = tmp_path / "sortie"
    result = CliRunner().invoke(main, ["run", str(_one_tender(tmp_path)), "--output", str(output), "--workers", "2"],
                                catch_exceptions=False)
    assert result.exit_code == Exit.OK, result.output
    assert events == expected
    assert len(_lines(output)) == 2 and (output / "synthese-territoire.xlsx").is_file()
    assert (output / "AO-1" / "synthese-AO-1.xlsx").is_file()
    said = [line.split(" : ")[0] for line in result.output.splitlines() if " : " in line]
    assert said[-4:] == ["Résultats", "Résultats", "Classeur", "Classeur"]  # the exports said first


def test_the_writers_modules_are_imported_while_the_workers_read(tmp_path: Path, monkeypatch) -> None:
    """Once the first file is read, not between the last one and the workbooks: the run's process has
    time while the workers read, and the writers fork from it with the modules imported."""
    events: list[str] = []
    reading, importing = pipeline.run_parallel, pipeline._import_writers

    def spied_reading(*args, **kwargs):
        for outcome in reading(*args, **kwargs):
            events.append("read")
            yield outcome

    monkeypatch.setattr(pipeline, "run_parallel", spied_reading)
    monkeypatch.setattr(pipeline, "_import_writers", lambda: (events.append("import"), importing()))
    assert _run(_one_tender(tmp_path), "--output", tmp_path / "sortie").exit_code == Exit.OK
    assert events == ["read", "import", "read", "import"]  # the second import, before the writers: nothing to do


def test_tender_workbooks_are_written_in_runs_every_writer_gets_several_of() -> None:
    """A task of a writing process writes up to ``BATCH`` tender workbooks (a task costs about as much
    as a small workbook), fewer when they are few: every writer gets several runs to share out."""
    jobs = [(f"T-{i}", Path(f"T-{i}.xlsx"), "empreinte") for i in range(100)]
    runs = list(pipeline._batches(jobs, 2))
    assert [job for run in runs for job in run] == jobs
    assert [len(run) for run in runs] == [pipeline.BATCH] * 12 + [4]
    assert [len(run) for run in pipeline._batches(jobs[:10], 2)] == [1] * 10


def test_a_workbook_failing_leaves_the_others_of_its_run_written() -> None:
    """Its error is given back in its place, and raised when that workbook is collected (named as not
    written, or the run stopped, as when each workbook was a task of its own)."""
    def write(name: str) -> dict:
        if name == "b":
            raise PermissionError(13, "Permission denied")
        return {name: {}}

    first, failed, last = pipeline._write_each(write, [("a",), ("b",), ("c",)])
    assert pipeline._given(first) == {"a": {}} and pipeline._given(last) == {"c": {}}
    with pytest.raises(PermissionError) as raised:
        pipeline._given(failed)
    assert "in write" in raised.value.__notes__[0]  # where it was raised, though sent from another process


def test_rerun_gives_the_same_records_without_reading_again(tmp_path: Path, monkeypatch) -> None:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    _run(inbox, "--output", output)
    first = _lines(output)
    import extract.read

    monkeypatch.setattr(extract.read, "read_file", _read_again)  # workers are forked: they inherit it
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    assert _lines(output) == first


def test_a_first_run_hashes_each_file_in_the_worker_that_reads_it(tmp_path: Path, monkeypatch) -> None:
    """Into a new output folder no file can be in the cache: no pass of its own hashes the files
    before reading; the next run finds every file by the hash its reader stored."""
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    run_parallel, passes = pipeline.run_parallel, []

    def counted(items, work, *args, **kwargs):
        passes.append(work)
        return run_parallel(items, work, *args, **kwargs)
    monkeypatch.setattr(pipeline, "run_parallel", counted)
    _run(inbox, "--output", output)
    assert passes and pipeline.fingerprint not in passes
    first = _lines(output)
    import extract.read

    monkeypatch.setattr(extract.read, "read_file", _read_again)
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    assert pipeline.fingerprint in passes and _lines(output) == first


def test_the_run_stores_and_exports_what_its_workers_made_without_parsing_it(tmp_path: Path, monkeypatch) -> None:
    """A worker gives the record's text as the store keeps it and its lines in the exports: the run
    stores and writes them as they are, without parsing the record (only a record no worker read, or
    one a correction or an Egapro export changes, is parsed)."""
    import analyse.store

    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    monkeypatch.setattr(analyse.store.Made, "record", _parsed)
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    monkeypatch.undo()
    item = next(i for i in pipeline.discover(inbox) if i.relative == PICKED[0])
    made = pipeline.process(item, "egalite-2024", output.absolute(), stored=True)
    with sqlite3.connect(output / pipeline.STORE_NAME) as db:
        [(stored,)] = db.execute("SELECT record FROM versions WHERE file = ?", (PICKED[0],)).fetchall()
    assert stored == made.text
    assert json.loads(stored) == pipeline.process(item, "egalite-2024", output.absolute())
    assert made.lines.jsonl in (output / "records.jsonl").read_text(encoding="utf-8")
    assert made.lines.csv in (output / "records.csv").read_bytes().decode("utf-8-sig")


def test_the_run_holds_what_it_saved_without_the_records_texts(tmp_path: Path, monkeypatch) -> None:
    """Once a worker's record is stored, the run holds its place, status and export lines until the
    exports, not its text (memory: 17 kB a record, 85 MB at 5,000 files)."""
    from analyse.store import Saved

    held = []
    exports = pipeline._exports
    monkeypatch.setattr(pipeline, "_exports", lambda outputs, store, output, records, *rest: (
        held.extend(records), exports(outputs, store, output, records, *rest)))
    assert _run(_inbox(tmp_path), "--output", tmp_path / "sortie").exit_code == Exit.OK
    assert held and all(isinstance(record, Saved) and not hasattr(record, "text") for record in held)


def _parsed(made):
    raise AssertionError("the run parsed the text of a record a worker read")


def test_a_records_pictures_are_named_from_the_output_and_its_other_readings_left_alone(tmp_path: Path,
                                                                                       monkeypatch) -> None:
    """The crops folder, named from the file's consultation, name and path, prefixes each picture; a record
    without pictures never has the folder's name made."""
    from questionnaire.record import Reading, Record

    item = pipeline.InputFile(tmp_path / "AO 1" / "offre.pdf", "AO 1/offre.pdf", "AO 1", 10)
    record = Record(file=item.relative, tender=item.tender,
                    readings={"siret": Reading("siret", crop="page001-siret.png"), "email": Reading("email")})
    folder = pipeline._crops_folder(item).as_posix()
    assert folder.startswith("zones/AO_1/offre-")
    pipeline._crops_from_output(record, item)
    assert record.readings["siret"].crop == f"{folder}/page001-siret.png"
    assert record.readings["email"].crop is None
    monkeypatch.setattr(pipeline, "_crops_folder", _folder_named)
    record.readings["siret"].crop = None
    assert pipeline._crops_from_output(record, item).readings["siret"].crop is None


def test_a_file_the_reader_read_is_hashed_without_checking_its_entry_again(tmp_path: Path, monkeypatch) -> None:
    """The reader checked the entry before opening it (extract.safety.preflight); a file it rejected has
    its entry checked before it is hashed: a link out of the inbox is never opened."""
    import hashlib

    inbox = tmp_path / "boîte"
    (inbox / "AO-1").mkdir(parents=True)
    shutil.copy(FILLABLE, inbox / "AO-1" / "questionnaire.pdf")
    (inbox / "AO-1" / "lien.pdf").symlink_to(FILLABLE)
    items = {item.relative: item for item in pipeline.discover(inbox)}
    link = pipeline.process(items["AO-1/lien.pdf"], "egalite-2024")
    assert link["error"] and link["sha256"] is None
    monkeypatch.setattr(pipeline, "entry_problem", _entry_checked)
    read = pipeline.process(items["AO-1/questionnaire.pdf"], "egalite-2024")
    assert read["error"] is None and read["sha256"] == hashlib.sha256(FILLABLE.read_bytes()).hexdigest()


def _entry_checked(path, inbox):
    raise AssertionError("the entry of a file the reader read was checked again")


def _folder_named(item):
    raise AssertionError("the crops folder of a record without pictures was named")


def _read_again(*args, **kwargs):
    raise AssertionError("an unchanged file was read again")


def test_a_batch_of_our_fillable_forms_never_imports_the_page_reader(tmp_path: Path) -> None:
    """Reading our own fillable form needs none of the page reader's libraries, nor do the store,
    exports and workbooks of its records: a run of such files, in an interpreter where importing
    any of them fails (its workers, forked, inherit that), reads every file and writes every
    workbook. A text-layer file in the same run needs them: it is rejected there."""
    inbox = tmp_path / "offres"
    for tender in ("AO-1", "AO-2"):
        (inbox / tender).mkdir(parents=True)
        for number in range(3):
            shutil.copy(FILLABLE, inbox / tender / f"offre {number}.pdf")
    done = _run_without_page_reader(inbox, tmp_path / "sortie")
    assert done.returncode == Exit.OK, done.stderr
    lines = _lines(tmp_path / "sortie")
    assert len(lines) == 6 and {line["status"] for line in lines.values()} == {"ok"}
    assert all((tmp_path / "sortie" / book).is_file() for book in
               ("AO-1/synthese-AO-1.xlsx", "AO-2/synthese-AO-2.xlsx", "synthese-territoire.xlsx"))

    shutil.copy(TEXT_LAYER, inbox / "AO-1" / "texte.pdf")
    _run_without_page_reader(inbox, tmp_path / "avec texte")
    lines = _lines(tmp_path / "avec texte")
    assert lines["AO-1/texte.pdf"]["status"] == "rejected" and lines["AO-1/offre 0.pdf"]["status"] != "rejected"


def _run_without_page_reader(inbox: Path, output: Path) -> subprocess.CompletedProcess:
    """``egalite run`` with two workers, in a fresh interpreter where importing ``PAGE_READER`` fails."""
    script = (f"import sys\nsys.modules.update(dict.fromkeys({PAGE_READER!r}))\n"
              "from cli import main\nmain(['run', sys.argv[1], '--output', sys.argv[2], '--workers', '2'])\n")
    return subprocess.run([sys.executable, "-c", script, str(inbox), str(output)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    output.mkdir()
    with FileLock(output / ".egalite.lock"):
        result = _run(inbox, "--output", output)
    assert result.exit_code == Exit.OUTPUT
    assert "Une autre exécution" in result.output
    assert not (output / "records.jsonl").exists()


def test_missing_inbox_says_so_in_french(tmp_path: Path) -> None:
    result = _run(tmp_path / "absent", "--output", tmp_path / "sortie")
    assert result.exit_code == Exit.INPUT and "Dossier introuvable" in result.output


def test_egapro_export_is_used_and_remembered(tmp_path: Path) -> None:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    export = tmp_path / "index-egalite-fh.csv"
    write_csv(export, [PublicRow(year=2025, siren="317316628", name="SA Nordpaysage", score=80)], "utf-8")
    _run(inbox, "--output", output, "--egapro", export)
    nordpaysage = _lines(output)["CHV-2026-007/Egalite FH - Nordpaysage.pdf"]
    assert any("80" in f["message"] and "85" in f["message"] for f in nordpaysage["findings"])
    _run(inbox, "--output", output)  # without --egapro: the file is remembered
    assert _lines(output)["CHV-2026-007/Egalite FH - Nordpaysage.pdf"]["findings"] == nordpaysage["findings"]


def test_check_shows_one_file_in_french() -> None:
    result = CliRunner().invoke(main, ["check", str(INBOX / PICKED[0])])
    assert result.exit_code == Exit.OK
    assert "Statut : OK" in result.output and "Paysages Lefebvre et Fils" in result.output


def test_the_workers_read_while_the_run_reads_the_corrections(tmp_path: Path, monkeypatch) -> None:
    """The workers start on the files as soon as they are known (their hashes first on a run after
    another): the corrections, the Egapro export and the history are read meanwhile."""
    running: list[int] = []
    reading = pipeline._read_corrections

    def spied(*args, **kwargs):
        running.append(len(multiprocessing.active_children()))
        return reading(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_read_corrections", spied)
    inbox, output = _one_tender(tmp_path), tmp_path / "sortie"
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    assert running == [1, 1]  # one worker (--workers 1), reading, then hashing

