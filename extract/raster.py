"""Page images: rendering (pypdfium2), turning upright, deskewing, crops.

Images are grayscale ``uint8`` numpy arrays (0 = black ink, 255 = paper),
rows top to bottom, so that pixel positions convert to PDF points with the
origin at the top-left corner, as the token model wants (:class:`Raster`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from extract.leaders import leader_mask
from extract.tokens import BBox

POINTS_PER_INCH = 72.0
# Beyond this many pixels a page (a poster, a corrupt size) is rendered coarser.
MAX_PIXELS = 40_000_000
INK_LEVEL = 128  # gray level under which a pixel is ink
SKEW_RANGE = 3.0  # degrees searched either way (scans are skewed up to about 2°)
SKEW_DPI = 75  # resolution of the skew estimate: text lines are still distinct
PAPER_PERCENTILE = 90
RULE_MIN_PT = 40.0  # straight strokes longer than this are table rules, not text
CELL_RULE_MIN_PT = 18.0  # straight strokes this long are rules (a tick box's side is shorter)
CELL_SIDE_MIN_PT = 8.0  # shorter strokes down to this are rules when both ends meet rules
RULE_MEET_PT = 1.2  # a short stroke's end this close to a rule meets it (a letter's stem in a tight row stops short)
PAPER_EDGE_PT = 6.0  # nothing is printed this close to the paper's edge
RULE_THICK_PT = 3.0  # ink this thick every way is a dark area (a shaded cell): its sides are the rules
RULE_EDGE_PT = 0.5  # erased either side of a rule: its blurred edges
RULE_BAND_PT = 1.2  # erased either side of a ruling line's centre (the centre is found on a coarser image)
RULE_SEARCH_SCALE = 2.0  # pixels per point enough to find rules (144 dpi)
HALF_INK = 128  # a coarse pixel at least half inked is ink (gaps between bold letters stay gaps)
THIN_LINE_INK = 64  # ... a quarter, when looking for rules: a line one pixel thin (toner worn) stays whole
RULE_CONTRAST = 30  # gray levels under the paper's that make a rule's pixel: a form's light gray rules count
HALO_PT = 1.0  # light gray this close to ink is the blur around a letter, not a rule
SPECK_PT = 0.8  # ink smaller than this (square side) is scanner noise; a full stop is bigger
DUST_PT = 1.4  # in a number's zone, a blob this small (square side) is dust or a separator
SEPARATOR_GAP_PT = 2.0  # a decimal separator stands this close to the digits either side


@dataclass
class Raster:
    """A page image at ``dpi``, with the conversions to and from PDF points."""

    image: np.ndarray
    dpi: float

    @property
    def scale(self) -> float:
        """Pixels per PDF point."""
        return self.dpi / POINTS_PER_INCH

    @property
    def size_points(self) -> tuple[float, float]:
        height, width = self.image.shape[:2]
        return width / self.scale, height / self.scale

    def to_points(self, box: tuple[float, float, float, float]) -> BBox:
        x0, top, x1, bottom = box
        return (x0 / self.scale, top / self.scale, x1 / self.scale, bottom / self.scale)

    def to_pixels(self, bbox: BBox) -> tuple[int, int, int, int]:
        """Pixel box of ``bbox`` (points), clipped to the image."""
        height, width = self.image.shape[:2]
        x0, top, x1, bottom = (round(v * self.scale) for v in bbox)
        return max(0, x0), max(0, top), min(width, x1), min(height, bottom)

    def crop(self, bbox: BBox) -> tuple[np.ndarray, tuple[int, int]]:
        """The image inside ``bbox`` (points) and its pixel origin."""
        x0, top, x1, bottom = self.to_pixels(bbox)
        return self.image[top:bottom, x0:x1], (x0, top)

    def resized(self, dpi: float) -> "Raster":
        """The same page at another resolution (area averaging when shrinking)."""
        factor = dpi / self.dpi
        height, width = self.image.shape[:2]
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
        return Raster(cv2.resize(self.image, size, interpolation=interpolation), dpi)


def render_page(pdf_page, dpi: float) -> Raster:
    """Render a pypdfium2 page in grayscale at ``dpi`` (less for huge pages)."""
    width, height = pdf_page.get_size()
    pixels = width * height * (dpi / POINTS_PER_INCH) ** 2
    if pixels > MAX_PIXELS:
        dpi *= (MAX_PIXELS / pixels) ** 0.5
    bitmap = pdf_page.render(scale=dpi / POINTS_PER_INCH, grayscale=True)
    image = np.array(bitmap.to_pil().convert("L"))
    return Raster(image, dpi)


def ink_mask(image: np.ndarray) -> np.ndarray:
    """Dark pixels (ink) as a 0/255 mask, by Otsu's threshold."""
    _, mask = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def ink_threshold(image: np.ndarray) -> float:
    """Otsu's threshold between ink and paper for the whole page."""
    threshold, _ = cv2.threshold(image[::2, ::2], 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return float(threshold)


def gray_threshold(image: np.ndarray) -> float:
    """The gray under which a pixel is ink or a light gray print (a browser's boxes and
    buttons): :data:`RULE_CONTRAST` levels under the paper, or Otsu's threshold if higher."""
    return max(ink_threshold(image), paper_level(image) - RULE_CONTRAST)


def _gray_strokes(image: np.ndarray, scale: float, length: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules printed in light gray (a browser's table grid and input
    boxes, which Otsu's threshold between text and paper leaves out), as coarse 0/255 masks
    like :func:`_strokes`': straight runs ``length`` coarse pixels long of gray pixels away
    from the ink (not the blur around letters) with paper on both sides (not the inside of a
    shaded cell, nor the grain of the paper, which makes no long straight run)."""
    ink = ink_of(image, ink_threshold(image))
    gray = ink_of(image, gray_threshold(image))
    side = 2 * max(1, round(HALO_PT * scale)) + 1
    alone, factor = _coarse(gray & ~cv2.dilate(ink, _kernel(side, side)), scale, THIN_LINE_INK)
    dark, _ = _coarse(gray, scale, THIN_LINE_INK)
    reach = max(1, round(RULE_THICK_PT / 2 * scale / factor))
    across_rows = alone & ~_shifted(dark, reach, 0) & ~_shifted(dark, -reach, 0)
    across_columns = alone & ~_shifted(dark, 0, reach) & ~_shifted(dark, 0, -reach)
    return _strokes(across_rows, length)[0], _strokes(across_columns, length)[1]


def _shifted(mask: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """``mask`` moved by ``rows`` down and ``columns`` right (what lies that far above / left of each pixel)."""
    out = np.zeros_like(mask)
    height, width = mask.shape
    out[max(0, rows):height + min(0, rows), max(0, columns):width + min(0, columns)] = \
        mask[max(0, -rows):height - max(0, rows), max(0, -columns):width - max(0, columns)]
    return out


def ink_of(image: np.ndarray, threshold: float) -> np.ndarray:
    """Pixels darker than ``threshold`` as a 0/255 mask."""
    _, mask = cv2.threshold(image, math.ceil(threshold) - 1, 255, cv2.THRESH_BINARY_INV)  # src < threshold
    return mask


def solid_rules(ink: np.ndarray, scale: float) -> np.ndarray:
    """Straight strokes longer than :data:`RULE_MIN_PT` (table and cell borders,
    solid answer lines), slightly thickened, as a 0/255 mask."""
    coarse, factor = _coarse(ink, scale)
    horizontal, vertical = _strokes(coarse, RULE_MIN_PT * scale / factor)
    side = 2 * max(1, round(RULE_EDGE_PT * scale / factor)) + 1
    solid = cv2.dilate(horizontal | vertical, _kernel(side, side))
    height, width = ink.shape
    return cv2.resize(solid, (width, height), interpolation=cv2.INTER_NEAREST) if factor > 1 else solid


Line = tuple[float, float, float, float]  # x0, top, x1, bottom: x0 == x1 or top == bottom


def rule_lines(image: np.ndarray, scale: float) -> list[Line]:
    """The page's ruling lines as centre lines (x0, top, x1, bottom) in pixels.

    A solid dark area (a shaded header, a title band printed in white) gives
    its four sides. Then straight runs of ink (or of light gray: :func:`_gray_strokes`)
    at least :data:`CELL_RULE_MIN_PT` long are rules; shorter ones, down to
    :data:`CELL_SIDE_MIN_PT`, only when both their ends meet a long rule across
    them (the sides of a one-row cell,
    not a tick box's side nor a letter's stem). Strokes along the paper's edge
    are the scanner's shadows, not print.
    """
    coarse, factor = _coarse(ink_of(image, ink_threshold(image)), scale, THIN_LINE_INK)
    pixels = scale / factor  # coarse pixels per point
    long = CELL_RULE_MIN_PT * pixels
    height, width = coarse.shape
    margin = PAPER_EDGE_PT * pixels
    area_rows, area_columns = [], []
    for x0, top, x1, bottom in _dark_areas(coarse, pixels):
        coarse[max(0, top - 1):bottom + 1, max(0, x0 - 1):x1 + 1] = 0
        if min(x0, top) >= margin and x1 <= width - margin and bottom <= height - margin:
            area_rows += [(x0, top, x1, top), (x0, bottom, x1, bottom)]
            area_columns += [(x0, top, x0, bottom), (x1, top, x1, bottom)]
    horizontal, vertical = _strokes(coarse, CELL_SIDE_MIN_PT * pixels)
    gray_rows, gray_columns = _gray_strokes(image, scale, CELL_SIDE_MIN_PT * pixels)
    horizontal, vertical = horizontal | gray_rows, vertical | gray_columns
    rows = [r for r in _centre_lines(horizontal, 1) if margin <= r[1] <= height - margin]
    columns = [c for c in _centre_lines(vertical, 0) if margin <= c[0] <= width - margin]
    long_rows = area_rows + [r for r in rows if r[2] - r[0] >= long]
    long_columns = area_columns + [c for c in columns if c[3] - c[1] >= long]
    reach = RULE_MEET_PT * pixels
    kept = long_rows + long_columns
    kept += [r for r in rows if r[2] - r[0] < long and all(_meets(long_columns, 0, (x, r[1]), reach) for x in (r[0], r[2]))]
    kept += [c for c in columns if c[3] - c[1] < long and all(_meets(long_rows, 1, (c[0], y), reach) for y in (c[1], c[3]))]
    return [(x0 * factor, top * factor, x1 * factor, bottom * factor) for x0, top, x1, bottom in kept]


def _dark_areas(coarse: np.ndarray, pixels: float) -> list[tuple[int, int, int, int]]:
    """Boxes of solid ink thicker than :data:`RULE_THICK_PT` every way, big enough to be
    cells (a filled tick box is not): what a square opening leaves of the page."""
    side = max(3, round(RULE_THICK_PT * pixels))
    solid = cv2.morphologyEx(coarse, cv2.MORPH_OPEN, _kernel(side, side))
    contours, _ = cv2.findContours(solid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    areas = []
    for contour in contours:
        x, y, width, height = cv2.boundingRect(contour)
        if min(width, height) >= CELL_SIDE_MIN_PT * pixels and max(width, height) >= CELL_RULE_MIN_PT * pixels:
            areas.append((x, y, x + width, y + height))
    return areas


def _centre_lines(mask: np.ndarray, across: int) -> list[Line]:
    """Each stroke of ``mask`` as its centre line; ``across`` is the coordinate (0: x, 1: y) its ends share."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    lines = []
    for contour in contours:
        x, y, width, height = cv2.boundingRect(contour)
        line = [float(x), float(y), float(x + width), float(y + height)]
        line[across] = line[across + 2] = (line[across] + line[across + 2]) / 2
        lines.append((line[0], line[1], line[2], line[3]))
    return lines


def _meets(lines: list[Line], across: int, point: tuple[float, float], reach: float) -> bool:
    """Whether ``point`` lies within ``reach`` of one of ``lines`` (all sharing coordinate ``across``)."""
    along = 1 - across
    return any(abs(point[across] - line[across]) <= reach
               and line[along] - reach <= point[along] <= line[along + 2] + reach for line in lines)


def _coarse(ink: np.ndarray, scale: float, level: int = HALF_INK) -> tuple[np.ndarray, int]:
    """The ink mask made coarser by the returned factor (rules are long: a coarser
    image finds them as well), a coarse pixel inked when at least ``level``/255 inked."""
    factor = max(1, int(scale / RULE_SEARCH_SCALE))
    height, width = ink.shape
    coarse = cv2.resize(ink, (-(-width // factor), -(-height // factor)), interpolation=cv2.INTER_AREA) \
        if factor > 1 else ink
    return np.where(coarse >= level, 255, 0).astype(np.uint8), factor


def _strokes(coarse: np.ndarray, length: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical straight strokes at least ``length`` pixels long, as 0/255 masks."""
    long_side = max(3, round(length))
    return (cv2.morphologyEx(coarse, cv2.MORPH_OPEN, _kernel(long_side, 1)),
            cv2.morphologyEx(coarse, cv2.MORPH_OPEN, _kernel(1, long_side)))


def text_only(image: np.ndarray, threshold: float, scale: float, rules: Sequence[Line] = ()) -> np.ndarray:
    """Black text on white, for OCR: no paper grain, rules, dotted lines or specks.

    ``scale`` is pixels per point. Solid rules are erased pixel by pixel, and
    so are the lines ``rules`` (pixels: the sides of the page's drawn cells, the short
    sides of an input box too, which OCR would read as "|", "l" or "1" beside a
    value); dotted answer lines dot by dot
    (:mod:`extract.leaders`), the dots hidden under the letters written on the
    line included; specks smaller than :data:`SPECK_PT` go.
    """
    ink = ink_of(image, threshold)
    ink[solid_rules(ink, scale) > 0] = 0
    ink[_drawn(rules, ink.shape, scale) > 0] = 0
    _, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    specks = stats[:, cv2.CC_STAT_AREA] < (SPECK_PT * scale) ** 2
    specks[0] = False
    leaders = leader_mask(labels, stats, centroids, scale)
    ink[specks[labels] | (leaders > 0)] = 0
    return 255 - ink


def _drawn(lines: Sequence[Line], shape: tuple[int, ...], scale: float) -> np.ndarray:
    """``lines`` (centre lines in pixels) drawn as bands :data:`RULE_BAND_PT` wide either side."""
    mask = np.zeros(shape[:2], np.uint8)
    half = max(1, round(RULE_BAND_PT * scale))
    for x0, top, x1, bottom in lines:
        cv2.rectangle(mask, (round(x0) - half, round(top) - half), (round(x1) + half, round(bottom) + half), 255, -1)
    return mask


def without_dust(text: np.ndarray, scale: float) -> np.ndarray:
    """A number's zone (black on white) without the dust beside its digits.

    A blob no bigger than :data:`DUST_PT` square is dust unless it stands on
    the line between two larger marks, as a decimal separator does: OCR reads
    dust next to a digit as a full stop ("1."), which makes the number unreadable.
    """
    _, labels, stats, centroids = cv2.connectedComponentsWithStats((text == 0).astype(np.uint8), connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < (DUST_PT * scale) ** 2
    small[0] = False
    if not small.any():
        return text
    large = ~small
    large[0] = False  # the background
    marks = stats[large]
    left, top = marks[:, cv2.CC_STAT_LEFT], marks[:, cv2.CC_STAT_TOP]
    right, bottom = left + marks[:, cv2.CC_STAT_WIDTH], top + marks[:, cv2.CC_STAT_HEIGHT]
    gap = SEPARATOR_GAP_PT * scale
    clean = text.copy()
    for blob in np.flatnonzero(small):
        x, y = centroids[blob]
        on_line = (top - gap <= y) & (y <= bottom + gap)
        before = (on_line & (right <= x) & (x - right <= gap)).any()
        after = (on_line & (left >= x) & (left - x <= gap)).any()
        if not (before and after):
            bx, by, bw, bh = stats[blob, :4]
            window = clean[by:by + bh, bx:bx + bw]
            window[labels[by:by + bh, bx:bx + bw] == blob] = 255
    return clean


def _kernel(width: int, height: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (width, height))


def paper_level(image: np.ndarray) -> float:
    """Gray level of the paper (a high percentile: most of a form is blank)."""
    return float(np.percentile(image[::4, ::4], PAPER_PERCENTILE))


def estimate_skew(raster: Raster, step: float = 0.1) -> float:
    """Skew of the text lines in degrees (positive: lines go down to the right).

    Projection profile: the ink pixels are sheared for each candidate angle
    and the angle whose row histogram is the sharpest (largest sum of
    squares) is the skew. Printed lines and table rules dominate the profile.
    """
    small = raster.resized(SKEW_DPI).image if raster.dpi > SKEW_DPI else raster.image
    ys, xs = np.nonzero(ink_mask(small))
    if len(xs) < 50:
        return 0.0
    xs = xs - small.shape[1] / 2
    best = _sharpest(xs, ys, np.arange(-SKEW_RANGE, SKEW_RANGE + step / 2, step))
    fine = _sharpest(xs, ys, np.arange(best - step, best + step + 0.01, step / 5))
    return float(fine)


def _sharpest(xs: np.ndarray, ys: np.ndarray, angles: np.ndarray) -> float:
    scores = []
    for angle in angles:
        rows = np.round(ys - xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        scores.append(float(np.dot(counts, counts)))
    return float(angles[int(np.argmax(scores))])


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre by ``degrees`` (counter-clockwise), same size, white fill."""
    if abs(degrees) < 1e-3:
        return image
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def turn(image: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    """Undo a page turned by a multiple of 90° clockwise."""
    quarter_turns = (clockwise_degrees // 90) % 4
    return np.ascontiguousarray(np.rot90(image, quarter_turns)) if quarter_turns else image


def deskew(raster: Raster) -> tuple[Raster, float]:
    """The page with its text lines made horizontal, and the skew corrected."""
    skew = estimate_skew(raster)
    return Raster(rotate(raster.image, skew), raster.dpi), skew


def save_png(image: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".png", image)  # cv2.imwrite cannot open accented paths on Windows
    if not ok:
        raise OSError(f"Impossible d'écrire l'image {path}")
    path.write_bytes(data.tobytes())
