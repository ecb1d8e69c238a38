"""Opening a PDF and turning each page into positioned tokens.

The one place that knows how a PDF is opened: a file that cannot be read
raises :class:`extract.safety.Unreadable` with a French reason and its class (as
``shared/corpus/MANIFEST.csv`` names them), so the batch can report it and go
on. Digital pages get their words and marks from the text layer, widgets,
annotations and vector paths; image-only pages are handed to the scan
reader. A page whose text lies over a picture of the form (the form pasted
as an image, the answers typed over it) is read from both when asked
(:func:`read_pictures`): its text layer alone does not show the form.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Protocol, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.acroform import box_states
from extract.cells import find_tables
from extract.layouts import PRINTED, Printed
from extract.marks import assemble, typed_boxes
from extract.pdfium_annots import AnnotTokens, BoxStates, read_annotations
from extract.pdfium_text import PageObjects, text_tokens
from extract.picture import over_picture
from extract.safety import Unreadable
from extract.tokens import FormField, Page, Rule, Word
from extract.typed_tables import typed_tables
from extract.vector_marks import MAX_DEPTH, path_shapes

# pypdfium2 logs a notice for XFA forms (no XFA in its build): the AcroForm part is still read.
logging.getLogger("pypdfium2").setLevel(logging.ERROR)

MAX_PAGES = 500  # a questionnaire is a few pages; a bigger file is read up to this many
MAX_PICTURE_PAGES = 20  # pictures under text read with OCR, at most, in one file
IMAGE_COVERAGE = 0.5  # a scan, or a form pasted as a picture, covers most of its page


class ScanReader(Protocol):
    """Reads what the text layer cannot: image-only pages, and the picture under a page's text."""

    def __call__(self, page: pdfium.PdfPage, number: int) -> Page: ...

    def picture(self, page: pdfium.PdfPage, number: int) -> Page | None:
        """The picture's words and boxes (the page's text objects are taken out of ``page``)."""


@dataclass
class Document:
    pages: list[Page]
    page_count: int = 0
    truncated: bool = False  # more pages than MAX_PAGES
    pictures_read: int = 0  # pages read from their picture as well as their text
    fields: Sequence[FormField] = ()  # the form fields it was read with (see load)
    layouts: Sequence[str | None] = ()  # each page's digest of its printed content (extract.layouts)


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


def load(path: Path, scan_reader: ScanReader | None = None, fields: Sequence[FormField] = (),
         layouts: Sequence[str | None] = ()) -> Document:
    """Every page of the file as tokens, the file closed (see :func:`opened`: a scanned
    page's zones can then be read only while it is among the last pages prepared)."""
    with opened(path, scan_reader, fields, layouts) as document:
        return document


@contextmanager
def opened(path: Path, scan_reader: ScanReader | None = None,
           fields: Sequence[FormField] = (), layouts: Sequence[str | None] = ()) -> Iterator[Document]:
    """Every page of the file as tokens (image-only pages through ``scan_reader``).

    ``fields`` are the file's form fields as the field tree gives them
    (:func:`extract.acroform.form_fields`): they decide its boxes' states.
    ``layouts`` are its pages' digests of their printed content
    (:func:`extract.layouts.page_digests`): a page printed as one read
    before in this worker takes that page's printed tokens.
    Pages are opened, read and closed one at a time: PDFium keeps the decoded
    images of an open page, so a long scanned bid must not have all its pages
    open at once. The document stays open while the caller reads the fields,
    so that a scan reader may open a page again (:mod:`extract.scan`).
    """
    pdf = _open_forms(path)
    try:
        count = len(pdf)
        if count == 0:
            raise Unreadable("Le PDF ne contient aucune page lisible.")
        layouts = layouts if len(layouts) == count else ()  # qpdf and PDFium must see the same pages
        document = Document([], page_count=count, truncated=count > MAX_PAGES, fields=fields, layouts=layouts)
        states = box_states(list(fields))
        for index in range(min(count, MAX_PAGES)):
            layout = layouts[index] if layouts else None
            document.pages.append(_read_page_at(pdf, index, scan_reader, states, layout))
        yield document
        for page in document.pages:  # read: freed as soon as the caller lets them go
            page.forget_derived()
    finally:
        pdf.close()


