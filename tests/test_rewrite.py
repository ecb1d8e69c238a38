"""Workbooks written again only when what they show changed; read back only when the officer saved them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from analyse.edits import SNAPSHOT, book_cells
from cli import main

from exit_codes import Exit
from questionnaire.definition import load
from tests.test_pipeline import INBOX, _inbox, _lines, _run

VM = "VM-2026-014/synthese-VM-2026-014.xlsx"
CHV = "CHV-2026-007/synthese-CHV-2026-007.xlsx"
TERRITORY = "synthese-territoire.xlsx"
ADDED = "VM-2026-014/Questionnaire égalité - SARL Jardins du Hainaut.pdf"  # our fillable form


def _books(output: Path) -> dict[str, tuple[int, bytes]]:
    return {name: ((output / name).stat().st_mtime_ns, (output / name).read_bytes()) for name in (VM, CHV, TERRITORY)}


def _refuse(*args, **kwargs):
    raise AssertionError("a workbook was written or opened")


@pytest.fixture()
def done(tmp_path: Path) -> tuple[Path, Path]:
    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    return inbox, output


def test_a_run_with_nothing_changed_writes_and_opens_no_workbook(done, monkeypatch) -> None:
    inbox, output = done
    before = _books(output)
    import openpyxl
    import analyse.workbook_tender
    import analyse.workbook_territory

    monkeypatch.setattr(openpyxl, "load_workbook", _refuse)
    monkeypatch.setattr(analyse.workbook_tender, "tender_workbook", _refuse)
    monkeypatch.setattr(analyse.workbook_territory, "territory_workbook", _refuse)
    result = _run(inbox, "--output", output)
    assert result.exit_code == Exit.OK, result.output
    assert _books(output) == before
    assert f"Classeur : {output / VM}" in result.output


EXPORTS = ("records.jsonl", "records.csv")


def _exports(output: Path) -> dict[str, tuple[int, bytes]]:
    return {name: ((output / name).stat().st_mtime_ns, (output / name).read_bytes()) for name in EXPORTS}


def test_a_run_with_nothing_changed_parses_validates_and_exports_no_record_again(done, monkeypatch) -> None:
    inbox, output = done
    before = _exports(output)
    import pipeline
    from questionnaire.record import Record

    monkeypatch.setattr(pipeline, "validate", _refuse)
    monkeypatch.setattr(Record, "from_dict", _refuse)
    result = _run(inbox, "--output", output)
    assert result.exit_code == Exit.OK, result.output
    assert _exports(output) == before
    assert f"Résultats : {output / 'records.jsonl'}" in result.output and "4 fichier(s) lu(s)" in result.output


def test_records_are_validated_again_when_the_validation_changed(done, monkeypatch) -> None:
    inbox, output = done
    before = _exports(output)
    import pipeline
    from analyse import stamps

    validated = []
    validate = pipeline.validate
    monkeypatch.setattr(stamps, "layout_digest", lambda: "another version of egalite")
    monkeypatch.setattr(pipeline, "validate", lambda record: validated.append(record.file) or validate(record))
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    assert sorted(validated) == sorted(_lines(output))  # every file, from the cache
    assert all(after[0] != before[name][0] and after[1] == before[name][1] for name, after in _exports(output).items())


def test_findings_of_an_egapro_export_no_longer_given_are_dropped(tmp_path: Path) -> None:
    from tests.support_egapro import PublicRow, write_csv

    inbox, output = _inbox(tmp_path), tmp_path / "sortie"
    export = tmp_path / "index-egalite-fh.csv"
    write_csv(export, [PublicRow(year=2025, siren="317316628", name="SA Nordpaysage", score=80)], "utf-8")
    assert _run(inbox, "--output", output, "--egapro", export).exit_code == Exit.OK
    checked = _lines(output)["CHV-2026-007/Egalite FH - Nordpaysage.pdf"]["findings"]
    export.unlink()  # the remembered export is gone: the run says so and goes on without it
    _run(inbox, "--output", output)
    findings = _lines(output)["CHV-2026-007/Egalite FH - Nordpaysage.pdf"]["findings"]
    assert any("80" in f["message"] for f in checked) and not any("80" in f["message"] for f in findings)
    assert findings == [f for f in checked if "80" not in f["message"]]


def test_a_new_file_rewrites_its_tender_and_the_territory_only(done) -> None:
    inbox, output = done
    before = _books(output)
    shutil.copy(INBOX / ADDED, inbox / ADDED)
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    after = _books(output)
    assert after[CHV] == before[CHV]
    assert after[VM][1] != before[VM][1] and after[TERRITORY][1] != before[TERRITORY][1]


def test_the_cells_noted_from_memory_are_those_read_from_the_files_written(done) -> None:
    _, output = done
    noted = json.loads((output / SNAPSHOT).read_text(encoding="utf-8"))
    assert set(noted) == {VM, CHV, TERRITORY}
    for name, sheets in noted.items():
        assert book_cells(output / name, load("egalite-2024")) == sheets, name


def test_other_options_rewrite_every_workbook(done) -> None:
    inbox, output = done
    before = _books(output)
    assert _run(inbox, "--output", output, "--publication").exit_code == Exit.OK
    after = _books(output)
    assert all(after[name][0] != before[name][0] for name in before)


def test_a_deleted_workbook_is_written_again(done) -> None:
    inbox, output = done
    (output / CHV).unlink()
    assert _run(inbox, "--output", output).exit_code == Exit.OK
    assert load_workbook(output / CHV).sheetnames


def test_a_workbook_the_officer_saved_is_read_back_and_written_again(done) -> None:
    inbox, output = done
    form = load("egalite-2024")
    book = load_workbook(output / VM)
    sheet = book["Réponses"]
    titles = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value.endswith("Lefebvre.pdf"))
    row[titles.index(form.field("structure_name").label)].value = "Lefebvre Espaces Verts (corrigé)"
    book.save(output / VM)
    result = _run(inbox, "--output", output)
    assert "1 acceptée(s)" in result.output, result.output
    shown = load_workbook(output / VM)["Réponses"]
    assert any(cell.value == "Lefebvre Espaces Verts (corrigé)" for r in shown.iter_rows() for cell in r)
    exported = _lines(output)["VM-2026-014/Questionnaire egalite Lefebvre.pdf"]
    assert exported["fields"]["structure_name"] == "Lefebvre Espaces Verts (corrigé)"


def _values(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_workbooks_written_in_parallel_processes_are_those_written_in_one(done, tmp_path: Path) -> None:
    inbox, alone = done
    parallel = tmp_path / "en parallèle"
    result = CliRunner().invoke(main, ["run", str(inbox), "--output", str(parallel), "--workers", "2"])
    assert result.exit_code == Exit.OK, result.output
    for name in (VM, CHV, TERRITORY):
        assert _values(parallel / name) == _values(alone / name)


def test_the_cells_noted_read_back_as_written_and_a_snapshot_of_the_json_module_still_reads(tmp_path: Path) -> None:
    """The notes of the cells not read back are written compact (orjson) and read back the same, accents
    and quotes included; a snapshot laid out by the json module (an earlier version) is read as well,
    and a damaged one is read as none (the workbooks are still read for corrections)."""
    from analyse.edits import _snapshot, remember

    noted = {"Synthèse": {"A1": "Questionnaires égalité — « AO-1 »", "B8": '12,5 "net"'}}
    book = tmp_path / "AO-1" / "synthese-AO-1.xlsx"
    book.parent.mkdir()
    book.write_bytes(b"")
    remember(tmp_path, [book], load("egalite-2024"), {book: noted})
    assert json.loads((tmp_path / SNAPSHOT).read_text(encoding="utf-8")) == {"AO-1/synthese-AO-1.xlsx": noted}
    assert _snapshot(tmp_path) == {"AO-1/synthese-AO-1.xlsx": noted}
    (tmp_path / SNAPSHOT).write_text(json.dumps({"x.xlsx": noted}, ensure_ascii=False, indent=1), encoding="utf-8")
    assert _snapshot(tmp_path) == {"x.xlsx": noted}
    (tmp_path / SNAPSHOT).write_text('{"x.xlsx": {', encoding="utf-8")
    assert _snapshot(tmp_path) == {}
