"""Tender and territory workbooks: figures checked against an independent computation."""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image as PILImage

from analyse.excel import (EXCEL_CELL_LIMIT, HEADER_FILL, Book, Sheet, _prepared, column_runs, put, safe_text,
                           save_atomically)
from analyse.workbook_tender import bidder, tender_workbook, write_tender_workbook
from analyse.workbook_territory import write_territory_workbook
from questionnaire.definition import load
from questionnaire.record import Record
from tests.support_analyse import POLICY_1500, fill_store, tender_a

FORM = load("egalite-2024")
RUN = date(2025, 6, 2)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output = tmp_path_factory.mktemp("output")
    store = fill_store(output / "egalite.sqlite")
    crop = output / "crops" / "gamma-board.png"
    crop.parent.mkdir()
    PILImage.new("RGB", (600, 80), "white").save(crop)
    records = store.latest("T-2024-01")
    gamma = next(r for r in records if r.file.endswith("gamma.pdf"))
    gamma.readings["board.women_pct"].crop = "crops/gamma-board.png"
    tender = write_tender_workbook(records, "T-2024-01", output / "T-2024-01" / "egalite-T-2024-01.xlsx", RUN, form=FORM)
    territory = write_territory_workbook(store, output / "synthese-territoire.xlsx", RUN)
    public = write_territory_workbook(store, output / "synthese-publication.xlsx", RUN, publication=True)
    contracts = [r.to_contract(FORM) for r in store.latest()]
    return {"output": output, "tender": tender, "territory": territory, "public": public,
            "contracts": contracts, "store": store}


def rows(sheet, first: int = 1) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def table(sheet, header_row: int) -> list[dict[str, Any]]:
    """The rows under ``header_row`` as dicts keyed by header, up to the first blank row."""
    lines = rows(sheet, header_row)
    titles = lines[0]
    found = []
    for line in lines[1:]:
        if not any(v is not None for v in line):
            break
        found.append(dict(zip(titles, line)))
    return found


# ---------------------------------------------------------------------------
# Tender workbook


def test_summary_has_one_row_per_bidder_with_figures_computed_from_the_answers(built) -> None:
    ws = load_workbook(built["tender"])["Synthèse"]
    summary = {row["Fichier"]: row for row in table(ws, 7)}
    fields = {c["file"]: c["fields"] for c in built["contracts"] if c["tender"] == "T-2024-01"}
    assert set(summary) == set(fields)
    for file, values in fields.items():
        row = summary[file]
        if values["staff.total.total"]:
            assert row["Effectif total"] == values["staff.total.total"]
            assert row["Part de femmes"] == pytest.approx(values["staff.total.women"] / values["staff.total.total"])
            assert row["Part de femmes parmi les cadres"] == pytest.approx(
                values["staff.managers.women"] / values["staff.managers.total"])
            assert row["SIRET"] == values["siret"] and isinstance(row["SIRET"], str)
            ticked = sum(1 for c in FORM.commitments if values[c.done_key])
            assert row["Engagements (sur 8)"] == ticked
        assert row["Index déclaré"] == values["equality_index.score"]
    assert summary["T-2024-01/alpha.pdf"]["Statut"] == "À vérifier"  # policy over 1000 characters
    assert summary["T-2024-01/beta.pdf"]["Statut"] == "OK"
    assert summary["T-2024-01/lettre.pdf"]["Statut"] == "Rejeté"
    assert ws["A1"].value == "Questionnaires égalité — consultation T-2024-01"
    assert "02/06/2025" in ws["A2"].value


def test_summary_has_charts_and_colours_low_scores_and_errors(built) -> None:
    ws = load_workbook(built["tender"])["Synthèse"]
    assert len(ws._charts) == 2
    formulas = [rule.formula[0] for rng in ws.conditional_formatting for rule in rng.rules]
    assert any("<75" in f for f in formulas) and any("<85" in f for f in formulas)
    assert any('"Rejeté"' in f for f in formulas) and any(">0" in f for f in formulas)


def test_answers_sheet_is_a_filtered_table_with_every_field_and_percentages(built) -> None:
    ws = load_workbook(built["tender"])["Réponses"]
    titles = [c.value for c in ws[1]]
    assert titles[1:1 + len(FORM.fields)] == [f.label for f in FORM.fields]
    assert ws.freeze_panes == "C2"
    assert list(ws.tables) == ["Reponses"] and ws.tables["Reponses"].ref.endswith(str(len(ws["A"])))
    alpha = next(row for row in ws.iter_rows(min_row=2) if row[0].value == "T-2024-01/alpha.pdf")
    board = alpha[titles.index(FORM.field("board.women_pct").label)]
    assert board.value == pytest.approx(0.40) and "%" in board.number_format
    policy = alpha[titles.index(FORM.field("policy.text").label)]
    assert policy.value == POLICY_1500 and len(policy.value) == 1500 and policy.alignment.wrap_text


def test_formula_looking_answers_stay_text_in_every_sheet(built) -> None:
    wb = load_workbook(built["tender"])
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    looking = [c for c in cells if c.value in ("=1+1", "@SUM(A1)", "+33 label AFNOR")]
    assert {c.value for c in looking} == {"=1+1", "@SUM(A1)", "+33 label AFNOR"}
    assert all(c.data_type == "s" and c.quotePrefix for c in looking)
    with zipfile.ZipFile(built["tender"]) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    # No formula anywhere except what conditional formatting holds (not cell content).
    assert not any(re.search(r"<f[ >]", xml.split("<conditionalFormatting")[0]) for xml in sheets)


