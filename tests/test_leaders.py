"""Dotted answer lines under typed text: the dots go, the letters and the text's full stops stay."""
from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extract.ocr_engine import get_engine
from extract.raster import ink_threshold, render_page, text_only
from extract.scan import read_scan_page
from tests.support_scan import scan

ENGINE = get_engine()
LEFT, RIGHT = 72.0, 520.0
LINES = (  # (baseline from the top, text typed on the dotted line)
    (200.0, "Gouvernance coopérative : une personne, une voix."),
    (230.0, "Écart de salaire maximal de 1 à 3."),
    (260.0, ""),  # a blank line
)
FONT, SIZE = "Courier", 11


def dotted_form() -> bytes:
    """Dotted lines (1 pt dashes every 3 pt) with typewriter text sitting on them."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for baseline, text in LINES:
        y = A4[1] - baseline
        pdf.saveState()
        pdf.setLineWidth(0.6)
        pdf.setDash([1.0, 2.0])
        pdf.line(LEFT, y, RIGHT, y)
        pdf.restoreState()
        pdf.setFont(FONT, SIZE)
        pdf.drawString(LEFT + 3, y + 0.3, text)  # the letters' feet touch the dots
    pdf.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def cleaned() -> tuple[np.ndarray, float]:
    raster = render_page(pdfium.PdfDocument(dotted_form())[0], 300)
    return text_only(raster.image, ink_threshold(raster.image), raster.scale), raster.scale


def _ink_in(image: np.ndarray, scale: float, x0: float, top: float, x1: float, bottom: float) -> int:
    box = image[round(top * scale):round(bottom * scale), round(x0 * scale):round(x1 * scale)]
    return int(np.count_nonzero(box == 0))


def test_a_blank_dotted_line_is_erased(cleaned):
    image, scale = cleaned
    assert _ink_in(image, scale, LEFT - 2, 255, RIGHT + 2, 265) == 0


def test_dots_between_and_after_typed_words_are_erased(cleaned):
    image, scale = cleaned
    for baseline, text in LINES[:2]:
        end = LEFT + 3 + len(text) * SIZE * 0.6  # Courier: every glyph is 0.6 em wide
        assert _ink_in(image, scale, end + 2, baseline - 2, RIGHT + 2, baseline + 2) == 0, text
        for index, char in enumerate(text):  # the gaps between words: no dot left on the line
            if char == " " and text[index - 1] not in ",:":
                x = LEFT + 3 + index * SIZE * 0.6
                gap = _ink_in(image, scale, x + 1.5, baseline - 1, x + SIZE * 0.6 - 1.5, baseline + 1.5)
                assert gap == 0, (text, index)


def test_the_text_full_stops_are_kept(cleaned):
    image, scale = cleaned
    for baseline, text in LINES[:2]:
        x = LEFT + 3 + (len(text) - 1) * SIZE * 0.6  # the final "."
        assert _ink_in(image, scale, x, baseline - 2, x + SIZE * 0.6, baseline + 1) > 0, text


@pytest.mark.skipif(ENGINE is None, reason="Tesseract (fra) absent")
@pytest.mark.parametrize("dpi, angle", [(200, -0.5), (300, 1.2)])
def test_text_typed_on_a_dotted_line_reads_whole(dpi, angle):
    page = read_scan_page(pdfium.PdfDocument(scan(dotted_form(), dpi=dpi, angle=angle, seed=3))[0], 1,
                          engine=ENGINE, crops_dir=None)
    for baseline, text in LINES:
        words = page.words_in((LEFT - 2, baseline - 12, RIGHT + 2, baseline + 3))
        assert " ".join(w.text for w in words) == text


@pytest.mark.skipif(ENGINE is None, reason="Tesseract (fra) absent")
def test_a_line_left_out_by_the_block_reading_is_read_on_its_own():
    page = read_scan_page(pdfium.PdfDocument(scan(dotted_form(), dpi=200, angle=-0.5, seed=3))[0], 1,
                          engine=ENGINE, crops_dir=None)
    reader = page.zone_reader
    (first, _), (second, text) = LINES[0], LINES[1]
    block = (LEFT - 2, first - 12, RIGHT + 2, second + 3)
    image, origin = reader._text_image(block)
    read_first = page.words_in((LEFT - 2, first - 12, RIGHT + 2, first + 3))  # as if the block had dropped line 2
    missed = reader._missed_lines(image, origin, block, read_first)
    assert [" ".join(w.text for w in line) for line in missed] == [text]
