"""An image-only (scanned) page as positioned tokens.

The page is rendered (300 dpi by default), turned upright and deskewed; its
tick boxes become marks (:mod:`extract.boxes`); table rules and boxes are
whitened away and one fast OCR pass at a lower resolution gives the words
the field reader needs to find the printed labels. Values are read later,
zone by zone, at full resolution (``Page.zone_reader``), and doubtful zones
are saved as PNG crops (``Page.crop_writer``). All positions are PDF points
of the upright, deskewed page (origin top-left), like every other reader's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2.raw as pdfium_c

from extract.boxes import Box, find_boxes
from extract.ocr_engine import OcrEngine, OcrWord
from extract.raster import (Raster, deskew, ink_of, ink_threshold, render_page, rule_masks, save_png, text_only,
                            turn)
from extract.tokens import BBox, Mark, Page, Word, overlap_ratio
from questionnaire.record import SOURCE_OCR

SOURCE = SOURCE_OCR
LABEL_DPI = 150  # labels are 9–12 pt print: legible to Tesseract at this resolution
BOX_MARGIN_PT = 1.5  # whitened around a box so its outline leaves no stray strokes
ZONE_MARGIN_PT = 3.0  # read around a zone, so characters on its edge are whole
CROP_MARGIN_PT = 6.0  # shown around a zone in the crop saved for review
PIECE_OVERLAP = 0.3  # a zone's word this much inside a word outside the zone is a piece of it
MIN_ZONE_INK = 0.002  # share of a zone that must be ink before OCR is worth it
PARAGRAPH_KEPT_PT = 250.0  # what is read of a paragraph's first line in the label pass
LINE_MIN_PT = 4.0  # a text line is at least this tall
WORD_GAP_LINES = 2.0  # a gap wider than this many line heights splits columns, not words
FULL_WIDTH = 0.6  # share of the widest line that makes a line "full width" (ragged text included)
PARAGRAPH_LEADING = 1.5  # lines of a paragraph are closer than this many line heights
UPRIGHT_MIN_WORDS = 5  # fewer confident label words (or a smaller share): ask whether the page is turned
UPRIGHT_MIN_SHARE = 0.5
CONFIDENT = 0.6
IMAGE_COVERAGE = 0.5  # an image-only page is mostly covered by images
NUMBER_DISAGREEMENT = 0.3  # confidence of a number whose two readings disagree


def is_image_only(pdf_page) -> bool:
    """True when the page has no text and is mostly covered by images (a scan)."""
    textpage = pdf_page.get_textpage()
    try:
        has_text = bool(textpage.get_text_range().strip())
    finally:
        textpage.close()
    if has_text:
        return False
    width, height = pdf_page.get_size()
    covered = 0.0
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, right - left) * max(0.0, top - bottom)
    return covered >= IMAGE_COVERAGE * width * height


def read_scan_page(pdf_page, number: int, *, engine: OcrEngine | None, crops_dir: Path | None,
                   dpi: int = 300) -> Page:
    """Read an image-only page (``number`` is 1-based) into a :class:`Page`.

    Without an engine (no Tesseract), the page has its marks but no words
    and no zone reader: the caller reports what to install.
    """
    scan = _prepare(render_page(pdf_page, dpi))
    words = label_words(scan, engine) if engine is not None else []
    if engine is not None and _few_confident(words):
        degrees = engine.orientation(scan.raster.resized(LABEL_DPI).image, LABEL_DPI)
        if degrees:
            scan = _prepare(Raster(turn(scan.raster.image, degrees), scan.raster.dpi))
            words = label_words(scan, engine)
    width, height = scan.raster.size_points
    return Page(
        number=number, width=width, height=height, words=words,
        marks=[_mark(box, scan.raster) for box in scan.boxes], image_only=True,
        zone_reader=ZoneReader(scan, engine, words) if engine is not None else None,
        crop_writer=CropWriter(scan.raster, number, crops_dir) if crops_dir is not None else None,
    )


@dataclass
class PreparedScan:
    """A deskewed page, its boxes, and the same page without boxes for OCR.

    ``small`` is that page at :data:`LABEL_DPI` and ``lines`` its rules
    (table and cell borders, answer lines), found once for the page.
    """

    raster: Raster
    boxes: list[Box]
    unboxed: Raster
    threshold: float  # ink/paper gray level of the page
    small: Raster
    lines: tuple[np.ndarray, np.ndarray]  # solid and dashed rules of ``small`` (raster.rule_masks)

    def lines_in(self, box: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
        """The rule masks over a pixel box of the full-resolution page."""
        factor = self.small.dpi / self.unboxed.dpi
        x0, top, x1, bottom = box
        to_small = np.float32([[factor, 0, x0 * factor], [0, factor, top * factor]])
        solid, dashed = (cv2.warpAffine(mask, to_small, (x1 - x0, bottom - top),
                                        flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0)
                         for mask in self.lines)
        return solid, dashed


def _prepare(raster: Raster) -> PreparedScan:
    raster, _ = deskew(raster)
    boxes = find_boxes(raster)
    unboxed = Raster(without_boxes(raster.image, boxes, raster.scale), raster.dpi)
    threshold = ink_threshold(raster.image)
    small = unboxed.resized(LABEL_DPI) if unboxed.dpi > LABEL_DPI else unboxed
    lines = rule_masks(ink_of(small.image, threshold), small.scale)
    return PreparedScan(raster, boxes, unboxed, threshold, small, lines)


def _few_confident(words: list[Word]) -> bool:
    """Too few words read with confidence: the page may be turned (or is not text)."""
    confident = sum(w.confidence >= CONFIDENT for w in words)
    return confident < UPRIGHT_MIN_WORDS or confident < UPRIGHT_MIN_SHARE * len(words)


def without_boxes(image: np.ndarray, boxes: list[Box], scale: float) -> np.ndarray:
    """The image with its tick boxes (and their ticks) whitened: they are not text."""
    clean = image.copy()
    margin = round(BOX_MARGIN_PT * scale)
    for box in boxes:
        clean[max(0, box.top - margin):box.bottom + margin, max(0, box.x0 - margin):box.x1 + margin] = 255
    return clean


def label_words(scan: PreparedScan, engine: OcrEngine) -> list[Word]:
    """The fast pass: the page's words at :data:`LABEL_DPI`, in PDF points."""
    small = scan.small
    text = without_paragraph_bodies(text_only(small.image, scan.threshold, small.scale, scan.lines), small.scale)
    found = engine.read(text, dpi=round(small.dpi), block=False)
    return [_word(w, small, (0, 0)) for w in found]


