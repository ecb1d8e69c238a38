"""Values and ticks drawn into the paper form's zones, as page content.

A :class:`Pen` says how the bidder filled the form: the font of the values
(Courier for a typewriter look, Vera for a Word document, callig15 for
handwriting: reportlab's callig15) and how boxes are ticked (an "X" letter, a ✔ or ✘ glyph of
ZapfDingbats, two crossing vector lines, or an irregular hand stroke).
:func:`overlay` gives the ``draw_extra`` callback of ``render_form``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import reportlab

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from questionnaire.paper import STYLES, DrawExtra, Geometry, Zone
from samples.answers import Filled

HANDWRITING = "CALLIG15"  # a calligraphic Type 1 font with digits and accents
TICKS = ("x", "check", "cross", "lines", "hand")


@dataclass(frozen=True)
class Pen:
    font: str = "Courier"
    size: float = 9.5
    tick: str = "x"  # one of TICKS
    ink: tuple[float, float, float] = (0.0, 0.0, 0.0)
    seed: int = 0  # for the irregularities of hand strokes

    @property
    def handwritten(self) -> bool:
        return self.font == HANDWRITING


def register_handwriting() -> None:
    """callig15, a Type 1 font shipped inside reportlab (same on any machine)."""
    if HANDWRITING in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    face = pdfmetrics.EmbeddedType1Face(str(folder / "callig15.afm"), str(folder / "callig15.pfb"))
    pdfmetrics.registerTypeFace(face)
    pdfmetrics.registerFont(pdfmetrics.Font(HANDWRITING, face.name, "WinAnsiEncoding"))


def overlay(filled: Filled, pen: Pen, style: str) -> DrawExtra:
    """The callback that writes ``filled`` on each page of the form drawn in ``style``."""
    if pen.handwritten:
        register_handwriting()
    spacing = STYLES[style].rule_spacing

    def draw(canvas: Canvas, page: int, geometry: Geometry) -> None:
        height = geometry.page_size[1]
        strokes = random.Random(f"{pen.seed}-{page}")
        canvas.saveState()
        canvas.setFillColorRGB(*pen.ink)
        canvas.setStrokeColorRGB(*pen.ink)
        for key, text in filled.texts.items():
            zone = geometry.values[key]
            if zone.page == page:
                _write(canvas, zone, text, pen, height, spacing)
        for key, options in filled.ticks.items():
            for option in options:
                zone = geometry.boxes[(key, option)]
                if zone.page == page:
                    _tick(canvas, zone, pen, height, strokes)
        canvas.restoreState()

    return draw


def text_lines(text: str, zone: Zone, pen: Pen, spacing: float) -> tuple[list[str], float]:
    """The lines ``text`` is typed on in ``zone``, and the font size that makes them fit."""
    x0, top, x1, bottom = zone.bbox
    room = max(1, round((bottom - top) / spacing))
    size = pen.size
    while True:
        lines = wrap(text, pen, size, x1 - x0 - 6)
        if len(lines) <= room or size <= 5:
            return lines, size
        size -= 0.5


def wrap(text: str, pen: Pen, size: float, width: float) -> list[str]:
    """Greedy line breaking at spaces (joining the lines with spaces gives the text back)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _width(f"{lines[-1]} {word}", pen, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _word_space(pen: Pen, size: float) -> float:
    """callig15 has no space glyph: handwriting gets its spaces from the word spacing."""
    return size * 0.3 if pen.handwritten else 0.0


def _width(text: str, pen: Pen, size: float) -> float:
    return pdfmetrics.stringWidth(text, pen.font, size) + text.count(" ") * _word_space(pen, size)


def _draw_line(canvas: Canvas, x: float, y: float, text: str, pen: Pen, size: float) -> None:
    line = canvas.beginText(x, y)
    line.setFont(pen.font, size)
    line.setWordSpace(_word_space(pen, size))
    line.textOut(text)
    canvas.drawText(line)


def _write(canvas: Canvas, zone: Zone, text: str, pen: Pen, page_height: float, spacing: float) -> None:
    x0, top, x1, bottom = zone.bbox
    if bottom - top > spacing * 1.5:  # a policy or details area: several lines
        lines, size = text_lines(text, zone, pen, spacing)
        room = max(1, round((bottom - top) / spacing))
        for index, line in enumerate(lines):
            baseline = bottom - 3 - (room - 1 - index) * spacing
            _draw_line(canvas, x0 + 3, page_height - baseline, line, pen, size)
        return
    size = pen.size if pen.handwritten else min(pen.size, (bottom - top) - 4)  # callig15's glyphs are small
    while _width(text, pen, size) > x1 - x0 - 4 and size > 5:
        size -= 0.5
    width = _width(text, pen, size)
    x = (x0 + x1 - width) / 2 if x1 - x0 < 110 else x0 + 4  # table cells and short blanks: centred
    _draw_line(canvas, x, page_height - (bottom - 4), text, pen, size)


def _tick(canvas: Canvas, zone: Zone, pen: Pen, page_height: float, strokes: random.Random) -> None:
    x0, top, x1, bottom = zone.bbox
    size = x1 - x0
    y0 = page_height - bottom  # PDF coordinates: bottom-left corner of the box
    if pen.tick == "x":
        canvas.setFont("Helvetica-Bold", size)
        width = pdfmetrics.stringWidth("X", "Helvetica-Bold", size)
        canvas.drawString(x0 + (size - width) / 2, y0 + size * 0.14, "X")
    elif pen.tick in ("check", "cross"):
        glyph = "4" if pen.tick == "check" else "8"  # ✔ and ✘ in ZapfDingbats
        canvas.setFont("ZapfDingbats", size * 0.9)
        width = pdfmetrics.stringWidth(glyph, "ZapfDingbats", size * 0.9)
        canvas.drawString(x0 + (size - width) / 2, y0 + size * 0.15, glyph)
    elif pen.tick == "lines":
        canvas.setLineWidth(1.0)
        inset = size * 0.15
        canvas.line(x0 + inset, y0 + inset, x1 - inset, y0 + size - inset)
        canvas.line(x0 + inset, y0 + size - inset, x1 - inset, y0 + inset)
    else:
        _hand_stroke(canvas, x0, y0, size, strokes)


def _hand_stroke(canvas: Canvas, x0: float, y0: float, size: float, rnd: random.Random) -> None:
    """A tick or a cross drawn by hand: overshooting, wobbly, of uneven width."""
    canvas.setLineWidth(rnd.uniform(1.1, 1.8))
    canvas.setLineCap(1)

    def jitter(value: float) -> float:
        return value + rnd.uniform(-0.12, 0.12) * size

    if rnd.random() < 0.5:  # a tick ✓
        path = canvas.beginPath()
        path.moveTo(jitter(x0 + 0.1 * size), jitter(y0 + 0.5 * size))
        path.curveTo(jitter(x0 + 0.3 * size), jitter(y0 + 0.3 * size), x0 + 0.35 * size, y0 + 0.1 * size,
                     jitter(x0 + 0.4 * size), jitter(y0 + 0.05 * size))
        path.curveTo(jitter(x0 + 0.6 * size), jitter(y0 + 0.6 * size), x0 + 0.9 * size, y0 + 1.0 * size,
                     jitter(x0 + 1.15 * size), jitter(y0 + 1.2 * size))
        canvas.drawPath(path, stroke=1, fill=0)
        return
    for start, end in (((0.0, 0.0), (1.0, 1.0)), ((0.0, 1.0), (1.0, 0.0))):  # a cross ✗
        path = canvas.beginPath()
        path.moveTo(jitter(x0 + start[0] * size), jitter(y0 + start[1] * size))
        path.curveTo(jitter(x0 + 0.4 * size), jitter(y0 + 0.5 * size), jitter(x0 + 0.6 * size),
                     jitter(y0 + 0.5 * size), jitter(x0 + end[0] * size), jitter(y0 + end[1] * size))
        canvas.drawPath(path, stroke=1, fill=0)
