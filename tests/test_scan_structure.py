"""A scan's page structure from its pixels: light gray rules and cells, round option
buttons, and the cell sides that OCR must not read. Pages are drawn in the test (numpy,
OpenCV) with gray levels like a laser print scanned at 300 dpi, so a failure points at the rule."""
from __future__ import annotations

import cv2
import numpy as np

from extract.boxes import find_boxes
from extract.cells import cell_sides, find_tables
from extract.raster import Raster, ink_threshold, rule_lines, text_only
from extract.ocr_engine import OcrWord
from extract.raster import Raster as PageRaster
from extract.scan import _missed_words, _prepared, _with_typed_boxes, unread_pieces, without_paragraph_bodies
from extract.glyphs import Specimens
from extract.scan import UNKNOWN_SOURCE
from extract.tokens import Rule, Word

DPI = 300
SCALE = DPI / 72
PAPER, TEXT, LIGHT_GRAY = 235, 40, 195  # a browser's grid and input boxes print in light gray


def _page() -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.clip(rng.normal(PAPER, 3, (int(300 * SCALE), int(400 * SCALE))), 0, 255).astype(np.uint8)


def _px(value: float) -> int:
    return round(value * SCALE)


def _words(image: np.ndarray, text: str, x: float, top: float) -> None:
    cv2.putText(image, text, (_px(x), _px(top + 8)), cv2.FONT_HERSHEY_SIMPLEX, 1.1, TEXT, 3, cv2.LINE_AA)


def _rules(image: np.ndarray) -> list[Rule]:
    return [Rule(*(v / SCALE for v in line)) for line in rule_lines(image, SCALE)]


def test_a_table_grid_printed_in_light_gray_gives_its_cells():
    image = _page()
    xs, ys = [40, 140, 240, 340], [40, 70, 100]
    for x in xs:
        cv2.line(image, (_px(x), _px(ys[0])), (_px(x), _px(ys[-1])), LIGHT_GRAY, 3)
    for y in ys:
        cv2.line(image, (_px(xs[0]), _px(y)), (_px(xs[-1]), _px(y)), LIGHT_GRAY, 3)
    for row, y in enumerate(ys[:-1]):
        for x in xs[:-1]:
            _words(image, "Femmes", x + 10, y + 8)
    assert ink_threshold(image) < LIGHT_GRAY  # Otsu's threshold between text and paper leaves the grid out
    tables = find_tables(_rules(image))
    assert [(t.row_count, t.column_count) for t in tables] == [(2, 3)]


def test_the_gray_blur_around_a_line_of_bold_text_is_no_rule():
    image = _page()
    for row in range(3):
        _words(image, "RENSEIGNEMENTS RELATIFS A LA POLITIQUE", 30, 40 + 30 * row)
    blurred = cv2.GaussianBlur(image, (7, 7), 2.0)  # a soft scan: letters wear a light gray halo
    sharp = np.where(blurred < ink_threshold(blurred), blurred, PAPER).astype(np.uint8)  # the halo taken off
    assert len(_rules(blurred)) == len(_rules(sharp))


def test_round_option_buttons_are_found_with_their_state():
    image = _page()
    for x, chosen in ((60, True), (120, False)):
        centre, radius = (_px(x), _px(60)), _px(5)
        cv2.circle(image, centre, radius, LIGHT_GRAY - 60, _px(1.2), cv2.LINE_AA)
        if chosen:
            cv2.circle(image, centre, _px(2.5), TEXT, -1, cv2.LINE_AA)
    cv2.ellipse(image, (_px(200), _px(60)), (_px(3.5), _px(5)), 0, 0, 360, TEXT, _px(1.2))  # a letter "O"
    boxes = find_boxes(Raster(image, DPI))
    assert [(round(b.x0 / SCALE / 10), b.checked) for b in boxes] == [(5, True), (11, False)]