def without_paragraph_bodies(text: np.ndarray, scale: float) -> np.ndarray:
    """The label image less the bodies of paragraphs (the introduction, long answers).

    Labels are short lines; a run of three or more full-width lines is a
    paragraph, which holds no label but would take most of the OCR time. Its
    first line is kept, cut to :data:`PARAGRAPH_KEPT_PT`, the others are
    whitened. Answers are read again zone by zone anyway.
    """
    lines = _text_lines(text, scale)
    if not lines:
        return text
    widest = max(x1 - x0 for _, _, x0, x1 in lines)
    out = text.copy()
    for paragraph in _paragraphs(lines, widest):
        top, bottom, x0, x1 = paragraph[0]
        out[top:bottom, x0 + round(PARAGRAPH_KEPT_PT * scale):x1 + 1] = 255
        for top, bottom, x0, x1 in paragraph[1:]:
            out[top:bottom, x0:x1 + 1] = 255
    return out


def _text_lines(text: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """Text lines (top, bottom, x0, x1), each as its widest run of words.

    A gap wider than :data:`WORD_GAP_LINES` line heights separates columns
    (or a speck) from the words: only the widest run counts.
    """
    ink = text == 0
    rows = np.flatnonzero(np.diff(np.concatenate(([0], ink.any(axis=1).astype(np.int8), [0]))))
    lines = []
    for top, bottom in zip(rows[::2], rows[1::2]):
        if bottom - top < LINE_MIN_PT * scale:
            continue
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        breaks = np.flatnonzero(np.diff(columns) > WORD_GAP_LINES * (bottom - top))
        starts = np.concatenate(([0], breaks + 1))
        ends = np.concatenate((breaks, [len(columns) - 1]))
        widest = int(np.argmax(columns[ends] - columns[starts]))
        lines.append((int(top), int(bottom), int(columns[starts[widest]]), int(columns[ends[widest]])))
    return lines


def _paragraphs(lines: list[tuple[int, int, int, int]], widest: int) -> list[list[tuple[int, int, int, int]]]:
    """Runs of at least three consecutive full-width lines."""
    runs: list[list[tuple[int, int, int, int]]] = []
    current: list[tuple[int, int, int, int]] = []
    for line in lines:
        top, bottom, x0, x1 = line
        full = x1 - x0 >= FULL_WIDTH * widest
        if full and current and top - current[-1][1] <= PARAGRAPH_LEADING * (bottom - top):
            current.append(line)
            continue
        if len(current) >= 3:
            runs.append(current)
        current = [line] if full else []
    if len(current) >= 3:
        runs.append(current)
    return runs


def _word(found: OcrWord, raster: Raster, origin: tuple[int, int]) -> Word:
    ox, oy = origin
    x0, top, x1, bottom = raster.to_points((found.x0 + ox, found.top + oy, found.x1 + ox, found.bottom + oy))
    return Word(found.text, x0, top, x1, bottom, source=SOURCE, confidence=found.confidence)


def _mark(box: Box, raster: Raster) -> Mark:
    x0, top, x1, bottom = raster.to_points((box.x0, box.top, box.x1, box.bottom))
    return Mark(x0, top, x1, bottom, checked=box.checked, source=SOURCE, confidence=box.confidence)


def grow(bbox: BBox, margin: float) -> BBox:
    return (bbox[0] - margin, bbox[1] - margin, bbox[2] + margin, bbox[3] + margin)


class ZoneReader:
    """Zonal OCR at full resolution: the words lying mostly inside a zone.

    Results are kept per zone, since the field reader may ask twice. A zone
    without ink is not given to Tesseract at all (most cells of a form are
    blank, and that is where the time goes). A word read again exactly as
    the label pass read it is returned as that same object, so the field
    reader recognises printed labels (it knows them by identity).
    """

    def __init__(self, scan: PreparedScan, engine: OcrEngine, label_words: list[Word]) -> None:
        self._scan = scan
        self._engine = engine
        self._label_words = label_words
        self._cache: dict[tuple[float, ...], list[Word]] = {}

    def __call__(self, bbox: BBox, numeric: bool = False) -> list[Word]:
        key = (*(round(v, 1) for v in bbox), numeric)
        if key not in self._cache:
            self._cache[key] = self._read(bbox, numeric)
        return list(self._cache[key])

    def _read(self, bbox: BBox, numeric: bool) -> list[Word]:
        """The zone's words; with ink but no word read, one empty word of confidence 0
        (the field reader sends it to review: something is written there)."""
        text, origin = self._text_image(bbox)
        if text.size == 0 or np.count_nonzero(text == 0) < MIN_ZONE_INK * text.size:
            return []
        words = self._words(text, origin, bbox, digits=False)
        if not words:
            return [Word("", *bbox, source=SOURCE, confidence=0.0)]
        if numeric and _digits(words) != _digits(self._words(text, origin, bbox, digits=True)):
            # The French and the digits-only readings disagree: a misread number is likely.
            words = [replace(w, confidence=min(w.confidence, NUMBER_DISAGREEMENT)) for w in words]
        return words

    def _words(self, text: np.ndarray, origin: tuple[int, int], bbox: BBox, digits: bool) -> list[Word]:
        unboxed = self._scan.unboxed
        found = self._engine.read(text, dpi=round(unboxed.dpi), block=True, digits=digits)
        words = [_word(w, unboxed, origin) for w in found]
        outside = [w for w in self._label_words if overlap_ratio(w.bbox, bbox) < 0.5]
        # Tesseract's own order: it follows a line that the scan's residual skew makes drift.
        return [self._as_labelled(w) for w in words
                if overlap_ratio(w.bbox, bbox) >= 0.5 and not _piece_of(w, outside)]

    def _text_image(self, bbox: BBox) -> tuple[np.ndarray, tuple[int, int]]:
        """The zone (and a margin) cleaned for OCR, with the page's rules
        (a cell's borders are too short inside the zone to be told from text)."""
        unboxed = self._scan.unboxed
        pixels = unboxed.to_pixels(grow(bbox, ZONE_MARGIN_PT))
        x0, top, x1, bottom = pixels
        crop = unboxed.image[top:bottom, x0:x1]
        if crop.size == 0:
            return crop, (x0, top)
        return text_only(crop, self._scan.threshold, unboxed.scale, self._scan.lines_in(pixels)), (x0, top)

    def _as_labelled(self, word: Word) -> Word:
        """The label pass's own word when this one is the same (text and place)."""
        for known in self._label_words:
            if known.text == word.text and overlap_ratio(word.bbox, known.bbox) >= 0.5:
                return known
        return word


def _digits(words: list[Word]) -> str:
    return "".join(c for w in words for c in w.text if c.isdigit())


def _piece_of(word: Word, outside: list[Word]) -> bool:
    """Whether ``word`` is a cut piece of a word lying outside the zone (the
    colon of the label before it, say): the margin read around a zone must
    not bring the label's edge into the value."""
    return any(overlap_ratio(word.bbox, other.bbox) >= PIECE_OVERLAP for other in outside)


class CropWriter:
    """Saves a zone of the page as PNG for review; returns its path relative to ``crops_dir``."""

    def __init__(self, raster: Raster, number: int, crops_dir: Path) -> None:
        self._raster = raster
        self._number = number
        self._crops_dir = crops_dir

    def __call__(self, bbox: BBox, key: str) -> str | None:
        crop, _ = self._raster.crop(grow(bbox, CROP_MARGIN_PT))
        if crop.size == 0:
            return None
        name = f"page{self._number:03d}-{_safe(key)}.png"
        save_png(crop, self._crops_dir / name)
        return name


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:120]

