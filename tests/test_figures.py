"""Figures an officer can publish: values in error left out, one head count, one identity per
structure, the answer retained when a structure answers twice, statistical secrecy."""
from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

from analyse.export import write_jsonl
from analyse.indicators import distinct, structure_keys
from analyse.store import Store
from questionnaire.types import siret_checksum_ok
from analyse.workbook_tender import COUNTED, write_tender_workbook
from analyse.workbook_territory import write_territory_workbook
from questionnaire.definition import load
from questionnaire.record import Record
from samples.bidders import luhn_ok as _luhn  # the generator's own check, not the validator's
from tests.support_analyse import EXTRACTOR, record, siret, staff
from tests.support_samples import processed
from tests.test_workbooks import table

FORM = load("egalite-2024")
RUN = date(2026, 3, 2)
TENDER = "AO-2026-01"
INBOX = Path(__file__).resolve().parent.parent / "samples" / "inbox"


def store_of(path: Path, records: list[Record]) -> Store:
    store = Store(path, FORM)
    run = store.start_run(Path("inbox"), datetime(2026, 3, 2, 9))
    for item in records:
        store.save(run, item, EXTRACTOR)
    store.finish_run(run, {})
    return store


def bidder(name: str, body: str, score: Any, **values: Any) -> Record:
    fields = {"structure_name": name, "siret": siret(body), **staff((10, 10), (20, 20)),
              "equality_index.score": score} | values
    return record(f"{TENDER}/{name}.pdf", TENDER, fields)


def overview(path: Path) -> dict[str, dict[str, Any]]:
    return {row["Indicateur"]: row for row in table(load_workbook(path)["Territoire"], 10)}


def summary(path: Path) -> tuple[dict[str, dict[str, Any]], list[list[Any]]]:
    """The tender summary's rows by file, and the rows under the table (means and note)."""
    ws = load_workbook(path)["Synthèse"]
    rows = {row["Fichier"]: row for row in table(ws, 7)}
    below = [list(r) for r in ws.iter_rows(min_row=8 + len(rows), max_row=11 + len(rows), values_only=True)]
    return rows, [r for r in below if any(v is not None for v in r)]


# ---------------------------------------------------------------------------
# A value in error is left out, and the summaries say so.


def test_a_score_of_120_is_left_out_of_every_average_band_colour_and_chart(tmp_path: Path) -> None:
    records = [bidder("Alpha", "11111111", 120), bidder("Beta", "22222222", 80), bidder("Gamma", "33333333", 90)]
    assert [f.rule for f in records[0].findings if f.severity == "error"] == ["score_range"]
    store = store_of(tmp_path / "egalite.sqlite", records)
    territory = write_territory_workbook(store, tmp_path / "territoire.xlsx", RUN)
    mean = overview(territory)["Note moyenne à l'index"]
    assert (mean["Valeur"], mean["Structures concernées"]) == (85, 2)
    assert mean["Valeurs exclues"] == "1 valeur exclue (erreur)"
    declared = overview(territory)["Part des 50 salariés ou plus déclarant leur index (note ou NC)"]
    assert (declared["Valeur"], declared["Structures concernées"]) == (1, 2)  # Alpha's 120: not known either way
    wb = load_workbook(territory)
    group = table(wb["Par consultation"], 3)[0]
    assert group["Note moyenne à l'index"] == 85 and group["Valeurs exclues"] == "1 valeur exclue (erreur)"
    bands = {row["Note"]: row["Structures"] for row in table(wb["Index"], 4)}
    assert sum(bands.values()) == 2 and bands["95 à 100"] == 0
    assert "1 valeur exclue (erreur)" in wb["Index"]["A3"].value

    book = write_tender_workbook(store.latest(TENDER), TENDER, tmp_path / TENDER / "t.xlsx", RUN, form=FORM)
    rows, below = summary(book)
    alpha = rows[f"{TENDER}/Alpha.pdf"]
    assert alpha["Index déclaré"] == "120 (erreur, exclue)"  # shown as written, as text: no colour rule applies
    assert alpha["Note (graphique)"] is None  # nor drawn in the chart
    titles = list(rows[f"{TENDER}/Beta.pdf"])
    means = dict(zip(titles, below[0]))
    assert means["Index déclaré"] == 85
    assert below[1][0].startswith("1 valeur exclue (erreur) : Index") and "Alpha" in below[1][0]


