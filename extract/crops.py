"""Pictures of the answer zones, for the review sheet: the zone itself, and its whole page.

A scan's zones are cut from the page image OCR read (``Page.crop_writer``,
while reading). A text-layer or fillable PDF is never rendered to be read:
after validation, each of its pages holding a field to check is rendered
once with PDFium, form fields drawn (:func:`add_pictures`), at a resolution
where print is legible at 100% zoom, and each zone to check is cut from it
the same way. Beside the crops, once per page, the whole page is saved; the
review sheet outlines each zone on it. Names are made of the page number and
the field's key only: nothing of the bidder's file name reaches them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pypdfium2 as pdfium

from extract.document import open_pdf
from extract.raster import INK_LEVEL, Raster, render_page, save_png
from extract.safety import Unreadable
from extract.tokens import BBox, grow
from questionnaire.definition import Form
from questionnaire.record import PAGE_PICTURE_DPI, Reading, Record, page_picture

CROP_MARGIN_PT = 6.0  # shown around a zone in the crop saved for review
TRIM_WINDOW_PT, TRIM_SHARE = 2.0, 0.25  # the blank end of a crop's line: ink under this share of its peak
RULE_SHARE = 0.8  # a column of the crop inked over this share of its height is a vertical rule
PAGE_VIEW_STEP = 85  # the page picture in four gray levels: still legible, its PNG twenty times smaller
RENDER_DPI = 150  # a digital page's print (7–12 pt) at 1.5 times its size on a screen at 100% zoom


class CropWriter:
    """Saves a zone of the page as PNG for review; returns its path relative to ``crops_dir``.

    The crop keeps the page image's resolution (at most the scan's own: shown
    pixel for pixel in the review sheet, no detail lost, none invented) and
    drops the blank end of its line and the sides of its input box (a long
    crop wraps into fewer strips), but never the zone of a blank answer;
    beside it, once per page, the whole page (:func:`page_picture`) on which
    the review sheet outlines each zone to check.
    """

    def __init__(self, raster: Callable[[], Raster], number: int, crops_dir: Path,
                 scan_dpi: float | None = None) -> None:
        self._raster_of = raster
        self._number = number
        self._crops_dir = crops_dir
        self._scan_dpi = scan_dpi
        self._page_saved = False

    @property
    def _raster(self) -> Raster:
        return self._raster_of()

    def __call__(self, bbox: BBox, key: str) -> str | None:
        crop, _ = self._raster.crop(grow(bbox, CROP_MARGIN_PT))
        if crop.size == 0:
            return None
        name = f"page{self._number:03d}-{_safe(key)}.png"
        save_png(self._shown(crop), self._crops_dir / name)
        if not self._page_saved:
            save_png(self._page(), self._crops_dir / page_picture(name))
            self._page_saved = True
        return name

    def _shown(self, crop: np.ndarray) -> np.ndarray:
        dark = (crop < INK_LEVEL).sum(axis=0).astype(float)
        dark[dark >= RULE_SHARE * crop.shape[0]] = 0  # an input box's sides are no writing
        profile = np.convolve(dark, np.ones(max(1, round(TRIM_WINDOW_PT * self._raster.scale))), "same")
        columns = np.flatnonzero(profile >= TRIM_SHARE * profile.max())  # writing, not dots or specks
        if columns.size:
            margin = round(CROP_MARGIN_PT * self._raster.scale)
            crop = crop[:, max(0, columns[0] - margin):columns[-1] + margin + 1]
        factor = min(1.0, (self._scan_dpi or self._raster.dpi) / self._raster.dpi)
        if factor >= 1:
            return crop
        size = (max(1, round(crop.shape[1] * factor)), max(1, round(crop.shape[0] * factor)))
        return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)

    def _page(self) -> np.ndarray:
        page = self._raster.resized(PAGE_PICTURE_DPI).image
        return (np.round(page / PAGE_VIEW_STEP) * PAGE_VIEW_STEP).astype(np.uint8)


def add_pictures(record: Record, path: Path, crops_dir: Path, form: Form) -> None:
    """Give each field to check that has a zone but no picture yet (a digital page) its crop.

    Only the pages holding such a field are rendered, each once. The pictures
    are an aid: a page PDFium cannot draw leaves its fields without one (the
    review sheet still links to the file).
    """
    wanted: dict[int, list[Reading]] = defaultdict(list)
    for reading in record.unpictured(form):
        wanted[reading.page].append(reading)
    if not wanted:
        return
    try:
        pdf = open_pdf(path)
    except Unreadable:
        return
    try:
        pdf.init_forms()  # the fields' values drawn, even where the file has no appearance for them
        for number, readings in sorted(wanted.items()):
            if number <= len(pdf):
                _cut(pdf, number, readings, crops_dir)
    except (pdfium.PdfiumError, OSError):  # a picture is an aid: the row still links to the file
        pass
    finally:
        pdf.close()


def _cut(pdf, number: int, readings: list[Reading], crops_dir: Path) -> None:
    page = pdf[number - 1]
    try:
        raster = render_page(page, RENDER_DPI)
    finally:
        page.close()
    writer = CropWriter(lambda: raster, number, crops_dir)
    for reading in readings:
        reading.crop = writer(reading.zone, reading.key)


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:120]
