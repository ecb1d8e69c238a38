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
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable, Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.pdfium_text import ADDRESS, on_addresses
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

# a path's segments, asked for on addresses (:func:`extract.pdfium_text.on_addresses`): four calls a segment
_SEGMENTS = on_addresses(raw.FPDFPath_CountSegments, ctypes.c_int, ADDRESS)
_SEGMENT = on_addresses(raw.FPDFPath_GetPathSegment, ADDRESS, ADDRESS, ctypes.c_int)
_SEGMENT_KIND = on_addresses(raw.FPDFPathSegment_GetType, ctypes.c_int, ADDRESS)
_SEGMENT_POINT = on_addresses(raw.FPDFPathSegment_GetPoint, ctypes.c_int, ADDRESS, ADDRESS, ADDRESS)
_SEGMENT_CLOSES = on_addresses(raw.FPDFPathSegment_GetClose, ctypes.c_int, ADDRESS)

Point = tuple[float, float]
RGBA = tuple[int, int, int, int]


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


def path_shapes(page: pdfium.PdfPage, height: float) -> PathShapes:
    """Boxes, tick candidates and ruling lines of the page's paths, in top-left coordinates."""
    small: list[Shape] = []
    rules: list[Rule] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    channels = tuple(ctypes.c_uint() for _ in range(4))  # a colour's, written by PDFium for each path
    width_limit, height_limit = page.get_width() * BACKGROUND_SHARE, height * BACKGROUND_SHARE
    for obj in _paths(page):
        left, bottom, right, top = _page_bounds(obj)
        width, tall = right - left, top - bottom
        raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        fill_colour = _colour(obj, raw.FPDFPageObj_GetFillColor, channels) if fill.value else None
        stroke_colour = _colour(obj, raw.FPDFPageObj_GetStrokeColor, channels) if stroke.value else None
        subpaths = None
        if width <= BOX_MAX * 1.5 and tall <= BOX_MAX * 1.5:
            subpaths = _subpaths(obj, _to_page(obj, height))
            shape = _shape((left, height - top, right, height - bottom), subpaths, fill_colour, stroke_colour, obj)
            small.append(shape)
            if shape.outline == "square" and stroke_colour and not fill_colour:
                continue  # a tick box is a mark, not a rule
        if max(width, tall) >= RULE_MIN_PT:
            background = width >= width_limit and tall >= height_limit
            filled, stroked = _shows(fill_colour, WHITE) and not background, _shows(stroke_colour, WHITE)
            if filled or stroked:
                rules += path_rules(subpaths or _subpaths(obj, _to_page(obj, height)), filled, stroked)
    boxes, ticks = classify(small)
    return PathShapes(boxes, ticks, _outside_boxes(rules, [box.bbox for box in boxes]))


def _outside_boxes(rules: list[Rule], boxes: list[BBox]) -> list[Rule]:
    """The rules that are no side of a box (a rule wider or taller than every box is none)."""
    if not boxes:
        return rules
    wide, tall = max(b[2] - b[0] for b in boxes) + 3, max(b[3] - b[1] for b in boxes) + 3  # _within's margins, and more
    return [r for r in rules if r.x1 - r.x0 > wide or r.bottom - r.top > tall
            or not any(_within(r.bbox, box) for box in boxes)]


class PageObject:
    """A path or form XObject of the page: PDFium's handle (``raw``), and the form XObject holding it
    (``container``, None on the page itself). What the paths are read with of pypdfium2's ``PdfObject``,
    without what it makes for each object (its type asked again, a finalizer's information): a few
    microseconds an object, on pages of hundreds of paths. Valid while its page is open."""

    __slots__ = ("raw", "container")

    def __init__(self, handle, container: PageObject | None) -> None:
        self.raw, self.container = handle, container

    def get_matrix(self) -> pdfium.PdfMatrix:
        """Its transform matrix (into its container's space), as ``PdfObject.get_matrix`` gives it."""
        matrix = raw.FS_MATRIX()
        if not raw.FPDFPageObj_GetMatrix(self.raw, matrix):
            raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
        return pdfium.PdfMatrix.from_raw(matrix)

    def get_bounds(self) -> tuple[float, float, float, float]:
        """Left, bottom, right and top in its container's space, as ``PdfObject.get_bounds`` gives them."""
        left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        if not raw.FPDFPageObj_GetBounds(self.raw, left, bottom, right, top):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        return (left.value, bottom.value, right.value, top.value)


