"""Drawn boxes, drawn ticks and ruling lines, from the page's vector paths (PDFium).

A tick box is drawn as one shape or as a few shapes nested in each other:
a form's printed square (a stroked square), a browser's radio button (a
white disc, a grey or coloured ring, and when checked a coloured dot inside)
or check box (a rounded square: an outline, or when checked a coloured
square with a white check drawn over it). The shapes nested in a box are
painted one over the other as the PDF paints them (later shapes cover
earlier ones): the box is ticked when the middle of the box ends up inked,
or when a check or a cross is stroked inside it. Only sizes, nesting, fill
and stroke matter, never a producer's coordinates, so any browser's or
word processor's drawing works. Every other small inked path (two crossing
lines, a filled square, a check stroke overshooting its box) is a tick
candidate: :mod:`extract.marks` ticks a box with it when it lies over the box.

Ruling lines (table borders, answer lines) are the straight horizontal and
vertical segments of stroked paths, the sides of shaded rectangles, and
filled rectangles thin enough to be lines (how word processors draw cell
borders). They are read in the same walk over the paths, so that they cost
little on pages that never ask for their cells.
"""
from __future__ import annotations

import ctypes
import functools
import math
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Callable, Iterator, Sequence

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.pdfium_text import ADDRESS, PageObjects, PathAt, on_addresses
from extract.tokens import BBox, Mark, Rule

BOX_MIN, BOX_MAX = 5.0, 22.0  # points: a tick box is between these sizes
SQUARE_TOLERANCE = 0.25
MAX_DEPTH = 4  # form XObjects nested deeper than this are not searched for ticks
RULE_MIN_PT = 3.0  # a shorter straight segment is a piece of a drawing, not a rule
STRAIGHT_PT = 0.5  # a segment whose ends differ less than this across is horizontal (vertical)
THIN_FILL_PT = 2.5  # a filled rectangle at most this thick is a drawn line
WHITE = 250  # a colour with every channel at least this light does not show on paper
INK = 216  # ... and one with no channel darker than this does not show as a tick (a pale background)
BACKGROUND_SHARE = 0.8  # a shaded rectangle this much of the page's size is a background
NESTED_MARGIN = 0.15  # share of a box's size a shape nested in it may overshoot it by
INNER = 0.55  # the middle of a box: this share of its half-size around its centre
GRID = 9  # points sampled across the middle of a box, in each direction
INKED_SHARE = 0.3  # a box whose middle is at least this much inked is ticked
BLANK_SHARE = 0.05  # ... and at most this much, not ticked (between: unknown)
TICK_MIN_SHARE = 0.25  # a stroke ticks a box when it spans this share of it both ways
ROUND_STRAIGHT_SHARE = 0.2  # a closed curve with less of its length straight is a circle

# a path's segments and what is read of a path, asked for on addresses (:func:`extract.pdfium_text.on_addresses`)
_SEGMENTS = on_addresses(raw.FPDFPath_CountSegments, ctypes.c_int, ADDRESS)
_SEGMENT = on_addresses(raw.FPDFPath_GetPathSegment, ADDRESS, ADDRESS, ctypes.c_int)
_SEGMENT_KIND = on_addresses(raw.FPDFPathSegment_GetType, ctypes.c_int, ADDRESS)
_SEGMENT_POINT = on_addresses(raw.FPDFPathSegment_GetPoint, ctypes.c_int, ADDRESS, ADDRESS, ADDRESS)
_SEGMENT_CLOSES = on_addresses(raw.FPDFPathSegment_GetClose, ctypes.c_int, ADDRESS)
_BOUNDS = on_addresses(raw.FPDFPageObj_GetBounds, ctypes.c_int, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)
_MATRIX = on_addresses(raw.FPDFPageObj_GetMatrix, ctypes.c_int, ADDRESS, ADDRESS)
_DRAW_MODE = on_addresses(raw.FPDFPath_GetDrawMode, ctypes.c_int, ADDRESS, ADDRESS, ADDRESS)
_FILL_COLOUR = on_addresses(raw.FPDFPageObj_GetFillColor, ctypes.c_int, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)
_STROKE_COLOUR = on_addresses(raw.FPDFPageObj_GetStrokeColor, ctypes.c_int, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                              ADDRESS)
_STROKE_WIDTH = on_addresses(raw.FPDFPageObj_GetStrokeWidth, ctypes.c_int, ADDRESS, ADDRESS)
_MOVETO, _LINETO, _BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_BEZIERTO

Point = tuple[float, float]
Segment = tuple[Point, Point]  # a line: a path of one open straight segment, as its two ends
RGBA = tuple[int, int, int, int]
Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f: (x, y) -> (ax+cy+e, bx+dy+f)


