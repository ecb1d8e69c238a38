"""Tick boxes on page images: where they are, and how much ink is inside.

A box is found from its outline: the straight horizontal and vertical
strokes of the page (morphological opening) are kept, and every small
square whose four sides are straight lines is a box (letters, ticks and
table rules are not). Its state comes from the ink inside the outline,
measured against the paper's own gray so that light pencil counts, with
specks of scanner noise left out. Ink in the doubtful band between an empty
and a ticked box gives ``checked=None``: the field reader sends it to review.
The round option buttons a browser draws are found too, from their ring
(:func:`find_rings`), and their state from the dot in their middle.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from extract.raster import Raster, gray_threshold, ink_mask, ink_of, paper_level

MIN_SIDE_PT = 6.5  # a box typed as a character (☐ ☑ in 10 pt text) is about 7 pt
DRAWN_SIDE_PT = 7.5  # drawn boxes are about 9–11 pt (scaled prints included); bold lowercase letters are smaller
THIN_SIDE = 0.2  # a box smaller than a drawn one is outlined thin all around (share of its side): bold letters are not
MAX_SIDE_PT = 16.0
OVERSHOOT_PT = 8.0  # a tick may stick out of its box by this much
MAX_ASPECT = 1.3  # width/height of a square, with some tolerance for scaling
STROKE_MIN_PT = 4.0  # straight strokes at least this long make the sides of boxes
SIDE_COVERAGE = 0.85  # share of each side that must be a straight stroke
CORNER_SHARE = 0.15  # side of the corner patches checked for ink
CORNER_INK = 0.25
BORDER_SHARE = 0.2  # part of the side left out on each edge when measuring ink
INK_CONTRAST = 0.18  # a pixel is ink when darker than the paper by this share of the paper (pencil included)
EMPTY_BELOW = 0.02  # share of the inside covered by ink: below, the box is empty
TICKED_ABOVE = 0.06  # above, the box is ticked; between, the state is doubtful
RING_ASPECT = 1.1  # a round button is as wide as tall (an "O" is narrower)
RING_THICKNESS = 0.2  # its ring is this thin (share of its radius); a letter's stroke is thicker
RING_SHARE = 0.9  # share of its pixels on the ring (outside its middle)
RING_SECTORS = 16  # the ring is closed: ink in every one of these sectors around its middle
RING_DOT = 0.6  # share of its radius that its dot may fill when chosen
RING_CLEAR = 0.3  # share of its width left blank either side of a button (a letter's neighbours are closer)
RING_INSET = 0.1  # share of its side left out on each edge when measuring the dot inside


@dataclass(frozen=True, slots=True)
class Box:
    """A box in pixels of the page image, with its state."""

    x0: int
    top: int
    x1: int
    bottom: int
    ink: float  # share of the inside covered by ink (0–1)
    checked: bool | None
    confidence: float


def find_boxes(raster: Raster) -> list[Box]:
    """Every tick box and option button of the page, with its state, top to bottom."""
    paper = paper_level(raster.image)
    boxes = []
    for x0, top, x1, bottom in find_outlines(raster.image, raster.scale):
        ink = measure_ink(raster.image, (x0, top, x1, bottom), paper, raster.scale)
        boxes.append(Box(x0, top, x1, bottom, ink, *box_state(ink)))
    for x0, top, x1, bottom in find_rings(raster.image, raster.scale):
        inset = round((x1 - x0) * RING_INSET)  # the middle of a round button: its dot, not its ring
        ink = measure_ink(raster.image, (x0 + inset, top + inset, x1 - inset, bottom - inset), paper, raster.scale)
        boxes.append(Box(x0, top, x1, bottom, ink, *box_state(ink)))
    return sorted(boxes, key=lambda b: (b.top, b.x0))


def find_rings(image: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of the round option buttons a browser draws (a thin circle, a dot in
    its middle when chosen), printed and scanned: rings of ink or light gray as wide as
    a tick box, thin and round all the way (a letter "O" is narrower than tall, or thick)."""
    mask = ink_of(image, gray_threshold(image))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    rings = []
    for index in range(1, count):
        x, y, width, height, _ = stats[index]
        if not (_square_sized(width, height, scale) and min(width, height) >= DRAWN_SIDE_PT * scale
                and max(width, height) <= RING_ASPECT * min(width, height)):
            continue
        ys, xs = np.nonzero(labels[y:y + height, x:x + width] == index)
        dx, dy = xs + 0.5 - width / 2, ys + 0.5 - height / 2
        distance = np.hypot(dx, dy)
        outer = (width + height) / 4
        rim = distance > RING_DOT * outer  # the dot of a chosen button may touch its ring
        if not rim.any():
            continue
        radius = float(np.median(distance[rim]))  # the middle of the ring's stroke
        on_ring = np.abs(distance[rim] - radius) <= max(1.5, RING_THICKNESS * outer)
        angles = np.floor((np.arctan2(dy[rim], dx[rim]) + np.pi) / (2 * np.pi) * RING_SECTORS) % RING_SECTORS
        if on_ring.mean() < RING_SHARE or len(np.unique(angles[on_ring])) < RING_SECTORS:
            continue
        component = labels[y:y + height, x:x + width] == index
        if max(_corner_inks(component)) >= CORNER_INK or _has_neighbour(mask, (x, y, x + width, y + height)):
            continue  # a square's corners are inked; a letter "O" has its word's letters close beside it
        rings.append((int(x), int(y), int(x + width), int(y + height)))
    return rings