def _paths(page: pdfium.PdfPage, form: PageObject | None = None, level: int = 0) -> Iterator[PageObject]:
    """The page's path objects, form XObjects searched :data:`MAX_DEPTH` deep: what
    ``page.get_objects(filter=[FPDF_PAGEOBJ_PATH], max_depth=MAX_DEPTH)`` gives, without a
    wrapper made for each of the page's other objects (its text runs: hundreds on a page)."""
    count, get, parent = ((raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, form.raw) if form is not None
                          else (raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, page.raw))
    total = count(parent)
    if total < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    for index in range(total):
        handle = get(parent, index)
        kind = raw.FPDFPageObj_GetType(handle) if handle else raw.FPDF_PAGEOBJ_UNKNOWN
        if kind == raw.FPDF_PAGEOBJ_UNKNOWN:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        if kind == raw.FPDF_PAGEOBJ_PATH:
            yield PageObject(handle, form)
        elif kind == raw.FPDF_PAGEOBJ_FORM and level < MAX_DEPTH - 1:
            yield from _paths(page, PageObject(handle, form), level + 1)


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
           obj: PageObject) -> Shape:
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
    return Shape(bbox, fill, stroke, _line_width(obj) if stroke is not None else 0.0, outline, elliptic, polygons)


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


def _page_bounds(obj: PageObject) -> tuple[float, float, float, float]:
    """Bounds in page space: a path inside a form XObject (a flattened widget's
    appearance) is given in the XObject's space, so map it through its containers."""
    left, bottom, right, top = obj.get_bounds()
    container = obj.container
    if container is None:  # a path of the page's own content (most paths)
        return min(left, right), min(bottom, top), max(left, right), max(bottom, top)
    corners = [(left, bottom), (right, bottom), (left, top), (right, top)]
    while container is not None:
        matrix = container.get_matrix()
        corners = [matrix.on_point(x, y) for x, y in corners]
        container = container.container
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _colour(obj: PageObject, get_colour: Callable, channels: tuple[ctypes.c_uint, ...]) -> RGBA:
    """The path's colour, read into ``channels`` (red, green, blue, alpha)."""
    r, g, b, a = channels
    if not get_colour(obj.raw, r, g, b, a):
        return (0, 0, 0, 255)  # a colour PDFium cannot tell (a pattern): assume it shows
    return (r.value, g.value, b.value, a.value)


def _shows(colour: RGBA | None, lightest: int) -> bool:
    """Whether a colour shows on white paper: some channel darker than ``lightest``."""
    return colour is not None and colour[3] > 0 and min(colour[:3]) < lightest


def _line_width(obj: PageObject) -> float:
    width = ctypes.c_float()
    if not raw.FPDFPageObj_GetStrokeWidth(obj.raw, width):
        return 1.0
    scale, holder = 1.0, obj
    while holder is not None:  # the path's own matrix, then its form XObjects'
        a, b, c, d, _, _ = holder.get_matrix().get()
        scale *= math.sqrt(abs(a * d - b * c)) or 1.0
        holder = holder.container
    return max(width.value * scale, 0.0)


def path_rules(subpaths: list[Subpath], filled: bool, stroked: bool) -> list[Rule]:
    """The rules a path draws: its straight strokes, or the lines its filled rectangles make."""
    rules = []
    for subpath in subpaths:
        if stroked:
            rules += [r for a, b in subpath.lines if (r := _rule(a, b)) is not None]
        elif filled and _is_rectangle(subpath.points, subpath.lines):
            rules += _filled_rectangle(subpath.points, subpath.lines)
    return rules


def _to_page(obj: PageObject, height: float) -> Callable[[float, float], Point]:
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


def _subpaths(obj: PageObject, to_page: Callable[[float, float], Point]) -> list[Subpath]:
    """Each subpath: its points, its straight segments, whether it is closed or has curves."""
    x, y = ctypes.c_float(), ctypes.c_float()
    at_x, at_y = ctypes.addressof(x), ctypes.addressof(y)
    path = ctypes.c_void_p.from_buffer(obj.raw).value
    subpaths: list[Subpath] = []
    for index in range(_SEGMENTS(path)):
        segment = _SEGMENT(path, index)
        kind = _SEGMENT_KIND(segment)
        _SEGMENT_POINT(segment, at_x, at_y)
        point = to_page(x.value, y.value)
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append(Subpath([point], []))
            continue
        subpath = subpaths[-1]
        if kind == raw.FPDF_SEGMENT_LINETO:
            subpath.lines.append((subpath.points[-1], point))
        subpath.curved |= kind == raw.FPDF_SEGMENT_BEZIERTO
        subpath.points.append(point)
        if _SEGMENT_CLOSES(segment):
            subpath.closed = True
            if point != subpath.points[0]:
                subpath.lines.append((point, subpath.points[0]))
    return [s for s in subpaths if len(s.points) > 1]


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


def _is_square(width: float, tall: float) -> bool:
    if not (BOX_MIN <= width <= BOX_MAX and BOX_MIN <= tall <= BOX_MAX):
        return False
    return abs(width - tall) <= SQUARE_TOLERANCE * max(width, tall)