@dataclass
class Subpath:
    points: list[Point]
    lines: list[tuple[Point, Point]]  # its straight segments (curves left out), closed ones closed
    closed: bool = False
    curved: bool = False


@dataclass(frozen=True)
class Shape:
    """One small path as painted: its box (stroke included) and how it is painted."""

    bbox: BBox  # top-left page coordinates
    fill: RGBA | None  # fill colour, None when the path is not filled
    stroke: RGBA | None  # stroke colour, None when the path is not stroked
    line_width: float  # in page units
    outline: str  # "square" (axis-aligned square), "round" (circle, rounded square), "open", "other"
    elliptic: bool = False  # a circle or an ellipse: its inside is the ellipse, not its box
    polygons: tuple[tuple[Point, ...], ...] = ()  # an "other" shape's outlines (a check drawn filled)

    @property
    def size(self) -> float:
        return max(self.bbox[2] - self.bbox[0], self.bbox[3] - self.bbox[1])

    @property
    def inked(self) -> bool:
        return _shows(self.fill, INK) or _shows(self.stroke, INK)


@dataclass
class PathShapes:
    """What the page's paths draw: tick boxes with their drawn state, tick candidates and rules."""

    boxes: list[Mark] = field(default_factory=list)
    ticks: list[BBox] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


def path_shapes(page: pdfium.PdfPage, height: float, objects: PageObjects | None = None) -> PathShapes:
    """Boxes, tick candidates and ruling lines of the page's paths, in top-left coordinates
    (``objects``: the page's objects, when listed already)."""
    objects = objects if objects is not None else PageObjects(page, MAX_DEPTH)
    if objects.path_error is not None:
        raise pdfium.PdfiumError(objects.path_error)
    small: list[Shape] = []
    rules: list[Rule] = []
    reader = PathReader(height)
    width_limit, height_limit = page.get_width() * BACKGROUND_SHARE, height * BACKGROUND_SHARE
    paths, bounds, colours = objects.paths, reader.page_bounds_of(objects.paths), reader.colours_of(objects.paths)
    read = reader.subpaths_of(paths)  # the paths' own matrices read with them, for their strokes' widths
    smalls = [right - left <= BOX_MAX * 1.5 and top - bottom <= BOX_MAX * 1.5 for left, bottom, right, top in bounds]
    widths = iter(reader.line_widths([path for path, is_small, (_, stroke) in zip(paths, smalls, colours)
                                      if is_small and stroke is not None]))
    for (left, bottom, right, top), (fill_colour, stroke_colour), subpaths, is_small in zip(
            bounds, colours, read, smalls):
        width, tall = right - left, top - bottom
        if isinstance(subpaths, tuple):  # a line: what the subpath of its one segment gives, made directly
            if is_small:
                small.append(Shape((left, height - top, right, height - bottom), fill_colour, stroke_colour,
                                   next(widths) if stroke_colour is not None else 0.0, "open"))
            if max(width, tall) >= RULE_MIN_PT and _shows(stroke_colour, WHITE) and (rule := _rule(*subpaths)) is not None:
                rules.append(rule)
            continue
        if is_small:
            line_width = next(widths) if stroke_colour is not None else 0.0
            shape = _shape((left, height - top, right, height - bottom), subpaths, fill_colour, stroke_colour,
                           line_width)
            small.append(shape)
            if shape.outline == "square" and stroke_colour and not fill_colour:
                continue  # a tick box is a mark, not a rule
        if max(width, tall) >= RULE_MIN_PT:
            background = width >= width_limit and tall >= height_limit
            filled, stroked = _shows(fill_colour, WHITE) and not background, _shows(stroke_colour, WHITE)
            if filled or stroked:
                rules += path_rules(subpaths, filled, stroked)
    boxes, ticks = classify(small)
    return PathShapes(boxes, ticks, _outside_boxes(rules, [box.bbox for box in boxes]))


def _outside_boxes(rules: list[Rule], boxes: list[BBox]) -> list[Rule]:
    """The rules that are no side of a box (a rule wider or taller than every box is none)."""
    if not boxes:
        return rules
    wide, tall = max(b[2] - b[0] for b in boxes) + 3, max(b[3] - b[1] for b in boxes) + 3  # _within's margins, and more
    return [r for r in rules if r.x1 - r.x0 > wide or r.bottom - r.top > tall
            or not any(_within(r.bbox, box) for box in boxes)]


# -- boxes: nested shapes painted in order ---------------------------------------

