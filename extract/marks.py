"""Boxes and ticks become marks: a box is ticked when a tick lies inside it.

Boxes come from vector squares, box glyphs (☐ ☒) and check-box widgets;
ticks from tick glyphs and lone "X" words, drawn paths, free-text "X"
annotations and ink strokes. One rule decides for all of them.
"""
from __future__ import annotations

from extract.pdfium_text import DINGBAT, TICKED_BOX_GLYPHS
from extract.tokens import BBox, Mark, Word, overlap_ratio
from questionnaire.record import SOURCE_FORM_FIELD, SOURCE_TEXT

TICK_MIN_SHARE = 0.25  # a tick must span at least this share of the box


def assemble(vector_boxes: list[BBox], glyphs: list[Word], widget_marks: list[Mark],
             ticks: list[BBox], source: str = SOURCE_TEXT) -> list[Mark]:
    """Every box of the page with its state; widget marks keep their own state."""
    glyph_boxes = [g for g in glyphs if len(g.text) == 1 and _is_box_glyph(g.text)]
    tick_boxes = ticks + [g.bbox for g in glyphs if g not in glyph_boxes]
    marks = list(widget_marks)
    for box in vector_boxes + [g.bbox for g in glyph_boxes]:
        if any(overlap_ratio(box, m.bbox) > 0.5 or overlap_ratio(m.bbox, box) > 0.5 for m in marks):
            continue  # the same box drawn twice (widget over its printed square)
        marks.append(Mark(*box, checked=_ticked(box, tick_boxes), source=source))
    for glyph in glyphs:  # a dingbat outside every box: a box whose state cannot be told
        if glyph.text == DINGBAT and not any(overlap_ratio(glyph.bbox, _grow(m.bbox, 3)) > 0.5 for m in marks):
            marks.append(Mark(*glyph.bbox, checked=None, source=source, confidence=0.0))
    for glyph in glyph_boxes:
        if glyph.text in TICKED_BOX_GLYPHS:
            marks = [_tick(m) if overlap_ratio(glyph.bbox, m.bbox) > 0.5 else m for m in marks]
    return [_widget_ticked_over(m, tick_boxes) for m in marks]


def _is_box_glyph(text: str) -> bool:
    return text in "☐□❏❐❑❒▢☑☒⊠■▣"


def _ticked(box: BBox, ticks: list[BBox]) -> bool:
    size = max(box[2] - box[0], box[3] - box[1])
    for tick in ticks:
        if tick == box:
            continue
        inside = overlap_ratio(tick, _grow(box, size * 0.35))
        span = max(tick[2] - tick[0], tick[3] - tick[1])
        if inside >= 0.6 and span >= size * TICK_MIN_SHARE:
            return True
    return False


def _tick(mark: Mark) -> Mark:
    return Mark(mark.x0, mark.top, mark.x1, mark.bottom, True, mark.source, mark.confidence,
                mark.field_name)


def _widget_ticked_over(mark: Mark, ticks: list[BBox]) -> Mark:
    """A widget left unticked but with an "X" typed over it is ticked."""
    if mark.source == SOURCE_FORM_FIELD and mark.checked is False and _ticked(mark.bbox, ticks):
        return _tick(mark)
    return mark


def _grow(box: BBox, margin: float) -> BBox:
    return (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