def test_the_sides_of_an_input_box_are_erased_before_ocr():
    image = _page()
    cv2.rectangle(image, (_px(40), _px(40)), (_px(100), _px(60)), 140, 3)  # one row tall: short sides
    _words(image, "25", 60, 45)
    rules = _rules(image)
    sides = [tuple(v * SCALE for v in side) for side in cell_sides(find_tables(rules))]
    text = text_only(image, ink_threshold(image), SCALE, sides)
    ink = text < 128
    assert not ink[_px(42):_px(58), _px(38):_px(43)].any() and not ink[_px(42):_px(58), _px(97):_px(102)].any()
    assert ink[_px(44):_px(56), _px(58):_px(80)].any()  # the value stays


def test_box_characters_typed_in_the_text_are_boxes_but_bold_letters_are_not():
    """« ☑ Oui ☐ Non » typed in 10 pt text: boxes of about 7 pt, thin all around; a bold
    letter of that size is as square, but its strokes are thick."""
    image = _page()
    for x, ticked in ((60, True), (120, False)):
        cv2.rectangle(image, (_px(x), _px(60)), (_px(x + 7), _px(67)), TEXT, 2)
        if ticked:
            cv2.line(image, (_px(x + 1.5), _px(63.5)), (_px(x + 3), _px(65.5)), TEXT, 3)
            cv2.line(image, (_px(x + 3), _px(65.5)), (_px(x + 6), _px(61)), TEXT, 3)
        _words(image, "Oui", x + 10, 60)
    cv2.rectangle(image, (_px(201), _px(61)), (_px(206), _px(66)), TEXT, 8)  # a bold letter's thick strokes
    boxes = find_boxes(Raster(image, DPI))
    assert sorted((round(b.x0 / SCALE / 10), b.checked) for b in boxes) == [(6, True), (12, False)]


# -- the label pass leaves paragraph bodies out, never a list of labelled lines ---------------

