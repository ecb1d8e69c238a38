"""Two versions of the questionnaire in one inbox: the 2024 form and the draft 2027 one (directive 2023/970).

Each file is read with the version it shows, every record says which, the
workbooks show each version's questions and figures, and a change to one
version's definition reads again only the files of that version.
"""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

import pipeline
import questionnaire.definition as definition
from analyse.validate import validate
from pipeline import RunOptions, run_batch
from questionnaire.definition import load
from questionnaire.fillable import render_fillable
from questionnaire.paper import printed_label, render_form
from questionnaire.record import Reading, Record
from questionnaire.types import normalise
from questionnaire.word import questionnaire_docx

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
MIXED = {  # 2024 and 2027 answers, fillable and text layer, in two consultations
    "VM-2026-014/Questionnaire égalité - SARL Jardins du Hainaut.pdf": "egalite-2024",
    "VM-2026-014/Questionnaire égalité 2027 - SCOP Paysages Solidaires.pdf": "egalite-2027",
    "CHV-2026-007/Renseignements égalité 2027 - Valclean Services.pdf": "egalite-2027",
    "CHV-2026-007/fiche egalite 2027 Escaut Insertion.pdf": "egalite-2027",
    "VM-2026-014/Egalite_FH_Jardins_du_Hainaut_v2.pdf": "egalite-2024",
}
FORM_2027 = load("egalite-2027")


def inbox_of(tmp_path: Path) -> Path:
    inbox = tmp_path / "offres"
    for name in MIXED:
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / "inbox" / name, inbox / name)
    return inbox


def run(inbox: Path, output: Path) -> dict[str, dict]:
    assert run_batch(inbox, output, RunOptions(form="egalite-2024", workers=1, progress=False)) == 0
    lines = [json.loads(line) for line in (output / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return {line["file"]: line for line in lines}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("mixed")
    output = tmp / "sortie"
    return {"lines": run(inbox_of(tmp), output), "output": output}


def test_each_file_is_read_with_its_own_version_and_every_field_is_right(mixed: dict) -> None:
    lines = mixed["lines"]
    assert {name: line["form"] for name, line in lines.items()} == MIXED
    for name, line in lines.items():
        truth = json.loads((SAMPLES / "truth" / f"{name}.json").read_text(encoding="utf-8"))
        assert list(line["fields"]) == load(MIXED[name]).keys  # every key of its version, no other
        assert line["fields"] == pytest.approx(truth["fields"]), name
        assert sorted((f["key"], f["severity"]) for f in line["findings"]) == \
            sorted((f["key"], f["severity"]) for f in truth["findings"]), name


def test_the_2027_form_asks_the_directives_indicators_and_no_index() -> None:
    assert "equality_index.score" not in FORM_2027.keys and not FORM_2027.has_role("index_score")
    gap = FORM_2027.field("pay_gap.mean")
    assert normalise(gap, "-3,5 %", FORM_2027).value == -3.5  # a signed percentage
    assert normalise(gap, "−6,2", FORM_2027).value == -6.2


def test_a_pay_gap_of_five_percent_or_more_is_flagged_and_a_quartile_over_100_is_an_error(mixed: dict) -> None:
    valclean = mixed["lines"]["CHV-2026-007/Renseignements égalité 2027 - Valclean Services.pdf"]
    flagged = {f["key"]: f["message"] for f in valclean["findings"]}
    assert "2023/970" in flagged["pay_gap.mean"] and "7,4 %" in flagged["pay_gap.mean"]
    record = Record("a.pdf", "T", form_id=FORM_2027.id,
                    readings={"pay_quartiles.q2.women_pct": Reading("pay_quartiles.q2.women_pct", 120, "120"),
                              "pay_gap.median": Reading("pay_gap.median", -4.9, "-4,9")})
    found = {(f.key, f.severity) for f in validate(record)}
    assert ("pay_quartiles.q2.women_pct", "error") in found and ("pay_gap.median", "warning") not in found


def test_the_consultation_workbook_shows_each_versions_questions(mixed: dict) -> None:
    sheet = load_workbook(mixed["output"] / "VM-2026-014" / "synthese-VM-2026-014.xlsx")["Réponses"]
    titles = [c.value for c in sheet[1]]
    assert FORM_2027.field("pay_gap.mean").label in titles
    assert load("egalite-2024").field("equality_index.score").label in titles


def test_the_territory_reports_shared_figures_over_all_answers_and_each_versions_own(mixed: dict) -> None:
    sheet = load_workbook(mixed["output"] / "synthese-territoire.xlsx").worksheets[0]
    labels = [str(c.value) for c in sheet["A"] if c.value]
    assert any(label.startswith("Part de femmes (pondérée") for label in labels)
    assert any(label.startswith("Note moyenne à l'index") and "(questionnaire 2024)" in label for label in labels)
    assert any(label.startswith("Moyenne — Écart de rémunération moyen") and "(questionnaire 2027)" in label
               for label in labels)


def test_a_changed_anchor_reads_again_the_files_of_that_version_only(tmp_path: Path, monkeypatch) -> None:
    forms = tmp_path / "formulaires"
    shutil.copytree(definition.FORMS_DIR, forms)
    monkeypatch.setattr(definition, "FORMS_DIR", forms)
    read: list[str] = []
    parallel = pipeline.run_parallel

    def counted(items, work, **options):
        if getattr(work, "func", None) is pipeline.process:
            read.extend(item.relative for item in items)
        return parallel(items, work, **options)

    monkeypatch.setattr(pipeline, "run_parallel", counted)
    definition.load.cache_clear()
    inbox, output = inbox_of(tmp_path), tmp_path / "sortie"
    try:
        run(inbox, output)
        assert sorted(read) == sorted(MIXED)
        read.clear()
        run(inbox, output)
        assert read == []  # nothing changed: nothing read again
        path = forms / "egalite-2027.toml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            '"Écart de salaire moyen"]', '"Écart de salaire moyen", "Écart moyen de rémunération"]'),
            encoding="utf-8")
        definition.load.cache_clear()
        lines = run(inbox, output)
    finally:
        definition.load.cache_clear()
    assert sorted(read) == sorted(name for name, form in MIXED.items() if form == "egalite-2027")
    assert {name: line["form"] for name, line in lines.items()} == MIXED


def test_the_2027_templates_come_from_the_same_code() -> None:
    """Paper, fillable and Word: the directive's questions, not the index's."""
    paper, _ = render_form("modele", form=FORM_2027)
    with pdfplumber.open(io.BytesIO(paper)) as pdf:
        text = " ".join(page.extract_text() for page in pdf.pages)
    assert FORM_2027.document["pay_title"] in text and "index de l'égalité" not in text
    fields = PdfReader(io.BytesIO(render_fillable("modele", form=FORM_2027))).get_fields()
    assert sorted(name for name, field in fields.items() if "/FT" in field) == sorted(FORM_2027.keys)
    words = " ".join(p.text for p in Document(io.BytesIO(questionnaire_docx(FORM_2027))).paragraphs)
    assert printed_label(FORM_2027.field("pay_quartiles.q4.women_pct")) in words
