"""``egalite debug FILE``: what the reader saw, drawn on each page (as pdfplumber's ``debug_tablefinder``).

One PNG per page of the questionnaire, the page as printed (a scan: the
deskewed image its positions refer to) with, outlined in colours a legend
names: the words, the table cells of the page structure, the printed labels
the reader recognised, the words some field took into its value (the
ledger), the tick boxes with their state, and each field's answer zone with
its key (purple when read surely, pink when sent to review). So the next bad
reading can be understood at a glance. The input is only read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pypdfium2 as pdfium
import reportlab
from PIL import Image, ImageDraw, ImageFont

from extract.document import ScanReader, open_pdf
from extract.fields import FieldReader
from extract.read import read_with_pages
from extract.scan import scan_image
from extract.tokens import BBox, Page, Word
from questionnaire.definition import Form
from questionnaire.record import Record

DPI = 144  # enough to read the page's words on screen
ZONE_MARGIN = 3  # pixels: an answer zone's frame stands off the words and boxes inside it
MAX_PAGES = 12  # of a file that is not the questionnaire, the first pages are drawn
FONT = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Bitstream Vera, with accents, on any machine

Colour = tuple[int, int, int]
WORD: Colour = (150, 170, 190)
CELL: Colour = (0, 190, 200)
LABEL: Colour = (0, 150, 0)
CLAIMED: Colour = (240, 140, 0)
TICKED: Colour = (220, 0, 0)
EMPTY: Colour = (30, 80, 230)
UNKNOWN: Colour = (200, 0, 200)
ZONE: Colour = (110, 0, 200)
DOUBT: Colour = (235, 0, 120)
LEGEND = [(WORD, "mot"), (CELL, "cellule"), (LABEL, "libellé reconnu"), (CLAIMED, "mot pris par un champ"),
          (TICKED, "case cochée"), (EMPTY, "case vide"), (UNKNOWN, "case illisible"),
          (ZONE, "zone de réponse"), (DOUBT, "zone à vérifier")]


@dataclass
class Seen:
    """What the reader saw on the questionnaire's pages, by word identity."""

    record: Record
    pages: list[Page]
    labels: set[int] = field(default_factory=set)  # ids of printed label words
    claimed: set[int] = field(default_factory=set)  # ids of words a field took (the ledger)


def what_was_seen(path: Path, forms: Sequence[Form], scan_reader: ScanReader | None,
                  scan_unavailable: str | None) -> Seen:
    """Read ``path`` as ``egalite run`` does, keeping its pages and the reader's label and ledger sets."""
    record, pages = read_with_pages(path, path.name, path.parent.name, forms=forms, scan_reader=scan_reader,
                                    scan_unavailable=scan_unavailable, all_pages=True)
    seen = Seen(record, pages[:MAX_PAGES] if record.rejected else pages)
    if seen.pages:
        reader = FieldReader(seen.pages, record.form)
        reader.read()
        seen.labels = set(reader.labels)
        seen.claimed = set(reader.ledger.claimed)  # extension point: per-field claims, when the ledger keeps them
    return seen


def write_pictures(path: Path, seen: Seen, output: Path) -> list[Path]:
    """One PNG per page of ``seen`` in ``output``, named after the file and the page number."""
    output.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", path.stem)[:80] or "fichier"
    written = []
    pdf = open_pdf(path)
    try:
        for page in seen.pages:
            target = output / f"{stem}-page{page.number:03d}.png"
            draw_page(_background(pdf, page), page, seen).save(target)
            written.append(target)
    finally:
        pdf.close()
    return written


def _background(pdf: pdfium.PdfDocument, page: Page) -> tuple[Image.Image, float]:
    """The page's image and its pixels per point."""
    picture = scan_image(page)
    if picture is not None:
        return Image.fromarray(np.asarray(picture.image)).convert("RGB"), picture.scale
    pdf_page = pdf[page.number - 1]
    try:
        image = pdf_page.render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        pdf_page.close()
    return image, DPI / 72


def draw_page(background: tuple[Image.Image, float], page: Page, seen: Seen) -> Image.Image:
    """The page with what was seen on it outlined, and the legend below."""
    image, scale = background
    font = ImageFont.truetype(str(FONT), size=max(10, round(5 * scale)))
    canvas = Image.new("RGB", (image.width, image.height + font.size * 4), "white")
    canvas.paste(image, (0, 0))
    draw = ImageDraw.Draw(canvas)

    def outline(bbox: BBox, colour: Colour, width: int = 1, margin: int = 0) -> None:
        """A frame just outside ``bbox`` (``margin`` pixels further out), so what is inside shows."""
        x0, top, x1, bottom = (v * scale for v in bbox)
        out = width + margin
        draw.rectangle((x0 - out, top - out, max(x1, x0) + out, max(bottom, top) + out), outline=colour, width=width)

    for cell in getattr(page, "cells", ()):
        outline(cell.bbox, CELL)
    words = _words(page)
    for word in words:
        outline(word.bbox, WORD)
    for word in words:
        if id(word) in seen.claimed:
            outline(word.bbox, CLAIMED, 2)
        if id(word) in seen.labels:
            outline(word.bbox, LABEL, 2)
    for mark in page.marks:
        outline(mark.bbox, TICKED if mark.checked else EMPTY if mark.checked is False else UNKNOWN, 2)
    for reading in seen.record.readings.values():
        if reading.page == page.number and reading.bbox:
            colour = DOUBT if reading.doubt else ZONE
            outline(reading.bbox, colour, 2, margin=ZONE_MARGIN)
            draw.text((reading.bbox[0] * scale, reading.bbox[1] * scale - 2 - ZONE_MARGIN), reading.key, fill=colour,
                      font=font, anchor="lb")
    _legend(draw, font, image.height, image.width)
    return canvas


def _words(page: Page) -> list[Word]:
    """The page's words and those its zones were read as (zonal OCR on scans)."""
    read = getattr(page.zone_reader, "words_read", None)
    extra = read() if read is not None else []
    known = {id(w) for w in page.words}
    return list(page.words) + [w for w in _unique(extra) if id(w) not in known]


def _unique(words: Iterable[Word]) -> list[Word]:
    return list({id(w): w for w in words}.values())


def _legend(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, top: int, width: int) -> None:
    """The colours' names, below the page (on two rows if it is narrow)."""
    unit = font.size
    x, y = unit, top + unit // 2
    for colour, name in LEGEND:
        size = draw.textlength(name, font=font) + 3 * unit
        if x + size > width:
            x, y = unit, y + 2 * unit
        draw.rectangle((x, y, x + unit, y + unit), outline=colour, width=2)
        draw.text((x + 1.5 * unit, y), name, fill=(0, 0, 0), font=font)
        x += round(size)