def _text_page(lines: list[str]) -> np.ndarray:
    """Black print on white at the label pass's resolution, one line every 14 pt."""
    scale = 150 / 72
    image = np.full((int(400 * scale), int(595 * scale)), 255, np.uint8)
    for number, text in enumerate(lines):
        cv2.putText(image, text, (round(40 * scale), round((60 + 14 * number) * scale)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5, 0, 1, cv2.LINE_AA)
    return image


def _inked_lines(image: np.ndarray) -> list[int]:
    """Which of the page's 14-pt lines still hold ink."""
    scale = 150 / 72
    return [n for n in range(8) if (image[round((50 + 14 * n) * scale):round((62 + 14 * n) * scale)] < 128).any()]


def _wrapped_lines(text: str, width_pt: float) -> list[str]:
    """``text`` wrapped as a word processor does: each line takes words while they fit."""
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if cv2.getTextSize(trial, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)[0][0] > width_pt * 150 / 72 and current:
            lines.append(current)
            trial = word
        current = trial
    return lines + [current]


def test_a_wrapped_paragraph_s_body_is_left_out_of_the_label_pass():
    prose = _wrapped_lines("Nous appliquons une grille salariale identique pour les femmes et les hommes a poste "
                           "egal. Les offres d'emploi sont redigees de facon neutre et diffusees aupres de reseaux "
                           "feminins du BTP. Un bilan annuel des ecarts est presente chaque annee au CSE de la "
                           "structure, avec les mesures prises.", 260)
    assert len(prose) >= 4
    inked = _inked_lines(without_paragraph_bodies(_text_page(prose), 150 / 72))
    assert inked[0] == 0 and not set(range(1, len(prose) - 1)) & set(inked)  # its first line kept, cut


def test_lines_that_each_end_with_their_own_items_are_no_paragraph():
    """A list printed one row a line, each line ending where its items end (the first word of the
    next line would have fitted): labels the label pass needs, kept whole."""
    rows = ["Cadres : Femmes 2 ; Hommes 8 ; Non binaire 0 ; Ne se prononce pas 0 ; Total 10",
            "Non cadres : Femmes 13 ; Hommes 18 ; Non binaire 1 ; Ne se prononce pas 0 ; Total 32",
            "Total : Femmes 15 ; Hommes 26 ; Non binaire 1 ; Ne se prononce pas 0 ; Total 42"]
    image = _text_page(rows)
    assert np.array_equal(without_paragraph_bodies(image, 150 / 72), image)


# -- boxes typed with brackets, ticked by their ink ------------------------------------------

def _bracket_box(image: np.ndarray, x: float, top: float, ticked: bool) -> None:
    """« (X) » or « ( ) » typed on a line 9 pt tall, 9 pt wide, black on white."""
    for side in (x + 1, x + 9):  # the brackets, as two upright strokes at the box's edges
        cv2.line(image, (_px(side), _px(top + 1)), (_px(side), _px(top + 9)), 0, 3)
    if ticked:
        cv2.line(image, (_px(x + 3), _px(top + 2)), (_px(x + 7), _px(top + 8)), 0, 3)
        cv2.line(image, (_px(x + 7), _px(top + 2)), (_px(x + 3), _px(top + 8)), 0, 3)


def test_a_box_typed_with_brackets_is_ticked_by_the_ink_between_them_not_by_what_ocr_read():
    """« (X) Oui ( ) Non »: OCR may read the « X » as nothing (« () »); the ink between the
    brackets decides, both ways."""
    image = np.full((_px(100), _px(200)), 255, np.uint8)
    _bracket_box(image, 40, 40, ticked=True)
    _bracket_box(image, 100, 40, ticked=False)
    words = [Word("()", 40, 40, 50, 50, source="ocr", confidence=0.5),  # the X read as nothing
             Word("Oui", 53, 40, 68, 50, source="ocr"),
             Word("(X)", 100, 40, 110, 50, source="ocr", confidence=0.5),  # a speck read as an X
             Word("Non", 113, 40, 128, 50, source="ocr")]
    marks = _with_typed_boxes([], words, Raster(image, DPI))
    assert [m.checked for m in sorted(marks, key=lambda m: m.x0)] == [True, False]


class _InkReader:
    """An OCR engine that reads each image it is given as one word, « F », where its ink is:
    what the label pass asks for again is then known by the images it was given."""

    def __init__(self) -> None:
        self.asked: list[np.ndarray] = []

    def read(self, image: np.ndarray, **_) -> list[OcrWord]:
        self.asked.append(image)
        ys, xs = np.nonzero(image < 128)
        return [OcrWord("F", int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1, 0.9)] if len(xs) else []


def test_ink_the_fast_pass_read_no_word_on_is_read_again_on_its_own():
    """Tesseract's sparse layout drops a lone « F » heading a column between « H » and « NB »:
    the ink no word of the fast pass covers is read again; the words it read are not, nor dust."""
    image = _page()
    for text, x in (("H", 60), ("F", 160), ("NB", 260)):  # 10 pt capitals
        cv2.putText(image, text, (_px(x), _px(50)), cv2.FONT_HERSHEY_SIMPLEX, 1.8, TEXT, 4, cv2.LINE_AA)
    image[_px(100):_px(100) + 3, _px(300):_px(300) + 3] = TEXT  # a speck of dust
    scan = _prepared(PageRaster(image, DPI))
    read = [Word("H", 58, 38, 72, 50), Word("NB", 258, 38, 290, 50)]
    engine = _InkReader()
    found = _missed_words(scan, engine, scan.small.image, read, UNKNOWN_SOURCE, Specimens())
    assert [(w.text, round(w.x0 / 10)) for w in found] == [("F", 16)]
    assert len(engine.asked) == 1


def test_unread_ink_is_cut_into_pieces_a_line_tall_and_apart_by_wide_gaps():
    scale = 2.0
    unread = np.zeros((100, 400), bool)
    unread[20:36, 10:30] = unread[20:36, 34:50] = True  # two letters of one word: one piece
    unread[20:36, 300:320] = True  # a word far to the right: a piece of its own
    unread[60:63, 10:14] = True  # a speck: no piece
    assert unread_pieces(unread, scale) == [(20, 36, 10, 50), (20, 36, 300, 320)]