def _has_neighbour(mask: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Ink close left or right of ``box`` (at letter spacing, :data:`RING_CLEAR` of its width)."""
    x0, top, x1, bottom = box
    clear = max(2, round((x1 - x0) * RING_CLEAR))
    left, right = mask[top:bottom, max(0, x0 - clear):x0], mask[top:bottom, x1:x1 + clear]
    return bool(left.any() or right.any())


def find_outlines(image: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of the small squares outlined by straight strokes.

    A tick that overshoots the box joins its outline: the square is then
    found inside the stroke group, from its straightest rows and columns.
    A square inside another (a glyph drawn in a box) is not a second box.
    """
    mask = ink_mask(image)
    horizontal = _strokes(mask, scale, (1, 0))
    vertical = _strokes(mask, scale, (0, 1))
    count, _, stats, _ = cv2.connectedComponentsWithStats((horizontal | vertical).astype(np.uint8), connectivity=8)
    outlines = []
    for x, y, width, height, _ in stats[1:count]:
        if not _group_sized(width, height, scale):
            continue
        square = _square_in(horizontal[y:y + height, x:x + width], vertical[y:y + height, x:x + width])
        if square is None:
            continue
        left, top, right, bottom = square
        outline = mask[y + top:y + bottom, x + left:x + right]
        if _square_sized(right - left, bottom - top, scale) and _four_corners(outline) and (
                min(right - left, bottom - top) >= DRAWN_SIDE_PT * scale or _thin_sides(outline)):
            outlines.append((int(x + left), int(y + top), int(x + right), int(y + bottom)))
    return sorted(_outermost(outlines), key=lambda b: (b[1], b[0]))


def _strokes(mask: np.ndarray, scale: float, direction: tuple[int, int]) -> np.ndarray:
    """Straight strokes in ``direction`` as long as a box side, not longer (table rules
    are left out, so a tick touching one does not join the box to the table)."""
    def opened(length_pt: float) -> np.ndarray:
        length = max(3, round(length_pt * scale))
        size = (length, 1) if direction == (1, 0) else (1, length)
        return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size)) > 0
    return opened(STROKE_MIN_PT) & ~opened(MAX_SIDE_PT + OVERSHOOT_PT)


def _group_sized(width: int, height: int, scale: float) -> bool:
    low, high = MIN_SIDE_PT * scale, (MAX_SIDE_PT + OVERSHOOT_PT) * scale
    return low <= width <= high and low <= height <= high


def _square_sized(width: int, height: int, scale: float) -> bool:
    low, high = MIN_SIDE_PT * scale, MAX_SIDE_PT * scale
    return (low <= width <= high and low <= height <= high
            and max(width, height) <= MAX_ASPECT * min(width, height))


