"""Zone pictures cut to fit the review sheet without shrinking them.

A crop of a text line is as wide as the page; shrunk to a column's width
its words become unreadable. The picture is shown pixel for pixel instead
(the crops are saved at the scan's own resolution), wrapped like text:
split into its lines, each line cut into strips as wide as the column
(between words where possible) and stacked in reading order, then the
whole cut between lines into pieces no taller than a worksheet row.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from questionnaire.record import BBox

OUTLINE, OUTLINE_PX, OUTLINE_MARGIN_PT = (230, 0, 0), 3, 6.0  # the zone to check, on its page
GAP = 12  # white pixels between two strips of a wrapped line
RULE_GRAY = 200  # the thin line in that gap, telling the strips apart
INK_LEVEL = 128  # gray level under which a pixel is ink
BLANK_SHARE = 0.02  # a row with less ink than this share of the inkiest row is between two lines
SEARCHED = 1 / 3  # a cut is looked for in the last third of a piece


def pieces(png: Path, width: int, height: int) -> list[Image.Image]:
    """The picture as pieces at most ``width`` × ``height`` pixels, in reading order, never scaled."""
    with Image.open(png) as picture:
        gray = np.asarray(picture.convert("L"))
    lines = [_stack(_cut(line, width, axis=1)) for line in _lines(gray)]
    return [Image.fromarray(piece) for piece in _cut(_pad_stack(lines, 0), height, axis=0)]


def _lines(image: np.ndarray) -> list[np.ndarray]:
    """The picture cut into its text lines, at the middle of each blank band between them."""
    ink = (image < INK_LEVEL).sum(axis=1)
    blank = ink <= max(0, BLANK_SHARE * ink.max())
    cuts, start = [], None
    for row, empty in enumerate(blank):
        if empty and start is None:
            start = row
        elif not empty and start is not None:
            if start > 0:
                cuts.append((start + row) // 2)
            start = None
    bounds = [0, *cuts, image.shape[0]]
    return [image[top:bottom] for top, bottom in zip(bounds, bounds[1:]) if bottom > top]


def _cut(image: np.ndarray, size: int, axis: int) -> list[np.ndarray]:
    """Pieces of at most ``size`` pixels along ``axis`` (1: columns, 0: rows), cut where there is least ink."""
    ink = (255 - image.astype(np.int64)).sum(axis=1 - axis)
    found, start = [], 0
    while image.shape[axis] - start > size:
        first = start + int(size * (1 - SEARCHED))
        window = ink[first:start + size]
        cut = first + len(window) - 1 - int(np.argmin(window[::-1]))  # the last, emptiest line
        found.append(np.take(image, range(start, cut), axis=axis))
        start = cut
    found.append(np.take(image, range(start, image.shape[axis]), axis=axis))
    return found


def _stack(strips: list[np.ndarray]) -> np.ndarray:
    """The strips of one line one under the other, a ruled gap between them."""
    return _pad_stack(strips, GAP)


def _pad_stack(images: list[np.ndarray], gap: int) -> np.ndarray:
    """Images one under the other, left-aligned on white, ``gap`` ruled pixels between them."""
    width = max(i.shape[1] for i in images)
    rows = []
    for image in images:
        padded = np.full((image.shape[0], width), 255, dtype=np.uint8)
        padded[:, :image.shape[1]] = image
        if rows and gap:
            rule = np.full((gap, width), 255, dtype=np.uint8)
            rule[gap // 2, :] = RULE_GRAY
            rows.append(rule)
        rows.append(padded)
    return np.vstack(rows)


def outline(page: Path, dpi: float, bbox: BBox, target: Path) -> None:
    """Save ``page`` (a picture at ``dpi``) as ``target`` with ``bbox`` (PDF points) outlined in red."""
    with Image.open(page) as picture:
        drawn = picture.convert("RGB")
    scale = dpi / 72
    x0, top, x1, bottom = bbox
    box = [(x0 - OUTLINE_MARGIN_PT) * scale, (top - OUTLINE_MARGIN_PT) * scale,
           (x1 + OUTLINE_MARGIN_PT) * scale, (bottom + OUTLINE_MARGIN_PT) * scale]
    ImageDraw.Draw(drawn).rectangle(box, outline=OUTLINE, width=OUTLINE_PX)
    drawn.quantize(colors=8).save(target)  # optimize: twice the time for 1% of the size