def classify(shapes: list[Shape]) -> tuple[list[Mark], list[BBox]]:
    """Nested shapes grouped into boxes with their state; what belongs to no box is a tick candidate.

    ``shapes`` are in painting order. A box is a square or round closed shape
    of a tick box's size that shows an outline, or that holds other shapes
    (a coloured square with a white check); a lone filled disc (a bullet) is
    not a box.
    """
    claimed: set[int] = set()
    boxes: list[Mark] = []
    by_left = sorted(range(len(shapes)), key=lambda i: shapes[i].bbox[0])
    lefts = [shapes[i].bbox[0] for i in by_left]
    for index in sorted(range(len(shapes)), key=lambda i: -_area(shapes[i].bbox)):
        outer = shapes[index]
        if index in claimed or not _box_shaped(outer):
            continue
        margin = max(1.0, outer.size * NESTED_MARGIN)
        near = by_left[bisect_left(lefts, outer.bbox[0] - margin):bisect_right(lefts, outer.bbox[2])]
        members = sorted(i for i in near if i not in claimed and _nested(shapes[i], outer))
        nested = [shapes[i] for i in members]
        if not _shows_a_box(outer, nested):
            continue
        claimed.update(members)
        boxes.append(_box(outer, nested))
    ticks = [s.bbox for i, s in enumerate(shapes) if i not in claimed and s.inked]
    return boxes, ticks


def _box_shaped(shape: Shape) -> bool:
    width, tall = shape.bbox[2] - shape.bbox[0], shape.bbox[3] - shape.bbox[1]
    return shape.outline in ("square", "round") and _is_square(width, tall)


def _nested(shape: Shape, outer: Shape) -> bool:
    margin = max(1.0, outer.size * NESTED_MARGIN)
    x0, top, x1, bottom = outer.bbox
    return (x0 - margin <= shape.bbox[0] and top - margin <= shape.bbox[1]
            and shape.bbox[2] <= x1 + margin and shape.bbox[3] <= bottom + margin)


def _shows_a_box(outer: Shape, nested: list[Shape]) -> bool:
    """An outline stroked in ink, or a closed shape holding others (not a lone dot)."""
    if any(s.outline in ("square", "round") and _shows(s.stroke, WHITE) for s in nested):
        return True
    return len(nested) > 1 and any(s.inked for s in nested)


def _box(outer: Shape, nested: list[Shape]) -> Mark:
    """The box with its state: inked in its middle, or a tick stroked inside, is ticked."""
    share = _inked_share(outer, nested)
    stroked_tick = any(s.outline == "open" and _shows(s.stroke, INK) and _spans(s, outer) for s in nested)
    if share >= INKED_SHARE or stroked_tick:
        checked, confidence = True, 1.0
    elif share <= BLANK_SHARE:
        checked, confidence = False, 1.0
    else:
        checked, confidence = None, 0.0
    return Mark(*_geometric(outer), checked=checked, confidence=confidence)


def _spans(shape: Shape, outer: Shape) -> bool:
    least = outer.size * TICK_MIN_SHARE
    return shape.bbox[2] - shape.bbox[0] >= least and shape.bbox[3] - shape.bbox[1] >= least


def _inked_share(outer: Shape, nested: list[Shape]) -> float:
    """Share of the box's middle left inked once every nested shape is painted in order."""
    if not any(_shows(s.fill, INK) or s.line_width > outer.size * (1 - INNER) / 2 for s in nested):
        return 0.0  # outlines and white backgrounds only: nothing reaches the middle
    x0, top, x1, bottom = _geometric(outer)
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    rx, ry = (x1 - x0) / 2 * INNER, (bottom - top) / 2 * INNER
    steps = [(k / (GRID - 1)) * 2 - 1 for k in range(GRID)]
    points = [(cx + u * rx, cy + v * ry) for u in steps for v in steps if not outer.elliptic or u * u + v * v <= 1]
    return sum(_shows(_colour_at(x, y, nested), INK) for x, y in points) / len(points)


def _colour_at(x: float, y: float, shapes: list[Shape]) -> RGBA | None:
    colour = None
    for shape in shapes:
        if shape.fill is not None and _inside(x, y, shape):
            colour = shape.fill
        if shape.stroke is not None and shape.outline != "open" and _on_outline(x, y, shape):
            colour = shape.stroke
    return colour


def _geometric(shape: Shape) -> BBox:
    """The shape's own outline: its box without the stroke's outer half."""
    half = shape.line_width / 2 if shape.stroke is not None else 0.0
    x0, top, x1, bottom = shape.bbox
    if x1 - x0 <= 2 * half or bottom - top <= 2 * half:
        return shape.bbox
    return (x0 + half, top + half, x1 - half, bottom - half)


