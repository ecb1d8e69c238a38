"""Tick boxes of every kind become marks with the right state (extract.vector_marks, extract.marks).

Each test draws the boxes as a producer draws them (a browser's radio
buttons and check boxes, a form's printed squares, box and tick characters)
and reads the page back through ``extract.document.load``.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from extract.document import load
from extract.tokens import Mark

HEIGHT = 842
WHITE, GREY, BLUE, BLACK = Color(1, 1, 1), Color(0.46, 0.46, 0.46), Color(0, 0.46, 1), Color(0, 0, 0)


def _marks(tmp_path: Path, draw) -> list[Mark]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    draw(canvas)
    canvas.showPage()
    canvas.save()
    path = tmp_path / "page.pdf"
    path.write_bytes(buffer.getvalue())
    return sorted(load(path).pages[0].marks, key=lambda m: (m.top, m.x0))


def _states(marks: list[Mark]) -> list[bool | None]:
    return [m.checked for m in marks]


def _paint(canvas: Canvas, fill: Color | None = None, stroke: Color | None = None, width: float = 1.0) -> None:
    canvas.setFillColor(fill or WHITE)
    canvas.setStrokeColor(stroke or WHITE)
    canvas.setLineWidth(width)


def _radio(canvas: Canvas, x: float, y: float, checked: bool) -> None:
    """As a Chromium print draws it: white disc, ring, and a coloured dot when checked."""
    _paint(canvas, fill=WHITE)
    canvas.circle(x, y, 4.7, stroke=0, fill=1)
    _paint(canvas, stroke=BLUE if checked else GREY)
    canvas.circle(x, y, 4.9, stroke=1, fill=0)
    if checked:
        _paint(canvas, fill=BLUE)
        canvas.circle(x, y, 2.9, stroke=0, fill=1)


def _check_box(canvas: Canvas, x: float, y: float, checked: bool) -> None:
    """As a Chromium print draws it: a rounded square; checked, filled with a white check over it."""
    _paint(canvas, fill=WHITE)
    canvas.roundRect(x, y, 9.5, 9.5, 2, stroke=0, fill=1)
    if not checked:
        _paint(canvas, stroke=GREY)
        canvas.roundRect(x - 0.2, y - 0.2, 9.9, 9.9, 2, stroke=1, fill=0)
        return
    _paint(canvas, fill=BLUE)
    canvas.roundRect(x, y, 9.75, 9.75, 2, stroke=0, fill=1)
    _paint(canvas, stroke=WHITE, width=2)
    path = canvas.beginPath()
    path.moveTo(x + 2, y + 5)
    path.lineTo(x + 4, y + 2.5)
    path.lineTo(x + 8, y + 7.5)
    canvas.drawPath(path, stroke=1, fill=0)


def test_browser_radio_buttons_checked_by_their_inner_dot(tmp_path):
    marks = _marks(tmp_path, lambda c: [_radio(c, 60 + 50 * i, 700, i == 1) for i in range(3)])
    assert _states(marks) == [False, True, False]
    assert all(9 <= m.x1 - m.x0 <= 11 for m in marks)  # the ring's size, not the dot's


def test_browser_check_boxes_checked_by_their_filled_square(tmp_path):
    marks = _marks(tmp_path, lambda c: [_check_box(c, 60, 700 - 30 * i, i % 2 == 0) for i in range(4)])
    assert _states(marks) == [True, False, True, False]


def test_ring_drawn_as_a_coloured_disc_under_a_white_one(tmp_path):
    """Another browser: the border of an empty radio is a grey disc under a white disc;
    a checked one is a coloured disc with a small white dot in its middle."""
    def draw(canvas):
        for x, checked in ((60, False), (110, True)):
            _paint(canvas, fill=BLUE if checked else GREY)
            canvas.circle(x, 700, 5, stroke=0, fill=1)
            _paint(canvas, fill=WHITE)
            canvas.circle(x, 700, 1.6 if checked else 4.2, stroke=0, fill=1)
    assert _states(_marks(tmp_path, draw)) == [False, True]


def test_check_stroked_in_an_outlined_rounded_box(tmp_path):
    def draw(canvas):
        for x, checked in ((60, True), (110, False)):
            _paint(canvas, stroke=BLACK)
            canvas.roundRect(x, 700, 10, 10, 2.5, stroke=1, fill=0)
            if checked:
                path = canvas.beginPath()
                path.moveTo(x + 2, 705)
                path.lineTo(x + 4.5, 702)
                path.lineTo(x + 8.5, 708.5)
                canvas.drawPath(path, stroke=1, fill=0)
    assert _states(_marks(tmp_path, draw)) == [True, False]


def test_printed_square_white_background_is_not_a_tick(tmp_path):
    """A square drawn with a white background is empty; a cross or a dark square inside ticks it."""
    def draw(canvas):
        _paint(canvas, fill=WHITE, stroke=BLACK)
        for x in (60, 110, 160):
            canvas.rect(x, 700, 10, 10, stroke=1, fill=1)
        _paint(canvas, stroke=BLACK)
        canvas.line(111, 701, 119, 709)
        canvas.line(111, 709, 119, 701)
        _paint(canvas, fill=BLACK)
        canvas.rect(162, 702, 6, 6, stroke=0, fill=1)
    assert _states(_marks(tmp_path, draw)) == [False, True, True]


def test_bullet_is_not_a_box(tmp_path):
    def draw(canvas):
        _paint(canvas, fill=BLACK)
        canvas.circle(60, 700, 3, stroke=0, fill=1)
        canvas.circle(60, 680, 6, stroke=0, fill=1)
    assert _marks(tmp_path, draw) == []


@pytest.mark.parametrize("shape", ["circle", "square"])
def test_half_inked_middle_is_unknown(tmp_path, shape):
    """A dot too small to be a checked radio, too big to be a speck: the state is not guessed."""
    def draw(canvas):
        _paint(canvas, stroke=BLACK)
        if shape == "circle":
            canvas.circle(60, 700, 6, stroke=1, fill=0)
        else:
            canvas.rect(54, 694, 12, 12, stroke=1, fill=0)
        _paint(canvas, fill=BLACK)
        canvas.circle(60, 700, 1.4, stroke=0, fill=1)
    marks = _marks(tmp_path, draw)
    assert [(m.checked, m.confidence) for m in marks] == [(None, 0.0)]