def _read_page_at(pdf: pdfium.PdfDocument, index: int, scan_reader: ScanReader | None, states: BoxStates,
                  layout: str | None) -> Page:
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise Unreadable(f"Fichier PDF endommagé : la page {index + 1} ne peut pas être lue.") from None
    try:
        annots = read_annotations(pdf, page, page.get_height(), states)
        return _read_page(page, index + 1, annots, scan_reader, layout=layout)[0]
    finally:
        page.close()


def read_pictures(path: Path, document: Document, scan_reader: ScanReader | None) -> tuple[Document, list[int]]:
    """``document`` with its pages of text over a picture read from the picture too,
    and those pages' numbers (:data:`MAX_PICTURE_PAGES` at most).

    Only for a file whose text layer alone does not show the form, so ordinary
    digital pages are never OCRed. Without ``scan_reader`` the pages are only found.
    """
    pdf = _open_forms(path)
    states = box_states(list(document.fields))
    try:
        pages, pictured, read_count = list(document.pages), [], 0
        for known in (p for p in document.pages if p.words and len(pictured) < MAX_PICTURE_PAGES):
            page = pdf[known.number - 1]
            try:
                if not mostly_picture(page):
                    continue
                pictured.append(known.number)
                if scan_reader is not None:
                    annots = read_annotations(pdf, page, page.get_height(), states)
                    read, from_picture = _read_page(page, known.number, annots, scan_reader, picture=True)
                    pages[known.number - 1], read_count = read, read_count + from_picture
            finally:
                page.close()
        return replace(document, pages=pages, pictures_read=read_count), pictured
    finally:
        pdf.close()


def _open_forms(path: Path) -> pdfium.PdfDocument:
    pdf = open_pdf(path)
    if pdf.get_formtype() != raw.FORMTYPE_NONE:
        pdf.init_forms()
    return pdf


def _read_page(page: pdfium.PdfPage, number: int, annots: AnnotTokens, scan_reader: ScanReader | None,
               picture: bool = False, layout: str | None = None) -> tuple[Page, bool]:
    """The page's tokens, and whether they come from its picture too (with
    ``picture``, the picture under the page's text is read by ``scan_reader``;
    with ``layout``, its printed content's digest, the printed tokens of a page
    printed alike may be taken from :data:`extract.layouts.PRINTED`)."""
    width, height = page.get_size()
    key = (layout, width, height, raw.FPDFPage_CountObjects(page.raw)) if layout else None
    known = PRINTED.get(key) if key else None
    if known is not None:
        shapes, words, glyphs = known.shapes, list(known.words), list(known.glyphs)
    else:
        objects = PageObjects(page, MAX_DEPTH)  # listed once for its paths and its text's fonts
        shapes = path_shapes(page, height, objects)
        words, glyphs = _printed_text(page, height, shapes.rules, objects)
    if not words and not annots.words and not annots.marks and _has_image(page):
        if scan_reader is not None:
            return scan_reader(page, number), False
        return Page(number, width, height, image_only=True), False
    printed, typed = typed_tables(words)
    rules = list(shapes.rules) + typed
    if key and known is None:
        known = Printed(tuple(words), tuple(glyphs), shapes, tuple(find_tables(rules)))
        PRINTED.put(key, known)
    ticks = shapes.ticks + [t.bbox for t in annots.ticks if len(t.text) <= 2]
    text = Page(number, width, height, words=printed + annots.words, rules=rules)
    if known is not None:
        text.tables = list(known.tables)  # what Page.tables finds from the same rules
    read = scan_reader.picture(page, number) if picture and scan_reader is not None else None
    if read is not None:
        return over_picture(text, read, drawn=shapes.boxes, glyphs=glyphs, widget_marks=annots.marks,
                            ticks=ticks), True
    text.marks = assemble(shapes.boxes, glyphs, annots.marks, ticks)
    return text, False


def _printed_text(page: pdfium.PdfPage, height: float, rules: Sequence[Rule],
                  objects: PageObjects) -> tuple[list[Word], list[Word]]:
    """The text layer's words (none across a cell's border, see ``text_tokens``), and its box
    and tick glyphs (boxes typed as brackets included)."""
    textpage = page.get_textpage()
    try:
        words, glyphs = text_tokens(textpage, height, rules, objects)
    finally:
        textpage.close()
    return words, glyphs + typed_boxes(words)


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def mostly_picture(page: pdfium.PdfPage) -> bool:
    """True when images cover most of the page (a scan, or a form pasted as a picture)."""
    width, height = page.get_size()
    covered = 0.0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, right - left) * max(0.0, top - bottom)
    return covered >= IMAGE_COVERAGE * width * height
