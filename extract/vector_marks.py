"""Drawn boxes and drawn ticks, from the page's vector paths (PDFium).

A tick box printed by a form is a small stroked square; a tick drawn over
it (two crossing lines, a filled square, a check stroke) is a path lying
inside that square. Only sizes and positions matter, so any producer's
drawing works.
"""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.tokens import BBox

BOX_MIN, BOX_MAX = 5.0, 22.0  # points: a tick box is between these sizes
SQUARE_TOLERANCE = 0.25


def path_shapes(page: pdfium.PdfPage, height: float) -> tuple[list[BBox], list[BBox]]:
    """Small stroked squares (boxes) and every other small path (tick candidates)."""
    boxes, others = [], []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        width, tall = right - left, top - bottom
        if width > BOX_MAX * 1.5 or tall > BOX_MAX * 1.5:
            continue
        bbox = (left, height - top, right, height - bottom)
        raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        if _is_square(width, tall) and stroke.value and not fill.value:
            boxes.append(bbox)
        else:
            others.append(bbox)
    return boxes, others


def _is_square(width: float, tall: float) -> bool:
    if not (BOX_MIN <= width <= BOX_MAX and BOX_MIN <= tall <= BOX_MAX):
        return False
    return abs(width - tall) <= SQUARE_TOLERANCE * max(width, tall)
