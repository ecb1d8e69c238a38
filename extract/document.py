"""Opening a PDF and turning each page into positioned tokens.

The one place that knows how a PDF is opened: a file that cannot be read
raises :class:`Unreadable` with a French reason and its class (as
``shared/corpus/MANIFEST.csv`` names them), so the batch can report it and go
on. Digital pages get their words and marks from the text layer, widgets,
annotations and vector paths; image-only pages are handed to the scan
reader.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.acroform import box_states
from extract.marks import assemble
from extract.pdfium_annots import AnnotTokens, read_annotations
from extract.pdfium_text import text_tokens
from extract.tokens import FormField, Page
from extract.vector_marks import path_shapes

# pypdfium2 logs a notice for XFA forms (no XFA in its build): the AcroForm part is still read.
logging.getLogger("pypdfium2").setLevel(logging.ERROR)

REJECTED = "rejected"  # corrupt, unreadable, locked by a password
NOT_QUESTIONNAIRE = "not_questionnaire"
MAX_PAGES = 500  # a questionnaire is a few pages; a bigger file is read up to this many

ScanReader = Callable[[pdfium.PdfPage, int], Page]


class Unreadable(Exception):
    """The file cannot be read; ``reason`` is for the officer, in French."""

    def __init__(self, reason: str, reason_class: str = REJECTED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reason_class = reason_class


@dataclass
class Document:
    pages: list[Page]
    page_count: int = 0
    truncated: bool = False  # more pages than MAX_PAGES


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """The PDF in PDFium (call :func:`extract.safety.preflight` first: ``read.read_file`` does)."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise _classify(error) from None


def _classify(error: pdfium.PdfiumError) -> Unreadable:
    code = getattr(error, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        return Unreadable("Fichier protégé par un mot de passe : demander au candidat une version sans mot de passe.")
    if code == raw.FPDF_ERR_SECURITY:
        return Unreadable("Fichier chiffré avec une protection non prise en charge.")
    if code == raw.FPDF_ERR_FORMAT:
        return Unreadable("Fichier PDF endommagé ou tronqué : il ne peut pas être ouvert.")
    return Unreadable(f"Fichier PDF illisible ({error}).")


def load(path: Path, scan_reader: ScanReader | None = None, fields: Sequence[FormField] = ()) -> Document:
    """Every page of the file as tokens (image-only pages through ``scan_reader``).

    ``fields`` are the file's form fields as the field tree gives them
    (:func:`extract.acroform.form_fields`): they decide its boxes' states.
    """
    pdf = open_pdf(path)
    try:
        count = len(pdf)
        if count == 0:
            raise Unreadable("Le PDF ne contient aucune page lisible.")
        if pdf.get_formtype() != raw.FORMTYPE_NONE:
            pdf.init_forms()
        document = Document([], page_count=count, truncated=count > MAX_PAGES)
        pages = _pages(pdf, min(count, MAX_PAGES))
        try:
            states = box_states(list(fields))
            annots = [read_annotations(pdf, page, page.get_height(), states) for page in pages]
            document.pages = [_read_page(page, n + 1, a, scan_reader)
                              for n, (page, a) in enumerate(zip(pages, annots))]
        finally:
            for page in pages:
                page.close()
        return document
    finally:
        pdf.close()


def _pages(pdf: pdfium.PdfDocument, count: int) -> list[pdfium.PdfPage]:
    pages = []
    for index in range(count):
        try:
            pages.append(pdf[index])
        except pdfium.PdfiumError:
            for page in pages:
                page.close()
            raise Unreadable(f"Fichier PDF endommagé : la page {index + 1} ne peut pas être lue.") from None
    return pages


def _read_page(page: pdfium.PdfPage, number: int, annots: AnnotTokens,
               scan_reader: ScanReader | None) -> Page:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        words, glyphs = text_tokens(textpage, height)
    finally:
        textpage.close()
    if not words and not annots.words and not annots.marks and _has_image(page):
        if scan_reader is not None:
            return scan_reader(page, number)
        return Page(number, width, height, image_only=True)
    shapes = path_shapes(page, height)
    ticks = shapes.ticks + [t.bbox for t in annots.ticks if len(t.text) <= 2]
    marks = assemble(shapes.boxes, glyphs, annots.marks, ticks)
    return Page(number, width, height, words=words + annots.words, marks=marks, rules=shapes.rules)


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2))