def _inside(x: float, y: float, shape: Shape) -> bool:
    x0, top, x1, bottom = _geometric(shape)
    if shape.elliptic:
        return _ellipse_radius(x, y, (x0, top, x1, bottom)) <= 1.0
    if shape.polygons:
        return _in_polygons(x, y, shape.polygons)
    return x0 <= x <= x1 and top <= y <= bottom


def _in_polygons(x: float, y: float, polygons: tuple[tuple[Point, ...], ...]) -> bool:
    """Even-odd rule: a ray from the point crosses the outlines an odd number of times."""
    inside = False
    for polygon in polygons:
        for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1]):
            if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                inside = not inside
    return inside


def _on_outline(x: float, y: float, shape: Shape) -> bool:
    x0, top, x1, bottom = _geometric(shape)
    half = shape.line_width / 2
    if shape.elliptic:
        radius = min(x1 - x0, bottom - top) / 2
        return abs(_ellipse_radius(x, y, (x0, top, x1, bottom)) - 1.0) * radius <= half
    inside = x0 - half <= x <= x1 + half and top - half <= y <= bottom + half
    return inside and min(abs(x - x0), abs(x - x1), abs(y - top), abs(y - bottom)) <= half


def _ellipse_radius(x: float, y: float, bbox: BBox) -> float:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    rx, ry = max((bbox[2] - bbox[0]) / 2, 1e-6), max((bbox[3] - bbox[1]) / 2, 1e-6)
    return math.hypot((x - cx) / rx, (y - cy) / ry)


def _within(inner: BBox, outer: BBox) -> bool:
    """Whether ``inner`` lies inside ``outer`` (give or take a line's width): a box's sides are not rules."""
    return (inner[0] >= outer[0] - 1 and inner[1] >= outer[1] - 1
            and inner[2] <= outer[2] + 1 and inner[3] <= outer[3] + 1)


def _area(bbox: BBox) -> float:
    return (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])


# -- reading the paths from PDFium ---------------------------------------------

def _shape(bbox: BBox, subpaths: list[Subpath], fill: RGBA | None, stroke: RGBA | None,
           line_width: float) -> Shape:
    closed = bool(subpaths) and all(s.closed or _returns(s.points) for s in subpaths)
    curved = any(s.curved for s in subpaths)
    width, tall = bbox[2] - bbox[0], bbox[3] - bbox[1]
    if not closed:
        outline = "open"
    elif not _is_square(width, tall):
        outline = "other"
    elif curved:
        outline = "round"
    else:
        lines = [line for s in subpaths for line in s.lines]
        axis = all(abs(a[0] - b[0]) < STRAIGHT_PT or abs(a[1] - b[1]) < STRAIGHT_PT for a, b in lines)
        outline = "square" if axis else "other"
    polygons = tuple(tuple(s.points) for s in subpaths) if outline == "other" else ()
    elliptic = outline == "round" and _straight_share(subpaths) < ROUND_STRAIGHT_SHARE
    return Shape(bbox, fill, stroke, line_width, outline, elliptic, polygons)


def _returns(points: list[Point]) -> bool:
    """A path that ends where it began (closed without the close operator)."""
    return len(points) > 2 and math.dist(points[0], points[-1]) < 0.1


def _straight_share(subpaths: list[Subpath]) -> float:
    """Share of the outline's length made of long straight runs (a rounded square's sides)."""
    total = sum(math.dist(a, b) for s in subpaths for a, b in zip(s.points, s.points[1:])) or 1.0
    xs = [x for s in subpaths for x, _ in s.points]
    ys = [y for s in subpaths for _, y in s.points]
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    return sum(math.dist(a, b) for s in subpaths for a, b in s.lines if math.dist(a, b) > extent * 0.3) / total


def _shows(colour: RGBA | None, lightest: int) -> bool:
    """Whether a colour shows on white paper: some channel darker than ``lightest``."""
    return colour is not None and colour[3] > 0 and min(colour[:3]) < lightest


def path_rules(subpaths: list[Subpath], filled: bool, stroked: bool) -> list[Rule]:
    """The rules a path draws: its straight strokes, or the lines its filled rectangles make."""
    rules = []
    for subpath in subpaths:
        if stroked:
            rules += [r for a, b in subpath.lines if (r := _rule(a, b)) is not None]
        elif filled and len(subpath.lines) >= 3 and len(subpath.points) <= 6:  # it may be a rectangle
            rules += _filled_rectangle(subpath.points, subpath.lines)
    return rules