def test_commitments_grid_and_details(built) -> None:
    wb = load_workbook(built["tender"])
    grid = {row["Structure"]: row for row in table(wb["Engagements"], 3)}
    assert grid["Alpha SARL"]["Négociation d'accords"] == "Oui"
    assert grid["Alpha SARL"]["Autres"] == "Non"
    assert grid["Bêta Industries"]["Total (sur 8)"] == 2
    details = table(wb["Détails des engagements"], 1)
    assert {"Structure": "Bêta Industries", "Engagement": "Autres", "Pris": "Oui", "Détails": "@SUM(A1)"} in details
    assert all(d["Pris"] == "Oui" or d["Détails"] for d in details)


def test_findings_review_and_sources(built) -> None:
    wb = load_workbook(built["tender"])
    findings = table(wb["Constats"], 1)
    assert any(f["Clé du champ"] == "policy.text" and f["Gravité"] == "erreur" and "1500" in f["Message"]
               for f in findings)
    assert any(f["Fichier"] == "T-2024-01/lettre.pdf" and f["Message"].startswith("Fichier rejeté") for f in findings)
    review = table(wb["À vérifier"], 1)
    assert [(r["Fichier"], r["Clé du champ"]) for r in review] == [("T-2024-01/gamma.pdf", "board.women_pct")]
    assert review[0]["Texte lu"] == "5S" and "mal formé" in review[0]["Pourquoi vérifier"]
    assert review[0]["Valeur corrigée"] is None
    assert len(wb["À vérifier"]._images) == 1
    sources = {row["Fichier"]: row for row in table(wb["Fichiers sources"], 1)}
    assert len(sources["T-2024-01/beta.pdf"]["Empreinte SHA-256"]) == 64
    assert sources["T-2024-01/lettre.pdf"]["Motif du rejet"].startswith("Ce fichier")


def test_writing_leaves_no_temporary_file(built) -> None:
    assert [p.name for p in built["tender"].parent.iterdir()] == ["egalite-T-2024-01.xlsx"]


