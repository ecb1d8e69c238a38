"""Any file that is not our own fillable form, read from its pages.

A buyer's fillable form, a text layer, annotations, an XFA form, a form pasted as a picture
or a scan: the file is opened in PDFium (:mod:`extract.document`), the questionnaire's pages
found by their printed phrases and the fields read from the labels (:mod:`extract.fields`).
:mod:`extract.read` imports this module only when a file needs it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Hashable, Sequence

import pikepdf
import pypdfium2 as pdfium

from extract.cells import cell_of
from extract.document import MAX_PAGES, Document, ScanReader, opened, read_pictures
from extract.fields import FURNITURE_BAND, read_fields
from extract.labels import LabelIndex
from extract.layouts import page_digests
from extract.learned import LEARNED, learn, learned_key
from extract.read import (METHOD_ANNOTATIONS, METHOD_FIELDS, METHOD_PICTURE, METHOD_SCAN, METHOD_TEXT,
                          METHOD_XFA, ScanStart)
from extract.safety import NOT_QUESTIONNAIRE
from extract.tokens import FormField, Page
from extract.xfa import xfa_pages
from questionnaire.definition import Form
from questionnaire.record import SOURCE_ANNOTATION, SOURCE_FORM_FIELD, SOURCE_OCR, Reading, Record


def read(record: Record, path: Path, forms: Sequence[Form], fields: Sequence[FormField],
         layouts: Sequence[str | None], form_key: Hashable | None, start: ScanStart, *,
         all_pages: bool = False) -> tuple[Record, list[Page]]:
    """``record`` read from the file's pages, and the pages it was read from (with ``all_pages``,
    every page of a file that is not the questionnaire). ``fields`` are the file's form fields,
    ``layouts`` its pages' digests and ``form_key`` its learned reading's key (:func:`keys`);
    ``start`` gives the scan reader and why there is none when a page first needs them."""
    scanning = _Scans(start)
    if form_key is not None and not all_pages and _from_learned(record, form_key, fields):
        return record, []
    with opened(path, scanning, fields, layouts) as document:
        record.page_count = document.page_count
        record, pages = _read_pages(record, document, forms, path, scanning)
        if form_key is not None and record.method == METHOD_FIELDS:
            LEARNED.put(form_key, learn(record, fields, forms) or False)
        return record, pages or (document.pages if all_pages else [])


def shown(path: Path, fields: Sequence[FormField], start: ScanStart) -> list[Page]:
    """Every page of our own fillable form, as ``egalite debug`` shows what was seen on them."""
    with opened(path, _Scans(start), fields) as document:
        return document.pages


def keys(pdf: pikepdf.Pdf, fields: list[FormField], forms: Sequence[Form]) -> tuple[list[str | None], Hashable | None]:
    """The pages' digests of their printed content and the key of the form's learned reading;
    none when qpdf fails to give them (the pages are then read without the caches, the fields as they are)."""
    try:
        digests = page_digests(pdf)
        return digests, learned_key(pdf, fields, digests, forms)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - any failure of qpdf on untrusted input
        return [], None


def _from_learned(record: Record, key: Hashable, fields: Sequence[FormField]) -> bool:
    """``record`` read from the reading learned for its form (:mod:`extract.learned`), when
    one was learned in this worker and the file's values are of the kinds it was learned with."""
    learned = LEARNED.get(key)
    readings = learned.readings(fields) if learned else None
    if readings is None:
        return False
    known = learned.record
    record.form_id, record.form_digest, record.method = known.form_id, known.form_digest, known.method
    record.page_count, record.pages, record.readings = known.page_count, list(known.pages), readings
    return True


class _Scans:
    """The scan reader and why there is none, asked for when a page first needs them: starting
    Tesseract costs a worker a third of a second and 60 MB, which a text or fillable file never needs.
    As a reader it reads an image-only page, or leaves it unread when there is no reader."""

    def __init__(self, start: ScanStart) -> None:
        self._start = start
        self._started: tuple[ScanReader | None, str | None] | None = None

    @property
    def reader(self) -> ScanReader | None:
        return self._options()[0]

    @property
    def unavailable(self) -> str | None:
        return self._options()[1]

    def _options(self) -> tuple[ScanReader | None, str | None]:
        if self._started is None:
            self._started = self._start()
        return self._started

    def __call__(self, page: pdfium.PdfPage, number: int) -> Page:
        if self.reader is not None:
            return self.reader(page, number)
        width, height = page.get_size()
        return Page(number, width, height, image_only=True)

    def picture(self, page: pdfium.PdfPage, number: int) -> Page | None:
        return self.reader.picture(page, number) if self.reader is not None else None


def _read_pages(record: Record, document: Document, forms: Sequence[Form], path: Path,
                scans: _Scans) -> tuple[Record, list[Page]]:
    form, pages = recognised(document.pages, forms)
    xfa: list[Page] = []
    if not pages:  # a placeholder page: the form is XFA
        form, xfa = recognised(xfa_pages(path) or [], forms)
        pages = xfa
    if not pages:  # the form's labels may be in a picture under the text (a form pasted as an image)
        again, pictured = read_pictures(path, document, scans.reader)
        form, pages = recognised(again.pages, forms) if again.pictures_read else (forms[0], [])
        if pictured and not pages and scans.reader is None and scans.unavailable:
            return _unread_pictures(record, pictured, scans.unavailable), []
        document = again if pages else document
    scanned = any(p.image_only for p in document.pages)
    if not pages:
        if scanned and scans.unavailable:
            return _unread_scan(record, document, form, scans.unavailable), []
        record.error = ("Document scanné : aucun libellé du questionnaire n'a pu y être lu "
                        "(autre document, ou scan illisible)." if scanned else
                        "Ce PDF n'est pas le questionnaire égalité (aucun de ses libellés n'a été trouvé).")
        if document.truncated:
            record.error += f" Seules ses {MAX_PAGES} premières pages (sur {document.page_count}) ont été lues."
        record.error_class = NOT_QUESTIONNAIRE
        return record, []
    record.form_id, record.form_digest = form.id, form.digest
    record.pages = [p.number for p in pages]
    record.readings = read_fields(pages, form)
    record.method = METHOD_XFA if xfa else METHOD_PICTURE if document.pictures_read else _method(pages)
    return record, pages