class PathReader:
    """What is read of a page's paths (:class:`extract.pdfium_text.PageObjects`), asked of PDFium
    on addresses: a page has hundreds of paths, a path a dozen segments. The paths' bounds, draw
    modes and colours are asked for the page at once (one ``map`` each, into one buffer). A path's
    segments are read at once where PDFium keeps them, or their kinds, points and closings asked for
    by one ``map`` each. PDFium's records are checked on the first path read so (:func:`_in_place`):
    the page's later paths are then read from their first segment's handle alone (:meth:`subpaths`).
    Values are read as pypdfium2's wrappers give them (the same floats), and points mapped to the
    page by each matrix as :meth:`pypdfium2.PdfMatrix.on_point` does (the same sums)."""

    def __init__(self, height: float) -> None:
        self.height = height
        self._matrix = array("f", bytes(24))
        self._forms: dict[int, Matrix] = {}  # each form XObject's matrix, read once
        self._own: dict[int, Matrix] = {}  # the paths' own matrices, when read at once
        self._matrices: tuple[PathAt | None, list[Matrix]] = (None, [])  # the last path read, and its matrices
        self._record_size: int | None = None  # PDFium's point records' size, once checked on a path of the page

    def matrix(self, obj: int) -> Matrix:
        """An object's matrix (into its container's space)."""
        if not _MATRIX(obj, self._matrix.buffer_info()[0]):
            raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
        return tuple(self._matrix.tolist())

    def _form_matrix(self, form: int) -> Matrix:
        if form not in self._forms:
            self._forms[form] = self.matrix(form)
        return self._forms[form]

    def matrices(self, path: PathAt) -> list[Matrix]:
        """The path's own matrix, then its form XObjects' (the innermost first): read once for its
        points and its stroke's width."""
        if self._matrices[0] is not path:
            obj, forms = path
            own = self._own.get(obj)
            self._matrices = (path, [self.matrix(obj) if own is None else own, *map(self._form_matrix, forms)])
        return self._matrices[1]

    def page_bounds_of(self, paths: Sequence[PathAt]) -> list[tuple[float, float, float, float]]:
        """The paths' bounds in page space: a path inside a form XObject (a flattened widget's
        appearance) is given in the XObject's space, so mapped through its containers."""
        return [(min(left, right), min(bottom, top), max(left, right), max(bottom, top)) if not forms
                else self._through_forms((left, bottom, right, top), forms)
                for (left, bottom, right, top), (_, forms) in zip(_bounds([obj for obj, _ in paths]), paths)]

    def _through_forms(self, bounds: tuple[float, float, float, float],
                       forms: tuple[int, ...]) -> tuple[float, float, float, float]:
        left, bottom, right, top = bounds
        corners = [(left, bottom), (right, bottom), (left, top), (right, top)]
        for form in forms:
            a, b, c, d, e, f = self._form_matrix(form)
            corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in corners]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        return min(xs), min(ys), max(xs), max(ys)

    def colours_of(self, paths: Sequence[PathAt]) -> list[tuple[RGBA | None, RGBA | None]]:
        """Each path's fill and stroke colours, None where it is not filled (stroked). A draw mode
        PDFium cannot tell is the path's before it (none before the first)."""
        objs = [obj for obj, _ in paths]
        count = len(objs)
        modes = array("i", bytes(8 * count))
        at = modes.buffer_info()[0]
        told = list(map(_DRAW_MODE, objs, range(at, at + 8 * count, 8), range(at + 4, at + 8 * count, 8)))
        fills, strokes = modes[0::2].tolist(), modes[1::2].tolist()
        for index in (i for i, ok in enumerate(told) if not ok):
            fills[index], strokes[index] = (fills[index - 1], strokes[index - 1]) if index else (0, 0)
        fill_colours = iter(_colours([obj for obj, fill in zip(objs, fills) if fill], _FILL_COLOUR))
        stroke_colours = iter(_colours([obj for obj, stroke in zip(objs, strokes) if stroke], _STROKE_COLOUR))
        return [(next(fill_colours) if fill else None, next(stroke_colours) if stroke else None)
                for fill, stroke in zip(fills, strokes)]

    def line_widths(self, paths: Sequence[PathAt]) -> list[float]:
        """Each path's stroke width in page units (the path's matrix, then its form XObjects', scale
        it; 1 where PDFium cannot tell it), the widths asked by one ``map`` into one buffer."""
        count = len(paths)
        widths = array("f", bytes(4 * count))
        at = widths.buffer_info()[0]
        told = list(map(_STROKE_WIDTH, [obj for obj, _ in paths], range(at, at + 4 * count, 4)))
        return [max(width * self._scale(path), 0.0) if ok else 1.0
                for path, width, ok in zip(paths, widths.tolist(), told)]

    def _scale(self, path: PathAt) -> float:
        """How much the path's matrices scale a length."""
        scale = 1.0
        for a, b, c, d, _, _ in self.matrices(path):
            scale *= math.sqrt(abs(a * d - b * c)) or 1.0
        return scale

    def subpaths(self, path: PathAt) -> list[Subpath]:
        """Each subpath: its points (top-left page coordinates), its straight segments, whether it
        is closed or has curves, read from the records of PDFium's array of points where their
        layout checks (:func:`_in_place`; the size of a record is then known for the page, see
        :meth:`subpaths_of`), else asked of PDFium segment by segment."""
        obj = path[0]
        count = _SEGMENTS(obj)
        if count <= 0:
            return []
        segments = _segments(obj, count)
        read = _in_place(segments) if isinstance(segments, range) else None
        if read is not None:
            self._record_size = segments.step
        xs, ys, kinds, closing = read or _asked(segments)
        return _subpaths(kinds, self._on_page(xs, ys, self.matrices(path)), closing)

    def subpaths_of(self, paths: Sequence[PathAt]) -> Iterator[list[Subpath] | Segment]:
        """Each path's :meth:`subpaths`, read for the page at once once PDFium's records are checked
        (on the first paths, read one by one until one checks them): the paths' segment counts,
        first handles and own matrices asked by one ``map`` each, their records read as one array
        and their points moved to the page in it, not path by path (a spreadsheet draws each border
        of each cell as a path of its own: hundreds of lines). A line read so is given as its
        :data:`Segment`, no subpath made for it. A path of fewer than two segments, or whose first
        handle PDFium does not give, is read alone; one in a form XObject has its points moved
        through its forms' matrices alone. The subpaths are made as each path is asked for: a
        page's thousands of points all made into subpaths at once would outlive the collector's
        youngest generation, and cost more in its passes than they save."""
        objs = [obj for obj, _ in paths]
        counts = list(map(_SEGMENTS, objs))
        read: list[list[Subpath] | Segment] = []
        while self._record_size is None and len(read) < len(paths):
            read.append(self.subpaths(paths[len(read)]) if counts[len(read)] > 0 else [])
        rest = range(len(read), len(paths))
        firsts = list(map(_SEGMENT, objs[rest.start:], repeat(0)))
        batch = [i for i, first in zip(rest, firsts) if first and counts[i] >= 2]
        moved = self._read_at_once([paths[i] for i in batch], [firsts[i - rest.start] for i in batch],
                                   [counts[i] for i in batch])
        return chain(read, (next(moved) if first and counts[i] >= 2 else self.subpaths(paths[i]) if counts[i] > 0
                            else [] for i, first in zip(rest, firsts)))

    def _read_at_once(self, paths: list[PathAt], firsts: list[int], counts: list[int]
                      ) -> Iterator[list[Subpath] | Segment]:
        """The subpaths of paths read from their records (``firsts``: each path's first handle,
        ``counts``: its number of segments), path by path; a line's (a move, then one straight
        segment that does not close it: a table's border) as its segment. The records are read,
        and the paths' own matrices, at once; each path's points are made when it is asked for."""
        if not paths:
            return iter(())
        size = self._record_size
        assert size is not None
        records = np.frombuffer(b"".join(map(ctypes.string_at, firsts, [size * count for count in counts])),
                                dtype=_record_type(size))
        xs, ys = records["x"].astype(np.float64), records["y"].astype(np.float64)
        objs = [obj for obj, _ in paths]
        own = self._matrices_of(objs)
        self._own.update(zip(objs, map(tuple, own.tolist())))  # for their strokes' widths
        a, b, c, d, e, f = np.repeat(own, counts, axis=0).T  # each segment's path's matrix
        # the very sums :meth:`_on_page` makes, in the same order, on doubles (floats: no work for the collector)
        page_xs, page_ys = (a * xs + c * ys + e).tolist(), (self.height - (b * xs + d * ys + f)).tolist()
        return self._made(paths, counts, (xs, ys), (page_xs, page_ys),
                          (records["kind"].tolist(), records["close"].tolist()))

    def _made(self, paths: list[PathAt], counts: list[int], own: tuple[np.ndarray, np.ndarray],
              page: tuple[list[float], list[float]], flags: tuple[list[int], list[int]]
              ) -> Iterator[list[Subpath] | Segment]:
        """Each path's subpaths (a line's segment) from the page's segments: their coordinates in
        their paths' ``own`` space and on the ``page``, and their kinds and closings (``flags``)."""
        (kinds, closing), (page_xs, page_ys) = flags, page
        at = 0
        for path, count in zip(paths, counts):
            end = at + count
            if path[1]:  # in a form XObject: its points moved through the forms' matrices too
                points = self._on_page(own[0][at:end].tolist(), own[1][at:end].tolist(), self.matrices(path))
            else:
                points = list(zip(page_xs[at:end], page_ys[at:end]))
            if count == 2 and kinds[at] == _MOVETO and kinds[at + 1] == _LINETO and not closing[at + 1]:
                yield points[0], points[1]
            else:
                yield _subpaths(kinds[at:end], points, closing[at:end])
            at = end

    def _matrices_of(self, objs: list[int]) -> np.ndarray:
        """The objects' own matrices, a row each (doubles of PDFium's floats), asked by one ``map``."""
        count = len(objs)
        buffer = array("f", bytes(24 * count))
        at = buffer.buffer_info()[0]
        if not all(map(_MATRIX, objs, range(at, at + 24 * count, 24))):
            raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
        return np.frombuffer(buffer, dtype=np.float32).reshape(count, 6).astype(np.float64)

    def _on_page(self, xs: Sequence[float], ys: Sequence[float], matrices: list[Matrix]) -> list[Point]:
        """Points of a path's own space mapped through ``matrices`` to top-left page coordinates."""
        points = list(zip(xs, ys))
        for a, b, c, d, e, f in matrices[:-1]:
            points = [(a * x + c * y + e, b * x + d * y + f) for x, y in points]
        a, b, c, d, e, f = matrices[-1]
        height = self.height
        return [(a * x + c * y + e, height - (b * x + d * y + f)) for x, y in points]


