"""The field reader's safety rules on OCR readings: what it cannot be sure of goes to review."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from extract.fields import read_fields
from extract.raster import without_dust
from extract.tokens import Mark, Page, Word
from questionnaire.definition import load
from questionnaire.record import SOURCE_OCR, SOURCE_TEXT

FORM = load("egalite-2024")
COLUMNS = {"Femme": 200.0, "Homme": 280.0, "Non binaire": 360.0, "Ne se prononce pas": 450.0}
ROWS = {"Président.e": 120.0, "Secrétaire": 140.0, "Trésorier.e": 160.0}


def _words(text: str, x: float, top: float, height: float = 9.0) -> list[Word]:
    words, cursor = [], x
    for part in text.split():
        width = 5.0 * len(part)
        words.append(Word(part, cursor, top, cursor + width, top + height, source=SOURCE_OCR, confidence=0.95))
        cursor += width + 3.0
    return words


def _officers_page(boxes: dict[str, dict[str, bool]]) -> Page:
    """The officers' table as a scan reads it: labels, and the boxes found in each cell."""
    words = _words("Genre des personnes occupant les postes suivants (cocher la case) :", 60, 80)
    for label, x in COLUMNS.items():
        words += _words(label, x - 2.5 * len(label), 100)
    marks = []
    for row, top in ROWS.items():
        words += _words(row, 60, top)
        for column, checked in boxes.get(row, {}).items():
            x = COLUMNS[column]
            marks.append(Mark(x - 5, top - 1, x + 5, top + 9, checked=checked, source=SOURCE_OCR, confidence=0.9))
    return Page(number=1, width=595, height=842, words=words, marks=marks, image_only=True)


def _all_boxes(ticked: dict[str, str]) -> dict[str, dict[str, bool]]:
    return {row: {column: ticked.get(row) == column for column in COLUMNS} for row in ROWS}


def test_a_ticked_box_gives_the_officer_gender():
    readings = read_fields([_officers_page(_all_boxes({"Président.e": "Homme"}))], FORM)
    assert (readings["officers.president"].value, readings["officers.president"].doubt) == ("man", None)
    assert (readings["officers.secretary"].value, readings["officers.secretary"].doubt) == (None, None)


def test_a_row_whose_box_was_not_found_goes_to_review():
    boxes = _all_boxes({})
    del boxes["Trésorier.e"]["Ne se prononce pas"]  # the tick made the box unrecognisable
    readings = read_fields([_officers_page(boxes)], FORM)
    treasurer = readings["officers.treasurer"]
    assert treasurer.value is None and "Ne se prononce pas" in treasurer.doubt


def _policy_page(text: str) -> Page:
    """A scanned page with the policy's label and ``text`` read below it."""
    return Page(number=1, width=595, height=842, image_only=True,
                words=(_words("Détailler ci-dessous votre politique interne en matière d'égalité professionnelle",
                              60, 100) + _words(text, 60, 130) + _words("1000 caractères maximum", 60, 200)))


@pytest.mark.parametrize("text, doubtful", [
    ("‘Label Diversité en cours d'instruction.", True),  # dust read as an opening quote
    ("Label « Diversité » en cours.", False),
    ("Accord signé (2024.", True),
    ("alternativement une femme et un homme,", True),  # a full stop read as a comma
    ("Cellule d’écoute externe.", False),  # the apostrophe ’ alone is French, not a quote
])
def test_implausible_punctuation_in_ocr_text_goes_to_review(text, doubtful):
    reading = read_fields([_policy_page(text)], FORM)["policy.text"]
    assert reading.raw == text
    assert ("Ponctuation improbable" in (reading.doubt or "")) == doubtful


@pytest.mark.parametrize("read, text, doubtful", [
    ("postes qualifiés {conduite, PAO, stock).", "postes qualifiés (conduite, PAO, stock).", False),
    ("accord (signé en 2024].", "accord (signé en 2024).", False),
    ("accord {signé en 2024].", "accord {signé en 2024].", True),  # no round bracket: cannot be decided
    ("accord (signé en 2024} (voir).", "accord (signé en 2024} (voir).", True),  # its own ) after it
    ("postes (conduite, PAO {stock}).", "postes (conduite, PAO {stock}).", False),  # nested pairs stay
])
def test_ocr_brackets_of_two_kinds_are_one_pair_misread(read, text, doubtful):
    reading = read_fields([_policy_page(read)], FORM)["policy.text"]
    assert reading.value == text
    assert ("Ponctuation improbable" in (reading.doubt or "")) == doubtful