def _unread_pictures(record: Record, pictured: list[int], reason: str) -> Record:
    """Text over pictures, without the form's labels, and no OCR to read the pictures:
    the file is not called another document; the officer is told what to install."""
    record.error = ("Le texte de ce PDF ne montre pas le questionnaire, mais ses pages sont des images "
                    f"(le formulaire collé en image ?) qui n'ont pas pu être lues. {reason}")
    record.error_class = NOT_QUESTIONNAIRE
    record.pages = pictured
    return record


def _unread_scan(record: Record, document: Document, form: Form, reason: str | None) -> Record:
    """Image-only pages that could not be read: every field goes to review with the reason."""
    why = reason or "Document scanné (pages images) : la lecture des scans n'est pas disponible."
    record.pages = [p.number for p in document.pages if p.image_only]
    record.method = METHOD_SCAN
    record.readings = {key: Reading(key, doubt=why) for key in form.keys}
    return record


def recognised(pages: Sequence[Page], forms: Sequence[Form]) -> tuple[Form, list[Page]]:
    """The form the pages show best, and its pages (none: the first form, and no page).

    Each form's pages are found by its signature; the form whose phrases are
    found in the largest share wins (a 2027 file lacks the 2024 index
    question and shows the directive's phrases), the first one on a tie.
    """
    index = LabelIndex(pages)
    best: tuple[float, Form, list[Page]] = (0.0, forms[0], [])
    for form in forms:
        found = questionnaire_pages(pages, form, index)
        if not found:
            continue
        numbers = {p.number for p in found}
        phrases = {phrase for n, hits in index.signature_hits(form.signature).items() if n in numbers
                   for phrase in hits}
        share = len(phrases) / len(form.signature)
        if share > best[0]:
            best = (share, form, found)
    return best[1], best[2]


def questionnaire_pages(pages: Sequence[Page], form: Form, index: LabelIndex | None = None) -> list[Page]:
    """The pages that show the questionnaire, so a cover letter or annexes are ignored.

    A page with at least ``signature_min`` of the form's phrases belongs to
    it; so does a page next to one of its pages that shows at least one.
    """
    index = index or LabelIndex(pages)
    hits = index.signature_hits(form.signature)
    kept = {n for n, found in hits.items() if len(found) >= form.signature_min}
    if not kept:
        return []
    grown = True
    while grown:  # the form's pages follow each other: take in neighbours showing one phrase
        neighbours = {n for n in hits if n not in kept and (n - 1 in kept or n + 1 in kept)}
        kept |= neighbours
        grown = bool(neighbours)
    first, last = min(kept), max(kept)
    if not any(p.number == last + 1 for p in pages):  # no page after the last to take in: nothing more to look for
        return [p for p in pages if first <= p.number <= last]
    seen = {m.anchor for m in index.find(_commitment_labels(form)) if first <= m.page.number <= last}
    ending = {m.page.number for m in index.find(list(form.commitments_end) + list(form.commitment_details_anchors))}
    ending |= {m.page.number for m in index.find(_commitment_labels(form)) if m.anchor not in seen}
    if last + 1 in ending and not any(m.page.number <= last for m in index.find(list(form.commitments_end))):
        last += 1  # the list of commitments runs over onto a page of its own
    elif _table_runs_on(*[next((p for p in pages if p.number == n), None) for n in (last, last + 1)]):
        last += 1  # a table broken by the page break: its last row ends on the next page
    return [p for p in pages if first <= p.number <= last]


def _table_runs_on(page: Page | None, following: Page | None) -> bool:
    """Whether a drawn table is cut by the page break: the last words of ``page`` and the first
    of ``following`` (running headers and footers aside) stand in drawn cells."""
    if page is None or following is None:
        return False
    ended = [w for w in page.words if cell_of(page, w.bbox) is not None]
    started = [w for w in following.words if cell_of(following, w.bbox) is not None]
    if not ended or not started:
        return False
    last = max(ended, key=lambda w: w.bottom).bottom
    first = min(started, key=lambda w: w.top).top
    return all(w.top > page.height * (1 - FURNITURE_BAND) for w in page.words if w.top > last) \
        and all(w.bottom < following.height * FURNITURE_BAND for w in following.words if w.bottom < first)


def _commitment_labels(form: Form) -> list[str]:
    """The commitments' labels (the list may run over onto a page that shows only its last ones)."""
    return [c.anchors[0] for c in form.commitments]


def _method(pages: Sequence[Page]) -> str:
    sources = {w.source for p in pages for w in p.words} | {m.source for p in pages for m in p.marks}
    if any(p.image_only for p in pages) or SOURCE_OCR in sources:
        return METHOD_SCAN
    if SOURCE_FORM_FIELD in sources:
        return METHOD_FIELDS
    if SOURCE_ANNOTATION in sources:
        return METHOD_ANNOTATIONS
    return METHOD_TEXT
