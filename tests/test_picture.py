"""A form pasted as a picture, answers typed over it: the labels are read from
the picture (OCR), the answers from the text layer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.ocr_engine import get_engine
from extract.picture import TypedFirst, over_picture
from extract.read import METHOD_PICTURE, read_file
from extract.scan import OcrReader
from extract.tokens import Mark, Page, Word
from questionnaire.definition import load
from questionnaire.record import SOURCE_OCR, SOURCE_TEXT, SOURCE_TYPED
from samples.answers import Filled
from tests.support_picture import TENDER_REF, pasted_form

ENGINE = get_engine()
needs_ocr = pytest.mark.skipif(ENGINE is None, reason="Tesseract (fra) absent")
FORM = load("egalite-2024")
SAMPLE = Path(__file__).parents[1] / "samples" / "inbox"


@pytest.fixture(scope="module")
def pasted(tmp_path_factory) -> tuple[Path, Filled]:
    data, filled = pasted_form()
    path = tmp_path_factory.mktemp("picture") / "formulaire colle.pdf"
    path.write_bytes(data)
    return path, filled


class Refusing(OcrReader):
    """A scan reader that fails the test if a picture is read."""

    def picture(self, pdf_page, number: int) -> Page | None:
        raise AssertionError(f"page {number} read with OCR")


@needs_ocr
def test_pasted_form_reads_labels_from_the_picture_and_answers_from_the_text(pasted) -> None:
    path, filled = pasted
    record = read_file(path, path.name, TENDER_REF, forms=[FORM], scan_reader=OcrReader(ENGINE))
    assert record.error is None and record.method == METHOD_PICTURE
    fields, review = record.fields(FORM), set(record.review(FORM))
    assert {k: (v, fields[k]) for k, v in filled.fields.items() if fields[k] != v} == {}
    assert len(review) <= 2  # a printed unit ("%") read in a blank zone of the picture, at most
    typed = [k for k, v in filled.texts.items() if record.readings[k].source == SOURCE_TYPED]
    assert typed == list(filled.texts)


def test_without_ocr_a_pasted_form_is_rejected_saying_what_to_install(pasted) -> None:
    path, _ = pasted
    why = "Lecture des scans impossible : installez Tesseract."
    record = read_file(path, path.name, TENDER_REF, scan_reader=None, scan_unavailable=why, forms=[FORM])
    assert record.error_class == "not_questionnaire" and why in record.error and "image" in record.error
    assert record.pages == [1, 2, 3]


def _sample(channel: str) -> dict:
    truths = sorted(SAMPLE.parent.glob("truth/*/*.json"))
    return next(t for t in map(lambda p: json.loads(p.read_text(encoding="utf-8")), truths)
                if t.get("channel") == channel and (SAMPLE / t["file"]).suffix == ".pdf")


@pytest.mark.parametrize("channel", ["typed", "word", "flattened", "embedded", "bad"])
def test_a_text_layer_file_is_never_read_with_ocr(channel: str) -> None:
    """Ordinary digital files keep the text layer's speed: pictures are read only
    when the text layer alone does not show the form (and the file has pictures)."""
    truth = _sample(channel)
    path = SAMPLE / truth["file"]
    record = read_file(path, path.name, "t", forms=[FORM], scan_reader=Refusing(ENGINE))
    assert record.method != METHOD_PICTURE
    assert (record.error is None) == (truth["status"] != "rejected")


def _word(text: str, x0: float, source: str = SOURCE_TEXT, top: float = 100.0) -> Word:
    return Word(text, x0, top, x0 + 8 * len(text), top + 10, source=source)


def test_typed_words_are_answers_and_text_over_printed_words_stays_text() -> None:
    """A text-layer word over blank paper was typed (never a label); over the same
    printed word (a scan's text layer) it is that word, exact, and the OCR's is dropped."""
    label, answer = _word("SIRET", 50), _word("12345678900011", 120)
    printed = _word("SIRFT", 51, SOURCE_OCR)
    unit = _word("%", 300, SOURCE_OCR)
    page = over_picture(Page(1, 600, 800, words=[label, answer]), Page(1, 600, 800, words=[printed, unit]),
                        drawn=[], glyphs=[], widget_marks=[], ticks=[])
    assert [(w.text, w.source) for w in page.words] == [
        ("SIRET", SOURCE_TEXT), ("12345678900011", SOURCE_TYPED), ("%", SOURCE_OCR)]


def test_an_x_typed_over_a_box_of_the_picture_ticks_it() -> None:
    boxes = [Mark(100, 100, 110, 110, checked=False, source=SOURCE_OCR),
             Mark(200, 100, 210, 110, checked=False, source=SOURCE_OCR),
             Mark(300, 100, 310, 110, checked=True, source=SOURCE_OCR)]
    x = Word("X", 101, 100, 109, 110)
    page = over_picture(Page(1, 600, 800, words=[x]), Page(1, 600, 800, marks=boxes),
                        drawn=[], glyphs=[x], widget_marks=[], ticks=[])
    assert [m.checked for m in sorted(page.marks, key=lambda m: m.x0)] == [True, False, True]


def test_zones_with_typed_words_are_not_read_again_from_the_picture() -> None:
    asked = []

    def picture_reader(bbox, numeric=False):
        asked.append(bbox)
        return [_word("lu", bbox[0], SOURCE_OCR)]

    typed = _word("42", 100, SOURCE_TYPED)
    printed = _word("Note", 40, SOURCE_OCR)
    reader = TypedFirst([typed, printed], picture_reader)
    assert reader((90, 95, 200, 115)) == [typed]
    assert reader((30, 95, 80, 115))[0].text == "lu"
    assert asked == [(30, 95, 80, 115)]