def _bounds(objs: Sequence[int]) -> list[tuple[float, float, float, float]]:
    """Each object's left, bottom, right and top in its container's space (its stroke included)."""
    told, bounds = _fours(objs, _BOUNDS, "f")
    if not all(told):
        raise pdfium.PdfiumError("Failed to locate pageobject.")
    return bounds


def _colours(objs: Sequence[int], get_colour: Callable[..., int]) -> list[RGBA]:
    """Each object's colour (red, green, blue, alpha); a colour PDFium cannot tell (a pattern) is
    taken as black: assume it shows."""
    told, colours = _fours(objs, get_colour, "I")
    return colours if all(told) else [colour if ok else (0, 0, 0, 255) for colour, ok in zip(colours, told)]


def _fours(objs: Sequence[int], get: Callable[..., int], typecode: str) -> tuple[list[int], list[tuple]]:
    """Whether PDFium told each object's four values of ``get`` (bounds, a colour), and the values,
    asked by one ``map`` into one buffer."""
    count = len(objs)
    buffer = array(typecode, bytes(16 * count))
    at = buffer.buffer_info()[0]
    told = list(map(get, objs, *(range(at + offset, at + 16 * count, 16) for offset in (0, 4, 8, 12))))
    values = buffer.tolist()
    return told, list(zip(values[0::4], values[1::4], values[2::4], values[3::4]))


