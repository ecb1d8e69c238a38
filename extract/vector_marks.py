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
MAX_DEPTH = 4  # form XObjects nested deeper than this are not searched for ticks


def path_shapes(page: pdfium.PdfPage, height: float) -> tuple[list[BBox], list[BBox]]:
    """Small stroked squares (boxes) and every other small path (tick candidates)."""
    boxes, others = [], []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=MAX_DEPTH):
        left, bottom, right, top = _page_bounds(obj)
        width, tall = right - left, top - bottom
        if width > BOX_MAX * 1.5 or tall > BOX_MAX * 1.5:
            continue
        bbox = (left, height - top, right, height - bottom)
        raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        if _is_square(width, tall) and stroke.value and not fill.value and _axis_aligned(obj):
            boxes.append(bbox)
        else:
            others.append(bbox)
    return boxes, others


def _page_bounds(obj: pdfium.PdfObject) -> tuple[float, float, float, float]:
    """Bounds in page space: a path inside a form XObject (a flattened widget's
    appearance) is given in the XObject's space, so map it through its containers."""
    left, bottom, right, top = obj.get_bounds()
    corners = [(left, bottom), (right, bottom), (left, top), (right, top)]
    container = obj.container
    while container is not None:
        matrix = container.get_matrix()
        corners = [matrix.on_point(x, y) for x, y in corners]
        container = container.container
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _axis_aligned(obj: pdfium.PdfObject) -> bool:
    """True when every segment is horizontal or vertical (a box, not a cross or a tick)."""
    x, y = ctypes.c_float(), ctypes.c_float()
    points = []
    for index in range(raw.FPDFPath_CountSegments(obj.raw)):
        segment = raw.FPDFPath_GetPathSegment(obj.raw, index)
        if raw.FPDFPathSegment_GetType(segment) == raw.FPDF_SEGMENT_BEZIERTO:
            return False
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        points.append((x.value, y.value))
    return all(abs(x1 - x0) < 0.5 or abs(y1 - y0) < 0.5 for (x0, y0), (x1, y1) in zip(points, points[1:]))


def _is_square(width: float, tall: float) -> bool:
    if not (BOX_MIN <= width <= BOX_MAX and BOX_MIN <= tall <= BOX_MAX):
        return False
    return abs(width - tall) <= SQUARE_TOLERANCE * max(width, tall)