def _square_in(h: np.ndarray, v: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the square whose four sides are straight strokes, or None.

    Each side is the straightest row (or column) of its half; the square's
    outer edge is then reached by going outwards while rows stay straight.
    """
    height, width = h.shape
    top, bottom = _edges(h.mean(axis=1), height)
    left, right = _edges(v.mean(axis=0), width)
    if bottom - top < 3 or right - left < 3:
        return None
    rows = h[:, left:right + 1].mean(axis=1)
    columns = v[top:bottom + 1, :].mean(axis=0)
    if min(rows[top], rows[bottom], columns[left], columns[right]) < SIDE_COVERAGE:
        return None
    top, bottom = _outwards(rows, top, -1), _outwards(rows, bottom, 1)
    left, right = _outwards(columns, left, -1), _outwards(columns, right, 1)
    return left, top, right + 1, bottom + 1


def _edges(profile: np.ndarray, size: int) -> tuple[int, int]:
    half = size // 2
    return int(np.argmax(profile[:half])), half + int(np.argmax(profile[half:]))


def _outwards(profile: np.ndarray, index: int, step: int) -> int:
    while 0 <= index + step < len(profile) and profile[index + step] >= SIDE_COVERAGE:
        index += step
    return index


def _outermost(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The boxes that do not lie inside another one."""
    def inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
        return a != b and a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]
    return [a for a in boxes if not any(inside(a, b) for b in boxes)]


def _four_corners(outline: np.ndarray) -> bool:
    """Whether the four corners are inked, as a square's are (a bold ``o``'s are not)."""
    return min(_corner_inks(outline)) >= CORNER_INK


def _thin_sides(outline: np.ndarray) -> bool:
    """Whether each side of ``outline`` is one thin straight stroke at its edge (a box
    character's outline; a bold letter's strokes are thick, or not at its square's edge)."""
    rows, columns = (outline > 0).mean(axis=1), (outline > 0).mean(axis=0)
    widths = [_stroke_width(profile) for profile in (rows, rows[::-1], columns, columns[::-1])]
    return min(widths) >= 1 and max(widths) <= THIN_SIDE * min(outline.shape)


def _stroke_width(profile: np.ndarray) -> int:
    """How many lines at the profile's start are straight strokes (:data:`SIDE_COVERAGE`),
    its first line left out when it is not (a blurred or slightly skewed edge)."""
    straight = profile >= SIDE_COVERAGE
    straight = straight if straight[:1].all() else straight[1:]
    return int(np.argmin(straight)) if not straight.all() else len(straight)


def _corner_inks(outline: np.ndarray) -> list[float]:
    """The share of ink in each corner patch of ``outline`` (a circle leaves them blank)."""
    size = max(2, round(min(outline.shape) * CORNER_SHARE))
    corners = (outline[:size, :size], outline[:size, -size:], outline[-size:, :size], outline[-size:, -size:])
    return [float((corner > 0).mean()) for corner in corners]


def measure_ink(image: np.ndarray, box: tuple[int, int, int, int], paper: float, scale: float) -> float:
    """Share of the inside of ``box`` (outline left out) covered by ink.

    Ink is any pixel clearly darker than the paper (light pencil included);
    connected specks smaller than a pen dot are scanner noise and ignored.
    """
    x0, top, x1, bottom = box
    dx = max(1, round((x1 - x0) * BORDER_SHARE))
    dy = max(1, round((bottom - top) * BORDER_SHARE))
    inside = image[top + dy:bottom - dy, x0 + dx:x1 - dx]
    if inside.size == 0:
        return 0.0
    ink = (inside < paper * (1 - INK_CONTRAST)).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    min_area = max(3, round(2 * (0.7 * scale) ** 2))
    return float(areas[areas >= min_area].sum()) / inside.size


def box_state(ink: float) -> tuple[bool | None, float]:
    """Checked or not from the share of ink, with a confidence (0.5–1).

    In the doubtful band the state is None, with confidence 0.
    """
    if ink <= EMPTY_BELOW:
        return False, 1.0 - 0.5 * ink / EMPTY_BELOW
    if ink >= TICKED_ABOVE:
        return True, min(1.0, 0.5 + 0.5 * (ink - TICKED_ABOVE) / TICKED_ABOVE)
    return None, 0.0
