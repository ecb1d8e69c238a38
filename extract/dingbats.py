"""A dingbat glyph's shape, told from its own ink.

PDFium names a ZapfDingbats glyph by its Unicode, except where the font or its
producer leaves the code unmapped (a form's appearance stream, a subset without
its table): that glyph comes out as U+25A0 (■) whatever it draws, a filled
square as well as a tick or a bullet. Rendered alone (the text object without
the page around it), its ink tells: a square filled to its corners is a ticked
box, a square outline around a clear centre an empty one. Anything else (a
tick, a cross, a disc, a star) is left unknown: inside a printed box it ticks
the box, elsewhere it is a box whose state the reader cannot tell
(:mod:`extract.marks`).
"""
from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2.raw as raw

TICKED, EMPTY = "■", "☐"
GLYPH_PX = 40  # the glyph rendered about this many pixels tall (a thinner outline fades)
MAX_SCALE = 16.0
SQUARE = (0.8, 1.25)  # width over height of a square's ink
FULL = 0.9  # share of a full square's box that is ink (a disc fills 0.79, a diamond 0.5)
SIDE = 0.7  # share of each side of an outline square that is ink
HOLLOW = 0.1  # share of an outline square's centre (its middle half) that is ink


def drawn_box(textpage, index: int) -> str | None:
    """■ (a ticked box) or ☐ (an empty one) for the character at ``index`` of
    ``textpage`` (a pypdfium2 text page) when its ink draws one, else None."""
    ink = _ink(textpage, index)
    return None if ink is None else shape(ink)


def shape(ink: np.ndarray) -> str | None:
    """■, ☐ or None for a glyph's ink mask (True where inked)."""
    if not ink.any():
        return None
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    glyph = ink[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]
    height, width = glyph.shape
    if min(height, width) < 4 or not SQUARE[0] <= width / height <= SQUARE[1]:
        return None
    if glyph.mean() >= FULL:
        return TICKED
    centre = glyph[height // 4:height - height // 4, width // 4:width - width // 4]
    sides = (glyph[0], glyph[-1], glyph[:, 0], glyph[:, -1])
    if centre.mean() <= HOLLOW and min(side.mean() for side in sides) >= SIDE:
        return EMPTY
    return None


def _ink(textpage, index: int) -> np.ndarray | None:
    """The character's ink, from its text object rendered alone; None when PDFium cannot render it."""
    handle = textpage.raw
    text_object = raw.FPDFText_GetTextObject(handle, index)
    if not text_object:
        return None
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(text_object, left, bottom, right, top):
        return None
    char_left, char_right, char_bottom, char_top = (ctypes.c_double() for _ in range(4))
    if not raw.FPDFText_GetCharBox(handle, index, char_left, char_right, char_bottom, char_top):
        return None
    height = char_top.value - char_bottom.value
    if height <= 0:
        return None
    scale = min(MAX_SCALE, max(1.0, GLYPH_PX / height))
    page = textpage.page
    bitmap = raw.FPDFTextObj_GetRenderedBitmap(page.pdf.raw, page.raw, text_object, scale)
    if not bitmap:
        return None
    try:
        width, rows, stride = raw.FPDFBitmap_GetWidth(bitmap), raw.FPDFBitmap_GetHeight(bitmap), \
            raw.FPDFBitmap_GetStride(bitmap)
        buffer = ctypes.cast(raw.FPDFBitmap_GetBuffer(bitmap), ctypes.POINTER(ctypes.c_ubyte * (rows * stride)))
        pixels = np.frombuffer(buffer.contents, dtype=np.uint8).reshape(rows, stride)[:, :width * 4]
        alpha = pixels.reshape(rows, width, 4)[..., 3]  # BGRA: the glyph's coverage
        # Only this character's columns, when its text object holds others.
        x0 = max(0, int((char_left.value - left.value) * scale) - 1)
        x1 = min(width, int(np.ceil((char_right.value - left.value) * scale)) + 1)
        return alpha[:, x0:x1] > 127 if x1 > x0 else None
    finally:
        raw.FPDFBitmap_Destroy(bitmap)