def test_a_negative_head_count_is_left_out_of_the_head_count(tmp_path: Path) -> None:
    values = staff((10, 10), (20, 20)) | {"staff.total.total": -60}
    rec = record(f"{TENDER}/neg.pdf", TENDER, {"structure_name": "Neg", "siret": siret("55555555"), **values})
    store = store_of(tmp_path / "egalite.sqlite", [rec])
    book = write_tender_workbook(store.latest(TENDER), TENDER, tmp_path / TENDER / "t.xlsx", RUN, form=FORM)
    rows, _ = summary(book)
    assert rows[f"{TENDER}/neg.pdf"]["Effectif total"] == 60  # the total row's cells, not -60


# ---------------------------------------------------------------------------
# One head count.


def test_managers_and_others_with_a_blank_total_row_count_70_everywhere(tmp_path: Path) -> None:
    cells = {"staff.managers.women": 10, "staff.managers.men": 20, "staff.managers.total": 30,
             "staff.non_managers.women": 20, "staff.non_managers.men": 20, "staff.non_managers.total": 40}
    rec = record(f"{TENDER}/seventy.pdf", TENDER, {"structure_name": "Seventy", "siret": siret("66666666"), **cells})
    missing = [f for f in rec.findings if f.rule == "index_missing"]
    assert len(missing) == 1 and "70 personnes" in missing[0].message
    store = store_of(tmp_path / "egalite.sqlite", [rec])
    values = overview(write_territory_workbook(store, tmp_path / "territoire.xlsx", RUN))
    assert values["Structures de 50 salariés ou plus"]["Valeur"] == 1
    assert values["Part des 50 salariés ou plus déclarant leur index (note ou NC)"]["Structures concernées"] == 1
    assert values["Part de femmes (moyenne des structures)"]["Valeur"] == pytest.approx(30 / 70)
    rows, _ = summary(write_tender_workbook(store.latest(TENDER), TENDER, tmp_path / TENDER / "t.xlsx", RUN, form=FORM))
    assert rows[f"{TENDER}/seventy.pdf"]["Effectif total"] == 70
    assert rows[f"{TENDER}/seventy.pdf"]["Part de femmes"] == pytest.approx(30 / 70)


# ---------------------------------------------------------------------------
# One identity per structure.


def test_a_structure_is_its_valid_siret_else_its_name_else_unidentified() -> None:
    good = siret("77777777")
    same_company = _same_company(good)
    records = [
        record("T/a.pdf", "T", {"structure_name": "SAS Verdure Services", "siret": good}),
        record("T/b.pdf", "T", {"structure_name": "Verdure services", "siret": good[:13] + "0"}),  # misread
        record("T/c.pdf", "T", {"structure_name": "Verdure Services Lille", "siret": same_company}),
        record("T/d.pdf", "T", {"structure_name": "Sans Numéro"}),
        record("T/e.pdf", "T", {"structure_name": "(. m, 1 Krrreder"}, doubts={"structure_name": "OCR"}),
        record("T/f.pdf", "T", {}),
    ]
    assert records[1].fields()["siret"] != good and any(f.key == "siret" for f in records[1].findings)
    keys = structure_keys(records)
    assert keys[0] == keys[1] == f"numero:{good}"  # the misread SIRET's name has one valid SIRET
    assert keys[2] == f"numero:{same_company}" != keys[0]  # another establishment in a consultation...
    assert len(set(structure_keys(records, territory=True)[:3])) == 1  # ...the same company in the territory
    assert keys[3] == "nom:sans numero" and keys[4] is None and keys[5] is None
    assert len(distinct(records)) == 2  # Verdure (SIREN) and « Sans Numéro »; the others are not identified


