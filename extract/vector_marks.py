"""Drawn boxes, drawn ticks and ruling lines, from the page's vector paths (PDFium).

A tick box printed by a form is a small stroked square; a tick drawn over
it (two crossing lines, a filled square, a check stroke) is a path lying
inside that square. Only sizes and positions matter, so any producer's
drawing works.

Ruling lines (table borders, answer lines) are the straight horizontal and
vertical segments of stroked paths, the sides of shaded rectangles, and
filled rectangles thin enough to be lines (how word processors draw cell
borders). They are read in the same walk over the paths, so that they cost
little on pages that never ask for their cells.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Callable

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.tokens import BBox, Rule

BOX_MIN, BOX_MAX = 5.0, 22.0  # points: a tick box is between these sizes
SQUARE_TOLERANCE = 0.25
MAX_DEPTH = 4  # form XObjects nested deeper than this are not searched for ticks
RULE_MIN_PT = 3.0  # a shorter straight segment is a piece of a drawing, not a rule
STRAIGHT_PT = 0.5  # a segment whose ends differ less than this across is horizontal (vertical)
THIN_FILL_PT = 2.5  # a filled rectangle at most this thick is a drawn line
WHITE = 250  # a colour with every channel at least this light does not show on paper
BACKGROUND_SHARE = 0.8  # a shaded rectangle this much of the page's size is a background

Point = tuple[float, float]


@dataclass
class PathShapes:
    """What the page's paths draw: tick boxes, tick candidates and rules."""

    boxes: list[BBox] = field(default_factory=list)  # small stroked squares
    others: list[BBox] = field(default_factory=list)  # every other small path
    rules: list[Rule] = field(default_factory=list)


def path_shapes(page: pdfium.PdfPage, height: float) -> PathShapes:
    """Boxes, tick candidates and ruling lines of the page's paths, in top-left coordinates."""
    shapes = PathShapes()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    width_limit, height_limit = page.get_width() * BACKGROUND_SHARE, height * BACKGROUND_SHARE
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=MAX_DEPTH):
        left, bottom, right, top = _page_bounds(obj)
        width, tall = right - left, top - bottom
        raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        if width <= BOX_MAX * 1.5 and tall <= BOX_MAX * 1.5:
            bbox = (left, height - top, right, height - bottom)
            if _is_square(width, tall) and stroke.value and not fill.value and _axis_aligned(obj):
                shapes.boxes.append(bbox)  # a tick box is a mark, not a rule
                continue
            shapes.others.append(bbox)
        if max(width, tall) >= RULE_MIN_PT:
            background = width >= width_limit and tall >= height_limit
            shapes.rules += _rules(obj, height, bool(fill.value) and not background and _visible(obj, raw.FPDFPageObj_GetFillColor),
                                   bool(stroke.value) and _visible(obj, raw.FPDFPageObj_GetStrokeColor))
    return shapes


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


def _visible(obj: pdfium.PdfObject, get_colour: Callable) -> bool:
    """Whether the fill (or stroke) colour shows on white paper."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not get_colour(obj.raw, r, g, b, a):
        return True
    return a.value > 0 and min(r.value, g.value, b.value) < WHITE


def _rules(obj: pdfium.PdfObject, height: float, filled: bool, stroked: bool) -> list[Rule]:
    """The rules a path draws: its straight strokes, or the lines its filled rectangles make."""
    if not (filled or stroked):
        return []
    rules = []
    for points, lines in _subpaths(obj, _to_page(obj, height)):
        if stroked:
            rules += [r for a, b in lines if (r := _rule(a, b)) is not None]
        elif _is_rectangle(points, lines):
            rules += _filled_rectangle(points, lines)
    return rules


def _to_page(obj: pdfium.PdfObject, height: float) -> Callable[[float, float], Point]:
    """Maps a point of the path's own space to top-left page coordinates."""
    matrices = [obj.get_matrix()]
    container = obj.container
    while container is not None:
        matrices.append(container.get_matrix())
        container = container.container

    def to_page(x: float, y: float) -> Point:
        for matrix in matrices:
            x, y = matrix.on_point(x, y)
        return x, height - y
    return to_page


def _subpaths(obj: pdfium.PdfObject, to_page: Callable[[float, float], Point]) -> list[tuple[list[Point], list[tuple[Point, Point]]]]:
    """Each subpath as its points and its straight segments (curves left out), closed ones closed."""
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[list[Point], list[tuple[Point, Point]]]] = []
    for index in range(raw.FPDFPath_CountSegments(obj.raw)):
        segment = raw.FPDFPath_GetPathSegment(obj.raw, index)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = to_page(x.value, y.value)
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append(([point], []))
            continue
        points, lines = subpaths[-1]
        if kind == raw.FPDF_SEGMENT_LINETO:
            lines.append((points[-1], point))
        points.append(point)
        if raw.FPDFPathSegment_GetClose(segment) and point != points[0]:
            lines.append((point, points[0]))
    return subpaths


def _rule(a: Point, b: Point) -> Rule | None:
    """The rule a straight segment draws, when it is horizontal or vertical and long enough."""
    (x0, y0), (x1, y1) = a, b
    if abs(y1 - y0) < STRAIGHT_PT and abs(x1 - x0) >= RULE_MIN_PT:
        middle = (y0 + y1) / 2
        return Rule(min(x0, x1), middle, max(x0, x1), middle)
    if abs(x1 - x0) < STRAIGHT_PT and abs(y1 - y0) >= RULE_MIN_PT:
        centre = (x0 + x1) / 2
        return Rule(centre, min(y0, y1), centre, max(y0, y1))
    return None


def _is_rectangle(points: list[Point], lines: list[tuple[Point, Point]]) -> bool:
    """Whether a subpath is an axis-aligned rectangle (its fill closes it)."""
    xs, ys = sorted({round(x, 1) for x, _ in points}), sorted({round(y, 1) for _, y in points})
    if len(xs) > 2 or len(ys) > 2 or len(lines) < 3 or len(points) > 6:
        return False
    return all(abs(a[0] - b[0]) < STRAIGHT_PT or abs(a[1] - b[1]) < STRAIGHT_PT for a, b in lines)


def _filled_rectangle(points: list[Point], lines: list[tuple[Point, Point]]) -> list[Rule]:
    """A thin filled rectangle is one line along its middle; a shaded one, its four sides."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    if bottom - top <= THIN_FILL_PT and right - left >= RULE_MIN_PT:
        return [Rule(left, (top + bottom) / 2, right, (top + bottom) / 2)]
    if right - left <= THIN_FILL_PT and bottom - top >= RULE_MIN_PT:
        return [Rule((left + right) / 2, top, (left + right) / 2, bottom)]
    if max(right - left, bottom - top) <= BOX_MAX * 1.5:
        return []  # a filled square in a box is a tick; a dot, a bullet
    return [Rule(left, top, right, top), Rule(left, bottom, right, bottom),
            Rule(left, top, left, bottom), Rule(right, top, right, bottom)]


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
