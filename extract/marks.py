"""Boxes and ticks become marks: a box is ticked when a tick lies inside it.

Boxes come from drawn shapes (printed squares, a browser's radio buttons and
check boxes: :mod:`extract.vector_marks` gives each its drawn state), box
glyphs (☐ ☒), check-box widgets and boxes found in a picture under the text
(:mod:`extract.picture`); ticks from tick glyphs and lone "X"
words, drawn paths, free-text "X" annotations and ink strokes. A box left
unticked by its own drawing, glyph or widget value is ticked by a tick lying
over it: one rule for all of them.
"""
from __future__ import annotations

import re
from dataclasses import replace

from extract.pdfium_text import DINGBAT, TICKED_BOX_GLYPHS
from extract.tokens import BBox, Mark, Word, grow, overlap_ratio
from questionnaire.record import SOURCE_TEXT

TICK_MIN_SHARE = 0.25  # a tick must span at least this share of the box
TYPED_BOX = re.compile(r"^(\[\s?([xX✓✔]?)\s?\]|\(\s?([xX✓✔]?)\s?\))$")  # a box typed with brackets: "[X]", "(X)", "[ ]"
CLOSING = {"[": "]", "(": ")"}


def assemble(drawn: list[Mark], glyphs: list[Word], widget_marks: list[Mark],
             ticks: list[BBox], source: str = SOURCE_TEXT) -> list[Mark]:
    """Every box of the page with its state; widget marks keep their own state."""
    glyph_boxes = [g for g in glyphs if len(g.text) == 1 and _is_box_glyph(g.text)]
    tick_boxes = ticks + [g.bbox for g in glyphs if g not in glyph_boxes]
    marks = list(widget_marks)
    printed = [replace(m, source=source) for m in drawn]
    printed += [Mark(*g.bbox, checked=False, source=source) for g in glyph_boxes]
    for box in printed:
        if any(overlap_ratio(box.bbox, m.bbox) > 0.5 or overlap_ratio(m.bbox, box.bbox) > 0.5 for m in marks):
            continue  # the same box drawn twice (widget over its printed square)
        marks.append(box)
    for glyph in glyphs:  # a dingbat outside every box: a box whose state cannot be told
        if glyph.text == DINGBAT and not any(overlap_ratio(glyph.bbox, grow(m.bbox, 3)) > 0.5 for m in marks):
            marks.append(Mark(*glyph.bbox, checked=None, source=source, confidence=0.0))
    for glyph in glyph_boxes:
        if glyph.text in TICKED_BOX_GLYPHS:
            marks = [_tick(m) if overlap_ratio(glyph.bbox, m.bbox) > 0.5 else m for m in marks]
    return [_tick(m) if m.checked is False and _ticked(m.bbox, tick_boxes) else m for m in marks]


def _is_box_glyph(text: str) -> bool:
    return text in "☐□❏❐❑❒▢☑☒⊠■▣"


def _ticked(box: BBox, ticks: list[BBox]) -> bool:
    size = max(box[2] - box[0], box[3] - box[1])
    for tick in ticks:
        if tick == box:
            continue
        inside = overlap_ratio(tick, grow(box, size * 0.35))
        span = max(tick[2] - tick[0], tick[3] - tick[1])
        if inside >= 0.6 and span >= size * TICK_MIN_SHARE:
            return True
    return False


def _tick(mark: Mark) -> Mark:
    return replace(mark, checked=True)


def typed_boxes(words: list[Word]) -> list[Word]:
    """Boxes typed with square or round brackets, as box glyphs: "[X]" or "(X)" is ☒, "[ ]" or
    "( )" (one word, or the two brackets typed apart on one line) is ☐. A typewriter's or a word
    processor's box."""
    bracketed = [w for w in words if w.text[:1] in CLOSING]  # what may be a typed box: most pages have none
    boxes = [replace(w, text="☒" if (match.group(2) or match.group(3)) else "☐")
             for w in bracketed if (match := TYPED_BOX.match(w.text))]
    opening = [w for w in bracketed if w.text in CLOSING]
    for left in opening:
        height = left.bottom - left.top
        right = next((w for w in words if w.text == CLOSING[left.text] and 0 <= w.x0 - left.x1 < height * 1.5
                      and abs(w.top - left.top) < height * 0.5), None)
        if right is not None:
            boxes.append(Word("☐", left.x0, min(left.top, right.top), right.x1, max(left.bottom, right.bottom),
                              source=left.source))
    return boxes