def test_the_distinct_structures_read_each_identity_once_for_the_tenders_and_the_territorys_keys(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each answer's SIRET and name read once, giving its structure in its tender (the answer retained)
    and in the territory (by SIREN): the structures found by each key in turn, the choice kept."""
    from analyse import indicators
    from analyse.indicators import retained

    good = siret("77777777")
    answers = [("T1", "SAS Verdure Services", good), ("T1", "Verdure services", good[:13] + "0"),  # misread
               ("T1", "Sans Numéro", None), ("T2", "Verdure Services Lille", _same_company(good)),
               ("T2", "Sans numero", None), ("T2", "Sans Numéro SARL", None), ("T2", None, None)]
    records = [record(f"{tender}/{n}.pdf", tender, {"structure_name": name, "siret": number})
               for n, (tender, name, number) in enumerate(answers)]
    records[-1].error = "illisible"
    choices = {("T1", f"numero:{good}"): "T1/0.pdf", ("T2", "nom:sans numero"): "T2/4.pdf"}
    everyone = [r for r in records if not r.rejected]
    by_territory = dict(zip(map(id, everyone), structure_keys(everyone, territory=True)))
    expected: dict[str, Record] = {}
    for found in retained(records, choices):
        expected.pop(by_territory[id(found)], None)
        expected[by_territory[id(found)]] = found
    read = []
    identifiers = indicators._identifiers
    monkeypatch.setattr(indicators, "_identifiers", lambda r: (read.append(r), identifiers(r))[1])
    kept = distinct(records, choices)
    assert [r.file for r in kept] == [r.file for r in expected.values()] == ["T2/3.pdf", "T2/4.pdf"]
    assert sorted(r.file for r in read) == sorted(r.file for r in everyone)


def test_a_measure_losing_values_in_error_keeps_every_other_field() -> None:
    from dataclasses import fields, replace

    from analyse.indicators import Answer, Measure, _losing

    measure = Measure(0.5, 7, "score", 0, 0.4, True)
    answers = [Answer({}, frozenset({"a", "b"})), Answer({}, frozenset({"b", "c"})), Answer({}, frozenset())]
    assert _losing(measure, answers, ["b", "c"]) == replace(measure, excluded=3)
    assert [f.name for f in fields(Measure)] == ["value", "base", "kind", "excluded", "dominance", "masked"]


def _same_company(number: str) -> str:
    """Another valid SIRET of the company of ``number`` (the same SIREN, its first 9 digits)."""
    return next(other for n in range(1, 99999)
                if (other := number[:9] + f"{n:05d}") != number and siret_checksum_ok(other))


def test_an_unidentified_answer_is_said_not_to_count(tmp_path: Path) -> None:
    records = [bidder("Alpha", "11111111", 80),
               record(f"{TENDER}/scan.pdf", TENDER, {"structure_name": "(. m, 1 Krr", "equality_index.score": 10},
                      doubts={"structure_name": "OCR"})]
    book = write_tender_workbook(records, TENDER, tmp_path / TENDER / "t.xlsx", RUN, form=FORM)
    rows, below = summary(book)
    assert rows[f"{TENDER}/scan.pdf"][COUNTED] == "Non (structure non identifiée)"
    assert rows[f"{TENDER}/Alpha.pdf"][COUNTED] is None
    ws = load_workbook(book)["Synthèse"]
    titles = [c.value for c in ws[7]]
    column, file = titles.index(COUNTED), titles.index("Fichier")
    fills = {line[file].value: line[column].fill.fgColor.rgb for line in ws.iter_rows(min_row=8, max_row=9)}
    assert fills[f"{TENDER}/Alpha.pdf"] != fills[f"{TENDER}/scan.pdf"]  # only the answer not counted is coloured
    assert dict(zip(rows[f"{TENDER}/Alpha.pdf"], below[0]))["Index déclaré"] == 80  # the 10 is not in the mean


# ---------------------------------------------------------------------------
# The whole sample inbox, checked against records.jsonl.


@pytest.fixture(scope="module")
def samples_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample inbox as `egalite run` stores it (one run, files in name order), and its outputs."""
    output = tmp_path_factory.mktemp("samples-output")
    files = sorted(p.relative_to(INBOX).as_posix() for p in INBOX.rglob("*") if p.is_file())
    records = [Record.from_dict(processed(relative, relative.split("/")[0])) for relative in files]
    store = store_of(output / "egalite.sqlite", records)
    write_jsonl(store.latest(), output / "records.jsonl")
    write_territory_workbook(store, output / "synthese-territoire.xlsx", RUN)
    write_territory_workbook(store, output / "publication.xlsx", RUN, publication=True)
    return output


def _contracts(output: Path) -> list[dict]:
    import json
    return [json.loads(line) for line in (output / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def test_distinct_structures_on_the_samples_are_valid_sirens_plus_names_without_one(samples_run: Path) -> None:
    lines = [c for c in _contracts(samples_run) if c["status"] != "rejected"]
    valid = {c["fields"]["siret"][:9] for c in lines
             if (s := c["fields"]["siret"]) and len(s) == 14 and s.isdigit() and _luhn(s[:9]) and _luhn(s)}
    named = {" ".join(c["fields"]["structure_name"].casefold().split()) for c in lines
             if c["fields"]["structure_name"] and "structure_name" not in c["review"]}
    numbered = {" ".join(c["fields"]["structure_name"].casefold().split()) for c in lines
                if c["fields"]["structure_name"] and (s := c["fields"]["siret"]) and s[:9] in valid}
    expected = len(valid) + len(named - numbered)
    values = overview(samples_run / "synthese-territoire.xlsx")
    assert values["Structures distinctes"]["Valeur"] == expected == 17  # 3 of them answer the 2027 form


def test_sample_figures_equal_a_computation_from_records_jsonl_without_error_values(samples_run: Path) -> None:
    """Latest answer per SIREN (file name order within a run), values with an error finding left out."""
    latest: dict[str, dict] = {}
    for line in sorted(_contracts(samples_run), key=lambda c: c["file"]):
        siret_value = line["fields"]["siret"]
        if line["status"] != "rejected" and siret_value and _luhn(siret_value[:9]) and _luhn(siret_value):
            errors = {f["key"] for f in line["findings"] if f["severity"] == "error"}
            latest[siret_value[:9]] = {k: (None if k in errors else v) for k, v in line["fields"].items()}
    scores = [v["equality_index.score"] for v in latest.values() if isinstance(v.get("equality_index.score"), int)]
    values = overview(samples_run / "synthese-territoire.xlsx")
    index = "Note moyenne à l'index (questionnaire 2024)"  # only the 2024 form asks it: over its answers
    assert values[index]["Valeur"] == pytest.approx(sum(scores) / len(scores))
    assert values[index]["Valeurs exclues"] == "1 valeur exclue (erreur)"  # ESAT's 120
    boards = [v["board.exists"] for v in latest.values() if v["board.exists"] is not None]
    assert values["Part des structures ayant un conseil d'administration"]["Valeur"] == pytest.approx(
        sum(boards) / len(boards))
    shares = [v["board.women_pct"] / 100 for v in latest.values() if v["board.women_pct"] is not None]
    assert values["Part moyenne de femmes dans les conseils d'administration"]["Valeur"] == pytest.approx(
        sum(shares) / len(shares))


# ---------------------------------------------------------------------------
# Publication: dominance and secondary secrecy.


def _officers(president: str, secretary: str, treasurer: str) -> dict[str, str]:
    return {"officers.president": president, "officers.secretary": secretary, "officers.treasurer": treasurer}


@pytest.fixture(scope="module")
def publishable(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Five structures in one tender (one of 1000 employees), two in another; then both workbooks."""
    output = tmp_path_factory.mktemp("publication")
    genders = [("woman", "man", "man"), ("man", "man", "woman"), ("man", "woman", "man"),
               ("man", "man", "man"), ("woman", "man", "woman"), ("man", "woman", "man"), ("man", "man", "man")]
    records = []
    for n, (office, tender) in enumerate(zip(genders, ["A"] * 5 + ["B"] * 2)):
        size = (200, 300) if n == 0 else (2 + n, 3)
        records.append(record(f"{tender}/s{n}.pdf", tender, {
            "structure_name": f"S{n}", "siret": siret(f"{n + 1}" * 8), **staff(size, (100, 400) if n == 0 else (2, 2)),
            "equality_index.score": [92, 88, 76, 81, 64, 99, 70][n], "board.exists": n % 2 == 0,
            **_officers(*office)}))
    store = store_of(output / "egalite.sqlite", records)
    plain = write_territory_workbook(store, output / "plain.xlsx", RUN)
    public = write_territory_workbook(store, output / "public.xlsx", RUN, publication=True)
    return {"plain": plain, "public": public}


def test_a_cell_dominated_by_one_structure_is_masked(publishable: dict[str, Path]) -> None:
    plain, public = overview(publishable["plain"]), overview(publishable["public"])
    weighted = "Part de femmes (pondérée par l'effectif)"
    assert plain[weighted]["Structures concernées"] == 7  # enough structures, but S0 has 1000 of 1042 people
    assert public[weighted]["Valeur"] == "secret"
    assert public["Part de femmes (moyenne des structures)"]["Valeur"] == pytest.approx(
        plain["Part de femmes (moyenne des structures)"]["Valeur"])  # every structure weighs the same there
    wb = load_workbook(publishable["public"])
    ws = wb["Par consultation"]
    titles = [c.value for c in ws[3]]
    shown, drawn = [i + 1 for i, title in enumerate(titles) if title == weighted]  # the table, the chart's data
    assert [ws.cell(row, shown).value for row in (4, 5)] == ["secret", "secret"]
    assert [ws.cell(row, drawn).value for row in (4, 5)] == [None, None]


def _published_cells(path: Path) -> tuple[dict[tuple, float | None], list[dict[tuple, float]]]:
    """Every figure of a published territory workbook (None when « secret ») and the linear ties
    between them that a reader knows: bands adding up to the structures behind the mean score, a row
    of genders to its total, a share of women times its base to the women count, the consultations'
    and years' figures to the territory's (taken as exact sums: the safe side)."""
    wb = load_workbook(path)
    cells: dict[tuple, float | None] = {}

    def number(value: Any) -> float | None:
        return None if value == "secret" else value or 0.0  # an empty cell is known: nothing to compute

    ws = wb["Territoire"]
    overview_rows = table(ws, 10)
    for row in overview_rows:
        cells[("T", row["Indicateur"], "v")] = number(row["Valeur"])
        cells[("T", row["Indicateur"], "b")] = number(row["Structures concernées"])
    received = ws["A5"].value
    cells[("T", received)] = number(ws["B5"].value)
    ties: list[dict[tuple, float]] = []
    bands = table(wb["Index"], 4)
    for row in bands:
        cells[("I", row["Note"])] = number(row["Structures"])
    ties.append({("I", row["Note"]): 1 for row in bands if not row["Note"].startswith("NC")}
                | {("T", "Note moyenne à l'index", "b"): -1})
    governance = table(wb["Gouvernance"], 3)
    for row in governance:
        office = row["Poste"]
        genders = [k for k in row if k != "Poste"]
        for gender in genders:
            cells[("G", office, gender)] = number(row[gender])
        ties.append({("G", office, g): 1 for g in genders} | {("T", f"Part de femmes — {office}", "b"): -1})
        base = cells[("T", f"Part de femmes — {office}", "b")]
        if base is not None:  # share × base = women: linear once the base is shown
            ties.append({("T", f"Part de femmes — {office}", "v"): base, ("G", office, genders[0]): -1})
    for sheet, title in (("Par consultation", "Consultation"), ("Par année", "Année")):
        titles = [c.value for c in wb[sheet][3]]
        titles = titles[:titles.index("Valeurs exclues")]  # then come the charts' hidden columns
        rows = [dict(zip(titles, line)) for line in wb[sheet].iter_rows(min_row=4, values_only=True) if line[0]]
        labels = titles[1:]
        for row in rows:
            for label in labels:
                cells[(sheet, row[title], label)] = number(row[label])
        for label in labels:
            total = ("T", received) if label == "Réponses reçues" else ("T", label, "v")
            ties.append({(sheet, row[title], label): 1 for row in rows} | {total: -1})
    return cells, ties


def _recomputable(cells: dict[tuple, float | None], ties: list[dict[tuple, float]]) -> list[tuple]:
    """The masked cells whose value the ties determine, given the cells shown (linear algebra)."""
    unknown = [cell for cell, value in cells.items() if value is None]
    if not unknown:
        return []
    index = {cell: i for i, cell in enumerate(unknown)}
    matrix = np.array([[tie.get(cell, 0.0) for cell in unknown] for tie in ties if any(c in index for c in tie)]
                      or [[0.0] * len(unknown)])
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for cell, i in index.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(cell)
    return found


def test_no_masked_value_can_be_recomputed_from_the_cells_shown(publishable: dict[str, Path]) -> None:
    cells, ties = _published_cells(publishable["public"])
    masked = [cell for cell, value in cells.items() if value is None]
    assert len(masked) > 10  # the small tender, rare genders, the dominated shares
    assert _recomputable(cells, ties) == []
    plain, _ = _published_cells(publishable["plain"])
    primary = [cell for cell in masked if cell[0] == "G" and plain[cell] in (1, 2)]
    assert primary, "a gender given by 1 or 2 structures is secret"
    # The audit itself finds a lone masked cell: hide one primary cell only and it is recomputed.
    lone = {cell: (None if cell == primary[0] else value) for cell, value in plain.items()}
    assert _recomputable(lone, ties) == [primary[0]]


# ---------------------------------------------------------------------------
# A structure answering twice: flagged, and the officer chooses which answer counts.


def test_two_answers_of_one_siret_are_flagged_and_the_officers_choice_counts_after_a_rerun(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    inbox, output = tmp_path / "inbox", tmp_path / "sortie"
    for name in ("Questionnaire égalité ESAT Rhônelle.pdf", "fiche_egalite_ESAT.pdf"):  # NC, then 120
        (inbox / "CHV-2026-007").mkdir(parents=True, exist_ok=True)
        shutil.copy(INBOX / "CHV-2026-007" / name, inbox / "CHV-2026-007" / name)

    def run() -> str:
        result = CliRunner().invoke(main, ["run", str(inbox), "--output", str(output), "--workers", "1"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run()
    book = output / "CHV-2026-007" / "synthese-CHV-2026-007.xlsx"
    wb = load_workbook(book)
    sheet = wb["Réponses multiples"]
    assert "fichier reçu en dernier" in sheet["A2"].value  # the default rule, written on the sheet
    rows = {row["Fichier"]: row for row in table(sheet, 5)}
    nc, score = "CHV-2026-007/Questionnaire égalité ESAT Rhônelle.pdf", "CHV-2026-007/fiche_egalite_ESAT.pdf"
    assert {f: r["Réponse retenue"] for f, r in rows.items()} == {nc: "Non", score: "Oui"}
    flags = {row["Fichier"]: row[COUNTED] for row in table(wb["Synthèse"], 7)}
    assert flags == {nc: "Non", score: "Oui"}
    structures = table(load_workbook(output / "synthese-territoire.xlsx")["Structures"], 4)
    assert [(row["Index déclaré"], row["Fichier retenu"]) for row in structures] == [("120 (erreur, exclue)", score)]

    column = [c.value for c in sheet[5]].index("Réponse retenue") + 1
    for line in sheet.iter_rows(min_row=6):
        if line[2].value in rows:
            line[column - 1].value = "Oui" if line[2].value == nc else "Non"
    wb.save(book)
    assert "Réponse retenue pour ESAT Les Ateliers de la Rhônelle (consultation CHV-2026-007)" in run()
    flags = {row["Fichier"]: row[COUNTED] for row in table(load_workbook(book)["Synthèse"], 7)}
    assert flags == {nc: "Oui", score: "Non"}
    structures = table(load_workbook(output / "synthese-territoire.xlsx")["Structures"], 4)
    assert [(row["Index déclaré"], row["Fichier retenu"]) for row in structures] == [("NC", nc)]
    run()  # kept on the next runs
    flags = {row["Fichier"]: row[COUNTED] for row in table(load_workbook(book)["Synthèse"], 7)}
    assert flags == {nc: "Oui", score: "Non"}


def test_no_masked_value_of_the_samples_publication_can_be_recomputed(samples_run: Path) -> None:
    cells, ties = _published_cells(samples_run / "publication.xlsx")
    plain, _ = _published_cells(samples_run / "synthese-territoire.xlsx")
    masked = [cell for cell, value in cells.items() if value is None]
    primary = [cell for cell in masked if cell[0] in ("I", "G") and plain[cell] in (1, 2)]
    assert primary and len(masked) > len(primary)  # secrets of their own, and others hidden to protect them
    assert _recomputable(cells, ties) == []
