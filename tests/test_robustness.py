"""Everyday trouble around a run (issue 12): every failure a French sentence and a documented
exit code, one bad file never stops the batch, outputs apart from inputs and safe for any text."""
from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import pipeline
from analyse.excel import Book, put, save_atomically
from analyse.export import write_csv
from analyse.formula import runs_as_formula
from cli import main
from exit_codes import Exit
from questionnaire.definition import load
from questionnaire.record import Record

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "inbox" / "VM-2026-014" / "Questionnaire egalite Lefebvre.pdf"
TENDER = "VM-2026-014"
AS_ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _run(inbox: Path, output: Path, *more: str):
    return CliRunner().invoke(main, ["run", str(inbox), "--output", str(output), "--workers", "1", *more])


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "offres"
    (inbox / TENDER).mkdir(parents=True)
    shutil.copy(SAMPLE, inbox / TENDER / "Lefebvre.pdf")
    return inbox


def _jsonl(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def _csv(output: Path) -> list[dict]:
    with open(output / "records.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _long_path_file(inbox: Path) -> None:
    """A file whose full path is longer than the system allows (built folder by folder)."""
    folder = os.open(inbox / TENDER, os.O_RDONLY)
    for depth in range(18):  # 18 × 230 bytes: beyond Linux's 4096
        name = f"{depth:02d}" + "d" * 228
        os.mkdir(name, dir_fd=folder)
        folder, parent = os.open(name, os.O_RDONLY, dir_fd=folder), folder
        os.close(parent)
    os.close(os.open("offre.pdf", os.O_WRONLY | os.O_CREAT, dir_fd=folder))
    os.close(folder)


# -- one bad file never stops the batch ---------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="names that are not UTF-8, FIFOs: POSIX file systems")
def test_bad_names_special_files_and_long_paths_are_rejected_lines_and_the_run_goes_on(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    folder = os.fsencode(inbox / TENDER)
    Path(os.fsdecode(folder + b"/Questionnaire \xe9galit\xe9.pdf")).write_bytes(SAMPLE.read_bytes())
    Path(os.fsdecode(os.fsencode(inbox) + b"/AO \xe9t\xe9")).mkdir()
    Path(os.fsdecode(os.fsencode(inbox) + b"/AO \xe9t\xe9/offre.pdf")).write_bytes(SAMPLE.read_bytes())
    carriage = 'offre\r=HYPERLINK("exemple.invalid";"clic").pdf'
    shutil.copy(SAMPLE, inbox / TENDER / carriage)
    shutil.copy(SAMPLE, inbox / TENDER / "\u200b＝1+1.pdf")
    os.mkfifo(inbox / TENDER / "tube.pdf")
    _long_path_file(inbox)

    result = _run(inbox, tmp_path / "sortie")
    assert result.exit_code == Exit.OK, result.output
    lines = {line["file"]: line for line in _jsonl(tmp_path / "sortie")}
    assert len(lines) == len(_jsonl(tmp_path / "sortie")) == 7  # each entry once, no two names merged
    not_utf8 = lines[f"{TENDER}/Questionnaire \\xe9galit\\xe9.pdf"]
    assert not_utf8["status"] == "rejected" and "hors UTF-8" in not_utf8["error"]
    assert bytes.fromhex(not_utf8["file_bytes"]) == f"{TENDER}/Questionnaire ".encode() + b"\xe9galit\xe9.pdf"
    assert lines["AO \\xe9t\\xe9/offre.pdf"]["tender"] == "AO \\xe9t\\xe9"
    assert "fichier spécial" in lines[f"{TENDER}/tube.pdf"]["error"]
    deep = [line for name, line in lines.items() if name.startswith(f"{TENDER}/00")]
    assert len(deep) == 1 and "Chemin trop long" in deep[0]["error"]
    assert lines[f"{TENDER}/{carriage}"]["status"] == lines[f"{TENDER}/Lefebvre.pdf"]["status"] == "ok"

    rows = {row["file"]: row for row in _csv(tmp_path / "sortie")}
    assert len(rows) == len(_csv(tmp_path / "sortie")) == 7  # one CSV record per file: CR kept inside quotes
    assert f"{TENDER}/{carriage}" in rows
    assert f"{TENDER}/\u200b＝1+1.pdf" in rows  # starts with the tender: nothing to neutralise
    assert (tmp_path / "sortie" / "AO \\xe9t\\xe9" / "synthese-AO \\xe9t\\xe9.xlsx").exists()


def test_an_unreadable_file_is_rejected_with_its_reason_and_the_run_goes_on(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = _inbox(tmp_path)
    locked = inbox / TENDER / "verrouillé.pdf"
    shutil.copy(SAMPLE, locked)
    opened, sha256_of = Path.open, pipeline.sha256_of

    def refuse(path: Path) -> None:  # as a file without read permission (tests run as root)
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(pipeline, "sha256_of", lambda path: refuse(path) or sha256_of(path))
    monkeypatch.setattr(Path, "open", lambda path, *a, **k: refuse(path) or opened(path, *a, **k))  # forked worker
    result = _run(inbox, tmp_path / "sortie")
    assert result.exit_code == Exit.OK, result.output
    lines = {line["file"]: line for line in _jsonl(tmp_path / "sortie")}
    assert lines[f"{TENDER}/verrouillé.pdf"]["error"] == "Fichier illisible : droits d'accès insuffisants."
    assert lines[f"{TENDER}/Lefebvre.pdf"]["status"] == "ok"


@pytest.mark.skipif(AS_ROOT or os.name != "posix", reason="root reads every file whatever its permissions")
def test_a_file_without_read_permission_is_rejected(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    (inbox / TENDER / "Lefebvre.pdf").chmod(0)
    result = _run(inbox, tmp_path / "sortie")
    assert result.exit_code == Exit.OK, result.output
    assert "droits d'accès" in _jsonl(tmp_path / "sortie")[0]["error"]


def test_a_consultation_named_like_an_output_gets_its_own_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "offres"
    for name in ("records.jsonl", "egalite.sqlite", "synthese-territoire.xlsx"):
        (inbox / name).mkdir(parents=True)
        shutil.copy(SAMPLE, inbox / name / "offre.pdf")
    output = tmp_path / "sortie"
    assert _run(inbox, output).exit_code == Exit.OK
    assert _run(inbox, output).exit_code == Exit.OK  # and again, over its own outputs
    assert (output / "records.jsonl").is_file() and len(_jsonl(output)) == 3
    assert (output / "consultation records.jsonl" / "synthese-consultation records.jsonl.xlsx").is_file()


# -- outputs and inputs apart ---------------------------------------------------------------------

@pytest.mark.parametrize("where", ["offres", "offres/résultats"])
def test_an_output_folder_in_the_input_folder_is_refused(tmp_path: Path, where: str) -> None:
    inbox = _inbox(tmp_path)
    result = _run(inbox, tmp_path / where)
    assert result.exit_code == Exit.USAGE
    assert "le dossier des offres" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in inbox.rglob("*")) == ["Lefebvre.pdf", TENDER]  # nothing written there


def test_an_existing_file_as_output_folder_is_exit_4_in_french(tmp_path: Path) -> None:
    taken = tmp_path / "résultats.txt"
    taken.write_text("notes")
    result = _run(_inbox(tmp_path), taken)
    assert result.exit_code == Exit.OUTPUT
    assert "est un fichier, pas un dossier" in result.output
    assert taken.read_text() == "notes"


def test_an_output_folder_that_cannot_be_written_is_exit_4_in_french(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # as a folder without write permission (tests run as root)
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(pipeline.tempfile, "TemporaryFile", refuse)
    result = _run(_inbox(tmp_path), tmp_path / "sortie")
    assert result.exit_code == Exit.OUTPUT
    assert "Impossible d'écrire dans le dossier des résultats" in result.output
    assert "droits d'accès insuffisants" in result.output


@pytest.mark.skipif(AS_ROOT or os.name != "posix", reason="root writes everywhere whatever the permissions")
def test_a_read_only_output_folder_is_exit_4(tmp_path: Path) -> None:
    (tmp_path / "sortie").mkdir(mode=0o555)
    assert _run(_inbox(tmp_path), tmp_path / "sortie").exit_code == Exit.OUTPUT


def test_a_workbook_open_in_excel_is_named_and_every_other_output_written(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    book = output / TENDER / f"synthese-{TENDER}.xlsx"
    replace = os.replace

    def locked(source, target):  # Windows refuses to replace a file Excel holds open
        if Path(target) == book:
            raise PermissionError(13, "Permission denied", str(target))
        return replace(source, target)
    monkeypatch.setattr(os, "replace", locked)
    result = _run(inbox, output)
    assert result.exit_code == Exit.OUTPUT
    assert f"Impossible de remplacer {book} : le classeur est-il ouvert ?" in result.output
    assert not book.exists() and not list(book.parent.glob(".egalite-*"))
    for written in ("records.jsonl", "records.csv", "synthese-territoire.xlsx"):
        assert (output / written).stat().st_size > 0


def test_a_damaged_workbook_is_named_kept_and_every_other_output_written(tmp_path: Path) -> None:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    assert _run(inbox, output).exit_code == Exit.OK
    book = output / TENDER / f"synthese-{TENDER}.xlsx"
    book.write_bytes(b"PK\x03\x04 damaged")
    (output / "records.jsonl").unlink()
    result = _run(inbox, output)
    assert result.exit_code == Exit.OUTPUT
    assert f"Le classeur {book} est endommagé" in result.output and "Traceback" not in result.output
    assert book.read_bytes() == b"PK\x03\x04 damaged"  # the corrections that may be in it are not overwritten
    assert len(_jsonl(output)) == 1 and (output / "synthese-territoire.xlsx").exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_outputs_are_created_as_the_umask_says(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        assert _run(_inbox(tmp_path), tmp_path / "sortie").exit_code == Exit.OK
    finally:
        os.umask(previous)
    for name in ("records.jsonl", "records.csv", "synthese-territoire.xlsx", f"{TENDER}/synthese-{TENDER}.xlsx"):
        assert stat.S_IMODE((tmp_path / "sortie" / name).stat().st_mode) == 0o666 & ~umask, name


# -- every failure a French sentence and a documented exit code ------------------------------------

def test_a_bug_is_exit_5_with_the_log_of_its_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(*args, **kwargs):
        raise ValueError("un défaut")
    monkeypatch.setattr(pipeline, "_run_locked", bug)
    result = _run(_inbox(tmp_path), tmp_path / "sortie")
    assert result.exit_code == Exit.INTERNAL
    assert "Erreur interne d'egalite" in result.output and "Traceback" not in result.output
    log = Path(result.output.split("Le détail est écrit dans ")[1].split(" : joignez")[0])
    text = log.read_text(encoding="utf-8")
    log.unlink()
    assert "Traceback" in text and "ValueError: un défaut" in text


def test_ctrl_c_is_exit_130_with_what_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    shutil.copy(SAMPLE, inbox / TENDER / "deuxième.pdf")
    run_parallel = pipeline.run_parallel

    def interrupted(items, work, *args, **kwargs):
        for number, outcome in enumerate(run_parallel(items, work, *args, **kwargs)):
            if number == 1 and work is not pipeline.fingerprint:  # while reading, not hashing
                raise KeyboardInterrupt
            yield outcome
    monkeypatch.setattr(pipeline, "run_parallel", interrupted)
    result = _run(inbox, output)
    assert result.exit_code == Exit.INTERRUPTED
    assert "Les 1 fichier(s) lu(s) avant l'arrêt sont gardés" in result.output
    assert "reprend là où elle s'est arrêtée" in result.output
    monkeypatch.setattr(pipeline, "run_parallel", run_parallel)
    assert _run(inbox, output).exit_code == Exit.OK
    assert len(_jsonl(output)) == 2


def test_the_readme_documents_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = next(part for part in readme.split("Exit codes")[1].split("\n\n") if part.startswith("|"))
    assert {int(line.split("|")[1]) for line in table.splitlines()[2:]} == {int(code) for code in Exit}


# -- CSV and workbooks safe for any text ----------------------------------------------------------

@pytest.mark.parametrize("text, runs", [
    ("=1+1", True), ("  =1+1", True), ("\u200b=HYPERLINK(\"x\")", True), ("\ufeff@SUM(A1)", True),
    ("＝1+1", True), ("\u3000＋1", True), ("\u00a0-2", True), ("\r=1", True), ("\t1", True),
    ("Entreprise = 12 salariés", False), ("1-2", False), ("", False), ("   ", False)])
def test_formula_signs_are_found_after_spaces_invisible_and_full_width_characters(text: str, runs: bool) -> None:
    assert runs_as_formula(text) is runs


def test_csv_keeps_one_record_per_file_and_quotes_formulas(tmp_path: Path) -> None:
    form = load("egalite-2024")
    names = ["a\r=HYPERLINK(\"http://x\")", "b\n@SUM(1)", " ＝1+1", "\u200b-1"]
    write_csv([Record(file=name, tender="T", error="x", error_class="rejected", form_id=form.id) for name in names],
              tmp_path / "records.csv", [form])
    rows = _csv(tmp_path)
    assert [row["file"] for row in rows] == names[:2] + ["'" + name for name in names[2:]]
    assert all(row["status"] == "rejected" for row in rows)


def test_workbook_cells_are_quoted_after_invisible_characters(tmp_path: Path) -> None:
    book = Book()
    texts = ["\u200b=HYPERLINK(\"x\")", "＝1+1", "Texte"]
    for row, text in enumerate(texts, start=1):
        put(book.active, row, 1, text)
    cells = load_workbook(save_atomically(book, tmp_path / "t.xlsx")).active["A"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        (texts[0], "s", True), (texts[1], "s", True), (texts[2], "s", False)]


def test_names_with_terminal_escapes_never_reach_the_terminal(tmp_path: Path) -> None:
    """A consultation folder named with escape sequences: every line printed is stripped of them."""
    inbox = tmp_path / "entrée"
    (inbox / "VM\x1b[2J\x1b]0;pirate\x07-2026").mkdir(parents=True)
    shutil.copy(SAMPLE, inbox / "VM\x1b[2J\x1b]0;pirate\x07-2026" / "Lefebvre\x1b[31m.pdf")
    result = _run(inbox, tmp_path / "sortie")
    assert result.exit_code == 0, result.output
    assert "Classeur" in result.output and not any(c in result.output for c in "\x1b\x07")


def test_a_library_missing_from_the_installation_is_named_with_what_to_do(tmp_path: Path, monkeypatch) -> None:
    """The code updated without `make install` again: exit 8 and a French sentence, no log of a bug."""
    monkeypatch.setitem(sys.modules, "orjson", None)  # `import orjson` now fails as if not installed
    monkeypatch.delitem(sys.modules, "analyse.store")
    monkeypatch.delitem(sys.modules, "pipeline")
    result = _run(_inbox(tmp_path), tmp_path / "sortie")
    assert result.exit_code == Exit.INSTALL
    assert "« orjson » manque" in result.output and "make install" in result.output
    assert "Erreur interne" not in result.output


def test_the_run_skips_the_collectors_last_passes_at_exit() -> None:
    """What the run's process holds is let go of by the system as it ends: after the exit functions,
    every object is frozen, out of the reach of the passes of the interpreter's shutdown."""
    script = "import atexit, gc\nimport cli\natexit._run_exitfuncs()\nprint(gc.get_freeze_count() > 0)"
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert shown.stdout.strip() == "True"