def test_text_beyond_the_excel_cell_limit_is_cut_visibly(tmp_path: Path) -> None:
    text, cut = safe_text("x" * 40_000)
    assert cut and len(text) == EXCEL_CELL_LIMIT and "40000 caractères" in text
    assert safe_text("a\x00b") == ("a\ufffdb", False)
    book = Book()
    put(book.active, 1, 1, "=HYPERLINK(\"http://x\")")
    put(book.active, 2, 1, "x" * 40_000)
    put(book.active, 3, 1, "")
    cell, long, empty = load_workbook(save_atomically(book, tmp_path / "t.xlsx")).active["A"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s" and cell.quotePrefix
    assert long.value == text and empty.value is None


# ---------------------------------------------------------------------------
# Territory workbook


def distinct_fields(contracts: list[dict]) -> list[dict]:
    """Independent of analyse.indicators: latest answer per SIRET (contracts run oldest first)."""
    latest: dict[str, dict] = {}
    for contract in contracts:
        if contract["status"] != "rejected":
            latest[contract["fields"]["siret"]] = contract["fields"]
    return list(latest.values())


def indicator_values(path: Path) -> dict[str, tuple[Any, Any]]:
    ws = load_workbook(path)["Territoire"]
    return {row["Indicateur"]: (row["Valeur"], row["Structures concernées"]) for row in table(ws, 10)}


def test_territory_indicators_equal_an_independent_computation(built) -> None:
    structures = distinct_fields(built["contracts"])
    values = indicator_values(built["territory"])
    assert len(structures) == 4  # Alpha answered two tenders and counts once
    assert values["Structures distinctes"] == (4, 4)
    women = sum(f["staff.total.women"] for f in structures)
    total = sum(f["staff.total.total"] for f in structures)
    assert values["Part de femmes (pondérée par l'effectif)"][0] == pytest.approx(women / total)
    mean = sum(f["staff.total.women"] / f["staff.total.total"] for f in structures) / len(structures)
    assert values["Part de femmes (moyenne des structures)"][0] == pytest.approx(mean)
    managers = sum(f["staff.managers.women"] for f in structures) / sum(f["staff.managers.total"] for f in structures)
    assert values["Part de femmes parmi les cadres (pondérée)"][0] == pytest.approx(managers)
    obliged = [f for f in structures if f["staff.total.total"] >= 50]
    declared = [f for f in obliged if f["equality_index.score"] is not None]
    assert values["Part des 50 salariés ou plus déclarant leur index (note ou NC)"] == (
        pytest.approx(len(declared) / len(obliged)), len(obliged))
    scores = [f["equality_index.score"] for f in structures if isinstance(f["equality_index.score"], int)]
    assert values["Note moyenne à l'index"] == (pytest.approx(sum(scores) / len(scores)), len(scores))
    agreements = [f["commitments.agreements.done"] for f in structures]
    assert values["Engagement : Négociation d'accords"][0] == pytest.approx(sum(agreements) / len(agreements))


def test_the_territorys_distinct_structures_are_found_once_and_once_per_group(
        built: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The distinct structures (each time a pass over every record's identity) found once for the
    territory's indicators, scope, score bands, offices and list of structures, and once for each
    consultation and each year, however many figures each gives; a group of every record has the
    territory's."""
    from analyse import workbook_territory
    from analyse.indicators import distinct

    store = built["store"]
    versions = store.latest_versions(boxes=False)
    found: list[int] = []
    monkeypatch.setattr(workbook_territory, "distinct",
                        lambda records, choices=None: (found.append(len(records)), distinct(records, choices))[1])
    figures = workbook_territory.compute(versions, FORM, store.choices(), True)
    groups = {**workbook_territory.by_tender(versions), **workbook_territory.by_year(versions)}
    assert sorted(found) == sorted([len(versions)] + [len(group) for group in groups.values()])
    assert figures.structures == distinct([v.record for v in versions], store.choices())
    assert figures.cells[("Territoire", workbook_territory.SCOPE[3])].value == len(figures.structures) > 1
    one = [v for v in versions if v.record.tender == "T-2024-01"]  # its consultation and its year: every record
    assert len(workbook_territory.by_year(one)) == 1
    del found[:]
    figures = workbook_territory.compute(one, FORM, store.choices(), True)
    assert found == [len(one)]
    assert [*figures.groups["Par année"].values()] == [*figures.groups["Par consultation"].values()] != []


def test_territory_index_distribution_groups_and_charts(built) -> None:
    wb = load_workbook(built["territory"])
    bands = {row["Note"]: row["Structures"] for row in table(wb["Index"], 4)}
    assert bands["85 à 89"] == 1 and bands["90 à 94"] == 1 and bands["NC (non calculable)"] == 1
    assert bands["80 à 84"] == 0  # Alpha's 82 of 2024 is replaced by its 88 of 2025
    tenders = {row["Consultation"]: row for row in table(wb["Par consultation"], 3)}
    assert tenders["T-2024-01"]["Réponses reçues"] == 4 and tenders["T-2024-01"]["Structures distinctes"] == 3
    years = {row["Année"]: row for row in table(wb["Par année"], 3)}
    assert set(years) == {"2024", "2025"} and years["2025"]["Structures distinctes"] == 2
    assert all(len(wb[name]._charts) == 1 for name in ("Territoire", "Index", "Par consultation", "Par année"))


def test_publication_hides_every_figure_built_on_fewer_than_three_structures(built) -> None:
    plain, public = indicator_values(built["territory"]), indicator_values(built["public"])
    for label, (value, base) in plain.items():
        if base in (1, 2):
            assert public[label] == ("secret", "secret"), label
        else:  # shown, or hidden so that a secret cannot be recomputed (tests/test_figures.py)
            assert public[label][0] in (value, "secret") and public[label][1] == base, label
    assert public["Part de femmes — Président.e"][0] == "secret"  # 2 women presidents (Gouvernance) of 4
    wb = load_workbook(built["public"])
    small = next(row for row in table(wb["Par consultation"], 3) if row["Consultation"] == "T-2025-07")
    assert all(v in ("secret", None, 0) for k, v in small.items() if k != "Consultation"), small
    bands = {row["Note"]: row["Structures"] for row in table(wb["Index"], 4)}
    assert all(v in ("secret", 0) for v in bands.values())
    hidden = [c.value for c in wb["Index"]["D"][4:] if c.value is not None]
    assert hidden == [0] * len(hidden)  # the chart draws nothing secret


def test_a_link_longer_than_excel_holds_leaves_the_cell_without_a_link(tmp_path: Path) -> None:
    book = Book()
    put(book.active, 1, 1, "court.pdf").hyperlink = "../boite/court.pdf"
    put(book.active, 2, 1, "long.pdf").hyperlink = "../" + "dossier/" * 300 + "long.pdf"
    short, long = load_workbook(save_atomically(book, tmp_path / "t.xlsx")).active["A"]
    assert short.hyperlink.target == "../boite/court.pdf"
    assert long.value == "long.pdf" and long.hyperlink is None


def test_a_saved_workbook_is_not_kept_alive_by_the_notes_on_its_cells(tmp_path: Path) -> None:
    import gc
    import weakref

    workbook = Book()
    put(workbook.active, 1, 1, "texte", wrap=True)
    save_atomically(workbook, tmp_path / "classeur.xlsx")
    alive = weakref.ref(workbook)
    del workbook
    gc.collect()
    assert alive() is None


def test_a_bidder_is_named_without_making_every_field_of_its_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tender workbook names a bidder on every row of every sheet: from its one reading, not
    from the dict of the form's 40-odd fields made each time."""
    alpha, *_, letter = tender_a()
    monkeypatch.setattr(Record, "fields", lambda *args, **kwargs: pytest.fail("every field made for a name"))
    assert bidder(alpha) == "Alpha SARL"
    assert bidder(letter) == "(lettre.pdf)"


def test_a_written_workbook_leaves_nothing_for_the_cyclic_collector(built: dict[str, Any], tmp_path: Path) -> None:
    """XlsxWriter's sheets hold their workbook (:func:`analyse.excel._unlink`): unless that cycle is
    broken once it is written, the workbook, its sheets and every cell written wait for the cyclic
    collector, which scans them all after each workbook; broken, reference counting frees them."""
    import gc

    import collector
    from analyse.workbook_tender import tender_workbook

    records = built["store"].latest("T-2024-01")
    book = tender_workbook(records, "T-2024-01", tmp_path / "t.xlsx", form=FORM, run_date=RUN)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        with collector.paused():
            save_atomically(book, tmp_path / "t.xlsx")
        gc.collect()
        left = [type(found).__name__ for found in gc.garbage if type(found).__module__.startswith("xlsxwriter")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


def test_a_workbook_is_built_and_saved_with_the_collector_paused_then_given_back(tmp_path: Path) -> None:
    """The run's writers build and save each workbook without the cyclic collector scanning its
    cells (:func:`collector.paused`); it runs again once the workbook is written."""
    import gc

    import pipeline

    seen = []

    def build() -> Book:
        seen.append(gc.isenabled())
        workbook = Book()
        put(workbook.active, 1, 1, "texte")
        return workbook

    assert gc.isenabled()
    pipeline._write_and_note(build, tmp_path / "classeur.xlsx", form=load("egalite-2024"))
    assert seen == [False] and gc.isenabled()
    assert load_workbook(tmp_path / "classeur.xlsx").active["A1"].value == "texte"


def test_a_workbook_written_by_the_run_is_freed_before_the_collector_resumes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its cells are freed by reference counting, not left for the collector to scan once it runs again."""
    import weakref
    from contextlib import contextmanager

    import collector
    import pipeline

    built_books: list[weakref.ref] = []
    alive_on_resuming = []

    @contextmanager
    def paused():
        yield
        alive_on_resuming.append(built_books[0]() is not None)

    def build() -> Book:
        workbook = Book()
        put(workbook.active, 1, 1, "texte")
        built_books.append(weakref.ref(workbook))
        return workbook

    monkeypatch.setattr(collector, "paused", paused)
    assert pipeline._write_and_note(build, tmp_path / "classeur.xlsx", form=load("egalite-2024"))
    assert alive_on_resuming == [False]


@pytest.mark.parametrize("formula", ["=AND(ISNUMBER(F8),F8<75)", 'K8="Rejeté"', "XLOOKUP(A1,B:B,C:C)=1",
                                     "ISOWEEKNUM(A1)=1", "{=SUM(A1:A3)}"])
def test_a_formula_is_prepared_once_as_xlsxwriter_prepares_it(formula: str) -> None:
    """Prepared once per process (the same few in every workbook), with XlsxWriter's own result: the
    prefix of a function newer than Excel 2007 (``_xlfn.``), the dynamic arrays' even when not expanding."""
    from xlsxwriter.worksheet import Worksheet

    for expand in (False, True):
        assert _prepared(formula, expand) == Worksheet()._prepare_formula(formula, expand)


def test_the_formulas_a_workbook_writes_are_prepared_once(tmp_path: Path) -> None:
    """A conditional format's formula written through :func:`analyse.excel._prepared`, as XlsxWriter writes it."""
    book = Book()
    put(book.active, 1, 1, 3)
    book.active.conditional += [("A1:A1", "ISOWEEKNUM(A1)=1", HEADER_FILL), ("A1:A1", "A1>2", HEADER_FILL)]
    _prepared.cache_clear()
    save_atomically(book, tmp_path / "t.xlsx")
    save_atomically(book, tmp_path / "t.xlsx")
    assert (_prepared.cache_info().misses, _prepared.cache_info().hits) == (2, 2)
    with zipfile.ZipFile(tmp_path / "t.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<formula>_xlfn.ISOWEEKNUM(A1)=1</formula>" in sheet and "<formula>A1&gt;2</formula>" in sheet


def test_columns_are_sized_by_runs_of_neighbours_alike_and_read_back_one_by_one(tmp_path: Path) -> None:
    """Neighbouring columns of the same width and visibility are set in one call; a gap, another
    width or a hidden column starts a new run; a hidden column without a width gets the default."""
    sheet = Sheet("Feuille")
    sheet.widths.update({1: 10, 2: 10, 3: 10, 4: 12, 6: 12, 7: 12})
    sheet.hidden.update({3, 8})
    assert column_runs(sheet) == [(1, 2, 10, False), (3, 3, 10, True), (4, 4, 12, False), (6, 7, 12, False),
                                  (8, 8, 13, True)]
    book = Book()
    book.worksheets = [sheet]
    put(sheet, 1, 1, "texte")
    columns = load_workbook(save_atomically(book, tmp_path / "t.xlsx")).active.column_dimensions
    found = {index: (dimension.width, bool(dimension.hidden)) for dimension in columns.values()
             for index in range(dimension.min, dimension.max + 1)}
    assert {index: hidden for index, (_, hidden) in found.items()} == {1: False, 2: False, 3: True, 4: False,
                                                                      6: False, 7: False, 8: True}
    assert found[1][0] == found[2][0] == found[3][0] < found[4][0] == found[6][0] == found[7][0]


def test_a_tender_workbook_makes_each_records_values_and_status_once_for_all_its_sheets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sheet shows each record's values and status: they are made once for the workbook
    (a dict of the form's forty-odd fields, a scan of them), not once per sheet or column."""
    from collections import Counter

    records = tender_a()
    made, statuses = Counter(), Counter()
    fields, status = Record.fields, Record.status

    def counted_fields(record: Record, form: Any = None) -> dict:
        made[record.file] += 1
        return fields(record, form)

    def counted_status(record: Record) -> str:
        statuses[record.file] += 1
        return status.fget(record)

    monkeypatch.setattr(Record, "fields", counted_fields)
    monkeypatch.setattr(Record, "status", property(counted_status))
    write_tender_workbook(records, "AO-1", tmp_path / "t.xlsx", date(2026, 3, 1), form=load("egalite-2024"))
    assert made == statuses == Counter({record.file: 1 for record in records})


def _parts(path: Path) -> dict[str, bytes]:
    """A workbook's parts, but the dates it was made."""
    with zipfile.ZipFile(path) as archive:
        return {name: re.sub(rb"<dcterms:(created|modified)[^<]*<", b"", archive.read(name))
                for name in archive.namelist()}


def test_cells_are_written_as_xlsxwriter_writes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text, number and blank cells written by one f-string each, the other kinds by XlsxWriter, the
    rows' spans found from the cells: the file the same, part by part, as XlsxWriter's own worksheet
    writes it, and as its documented writers (``write``...) write the cells."""
    from xlsxwriter.worksheet import Worksheet

    from analyse import excel

    book = Book()
    sheet = book.active
    values = ["texte", "a < b & c > d", '"=1+1', "", None, 0, -3, 2 ** 53 + 1, 0.1 + 0.2, 1e-20, 12345678901234567.0,
              True, False, "texte"]
    for row, value in enumerate(values, start=1):
        put(sheet, row, 1, value, number_format="0.0" if row % 2 else None, wrap=row % 3 == 0)
        put(sheet, row, 30, row).fill = HEADER_FILL
    sheet.heights[2] = 40
    sheet.cell(3, 2).comment = "une note"
    put(sheet, 20, 3, "seule dans son bloc de 16 lignes")
    put(sheet, 36, 7, 1.5)
    put(sheet, 37, 2, "")
    put(sheet, 5, 31, False)  # after cells of the templates in its row
    sheet.heights[40] = 30  # a row of no cell
    ours = _parts(save_atomically(book, tmp_path / "ours.xlsx"))
    by_xlsxwriter = []
    original = Worksheet._write_cell

    def counted(self: Worksheet, row: int, col: int, cell: Any) -> None:
        by_xlsxwriter.append(type(cell).__name__)
        original(self, row, col, cell)

    monkeypatch.setattr(Worksheet, "_write_cell", counted)
    save_atomically(book, tmp_path / "ours.xlsx")
    assert by_xlsxwriter == ["Boolean", "Boolean", "Boolean"]  # the others by the templates
    monkeypatch.setattr(excel, "_worksheet_class", lambda: Worksheet)
    assert _parts(save_atomically(book, tmp_path / "theirs.xlsx")) == ours
    assert len(by_xlsxwriter) == 3 + len(sheet.cells)

    def public(out: Worksheet, ws: Sheet, formats: Any) -> None:  # each cell by XlsxWriter's documented writers
        for cell in ws.cells.values():
            row, column, style = cell.row - 1, cell.column - 1, formats.of(cell.look())
            if cell.value is None or cell.value == "":
                out.write_blank(row, column, None, style)
            else:
                out.write(row, column, cell.value, style)
            if cell.comment:
                out.write_comment(row, column, cell.comment, {"author": "egalite"})

    monkeypatch.setattr(excel, "_write_cells", public)
    assert _parts(save_atomically(book, tmp_path / "public.xlsx")) == ours


def test_cells_are_stored_as_xlsxwriter_stores_them_but_in_a_sheet_beyond_excels_limits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text, number and blank cells stored in the sheet's table without XlsxWriter's writers, its extent
    noted once; a sheet holding a cell beyond Excel's last row written by XlsxWriter's writers, which
    leave that cell out: both files the same as XlsxWriter's documented writers make them."""
    from xlsxwriter.worksheet import Worksheet

    from analyse import excel

    book = Book()
    inside, beyond = book.active, book.create_sheet("Au-delà")
    for sheet in (inside, beyond):
        put(sheet, 3, 2, "texte")
        put(sheet, 5, 7, 2.5)
        put(sheet, 4, 3, None).fill = HEADER_FILL
        put(sheet, 2, 4, True)
        put(sheet, 6, 1, "x" * 20000)  # a text XlsxWriter checks for its length
    put(beyond, 1048577, 1, "hors de la feuille")
    written: dict[str, list[str]] = {}
    for name in ("_write_string", "_write_number", "_write_blank", "_write_boolean"):
        original = getattr(Worksheet, name)
        monkeypatch.setattr(Worksheet, name, lambda self, *args, name=name, original=original: (
            written.setdefault(self.name, []).append(name), original(self, *args))[1])
    ours = _parts(save_atomically(book, tmp_path / "ours.xlsx"))
    assert written == {"Sheet": ["_write_boolean", "_write_string"],
                       "Au-delà": ["_write_string", "_write_number", "_write_blank", "_write_boolean",
                                   "_write_string", "_write_string"]}

    def public(out: Worksheet, ws: Sheet, formats: Any) -> None:
        for cell in ws.cells.values():
            style = formats.of(cell.look())
            if cell.value is None:
                out.write_blank(cell.row - 1, cell.column - 1, None, style)
            else:
                out.write(cell.row - 1, cell.column - 1, cell.value, style)

    monkeypatch.setattr(excel, "_write_cells", public)
    assert _parts(save_atomically(book, tmp_path / "public.xlsx")) == ours


def test_shared_strings_are_written_as_xlsxwriter_writes_them(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain texts written as they are, each text XlsxWriter escapes or keeps spaces of by XlsxWriter:
    the shared strings the same as its own."""
    from xlsxwriter.sharedstrings import SharedStrings

    from analyse import excel

    special = ["a & b", "x < y > z", 'dit "oui"', "ligne\nsuivante", "tab\tulation", "_x0041_ échappé",
               " espace devant", "espace derrière ", "fin\ufffe"]
    plain = ["Oui", "Questionnaires égalité — consultation AO-1", "d'accord ; 12,5 %", "x_y", "€ 😀"]
    book = Book()
    for row, text in enumerate(special + plain, start=1):
        put(book.active, row, 1, text)
    by_xlsxwriter: list[str] = []
    original = SharedStrings._write_si
    monkeypatch.setattr(SharedStrings, "_write_si", lambda self, text: (by_xlsxwriter.append(text),
                                                                        original(self, text))[1])
    ours = _parts(save_atomically(book, tmp_path / "ours.xlsx"))
    assert by_xlsxwriter == [excel.safe_text(text)[0] for text in special]
    monkeypatch.setattr(excel, "_shared_strings_class", lambda: SharedStrings)
    assert _parts(save_atomically(book, tmp_path / "theirs.xlsx")) == ours


def test_a_workbook_is_xlsxwriters_own_file_its_parts_of_every_workbook_compressed_once(
        built: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tender workbook with a chart, a table, a note and a picture, saved twice: both files are XlsxWriter's
    own, byte for byte (its date fixed); the second time only the parts holding the cells' values, the
    picture and the date are compressed again, the others taken as compressed the first time."""
    from xlsxwriter import core
    from xlsxwriter.workbook import Workbook

    from analyse import excel

    class Fixed(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:
            return datetime(2025, 6, 2, 9, 30, tzinfo=tz)

    monkeypatch.setattr(core, "datetime", Fixed)
    records = built["store"].latest("T-2024-01")
    next(r for r in records if r.file.endswith("gamma.pdf")).readings["board.women_pct"].crop = \
        "crops/gamma-board.png"
    book = tender_workbook(records, "T-2024-01", tmp_path / "T" / "t.xlsx", RUN, form=FORM, output=built["output"])
    excel._PACKED.clear()
    compressed: list[bytes] = []
    deflated = excel._deflated
    monkeypatch.setattr(excel, "_deflated", lambda data: (compressed.append(data), deflated(data))[1])
    first = save_atomically(book, tmp_path / "first.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "first.xlsx") as archive:
        names = archive.namelist()
        own = [archive.read(name) for name in names if name.startswith(excel._OWN_PARTS)]
    assert "xl/media/image1.png" in names and "xl/tables/table1.xml" in names and "xl/charts/chart1.xml" in names
    assert len(compressed) == len(names)
    del compressed[:]
    second = save_atomically(book, tmp_path / "second.xlsx").read_bytes()
    assert compressed == own and len(own) < len(names) / 2
    monkeypatch.setattr(excel, "_workbook_class", lambda: Workbook)
    assert save_atomically(book, tmp_path / "theirs.xlsx").read_bytes() == first == second


def test_the_cells_noted_are_each_texts_as_read_back_but_blanks_and_the_columns_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbers noted in French as the file gives them back (16 significant digits), no blank cell noted,
    and under the header of a column the next run reads back (« Réponse retenue »), nothing: no text
    made for those cells."""
    from analyse import edits
    from analyse.edits import book_cells, workbook_cells
    from analyse.sheets import MULTIPLE_SHEET, RETAINED_HEADER

    book = Book()
    sheet = book.active
    sheet.title = MULTIPLE_SHEET
    values = [12, 2 ** 40, 0.1 + 0.2, -2.5, True, None, "", "  ", "texte", 0]
    for column, value in enumerate(values, start=1):
        put(sheet, 1, column, value)
    put(sheet, 2, 1, RETAINED_HEADER)
    put(sheet, 3, 1, "Oui")
    put(sheet, 3, 2, 7)
    put(sheet, 4, 1, 4.5)
    expected = {"A1": "12", "B1": "1099511627776", "C1": "0,3", "D1": "-2,5", "E1": "True",
                "I1": "texte", "J1": "0", "B3": "7"}
    made, text = [], edits._text
    monkeypatch.setattr(edits, "_text", lambda value: made.append(value) or text(value))
    assert workbook_cells(book, FORM) == {MULTIPLE_SHEET: expected}
    assert made == [0.1 + 0.2, -2.5, True]  # neither the ints nor 4.5, under « Réponse retenue »
    assert book_cells(save_atomically(book, tmp_path / "t.xlsx"), FORM) == {MULTIPLE_SHEET: expected}


def test_each_validations_xml_is_made_once_as_xlsxwriter_makes_it(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The validations of every field type, a list over several ranges and again over another, the
    decisions' and one XlsxWriter refuses (a title too long), in two workbooks: XlsxWriter takes and writes each validation once, for
    the first; both files the same as its documented ``data_validation`` makes them."""
    from xlsxwriter.worksheet import Worksheet

    from analyse import excel
    from analyse.excel import choice_validation, column_letter, decision_validation, field_validation

    book = Book()
    sheet = book.active
    put(sheet, 1, 1, "Valeurs")
    for column, field in enumerate(FORM.fields, start=2):
        validation = field_validation(field, FORM, f"{column_letter(column)}2")
        validation.add(f"{column_letter(column)}2:{column_letter(column)}11")
        sheet.validations.append(validation)
    listed = choice_validation(["Oui", "Non"], "Réponse retenue", "Choisissez Oui ou Non.", allow_blank=False)
    listed.add("A2")
    listed.add("A4:A5")
    decision = decision_validation()
    decision.add(sheet.cell(3, 1))
    again = choice_validation(["Oui", "Non"], "Réponse retenue", "Choisissez Oui ou Non.", allow_blank=False)
    again.add("C30")  # the same options over other cells
    refused = choice_validation(["a"], "Titre", "Erreur.", title="x" * 40, prompt="Choisissez a.")
    refused.add("B20")
    sheet.validations += [listed, decision, again, refused]
    taken, written = [], []
    take, write = Worksheet.data_validation, Worksheet._write_data_validation
    monkeypatch.setattr(Worksheet, "data_validation", lambda self, *args: taken.append(args) or take(self, *args))
    monkeypatch.setattr(Worksheet, "_write_data_validation",
                        lambda self, options: written.append(options["validate"]) or write(self, options))
    excel._VALIDATIONS.clear()
    with pytest.warns(UserWarning, match="exceeds Excel's limit of 32"):
        first = _parts(save_atomically(book, tmp_path / "a.xlsx"))
    second = _parts(save_atomically(book, tmp_path / "b.xlsx"))
    assert len(taken) == len(FORM.fields) + 4 and len(written) == len(FORM.fields) + 3
    assert {"list", "whole", "decimal", "textLength"} <= set(written)

    class Documented(Worksheet):  # each validation given to XlsxWriter's data_validation
        def validate(self, options: dict[str, Any], ranges: list[str]) -> None:
            self.data_validation(ranges[0], options | ({"multi_range": " ".join(ranges)} if len(ranges) > 1 else {}))

    monkeypatch.setattr(excel, "_worksheet_class", lambda: Documented)
    with pytest.warns(UserWarning, match="exceeds Excel's limit of 32"):
        assert _parts(save_atomically(book, tmp_path / "c.xlsx")) == first == second


def test_references_read_once_give_xlsxwriter_the_places_it_reads_itself(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Panes, filter, table, conditional format, validations and chart placed by the row and column read
    from their references once per process: the file the same as with the references given to XlsxWriter."""
    from analyse import excel
    from analyse.excel import Chart, choice_validation

    book = Book()
    sheet = book.active
    for row in range(1, 13):
        put(sheet, row, 1, f"ligne {row}")
        put(sheet, row, 2, row)
    sheet.freeze_panes = "B2"
    sheet.autofilter = "A1:B12"
    sheet.conditional.append(("B2:B12", "B2>5", HEADER_FILL))
    single, several = (choice_validation(["Oui", "Non"], "Choix", "Oui ou Non.") for _ in range(2))
    single.add("C2")
    several.add("$D$2:$D$5")
    several.add("E7")
    sheet.validations += [single, several]
    chart = Chart("Valeurs")
    chart.add_columns(sheet, 2, 2, 2, 12, (1, 2, 12))
    sheet.charts.append(("AA20", chart))
    other = book.create_sheet("Tableau")
    put(other, 1, 1, "Titre")
    put(other, 2, 1, "valeur")
    other.table = ("A1:A2", "Tableau", ["Titre"])
    read = _parts(save_atomically(book, tmp_path / "read.xlsx"))
    monkeypatch.setattr(excel, "_cell_at", lambda where: (where,))
    monkeypatch.setattr(excel, "_range_at", lambda where: (where,))
    excel._VALIDATIONS.clear()  # the validations given to XlsxWriter again
    assert _parts(save_atomically(book, tmp_path / "given.xlsx")) == read


def test_a_short_text_is_checked_once_per_process_a_long_one_each_time() -> None:
    """Put twice, a short text is made safe and found formula-like once; a text longer than
    :data:`analyse.excel.MAX_HELD` is not kept, and is checked each time."""
    from analyse.excel import MAX_HELD, _short_held

    _short_held.cache_clear()
    sheet = Sheet("Feuille")
    for row in (1, 2):
        put(sheet, row, 1, "=HYPERLINK(\"x\")")
        put(sheet, row, 2, "bell\x07")
        put(sheet, row, 3, "@" + "x" * MAX_HELD)
    assert [(cell.value, cell.quoted) for row in sheet.by_row() for cell in row] == 2 * [
        ('=HYPERLINK("x")', True), ("bell\ufffd", False), ("@" + "x" * MAX_HELD, True)]
    assert (_short_held.cache_info().misses, _short_held.cache_info().hits) == (2, 2)


def test_a_text_already_shared_is_counted_without_asking_xlsxwriter_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XlsxWriter's shared strings asked for each different text once, the texts seen again counted:
    the strings' count, numbers and the cells the same as XlsxWriter's documented writers make them."""
    from xlsxwriter.sharedstrings import SharedStringTable
    from xlsxwriter.worksheet import Worksheet

    from analyse import excel

    book = Book()
    for row in range(1, 7):
        put(book.active, row, 1, ["a", "b", "c"][row % 3])
        put(book.active, row, 2, "a")
    put(book.create_sheet("Deux"), 1, 1, "b")
    asked: list[str] = []
    original = SharedStringTable._get_shared_string_index
    monkeypatch.setattr(SharedStringTable, "_get_shared_string_index",
                        lambda self, text: (asked.append(text), original(self, text))[1])
    ours = _parts(save_atomically(book, tmp_path / "ours.xlsx"))
    assert asked == ["b", "a", "c"]
    assert b'count="13" uniqueCount="3"' in ours["xl/sharedStrings.xml"]

    def public(out: Worksheet, ws: Sheet, formats: Any) -> None:
        for cell in ws.cells.values():
            out.write_string(cell.row - 1, cell.column - 1, cell.value, formats.of(cell.look()))

    monkeypatch.setattr(excel, "_write_cells", public)
    assert _parts(save_atomically(book, tmp_path / "public.xlsx")) == ours


def test_rows_are_written_as_xlsxwriter_writes_them_a_plain_one_by_one_string(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of cells and empty rows, tall or not, written without XlsxWriter's ``_write_row``; a hidden
    row by it: the sheet the same as XlsxWriter's own worksheet writes it."""
    from xlsxwriter.worksheet import Worksheet

    from analyse import excel

    book = Book()
    sheet = book.active
    for row in (1, 2, 3, 20, 40):
        put(sheet, row, 1 + row % 5, "x")
    sheet.heights |= {2: 40, 30: 25, 40: 12.5}
    by_xlsxwriter: list[int] = []
    original = Worksheet._write_row
    monkeypatch.setattr(Worksheet, "_write_row", lambda self, row, *args, **named: (
        by_xlsxwriter.append(row), original(self, row, *args, **named))[1])
    ours = _parts(save_atomically(book, tmp_path / "ours.xlsx"))
    assert by_xlsxwriter == []
    assert b'<row r="30" spans="1:1" ht="24.75" customHeight="1"/>' in ours["xl/worksheets/sheet1.xml"]
    sheet.heights[3] = 0  # hidden, as XlsxWriter takes a height of naught
    hidden = _parts(save_atomically(book, tmp_path / "hidden.xlsx"))
    assert by_xlsxwriter == [2]
    monkeypatch.setattr(excel, "_worksheet_class", lambda: Worksheet)
    assert _parts(save_atomically(book, tmp_path / "theirs-hidden.xlsx")) == hidden
    del sheet.heights[3]
    assert _parts(save_atomically(book, tmp_path / "theirs.xlsx")) == ours


def test_a_sheets_cells_are_given_row_by_row_each_row_by_column_whatever_order_they_were_put() -> None:
    sheet = Sheet("Feuille")
    for row, column in [(3, 2), (1, 5), (3, 1), (10, 1), (1, 2), (2, 3)]:
        put(sheet, row, column, f"{row}-{column}")
    assert [[cell.value for cell in row] for row in sheet.by_row()] == [["1-2", "1-5"], ["2-3"], ["3-1", "3-2"],
                                                                        ["10-1"]]


def test_a_row_put_at_once_is_the_cells_put_one_by_one() -> None:
    """put_row: each value made safe as :func:`put` makes it, wrapped in the columns given, a cell already
    there changed in place (its number format kept), the row's cells in the order put."""
    from analyse.excel import MAX_HELD, put_row

    values = ["=1+1", "bell\x07", 12, None, "@" + "x" * MAX_HELD, 2.5]
    one_by_one, at_once = Sheet("Un"), Sheet("Ensemble")
    for sheet in (one_by_one, at_once):
        put(sheet, 4, 3, "avant", number_format="0.0").comment = "gardée"
    for column, value in enumerate(values, start=2):
        put(one_by_one, 4, column, value, wrap=column in (3, 5))
    made = put_row(at_once, 4, values, start=2, wrapped=frozenset({3, 5}))

    def shown(cells: list[Any]) -> list[tuple]:
        return [(c.row, c.column, c.value, c.quoted, c.alignment, c.number_format, c.comment) for c in cells]

    assert shown(made) == shown([one_by_one.cells[4, column] for column in range(2, 8)])
    assert shown(at_once.rows[4]) == shown(one_by_one.rows[4]) and at_once.cells.keys() == one_by_one.cells.keys()
    assert made[1].comment == "gardée" and made[1].number_format == "0.0"


def test_rows_fitted_together_have_the_heights_each_fitted_alone_each_columns_width_looked_up_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from analyse import excel
    from analyse.excel import fit_row, fit_rows

    def sheet() -> Sheet:
        made = Sheet("Feuille")
        made.widths |= {1: 10, 2: 4.5}
        for row in range(1, 9):
            put(made, row, 1, "mot " * row * 3, wrap=True)
            put(made, row, 2, "ligne\n" * (row % 3) + "fin", wrap=row % 2 == 0)
            put(made, row, 3, "x" * 40 * row, wrap=row > 4)  # the default width
        made.heights[5] = 99
        return made

    alone, together = sheet(), sheet()
    for row in range(2, 9):
        if row != 5:
            fit_row(alone, row)
    looked_up: list[int] = []
    width = excel._width
    monkeypatch.setattr(excel, "_width", lambda ws, column: looked_up.append(column) or width(ws, column))
    fit_rows(together, 2)
    assert together.heights == alone.heights and together.heights[5] == 99 and 1 not in together.heights
    assert sorted(looked_up) == [1, 2, 3]