@pytest.mark.parametrize("mark_x, kept", [(480.0, False), (207.0, True)])
def test_a_lone_letter_far_from_the_value_on_its_line_is_no_part_of_it(mark_x, kept):
    """A drop-down list's chevron printed and scanned reads « v » at the line's end; a letter
    a space away is the bidder's."""
    words = _words("Référence de la consultation :", 60, 100) + _words("2026-052 Fournitures de bureau", 60, 115)
    words.append(Word("v", mark_x, 117, mark_x + 5, 122, source=SOURCE_OCR, confidence=0.88))
    page = Page(number=1, width=595, height=842, image_only=True, words=words)
    reading = read_fields([page], FORM)["tender_ref"]
    assert reading.value == "2026-052 Fournitures de bureau" + (" v" if kept else "")


@pytest.mark.parametrize("answer, doubtful", [("1/3", True), ("33", False), ("Sans objet", False)])
def test_a_number_written_that_cannot_be_parsed_goes_to_review(answer, doubtful):
    """« 1/3 » for a percentage, in a page's text: null, and a person reads what the bidder meant."""
    words = [replace(w, source=SOURCE_TEXT) for w in _words("Part des femmes parmi les bénévoles : " + answer, 60, 100)]
    reading = read_fields([Page(number=1, width=595, height=842, words=words)], FORM)["volunteers.women_pct"]
    assert reading.raw == answer
    assert (reading.doubt is not None) == doubtful


def _blob(image: np.ndarray, x: int, y: int, width: int, height: int) -> None:
    image[y:y + height, x:x + width] = 0


def test_dust_beside_a_number_goes_but_a_decimal_comma_stays():
    scale = 300 / 72
    image = np.full((60, 200), 255, np.uint8)
    _blob(image, 20, 10, 6, 30)  # a digit
    _blob(image, 29, 36, 4, 4)  # a comma just after it...
    _blob(image, 36, 10, 6, 30)  # ...and before the next digit: a decimal separator
    _blob(image, 60, 36, 4, 4)  # dust after the last digit
    _blob(image, 100, 5, 3, 3)  # dust far away
    clean = without_dust(image, scale)
    assert (clean[36:40, 29:33] == 0).all()
    assert (clean[36:40, 60:64] == 255).all() and (clean[5:8, 100:103] == 255).all()
    assert (clean[10:40, 20:26] == 0).all() and (clean[10:40, 36:42] == 0).all()


@pytest.mark.parametrize("mark", ["*", "+"])
def test_a_required_mark_after_a_label_is_no_answer_even_misread(mark):
    """An online form's print puts a small « * » after a required label; OCR often reads it « + »."""
    words = _words("Raison sociale / nom de la structure", 60, 100)
    words.append(Word(mark, 250, 100, 254, 105, source=SOURCE_OCR, confidence=0.9))
    words += _words("SARL Dupont Ascenseurs", 60, 115)
    reading = read_fields([Page(number=1, width=595, height=842, image_only=True, words=words)], FORM)
    assert reading["structure_name"].value == "SARL Dupont Ascenseurs"


@pytest.mark.parametrize("source, text, doubtful", [
    (SOURCE_OCR, "Partenanat avec une association locale.", True),
    (SOURCE_OCR, "Partenariat avec une association locale.", False),
    (SOURCE_TEXT, "Partenanat avec une association locale.", False),  # the bidder's own typing, kept as written
])
def test_a_word_no_dictionary_knows_in_a_scan_s_text_goes_to_review(source, text, doubtful):
    page = _policy_page(text)
    page = replace(page, image_only=source == SOURCE_OCR, words=[replace(w, source=source) for w in page.words])
    reading = read_fields([page], FORM)["policy.text"]
    assert reading.value == text
    assert ("absent du dictionnaire" in (reading.doubt or "")) == doubtful
