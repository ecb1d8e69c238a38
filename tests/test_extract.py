"""Extraction against known truth: the sample inbox and a layout the extractor was not written against.

Each sample PDF has its truth beside it in ``samples/truth`` (written by the
generator from what it drew, not by this extractor). Digital files must be
read exactly; on scans a value may be doubtful but never silently wrong.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.read import read_direct, read_file
from extract.tokens import FormField
from questionnaire.definition import load
from questionnaire.record import Record
from questionnaire.types import UNREADABLE, normalise
from tests.support_layouts import ANSWERS, GLYPH_FONT, draw_other_layout
from tests.support_samples import processed

ROOT = Path(__file__).resolve().parent.parent
INBOX, TRUTH = ROOT / "samples" / "inbox", ROOT / "samples" / "truth"
FORM = load("egalite-2024")


def _truths(scans: bool) -> list[dict]:
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(TRUTH.rglob("*.json"))]
    return [t for t in truths if (t["channel"] == "scan") == scans]


def _read(relative: str, tender: str) -> tuple[Record, dict]:
    record = Record.from_dict(processed(relative, tender))
    return record, record.to_contract()  # with the keys of the version the reader chose


def _same(expected, got) -> bool:
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(got, numbers) and not isinstance(expected, bool):
        return not isinstance(got, bool) and abs(expected - got) < 1e-9
    return expected == got


def _unreadable(truth: dict) -> list[str]:
    """The keys whose text, as the truth gives it, is not a value of the field's type (« abc » for a share)."""
    form = load(truth["form"])
    return [key for key, raw in truth.get("raw", {}).items()
            if normalise(form.field(key), raw, form).problem == UNREADABLE]


@pytest.mark.parametrize("truth", _truths(scans=False), ids=lambda t: f"{t['channel']}:{t['file']}")
def test_digital_sample_read_exactly(truth: dict) -> None:
    record, line = _read(truth["file"], truth["tender"])
    assert line["status"] == truth["status"], record.error
    assert line["form"] == truth["form"]
    if truth["status"] == "rejected":
        assert record.error and record.error_class == truth["error_class"]
        assert all(value is None for value in line["fields"].values())
        return
    wrong = {k: (v, line["fields"][k]) for k, v in truth["fields"].items() if not _same(v, line["fields"][k])}
    assert wrong == {}
    assert line["review"] == _unreadable(truth)  # text that is no value of its type: a person reads it
    expected = sorted((f["key"], f["severity"]) for f in truth["findings"])
    assert sorted((f["key"], f["severity"]) for f in line["findings"]) == expected
    assert record.pages == truth["pages"]


@pytest.mark.parametrize("truth", _truths(scans=True), ids=lambda t: t["file"])
def test_scanned_sample_never_silently_wrong(truth: dict) -> None:
    """Every field of a scan is either right or listed for review (zero silent errors)."""
    record, line = _read(truth["file"], truth["tender"])
    assert line["status"] in ("ok", "review")
    silent = {k: (v, line["fields"][k]) for k, v in truth["fields"].items()
              if not _same(v, line["fields"][k]) and k not in line["review"]}
    assert silent == {}


def test_every_sample_file_has_its_truth() -> None:
    files = {p.relative_to(INBOX).as_posix() for p in INBOX.rglob("*") if p.is_file()}
    truths = {t["file"] for t in _truths(False) + _truths(True)}
    assert files == truths and len(files) >= 40


@pytest.mark.skipif(not Path(GLYPH_FONT).exists(), reason="fonts-dejavu-core not installed")
def test_unseen_layout_is_read_from_its_labels(tmp_path: Path) -> None:
    """Other coordinates, fonts, column order, label variants, glyph boxes, ticks typed in cells."""
    path = tmp_path / "autre mise en page.pdf"
    path.write_bytes(draw_other_layout())
    record = read_file(path, path.name, "CHV-2026-007", forms=[FORM])
    fields = record.fields(FORM)
    assert {k: fields[k] for k in FORM.keys if not _same(ANSWERS[k], fields[k])} == {}
    assert record.review(FORM) == []


@pytest.mark.skipif(not Path(GLYPH_FONT).exists(), reason="fonts-dejavu-core not installed")
def test_an_unticked_layout_reads_blank_without_doubt(tmp_path: Path) -> None:
    path = tmp_path / "vierge.pdf"
    path.write_bytes(draw_other_layout({key: None for key in ANSWERS}))
    record = read_file(path, path.name, "CHV-2026-007", forms=[FORM])
    assert all(value is None for value in record.fields(FORM).values())
    assert record.review(FORM) == []


def test_word_processor_export_is_read_exactly() -> None:
    """Our Word form filled in and exported by LibreOffice Writer (a real word processor):
    labels wrapped in narrow cells, tab-leader dots glued to the typed words, elided articles.
    Made by tests/fixtures/make_word_export.py."""
    fixtures = Path(__file__).parent / "fixtures"
    expected = json.loads((fixtures / "word-export-libreoffice.json").read_text(encoding="utf-8"))
    path = fixtures / "word-export-libreoffice.pdf"
    record = read_file(path, path.name, "VM-2026-014", forms=[FORM])
    fields = record.fields(FORM)
    assert {k: (v, fields[k]) for k, v in expected.items() if not _same(v, fields[k])} == {}
    assert record.review(FORM) == []


@pytest.mark.parametrize(("relative", "needs_scans"), [
    ("VM-2026-014/Questionnaire égalité - SARL Jardins du Hainaut.pdf", False),  # our fillable form
    ("VM-2026-014/Formulaire égalité Tonte et Taille Dupont.pdf", False),  # a buyer's fillable form
    ("VM-2026-014/QUESTIONNAIRE EGALITE - NORDPAYSAGE.pdf", False),  # a text layer
    ("VM-2026-014/scan_questionnaire_egalite_0001.pdf", True),
])
def test_the_scan_reader_is_asked_for_only_when_a_page_needs_it(relative: str, needs_scans: bool) -> None:
    """Starting Tesseract costs a worker a third of a second: digital files never ask for it, and
    a scan gets the reader as it did when it was given before reading."""
    asked = []

    def start():
        asked.append(relative)
        return None, "Lecture des scans indisponible (test)."

    path = INBOX / relative
    record = read_file(path, relative, "t", forms=[FORM], scans=start)
    assert bool(asked) == needs_scans
    if needs_scans:
        assert {r.doubt for r in record.readings.values()} == {"Lecture des scans indisponible (test)."}
    else:
        assert record.error is None and not any(r.doubt for r in record.readings.values())


def test_a_fillable_forms_reading_stands_where_its_widgets_do():
    """A text field's zone is its widget's box; a choice's, every option on the ticked one's page."""
    fields = [FormField("structure_name", "text", "ACME", None, 1, (10.0, 20.0, 110.0, 40.0)),
              FormField("officers.president", "box", "woman", False, 1, (10.0, 50.0, 20.0, 60.0)),
              FormField("officers.president", "box", "man", True, 1, (30.0, 55.0, 40.0, 65.0)),
              FormField("officers.president", "box", "other", False, 2, (50.0, 50.0, 60.0, 60.0))]
    readings = read_direct(fields, FORM)
    name, president = readings["structure_name"], readings["officers.president"]
    box = (10.0, 20.0, 110.0, 40.0)
    assert (name.raw, name.page, name.bbox, name.zone) == ("ACME", 1, box, box)
    assert (president.raw, president.page, president.bbox, president.zone) == (
        "man", 1, (30.0, 55.0, 40.0, 65.0), (10.0, 50.0, 40.0, 65.0))
