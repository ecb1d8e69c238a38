"""Corrections typed in the workbooks: read back, judged, stored, applied, never lost."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analyse.corrections import Correction, CorrectionReport, read_corrections
from analyse.store import Store
from analyse.workbook_tender import write_tender_workbook
from analyse.workbook_territory import write_territory_workbook
from questionnaire.definition import load
from questionnaire.record import Record
from tests.support_analyse import EXTRACTOR, record, staff, tender_a

FORM = load("egalite-2024")
TENDER = "T-2024-01"
GAMMA = "T-2024-01/gamma.pdf"
BETA = "T-2024-01/beta.pdf"


def workbook_path(output: Path) -> Path:
    return output / TENDER / f"egalite-{TENDER}.xlsx"


def run(output: Path, day: int, records: list[Record] | None = None, extractor: str = EXTRACTOR
        ) -> list[CorrectionReport]:
    """One `egalite run` as the pipeline does it: corrections first, then records, then workbooks."""
    started = datetime(2025, 1, day, 9)
    with Store(output / "egalite.sqlite", FORM) as store:
        reports = store.add_corrections(read_corrections(output, FORM).corrections, when=started)
        run_id = store.start_run(Path("inbox"), started)
        for item in records if records is not None else tender_a():
            store.save(run_id, item, extractor)
        store.finish_run(run_id, {})
        for tender in store.tenders():
            write_tender_workbook(store.latest(tender), tender, output / tender / f"egalite-{tender}.xlsx",
                                  started.date(), form=FORM)
        write_territory_workbook(store, output / "synthese-territoire.xlsx", started.date())
    return reports


def latest(output: Path, file: str) -> Record:
    with Store(output / "egalite.sqlite", FORM) as store:
        return next(r for r in store.latest() if r.file == file)


def type_in_review(output: Path, file: str, key: str, text: str) -> None:
    choose_in_review(output, file, key, "Valeur corrigée", text)


def type_in_answers(output: Path, file: str, key: str, value: object) -> None:
    path = workbook_path(output)
    wb = load_workbook(path)
    ws = wb["Réponses"]
    titles = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == file)
    row[titles.index(FORM.field(key).label)].value = value
    wb.save(path)


def answer_cell(output: Path, file: str, key: str):
    ws = load_workbook(workbook_path(output))["Réponses"]
    titles = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == file)
    return row[titles.index(FORM.field(key).label)]


def review_rows(output: Path) -> list[dict]:
    ws = load_workbook(workbook_path(output))["À vérifier"]
    titles = [c.value for c in ws[1]]
    return [dict(zip(titles, r)) for r in ws.iter_rows(min_row=2, values_only=True)]


def board_mean(output: Path) -> float:
    ws = load_workbook(output / "synthese-territoire.xlsx")["Territoire"]
    return next(r[1] for r in ws.iter_rows(values_only=True)
                if r[0] == "Part moyenne de femmes dans les conseils d'administration")


def test_a_review_correction_is_applied_everywhere_and_survives_two_further_runs(tmp_path: Path) -> None:
    assert run(tmp_path, 1) == []
    assert latest(tmp_path, GAMMA).fields()["board.women_pct"] == 55
    type_in_review(tmp_path, GAMMA, "board.women_pct", "45 %")

    reports = run(tmp_path, 2)
    assert [(r.correction.file, r.correction.key, r.accepted) for r in reports] == [(GAMMA, "board.women_pct", True)]
    for day in (3, 4):  # two further runs, the same file extracted again each time
        assert run(tmp_path, day) == []
        gamma = latest(tmp_path, GAMMA)
        reading = gamma.readings["board.women_pct"]
        assert (reading.value, reading.source, reading.doubt, reading.raw) == (45, "correction", None, "45 %")
        assert gamma.status == "ok" and gamma.to_contract()["fields"]["board.women_pct"] == 45
        assert answer_cell(tmp_path, GAMMA, "board.women_pct").value == pytest.approx(0.45)
        assert review_rows(tmp_path) == []  # the doubt is settled
        assert board_mean(tmp_path) == pytest.approx((40 + 45) / 2 / 100)
    with Store(tmp_path / "egalite.sqlite", FORM) as store:
        stored = store.corrections(TENDER, GAMMA)
    assert [(c.author, c.created, c.accepted, c.origin) for c in stored] == [
        ("correction", datetime(2025, 1, 2, 9), True, "À vérifier")]
    info = [f for f in latest(tmp_path, GAMMA).findings if f.rule == "correction"]
    assert len(info) == 1 and "02/01/2025" in info[0].message


def test_any_answer_cell_typed_over_is_a_correction_and_untouched_cells_are_not(tmp_path: Path) -> None:
    run(tmp_path, 1)
    type_in_answers(tmp_path, BETA, "equality_index.score", 78)
    type_in_answers(tmp_path, BETA, "board.exists", "oui")  # was « Non »
    reports = run(tmp_path, 2)
    assert sorted((r.correction.key, r.accepted) for r in reports) == [
        ("board.exists", True), ("equality_index.score", True)]
    beta = latest(tmp_path, BETA)
    assert beta.fields()["equality_index.score"] == 78 and beta.fields()["board.exists"] is True
    summary = load_workbook(workbook_path(tmp_path))["Synthèse"]
    assert any(row[5] == 78 for row in summary.iter_rows(min_row=8, values_only=True))
    assert run(tmp_path, 3) == []


def test_an_invalid_correction_is_reported_kept_and_shown_until_a_valid_one(tmp_path: Path) -> None:
    run(tmp_path, 1)
    type_in_review(tmp_path, GAMMA, "board.women_pct", "abc")
    reports = run(tmp_path, 2)
    assert len(reports) == 1 and not reports[0].accepted and reports[0].severity == "error"
    assert "abc" in reports[0].message
    gamma = latest(tmp_path, GAMMA)
    assert gamma.fields()["board.women_pct"] == 55 and gamma.readings["board.women_pct"].doubt
    refused = [f for f in gamma.to_contract()["findings"] if f["severity"] == "error"]
    assert len(refused) == 1 and "abc" in refused[0]["message"] and gamma.status == "review"
    rows = review_rows(tmp_path)
    assert len(rows) == 1 and "abc" in rows[0]["Pourquoi vérifier"]
    assert run(tmp_path, 3) == []  # reported once, kept in the store and the workbook

    type_in_review(tmp_path, GAMMA, "board.women_pct", "150")
    reports = run(tmp_path, 4)
    assert len(reports) == 1 and not reports[0].accepted and "100" in reports[0].message
    type_in_review(tmp_path, GAMMA, "board.women_pct", "50")
    assert [r.accepted for r in run(tmp_path, 5)] == [True]
    gamma = latest(tmp_path, GAMMA)
    assert gamma.fields()["board.women_pct"] == 50 and gamma.status == "ok"
    assert not [f for f in gamma.findings if f.severity == "error"]
    with Store(tmp_path / "egalite.sqlite", FORM) as store:
        assert [c.accepted for c in store.corrections(TENDER, GAMMA)] == [False, False, True]


def test_a_formula_typed_in_a_cell_is_refused(tmp_path: Path) -> None:
    run(tmp_path, 1)
    type_in_answers(tmp_path, BETA, "staff.total.total", "=SUM(A1:A3)")
    reports = run(tmp_path, 2)
    assert len(reports) == 1 and not reports[0].accepted and "formule" in reports[0].message
    assert latest(tmp_path, BETA).fields()["staff.total.total"] == 120


def test_confirming_a_doubtful_value_settles_it(tmp_path: Path) -> None:
    run(tmp_path, 1)
    type_in_review(tmp_path, GAMMA, "board.women_pct", "55")
    assert [r.accepted for r in run(tmp_path, 2)] == [True]
    gamma = latest(tmp_path, GAMMA)
    assert gamma.fields()["board.women_pct"] == 55 and gamma.review() == []


def test_a_new_extraction_keeps_corrections_but_a_new_file_version_does_not_take_them(tmp_path: Path) -> None:
    run(tmp_path, 1)
    type_in_answers(tmp_path, BETA, "equality_index.score", 78)
    run(tmp_path, 2)
    run(tmp_path, 3, extractor="test-2")  # same content read again by a newer extractor
    assert latest(tmp_path, BETA).fields()["equality_index.score"] == 78

    stale = workbook_path(tmp_path).read_bytes()
    resubmitted = record(BETA, TENDER, {"structure_name": "Bêta Industries", **staff((5, 15), (25, 75)),
                                        "equality_index.score": 95}, content="beta, new version")
    run(tmp_path, 4, records=[resubmitted])
    assert latest(tmp_path, BETA).fields()["equality_index.score"] == 95

    workbook_path(tmp_path).write_bytes(stale)  # the officer edits a workbook written before the new version
    type_in_answers(tmp_path, BETA, "equality_index.score", 60)
    reports = run(tmp_path, 5, records=[resubmitted])
    assert len(reports) == 1 and not reports[0].accepted and "nouvelle version" in reports[0].message
    assert latest(tmp_path, BETA).fields()["equality_index.score"] == 95


def test_an_unreadable_workbook_is_named_so_that_it_is_not_overwritten(tmp_path: Path) -> None:
    run(tmp_path, 1)
    workbook_path(tmp_path).write_bytes(b"not a workbook")
    found = read_corrections(tmp_path, FORM)
    assert found.corrections == []
    assert list(found.unreadable) == [workbook_path(tmp_path)]
    assert "endommagé" in found.unreadable[workbook_path(tmp_path)]


def test_corrections_for_a_file_the_history_does_not_know_are_reported_once(tmp_path: Path) -> None:
    with Store(tmp_path / "egalite.sqlite", FORM) as store:
        reports = store.add_corrections([Correction(TENDER, "T-2024-01/inconnu.pdf", key, "1")
                                         for key in ("staff.total.women", "staff.total.men")])
    assert len(reports) == 1 and not reports[0].accepted and "inconnu" in reports[0].message


def choose_in_review(output: Path, file: str, key: str, column: str, value: object) -> None:
    path = workbook_path(output)
    wb = load_workbook(path)
    ws = wb["À vérifier"]
    titles = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2)
               if r[titles.index("Fichier")].value == file and r[titles.index("Clé du champ")].value == key)
    row[titles.index(column)].value = value
    wb.save(path)


def test_valider_confirms_the_value_read_without_retyping_it(tmp_path: Path) -> None:
    run(tmp_path, 1)
    choose_in_review(tmp_path, GAMMA, "board.women_pct", "Décision", "Valider")
    corrections = read_corrections(tmp_path, FORM).corrections
    assert [(c.key, c.text) for c in corrections if c.origin == "À vérifier"] == [("board.women_pct", "55")]
    reports = run(tmp_path, 2)
    assert [(r.accepted, r.message) for r in reports] == [
        (True, f"{GAMMA} — « Si oui, quelle est la part de femmes dans le CA : % » : 55 % validé.")]
    gamma = latest(tmp_path, GAMMA)
    assert gamma.fields()["board.women_pct"] == 55 and gamma.review() == []
    assert gamma.readings["board.women_pct"].source == "correction"


def test_a_removed_key_column_is_reported_and_the_field_found_by_its_label(tmp_path: Path) -> None:
    run(tmp_path, 1)
    choose_in_review(tmp_path, GAMMA, "board.women_pct", "Valeur corrigée", "50")
    wb = load_workbook(workbook_path(tmp_path))
    ws = wb["À vérifier"]
    ws.delete_cols([c.value for c in ws[1]].index("Clé du champ") + 1)
    wb.save(workbook_path(tmp_path))
    found = read_corrections(tmp_path, FORM)
    assert [(c.key, c.text) for c in found.corrections if c.origin == "À vérifier"] == [("board.women_pct", "50")]
    assert found.notices == [f"{TENDER}/egalite-{TENDER}.xlsx, feuille « À vérifier » : la colonne « Clé du champ » a "
                       "été supprimée ; les champs sont reconnus par la colonne « Champ ». Elle sera rétablie."]


def test_a_removed_file_column_keeps_the_workbook_so_that_no_correction_is_lost(tmp_path: Path) -> None:
    run(tmp_path, 1)
    wb = load_workbook(workbook_path(tmp_path))
    ws = wb["À vérifier"]
    ws.delete_cols([c.value for c in ws[1]].index("Fichier") + 1)
    wb.save(workbook_path(tmp_path))
    found = read_corrections(tmp_path, FORM)
    assert list(found.unreadable) == [workbook_path(tmp_path)] and found.corrections == []
    assert "la colonne « Fichier » a été supprimée" in found.unreadable[workbook_path(tmp_path)]