def _segments(path: int, count: int) -> Sequence[int]:
    """The handles of a path's ``count`` segments. PDFium's handle of a segment is its place in the
    path's array of points: when the handles of the first, second, middle and last segments are so
    spaced, the others are known without asking for each (``FPDFPath_GetPathSegment``, a call a
    segment, the dearest of the four a segment needs); otherwise each is asked for. Two segments
    (a line) are two handles so spaced."""
    if count >= 2:
        first, second, middle, last = map(_SEGMENT, repeat(path, 4), (0, 1, count // 2, count - 1))
        step = (second or 0) - (first or 0)
        if first and step > 0 and middle == first + step * (count // 2) and last == first + step * (count - 1):
            return range(first, last + 1, step)
    return list(map(_SEGMENT, repeat(path, count), range(count)))


Segments = tuple[Sequence[float], Sequence[float], Sequence[int], Sequence[int]]  # xs, ys, kinds, closings


def _asked(segments: Sequence[int]) -> Segments:
    """The segments' points, kinds and closings, asked of PDFium: one ``map`` each."""
    count = len(segments)
    xy = array("f", bytes(8 * count))
    at = xy.buffer_info()[0]
    list(map(_SEGMENT_POINT, segments, range(at, at + 8 * count, 8), range(at + 4, at + 8 * count, 8)))
    xy = xy.tolist()
    return xy[0::2], xy[1::2], list(map(_SEGMENT_KIND, segments)), list(map(_SEGMENT_CLOSES, segments))


def _in_place(segments: range) -> Segments | None:
    """The segments' points, kinds and closings read at once where PDFium keeps them: its array of
    path points, a point (two floats), its kind and whether it closes its subpath in each record
    (``CFX_Path::Point``, the records :func:`_segments` found evenly spaced). Used only when the first,
    middle and last records say what PDFium's getters say of them (None otherwise): the layout is
    PDFium's own, so it is checked, not assumed."""
    if segments.step < 10:
        return None
    read = _records(segments)
    sampled = (0, len(segments) // 2, len(segments) - 1)
    if any([column[i] for i in sampled] != list(asked)
           for column, asked in zip(read, _asked([segments[i] for i in sampled]))):
        return None
    return read


@functools.cache
def _record_type(size: int) -> np.dtype:
    """PDFium's point record of ``size`` bytes (``CFX_Path::Point``: a point as two floats, its kind,
    whether it closes its subpath, padding) as a NumPy type."""
    return np.dtype({"names": ["x", "y", "kind", "close"], "formats": ["<f4", "<f4", "u1", "u1"],
                     "offsets": [0, 4, 8, 9], "itemsize": size})


def _records(segments: range) -> Segments:
    """The segments' points, kinds and closings, read from their records (:func:`_record_type`)."""
    records = np.frombuffer(ctypes.string_at(segments.start, segments.step * len(segments)),
                            dtype=_record_type(segments.step))
    return records["x"].tolist(), records["y"].tolist(), records["kind"].tolist(), records["close"].tolist()


def _subpaths(kinds: Sequence[int], points: list[Point], closing: Sequence[int]) -> list[Subpath]:
    """A path's segments (their kinds, end points and whether they close their subpath) as subpaths."""
    subpaths: list[Subpath] = []
    subpath = None
    for kind, point, closes in zip(kinds, points, closing):
        if kind == _MOVETO or subpath is None:
            subpath = Subpath([point], [])
            subpaths.append(subpath)
            continue
        previous = subpath.points[-1]
        subpath.points.append(point)
        if kind == _LINETO:
            subpath.lines.append((previous, point))
        elif kind == _BEZIERTO:
            subpath.curved = True
        if closes:
            subpath.closed = True
            if point != subpath.points[0]:
                subpath.lines.append((point, subpath.points[0]))
    return [s for s in subpaths if len(s.points) > 1]


def _rule(a: Point, b: Point) -> Rule | None:
    """The rule a straight segment draws, when it is horizontal or vertical and long enough."""
    (x0, y0), (x1, y1) = a, b
    across, along = abs(y1 - y0), abs(x1 - x0)
    if across < STRAIGHT_PT and along >= RULE_MIN_PT:
        middle = (y0 + y1) / 2
        return Rule(min(x0, x1), middle, max(x0, x1), middle)
    if along < STRAIGHT_PT and across >= RULE_MIN_PT:
        centre = (x0 + x1) / 2
        return Rule(centre, min(y0, y1), centre, max(y0, y1))
    return None


def _filled_rectangle(points: list[Point], lines: list[tuple[Point, Point]]) -> list[Rule]:
    """The rules of a filled subpath that is an axis-aligned rectangle (its fill closes it): a thin
    one is one line along its middle; a shaded one, its four sides. Any other subpath draws none."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if not (_two_at_most(xs) and _two_at_most(ys)):
        return []
    if not all(abs(a[0] - b[0]) < STRAIGHT_PT or abs(a[1] - b[1]) < STRAIGHT_PT for a, b in lines):
        return []
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    if bottom - top <= THIN_FILL_PT and right - left >= RULE_MIN_PT:
        return [Rule(left, (top + bottom) / 2, right, (top + bottom) / 2)]
    if right - left <= THIN_FILL_PT and bottom - top >= RULE_MIN_PT:
        return [Rule((left + right) / 2, top, (left + right) / 2, bottom)]
    if max(right - left, bottom - top) <= BOX_MAX * 1.5:
        return []  # a filled square in a box is a tick; a dot, a bullet
    return [Rule(left, top, right, top), Rule(left, bottom, right, bottom),
            Rule(left, top, left, bottom), Rule(right, top, right, bottom)]


def _two_at_most(coordinates: list[float]) -> bool:
    """Whether the coordinates take two values at most, rounded to a tenth (rounding only merges
    values: two before are two at most after, and most rectangles are drawn on exact values)."""
    distinct = set(coordinates)
    return len(distinct) <= 2 or len(set(map(round, distinct, repeat(1)))) <= 2


def _is_square(width: float, tall: float) -> bool:
    if not (BOX_MIN <= width <= BOX_MAX and BOX_MIN <= tall <= BOX_MAX):
        return False
    return abs(width - tall) <= SQUARE_TOLERANCE * max(width, tall)
